// Checks the published event schemas as an outside consumer's validator would:
// Ajv's JSON Schema 2020-12 validator in strict mode (unknown keywords, formats
// or loose types are errors) with ajv-formats for date, date-time and uuid.
//
//   node check.mjs <schemas dir>      (libs/contracts/schemas)
//
// 1. Every payload, message and header schema compiles.
// 2. Every example record (examples/<name>) is valid: its value against
//    messages/<name>, its payload against <name>, its headers against
//    headers/<name>.
// 3. Readers tolerate unknown fields: the example with an extra field in the
//    envelope, the payload and each nested object is still valid.
// 4. The rules bite: the example with a wrong event_type is refused.
//
// Prints one line per problem and exits 1 if there is any; else prints a summary.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const root = process.argv[2];
if (!root || !existsSync(root)) {
  console.error("usage: node check.mjs <schemas dir>");
  process.exit(2);
}

const problems = [];
let compiled = 0;
let validated = 0;

function read(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}

function jsonFiles(dir) {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")).sort() : [];
}

// A fresh Ajv per schema: the payload schema and the message schema that
// embeds it are separate documents, each standing alone.
function compile(path) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  try {
    const validate = ajv.compile(read(path));
    compiled += 1;
    return validate;
  } catch (error) {
    problems.push(`${path}: does not compile in strict mode: ${error.message}`);
    return null;
  }
}

function explain(validate) {
  return (validate.errors || [])
    .map((e) => `${e.instancePath || "(root)"} ${e.message}`)
    .join("; ");
}

function expectValid(validate, instance, what) {
  if (!validate) return;
  validated += 1;
  if (!validate(instance)) problems.push(`${what}: refused: ${explain(validate)}`);
}

function expectInvalid(validate, instance, what) {
  if (!validate) return;
  validated += 1;
  if (validate(instance)) problems.push(`${what}: accepted, but should be refused`);
}

// Every record (an object whose schema lists its properties, not a map such as
// kpis) gets a field no schema names, at every depth.
function resolve(schema, rootSchema) {
  while (schema && schema.$ref) {
    const path = schema.$ref.replace(/^#\//, "").split("/");
    schema = path.reduce((node, part) => node[part], rootSchema);
  }
  return schema;
}

function withUnknownFields(value, schema, rootSchema) {
  schema = resolve(schema, rootSchema);
  if (!schema || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => withUnknownFields(item, schema.items, rootSchema));
  if (schema.anyOf) {
    const objectSchema = schema.anyOf.map((s) => resolve(s, rootSchema)).find((s) => s.type === "object");
    return withUnknownFields(value, objectSchema, rootSchema);
  }
  if (!schema.properties) return value;
  const copy = { a_field_added_later: "ignore me" };
  for (const [key, item] of Object.entries(value)) {
    copy[key] = withUnknownFields(item, schema.properties[key], rootSchema);
  }
  return copy;
}

const payloads = {};
for (const name of jsonFiles(root)) payloads[name] = compile(join(root, name));
const messages = {};
for (const name of jsonFiles(join(root, "messages"))) messages[name] = compile(join(root, "messages", name));
const headers = {};
for (const name of jsonFiles(join(root, "headers"))) headers[name] = compile(join(root, "headers", name));

const examples = jsonFiles(join(root, "examples"));
for (const name of Object.keys(payloads)) {
  for (const [kind, set] of [["messages", messages], ["headers", headers], ["examples", null]]) {
    const present = set ? name in set : examples.includes(name);
    if (!present) problems.push(`${name}: no ${kind}/${name}`);
  }
}

for (const name of examples) {
  const example = read(join(root, "examples", name));
  const where = `examples/${name}`;
  if (!(name in messages) || !(name in headers) || !(name in payloads)) {
    problems.push(`${where}: no schemas for it`);
    continue;
  }
  expectValid(messages[name], example.value, `${where} value`);
  expectValid(payloads[name], example.value.payload, `${where} payload`);
  expectValid(headers[name], example.headers, `${where} headers`);
  const messageSchema = read(join(root, "messages", name));
  const extended = withUnknownFields(example.value, messageSchema, messageSchema);
  expectValid(messages[name], extended, `${where} value with unknown fields`);
  expectValid(headers[name], { ...example.headers, baggage: "k=v" }, `${where} headers with an unknown header`);
  expectInvalid(messages[name], { ...example.value, event_type: "someone.Else" }, `${where} value with another event_type`);
  expectInvalid(headers[name], { ...example.headers, schema_version: "one" }, `${where} headers with schema_version "one"`);
}

if (problems.length) {
  for (const problem of problems) console.log(problem);
  process.exit(1);
}
console.log(`ajv strict: ${compiled} schemas compiled, ${validated} checks passed`);

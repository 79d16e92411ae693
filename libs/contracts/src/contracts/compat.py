"""Whether a new form of a published JSON Schema keeps its version's promise.

The rule (docs/events.md, "Versioning"): within a version, the only change is
an added optional property (consumers ignore fields they do not know) and
documentation (title, description, examples). Everything else is a new
version, in either direction:

- tightening (a property removed or renamed, a type changed, a new required
  property, an optional one made required, enum values removed, a maximum
  lowered, a minimum raised, a pattern or format added or changed) would make
  the platform refuse events it has already published and a consumer's reader
  break;
- loosening (enum values added, a maximum raised, a required property made
  optional) lets producers send values that a consumer validating against the
  published schema refuses.

``incompatibilities(old, new)`` lists each such change with where it is. It
understands what the platform's schemas use (draft 2020-12 as pydantic writes
it, local ``$ref``s); a keyword it does not know is compared for equality.
"""

from __future__ import annotations

from typing import Any

ANNOTATIONS = frozenset(
    {"title", "description", "$comment", "examples", "deprecated", "readOnly", "writeOnly"}
)
UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
_HANDLED = frozenset(
    {
        "$defs",
        "$ref",
        "type",
        "const",
        "enum",
        "properties",
        "required",
        "additionalProperties",
        "propertyNames",
        "items",
        "prefixItems",
        "anyOf",
        "oneOf",
        "allOf",
        "default",
        *UPPER_BOUNDS,
        *LOWER_BOUNDS,
    }
)


def incompatibilities(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Changes from ``old`` (published) to ``new`` that need a new version."""
    return _Comparison(old, new).run()


def _types(schema: dict[str, Any]) -> set[str]:
    value = schema.get("type")
    if value is None:
        return set()
    return {value} if isinstance(value, str) else set(value)


def _where(path: str) -> str:
    return path or "(root)"


class _Comparison:
    def __init__(self, old_root: dict[str, Any], new_root: dict[str, Any]) -> None:
        self.old_root = old_root
        self.new_root = new_root
        self.found: list[str] = []
        self._seen: set[tuple[int, int]] = set()

    def run(self) -> list[str]:
        self.compare(self.old_root, self.new_root, "")
        return self.found

    def report(self, path: str, message: str) -> None:
        self.found.append(f"{_where(path)}: {message}")

    @staticmethod
    def resolve(schema: Any, root: dict[str, Any]) -> Any:
        """``schema`` with local ``$ref``s followed (siblings of a $ref kept)."""
        hops = 0
        while isinstance(schema, dict) and "$ref" in schema:
            ref = schema["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#"):
                return schema  # not ours to follow; compared as written
            target: Any = root
            for part in [p for p in ref[1:].split("/") if p]:
                target = target[part.replace("~1", "/").replace("~0", "~")]
            siblings = {k: v for k, v in schema.items() if k != "$ref"}
            schema = {**target, **siblings} if siblings else target
            hops += 1
            if hops > 50:
                raise ValueError(f"$ref loop at {ref}")
        return schema

    def compare(self, old: Any, new: Any, path: str) -> None:
        old = self.resolve(old, self.old_root)
        new = self.resolve(new, self.new_root)
        pair = (id(old), id(new))
        if pair in self._seen:
            return
        self._seen.add(pair)
        if isinstance(old, bool) or isinstance(new, bool):
            if old != new:
                self.report(path, f"schema changed from {old!r} to {new!r}")
            return
        if ("$ref" in old or "$ref" in new) and old.get("$ref") != new.get("$ref"):
            self.report(path, f"$ref changed from {old.get('$ref')} to {new.get('$ref')}")
        self._identity(old, new, path)
        self._type(old, new, path)
        self._const_and_enum(old, new, path)
        self._bounds(old, new, path)
        self._objects(old, new, path)
        self._arrays(old, new, path)
        self._alternatives(old, new, path)
        if "default" in old and "default" in new and old["default"] != new["default"]:
            self.report(
                path,
                f"default changed from {old['default']!r} to {new['default']!r} "
                "(what an absent field means)",
            )
        for keyword in sorted((set(old) | set(new)) - ANNOTATIONS - _HANDLED):
            if keyword in ("$schema", "$id"):
                continue
            if old.get(keyword) != new.get(keyword):
                self.report(path, self._changed(keyword, old, new))

    @staticmethod
    def _changed(keyword: str, old: dict[str, Any], new: dict[str, Any]) -> str:
        if keyword not in old:
            return f"{keyword} {new[keyword]!r} added"
        if keyword not in new:
            return f"{keyword} {old[keyword]!r} removed"
        return f"{keyword} changed from {old[keyword]!r} to {new[keyword]!r}"

    def _identity(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        for keyword in ("$schema", "$id"):
            if old.get(keyword) != new.get(keyword):
                self.report(path, self._changed(keyword, old, new))

    def _type(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        before, after = _types(old), _types(new)
        if before == after:
            return
        if not before:
            self.report(path, f"now restricted to type {sorted(after)}")
        elif not after:
            self.report(path, f"no longer restricted to type {sorted(before)}")
        else:
            self.report(path, f"type changed from {sorted(before)} to {sorted(after)}")

    def _const_and_enum(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        if old.get("const", ...) != new.get("const", ...):
            self.report(path, self._changed("const", old, new))
        if "enum" not in old and "enum" not in new:
            return
        if "enum" not in old:
            self.report(path, f"now restricted to enum {new['enum']!r}")
            return
        if "enum" not in new:
            self.report(path, f"enum {old['enum']!r} no longer restricts it")
            return
        removed = [v for v in old["enum"] if v not in new["enum"]]
        added = [v for v in new["enum"] if v not in old["enum"]]
        if removed:
            self.report(path, f"enum values removed: {removed!r}")
        if added:
            self.report(
                path,
                f"enum values added: {added!r} (a consumer validating against the published "
                "schema refuses them)",
            )

    def _bounds(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        for keyword in (*UPPER_BOUNDS, *LOWER_BOUNDS):
            before, after = old.get(keyword), new.get(keyword)
            if before == after:
                continue
            if before is None:
                self.report(path, f"{keyword} {after} added (tightened)")
            elif after is None:
                self.report(path, f"{keyword} {before} removed (loosened)")
            else:
                upper = keyword in UPPER_BOUNDS
                tighter = after < before if upper else after > before
                how = "tightened" if tighter else "loosened"
                self.report(path, f"{keyword} {how} from {before} to {after}")

    def _objects(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        old_props: dict[str, Any] = old.get("properties", {})
        new_props: dict[str, Any] = new.get("properties", {})
        old_required = set(old.get("required", []))
        new_required = set(new.get("required", []))
        for name, schema in old_props.items():
            where = f"{path}.{name}" if path else name
            if name not in new_props:
                self.report(where, "property removed (or renamed)")
            else:
                self.compare(schema, new_props[name], where)
        for name in sorted(new_required - old_required):
            where = f"{path}.{name}" if path else name
            if name in old_props or name in old_required:
                self.report(where, "optional property made required")
            else:
                self.report(where, "new required property")
        for name in sorted(old_required - new_required):
            if name in new_props or name not in old_props:
                where = f"{path}.{name}" if path else name
                self.report(where, "required property made optional")
        before = old.get("additionalProperties", True)
        after = new.get("additionalProperties", True)
        if isinstance(before, dict) and isinstance(after, dict):
            self.compare(before, after, f"{path}{{}}")
        elif before != after:
            if after is False:
                self.report(path, "closed to unknown properties (consumers must tolerate them)")
            else:
                self.report(path, f"additionalProperties changed from {before!r} to {after!r}")
        if "propertyNames" in old or "propertyNames" in new:
            self.compare(
                old.get("propertyNames", {}), new.get("propertyNames", {}), f"{path}{{key}}"
            )

    def _arrays(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        if "items" in old or "items" in new:
            self.compare(old.get("items", {}), new.get("items", {}), f"{path}[]")
        before, after = old.get("prefixItems", []), new.get("prefixItems", [])
        if len(before) != len(after):
            self.report(path, f"prefixItems changed from {len(before)} to {len(after)} items")
        for i, (a, b) in enumerate(zip(before, after, strict=False)):
            self.compare(a, b, f"{path}[{i}]")

    def _alternatives(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        for keyword in ("anyOf", "oneOf", "allOf"):
            before, after = old.get(keyword), new.get(keyword)
            if before is None and after is None:
                continue
            if before is None or after is None or len(before) != len(after):
                count = [len(x) if x is not None else 0 for x in (before, after)]
                self.report(path, f"{keyword} changed from {count[0]} to {count[1]} alternatives")
                continue
            for a, b in zip(before, after, strict=True):
                self.compare(a, b, path)

// A few helpers for building the page with the DOM. Text is always set as text
// (never parsed as HTML), so nothing a service returns can inject markup.

export type Child = Node | string | number | null | undefined | false | Child[];
type Attribute = string | number | boolean | null | undefined | ((event: Event) => void);

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, Attribute> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === "function") {
      element.addEventListener(name.replace(/^on/, ""), value);
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  element.append(...nodes(children));
  return element;
}

export function nodes(children: Child[]): (Node | string)[] {
  const out: (Node | string)[] = [];
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) out.push(...nodes(child));
    else out.push(typeof child === "number" ? String(child) : child);
  }
  return out;
}

/** A table with a header row; each row is its cells (a cell is anything h() takes). */
export function table(
  caption: string,
  headings: string[],
  rows: HTMLTableRowElement[],
  attributes: Record<string, Attribute> = {},
): HTMLTableElement {
  return h(
    "table",
    attributes,
    h("caption", { class: "visually-hidden" }, caption),
    h("thead", {}, h("tr", {}, headings.map((text) => h("th", { scope: "col" }, text)))),
    h("tbody", {}, rows),
  );
}

export function row(attributes: Record<string, Attribute>, ...cells: Child[]): HTMLTableRowElement {
  return h(
    "tr",
    attributes,
    cells.map((cell) => (cell instanceof HTMLTableCellElement ? cell : h("td", {}, cell))),
  );
}

/** A cell whose text the browser test reads (data-field names it). */
export function field(name: string, ...children: Child[]): HTMLTableCellElement {
  return h("td", { "data-field": name }, ...children);
}

/** A list of term / description pairs. */
export function facts(pairs: [string, Child, string?][], testid?: string): HTMLDListElement {
  return h(
    "dl",
    { class: "facts", "data-testid": testid },
    pairs.map(([term, description, name]) => [
      h("dt", {}, term),
      h("dd", { "data-field": name }, description),
    ]),
  );
}

// Page parts shared by the pages: a section that loads on its own (and says so
// plainly when the role may not read it), a RAG badge, and how problems read.

import { type Problem, problemOf, signedOut } from "./api";
import { type Child, h, nodes } from "./dom";

/**
 * A titled section whose content comes from the platform. It shows "Loading…"
 * until then; data-state on the section says where it is (loading, ready,
 * denied, error), for people using assistive technology and for the tests.
 * One section failing never stops the rest of the page.
 */
export function section(
  id: string,
  title: string,
  load: () => Promise<Child>,
  intro?: Child,
): HTMLElement {
  const body = h("div", { class: "section-body" }, h("p", { class: "loading" }, "Loading…"));
  const element = h(
    "section",
    {
      class: "card",
      id: `section-${id}`,
      "data-testid": `section-${id}`,
      "data-state": "loading",
      "aria-labelledby": `section-${id}-title`,
      "aria-busy": "true",
    },
    h("h2", { id: `section-${id}-title` }, title),
    intro ? h("p", { class: "intro" }, intro) : null,
    body,
  );
  const run = () => {
    element.dataset.state = "loading";
    element.setAttribute("aria-busy", "true");
    load().then(
      (content) => {
        body.replaceChildren(...nodes([content]));
        element.dataset.state = "ready";
        element.removeAttribute("aria-busy");
      },
      (error: unknown) => {
        const problem = problemOf(error);
        if (problem.kind === "signed-out") signedOut(problem.message);
        body.replaceChildren(problemNotice(problem));
        element.dataset.state = problem.kind === "denied" ? "denied" : "error";
        element.removeAttribute("aria-busy");
      },
    );
  };
  run();
  (element as HTMLElement & { reload?: () => void }).reload = run;
  return element;
}

export function reload(element: HTMLElement): void {
  (element as HTMLElement & { reload?: () => void }).reload?.();
}

const LEAD_INS: Record<Problem["kind"], string> = {
  denied: "No access. Your role may not see this.",
  refused: "The platform could not answer this.",
  "signed-out": "You are signed out.",
  unavailable: "This part of the platform is not available just now. Try again shortly.",
  failed: "Something went wrong loading this.",
};

/** A problem as a notice: a plain lead-in, then the platform's own words. */
export function problemNotice(problem: Problem): HTMLElement {
  return h(
    "div",
    { class: `notice notice-${problem.kind}`, "data-testid": "problem", "data-kind": problem.kind },
    h("p", { class: "notice-lead" }, LEAD_INS[problem.kind]),
    h("p", { class: "notice-detail" }, "The platform says: ", h("q", {}, problem.message)),
  );
}

/** A RAG colour as a badge with its word (never colour alone). */
export function ragBadge(colour: string, testid?: string): HTMLElement {
  const label = colour ? colour[0].toUpperCase() + colour.slice(1) : "Not rated";
  return h(
    "span",
    { class: `rag rag-${colour || "none"}`, "data-colour": colour || "none", "data-testid": testid },
    label,
  );
}

/** A badge saying the role may not read something. */
export function noAccess(testid?: string, why?: string): HTMLElement {
  return h("span", { class: "rag rag-denied", "data-colour": "denied", "data-testid": testid, title: why }, "No access");
}

export function empty(text: string): HTMLElement {
  return h("p", { class: "empty" }, text);
}

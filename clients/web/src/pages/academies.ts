// The trust's academies: the register (ListAcademies), each academy's phase
// (evaluations' GetPhase) and its overall RAG rating this term (reporting's
// GetBoardReport). What the role may not read says "No access"; an academy the
// report has nothing to rate on says "Not rated".

import { allPages, api, isDenied, PAGE_SIZE, type Problem, problemOf } from "../api";
import { type Child, field, h, row, table } from "../dom";
import type { AcademyReport } from "../gen/trust/reporting/v1/reporting_pb";
import { academicYearOf, day, humanise, termOf, today } from "../format";
import type { Session } from "../session";
import { noAccess, problemNotice, ragBadge, section } from "../ui";

type Listed = { academyId: string; name: string; urn: string; phaseOfEducation: string };

export function academiesPage(session: Session): HTMLElement {
  const date = today();
  const year = academicYearOf(date);
  const term = termOf(date);
  return h(
    "div",
    { class: "page", "data-testid": "academies-page" },
    h("h1", {}, session.me.trustName || session.trustId),
    h(
      "p",
      { class: "lede" },
      "Each academy with its improvement phase and the board's overall RAG rating for ",
      h("span", { "data-testid": "report-period" }, `${term} ${year}`),
      ". Open an academy for its judgements, meetings, actions, support and budget.",
    ),
    section("academies", "Academies", () => loadAcademies(session, year, term)),
  );
}

async function loadAcademies(session: Session, year: string, term: string): Promise<Child> {
  const [listed, report, framework] = await Promise.all([
    listAcademies(session),
    boardReport(session, year, term),
    session.trustFramework(),
  ]);
  if (listed.academies.length === 0) {
    return [listed.note, h("p", { class: "empty" }, "There are no academies to show you.")];
  }
  const phases = await Promise.all(listed.academies.map((a) => phaseOf(session, a.academyId)));
  const phaseLabel = humanise(framework?.phaseLabel ?? "phase");
  const rows = listed.academies.map((academy, i) => {
    const rated = report.byId.get(academy.academyId);
    return row(
      { "data-testid": "academy-row", "data-academy-id": academy.academyId },
      h(
        "th",
        { scope: "row" },
        h("a", { href: `#/academy/${academy.academyId}`, "data-testid": "academy-link" }, academy.name),
        h("span", { class: "sub" }, `URN ${academy.urn}`),
      ),
      field("type", humanise(academy.phaseOfEducation)),
      h("td", { "data-field": "phase", "data-testid": "academy-phase" }, phases[i]),
      h("td", { "data-field": "rag" }, ragCell(rated, report.problem)),
      field("change", rated && !report.problem ? changeText(rated) : ""),
    );
  });
  return [
    listed.note,
    report.asOf
      ? h(
          "p",
          { class: "meta", "data-testid": "report-as-of" },
          `Board report for ${term} ${year}, as at ${day(report.asOf)}`,
          report.frameworkName ? `, rated by ${report.frameworkName}` : "",
          ".",
        )
      : null,
    table("The trust's academies", ["Academy", "Type of school", phaseLabel, "Overall RAG", "Since last term"], rows, {
      class: "data academies",
      "data-testid": "academies-table",
    }),
    report.problem
      ? h("div", { class: "table-note" }, h("h3", {}, "About the RAG ratings"), problemNotice(report.problem))
      : null,
  ];
}

async function listAcademies(session: Session): Promise<{ academies: Listed[]; note?: HTMLElement }> {
  try {
    const academies = await allPages(async (pageToken) => {
      const page = await api.academies.listAcademies({
        trustId: session.trustId,
        pageSize: PAGE_SIZE,
        pageToken,
      });
      return { items: page.academies, nextPageToken: page.nextPageToken };
    });
    return { academies };
  } catch (error) {
    if (!isDenied(error)) throw error;
    // A role that may not list the trust's academies still sees those it acts for.
    return {
      academies: session.me.academies,
      note: h(
        "div",
        { class: "notice notice-denied", "data-testid": "list-denied" },
        h("p", { class: "notice-lead" }, "Your role may not list the trust's academies; these are the ones you act for."),
        h("p", { class: "notice-detail" }, "The platform says: ", h("q", {}, problemOf(error).message)),
      ),
    };
  }
}

type Report = { byId: Map<string, AcademyReport>; asOf: string; frameworkName: string; problem?: Problem };

async function boardReport(session: Session, academicYear: string, term: string): Promise<Report> {
  try {
    const report = await api.reporting.getBoardReport({ trustId: session.trustId, academicYear, term });
    return {
      byId: new Map(report.academies.map((a) => [a.academyId, a])),
      asOf: report.asOf,
      frameworkName: report.frameworkName,
    };
  } catch (error) {
    const problem = problemOf(error);
    if (problem.kind === "signed-out" || problem.kind === "failed") throw error;
    return { byId: new Map(), asOf: "", frameworkName: "", problem };
  }
}

function ragCell(rated: AcademyReport | undefined, problem: Problem | undefined): HTMLElement {
  if (problem?.kind === "denied") return noAccess("academy-rag", problem.message);
  return ragBadge(rated?.overall?.colour ?? "", "academy-rag");
}

const CHANGES: Record<string, string> = {
  up: "Better",
  down: "Worse",
  same: "No change",
  new: "First rating",
};

function changeText(rated: AcademyReport): string {
  const words = CHANGES[rated.change] ?? humanise(rated.change);
  return rated.previousColour && rated.change !== "same" ? `${words} (was ${rated.previousColour})` : words;
}

/** The academy's current phase by name (subject phases after it), or why not. */
async function phaseOf(session: Session, academyId: string): Promise<Child> {
  try {
    const record = await api.evaluations.getPhase({ academyId });
    return await phaseText(session, record.current);
  } catch (error) {
    const problem = problemOf(error);
    if (problem.kind === "denied") return noAccess(undefined, problem.message);
    if (problem.kind === "signed-out") throw error;
    return h("span", { class: "muted", title: problem.message }, "Could not load");
  }
}

export async function phaseText(
  session: Session,
  current: { subject: string; phase: string }[],
): Promise<string> {
  const whole = current.find((p) => !p.subject);
  const subjects = current.filter((p) => p.subject);
  const parts = whole ? [await session.phaseName(whole.phase)] : ["No phase yet"];
  for (const p of subjects) parts.push(`${humanise(p.subject)}: ${await session.phaseName(p.phase)}`);
  return parts.join("; ");
}

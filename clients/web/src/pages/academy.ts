// One academy: its register entry (GetAcademy), phase and history (GetPhase),
// the board's RAG lines (GetBoardReport for the academy), latest judgements
// (ListEvaluations, named by GetJudgementScheme), meetings and open actions,
// support and budget, and its data returns (with the form to submit one).
// Each section loads on its own and says plainly when the role may not read it.

import { allPages, api, PAGE_SIZE } from "../api";
import { type Child, facts, field, h, row, table } from "../dom";
import type { PhaseRecord } from "../gen/trust/evaluations/v1/evaluations_pb";
import type { AcademyReport } from "../gen/trust/reporting/v1/reporting_pb";
import {
  academicYearOf,
  day,
  evaluationKindName,
  humanise,
  person,
  termOf,
  today,
} from "../format";
import type { Session } from "../session";
import { empty, ragBadge, section } from "../ui";
import { phaseText } from "./academies";
import { meetingsSection, actionsSection } from "./meetings";
import { returnsSection } from "./returns";
import { supportSection } from "./support";

export function academyPage(session: Session, academyId: string): HTMLElement {
  const date = today();
  const year = academicYearOf(date);
  const term = termOf(date);
  const title = h("h1", { "data-testid": "academy-name" }, "Academy");
  const header = section("academy", "About the academy", async () => {
    const academy = await api.academies.getAcademy({ academyId });
    title.textContent = academy.name;
    document.title = `${academy.name} · Trust improvement`;
    return facts(
      [
        ["URN", academy.urn, "urn"],
        ["Type of school", humanise(academy.phaseOfEducation), "type"],
        ["Local authority", academy.localAuthority || "Not recorded", "local_authority"],
        ["Joined the trust", day(academy.dateJoined) || "Not recorded", "date_joined"],
        ["Status", academy.status === "left" ? `Left the trust on ${day(academy.dateLeft)}` : "Open", "status"],
      ],
      "academy-facts",
    );
  });
  return h(
    "div",
    { class: "page", "data-testid": "academy-page", "data-academy-id": academyId },
    h("p", { class: "breadcrumb" }, h("a", { href: "#/", "data-testid": "back-link" }, "← All academies")),
    title,
    h("p", { class: "lede" }, `The academic year ${year}; the board's rating is for the ${term} term.`),
    h(
      "div",
      { class: "grid grid-top" },
      header,
      section("phase", "Phase and history", () => phaseSection(session, academyId)),
    ),
    section("rag", `Board RAG rating, ${term} ${year}`, () => ragSection(session, academyId, year, term)),
    section("judgements", "Latest judgements", () => judgementsSection(session, academyId)),
    actionsSection(session, academyId),
    meetingsSection(session, academyId, year),
    supportSection(session, academyId, year),
    returnsSection(session, academyId, year, term),
  );
}

// -- phase ---------------------------------------------------------------------------

async function phaseSection(session: Session, academyId: string): Promise<Child> {
  const record: PhaseRecord = await api.evaluations.getPhase({ academyId });
  const name = (phase: string) => (phase ? session.phaseName(phase) : Promise.resolve("No phase"));
  const intervention = record.formalIntervention;
  const history = await Promise.all(
    record.history.map(async (change, i) =>
      row(
        { "data-testid": "phase-change" },
        field("number", String(i + 1)),
        field("old_phase", await name(change.oldPhase)),
        field("new_phase", (change.subject ? `${humanise(change.subject)}: ` : "") + (await name(change.newPhase))),
        field("reason", change.reason),
        field(
          "decided_by",
          `Proposed by ${person(change.proposedBy)}; confirmed by ${person(change.confirmedBy)}`,
        ),
      ),
    ),
  );
  const proposals = await Promise.all(
    record.openProposals.map(async (p) =>
      h(
        "li",
        { "data-testid": "open-proposal" },
        `${await name(p.currentPhase)} → ${await name(p.proposedPhase)}, proposed by ${person(p.proposedBy)}`,
        p.reason ? `: ${p.reason}` : "",
        " (awaiting the board)",
      ),
    ),
  );
  return [
    facts(
      [
        ["Current", h("strong", {}, await phaseText(session, record.current)), "current_phase"],
        [
          "Formal intervention",
          intervention
            ? `Since ${day(intervention.startedOn)}: ${intervention.reason}`
            : "None",
          "formal_intervention",
        ],
      ],
      "phase-facts",
    ),
    proposals.length ? [h("h3", {}, "Open proposals"), h("ul", {}, proposals)] : null,
    h("h3", {}, "History"),
    history.length
      ? table(
          "Phase changes, in the order they were confirmed",
          ["#", "From", "To", "Reason", "Decided by"],
          history,
          { class: "data", "data-testid": "phase-history" },
        )
      : empty("No phase has been decided yet."),
  ];
}

// -- the board's RAG lines -------------------------------------------------------------

async function ragSection(session: Session, academyId: string, academicYear: string, term: string): Promise<Child> {
  const report = await api.reporting.getBoardReport({
    trustId: session.trustId,
    academicYear,
    term,
    academyId,
  });
  const academy: AcademyReport | undefined = report.academies.find((a) => a.academyId === academyId);
  if (!academy) return empty("The board's report has nothing on this academy yet: not rated.");
  const overall = academy.overall;
  return [
    h(
      "p",
      { class: "overall" },
      "Overall: ",
      ragBadge(overall?.colour ?? "", "overall-rag"),
      h("span", { class: "meta" }, ` as at ${day(report.asOf)}`),
    ),
    table(
      "The board's RAG lines for this academy",
      ["Line", "Rating", "Value", "Why"],
      academy.ratings.map((r) =>
        row(
          { "data-testid": "rag-line", "data-dimension": r.dimension },
          h("th", { scope: "row" }, r.label),
          h("td", { "data-field": "colour" }, ragBadge(r.colour)),
          field("value", r.value.replaceAll("_", " ")),
          field("reasons", r.reasons.join("; ")),
        ),
      ),
      { class: "data compact", "data-testid": "rag-lines" },
    ),
  ];
}

// -- judgements ----------------------------------------------------------------------

async function judgementsSection(session: Session, academyId: string): Promise<Child> {
  const [evaluations, scheme] = await Promise.all([
    allPages(async (pageToken) => {
      const page = await api.evaluations.listEvaluations({ academyId, pageSize: PAGE_SIZE, pageToken });
      return { items: page.evaluations, nextPageToken: page.nextPageToken };
    }),
    session.judgementScheme(academyId).catch(() => null),
  ]);
  if (evaluations.length === 0) return empty("No judgements have been recorded yet.");
  // Latest per area: the evaluations come in the order they were judged.
  const latest = new Map<string, { grade: string; index: number }>();
  evaluations.forEach((evaluation, index) => {
    for (const [area, grade] of Object.entries(evaluation.judgements)) latest.set(area, { grade, index });
  });
  const applying = scheme?.academies.find((a) => a.academyId === academyId)?.areaIds;
  const areaName = new Map(scheme?.areas.map((a) => [a.areaId, a.name]) ?? []);
  const gradeName = new Map(scheme?.grades.map((g) => [g.gradeId, g.name]) ?? []);
  const areas = [...(applying ?? []), ...[...latest.keys()].filter((a) => !applying?.includes(a))];
  const rows = areas.map((area) => {
    const found = latest.get(area);
    const evaluation = found ? evaluations[found.index] : undefined;
    return row(
      { "data-testid": "judgement", "data-area": area },
      h("th", { scope: "row" }, areaName.get(area) ?? humanise(area)),
      field("grade", found ? (gradeName.get(found.grade) ?? humanise(found.grade)) : "Not judged yet"),
      field(
        "source",
        evaluation
          ? `${evaluationKindName(evaluation.kind)}, ${evaluation.term} ${evaluation.academicYear}`.trim()
          : "",
      ),
      field("judged_by", evaluation ? person(evaluation.judgedBy) : ""),
    );
  });
  const last = evaluations[evaluations.length - 1];
  return [
    table("The latest judgement of each area", ["Area", "Grade", "From", "Judged by"], rows, {
      class: "data",
      "data-testid": "judgements",
    }),
    last.summary
      ? h(
          "p",
          { class: "summary", "data-testid": "latest-summary" },
          h("strong", {}, `${evaluationKindName(last.kind)} summary: `),
          last.summary,
        )
      : null,
    h("p", { class: "meta" }, `From ${evaluations.length} evaluation${evaluations.length === 1 ? "" : "s"}.`),
  ];
}

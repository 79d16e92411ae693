// An academy's data returns this year: the trust's data-drop calendar applied to
// it (GetReturnsStatus), what was submitted (ListSubmissions), and the one write
// this client makes: a termly data return (SubmitData). The platform checks the
// values; when it refuses one, its own message is shown.

import { allPages, api, PAGE_SIZE, problemOf, signedOut } from "../api";
import { type Child, field, h, row, table } from "../dom";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { DataValuesSchema } from "../gen/trust/academies/v1/academies_pb";
import { day, periodText, person, returnTypeName, TERMS } from "../format";
import type { Session } from "../session";
import { empty, reload, section } from "../ui";

const SUBMITTERS = new Set(["headteacher", "improvement_lead", "chief_executive"]);
const STATUSES: Record<string, string> = {
  on_time: "On time",
  late: "Late",
  missing: "Missing",
  not_yet_due: "Not yet due",
};
// The request's fields, as the platform names them in a refusal, and the form's control for each.
const FIELDS: Record<string, string> = {
  attendance_percent: "attendance",
  progress8_score: "progress8",
  progress8_band: "band",
  academic_year: "academicYear",
  term: "term",
  half_term: "halfTerm",
  return_type: "returnType",
};
const BANDS = ["well_above", "above", "average", "below", "well_below"];

export function returnsSection(session: Session, academyId: string, year: string, term: string): HTMLElement {
  const returns = section("returns", `Data returns, ${year}`, () => loadReturns(academyId, year));
  const canSubmit = SUBMITTERS.has(session.me.role) && session.actsFor(academyId);
  return h(
    "div",
    { class: "returns" },
    returns,
    canSubmit
      ? submitForm(session, academyId, year, term, () => reload(returns))
      : h(
          "p",
          { class: "card note", "data-testid": "submit-not-offered" },
          "Data returns are submitted by the academy's headteacher or improvement lead, or the chief executive.",
        ),
  );
}

async function loadReturns(academyId: string, academicYear: string): Promise<Child> {
  const [status, submissions] = await Promise.all([
    api.academies.getReturnsStatus({ academyId }),
    allPages(async (pageToken) => {
      const page = await api.academies.listSubmissions({ academyId, academicYear, pageSize: PAGE_SIZE, pageToken });
      return { items: page.submissions, nextPageToken: page.nextPageToken };
    }),
  ]);
  const calendar = status.returns.filter((r) => r.period?.academicYear === academicYear);
  return [
    h("h3", {}, "Submitted"),
    submissions.length
      ? table(
          "Returns submitted this year, by period",
          ["Period", "Return", "Attendance", "Progress 8", "Band", "Revisions", "Last recorded by"],
          submissions.map((s) => {
            const latest = s.history[s.history.length - 1];
            return row(
              { "data-testid": "submission", "data-submission-id": s.submissionId },
              h("th", { scope: "row", "data-field": "period" }, periodText(s.period)),
              field("return_type", returnTypeName(s.returnType)),
              field("attendance", figure(s.effective?.attendancePercent, "%")),
              field("progress8", figure(s.effective?.progress8Score, "")),
              field("band", (s.effective?.progress8Band ?? "").replaceAll("_", " ")),
              field("revisions", String(s.history.length)),
              field("recorded_by", person(latest?.recordedBy)),
            );
          }),
          { class: "data", "data-testid": "submissions" },
        )
      : empty("Nothing has been submitted this year yet."),
    h("h3", {}, "Due this year"),
    calendar.length
      ? table(
          "The trust's data-drop calendar for this academy",
          ["Return", "Period", "Due", "Status"],
          calendar.map((r) =>
            row(
              { "data-testid": "return-due", "data-status": r.status },
              field("return_type", returnTypeName(r.returnType)),
              field("period", periodText(r.period)),
              field("due", day(r.dueOn)),
              field(
                "status",
                (STATUSES[r.status] ?? r.status) + (r.submittedOn ? `, sent ${day(r.submittedOn)}` : ""),
              ),
            ),
          ),
          { class: "data compact", "data-testid": "returns-calendar" },
        )
      : empty("The trust's calendar asks for no returns this year."),
  ];
}

/** A number as the platform gave it: 94.5 -> "94.5%"; unset stays blank. */
function figure(value: number | undefined, unit: string): string {
  return value === undefined ? "" : `${value}${unit}`;
}

function submitForm(
  session: Session,
  academyId: string,
  year: string,
  term: string,
  submitted: () => void,
): HTMLElement {
  const input = (id: string, label: string, attributes: Record<string, string> = {}, hint?: string) => {
    const control = h("input", { id, name: id, type: "text", "data-testid": `input-${id}`, ...attributes });
    return {
      control,
      element: h(
        "div",
        { class: "field" },
        h("label", { for: id }, label),
        hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null,
        control,
      ),
    };
  };
  const select = (id: string, label: string, options: [string, string][], chosen: string) => {
    const control = h(
      "select",
      { id, name: id, "data-testid": `input-${id}` },
      options.map(([value, text]) => h("option", { value, selected: value === chosen }, text)),
    );
    return { control, element: h("div", { class: "field" }, h("label", { for: id }, label), control) };
  };

  const academicYear = input("academic-year", "Academic year", { value: year, pattern: "\\d{4}/\\d{2}", required: "" });
  const termField = select("term", "Term", TERMS.map((t) => [t, t[0].toUpperCase() + t.slice(1)]), term);
  const halfTerm = select("half-term", "Half-term", [["0", "The whole term"], ["1", "First half"], ["2", "Second half"]], "0");
  const returnType = select("return-type", "Return", [["termly_kpi", returnTypeName("termly_kpi")]], "termly_kpi");
  void session.trustFramework().then((framework) => {
    const types = framework?.returnTypes.length ? framework.returnTypes : ["termly_kpi"];
    returnType.control.replaceChildren(
      ...types.map((t) => h("option", { value: t, selected: t === "termly_kpi" }, returnTypeName(t))),
    );
  });
  const attendance = input(
    "attendance",
    "Attendance (%)",
    { inputmode: "decimal", "aria-describedby": "attendance-hint" },
    "The percentage of possible sessions attended, for example 95.4.",
  );
  const progress8 = input(
    "progress8",
    "Progress 8 score",
    { inputmode: "decimal", "aria-describedby": "progress8-hint" },
    "Secondary academies only; for example -0.12. Leave blank if it does not apply.",
  );
  const band = select(
    "progress8-band",
    "Progress 8 band",
    [["", "Not given"], ...BANDS.map((b): [string, string] => [b, b.replaceAll("_", " ")])],
    "",
  );
  const controls: Record<string, HTMLInputElement | HTMLSelectElement> = {
    academicYear: academicYear.control,
    term: termField.control,
    halfTerm: halfTerm.control,
    returnType: returnType.control,
    attendance: attendance.control,
    progress8: progress8.control,
    band: band.control,
  };
  const result = h("div", { class: "form-message", role: "status", "aria-live": "polite", "data-testid": "submit-result" });
  const button = h("button", { type: "submit", class: "button", "data-testid": "submit-button" }, "Submit the return");

  const say = (outcome: string, ...content: Child[]) => {
    result.dataset.outcome = outcome;
    result.className = `form-message outcome-${outcome}`;
    result.replaceChildren(...content.flat().map((c) => (c instanceof Node ? c : String(c ?? ""))));
  };

  const form = h(
    "form",
    {
      class: "card submit-return",
      "aria-labelledby": "submit-title",
      "data-testid": "submit-form",
      novalidate: true,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const values: MessageInitShape<typeof DataValuesSchema> = { progress8Band: band.control.value };
        for (const [name, control, key] of [
          ["Attendance", attendance.control, "attendancePercent"],
          ["Progress 8 score", progress8.control, "progress8Score"],
        ] as const) {
          const text = control.value.trim();
          if (!text) continue;
          const value = Number(text);
          if (!Number.isFinite(value)) {
            say("invalid", h("p", {}, `${name} must be a number, like 95.4; "${text}" is not one.`));
            control.focus();
            return;
          }
          values[key] = value;
        }
        for (const control of Object.values(controls)) control.removeAttribute("aria-invalid");
        button.disabled = true;
        say("sending", "Sending…");
        const period = {
          academicYear: academicYear.control.value.trim(),
          term: termField.control.value,
          halfTerm: Number(halfTerm.control.value),
        };
        try {
          const submission = await api.academies.submitData({
            academyId,
            period,
            returnType: returnType.control.value,
            values,
            submissionId: crypto.randomUUID(),
          });
          say(
            "accepted",
            h(
              "p",
              {},
              `Received: ${returnTypeName(submission.returnType)} for ${periodText(submission.period)}. `,
              "It now shows in the academy's returns above.",
            ),
          );
          submitted();
        } catch (error) {
          const problem = problemOf(error);
          if (problem.kind === "signed-out") signedOut(problem.message);
          // The platform names the field it refused first: point at it in the form.
          const named = Object.entries(FIELDS).find(([name]) => problem.message.startsWith(`${name} `));
          const control = named ? controls[named[1]] : undefined;
          control?.setAttribute("aria-invalid", "true");
          say(
            "refused",
            h(
              "p",
              { class: "notice-lead" },
              "The platform refused this return. Nothing was recorded.",
              control ? ` Check “${control.labels?.[0]?.textContent ?? named?.[0]}”.` : "",
            ),
            h("p", { class: "notice-detail" }, "It says: ", h("q", { "data-testid": "refusal" }, problem.message)),
          );
          control?.focus();
        } finally {
          button.disabled = false;
        }
      },
    },
    h("h2", { id: "submit-title" }, "Submit a data return"),
    h(
      "p",
      { class: "intro" },
      "The platform checks every value and says what is wrong. A return already sent for a period is corrected, not sent again.",
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "Which return"),
      h("div", { class: "row" }, returnType.element, academicYear.element, termField.element, halfTerm.element),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "The figures"),
      h("div", { class: "row" }, attendance.element, progress8.element, band.element),
    ),
    button,
    result,
  );
  return form;
}

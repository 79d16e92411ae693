// An academy's support this year: its entitlement of improvement days
// (GetEntitlement), its improvement budget by line (GetBudget) and the support
// commissioned (ListCommissions). Each part says on its own when the role may
// not read it.

import { allPages, api, PAGE_SIZE, problemOf, signedOut } from "../api";
import { type Child, facts, field, h, nodes, row, table } from "../dom";
import type { Money } from "../gen/trust/support/v1/support_pb";
import { day, humanise, pounds, roleName } from "../format";
import type { Session } from "../session";
import { empty, problemNotice, section } from "../ui";

export function supportSection(session: Session, academyId: string, academicYear: string): HTMLElement {
  return section("support", `Support and budget, ${academicYear}`, async (): Promise<Child> => {
    const [entitlement, budget, commissions] = await Promise.all([
      part("entitlement", () => entitlementPart(academyId, academicYear)),
      part("budget", () => budgetPart(academyId, academicYear)),
      part("commissions", () => commissionsPart(session, academyId, academicYear)),
    ]);
    return [
      h("h3", {}, "Improvement days"),
      entitlement,
      h("h3", {}, "Improvement budget"),
      budget,
      h("h3", {}, "Support commissioned"),
      commissions,
    ];
  });
}

/** One part of the section: its content, or the problem in its place. */
async function part(name: string, load: () => Promise<Child>): Promise<HTMLElement> {
  const wrapper = h("div", { "data-testid": `support-${name}` });
  try {
    wrapper.append(...nodes([await load()]));
    wrapper.dataset.state = "ready";
  } catch (error) {
    const problem = problemOf(error);
    if (problem.kind === "signed-out") signedOut(problem.message);
    wrapper.append(problemNotice(problem));
    wrapper.dataset.state = problem.kind === "denied" ? "denied" : "error";
  }
  return wrapper;
}

async function entitlementPart(academyId: string, academicYear: string): Promise<Child> {
  const e = await api.support.getEntitlement({ academyId, academicYear });
  if (!e.granted) return empty("No improvement days have been granted for this year yet.");
  return facts(
    [
      ["Granted", `${e.grantedDays} days`, "granted_days"],
      ["Used", `${e.usedDays} days`, "used_days"],
      ["Remaining", `${e.remainingDays} days`, "remaining_days"],
      ["Support tier", e.supportTier ? humanise(e.supportTier) : "Core only", "support_tier"],
    ],
    "entitlement",
  );
}

const MONEY_HEADINGS = ["Budget", "Committed", "Delivered", "Invoiced", "Remaining"];

function moneyCells(money: Money | undefined, withBudget = true): HTMLTableCellElement[] {
  const m = money ?? { budgetPence: 0n, committedPence: 0n, deliveredPence: 0n, invoicedPence: 0n, remainingPence: 0n };
  return [
    field("budget", withBudget ? pounds(m.budgetPence) : ""),
    field("committed", pounds(m.committedPence)),
    field("delivered", pounds(m.deliveredPence)),
    field("invoiced", pounds(m.invoicedPence)),
    field("remaining", withBudget ? pounds(m.remainingPence) : ""),
  ];
}

async function budgetPart(academyId: string, academicYear: string): Promise<Child> {
  const budget = await api.support.getBudget({ academyId, academicYear });
  if (!budget.exists) {
    return empty(
      budget.required
        ? `No improvement budget has been proposed for ${academicYear}; the trust's framework requires one for this academy.`
        : `No improvement budget has been proposed for ${academicYear}.`,
    );
  }
  const pending = budget.revisions.find((r) => r.pending);
  const lines = budget.lines.map((line) =>
    row(
      { "data-testid": "budget-line", "data-line-id": line.lineId },
      h("th", { scope: "row" }, line.name),
      ...moneyCells(line.money),
    ),
  );
  const totals = row(
    { "data-testid": "budget-total", class: "total" },
    h("th", { scope: "row" }, "Total"),
    ...moneyCells(budget.totals),
  );
  return [
    h(
      "p",
      { class: "meta" },
      budget.revisionInForce
        ? `Revision ${budget.revisionInForce} in force.`
        : "No revision has been agreed yet.",
      pending
        ? ` Revision ${pending.revision} awaits ${pending.awaitingRoles.map(roleName).join(", ") || "agreement"}.`
        : "",
    ),
    budget.lines.length
      ? table("The budget by line", ["Line", ...MONEY_HEADINGS], [...lines, totals], {
          class: "data money",
          "data-testid": "budget",
        })
      : null,
  ];
}

async function commissionsPart(session: Session, academyId: string, academicYear: string): Promise<Child> {
  const commissions = await allPages(async (pageToken) => {
    const page = await api.support.listCommissions({
      trustId: session.trustId,
      academyId,
      academicYear,
      pageSize: PAGE_SIZE,
      pageToken,
    });
    return { items: page.commissions, nextPageToken: page.nextPageToken };
  });
  if (commissions.length === 0) return empty("No support has been commissioned this year.");
  return table(
    "Support commissioned this year",
    ["Provider", "Need", "Days (delivered)", "Cost", "Dates", "Status"],
    commissions.map((c) =>
      row(
        { "data-testid": "commission", "data-commission-id": c.commissionId },
        h("th", { scope: "row", "data-field": "provider" }, c.providerName || c.providerId),
        field("need", humanise(c.needArea) + (c.subject ? ` (${c.subject})` : "")),
        field("days", `${c.days} (${c.deliveredDays || "0.00"})`),
        field("cost", pounds(c.costPence)),
        field("dates", `${day(c.startsOn)} to ${day(c.endsOn)}`),
        field("status", humanise(c.status)),
      ),
    ),
    { class: "data", "data-testid": "commissions" },
  );
}

// An academy's meetings this year (ListMeetings) and its open actions
// (ListActions). Notes' text is confidential and never shown here: only where
// they stand.

import { allPages, api, PAGE_SIZE } from "../api";
import { type Child, field, h, row, table } from "../dom";
import type { Meeting } from "../gen/trust/meetings/v1/meetings_pb";
import { day, humanise, person, roleName, when } from "../format";
import type { Session } from "../session";
import { empty, section } from "../ui";

export function meetingsSection(session: Session, academyId: string, academicYear: string): HTMLElement {
  return section("meetings", `Meetings, ${academicYear}`, async (): Promise<Child> => {
    const meetings = await allPages(async (pageToken) => {
      const page = await api.meetings.listMeetings({
        trustId: session.trustId,
        academyId,
        academicYear,
        pageSize: PAGE_SIZE,
        pageToken,
      });
      return { items: page.meetings, nextPageToken: page.nextPageToken };
    });
    if (meetings.length === 0) return empty(`No meetings are scheduled for ${academicYear}.`);
    return table(
      "The academy's meetings this year, by scheduled time",
      ["Meeting", "When", "Status", "Papers", "Notes"],
      meetings.map((m) =>
        row(
          { "data-testid": "meeting", "data-meeting-id": m.meetingId },
          h("th", { scope: "row", "data-field": "name" }, m.name || humanise(m.meetingType)),
          field("when", when(m.scheduledFor)),
          field("status", statusText(m)),
          field("papers", papersText(m)),
          field("notes", notesText(m)),
        ),
      ),
      { class: "data", "data-testid": "meetings" },
    );
  });
}

function statusText(m: Meeting): string {
  switch (m.status) {
    case "held":
      return `Held on ${day(m.heldOn)}`;
    case "cancelled":
      return m.cancelledReason ? `Cancelled: ${m.cancelledReason}` : "Cancelled";
    default:
      return "Scheduled";
  }
}

function papersText(m: Meeting): string {
  if (m.papers.length === 0) return "None asked for";
  const count = (status: string) => m.papers.filter((p) => p.status === status).length;
  const parts = [
    [count("on_time"), "on time"],
    [count("late"), "late"],
    [count("missing"), "missing"],
    [count("not_yet_due"), "not yet due"],
  ]
    .filter(([n]) => n)
    .map(([n, what]) => `${n} ${what}`);
  return parts.join(", ");
}

function notesText(m: Meeting): string {
  const notes = m.notes;
  if (m.status !== "held") return "";
  if (!notes || !notes.notesId) return "Not drafted";
  if (notes.circulatedOn) return `Circulated ${day(notes.circulatedOn)}`;
  if (notes.awaitingRoles.length) return `Awaiting approval: ${notes.awaitingRoles.map(roleName).join(", ")}`;
  return "Approved, not yet circulated";
}

export function actionsSection(session: Session, academyId: string): HTMLElement {
  return section("actions", "Open actions", async (): Promise<Child> => {
    const actions = await allPages(async (pageToken) => {
      const page = await api.meetings.listActions({
        trustId: session.trustId,
        academyId,
        status: "open",
        pageSize: PAGE_SIZE,
        pageToken,
      });
      return { items: page.actions, nextPageToken: page.nextPageToken };
    });
    if (actions.length === 0) return empty("No open actions.");
    const overdue = actions.filter((a) => a.overdue).length;
    return [
      h(
        "p",
        { class: "meta", "data-testid": "actions-count" },
        `${actions.length} open, ${overdue} overdue.`,
      ),
      table(
        "Open actions, by due date",
        ["Action", "Owner", "Due", ""],
        actions.map((a) =>
          row(
            { "data-testid": "action", "data-action-id": a.actionId, class: a.overdue ? "overdue" : undefined },
            h("th", { scope: "row", "data-field": "title" }, a.title),
            field("owner", person(a.owner)),
            field("due", day(a.dueOn)),
            h("td", { "data-field": "overdue" }, a.overdue ? h("span", { class: "tag tag-overdue" }, "Overdue") : ""),
          ),
        ),
        { class: "data", "data-testid": "actions" },
      ),
    ];
  });
}

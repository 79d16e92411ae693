"""A held meeting's notes: drafted by the chair, approved by each of the type's
note approvers, then circulated; and the type's note deadlines, met or not.

The text is confidential and never in an event: the events say who drafted,
approved and circulated which notes (by ``notes_id``) and when. The author
never approves their own notes; each approver role approves once per draft;
a redraft (before circulation) restarts the approvals.

Who receives what when (seed 000: notes "seen by the Headteacher and Chair of
LGB prior to circulation"; seed 004: a Note of Visit "to the Principal within
three days", the "agreed Note of Visit" to the trust "within one week"): a
draft reaches the headteacher and the note approvers when it is drafted;
everyone else receives the notes when they are circulated. So a deadline to
the headteacher is met by the first draft, one to the trust by circulation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from chassis.errors import AlreadyExists, FailedPrecondition, InvalidArgument, PermissionDenied
from contracts.base import EventPayload
from contracts.meetings.v1 import DeadlineMet, NotesApproved, NotesCirculated, NotesDrafted, Person
from trust_frameworks.model import MeetingType
from trustfacts.model import TrustFramework

from meetings.domain.meeting import Held, MeetingState, Notes, meeting_type_of, require_plan
from meetings.domain.values import require_person


def reads_draft(role: str, meeting_type: MeetingType) -> bool:
    """Whether someone in ``role`` reads the notes before they are circulated
    (the framework's rule, which reporting's compliance follows too)."""
    return meeting_type.reads_draft(role)


def _require_held(state: MeetingState, doing: str) -> Held:
    require_plan(state)
    if state.held is None:
        raise FailedPrecondition(
            f"{doing} comes after the meeting is held; meeting {state.meeting_id} is {state.status}"
        )
    return state.held


def _require_current(state: MeetingState, notes_id: str) -> Notes:
    notes = state.notes
    if notes is None:
        raise FailedPrecondition(f"no notes have been drafted for meeting {state.meeting_id} yet")
    if notes.notes_id != notes_id:
        raise FailedPrecondition(
            f"notes {notes_id} are not the current draft: revision {notes.revision} is "
            f"notes {notes.notes_id}"
        )
    if notes.circulated_on is not None:
        raise FailedPrecondition(f"the notes were already circulated on {notes.circulated_on}")
    return notes


def _check_day(day: dt.date, after: dt.date, after_what: str, today: dt.date, field: str) -> None:
    if day < after:
        raise InvalidArgument(f"{field} {day} is before {after_what} ({after})")
    if day > today:
        raise InvalidArgument(f"{field} {day} is in the future")


@dataclass(frozen=True)
class DraftNotes:
    meeting_id: str
    notes_id: str
    author: Person
    drafted_on: dt.date


def decide_draft(
    state: MeetingState, framework: TrustFramework, command: DraftNotes, today: dt.date
) -> list[EventPayload]:
    held = _require_held(state, "drafting notes")
    plan = require_plan(state)
    meeting_type = meeting_type_of(framework, plan)
    require_person(command.author, "author")
    if command.author.role != meeting_type.chair_role:
        raise PermissionDenied(
            f"the {meeting_type.id}'s notes are drafted by its chair ({meeting_type.chair_role}); "
            f"you are {command.author.role}"
        )
    previous = state.notes
    if previous is not None:
        if previous.circulated_on is not None:
            raise FailedPrecondition(
                f"the notes were already circulated on {previous.circulated_on}"
            )
        if previous.notes_id == command.notes_id:
            raise AlreadyExists(f"notes {command.notes_id} were already drafted")
    _check_day(command.drafted_on, held.held_on, "the meeting", today, "drafted_on")
    return [
        NotesDrafted(
            trust_id=plan.trust_id,
            meeting_id=state.meeting_id,
            academy_id=plan.academy_id,
            notes_id=command.notes_id,
            revision=previous.revision + 1 if previous else 1,
            author=command.author,
            drafted_on=command.drafted_on,
        )
    ]


def awaiting(notes: Notes, meeting_type: MeetingType) -> list[str]:
    """The approver roles that have not yet approved the current draft."""
    done = {p.role for p in notes.approvals}
    return [role for role in meeting_type.note_approvers if role not in done]


def decide_approve(
    state: MeetingState, framework: TrustFramework, notes_id: str, approver: Person
) -> list[EventPayload]:
    plan = require_plan(state)
    notes = _require_current(state, notes_id)
    meeting_type = meeting_type_of(framework, plan)
    require_person(approver, "approver")
    approvers = meeting_type.note_approvers
    if not approvers:
        raise FailedPrecondition(f"the {meeting_type.id}'s notes need no approval: circulate them")
    if approver.role not in approvers:
        raise PermissionDenied(
            f"the {meeting_type.id}'s notes are approved by {' and '.join(approvers)}; "
            f"you are {approver.role}"
        )
    if approver.subject == notes.author.subject:
        raise PermissionDenied(
            "the author of the notes never approves them: another person in the role approves"
        )
    for earlier in notes.approvals:
        if earlier.role == approver.role or earlier.subject == approver.subject:
            raise FailedPrecondition(
                f"{earlier.subject} already approved these notes as {earlier.role}"
            )
    return [
        NotesApproved(
            trust_id=plan.trust_id,
            meeting_id=state.meeting_id,
            academy_id=plan.academy_id,
            notes_id=notes_id,
            approver=approver,
        )
    ]


class DeadlineStatus(StrEnum):
    MET = "met"
    LATE = "late"  # delivered after the deadline
    OVERDUE = "overdue"  # past the deadline and not delivered
    NOT_YET_DUE = "not_yet_due"


@dataclass(frozen=True)
class DeadlineDue:
    document: str
    to_role: str
    due_on: dt.date
    delivered_on: dt.date | None
    status: DeadlineStatus

    @property
    def met(self) -> bool:
        return self.status == DeadlineStatus.MET


def _delivered_on(
    notes: Notes | None, to_role: str, meeting_type: MeetingType, circulated_on: dt.date | None
) -> dt.date | None:
    if notes is None:
        return None
    if meeting_type.draft_reaches(to_role):
        return notes.first_drafted_on
    return circulated_on


def note_deadlines(
    state: MeetingState,
    meeting_type: MeetingType,
    as_of: dt.date,
    circulating_on: dt.date | None = None,
) -> list[DeadlineDue]:
    """Each of the type's note deadlines as of a date: due the given number of
    days after the meeting was held, and that day itself is still in time.
    ``circulating_on``: as if the notes were circulated that day."""
    held = state.held
    if held is None:
        return []
    notes = state.notes
    circulated_on = circulating_on or (notes.circulated_on if notes else None)
    result = []
    for deadline in meeting_type.note_deadlines:
        due_on = held.held_on + dt.timedelta(days=deadline.within_days)
        delivered_on = _delivered_on(notes, deadline.to_role, meeting_type, circulated_on)
        if delivered_on is not None and delivered_on <= as_of:
            status = DeadlineStatus.MET if delivered_on <= due_on else DeadlineStatus.LATE
        else:
            delivered_on = None
            status = DeadlineStatus.OVERDUE if as_of > due_on else DeadlineStatus.NOT_YET_DUE
        result.append(
            DeadlineDue(deadline.document, deadline.to_role, due_on, delivered_on, status)
        )
    return result


def decide_circulate(
    state: MeetingState,
    framework: TrustFramework,
    notes_id: str,
    circulated_on: dt.date,
    today: dt.date,
) -> list[EventPayload]:
    plan = require_plan(state)
    notes = _require_current(state, notes_id)
    meeting_type = meeting_type_of(framework, plan)
    pending = awaiting(notes, meeting_type)
    if pending:
        raise FailedPrecondition(
            "the notes are circulated only after every approval; still awaiting "
            + " and ".join(pending)
        )
    _check_day(circulated_on, notes.drafted_on, "the draft", today, "circulated_on")
    deadlines = note_deadlines(state, meeting_type, circulated_on, circulating_on=circulated_on)
    return [
        NotesCirculated(
            trust_id=plan.trust_id,
            meeting_id=state.meeting_id,
            academy_id=plan.academy_id,
            notes_id=notes_id,
            circulated_on=circulated_on,
            deadlines=[
                DeadlineMet(
                    document=d.document,
                    to_role=d.to_role,
                    due_on=d.due_on,
                    delivered_on=d.delivered_on or circulated_on,
                    met=d.met,
                )
                for d in deadlines
            ],
        )
    ]

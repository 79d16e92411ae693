"""meetings service events, schema version 1.

Topics: ``meetings.academy`` (key: academy id) for an academy's meetings and
their actions, and ``meetings.trust`` (key: trust id) for trust-wide meetings
(seed 002's heads' executive meeting), whose events carry ``academy_id: null``.
The same event types appear on both topics.

Meeting notes are confidential (seed 000: "Information shared in meetings is
confidential"): no event ever carries their text, only that notes were
drafted, approved and circulated, by whom and when. An action's short title is
not note text.
"""

from __future__ import annotations

import datetime as dt

from pydantic import AwareDatetime, Field

from contracts import limits
from contracts.base import ContractModel, EventPayload, EventRegistry
from contracts.rules import (
    AcademicYear,
    AreaGrades,
    AreaIds,
    Cancellation,
    Days,
    Id,
    MeetingOrigin,
    Name,
    Reason,
    Reference,
    Scheme,
    Subject,
    Term,
)

ACADEMY_TOPIC = "meetings.academy"
TRUST_TOPIC = "meetings.trust"

_ACADEMY = "the academy; null for a trust-wide meeting (published on meetings.trust)"


class Person(ContractModel):
    """Someone taking part: the token subject (e.g. an email address) and their role."""

    subject: Subject
    role: Id = Field(description="chief_executive, improvement_lead, headteacher, ...")


class MeetingScheduled(EventPayload):
    """A meeting of one of the framework's meeting types was put in the diary:
    by the type's cadence (as the academy's phase requires) or by hand."""

    EVENT_TYPE = "meetings.MeetingScheduled"

    meeting_id: Id
    academy_id: Id | None = Field(description=_ACADEMY)
    meeting_type: Id = Field(description="a meeting type id of the trust's framework")
    academic_year: AcademicYear
    term: Term
    scheduled_for: AwareDatetime = Field(description="start, RFC 3339 with its UTC offset")
    duration_minutes: int = Field(ge=15, le=480)
    origin: MeetingOrigin = Field(description="cadence | by_hand")
    cadence_slot: int | None = Field(
        None, ge=1, description="which of the year's meetings of this type (cadence only)"
    )
    reason: Reason | None = Field(None, description="why it was scheduled by hand")
    framework_version: int = Field(ge=1)


class MeetingRescheduled(EventPayload):
    EVENT_TYPE = "meetings.MeetingRescheduled"

    meeting_id: Id
    academy_id: Id | None = Field(description=_ACADEMY)
    old_scheduled_for: AwareDatetime
    scheduled_for: AwareDatetime = Field(description="the new start")
    term: Term = Field(description="the term of the new start (same academic year)")
    reason: Reason


class MeetingCancelled(EventPayload):
    """Never deleted: a cancelled meeting stays in the record with why."""

    EVENT_TYPE = "meetings.MeetingCancelled"

    meeting_id: Id
    academy_id: Id | None = Field(description=_ACADEMY)
    why: Cancellation = Field(
        description="no_longer_required (the cadence no longer asks for it) | by_hand"
    )
    reason: Reason


class ApologiesGiven(EventPayload):
    """Seed 000: "sufficient notice and explanation should be given and an effort
    made to find a substitute"."""

    EVENT_TYPE = "meetings.ApologiesGiven"

    meeting_id: Id
    academy_id: Id | None = Field(description=_ACADEMY)
    attendee: Person
    substitute: Person | None = None


class PaperSubmitted(EventPayload):
    """One of the meeting type's papers (seed 000: agenda, previous report,
    headteacher report, latest data, one week before)."""

    EVENT_TYPE = "meetings.PaperSubmitted"

    meeting_id: Id
    academy_id: Id | None = Field(description=_ACADEMY)
    paper: Name = Field(description="the paper's name in the meeting type")
    title: Name
    reference: Reference = Field(description="the document: a reference or a link")
    submitted_by: Person
    submitted_on: dt.date
    due_on: dt.date = Field(
        description="the meeting's day less the paper's lead time, when it was submitted"
    )


class MeetingHeld(EventPayload):
    EVENT_TYPE = "meetings.MeetingHeld"

    meeting_id: Id
    academy_id: Id | None = Field(description=_ACADEMY)
    meeting_type: Id
    academic_year: AcademicYear
    term: Term
    held_on: dt.date
    attendees: list[Person] = Field(max_length=limits.LIST_MAX)
    scheme: Scheme
    focus_areas: AreaIds = Field(
        description="the agreed focus: area ids of the scheme (seed 000: all areas covered "
        "over a period of time)"
    )
    area_judgements: AreaGrades = Field(
        default_factory=dict,
        description="area id -> summary grade on the scheme (seed 000: 'summary comment ... "
        "against each of the aspects')",
    )
    entitlement_days: Days = Field(
        description='days of entitlement the meeting used, a decimal with two places: "0.50"'
    )


class NotesDrafted(EventPayload):
    """The chair drafted the notes; their text stays in the meetings service."""

    EVENT_TYPE = "meetings.NotesDrafted"

    meeting_id: Id
    academy_id: Id | None = Field(description=_ACADEMY)
    notes_id: Id
    revision: int = Field(ge=1, description="1, then one more per redraft (approvals restart)")
    author: Person
    drafted_on: dt.date


class NotesApproved(EventPayload):
    EVENT_TYPE = "meetings.NotesApproved"

    meeting_id: Id
    academy_id: Id | None = Field(description=_ACADEMY)
    notes_id: Id
    approver: Person = Field(description="one of the meeting type's note approvers, by role")


class DeadlineMet(ContractModel):
    """A note deadline of the meeting type (seed 004: a Note of Visit to the
    principal within three days, the agreed one to the trust within a week)."""

    document: Name
    to_role: Id
    due_on: dt.date
    delivered_on: dt.date
    met: bool


class NotesCirculated(EventPayload):
    EVENT_TYPE = "meetings.NotesCirculated"

    meeting_id: Id
    academy_id: Id | None = Field(description=_ACADEMY)
    notes_id: Id
    circulated_on: dt.date
    deadlines: list[DeadlineMet] = Field(
        default_factory=list,
        max_length=limits.LIST_MAX,
        description="each of the type's note deadlines and whether it was met",
    )


class ActionRaised(EventPayload):
    EVENT_TYPE = "meetings.ActionRaised"

    action_id: Id
    meeting_id: Id = Field(description="the held meeting that raised it")
    academy_id: Id | None = Field(description=_ACADEMY)
    title: Name = Field(description="a short title (not note text)")
    owner: Person
    raised_on: dt.date
    due_on: dt.date = Field(description="not before the meeting that raised it")
    area: Id | None = Field(None, description="the inspection area it serves, on the scheme")


class ActionCompleted(EventPayload):
    EVENT_TYPE = "meetings.ActionCompleted"

    action_id: Id
    meeting_id: Id = Field(description="the meeting it stands at (raised or carried to)")
    academy_id: Id | None = Field(description=_ACADEMY)
    completed_on: dt.date


class ActionCarriedForward(EventPayload):
    """Carried to a later meeting; the link to the earlier one is kept."""

    EVENT_TYPE = "meetings.ActionCarriedForward"

    action_id: Id
    academy_id: Id | None = Field(description=_ACADEMY)
    from_meeting_id: Id
    to_meeting_id: Id
    due_on: dt.date = Field(description="the due date from now on (unchanged or later)")


MEETINGS_EVENTS = EventRegistry(
    MeetingScheduled,
    MeetingRescheduled,
    MeetingCancelled,
    ApologiesGiven,
    PaperSubmitted,
    MeetingHeld,
    NotesDrafted,
    NotesApproved,
    NotesCirculated,
    ActionRaised,
    ActionCompleted,
    ActionCarriedForward,
)

"""A meeting: its state and its scheduling, by cadence or by hand, moved or
cancelled. Apologies and holding it are in attendance.py, papers in papers.py,
notes in notes.py; all fold into the one state here.

One stream per meeting (``meeting-<id>``). ``decide_*`` functions take the
state and a command and return the events (or raise a DomainError that says
what would be right); ``evolve`` folds a recorded event into the state. The
stream's version is the chassis's business (chassis.aggregate), not the state's.
A meeting is never deleted: a cancelled one stays, with why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from chassis.aggregate import Recorded
from chassis.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
)
from contracts import limits, values
from contracts.base import EventPayload
from contracts.meetings.v1 import (
    ApologiesGiven,
    DeadlineMet,
    MeetingCancelled,
    MeetingHeld,
    MeetingRescheduled,
    MeetingScheduled,
    NotesApproved,
    NotesCirculated,
    NotesDrafted,
    PaperSubmitted,
    Person,
)
from trust_frameworks.model import MeetingType
from trustfacts.model import TrustFramework

from meetings.domain.calendar import SchoolYear, local_day
from meetings.domain.facts import Party
from meetings.domain.supplements import is_trust_wide
from meetings.domain.values import (
    require_aware,
    require_not_past,
    require_text,
)


class Status(StrEnum):
    UNSCHEDULED = "unscheduled"  # nothing recorded yet
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    HELD = "held"


@dataclass(frozen=True)
class Plan:
    trust_id: str
    academy_id: str | None
    meeting_type: str
    academic_year: str
    term: str
    scheduled_for: dt.datetime
    duration_minutes: int
    origin: str  # cadence | by_hand
    cadence_slot: int | None
    framework_version: int
    reason: str | None = None  # why it was scheduled by hand

    @property
    def day(self) -> dt.date:
        return local_day(self.scheduled_for)


@dataclass(frozen=True)
class Cancellation:
    why: str  # no_longer_required | by_hand
    reason: str


@dataclass(frozen=True)
class Apology:
    attendee: Person
    substitute: Person | None


@dataclass(frozen=True)
class Paper:
    paper: str
    title: str
    reference: str
    submitted_by: Person
    submitted_on: dt.date
    due_on: dt.date


@dataclass(frozen=True)
class Held:
    held_on: dt.date
    attendees: tuple[Person, ...]
    scheme: str
    focus_areas: tuple[str, ...]
    area_judgements: Mapping[str, str]
    entitlement_days: Decimal


@dataclass(frozen=True)
class Notes:
    notes_id: str
    revision: int
    author: Person
    drafted_on: dt.date
    first_drafted_on: dt.date  # when a draft first reached the academy
    approvals: tuple[Person, ...] = ()
    circulated_on: dt.date | None = None
    deadlines: tuple[DeadlineMet, ...] = ()


@dataclass(frozen=True)
class MeetingState:
    meeting_id: str
    plan: Plan | None = None
    cancelled: Cancellation | None = None
    apologies: tuple[Apology, ...] = ()
    papers: tuple[Paper, ...] = ()
    held: Held | None = None
    notes: Notes | None = None

    @property
    def status(self) -> Status:
        if self.plan is None:
            return Status.UNSCHEDULED
        if self.cancelled is not None:
            return Status.CANCELLED
        return Status.HELD if self.held is not None else Status.SCHEDULED

    @property
    def day(self) -> dt.date | None:
        """When it was held, else when it is scheduled for."""
        if self.held is not None:
            return self.held.held_on
        return self.plan.day if self.plan is not None else None

    def paper(self, name: str) -> Paper | None:
        return next((p for p in self.papers if p.paper == name), None)


def initial(meeting_id: str) -> MeetingState:
    return MeetingState(meeting_id)


# -- evolve ----------------------------------------------------------------------


def evolve(state: MeetingState, recorded: Recorded) -> MeetingState:
    event = recorded.event
    if isinstance(event, MeetingScheduled):
        plan = Plan(
            trust_id=event.trust_id,
            academy_id=event.academy_id,
            meeting_type=event.meeting_type,
            academic_year=event.academic_year,
            term=event.term,
            scheduled_for=event.scheduled_for,
            duration_minutes=event.duration_minutes,
            origin=event.origin,
            cadence_slot=event.cadence_slot,
            framework_version=event.framework_version,
            reason=event.reason,
        )
        return replace(state, plan=plan)
    if state.plan is None:
        return state
    if isinstance(event, MeetingRescheduled):
        plan = replace(state.plan, scheduled_for=event.scheduled_for, term=event.term)
        return replace(state, plan=plan)
    if isinstance(event, MeetingCancelled):
        return replace(state, cancelled=Cancellation(event.why, event.reason))
    if isinstance(event, ApologiesGiven):
        return replace(
            state, apologies=(*state.apologies, Apology(event.attendee, event.substitute))
        )
    if isinstance(event, PaperSubmitted):
        paper = Paper(
            event.paper,
            event.title,
            event.reference,
            event.submitted_by,
            event.submitted_on,
            event.due_on,
        )
        return replace(state, papers=(*state.papers, paper))
    if isinstance(event, MeetingHeld):
        held = Held(
            held_on=event.held_on,
            attendees=tuple(event.attendees),
            scheme=event.scheme,
            focus_areas=tuple(event.focus_areas),
            area_judgements=dict(event.area_judgements),
            entitlement_days=Decimal(event.entitlement_days),
        )
        return replace(state, held=held)
    return _evolve_notes(state, event)


def _evolve_notes(state: MeetingState, event: EventPayload) -> MeetingState:
    notes = state.notes
    if isinstance(event, NotesDrafted):
        first = notes.first_drafted_on if notes is not None else event.drafted_on
        drafted = Notes(event.notes_id, event.revision, event.author, event.drafted_on, first)
        return replace(state, notes=drafted)
    if notes is None:
        return state
    if isinstance(event, NotesApproved):
        return replace(state, notes=replace(notes, approvals=(*notes.approvals, event.approver)))
    if isinstance(event, NotesCirculated):
        circulated = replace(
            notes, circulated_on=event.circulated_on, deadlines=tuple(event.deadlines)
        )
        return replace(state, notes=circulated)
    return state


# -- shared guards -----------------------------------------------------------------


def require_plan(state: MeetingState) -> Plan:
    if state.plan is None:
        raise NotFound(f"there is no meeting {state.meeting_id}")
    return state.plan


def require_scheduled(state: MeetingState, doing: str) -> Plan:
    """The plan of a meeting still to be held (not cancelled, not held)."""
    plan = require_plan(state)
    if state.cancelled is not None:
        raise FailedPrecondition(
            f"meeting {state.meeting_id} was cancelled ({state.cancelled.why}: "
            f"{state.cancelled.reason}); {doing} needs a meeting still to be held"
        )
    if state.held is not None:
        raise FailedPrecondition(
            f"meeting {state.meeting_id} was held on {state.held.held_on}; "
            f"{doing} needs a meeting still to be held"
        )
    return plan


def meeting_type_of(framework: TrustFramework, plan: Plan) -> MeetingType:
    found = framework.meeting_type(plan.meeting_type)
    if found is None:
        raise FailedPrecondition(
            f"meeting type {plan.meeting_type!r} is no longer in the trust's framework "
            f"(version {framework.version})"
        )
    return found


# -- scheduling ----------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleMeeting:
    """By hand (a meeting on request, or one more than the cadence asks)."""

    meeting_id: str
    meeting_type: str
    scheduled_for: dt.datetime
    reason: str
    duration_minutes: int | None = None  # None: the type's


def _scheduled(
    framework: TrustFramework,
    party: Party,
    meeting_type: MeetingType,
    meeting_id: str,
    scheduled_for: dt.datetime,
    duration_minutes: int,
    origin: str,
    cadence_slot: int | None,
    reason: str | None,
) -> MeetingScheduled:
    day = local_day(scheduled_for)
    academic_year = values.academic_year_of(day)
    year = SchoolYear.of(framework.framework.term_calendar, academic_year)
    return MeetingScheduled(
        trust_id=party.trust_id,
        meeting_id=meeting_id,
        academy_id=party.academy_id,
        meeting_type=meeting_type.id,
        academic_year=academic_year,
        term=year.term_of(day),
        scheduled_for=scheduled_for,
        duration_minutes=duration_minutes,
        origin=origin,
        cadence_slot=cadence_slot,
        reason=reason,
        framework_version=framework.version,
    )


def decide_schedule(
    state: MeetingState,
    framework: TrustFramework,
    party: Party,
    command: ScheduleMeeting,
    today: dt.date,
) -> list[EventPayload]:
    if state.plan is not None:
        raise AlreadyExists(f"meeting {command.meeting_id} is already scheduled")
    meeting_type = framework.meeting_type(command.meeting_type)
    if meeting_type is None:
        known = ", ".join(m.id for m in framework.framework.meeting_types) or "none"
        raise InvalidArgument(
            f"meeting type {command.meeting_type!r} is not in the trust's framework ({known})"
        )
    trust_wide = is_trust_wide(framework, meeting_type.id)
    if trust_wide and not party.trust_wide:
        raise InvalidArgument(
            f"{meeting_type.id} is held once for the whole trust: schedule it without an academy"
        )
    if not trust_wide and party.trust_wide:
        raise InvalidArgument(f"{meeting_type.id} is held per academy: name the academy")
    scheduled_for = require_aware(command.scheduled_for, "scheduled_for")
    day = require_not_past(scheduled_for, today, "scheduled_for")
    if not party.member_on(day):
        raise FailedPrecondition(f"academy {party.academy_id} is not in the trust on {day}")
    duration = command.duration_minutes or meeting_type.duration_minutes
    if not 15 <= duration <= 480:
        raise InvalidArgument(f"duration_minutes must be 15 to 480, got {duration}")
    reason = require_text(command.reason, "reason (why it is scheduled by hand)", limits.REASON_MAX)
    return [
        _scheduled(
            framework,
            party,
            meeting_type,
            command.meeting_id,
            scheduled_for,
            duration,
            "by_hand",
            None,
            reason,
        )
    ]


def repeats_schedule(state: MeetingState, party: Party, command: ScheduleMeeting) -> bool:
    """Whether ``command`` is a retry of the call that scheduled this meeting by
    hand (the same party, type, time, duration and reason): it answers again."""
    plan = state.plan
    if plan is None or plan.origin != "by_hand":
        return False
    return (
        (plan.trust_id, plan.academy_id) == (party.trust_id, party.academy_id)
        and plan.meeting_type == command.meeting_type
        and plan.scheduled_for == command.scheduled_for
        and command.duration_minutes in (None, plan.duration_minutes)
        and plan.reason == command.reason.strip()
    )


def decide_schedule_by_cadence(
    state: MeetingState,
    framework: TrustFramework,
    party: Party,
    meeting_type_id: str,
    cadence_slot: int,
    scheduled_for: dt.datetime,
) -> list[EventPayload]:
    """A meeting the cadence requires (see schedule.reconcile). Scheduling the
    same one again appends nothing."""
    if state.plan is not None:
        if (state.plan.meeting_type, state.plan.cadence_slot) == (meeting_type_id, cadence_slot):
            return []
        raise AlreadyExists(f"meeting {state.meeting_id} is already another meeting")
    meeting_type = framework.meeting_type(meeting_type_id)
    if meeting_type is None:
        raise InvalidArgument(f"meeting type {meeting_type_id!r} is not in the trust's framework")
    return [
        _scheduled(
            framework,
            party,
            meeting_type,
            state.meeting_id,
            require_aware(scheduled_for, "scheduled_for"),
            meeting_type.duration_minutes,
            "cadence",
            cadence_slot,
            None,
        )
    ]


@dataclass(frozen=True)
class RescheduleMeeting:
    meeting_id: str
    scheduled_for: dt.datetime
    reason: str


def decide_reschedule(
    state: MeetingState, command: RescheduleMeeting, framework: TrustFramework, today: dt.date
) -> list[EventPayload]:
    plan = require_scheduled(state, "rescheduling")
    scheduled_for = require_aware(command.scheduled_for, "scheduled_for")
    day = require_not_past(scheduled_for, today, "scheduled_for")
    if values.academic_year_of(day) != plan.academic_year:
        raise FailedPrecondition(
            f"{day} is outside {plan.academic_year}: cancel this meeting and schedule one "
            f"in {values.academic_year_of(day)}"
        )
    if scheduled_for == plan.scheduled_for:
        raise FailedPrecondition(f"meeting {state.meeting_id} is already at {scheduled_for}")
    year = SchoolYear.of(framework.framework.term_calendar, plan.academic_year)
    return [
        MeetingRescheduled(
            trust_id=plan.trust_id,
            meeting_id=state.meeting_id,
            academy_id=plan.academy_id,
            old_scheduled_for=plan.scheduled_for,
            scheduled_for=scheduled_for,
            term=year.term_of(day),
            reason=require_text(command.reason, "reason", limits.REASON_MAX),
        )
    ]


def decide_cancel(state: MeetingState, reason: str) -> list[EventPayload]:
    """By hand, with a reason."""
    plan = require_scheduled(state, "cancelling")
    return [
        MeetingCancelled(
            trust_id=plan.trust_id,
            meeting_id=state.meeting_id,
            academy_id=plan.academy_id,
            why="by_hand",
            reason=require_text(reason, "reason", limits.REASON_MAX),
        )
    ]


def decide_cancel_no_longer_required(state: MeetingState, reason: str) -> list[EventPayload]:
    """The cadence no longer asks for it (see schedule.reconcile). Never a held
    meeting; cancelling one already cancelled appends nothing."""
    plan = require_plan(state)
    if state.cancelled is not None:
        return []
    require_scheduled(state, "cancelling")
    return [
        MeetingCancelled(
            trust_id=plan.trust_id,
            meeting_id=state.meeting_id,
            academy_id=plan.academy_id,
            why="no_longer_required",
            reason=reason,
        )
    ]

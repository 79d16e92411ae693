"""Requests -> commands. Ids are checked for their form here (a malformed id is
INVALID_ARGUMENT, never "not found"); dates are ISO dates, an empty optional one
meaning today (None: the handler knows today); times are RFC 3339 with offset."""

from __future__ import annotations

import datetime as dt

from chassis.convert import date_from_proto, optional_date_from_proto
from chassis.errors import InvalidArgument
from contracts.meetings.v1 import Person
from trust.meetings.v1 import meetings_pb2 as pb

from meetings.application.attendance import SubmitPaper
from meetings.application.diary import CancelMeeting, ScheduleByHand
from meetings.application.notes import DraftNotes
from meetings.application.ports import ActionQuery
from meetings.application.reads import ListMeetings
from meetings.domain import action, attendance, meeting
from meetings.domain.values import require_id


def optional_id(value: str, field: str) -> str | None:
    """An id a request may leave empty (None)."""
    return require_id(value, field) if value.strip() else None


def client_id(value: str, field: str) -> str:
    """An id a client may choose (empty: the service makes one)."""
    return require_id(value, field) if value.strip() else ""


def meeting_id_from_proto(value: str) -> str:
    return require_id(value, "meeting_id")


def time_from_proto(text: str, field: str) -> dt.datetime:
    """RFC 3339 with its offset (a time without one is refused by the domain)."""
    try:
        return dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidArgument(
            f"{field} must be an RFC 3339 time with its UTC offset, e.g. "
            f"2026-11-05T09:30:00+00:00, got {text!r}"
        ) from None


def person_from_proto(person: pb.Person) -> Person:
    return Person(subject=person.subject.strip(), role=person.role.strip())


def schedule_from_proto(request: pb.ScheduleMeetingRequest) -> ScheduleByHand:
    return ScheduleByHand(
        trust_id=require_id(request.trust_id, "trust_id"),
        academy_id=optional_id(request.academy_id, "academy_id"),
        meeting=meeting.ScheduleMeeting(
            meeting_id=client_id(request.meeting_id, "meeting_id"),
            meeting_type=request.meeting_type.strip(),
            scheduled_for=time_from_proto(request.scheduled_for, "scheduled_for"),
            reason=request.reason,
            duration_minutes=request.duration_minutes or None,
        ),
    )


def reschedule_from_proto(request: pb.RescheduleMeetingRequest) -> meeting.RescheduleMeeting:
    return meeting.RescheduleMeeting(
        meeting_id=require_id(request.meeting_id, "meeting_id"),
        scheduled_for=time_from_proto(request.scheduled_for, "scheduled_for"),
        reason=request.reason,
    )


def cancel_from_proto(request: pb.CancelMeetingRequest) -> CancelMeeting:
    return CancelMeeting(require_id(request.meeting_id, "meeting_id"), request.reason)


def apologies_from_proto(
    request: pb.GiveApologiesRequest,
) -> tuple[str, Person, Person | None]:
    substitute = request.substitute if request.HasField("substitute") else None
    return (
        require_id(request.meeting_id, "meeting_id"),
        person_from_proto(request.attendee),
        person_from_proto(substitute) if substitute is not None else None,
    )


def paper_from_proto(request: pb.SubmitPaperRequest) -> SubmitPaper:
    return SubmitPaper(
        meeting_id=require_id(request.meeting_id, "meeting_id"),
        paper=request.paper.strip(),
        title=request.title,
        reference=request.reference,
        submitted_on=optional_date_from_proto(request.submitted_on, "submitted_on"),
    )


def hold_from_proto(request: pb.HoldMeetingRequest) -> attendance.HoldMeeting:
    return attendance.HoldMeeting(
        meeting_id=require_id(request.meeting_id, "meeting_id"),
        held_on=date_from_proto(request.held_on, "held_on"),
        attendees=[person_from_proto(p) for p in request.attendees],
        focus_areas=[a.strip() for a in request.focus_areas],
        area_judgements={k.strip(): v.strip() for k, v in request.area_judgements.items()},
    )


def draft_from_proto(request: pb.DraftNotesRequest) -> DraftNotes:
    return DraftNotes(
        meeting_id=require_id(request.meeting_id, "meeting_id"),
        notes_id=client_id(request.notes_id, "notes_id"),
        text=request.text,
        drafted_on=optional_date_from_proto(request.drafted_on, "drafted_on"),
    )


def approve_from_proto(request: pb.ApproveNotesRequest) -> tuple[str, str]:
    return require_id(request.meeting_id, "meeting_id"), require_id(request.notes_id, "notes_id")


def circulate_from_proto(request: pb.CirculateNotesRequest) -> tuple[str, str, dt.date | None]:
    return (
        require_id(request.meeting_id, "meeting_id"),
        require_id(request.notes_id, "notes_id"),
        optional_date_from_proto(request.circulated_on, "circulated_on"),
    )


def raise_from_proto(request: pb.RaiseActionRequest) -> action.RaiseAction:
    return action.RaiseAction(
        action_id=client_id(request.action_id, "action_id"),
        meeting_id=require_id(request.meeting_id, "meeting_id"),
        title=request.title,
        owner=person_from_proto(request.owner),
        due_on=date_from_proto(request.due_on, "due_on"),
        area=request.area.strip() or None,
    )


def complete_from_proto(request: pb.CompleteActionRequest) -> tuple[str, dt.date | None]:
    return (
        require_id(request.action_id, "action_id"),
        optional_date_from_proto(request.completed_on, "completed_on"),
    )


def carry_from_proto(request: pb.CarryForwardActionRequest) -> tuple[str, str, dt.date | None]:
    return (
        require_id(request.action_id, "action_id"),
        require_id(request.to_meeting_id, "to_meeting_id"),
        optional_date_from_proto(request.due_on, "due_on"),
    )


def list_meetings_from_proto(request: pb.ListMeetingsRequest) -> ListMeetings:
    return ListMeetings(
        trust_id=require_id(request.trust_id, "trust_id"),
        academy_id=optional_id(request.academy_id, "academy_id"),
        academic_year=request.academic_year.strip(),
        status=request.status.strip() or None,
    )


def actions_query_from_proto(request: pb.ListActionsRequest, today: dt.date) -> ActionQuery:
    return ActionQuery(
        trust_id=require_id(request.trust_id, "trust_id"),
        academy_id=optional_id(request.academy_id, "academy_id"),
        owner_subject=request.owner_subject.strip() or None,
        only=None,
        status=request.status.strip() or "open",
        as_of=optional_date_from_proto(request.as_of, "as_of") or today,
    )


def compliance_from_proto(
    request: pb.GetComplianceRequest, today: dt.date
) -> tuple[str, str | None, str, dt.date]:
    return (
        require_id(request.trust_id, "trust_id"),
        optional_id(request.academy_id, "academy_id"),
        request.academic_year.strip(),
        optional_date_from_proto(request.as_of, "as_of") or today,
    )

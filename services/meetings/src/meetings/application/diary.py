"""The diary by hand: a meeting scheduled (on request, or one more than the
cadence asks), moved, or cancelled, with the reason; by the chief executive or
an improvement lead of the academy. The cadence's own meetings are the
scheduler's (scheduling.py); a person may still move or cancel them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from chassis.aggregate import Decided, Loaded, Session, execute
from chassis.auth import Principal
from chassis.envelope import CausationContext
from chassis.errors import AlreadyExists
from chassis.ids import client_or_new_id
from contracts.base import EventPayload

from meetings.application.ports import Ports
from meetings.application.reach import keep_row, meeting_in_reach, on_meeting, party_in_reach
from meetings.application.streams import MeetingRecord, key_of, meetings_of
from meetings.application.views import MeetingView, meeting_view
from meetings.domain import meeting
from meetings.entrypoints.access import ACCESS


@dataclass(frozen=True)
class ScheduleByHand:
    trust_id: str
    academy_id: str | None  # None: a trust-wide meeting type
    meeting: meeting.ScheduleMeeting  # its meeting_id empty: a new one


async def schedule(
    ports: Ports,
    principal: Principal,
    command: ScheduleByHand,
    today: dt.date,
    cause: CausationContext,
) -> MeetingView:
    """The meeting scheduled (or, for a retried call with its id, scheduled before)."""
    client_chosen = bool(command.meeting.meeting_id.strip())
    wanted = replace(
        command.meeting, meeting_id=client_or_new_id(command.meeting.meeting_id, "meeting_id")
    )
    found = await party_in_reach(
        ports.facts, principal, ACCESS.rule("ScheduleMeeting"), command.trust_id, command.academy_id
    )
    if client_chosen:  # a fresh uuid4 is nobody's yet; a client's id may be
        taken = await ports.meetings.locate(wanted.meeting_id)
        if taken is not None and (taken.trust_id, taken.academy_id) != (
            command.trust_id,
            command.academy_id,
        ):
            raise AlreadyExists(f"meeting {wanted.meeting_id} already exists")

    def decide(loaded: Loaded[MeetingRecord]) -> list[EventPayload]:
        state = loaded.state.meeting
        if meeting.repeats_schedule(state, found.party, wanted):
            return []  # a retried call (the answer was lost): same answer, nothing new
        return meeting.decide_schedule(state, found.framework, found.party, wanted, today)

    async def keep(session: Session, decided: Decided[MeetingRecord]) -> None:
        if decided.events:
            await keep_row(ports.meetings, session, decided.state.meeting)

    decided = await execute(
        ports.store,
        meetings_of(command.academy_id),
        [wanted.meeting_id],
        decide,
        key_of(command.trust_id, command.academy_id),
        cause,
        after=keep,
    )
    return meeting_view(decided.state, found.framework, today)


async def reschedule(
    ports: Ports,
    principal: Principal,
    command: meeting.RescheduleMeeting,
    today: dt.date,
    cause: CausationContext,
) -> MeetingView:
    where = await meeting_in_reach(
        ports, principal, ACCESS.rule("RescheduleMeeting"), command.meeting_id
    )
    record = await on_meeting(
        ports,
        where,
        lambda state: meeting.decide_reschedule(state, command, where.framework, today),
        cause,
    )
    return meeting_view(record, where.framework, today)


@dataclass(frozen=True)
class CancelMeeting:
    meeting_id: str
    reason: str


async def cancel(
    ports: Ports,
    principal: Principal,
    command: CancelMeeting,
    today: dt.date,
    cause: CausationContext,
) -> MeetingView:
    """Cancelled by hand, with the reason; the meeting stays in the record."""
    where = await meeting_in_reach(
        ports, principal, ACCESS.rule("CancelMeeting"), command.meeting_id
    )
    record = await on_meeting(
        ports, where, lambda state: meeting.decide_cancel(state, command.reason), cause
    )
    return meeting_view(record, where.framework, today)

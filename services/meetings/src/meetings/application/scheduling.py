"""The diary kept in line with the framework's cadence, by the platform itself.

When the facts about a party change (an academy registered, its phase changed,
a formal intervention started or ended, it left; the trust adopted a
framework), ``reconcile_party`` computes the meetings required of the party in
the years in view (domain.schedule) and brings its diary in line as of the day
of the triggering event: MeetingScheduled for the required ones not yet in it,
MeetingCancelled (no_longer_required) for cadence meetings still to come that
are no longer required. The actor is the platform's scheduler; the causation
id is the triggering event's id.

It runs inside the consumer's transaction (the store given is bound to it), so
the inbox row, the facts and these events commit together. A redelivered event
is stopped by the inbox; a replayed one decides the same meeting ids (derived
from the slot) and so schedules nothing twice. A decision that a person's change
meanwhile makes impossible (a meeting held in between) is skipped and logged:
the triggering fact must still be kept.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from chassis.aggregate import Decided, EventStore, Session, execute
from chassis.envelope import Actor, CausationContext
from chassis.errors import DomainError
from contracts.base import EventPayload
from trustfacts.model import TrustFramework

from meetings.application.ports import MeetingList
from meetings.application.reach import keep_row
from meetings.application.streams import MeetingRecord, key_of, load_meetings, meetings_of
from meetings.domain import meeting
from meetings.domain.calendar import years_in_view
from meetings.domain.facts import Party
from meetings.domain.meeting import MeetingState
from meetings.domain.schedule import ToSchedule, reconcile, required_meetings

log = logging.getLogger(__name__)

SCHEDULER = Actor(subject="meetings-scheduler", role="service")


@dataclass(frozen=True)
class Trigger:
    """The consumed event that asks for the diary to be brought in line."""

    event_id: str
    correlation_id: str
    on: dt.date  # the day it happened, in England: "as of" for reconcile
    what: str = ""  # its type, for the log

    @property
    def cause(self) -> CausationContext:
        return CausationContext(SCHEDULER, self.correlation_id, self.event_id)


@dataclass(frozen=True)
class Outcome:
    scheduled: int = 0
    cancelled: int = 0
    skipped: int = 0

    def __add__(self, other: Outcome) -> Outcome:
        return Outcome(
            self.scheduled + other.scheduled,
            self.cancelled + other.cancelled,
            self.skipped + other.skipped,
        )


async def reconcile_party(
    store: EventStore,
    meetings: MeetingList,
    framework: TrustFramework,
    party: Party,
    trigger: Trigger,
) -> Outcome:
    """The party's diary in line with the cadence as of the trigger's day, in
    every academic year in view (calendar.years_in_view)."""
    outcome = Outcome()
    for year in years_in_view(framework.framework.term_calendar, trigger.on):
        ids = await meetings.of_party(party.trust_id, party.academy_id, year)
        diary = [r.meeting for r in await load_meetings(store, party.academy_id, ids)]
        done = reconcile(required_meetings(framework, party, year), diary, year, trigger.on)
        for todo in done.to_schedule:
            schedule = partial(_by_cadence, framework, party, todo)
            outcome += await _carry_out(
                store, meetings, party, todo.meeting_id, schedule, trigger, Outcome(scheduled=1)
            )
        for gone in done.to_cancel:
            cancel = partial(meeting.decide_cancel_no_longer_required, reason=gone.reason)
            outcome += await _carry_out(
                store,
                meetings,
                party,
                gone.meeting.meeting_id,
                cancel,
                trigger,
                Outcome(cancelled=1),
            )
    if outcome != Outcome():
        log.info(
            "diary of %s in line after %s %s: %d scheduled, %d cancelled, %d skipped",
            party.academy_id or f"trust {party.trust_id}",
            trigger.what,
            trigger.event_id,
            outcome.scheduled,
            outcome.cancelled,
            outcome.skipped,
        )
    return outcome


def _by_cadence(
    framework: TrustFramework, party: Party, todo: ToSchedule, state: MeetingState
) -> list[EventPayload]:
    required = todo.required
    return meeting.decide_schedule_by_cadence(
        state, framework, party, required.meeting_type, required.slot, todo.scheduled_for
    )


async def _carry_out(
    store: EventStore,
    meetings: MeetingList,
    party: Party,
    meeting_id: str,
    decide: Callable[[MeetingState], Sequence[EventPayload]],
    trigger: Trigger,
    counts: Outcome,
) -> Outcome:
    async def keep(session: Session, decided: Decided[MeetingRecord]) -> None:
        if decided.events:
            await keep_row(meetings, session, decided.state.meeting)

    try:
        decided = await execute(
            store,
            meetings_of(party.academy_id),
            [meeting_id],
            lambda loaded: decide(loaded.state.meeting),
            key_of(party.trust_id, party.academy_id),
            trigger.cause,
            after=keep,
        )
    except DomainError as error:
        log.warning(
            "meeting %s left as it is after %s %s: %s",
            meeting_id,
            trigger.what,
            trigger.event_id,
            error.message,
        )
        return Outcome(skipped=1)
    return counts if decided.events else Outcome()

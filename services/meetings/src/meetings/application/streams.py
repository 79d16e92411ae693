"""The meetings service's stream kinds, each declared once, and where their events go.

A meeting is one stream and an action another; an academy's are in the
categories ``meeting`` and ``action`` (published on meetings.academy, keyed by
the academy id), a trust-wide meeting's and its actions' in ``trust_meeting``
and ``trust_action`` (on meetings.trust, keyed by the trust id). Stream names
follow the chassis grammar (chassis.streams); the version is chassis.aggregate's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from chassis.aggregate import Aggregate, EventStore, Recorded, load
from chassis.envelope import Actor, EventEnvelope
from chassis.streams import category_of
from contracts.meetings.v1 import (
    ACADEMY_TOPIC,
    MEETINGS_EVENTS,
    TRUST_TOPIC,
    MeetingScheduled,
)

from meetings.domain import action, meeting
from meetings.domain.action import ActionState
from meetings.domain.meeting import MeetingState

S = TypeVar("S")


@dataclass(frozen=True)
class MeetingRecord:
    """A meeting and who put it in the diary (a person, or the scheduler)."""

    meeting: MeetingState
    scheduled_by: Actor | None = None


def _evolve_meeting(state: MeetingRecord, recorded: Recorded) -> MeetingRecord:
    scheduled_by = state.scheduled_by
    if isinstance(recorded.event, MeetingScheduled) and scheduled_by is None:
        scheduled_by = recorded.actor
    return MeetingRecord(meeting.evolve(state.meeting, recorded), scheduled_by)


def _new_meeting(meeting_id: str) -> MeetingRecord:
    return MeetingRecord(meeting.initial(meeting_id))


MEETING = Aggregate[MeetingRecord]("meeting", MEETINGS_EVENTS, _new_meeting, _evolve_meeting)
TRUST_MEETING = Aggregate[MeetingRecord](
    "trust_meeting", MEETINGS_EVENTS, _new_meeting, _evolve_meeting
)
ACTION = Aggregate[ActionState]("action", MEETINGS_EVENTS, action.initial, action.evolve)
TRUST_ACTION = Aggregate[ActionState](
    "trust_action", MEETINGS_EVENTS, action.initial, action.evolve
)

_TRUST_WIDE = frozenset({TRUST_MEETING.category, TRUST_ACTION.category})


def meetings_of(academy_id: str | None) -> Aggregate[MeetingRecord]:
    """The stream kind of an academy's meetings, or (None) of the trust's."""
    return MEETING if academy_id else TRUST_MEETING


def actions_of(academy_id: str | None) -> Aggregate[ActionState]:
    return ACTION if academy_id else TRUST_ACTION


def key_of(trust_id: str, academy_id: str | None) -> str:
    """The partition key: the academy's id, or the trust's for trust-wide meetings."""
    return academy_id or trust_id


def topic_for(envelope: EventEnvelope) -> str:
    """An academy's meetings and actions on meetings.academy; the trust-wide ones
    on meetings.trust."""
    return TRUST_TOPIC if category_of(envelope.stream) in _TRUST_WIDE else ACADEMY_TOPIC


TOPICS = (ACADEMY_TOPIC, TRUST_TOPIC)


async def load_meetings(
    store: EventStore, academy_id: str | None, ids: Sequence[str]
) -> list[MeetingRecord]:
    """The party's meetings, each folded from its stream, in one transaction."""
    async with store.transaction() as session:
        return [(await load(session, meetings_of(academy_id), i)).state for i in ids]

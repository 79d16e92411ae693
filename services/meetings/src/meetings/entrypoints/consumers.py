"""The consumer's entry point: an academies or evaluations event (already checked
against its contract by chassis.consumer) -> meetings' facts and diaries.

It runs inside the consumer's transaction, the one that records the event id
in the inbox: the facts, the scheduler's events and the meeting list commit
with it or not at all (the store and the adapters are bound to that
connection). The day the event happened, in England, is "as of".
"""

from __future__ import annotations

import asyncpg
from chassis.connection import OnConnection
from chassis.consumer import Projector
from chassis.envelope import EventEnvelope
from chassis.eventstore import PostgresEventStore
from trustfacts.postgres import PostgresFacts
from trustfacts.recorder import parse_consumed

from meetings.adapters.read_tables import PostgresMeetingList
from meetings.application.reactions import Reactor
from meetings.application.scheduling import Trigger
from meetings.domain.calendar import local_day


def trigger_of(envelope: EventEnvelope) -> Trigger:
    return Trigger(
        event_id=str(envelope.event_id),
        correlation_id=envelope.correlation_id,
        on=local_day(envelope.occurred_at),
        what=envelope.event_type,
    )


def projector(store: PostgresEventStore) -> Projector:
    """Apply one consumed event (inside the consumer's transaction)."""

    async def project(conn: asyncpg.Connection, envelope: EventEnvelope) -> None:
        event = parse_consumed(envelope)
        if event is None:
            return
        reactor = Reactor(OnConnection(store, conn), PostgresFacts(conn), PostgresMeetingList(conn))
        await reactor.react(event, trigger_of(envelope))

    return project

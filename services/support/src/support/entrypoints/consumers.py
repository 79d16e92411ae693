"""The consumer's entry point: an academies, evaluations or meetings event
(already checked against its contract by chassis.consumer) -> support's facts
and the academies' entitlements.

It runs inside the consumer's transaction, the one that records the event id in
the inbox: the facts, the entitlement events and the index commit with it or not
at all (the store and the adapters are bound to that connection). The day the
event happened, in England, is "as of".
"""

from __future__ import annotations

import asyncpg
import pydantic
from chassis.connection import OnConnection
from chassis.consumer import PoisonMessage, Projector
from chassis.envelope import EventEnvelope
from chassis.eventstore import PostgresEventStore
from contracts.base import EventPayload, UnknownEventType
from contracts.meetings.v1 import MEETINGS_EVENTS
from trustfacts.postgres import PostgresFacts
from trustfacts.recorder import parse_consumed

from support.adapters.read_tables import PostgresIndex
from support.application.reactions import Reactor, Trigger
from support.domain.values import local_day


def trigger_of(envelope: EventEnvelope) -> Trigger:
    return Trigger(
        event_id=str(envelope.event_id),
        correlation_id=envelope.correlation_id,
        on=local_day(envelope.occurred_at),
        what=envelope.event_type,
    )


def parse(envelope: EventEnvelope) -> EventPayload | None:
    """The consumed payload: a meetings event, or a fact (trustfacts); None for
    any other (skipped)."""
    if MEETINGS_EVENTS.knows(envelope.event_type, envelope.schema_version):
        try:
            return MEETINGS_EVENTS.parse(
                envelope.event_type, envelope.schema_version, envelope.payload
            )
        except (pydantic.ValidationError, UnknownEventType) as error:
            raise PoisonMessage(f"{envelope.event_type}: {error}") from error
    return parse_consumed(envelope)


def projector(store: PostgresEventStore) -> Projector:
    """Apply one consumed event (inside the consumer's transaction)."""

    async def project(conn: asyncpg.Connection, envelope: EventEnvelope) -> None:
        event = parse(envelope)
        if event is None:
            return
        reactor = Reactor(OnConnection(store, conn), PostgresFacts(conn), PostgresIndex(conn))
        await reactor.react(event, trigger_of(envelope))

    return project

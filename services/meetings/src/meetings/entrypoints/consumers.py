"""The consumer's entry point: an academies or evaluations event (already checked
against its contract by chassis.consumer) -> meetings' facts and diaries.

It runs inside the consumer's transaction, the one that records the event id
in the inbox: the facts, the scheduler's events and the meeting list commit
with it or not at all (the store and the adapters are bound to that
connection). The day the event happened, in England, is "as of".
"""

from __future__ import annotations

import asyncpg
import pydantic
from chassis.consumer import PoisonMessage, Projector
from chassis.envelope import EventEnvelope
from chassis.eventstore import PostgresEventStore
from contracts.academies.v1 import ACADEMIES_EVENTS, FrameworkAdopted
from contracts.base import EventPayload, EventRegistry, UnknownEventType
from contracts.evaluations.v1 import EVALUATIONS_EVENTS
from trust_frameworks.model import Framework

from meetings.adapters.connection import OnConnection
from meetings.adapters.facts_store import PostgresFacts
from meetings.adapters.read_tables import PostgresMeetingList
from meetings.application.reactions import Reactor
from meetings.application.scheduling import Trigger
from meetings.domain.calendar import local_day
from meetings.domain.facts import TrustFramework


def _parse(registry: EventRegistry, envelope: EventEnvelope) -> EventPayload:
    try:
        return registry.parse(envelope.event_type, envelope.schema_version, envelope.payload)
    except (pydantic.ValidationError, UnknownEventType) as error:
        raise PoisonMessage(f"{envelope.event_type}: {error}") from error


def trigger_of(envelope: EventEnvelope) -> Trigger:
    return Trigger(
        event_id=str(envelope.event_id),
        correlation_id=envelope.correlation_id,
        on=local_day(envelope.occurred_at),
        what=envelope.event_type,
    )


def _framework(event: FrameworkAdopted) -> TrustFramework:
    try:
        framework = Framework.model_validate(event.document)
    except pydantic.ValidationError as error:
        raise PoisonMessage(
            f"FrameworkAdopted: trust {event.trust_id} version {event.version}: {error}"
        ) from error
    return TrustFramework(event.trust_id, event.version, framework, event.based_on_preset)


def projector(store: PostgresEventStore) -> Projector:
    """Apply one consumed event (inside the consumer's transaction)."""

    async def project(conn: asyncpg.Connection, envelope: EventEnvelope) -> None:
        reactor = Reactor(OnConnection(store, conn), PostgresFacts(conn), PostgresMeetingList(conn))
        trigger = trigger_of(envelope)
        if ACADEMIES_EVENTS.knows(envelope.event_type, envelope.schema_version):
            event = _parse(ACADEMIES_EVENTS, envelope)
            if isinstance(event, FrameworkAdopted):
                await reactor.framework_adopted(_framework(event), trigger)
            else:
                await reactor.on_register(event, trigger)
        elif EVALUATIONS_EVENTS.knows(envelope.event_type, envelope.schema_version):
            await reactor.on_evaluation(_parse(EVALUATIONS_EVENTS, envelope), trigger)

    return project

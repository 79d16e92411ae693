"""Wires support: its API (handlers given their adapters), its relay (an
academy's entitlement, requests and budget on support.academy, providers on
support.provider), and its consumer of the register's, evaluations' and
meetings' events, which keeps support's own facts (trustfacts) and the
academies' entitlements in line."""

from __future__ import annotations

from chassis.consumer import ContractSet, IdempotentConsumer
from chassis.grpc_server import Registration
from chassis.runtime import ConsumerSpec, ServiceContext, ServiceSpec
from contracts.academies.v1 import ACADEMIES_EVENTS
from contracts.academies.v1 import ACADEMY_TOPIC as ACADEMIES_ACADEMY_TOPIC
from contracts.academies.v1 import TRUST_TOPIC as ACADEMIES_TRUST_TOPIC
from contracts.evaluations.v1 import ACADEMY_TOPIC as EVALUATIONS_ACADEMY_TOPIC
from contracts.evaluations.v1 import EVALUATIONS_EVENTS
from contracts.meetings.v1 import ACADEMY_TOPIC as MEETINGS_ACADEMY_TOPIC
from contracts.meetings.v1 import MEETINGS_EVENTS, MeetingHeld
from trustfacts import postgres as facts_store
from trustfacts.recorder import FACT_EVENT_TYPES

from support.adapters import read_tables
from support.application.ports import Ports
from support.application.streams import TOPICS, topic_for
from support.entrypoints.access import ACCESS, SERVICE_NAME
from support.entrypoints.consumers import projector
from support.entrypoints.grpc_api import Dependencies, registration

FACTS_CONSUMER = "support.facts"
CONSUMED_TOPICS = (
    ACADEMIES_TRUST_TOPIC,
    ACADEMIES_ACADEMY_TOPIC,
    EVALUATIONS_ACADEMY_TOPIC,
    MEETINGS_ACADEMY_TOPIC,
)


def _registrations(context: ServiceContext) -> list[Registration]:
    ports = Ports(
        store=context.store,
        facts=facts_store.PostgresFacts(context.pool),
        index=read_tables.PostgresIndex(context.pool),
        notes=read_tables.PostgresNotes(context.pool),
    )
    return [registration(Dependencies(ports))]


def _consumers(context: ServiceContext) -> list[ConsumerSpec]:
    consumer = IdempotentConsumer(
        FACTS_CONSUMER,
        context.pool,
        projector(context.store),
        context.dead_letter,
        # The facts and held meetings (days used) are all it reads.
        ContractSet(ACADEMIES_EVENTS, EVALUATIONS_EVENTS, MEETINGS_EVENTS).only(
            FACT_EVENT_TYPES | {MeetingHeld.EVENT_TYPE}
        ),
        context.settings.max_message_bytes,
    )
    return [ConsumerSpec(consumer, CONSUMED_TOPICS)]


SPEC = ServiceSpec(
    name="support",
    schema=[*facts_store.SCHEMA, *read_tables.SCHEMA],
    grpc_service_names=[SERVICE_NAME],
    registrations=_registrations,
    topic_for=topic_for,
    topics=TOPICS,
    consumers=_consumers,
    access=[ACCESS],
)

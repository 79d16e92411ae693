"""Wires meetings: its API (handlers given their adapters), its relay (an
academy's meetings on meetings.academy, trust-wide ones on meetings.trust), and
its consumer of the register's and evaluations' events, which keeps meetings'
own facts and the diaries in line with the cadence."""

from __future__ import annotations

from chassis.consumer import ContractSet, IdempotentConsumer
from chassis.grpc_server import Registration
from chassis.runtime import ConsumerSpec, ServiceContext, ServiceSpec
from contracts.academies.v1 import ACADEMIES_EVENTS
from contracts.academies.v1 import ACADEMY_TOPIC as ACADEMIES_ACADEMY_TOPIC
from contracts.academies.v1 import TRUST_TOPIC as ACADEMIES_TRUST_TOPIC
from contracts.evaluations.v1 import ACADEMY_TOPIC as EVALUATIONS_ACADEMY_TOPIC
from contracts.evaluations.v1 import EVALUATIONS_EVENTS
from trustfacts.postgres import SCHEMA as FACTS_SCHEMA
from trustfacts.postgres import PostgresFacts
from trustfacts.recorder import FACT_EVENT_TYPES

from meetings.adapters import read_tables
from meetings.application.ports import Ports
from meetings.application.streams import TOPICS, topic_for
from meetings.entrypoints.access import ACCESS, SERVICE_NAME
from meetings.entrypoints.consumers import projector
from meetings.entrypoints.grpc_api import Dependencies, registration

FACTS_CONSUMER = "meetings.facts"
CONSUMED_TOPICS = (ACADEMIES_TRUST_TOPIC, ACADEMIES_ACADEMY_TOPIC, EVALUATIONS_ACADEMY_TOPIC)


def _registrations(context: ServiceContext) -> list[Registration]:
    ports = Ports(
        store=context.store,
        facts=PostgresFacts(context.pool),
        meetings=read_tables.PostgresMeetingList(context.pool),
        actions=read_tables.PostgresActionList(context.pool),
        notes=read_tables.PostgresNotes(context.pool),
    )
    return [registration(Dependencies(ports))]


def _consumers(context: ServiceContext) -> list[ConsumerSpec]:
    consumer = IdempotentConsumer(
        FACTS_CONSUMER,
        context.pool,
        projector(context.store),
        context.dead_letter,
        # The facts are all it reads; data returns, judgements and the rest pass by.
        ContractSet(ACADEMIES_EVENTS, EVALUATIONS_EVENTS).only(FACT_EVENT_TYPES),
        context.settings.max_message_bytes,
    )
    return [ConsumerSpec(consumer, CONSUMED_TOPICS)]


SPEC = ServiceSpec(
    name="meetings",
    schema=[*FACTS_SCHEMA, *read_tables.SCHEMA],
    grpc_service_names=[SERVICE_NAME],
    registrations=_registrations,
    topic_for=topic_for,
    topics=TOPICS,
    consumers=_consumers,
    access=[ACCESS],
)

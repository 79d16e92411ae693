"""Wires reporting: the timeline projection fed by Kafka, served over gRPC."""

from __future__ import annotations

from chassis.consumer import ContractSet, IdempotentConsumer
from chassis.grpc_server import Registration
from chassis.runtime import ConsumerSpec, ServiceContext, ServiceSpec
from contracts.academies.v1 import ACADEMIES_EVENTS, ACADEMY_TOPIC
from contracts.evaluations.v1 import ACADEMY_TOPIC as EVALUATIONS_TOPIC
from contracts.evaluations.v1 import EVALUATIONS_EVENTS
from contracts.meetings.v1 import ACADEMY_TOPIC as MEETINGS_TOPIC
from contracts.meetings.v1 import MEETINGS_EVENTS
from contracts.support.v1 import ACADEMY_TOPIC as SUPPORT_TOPIC
from contracts.support.v1 import PROVIDER_TOPIC as SUPPORT_PROVIDER_TOPIC
from contracts.support.v1 import SUPPORT_EVENTS

from reporting.adapters.timeline_store import PostgresTimeline, TimelineStore, schema_statements
from reporting.entrypoints.access import ACCESS, SERVICE_NAME
from reporting.entrypoints.grpc_api import registration

TIMELINE_CONSUMER = "reporting.timeline"
TIMELINE_TOPICS = (
    ACADEMY_TOPIC,
    EVALUATIONS_TOPIC,
    MEETINGS_TOPIC,
    SUPPORT_TOPIC,
    SUPPORT_PROVIDER_TOPIC,  # invoices: the provider's documents, about an academy
)


def _registrations(context: ServiceContext) -> list[Registration]:
    return [registration(PostgresTimeline(context.pool, TimelineStore()))]


def _consumers(context: ServiceContext) -> list[ConsumerSpec]:
    consumer = IdempotentConsumer(
        TIMELINE_CONSUMER,
        context.pool,
        TimelineStore().project,
        context.dead_letter,
        ContractSet(ACADEMIES_EVENTS, EVALUATIONS_EVENTS, MEETINGS_EVENTS, SUPPORT_EVENTS),
        context.settings.max_message_bytes,
    )
    return [ConsumerSpec(consumer, TIMELINE_TOPICS)]


SPEC = ServiceSpec(
    name="reporting",
    schema=schema_statements(),
    grpc_service_names=[SERVICE_NAME],
    registrations=_registrations,
    consumers=_consumers,
    access=[ACCESS],
)

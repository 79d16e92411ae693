"""Wires evaluations: its API, its relay, and its consumer of academies events."""

from __future__ import annotations

from chassis.consumer import ContractSet, IdempotentConsumer
from chassis.grpc_server import Registration
from chassis.runtime import ConsumerSpec, ServiceContext, ServiceSpec
from contracts.academies.v1 import ACADEMIES_EVENTS

from evaluations.adapters import proposal_view
from evaluations.adapters.facts_store import SCHEMA, project_academies_event
from evaluations.application.service import CONSUMED_TOPICS, TOPICS, EvaluationsService, topic_for
from evaluations.entrypoints.grpc_api import SERVICE_NAME, registration

FACTS_CONSUMER = "evaluations.academies-facts"


def _registrations(context: ServiceContext) -> list[Registration]:
    return [registration(EvaluationsService(context.store))]


def _consumers(context: ServiceContext) -> list[ConsumerSpec]:
    consumer = IdempotentConsumer(
        FACTS_CONSUMER,
        context.pool,
        project_academies_event,
        context.dead_letter,
        ContractSet(ACADEMIES_EVENTS),
        context.settings.max_message_bytes,
    )
    return [ConsumerSpec(consumer, CONSUMED_TOPICS)]


SPEC = ServiceSpec(
    name="evaluations",
    schema=[*SCHEMA, *proposal_view.SCHEMA],
    grpc_service_names=[SERVICE_NAME],
    registrations=_registrations,
    topic_for=topic_for,
    topics=TOPICS,
    consumers=_consumers,
)

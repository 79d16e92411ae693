"""Wires evaluations: its API (handlers given their adapters), its relay, and
its consumer of academies events."""

from __future__ import annotations

from chassis.consumer import ContractSet, IdempotentConsumer
from chassis.envelope import EventEnvelope
from chassis.grpc_server import Registration
from chassis.runtime import ConsumerSpec, ServiceContext, ServiceSpec
from contracts.academies.v1 import ACADEMIES_EVENTS
from contracts.academies.v1 import ACADEMY_TOPIC as ACADEMIES_ACADEMY_TOPIC
from contracts.academies.v1 import TRUST_TOPIC as ACADEMIES_TRUST_TOPIC
from contracts.evaluations.v1 import ACADEMY_TOPIC

from evaluations.adapters import concern_notes, facts_store, proposal_view
from evaluations.entrypoints.access import ACCESS, SERVICE_NAME
from evaluations.entrypoints.grpc_api import Dependencies, registration

FACTS_CONSUMER = "evaluations.academies-facts"
CONSUMED_TOPICS = (ACADEMIES_TRUST_TOPIC, ACADEMIES_ACADEMY_TOPIC)
TOPICS = (ACADEMY_TOPIC,)


def topic_for(_envelope: EventEnvelope) -> str:
    """Every evaluations event is about one academy: evaluations.academy."""
    return ACADEMY_TOPIC


def _registrations(context: ServiceContext) -> list[Registration]:
    facts = facts_store.PostgresFacts(context.pool)
    deps = Dependencies(
        store=context.store,
        academies=facts,
        frameworks=facts,
        data=facts,
        concerns=concern_notes.PostgresConcerns(context.pool),
        view=proposal_view.PostgresProposalView(context.pool),
    )
    return [registration(deps)]


def _consumers(context: ServiceContext) -> list[ConsumerSpec]:
    consumer = IdempotentConsumer(
        FACTS_CONSUMER,
        context.pool,
        facts_store.project_academies_event,
        context.dead_letter,
        ContractSet(ACADEMIES_EVENTS),
        context.settings.max_message_bytes,
    )
    return [ConsumerSpec(consumer, CONSUMED_TOPICS)]


SPEC = ServiceSpec(
    name="evaluations",
    schema=[*facts_store.SCHEMA, *concern_notes.SCHEMA, *proposal_view.SCHEMA],
    grpc_service_names=[SERVICE_NAME],
    registrations=_registrations,
    topic_for=topic_for,
    topics=TOPICS,
    consumers=_consumers,
    access=[ACCESS],
)

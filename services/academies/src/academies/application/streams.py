"""Stream names, partition keys and topics of the academies service."""

from __future__ import annotations

from chassis.envelope import EventEnvelope
from contracts.academies.v1 import ACADEMY_TOPIC, TRUST_TOPIC


def trust_stream(trust_id: str) -> str:
    return f"trust-{trust_id}"


def academy_stream(academy_id: str) -> str:
    return f"academy-{academy_id}"


def submission_stream(submission_id: str) -> str:
    return f"submission-{submission_id}"


def plan_stream(academy_id: str, academic_year: str) -> str:
    return f"plan-{academy_id}-{academic_year.replace('/', '-')}"


def self_evaluation_stream(academy_id: str, academic_year: str) -> str:
    return f"sef-{academy_id}-{academic_year.replace('/', '-')}"


def topic_for(envelope: EventEnvelope) -> str:
    """Trust events on academies.trust; an academy's and its submissions' events
    on academies.academy, all keyed by the academy id so they stay in order."""
    return TRUST_TOPIC if envelope.stream.startswith("trust-") else ACADEMY_TOPIC


TOPICS = (TRUST_TOPIC, ACADEMY_TOPIC)

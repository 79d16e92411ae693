"""Wires the academies service's adapters and handlers into the chassis."""

from __future__ import annotations

from chassis.grpc_server import Registration
from chassis.runtime import ServiceContext, ServiceSpec
from trust_frameworks.loader import presets

from academies.adapters.read_tables import (
    SCHEMA,
    PostgresAcademyList,
    PostgresSubmissionIndex,
    PostgresUrnClaims,
)
from academies.application.access import ACCESS, SERVICE_NAME
from academies.application.streams import TOPICS, topic_for
from academies.entrypoints.grpc_api import Dependencies, registration


def _registrations(context: ServiceContext) -> list[Registration]:
    deps = Dependencies(
        store=context.store,
        # Trusts adopt one of the shipped presets (adjusted frameworks come with
        # framework versions as events; see frameworks/).
        presets=presets(),
        urns=PostgresUrnClaims(),
        academies=PostgresAcademyList(context.pool),
        submissions=PostgresSubmissionIndex(context.pool),
    )
    return [registration(deps)]


SPEC = ServiceSpec(
    name="academies",
    schema=SCHEMA,
    grpc_service_names=[SERVICE_NAME],
    registrations=_registrations,
    topic_for=topic_for,
    topics=TOPICS,
    access=[ACCESS],
)

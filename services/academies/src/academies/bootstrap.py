"""Wires the academies service's adapters and handlers into the chassis."""

from __future__ import annotations

from chassis.grpc_server import Registration
from chassis.runtime import ServiceContext, ServiceSpec
from trust_frameworks.loader import presets

from academies.adapters.views import SCHEMA
from academies.application.service import AcademiesService
from academies.application.streams import TOPICS, topic_for
from academies.entrypoints.grpc_api import SERVICE_NAME, registration


def _registrations(context: ServiceContext) -> list[Registration]:
    # Trusts adopt one of the shipped presets (adjusted frameworks come with
    # framework versions as events; see frameworks/).
    return [registration(AcademiesService(context.store, presets()))]


SPEC = ServiceSpec(
    name="academies",
    schema=SCHEMA,
    grpc_service_names=[SERVICE_NAME],
    registrations=_registrations,
    topic_for=topic_for,
    topics=TOPICS,
)

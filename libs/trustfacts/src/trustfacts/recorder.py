"""From a consumed event to the facts: the half of a consumer that every
service keeping these facts shares (the other half, what the service then
does about the change, is its own).

Events of the register and of evaluations come on different topics, so their
order across topics is not guaranteed: each fact is kept whatever came first
(a phase before the academy's registration, an academy before its trust's
framework), and the caller acts on a change only once what it needs is known.
Run it inside the consumer's transaction, the one that records the event in
its inbox, so each event is recorded exactly once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import pydantic
from chassis.consumer import PoisonMessage
from chassis.envelope import EventEnvelope
from contracts.academies.v1 import (
    ACADEMIES_EVENTS,
    AcademyDetailsChanged,
    AcademyLeftTrust,
    AcademyRegistered,
    FrameworkAdopted,
)
from contracts.base import EventPayload, EventRegistry, UnknownEventType
from contracts.evaluations.v1 import (
    EVALUATIONS_EVENTS,
    FormalInterventionEnded,
    FormalInterventionStarted,
    PhaseChanged,
)
from trust_frameworks.model import Framework

from trustfacts.model import AcademyFacts, PhaseEvent, TrustFramework
from trustfacts.ports import FactsWriter

Kind = Literal[
    "registered",
    "details",
    "left",
    "phase",
    "intervention_started",
    "intervention_ended",
    "framework",
]

# The registries whose events carry facts, in the order they are tried.
REGISTRIES: tuple[EventRegistry, ...] = (ACADEMIES_EVENTS, EVALUATIONS_EVENTS)

# The event types record_fact keeps: a consumer of the facts alone reads only these
# (chassis.consumer.ContractSet.only) and skips the rest of its topics unopened.
FACT_EVENT_TYPES: frozenset[str] = frozenset(
    model.EVENT_TYPE
    for model in (
        FrameworkAdopted,
        AcademyRegistered,
        AcademyDetailsChanged,
        AcademyLeftTrust,
        PhaseChanged,
        FormalInterventionStarted,
        FormalInterventionEnded,
    )
)


@dataclass(frozen=True)
class FactChange:
    """What an event changed: one academy's facts (``academy_id``), or a trust's
    framework (``trust_id`` and the ``framework`` now in force: the caller then
    revisits every open academy of that trust)."""

    kind: Kind
    academy_id: str | None = None
    trust_id: str | None = None
    framework: TrustFramework | None = None


def parse_consumed(envelope: EventEnvelope) -> EventPayload | None:
    """The payload of an academies or evaluations event; None for any other
    (not a fact). A payload its own registry refuses is poison: it will never
    parse, so it goes to the dead letters rather than blocking the partition."""
    for registry in REGISTRIES:
        if registry.knows(envelope.event_type, envelope.schema_version):
            try:
                return registry.parse(
                    envelope.event_type, envelope.schema_version, envelope.payload
                )
            except (pydantic.ValidationError, UnknownEventType) as error:
                raise PoisonMessage(f"{envelope.event_type}: {error}") from error
    return None


def framework_of(event: FrameworkAdopted) -> TrustFramework:
    """The adopted document as a Framework; one that does not validate is poison
    (the academies service validated it, so it never will here either)."""
    try:
        framework = Framework.model_validate(event.document)
    except pydantic.ValidationError as error:
        raise PoisonMessage(
            f"FrameworkAdopted: trust {event.trust_id} version {event.version}: {error}"
        ) from error
    return TrustFramework(event.trust_id, event.version, framework, event.based_on_preset)


async def record_fact(facts: FactsWriter, event: EventPayload, on: dt.date) -> FactChange | None:
    """Keep what ``event`` says; None when it is not a fact (data, plans, a
    subject's phase...) or changed nothing (an older framework version arriving
    late). ``on``: the day it happened (a phase change carries no date of its own)."""
    if isinstance(event, FrameworkAdopted):
        framework = framework_of(event)
        if not await facts.adopt(framework):
            return None
        return FactChange("framework", trust_id=framework.trust_id, framework=framework)
    if isinstance(event, AcademyRegistered):
        await facts.register(
            AcademyFacts(
                academy_id=event.academy_id,
                trust_id=event.trust_id,
                name=event.name,
                phase_of_education=event.phase_of_education,
                joined_on=event.date_joined,
            )
        )
        return FactChange("registered", academy_id=event.academy_id)
    if isinstance(event, AcademyDetailsChanged):
        await facts.change_details(event.academy_id, event.name, event.phase_of_education)
        return FactChange("details", academy_id=event.academy_id)
    if isinstance(event, AcademyLeftTrust):
        await facts.leave(event.academy_id, event.date_left)
        return FactChange("left", academy_id=event.academy_id)
    found = _phase_event(event, on)
    if found is None:
        return None
    academy_id, kind, phase_event = found
    await facts.record(academy_id, phase_event)
    return FactChange(kind, academy_id=academy_id)


def _phase_event(event: EventPayload, on: dt.date) -> tuple[str, Kind, PhaseEvent] | None:
    """Whose history the event adds to, and what it adds."""
    if isinstance(event, PhaseChanged):
        # The academy's phase as a whole; a subject's phase (seed 001) is not the
        # academy's standing.
        if event.subject is not None:
            return None
        return event.academy_id, "phase", PhaseEvent(on, phase=event.new_phase)
    if isinstance(event, FormalInterventionStarted):
        opened = PhaseEvent(
            event.started_on, intervention_id=event.intervention_id, intervention_open=True
        )
        return event.academy_id, "intervention_started", opened
    if isinstance(event, FormalInterventionEnded):
        ended = PhaseEvent(
            event.ended_on, intervention_id=event.intervention_id, intervention_open=False
        )
        return event.academy_id, "intervention_ended", ended
    return None

"""Example events the facts are recorded from (with overrides), and envelopes
carrying them, shared by the trustfacts tests."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from chassis.envelope import Actor, EventEnvelope
from contracts.academies.v1 import (
    AcademyDetailsChanged,
    AcademyLeftTrust,
    AcademyRegistered,
    FrameworkAdopted,
)
from contracts.base import EventPayload
from contracts.evaluations.v1 import (
    ActorRef,
    FormalInterventionEnded,
    FormalInterventionStarted,
    PhaseChanged,
    PhaseProposalWithdrawn,
    WrittenNotice,
)
from trust_frameworks.loader import presets

PRESETS = presets()
TRUST = "t1"
ACADEMY = "heron"
JOINED = dt.date(2020, 9, 1)
DAY = dt.date(2026, 12, 3)
CEO = ActorRef(subject="ceo@trust.example", role="chief_executive")


def registered(academy_id: str = ACADEMY, **overrides: Any) -> AcademyRegistered:
    fields: dict[str, Any] = dict(
        trust_id=TRUST,
        academy_id=academy_id,
        urn="100001",
        name=academy_id.title(),
        phase_of_education="primary",
        local_authority="Kent",
        date_joined=JOINED,
        new_to_trust=False,
    )
    return AcademyRegistered(**{**fields, **overrides})


def details_changed(academy_id: str = ACADEMY, **changed: Any) -> AcademyDetailsChanged:
    return AcademyDetailsChanged(trust_id=TRUST, academy_id=academy_id, **changed)


def left(academy_id: str = ACADEMY, on: dt.date = DAY) -> AcademyLeftTrust:
    return AcademyLeftTrust(trust_id=TRUST, academy_id=academy_id, date_left=on, reason="moved")


def adopted(
    preset: str = "seed-000-aid", version: int = 1, trust_id: str = TRUST, **overrides: Any
) -> FrameworkAdopted:
    fields: dict[str, Any] = dict(
        trust_id=trust_id,
        framework_id=preset,
        version=version,
        based_on_preset=preset,
        document=PRESETS[preset].model_dump(mode="json"),
    )
    return FrameworkAdopted(**{**fields, **overrides})


def phase_changed(
    new_phase: str, academy_id: str = ACADEMY, subject: str | None = None
) -> PhaseChanged:
    return PhaseChanged(
        trust_id=TRUST,
        academy_id=academy_id,
        proposal_id=f"p-{new_phase}",
        subject=subject,
        old_phase=None,
        new_phase=new_phase,
        reason="annual review",
        review="annual",
        proposed_by=CEO,
        confirmed_by=ActorRef(subject="chair@board.example", role="trustee"),
        framework_version=1,
    )


def started(intervention_id: str = "i1", on: dt.date = DAY) -> FormalInterventionStarted:
    return FormalInterventionStarted(
        trust_id=TRUST,
        academy_id=ACADEMY,
        intervention_id=intervention_id,
        started_on=on,
        reason="inadequate",
        notice=WrittenNotice(dated=on, to_roles=["headteacher"], reference="letter"),
    )


def ended(intervention_id: str = "i1", on: dt.date = DAY) -> FormalInterventionEnded:
    return FormalInterventionEnded(
        trust_id=TRUST,
        academy_id=ACADEMY,
        intervention_id=intervention_id,
        ended_on=on,
        reason="improved",
    )


def withdrawn() -> PhaseProposalWithdrawn:
    """An evaluations event that is not a fact."""
    return PhaseProposalWithdrawn(
        trust_id=TRUST, academy_id=ACADEMY, proposal_id="p1", reason="changed mind"
    )


def envelope(event: EventPayload, **overrides: Any) -> EventEnvelope:
    fields: dict[str, Any] = dict(
        event_id=uuid.uuid4(),
        event_type=event.EVENT_TYPE,
        schema_version=event.SCHEMA_VERSION,
        stream=f"academy-{ACADEMY}",
        stream_position=1,
        source="academies",
        key=ACADEMY,
        occurred_at=dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC),
        actor=Actor(subject="ceo@trust.example", role="chief_executive"),
        correlation_id="corr",
        payload=event.model_dump(mode="json"),
    )
    return EventEnvelope(**{**fields, **overrides})

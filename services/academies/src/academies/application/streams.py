"""The academies service's stream kinds, each declared once, and where their events go.

Stream names follow the chassis grammar (chassis.streams): ``<category>-<id>``,
a compound id joined with ``+`` (``plan-<academy id>+2026/27``). Each kind's
``evolve`` owns its state; the version (events so far) comes from
chassis.aggregate, never from the state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from chassis.aggregate import Aggregate, Decided, Recorded
from chassis.envelope import Actor, EventEnvelope
from chassis.streams import category_of
from contracts.academies.v1 import (
    ACADEMIES_EVENTS,
    ACADEMY_TOPIC,
    TRUST_TOPIC,
    AcademyRegistered,
    ImprovementPlanSubmitted,
    InspectionRecorded,
    SelfEvaluationSubmitted,
    TrustCreated,
)

from academies.domain import academy as academy_rules
from academies.domain import submission as submission_rules
from academies.domain import trust as trust_rules
from academies.domain.academy import AcademyState
from academies.domain.submission import SubmissionState
from academies.domain.trust import TrustState

S = TypeVar("S")


@dataclass(frozen=True)
class TrustStream:
    trust: TrustState | None = None
    created: TrustCreated | None = None  # as first recorded: a retried CreateTrust repeats it


def _evolve_trust(state: TrustStream, recorded: Recorded) -> TrustStream:
    event = recorded.event
    created = event if isinstance(event, TrustCreated) and state.created is None else None
    return TrustStream(
        trust_rules.evolve(state.trust, event, recorded.actor), created or state.created
    )


@dataclass(frozen=True)
class Inspected:
    """An inspection as recorded: by whom, and its place among the academy's (1, 2, ...)."""

    inspection: InspectionRecorded
    recorded_by: Actor
    number: int


@dataclass(frozen=True)
class AcademyStream:
    academy: AcademyState | None = None
    registered: AcademyRegistered | None = None  # as first recorded: a retry repeats it
    inspections: tuple[Inspected, ...] = ()


def _evolve_academy(state: AcademyStream, recorded: Recorded) -> AcademyStream:
    event = recorded.event
    registered, inspections = state.registered, state.inspections
    if isinstance(event, AcademyRegistered) and registered is None:
        registered = event
    if isinstance(event, InspectionRecorded):
        inspections = (*inspections, Inspected(event, recorded.actor, len(inspections) + 1))
    return AcademyStream(academy_rules.evolve(state.academy, event), registered, inspections)


@dataclass(frozen=True)
class AcademyRecord:
    """An academy as the register holds it, and its stream's version."""

    academy: AcademyState
    version: int


def _evolve_submission(state: SubmissionState | None, recorded: Recorded) -> SubmissionState | None:
    return submission_rules.evolve(state, recorded.event, recorded.actor, recorded.occurred_at)


@dataclass(frozen=True)
class PlanRevision:
    plan: ImprovementPlanSubmitted
    submitted_by: Actor
    submitted_at: dt.datetime | None  # None for one just decided, until it is stored


@dataclass(frozen=True)
class StatementRevision:
    statement: SelfEvaluationSubmitted
    submitted_by: Actor


def _evolve_plan(state: tuple[PlanRevision, ...], recorded: Recorded) -> tuple[PlanRevision, ...]:
    return (*state, PlanRevision(recorded.event, recorded.actor, recorded.occurred_at))


def _evolve_statement(
    state: tuple[StatementRevision, ...], recorded: Recorded
) -> tuple[StatementRevision, ...]:
    return (*state, StatementRevision(recorded.event, recorded.actor))


TRUST = Aggregate[TrustStream]("trust", ACADEMIES_EVENTS, lambda _id: TrustStream(), _evolve_trust)
ACADEMY = Aggregate[AcademyStream](
    "academy", ACADEMIES_EVENTS, lambda _id: AcademyStream(), _evolve_academy
)
SUBMISSION = Aggregate[SubmissionState | None](
    "submission", ACADEMIES_EVENTS, lambda _id: None, _evolve_submission
)
PLAN = Aggregate[tuple[PlanRevision, ...]]("plan", ACADEMIES_EVENTS, lambda _id: (), _evolve_plan)
SELF_EVALUATION = Aggregate[tuple[StatementRevision, ...]](
    "sef", ACADEMIES_EVENTS, lambda _id: (), _evolve_statement
)


def stored(decided: Decided[Any]) -> list[Recorded]:
    """The events just appended as the store recorded them: with their actor and time
    (``execute`` folds them before the store has given them a time)."""
    return [
        Recorded(event, envelope.actor, envelope.occurred_at)
        for event, envelope in zip(decided.events, decided.envelopes, strict=True)
    ]


# The names of each kind, as docs/events.md lists them.
def trust_stream(trust_id: str) -> str:
    return TRUST.stream(trust_id)


def academy_stream(academy_id: str) -> str:
    return ACADEMY.stream(academy_id)


def submission_stream(submission_id: str) -> str:
    return SUBMISSION.stream(submission_id)


def plan_stream(academy_id: str, academic_year: str) -> str:
    return PLAN.stream(academy_id, academic_year)


def self_evaluation_stream(academy_id: str, academic_year: str) -> str:
    return SELF_EVALUATION.stream(academy_id, academic_year)


def topic_for(envelope: EventEnvelope) -> str:
    """Trust events on academies.trust; an academy's and its submissions' events
    on academies.academy, all keyed by the academy id so they stay in order."""
    return TRUST_TOPIC if category_of(envelope.stream) == TRUST.category else ACADEMY_TOPIC


TOPICS = (TRUST_TOPIC, ACADEMY_TOPIC)

"""Improvement plans and self-evaluation statements: a stream per academy and year,
a new revision each time, judged on the scheme of the trust's framework in force."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from chassis.access import Access
from chassis.aggregate import Aggregate, EventStore, execute, read
from chassis.auth import Principal
from chassis.envelope import CausationContext
from chassis.errors import NotFound
from contracts.base import EventPayload
from trust_frameworks.schemes import JudgementScheme

from academies.application.access import ACCESS
from academies.application.register import academy_in_reach
from academies.application.streams import (
    PLAN,
    SELF_EVALUATION,
    PlanRevision,
    StatementRevision,
    stored,
)
from academies.application.trust import framework_in_force
from academies.domain import planning as planning_rules
from academies.domain.academy import AcademyState
from academies.domain.planning import SubmitImprovementPlan, SubmitSelfEvaluation

SUBMIT_PLAN = ACCESS.rule("SubmitImprovementPlan")
GET_PLAN = ACCESS.rule("GetImprovementPlan")
SUBMIT_STATEMENT = ACCESS.rule("SubmitSelfEvaluation")

R = TypeVar("R")
C = TypeVar("C", bound="ForAYear")


class ForAYear(Protocol):
    """A document of an academy for an academic year."""

    @property
    def academy_id(self) -> str: ...

    @property
    def academic_year(self) -> str: ...


# (academy, command, revisions so far, the scheme in force, the framework's version)
Revise = Callable[[AcademyState, C, int, JudgementScheme, int], Sequence[EventPayload]]


async def _revise(
    store: EventStore,
    kind: Aggregate[tuple[R, ...]],
    rule: Access,
    principal: Principal,
    command: C,
    decide: Revise[C],
    cause: CausationContext,
) -> R:
    """Append the next revision of the academy's document for the year."""
    academy_id = command.academy_id
    academy = (await academy_in_reach(store, rule, principal, academy_id)).academy
    framework, version = await framework_in_force(store, academy.trust_id)
    decided = await execute(
        store,
        kind,
        [academy_id, command.academic_year],
        lambda loaded: decide(academy, command, loaded.version, framework.scheme, version),
        academy_id,
        cause,
    )
    [revision] = kind.fold(kind.initial(academy_id), stored(decided))
    return revision


async def submit_plan(
    store: EventStore, principal: Principal, command: SubmitImprovementPlan, cause: CausationContext
) -> PlanRevision:
    decide = planning_rules.decide_plan
    return await _revise(store, PLAN, SUBMIT_PLAN, principal, command, decide, cause)


async def submit_self_evaluation(
    store: EventStore, principal: Principal, command: SubmitSelfEvaluation, cause: CausationContext
) -> StatementRevision:
    decide = planning_rules.decide_self_evaluation
    return await _revise(
        store, SELF_EVALUATION, SUBMIT_STATEMENT, principal, command, decide, cause
    )


async def plan_history(
    store: EventStore, principal: Principal, academy_id: str, academic_year: str
) -> list[PlanRevision]:
    """Every revision of the academy's plan for the year, oldest first."""
    await academy_in_reach(store, GET_PLAN, principal, academy_id)
    revisions = (await read(store, PLAN, academy_id, academic_year)).state
    if not revisions:
        raise NotFound(f"academy {academy_id} has no improvement plan for {academic_year}")
    return list(revisions)

"""Judging an academy on its trust's scheme, and reading its evaluations."""

from __future__ import annotations

from dataclasses import dataclass, replace

from chassis.aggregate import EventStore, Loaded, execute, read
from chassis.auth import Principal
from chassis.envelope import Actor, CausationContext
from chassis.ids import client_or_new_id
from chassis.paging import PageRequest
from contracts.base import EventPayload
from contracts.evaluations.v1 import EvaluationJudged

from evaluations.application.ports import AcademyFactsPort, TrustFrameworksPort
from evaluations.application.record import EVALUATION_RECORD, academy_in_reach
from evaluations.domain import decisions
from evaluations.domain.state import EvaluationState
from evaluations.entrypoints.access import ACCESS

# Evaluations are listed in the order they were judged: the key is that position.
EVALUATION_KEY = (int,)


@dataclass(frozen=True)
class Judged:
    evaluation: EvaluationJudged
    judged_by: Actor


def judged_in(state: EvaluationState) -> list[Judged]:
    """The academy's evaluations in the order they were judged, with who judged each."""
    return [Judged(j, state.judged_by[j.evaluation_id]) for j in state.judgements]


async def judge(
    store: EventStore,
    academies: AcademyFactsPort,
    frameworks: TrustFrameworksPort,
    principal: Principal,
    command: decisions.JudgeEvaluation,
    cause: CausationContext,
) -> Judged:
    """The evaluation judged (or, for a retried call with its id, judged before)."""
    command = replace(
        command, evaluation_id=client_or_new_id(command.evaluation_id, "evaluation_id")
    )
    academy, trust = await academy_in_reach(
        academies, frameworks, principal, ACCESS.rule("JudgeEvaluation"), command.academy_id
    )

    def decide(loaded: Loaded[EvaluationState]) -> list[EventPayload]:
        if decisions.repeated_judgement(loaded.state, principal, command) is not None:
            return []  # a retried call (the answer was lost): same answer, nothing new
        return decisions.decide_judge(academy, trust, principal, command)

    decided = await execute(
        store, EVALUATION_RECORD, [command.academy_id], decide, command.academy_id, cause
    )
    return next(
        found
        for found in judged_in(decided.state)
        if found.evaluation.evaluation_id == command.evaluation_id
    )


async def list_evaluations(
    store: EventStore,
    academies: AcademyFactsPort,
    frameworks: TrustFrameworksPort,
    principal: Principal,
    academy_id: str,
    page: PageRequest,
    academic_year: str = "",
    kind: str = "",
) -> tuple[list[Judged], str]:
    """A page of the academy's evaluations (of one year or kind when given), in the
    order they were judged, and the next page's token."""
    await academy_in_reach(
        academies, frameworks, principal, ACCESS.rule("ListEvaluations"), academy_id
    )
    loaded = await read(store, EVALUATION_RECORD, academy_id)
    chosen = [
        (position, found)
        for position, found in enumerate(judged_in(loaded.state))
        if (not academic_year or found.evaluation.academic_year == academic_year)
        and (not kind or found.evaluation.kind == kind)
    ]
    shown, next_token = page.select(chosen, key=lambda item: (item[0],))
    return [found for _, found in shown], next_token

"""An academy's evaluation record: the one kind of stream evaluations writes,
and the facts every use case on it starts from."""

from __future__ import annotations

from chassis.access import Access
from chassis.aggregate import Aggregate, Recorded
from chassis.auth import Principal
from chassis.errors import FailedPrecondition, NotFound
from contracts.evaluations.v1 import EVALUATIONS_EVENTS

from evaluations.application.ports import AcademyFactsPort, TrustFrameworksPort
from evaluations.domain.facts import AcademyFacts, TrustFramework
from evaluations.domain.state import EvaluationState, evolve


def _evolve(state: EvaluationState, recorded: Recorded) -> EvaluationState:
    return evolve(state, recorded.event, recorded.actor)


# ``academy-<academy id>``: judgements, phase reviews and concerns of one academy,
# keyed (and so ordered on Kafka) by the academy id.
EVALUATION_RECORD = Aggregate[EvaluationState](
    category="academy",
    contracts=EVALUATIONS_EVENTS,
    initial=EvaluationState,
    evolve=_evolve,
)


def stream_of(academy_id: str) -> str:
    return EVALUATION_RECORD.stream(academy_id)


async def academy_in_reach(
    academies: AcademyFactsPort,
    frameworks: TrustFrameworksPort,
    principal: Principal,
    rule: Access,
    academy_id: str,
) -> tuple[AcademyFacts, TrustFramework]:
    """The academy (known to evaluations and in the caller's reach under ``rule``)
    and its trust's framework in force."""
    academy = await academies.academy(academy_id)
    if academy is None:
        raise NotFound(f"academy {academy_id} is not known to evaluations (not registered?)")
    rule.require_academy(principal, academy.trust_id, academy_id)
    trust = await frameworks.framework(academy.trust_id)
    if trust is None:
        raise FailedPrecondition(f"trust {academy.trust_id} has no framework yet")
    return academy, trust

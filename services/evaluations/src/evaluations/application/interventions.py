"""Formal intervention: the chief executive starts it, with the written notice to
the principal and the chair of the local governing board, and ends it.

On the academy's evaluation record, so it is decided on the same consistent
state as its phases. Meetings (the monthly task group) and support react to
the events; GetPhase reads the current one and the history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from chassis.aggregate import EventStore, Loaded, execute
from chassis.auth import Principal
from chassis.envelope import CausationContext
from chassis.ids import client_or_new_id
from contracts.base import EventPayload

from evaluations.application.ports import AcademyFactsPort, TrustFrameworksPort
from evaluations.application.record import EVALUATION_RECORD, academy_in_reach
from evaluations.domain import intervention
from evaluations.domain.state import EvaluationState, Intervention
from evaluations.entrypoints.access import ACCESS


async def start(
    store: EventStore,
    academies: AcademyFactsPort,
    frameworks: TrustFrameworksPort,
    principal: Principal,
    command: intervention.StartFormalIntervention,
    today: dt.date,
    cause: CausationContext,
) -> Intervention:
    """The intervention started (or, for a retried call with its id, started
    before, as it now stands)."""
    command = replace(
        command, intervention_id=client_or_new_id(command.intervention_id, "intervention_id")
    )
    academy, _trust = await academy_in_reach(
        academies,
        frameworks,
        principal,
        ACCESS.rule("StartFormalIntervention"),
        command.academy_id,
    )

    def decide(loaded: Loaded[EvaluationState]) -> list[EventPayload]:
        if intervention.repeated_start(loaded.state, command) is not None:
            return []  # a retried call (the answer was lost): same answer, nothing new
        return intervention.decide_start(academy, loaded.state, command, today)

    decided = await execute(
        store, EVALUATION_RECORD, [command.academy_id], decide, command.academy_id, cause
    )
    return decided.state.interventions[command.intervention_id]


async def end(
    store: EventStore,
    academies: AcademyFactsPort,
    frameworks: TrustFrameworksPort,
    principal: Principal,
    command: intervention.EndFormalIntervention,
    today: dt.date,
    cause: CausationContext,
) -> Intervention:
    """The intervention as ended (a retried call finds it ended and appends nothing)."""
    academy, _trust = await academy_in_reach(
        academies,
        frameworks,
        principal,
        ACCESS.rule("EndFormalIntervention"),
        command.academy_id,
    )

    def decide(loaded: Loaded[EvaluationState]) -> list[EventPayload]:
        if intervention.repeated_end(loaded.state, command) is not None:
            return []
        return intervention.decide_end(loaded.state, academy.trust_id, command, today)

    decided = await execute(
        store, EVALUATION_RECORD, [command.academy_id], decide, command.academy_id, cause
    )
    return decided.state.interventions[command.intervention_id]

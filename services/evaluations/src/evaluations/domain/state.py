"""An academy's evaluation record: judgements, phases (per subject too), proposals.

One stream per academy, so a decision (one open proposal at a time, the
current phase) is made on a consistent state under optimistic concurrency.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from chassis.envelope import Actor
from contracts.base import EventPayload
from contracts.evaluations.v1 import (
    EvaluationJudged,
    PhaseChanged,
    PhaseProposalRejected,
    PhaseProposalWithdrawn,
    PhaseProposed,
)


@dataclass(frozen=True)
class Proposal:
    proposal_id: str
    subject: str | None
    current_phase: str | None
    proposed_phase: str
    reason: str
    review: str
    proposed_by: Actor
    status: str = "open"  # open | confirmed | rejected | withdrawn


@dataclass(frozen=True)
class EvaluationState:
    academy_id: str
    phases: dict[str | None, str] = field(default_factory=dict)  # subject (None = whole) -> phase
    proposals: dict[str, Proposal] = field(default_factory=dict)
    judgements: tuple[EvaluationJudged, ...] = ()
    judged_by: dict[str, Actor] = field(default_factory=dict)  # evaluation id -> who judged
    changes: tuple[PhaseChanged, ...] = ()
    version: int = 0

    def judgement(self, evaluation_id: str) -> EvaluationJudged | None:
        return next((j for j in self.judgements if j.evaluation_id == evaluation_id), None)

    def open_proposal(self, subject: str | None) -> Proposal | None:
        return next(
            (p for p in self.proposals.values() if p.status == "open" and p.subject == subject),
            None,
        )


def evolve(state: EvaluationState, event: EventPayload, actor: Actor) -> EvaluationState:
    state = replace(state, version=state.version + 1)
    if isinstance(event, EvaluationJudged):
        return replace(
            state,
            judgements=(*state.judgements, event),
            judged_by={**state.judged_by, event.evaluation_id: actor},
        )
    if isinstance(event, PhaseProposed):
        proposal = Proposal(
            event.proposal_id,
            event.subject,
            event.current_phase,
            event.proposed_phase,
            event.reason,
            event.review,
            actor,
        )
        return replace(state, proposals={**state.proposals, event.proposal_id: proposal})
    if isinstance(event, PhaseChanged):
        proposals = dict(state.proposals)
        proposals[event.proposal_id] = replace(proposals[event.proposal_id], status="confirmed")
        phases = {**state.phases, event.subject: event.new_phase}
        return replace(state, proposals=proposals, phases=phases, changes=(*state.changes, event))
    if isinstance(event, PhaseProposalRejected | PhaseProposalWithdrawn):
        status = "rejected" if isinstance(event, PhaseProposalRejected) else "withdrawn"
        proposals = dict(state.proposals)
        proposals[event.proposal_id] = replace(proposals[event.proposal_id], status=status)
        return replace(state, proposals=proposals)
    return state

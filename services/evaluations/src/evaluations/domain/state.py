"""An academy's evaluation record: judgements, phases (per subject too), proposals,
formal interventions.

One stream per academy, so a decision (one open proposal at a time, the
current phase, one open formal intervention) is made on a consistent state
under optimistic concurrency.
How many events the stream holds (its version) is the event store's business
(chassis.aggregate), not the state's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from chassis.envelope import Actor
from contracts.base import EventPayload
from contracts.evaluations.v1 import (
    EvaluationJudged,
    FormalInterventionEnded,
    FormalInterventionStarted,
    PhaseChanged,
    PhaseProposalRejected,
    PhaseProposalWithdrawn,
    PhaseProposed,
)


@dataclass(frozen=True)
class Proposal:
    proposal_id: str
    academy_id: str
    subject: str | None
    current_phase: str | None
    proposed_phase: str
    reason: str
    review: str
    proposed_by: Actor
    status: str = "open"  # open | confirmed | rejected | withdrawn


@dataclass(frozen=True)
class Intervention:
    """A formal intervention (seed 004) as started, and as ended once it is."""

    started: FormalInterventionStarted
    started_by: Actor
    ended: FormalInterventionEnded | None = None
    ended_by: Actor | None = None

    @property
    def intervention_id(self) -> str:
        return self.started.intervention_id

    @property
    def is_open(self) -> bool:
        return self.ended is None

    @property
    def ended_on(self) -> dt.date | None:
        return self.ended.ended_on if self.ended is not None else None


@dataclass(frozen=True)
class EvaluationState:
    academy_id: str
    phases: dict[str | None, str] = field(default_factory=dict)  # subject (None = whole) -> phase
    proposals: dict[str, Proposal] = field(default_factory=dict)
    judgements: tuple[EvaluationJudged, ...] = ()
    judged_by: dict[str, Actor] = field(default_factory=dict)  # evaluation id -> who judged
    changes: tuple[PhaseChanged, ...] = ()
    # intervention id -> the intervention, in the order they were started
    interventions: dict[str, Intervention] = field(default_factory=dict)

    def judgement(self, evaluation_id: str) -> EvaluationJudged | None:
        return next((j for j in self.judgements if j.evaluation_id == evaluation_id), None)

    def open_proposal(self, subject: str | None) -> Proposal | None:
        return next(
            (p for p in self.proposals.values() if p.status == "open" and p.subject == subject),
            None,
        )

    def open_intervention(self) -> Intervention | None:
        return next((i for i in self.interventions.values() if i.is_open), None)


def proposal_of(event: PhaseProposed, proposed_by: Actor) -> Proposal:
    """The open proposal a PhaseProposed event makes."""
    return Proposal(
        event.proposal_id,
        event.academy_id,
        event.subject,
        event.current_phase,
        event.proposed_phase,
        event.reason,
        event.review,
        proposed_by,
    )


def evolve(state: EvaluationState, event: EventPayload, actor: Actor) -> EvaluationState:
    if isinstance(event, EvaluationJudged):
        return replace(
            state,
            judgements=(*state.judgements, event),
            judged_by={**state.judged_by, event.evaluation_id: actor},
        )
    if isinstance(event, PhaseProposed):
        proposal = proposal_of(event, actor)
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
    if isinstance(event, FormalInterventionStarted):
        started = Intervention(event, actor)
        return replace(state, interventions={**state.interventions, event.intervention_id: started})
    if isinstance(event, FormalInterventionEnded):
        ended = replace(state.interventions[event.intervention_id], ended=event, ended_by=actor)
        return replace(state, interventions={**state.interventions, event.intervention_id: ended})
    return state

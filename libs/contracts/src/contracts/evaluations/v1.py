"""evaluations service events, schema version 1.

Topic ``evaluations.academy``, keyed by academy id. Confidential material
(the text of a concern) is never in an event: only that a concern exists.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from contracts.base import EventPayload, EventRegistry

ACADEMY_TOPIC = "evaluations.academy"


class ActorRef(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    subject: str
    role: str


class EvaluationJudged(EventPayload):
    """A judgement per area on the framework's scale (seed 000: 'summary comment ...
    giving an indication of where the academy stands in relation to potential
    inspection judgements')."""

    EVENT_TYPE = "evaluations.EvaluationJudged"

    academy_id: str
    evaluation_id: str
    kind: str = Field(
        description="self_evaluation | trust_evaluation | roundtable | external_review"
    )
    academic_year: str
    term: str
    scheme: str
    judgements: dict[str, str] = Field(description="area id -> grade id")
    evidence: list[str] = Field(default_factory=list)
    summary: str
    framework_version: int


class PhaseProposed(EventPayload):
    EVENT_TYPE = "evaluations.PhaseProposed"

    academy_id: str
    proposal_id: str
    subject: str | None = Field(None, description="set when the trust phases per subject")
    current_phase: str | None
    proposed_phase: str
    reason: str
    review: str = Field(description="annual | exceptional")
    framework_version: int


class PhaseProposalWithdrawn(EventPayload):
    EVENT_TYPE = "evaluations.PhaseProposalWithdrawn"

    academy_id: str
    proposal_id: str
    reason: str


class PhaseProposalRejected(EventPayload):
    EVENT_TYPE = "evaluations.PhaseProposalRejected"

    academy_id: str
    proposal_id: str
    reason: str


class PhaseChanged(EventPayload):
    """The board confirmed a proposal: the academy (or a subject) is in a new phase."""

    EVENT_TYPE = "evaluations.PhaseChanged"

    academy_id: str
    proposal_id: str
    subject: str | None = None
    old_phase: str | None
    new_phase: str
    reason: str
    review: str
    proposed_by: ActorRef
    confirmed_by: ActorRef
    framework_version: int


class ConcernRaised(EventPayload):
    """That a concern was raised with the chief executive; its text stays confidential."""

    EVENT_TYPE = "evaluations.ConcernRaised"

    academy_id: str
    concern_id: str
    raised_with: str = "chief_executive"


EVALUATIONS_EVENTS = EventRegistry(
    EvaluationJudged,
    PhaseProposed,
    PhaseProposalWithdrawn,
    PhaseProposalRejected,
    PhaseChanged,
    ConcernRaised,
)

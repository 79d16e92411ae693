"""evaluations service events, schema version 1.

Topic ``evaluations.academy``, keyed by academy id. Confidential material
(the text of a concern) is never in an event: only that a concern exists.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from contracts import limits
from contracts.base import ContractModel, EventPayload, EventRegistry
from contracts.rules import (
    AcademicYear,
    AreaGrades,
    EvaluationKind,
    Id,
    Name,
    Reason,
    Reference,
    Review,
    Scheme,
    Subject,
    Summary,
    Term,
)

ACADEMY_TOPIC = "evaluations.academy"


class ActorRef(ContractModel):
    subject: Subject = Field(description="the token subject, e.g. an email address")
    role: Id


class EvaluationJudged(EventPayload):
    """A judgement per area on the framework's scale (seed 000: 'summary comment ...
    giving an indication of where the academy stands in relation to potential
    inspection judgements')."""

    EVENT_TYPE = "evaluations.EvaluationJudged"

    academy_id: Id
    evaluation_id: Id
    kind: EvaluationKind = Field(
        description="self_evaluation | trust_evaluation | roundtable | external_review"
    )
    academic_year: AcademicYear
    term: Term
    scheme: Scheme
    judgements: AreaGrades = Field(description="area id -> grade id")
    evidence: list[Reference] = Field(
        default_factory=list, max_length=limits.LIST_MAX, description="references to evidence"
    )
    summary: Summary
    framework_version: int = Field(ge=1)


class PhaseProposed(EventPayload):
    EVENT_TYPE = "evaluations.PhaseProposed"

    academy_id: Id
    proposal_id: Id
    subject: Name | None = Field(None, description="set when the trust phases per subject")
    current_phase: Id | None
    proposed_phase: Id
    reason: Reason
    review: Review = Field(description="annual | exceptional")
    framework_version: int = Field(ge=1)


class PhaseProposalWithdrawn(EventPayload):
    EVENT_TYPE = "evaluations.PhaseProposalWithdrawn"

    academy_id: Id
    proposal_id: Id
    reason: Reason


class PhaseProposalRejected(EventPayload):
    EVENT_TYPE = "evaluations.PhaseProposalRejected"

    academy_id: Id
    proposal_id: Id
    reason: Reason


class PhaseChanged(EventPayload):
    """The board confirmed a proposal: the academy (or a subject) is in a new phase."""

    EVENT_TYPE = "evaluations.PhaseChanged"

    academy_id: Id
    proposal_id: Id
    subject: Name | None = None
    old_phase: Id | None
    new_phase: Id
    reason: Reason
    review: Review = Field(description="annual | exceptional")
    proposed_by: ActorRef
    confirmed_by: ActorRef
    framework_version: int = Field(ge=1)


class ConcernRaised(EventPayload):
    """That a concern was raised with the chief executive; its text stays confidential."""

    EVENT_TYPE = "evaluations.ConcernRaised"

    academy_id: Id
    concern_id: Id
    raised_with: Id = "chief_executive"


class WrittenNotice(ContractModel):
    """The chief executive's dated written notice of formal intervention (seed 004:
    "the Principal and Chair of Governors will be notified in writing")."""

    dated: dt.date
    to_roles: list[Id] = Field(
        max_length=limits.LIST_MAX,
        description="who was notified, by role: the principal and the chair of the LGB",
    )
    reference: Reference = Field(description="the letter: a document reference or a link")


class FormalInterventionStarted(EventPayload):
    """The chief executive placed the academy under formal intervention. Meetings
    (a monthly task group, seed 004) and support react to it."""

    EVENT_TYPE = "evaluations.FormalInterventionStarted"

    academy_id: Id
    intervention_id: Id
    started_on: dt.date
    reason: Reason
    notice: WrittenNotice


class FormalInterventionEnded(EventPayload):
    EVENT_TYPE = "evaluations.FormalInterventionEnded"

    academy_id: Id
    intervention_id: Id
    ended_on: dt.date
    reason: Reason


EVALUATIONS_EVENTS = EventRegistry(
    EvaluationJudged,
    PhaseProposed,
    PhaseProposalWithdrawn,
    PhaseProposalRejected,
    PhaseChanged,
    ConcernRaised,
    FormalInterventionStarted,
    FormalInterventionEnded,
)

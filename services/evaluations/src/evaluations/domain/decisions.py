"""The rules of judging, phase reviews and concerns: decide(command, state) -> events."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from chassis.auth import Principal, Role
from chassis.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from contracts import values
from contracts.base import EventPayload
from contracts.evaluations.v1 import (
    ActorRef,
    ConcernRaised,
    EvaluationJudged,
    PhaseChanged,
    PhaseProposalRejected,
    PhaseProposalWithdrawn,
    PhaseProposed,
)
from contracts.rules import REVIEWS
from contracts.values import TERMS as TERMS  # re-exported: the terms a judgement may name

from evaluations.domain.facts import AcademyFacts, TrustFramework, area_applies
from evaluations.domain.state import EvaluationState, Proposal

KINDS: dict[str, tuple[Role, ...]] = {
    # Who may make each kind of evaluation (seed 000: self-evaluation by the
    # headteacher; trust evaluation by the AID / improvement lead).
    "self_evaluation": (Role.HEADTEACHER,),
    "trust_evaluation": (Role.IMPROVEMENT_LEAD, Role.CHIEF_EXECUTIVE),
    "roundtable": (Role.CHIEF_EXECUTIVE, Role.IMPROVEMENT_LEAD),
    "external_review": (Role.IMPROVEMENT_LEAD, Role.CHIEF_EXECUTIVE),
}


@dataclass(frozen=True)
class JudgeEvaluation:
    academy_id: str
    evaluation_id: str
    kind: str
    academic_year: str
    term: str
    judgements: dict[str, str]
    evidence: list[str]
    summary: str


@dataclass(frozen=True)
class ProposePhase:
    academy_id: str
    proposal_id: str
    phase: str
    reason: str
    review: str
    subject: str | None


@dataclass(frozen=True)
class DecideProposal:
    academy_id: str
    proposal_id: str
    reason: str


def require_open_academy(academy: AcademyFacts | None, academy_id: str) -> AcademyFacts:
    if academy is None:
        raise NotFound(f"academy {academy_id} is not known to evaluations (not registered?)")
    if not academy.is_open:
        raise FailedPrecondition(f"academy {academy_id} ({academy.name}) has left the trust")
    return academy


def _require_text(value: str, field: str) -> str:
    if not value.strip():
        raise InvalidArgument(f"{field} must not be empty")
    return value.strip()


def _value(rule: Callable[[str], object], value: str) -> None:
    """A shared value rule (contracts.values): its ValueError is INVALID_ARGUMENT."""
    try:
        rule(value)
    except ValueError as error:
        raise InvalidArgument(str(error)) from None


def _require_kind(principal: Principal, kind: str) -> None:
    allowed = KINDS.get(kind)
    if allowed is None:
        raise InvalidArgument(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    if principal.role not in allowed:
        names = ", ".join(r.value for r in allowed)
        raise PermissionDenied(f"a {kind} is made by {names}; you are {principal.role}")


def repeated_judgement(
    state: EvaluationState, principal: Principal, command: JudgeEvaluation
) -> EvaluationJudged | None:
    """The evaluation a retried call (same client-chosen id, same content) made
    before, or None when the id is new; the id with other content is ALREADY_EXISTS."""
    existing = state.judgement(command.evaluation_id)
    if existing is None:
        return None
    _require_kind(principal, command.kind)
    if (
        existing.kind != command.kind
        or existing.academic_year != command.academic_year
        or existing.term != command.term
        or existing.judgements != command.judgements
        or existing.evidence != [e.strip() for e in command.evidence if e.strip()]
        or existing.summary != command.summary.strip()
    ):
        raise AlreadyExists(
            f"evaluation {command.evaluation_id} already exists for academy "
            f"{command.academy_id} with other content"
        )
    return existing


def repeated_proposal(state: EvaluationState, command: ProposePhase) -> Proposal | None:
    """The proposal a retried call (same client-chosen id, same content) made before,
    whatever became of it since, or None when the id is new; the id with other
    content is ALREADY_EXISTS."""
    existing = state.proposals.get(command.proposal_id)
    if existing is None:
        return None
    if (
        existing.subject != command.subject
        or existing.proposed_phase != command.phase
        or existing.reason != command.reason.strip()
        or existing.review != command.review
    ):
        raise AlreadyExists(
            f"proposal {command.proposal_id} already exists for academy "
            f"{command.academy_id} with other content"
        )
    return existing


def decide_judge(
    academy: AcademyFacts | None,
    trust: TrustFramework,
    principal: Principal,
    command: JudgeEvaluation,
) -> list[EventPayload]:
    open_academy = require_open_academy(academy, command.academy_id)
    _require_kind(principal, command.kind)
    _value(values.academic_year_start, command.academic_year)
    _value(values.require_term, command.term)
    scheme = trust.framework.scheme
    if not command.judgements:
        raise InvalidArgument("an evaluation needs at least one judged area")
    for area_id, grade_id in command.judgements.items():
        area = scheme.area(area_id)
        if area is None:
            raise InvalidArgument(f"area {area_id!r} is not in {scheme.id}")
        if not area_applies(area, open_academy):
            raise InvalidArgument(
                f"area {area_id!r} does not apply to {open_academy.name} "
                f"({open_academy.phase_of_education})"
            )
        if scheme.grade(grade_id) is None:
            grades = ", ".join(g.id for g in scheme.grades)
            raise InvalidArgument(f"grade {grade_id!r} is not on {scheme.id} ({grades})")
    return [
        EvaluationJudged(
            trust_id=open_academy.trust_id,
            academy_id=open_academy.academy_id,
            evaluation_id=command.evaluation_id,
            kind=command.kind,
            academic_year=command.academic_year,
            term=command.term,
            scheme=scheme.id,
            judgements=dict(sorted(command.judgements.items())),
            evidence=[e.strip() for e in command.evidence if e.strip()],
            summary=_require_text(command.summary, "summary"),
            framework_version=trust.version,
        )
    ]


def decide_propose(
    academy: AcademyFacts | None,
    trust: TrustFramework,
    state: EvaluationState,
    command: ProposePhase,
) -> list[EventPayload]:
    open_academy = require_open_academy(academy, command.academy_id)
    framework = trust.framework
    if framework.phase(command.phase) is None:
        known = ", ".join(p.id for p in framework.phases)
        raise InvalidArgument(
            f"{framework.phase_label} {command.phase!r} is not in the framework ({known})"
        )
    if command.subject is not None and not framework.phases_per_subject:
        raise InvalidArgument("this trust's framework does not phase academies per subject")
    if command.review not in REVIEWS:
        raise InvalidArgument(f"review must be {' or '.join(REVIEWS)}, got {command.review!r}")
    if state.open_proposal(command.subject) is not None:
        raise FailedPrecondition(
            "a proposal for this academy"
            + (f" ({command.subject})" if command.subject else "")
            + " is already awaiting the board; withdraw it first"
        )
    current = state.phases.get(command.subject)
    if current == command.phase:
        raise FailedPrecondition(f"the academy is already in {command.phase}")
    return [
        PhaseProposed(
            trust_id=open_academy.trust_id,
            academy_id=open_academy.academy_id,
            proposal_id=command.proposal_id,
            subject=command.subject,
            current_phase=current,
            proposed_phase=command.phase,
            reason=_require_text(command.reason, "reason"),
            review=command.review,
            framework_version=trust.version,
        )
    ]


def _open_proposal(state: EvaluationState, proposal_id: str) -> Proposal:
    proposal = state.proposals.get(proposal_id)
    if proposal is None:
        raise NotFound(f"there is no proposal {proposal_id} for academy {state.academy_id}")
    if proposal.status != "open":
        raise FailedPrecondition(f"proposal {proposal_id} was already {proposal.status}")
    return proposal


def decide_confirm(
    academy: AcademyFacts | None,
    trust: TrustFramework,
    state: EvaluationState,
    principal: Principal,
    command: DecideProposal,
) -> list[EventPayload]:
    open_academy = require_open_academy(academy, command.academy_id)
    proposal = _open_proposal(state, command.proposal_id)
    if proposal.proposed_by.subject == principal.subject:
        raise PermissionDenied("the person who proposed a change cannot also confirm it")
    if trust.framework.phase(proposal.proposed_phase) is None:
        raise FailedPrecondition(
            f"{proposal.proposed_phase!r} is no longer in the trust's framework; withdraw the proposal"
        )
    return [
        PhaseChanged(
            trust_id=open_academy.trust_id,
            academy_id=open_academy.academy_id,
            proposal_id=proposal.proposal_id,
            subject=proposal.subject,
            old_phase=state.phases.get(proposal.subject),
            new_phase=proposal.proposed_phase,
            reason=proposal.reason,
            review=proposal.review,
            proposed_by=ActorRef(
                subject=proposal.proposed_by.subject, role=proposal.proposed_by.role
            ),
            confirmed_by=ActorRef(subject=principal.subject, role=principal.role.value),
            framework_version=trust.version,
        )
    ]


def decide_reject(
    state: EvaluationState, trust_id: str, command: DecideProposal
) -> list[EventPayload]:
    _open_proposal(state, command.proposal_id)
    return [
        PhaseProposalRejected(
            trust_id=trust_id,
            academy_id=command.academy_id,
            proposal_id=command.proposal_id,
            reason=_require_text(command.reason, "reason"),
        )
    ]


def decide_withdraw(
    state: EvaluationState, trust_id: str, command: DecideProposal
) -> list[EventPayload]:
    _open_proposal(state, command.proposal_id)
    return [
        PhaseProposalWithdrawn(
            trust_id=trust_id,
            academy_id=command.academy_id,
            proposal_id=command.proposal_id,
            reason=_require_text(command.reason, "reason"),
        )
    ]


def decide_concern(
    academy: AcademyFacts | None, academy_id: str, concern_id: str, text: str
) -> list[EventPayload]:
    open_academy = require_open_academy(academy, academy_id)
    _require_text(text, "the concern")
    return [
        ConcernRaised(trust_id=open_academy.trust_id, academy_id=academy_id, concern_id=concern_id)
    ]

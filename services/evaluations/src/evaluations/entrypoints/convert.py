"""Proto <-> domain for evaluations: one converter per type, in one place.

Requests become commands; what a handler decided becomes the reply. Actors
and times go through chassis.convert, as in every service.
"""

from __future__ import annotations

import datetime as dt

from chassis.convert import (
    actor_to_proto,
    date_from_proto,
    date_to_proto,
    optional_date_from_proto,
    time_to_proto,
)
from chassis.envelope import Actor
from contracts.evaluations.v1 import ActorRef, PhaseChanged
from trust.common.v1 import common_pb2
from trust.evaluations.v1 import evaluations_pb2 as pb

from evaluations.application.concerns import RaiseConcern
from evaluations.application.judgements import Judged
from evaluations.application.phases import SuggestionFor
from evaluations.application.ports import ConcernNote, OpenProposal
from evaluations.application.schemes import SchemeInForce
from evaluations.domain import decisions, intervention
from evaluations.domain.state import EvaluationState, Intervention, Proposal


def _text(value: str) -> str | None:
    """An optional text field (proto3 plain string): empty is None."""
    return value or None


def actor_ref_to_proto(ref: ActorRef) -> common_pb2.Actor | None:
    """An actor as an event payload names it (PhaseChanged's proposer and confirmer)."""
    return actor_to_proto(Actor(subject=ref.subject, role=ref.role))


# -- requests -> commands ------------------------------------------------------


def judge_from_proto(request: pb.JudgeEvaluationRequest) -> decisions.JudgeEvaluation:
    return decisions.JudgeEvaluation(
        academy_id=request.academy_id,
        evaluation_id=request.evaluation_id,
        kind=request.kind,
        academic_year=request.academic_year,
        term=request.term,
        judgements=dict(request.judgements),
        evidence=list(request.evidence),
        summary=request.summary,
    )


def propose_from_proto(request: pb.ProposePhaseRequest) -> decisions.ProposePhase:
    return decisions.ProposePhase(
        academy_id=request.academy_id,
        proposal_id=request.proposal_id,
        phase=request.phase,
        reason=request.reason,
        review=request.review or "annual",
        subject=_text(request.subject),
    )


def decide_from_proto(request: pb.DecideProposalRequest) -> decisions.DecideProposal:
    return decisions.DecideProposal(request.academy_id, request.proposal_id, request.reason)


def concern_from_proto(request: pb.RaiseConcernRequest) -> RaiseConcern:
    return RaiseConcern(request.academy_id, request.concern_id, request.text)


def start_intervention_from_proto(
    request: pb.StartFormalInterventionRequest,
) -> intervention.StartFormalIntervention:
    return intervention.StartFormalIntervention(
        academy_id=request.academy_id,
        intervention_id=request.intervention_id,
        reason=request.reason,
        notice=intervention.Notice(
            issued_on=date_from_proto(request.notice.issued_on, "notice.issued_on"),
            reference=request.notice.reference,
        ),
        started_on=optional_date_from_proto(request.started_on, "started_on"),
    )


def end_intervention_from_proto(
    request: pb.EndFormalInterventionRequest,
) -> intervention.EndFormalIntervention:
    return intervention.EndFormalIntervention(
        academy_id=request.academy_id,
        intervention_id=request.intervention_id,
        reason=request.reason,
        ended_on=optional_date_from_proto(request.ended_on, "ended_on"),
    )


# -- what was decided -> replies -----------------------------------------------


def evaluation_to_proto(judged: Judged) -> pb.Evaluation:
    event = judged.evaluation
    return pb.Evaluation(
        evaluation_id=event.evaluation_id,
        academy_id=event.academy_id,
        kind=event.kind,
        academic_year=event.academic_year,
        term=event.term,
        scheme=event.scheme,
        judgements=event.judgements,
        evidence=event.evidence,
        summary=event.summary,
        framework_version=event.framework_version,
        judged_by=actor_to_proto(judged.judged_by),
    )


def proposal_to_proto(
    proposal: Proposal, academy_name: str = "", proposed_at: dt.datetime | None = None
) -> pb.Proposal:
    return pb.Proposal(
        proposal_id=proposal.proposal_id,
        academy_id=proposal.academy_id,
        subject=proposal.subject or "",
        current_phase=proposal.current_phase or "",
        proposed_phase=proposal.proposed_phase,
        reason=proposal.reason,
        review=proposal.review,
        status=proposal.status,
        proposed_by=actor_to_proto(proposal.proposed_by),
        academy_name=academy_name,
        proposed_at=time_to_proto(proposed_at),
    )


def open_proposal_to_proto(found: OpenProposal) -> pb.Proposal:
    return proposal_to_proto(found.proposal, found.academy_name, found.proposed_at)


def change_to_proto(event: PhaseChanged) -> pb.PhaseChange:
    return pb.PhaseChange(
        academy_id=event.academy_id,
        proposal_id=event.proposal_id,
        subject=event.subject or "",
        old_phase=event.old_phase or "",
        new_phase=event.new_phase,
        reason=event.reason,
        review=event.review,
        proposed_by=actor_ref_to_proto(event.proposed_by),
        confirmed_by=actor_ref_to_proto(event.confirmed_by),
        framework_version=event.framework_version,
    )


def intervention_to_proto(found: Intervention) -> pb.FormalIntervention:
    started, ended = found.started, found.ended
    return pb.FormalIntervention(
        intervention_id=started.intervention_id,
        academy_id=started.academy_id,
        status="open" if ended is None else "ended",
        started_on=date_to_proto(started.started_on),
        reason=started.reason,
        notice=pb.WrittenNotice(
            issued_on=date_to_proto(started.notice.dated),
            reference=started.notice.reference,
            to_roles=started.notice.to_roles,
        ),
        started_by=actor_to_proto(found.started_by),
        ended_on=date_to_proto(found.ended_on),
        end_reason=ended.reason if ended is not None else "",
        ended_by=actor_to_proto(found.ended_by),
    )


def phase_record_to_proto(state: EvaluationState) -> pb.PhaseRecord:
    current = state.open_intervention()
    return pb.PhaseRecord(
        academy_id=state.academy_id,
        current=[pb.SubjectPhase(subject=s or "", phase=p) for s, p in state.phases.items()],
        history=[change_to_proto(c) for c in state.changes],
        open_proposals=[
            proposal_to_proto(p) for p in state.proposals.values() if p.status == "open"
        ],
        formal_intervention=intervention_to_proto(current) if current is not None else None,
        interventions=[intervention_to_proto(i) for i in state.interventions.values()],
    )


def suggestion_to_proto(found: SuggestionFor) -> pb.PhaseSuggestion:
    return pb.PhaseSuggestion(
        academy_id=found.academy_id,
        suggested_phase=found.suggestion.phase or "",
        reasons=found.suggestion.reasons,
        current_phase=found.current_phase or "",
    )


def concern_to_proto(note: ConcernNote) -> pb.Concern:
    return pb.Concern(
        concern_id=note.concern_id,
        academy_id=note.academy_id,
        text=note.text,
        raised_by=actor_to_proto(note.raised_by),
        raised_at=time_to_proto(note.raised_at),
    )


def scheme_to_proto(found: SchemeInForce) -> pb.JudgementScheme:
    scheme = found.trust.framework.scheme
    return pb.JudgementScheme(
        trust_id=found.trust.trust_id,
        framework_version=found.trust.version,
        scheme=scheme.id,
        name=scheme.name,
        in_force_from=scheme.in_force_from,
        areas=[
            pb.SchemeArea(area_id=a.id, name=a.name, applies=a.applies.value) for a in scheme.areas
        ],
        grades=[
            pb.SchemeGrade(grade_id=g.id, name=g.name, rank=g.rank, good_or_better=g.good_or_better)
            for g in sorted(scheme.grades, key=lambda g: g.rank)
        ],
        has_overall_grade=scheme.has_overall_grade,
        has_safeguarding_judgement=scheme.has_safeguarding_judgement,
        academies=[
            pb.AcademyAreas(
                academy_id=academy.academy_id,
                name=academy.name,
                phase_of_education=academy.phase_of_education,
                area_ids=[a.id for a in areas],
            )
            for academy, areas in found.academies
        ],
    )

"""gRPC API of evaluations: proto -> command -> use case -> proto."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc
from chassis.auth import current_principal
from chassis.correlation import correlation_id_from
from chassis.envelope import Actor
from chassis.paging import page_request
from contracts.evaluations.v1 import EvaluationJudged, PhaseChanged
from trust.common.v1 import common_pb2
from trust.evaluations.v1 import evaluations_pb2 as pb
from trust.evaluations.v1 import evaluations_pb2_grpc

from evaluations.adapters.facts_store import CONCERN_KEY
from evaluations.adapters.proposal_view import OPEN_PROPOSAL_KEY
from evaluations.application.service import READ_ROLES, EvaluationsService, SchemeInForce
from evaluations.domain import decisions
from evaluations.domain.state import Proposal

# Evaluations are listed in the order they were judged: the key is that position.
EVALUATION_KEY = (int,)

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["EvaluationsService"].full_name


def _actor(subject: str, role: str) -> common_pb2.Actor:
    return common_pb2.Actor(subject=subject, role=role)


def evaluation_to_proto(event: EvaluationJudged, judged_by: Actor | None) -> pb.Evaluation:
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
        judged_by=_actor(judged_by.subject, judged_by.role) if judged_by else None,
    )


def change_to_proto(event: PhaseChanged) -> pb.PhaseChange:
    return pb.PhaseChange(
        academy_id=event.academy_id,
        proposal_id=event.proposal_id,
        subject=event.subject or "",
        old_phase=event.old_phase or "",
        new_phase=event.new_phase,
        reason=event.reason,
        review=event.review,
        proposed_by=_actor(event.proposed_by.subject, event.proposed_by.role),
        confirmed_by=_actor(event.confirmed_by.subject, event.confirmed_by.role),
        framework_version=event.framework_version,
    )


def concern_to_proto(row: Any) -> pb.Concern:
    return pb.Concern(
        concern_id=row["concern_id"],
        academy_id=row["academy_id"],
        text=row["text"],
        raised_by=_actor(row["raised_by"], row["raised_by_role"]),
        raised_at=row["raised_at"].isoformat(),
    )


def open_proposal_to_proto(row: Any) -> pb.Proposal:
    return pb.Proposal(
        proposal_id=row["proposal_id"],
        academy_id=row["academy_id"],
        subject=row["subject"] or "",
        current_phase=row["current_phase"] or "",
        proposed_phase=row["proposed_phase"],
        reason=row["reason"],
        review=row["review"],
        status=row["status"],
        proposed_by=_actor(row["proposed_by"], row["proposed_by_role"]),
        academy_name=row["academy_name"],
        proposed_at=row["proposed_at"].isoformat(),
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


def proposal_to_proto(academy_id: str, proposal: Proposal) -> pb.Proposal:
    return pb.Proposal(
        proposal_id=proposal.proposal_id,
        academy_id=academy_id,
        subject=proposal.subject or "",
        current_phase=proposal.current_phase or "",
        proposed_phase=proposal.proposed_phase,
        reason=proposal.reason,
        review=proposal.review,
        status=proposal.status,
        proposed_by=_actor(proposal.proposed_by.subject, proposal.proposed_by.role),
    )


class EvaluationsServicer(evaluations_pb2_grpc.EvaluationsServiceServicer):
    def __init__(self, service: EvaluationsService) -> None:
        self._service = service

    async def JudgeEvaluation(
        self, request: pb.JudgeEvaluationRequest, context: grpc.aio.ServicerContext
    ) -> pb.Evaluation:
        judged, judged_by = await self._service.judge(
            current_principal(),
            decisions.JudgeEvaluation(
                academy_id=request.academy_id,
                evaluation_id=request.evaluation_id,
                kind=request.kind,
                academic_year=request.academic_year,
                term=request.term,
                judgements=dict(request.judgements),
                evidence=list(request.evidence),
                summary=request.summary,
            ),
            correlation_id_from(context),
        )
        return evaluation_to_proto(judged, judged_by)

    async def ListEvaluations(
        self, request: pb.ListEvaluationsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListEvaluationsResponse:
        page = page_request(request.page_size, request.page_token, EVALUATION_KEY)
        state = await self._service.record(
            current_principal(), request.academy_id, READ_ROLES, "reading evaluations"
        )
        chosen = [
            (position, j)
            for position, j in enumerate(state.judgements)
            if (not request.academic_year or j.academic_year == request.academic_year)
            and (not request.kind or j.kind == request.kind)
        ]
        shown, next_token = page.select(chosen, key=lambda found: (found[0],))
        return pb.ListEvaluationsResponse(
            evaluations=[
                evaluation_to_proto(j, state.judged_by.get(j.evaluation_id)) for _, j in shown
            ],
            next_page_token=next_token,
        )

    async def ProposePhase(
        self, request: pb.ProposePhaseRequest, context: grpc.aio.ServicerContext
    ) -> pb.Proposal:
        proposal = await self._service.propose(
            current_principal(),
            decisions.ProposePhase(
                academy_id=request.academy_id,
                proposal_id=request.proposal_id,
                phase=request.phase,
                reason=request.reason,
                review=request.review or "annual",
                subject=request.subject or None,
            ),
            correlation_id_from(context),
        )
        return proposal_to_proto(request.academy_id, proposal)

    async def ConfirmPhase(
        self, request: pb.DecideProposalRequest, context: grpc.aio.ServicerContext
    ) -> pb.PhaseChange:
        event = await self._service.confirm(
            current_principal(), _decide(request), correlation_id_from(context)
        )
        assert isinstance(event, PhaseChanged)
        return change_to_proto(event)

    async def RejectProposal(
        self, request: pb.DecideProposalRequest, context: grpc.aio.ServicerContext
    ) -> pb.Proposal:
        await self._service.reject(
            current_principal(), _decide(request), correlation_id_from(context)
        )
        return pb.Proposal(
            proposal_id=request.proposal_id, academy_id=request.academy_id, status="rejected"
        )

    async def WithdrawProposal(
        self, request: pb.DecideProposalRequest, context: grpc.aio.ServicerContext
    ) -> pb.Proposal:
        await self._service.withdraw(
            current_principal(), _decide(request), correlation_id_from(context)
        )
        return pb.Proposal(
            proposal_id=request.proposal_id, academy_id=request.academy_id, status="withdrawn"
        )

    async def GetPhase(
        self, request: pb.GetPhaseRequest, context: grpc.aio.ServicerContext
    ) -> pb.PhaseRecord:
        state = await self._service.record(
            current_principal(), request.academy_id, READ_ROLES, "reading phases"
        )
        return pb.PhaseRecord(
            academy_id=request.academy_id,
            current=[pb.SubjectPhase(subject=s or "", phase=p) for s, p in state.phases.items()],
            history=[change_to_proto(c) for c in state.changes],
            open_proposals=[
                proposal_to_proto(request.academy_id, p)
                for p in state.proposals.values()
                if p.status == "open"
            ],
        )

    async def GetPhaseSuggestion(
        self, request: pb.GetPhaseRequest, context: grpc.aio.ServicerContext
    ) -> pb.PhaseSuggestion:
        suggestion, state = await self._service.suggestion(current_principal(), request.academy_id)
        return pb.PhaseSuggestion(
            academy_id=request.academy_id,
            suggested_phase=suggestion.phase or "",
            reasons=suggestion.reasons,
            current_phase=state.phases.get(None, ""),
        )

    async def RaiseConcern(
        self, request: pb.RaiseConcernRequest, context: grpc.aio.ServicerContext
    ) -> pb.Concern:
        row = await self._service.raise_concern(
            current_principal(),
            request.academy_id,
            request.text,
            request.concern_id,
            correlation_id_from(context),
        )
        return concern_to_proto(row)

    async def ListConcerns(
        self, request: pb.ListConcernsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListConcernsResponse:
        page = page_request(request.page_size, request.page_token, CONCERN_KEY)
        rows, next_token = await self._service.concerns(
            current_principal(), request.academy_id, page
        )
        return pb.ListConcernsResponse(
            concerns=[concern_to_proto(r) for r in rows], next_page_token=next_token
        )

    async def ListOpenProposals(
        self, request: pb.ListOpenProposalsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListOpenProposalsResponse:
        page = page_request(request.page_size, request.page_token, OPEN_PROPOSAL_KEY)
        rows, next_token = await self._service.open_proposals(
            current_principal(), request.trust_id, page
        )
        return pb.ListOpenProposalsResponse(
            proposals=[open_proposal_to_proto(r) for r in rows], next_page_token=next_token
        )

    async def GetJudgementScheme(
        self, request: pb.GetJudgementSchemeRequest, context: grpc.aio.ServicerContext
    ) -> pb.JudgementScheme:
        found = await self._service.judgement_scheme(
            current_principal(), request.trust_id, request.academy_id
        )
        return scheme_to_proto(found)


def _decide(request: pb.DecideProposalRequest) -> decisions.DecideProposal:
    return decisions.DecideProposal(request.academy_id, request.proposal_id, request.reason)


def registration(service: EvaluationsService) -> Callable[[grpc.aio.Server], None]:
    def register(server: grpc.aio.Server) -> None:
        evaluations_pb2_grpc.add_EvaluationsServiceServicer_to_server(
            EvaluationsServicer(service), server
        )

    return register

"""gRPC API of evaluations: proto -> command -> handler -> proto.

Who may call what is ``entrypoints/access.py`` (the bootstrap checks the role
first); conversions are ``entrypoints/convert.py``; the rules are the handlers'.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import grpc
from chassis import clock
from chassis.aggregate import EventStore
from chassis.auth import Principal, current_principal
from chassis.correlation import correlation_id_from
from chassis.envelope import CausationContext
from chassis.paging import page_request
from trust.evaluations.v1 import evaluations_pb2 as pb
from trust.evaluations.v1 import evaluations_pb2_grpc

from evaluations.application import concerns, interventions, judgements, phases, schemes
from evaluations.application.ports import (
    CONCERN_KEY,
    OPEN_PROPOSAL_KEY,
    AcademyFactsPort,
    ConcernsPort,
    LatestDataPort,
    ProposalViewPort,
    TrustFrameworksPort,
)
from evaluations.domain.intervention import england_date
from evaluations.entrypoints import convert

C = TypeVar("C")
R = TypeVar("R")
PhaseWrite = Callable[
    [
        EventStore,
        AcademyFactsPort,
        TrustFrameworksPort,
        ProposalViewPort,
        Principal,
        C,
        CausationContext,
    ],
    Awaitable[R],
]


def utc_now() -> dt.datetime:
    return clock.now()


@dataclass(frozen=True)
class Dependencies:
    """What the handlers are given: the event store, the read-table ports, a clock."""

    store: EventStore
    academies: AcademyFactsPort
    frameworks: TrustFrameworksPort
    data: LatestDataPort
    concerns: ConcernsPort
    view: ProposalViewPort
    clock: Callable[[], dt.datetime] = utc_now


def _cause(context: grpc.aio.ServicerContext) -> CausationContext:
    return CausationContext(current_principal().actor, correlation_id_from(context))


class EvaluationsServicer(evaluations_pb2_grpc.EvaluationsServiceServicer):
    def __init__(self, deps: Dependencies) -> None:
        self._d = deps

    async def _phase(
        self, handler: PhaseWrite[C, R], command: C, context: grpc.aio.ServicerContext
    ) -> R:
        """A phase decision: it also keeps the proposal view (the inbox) in step."""
        d = self._d
        return await handler(
            d.store,
            d.academies,
            d.frameworks,
            d.view,
            current_principal(),
            command,
            _cause(context),
        )

    async def JudgeEvaluation(
        self, request: pb.JudgeEvaluationRequest, context: grpc.aio.ServicerContext
    ) -> pb.Evaluation:
        d = self._d
        judged = await judgements.judge(
            d.store,
            d.academies,
            d.frameworks,
            current_principal(),
            convert.judge_from_proto(request),
            _cause(context),
        )
        return convert.evaluation_to_proto(judged)

    async def ListEvaluations(
        self, request: pb.ListEvaluationsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListEvaluationsResponse:
        d = self._d
        page = page_request(request.page_size, request.page_token, judgements.EVALUATION_KEY)
        shown, next_token = await judgements.list_evaluations(
            d.store,
            d.academies,
            d.frameworks,
            current_principal(),
            request.academy_id,
            page,
            academic_year=request.academic_year,
            kind=request.kind,
        )
        return pb.ListEvaluationsResponse(
            evaluations=[convert.evaluation_to_proto(j) for j in shown],
            next_page_token=next_token,
        )

    async def ProposePhase(
        self, request: pb.ProposePhaseRequest, context: grpc.aio.ServicerContext
    ) -> pb.Proposal:
        proposal = await self._phase(phases.propose, convert.propose_from_proto(request), context)
        return convert.proposal_to_proto(proposal)

    async def ConfirmPhase(
        self, request: pb.DecideProposalRequest, context: grpc.aio.ServicerContext
    ) -> pb.PhaseChange:
        change = await self._phase(phases.confirm, convert.decide_from_proto(request), context)
        return convert.change_to_proto(change)

    async def RejectProposal(
        self, request: pb.DecideProposalRequest, context: grpc.aio.ServicerContext
    ) -> pb.Proposal:
        proposal = await self._phase(phases.reject, convert.decide_from_proto(request), context)
        return convert.proposal_to_proto(proposal)

    async def WithdrawProposal(
        self, request: pb.DecideProposalRequest, context: grpc.aio.ServicerContext
    ) -> pb.Proposal:
        proposal = await self._phase(phases.withdraw, convert.decide_from_proto(request), context)
        return convert.proposal_to_proto(proposal)

    async def GetPhase(
        self, request: pb.GetPhaseRequest, context: grpc.aio.ServicerContext
    ) -> pb.PhaseRecord:
        d = self._d
        record = await phases.get_phase(
            d.store, d.academies, d.frameworks, current_principal(), request.academy_id
        )
        return convert.phase_record_to_proto(record)

    async def GetPhaseSuggestion(
        self, request: pb.GetPhaseRequest, context: grpc.aio.ServicerContext
    ) -> pb.PhaseSuggestion:
        d = self._d
        found = await phases.suggestion(
            d.store, d.academies, d.frameworks, d.data, current_principal(), request.academy_id
        )
        return convert.suggestion_to_proto(found)

    async def RaiseConcern(
        self, request: pb.RaiseConcernRequest, context: grpc.aio.ServicerContext
    ) -> pb.Concern:
        d = self._d
        note = await concerns.raise_concern(
            d.store,
            d.academies,
            d.frameworks,
            d.concerns,
            current_principal(),
            convert.concern_from_proto(request),
            d.clock(),
            _cause(context),
        )
        return convert.concern_to_proto(note)

    async def ListConcerns(
        self, request: pb.ListConcernsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListConcernsResponse:
        d = self._d
        page = page_request(request.page_size, request.page_token, CONCERN_KEY)
        notes, next_token = await concerns.list_concerns(
            d.academies, d.frameworks, d.concerns, current_principal(), request.academy_id, page
        )
        return pb.ListConcernsResponse(
            concerns=[convert.concern_to_proto(n) for n in notes], next_page_token=next_token
        )

    async def ListOpenProposals(
        self, request: pb.ListOpenProposalsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListOpenProposalsResponse:
        page = page_request(request.page_size, request.page_token, OPEN_PROPOSAL_KEY)
        found, next_token = await phases.open_proposals(
            self._d.view, current_principal(), request.trust_id, page
        )
        return pb.ListOpenProposalsResponse(
            proposals=[convert.open_proposal_to_proto(p) for p in found],
            next_page_token=next_token,
        )

    async def GetJudgementScheme(
        self, request: pb.GetJudgementSchemeRequest, context: grpc.aio.ServicerContext
    ) -> pb.JudgementScheme:
        d = self._d
        found = await schemes.judgement_scheme(
            d.academies, d.frameworks, current_principal(), request.trust_id, request.academy_id
        )
        return convert.scheme_to_proto(found)

    async def StartFormalIntervention(
        self, request: pb.StartFormalInterventionRequest, context: grpc.aio.ServicerContext
    ) -> pb.FormalIntervention:
        d = self._d
        started = await interventions.start(
            d.store,
            d.academies,
            d.frameworks,
            current_principal(),
            convert.start_intervention_from_proto(request),
            england_date(d.clock()),
            _cause(context),
        )
        return convert.intervention_to_proto(started)

    async def EndFormalIntervention(
        self, request: pb.EndFormalInterventionRequest, context: grpc.aio.ServicerContext
    ) -> pb.FormalIntervention:
        d = self._d
        ended = await interventions.end(
            d.store,
            d.academies,
            d.frameworks,
            current_principal(),
            convert.end_intervention_from_proto(request),
            england_date(d.clock()),
            _cause(context),
        )
        return convert.intervention_to_proto(ended)


def registration(deps: Dependencies) -> Callable[[grpc.aio.Server], None]:
    def register(server: grpc.aio.Server) -> None:
        evaluations_pb2_grpc.add_EvaluationsServiceServicer_to_server(
            EvaluationsServicer(deps), server
        )

    return register

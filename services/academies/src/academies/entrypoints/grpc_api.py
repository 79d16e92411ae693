"""gRPC API of the academies service: convert in, call the handler, convert out.

Roles are checked by the gRPC bootstrap against application/access.py before
a method runs; the handlers check the scope with the same table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import grpc
from chassis import clock
from chassis.aggregate import EventStore
from chassis.auth import current_principal
from chassis.correlation import asking
from chassis.paging import page_request
from trust.academies.v1 import academies_pb2 as pb
from trust.academies.v1 import academies_pb2_grpc
from trust_frameworks.model import Framework

from academies.application import inspections, planning, register, submissions, trust
from academies.application.ports import (
    ACADEMY_KEY,
    SLOT_KEY,
    AcademyList,
    SubmissionIndex,
    UrnClaims,
)
from academies.entrypoints.convert.records import (
    as_of_from_proto,
    correct_from_proto,
    inspection_from_proto,
    inspection_to_proto,
    inspections_to_proto,
    plan_from_proto,
    plan_history_to_proto,
    plan_to_proto,
    returns_to_proto,
    statement_from_proto,
    statement_to_proto,
    submission_to_proto,
    submissions_to_proto,
    submit_from_proto,
)
from academies.entrypoints.convert.register import (
    academies_to_proto,
    academy_to_proto,
    caller_to_proto,
    change_framework_from_proto,
    create_trust_from_proto,
    details_from_proto,
    left_from_proto,
    register_from_proto,
    trust_to_proto,
)

Context = grpc.aio.ServicerContext


@dataclass(frozen=True)
class Dependencies:
    store: EventStore
    presets: Mapping[str, Framework]  # the framework presets a trust may be created on
    urns: UrnClaims
    academies: AcademyList
    submissions: SubmissionIndex
    today: Callable[[], dt.date] = clock.today


class AcademiesServicer(academies_pb2_grpc.AcademiesServiceServicer):
    def __init__(self, deps: Dependencies) -> None:
        self.d = deps

    # -- trusts ---------------------------------------------------------------------

    async def CreateTrust(self, request: pb.CreateTrustRequest, context: Context) -> pb.Trust:
        command = create_trust_from_proto(request)
        principal, cause = asking(context)
        decided = await trust.create_trust(self.d.store, self.d.presets, principal, command, cause)
        return trust_to_proto(decided)

    async def GetTrust(self, request: pb.GetTrustRequest, context: Context) -> pb.Trust:
        found = await trust.get_trust(self.d.store, current_principal(), request.trust_id)
        return trust_to_proto(found)

    async def ChangeFramework(
        self, request: pb.ChangeFrameworkRequest, context: Context
    ) -> pb.Trust:
        command = change_framework_from_proto(request)
        principal, cause = asking(context)
        decided = await trust.change_framework(self.d.store, principal, command, cause)
        return trust_to_proto(decided)

    # -- the register ---------------------------------------------------------------

    async def RegisterAcademy(
        self, request: pb.RegisterAcademyRequest, context: Context
    ) -> pb.Academy:
        command = register_from_proto(request)
        principal, cause = asking(context)
        d = self.d
        decided = await register.register_academy(
            d.store, d.academies, d.urns, principal, command, cause
        )
        return academy_to_proto(decided)

    async def ChangeAcademyDetails(
        self, request: pb.ChangeAcademyDetailsRequest, context: Context
    ) -> pb.Academy:
        command = details_from_proto(request)
        principal, cause = asking(context)
        decided = await register.change_details(
            self.d.store, self.d.academies, principal, command, cause
        )
        return academy_to_proto(decided)

    async def RecordAcademyLeft(
        self, request: pb.RecordAcademyLeftRequest, context: Context
    ) -> pb.Academy:
        command = left_from_proto(request)
        principal, cause = asking(context)
        d = self.d
        decided = await register.record_left(
            d.store, d.academies, d.urns, principal, command, cause
        )
        return academy_to_proto(decided)

    async def GetAcademy(self, request: pb.GetAcademyRequest, context: Context) -> pb.Academy:
        found = await register.get_academy(self.d.store, current_principal(), request.academy_id)
        return academy_to_proto(found)

    async def ListAcademies(
        self, request: pb.ListAcademiesRequest, context: Context
    ) -> pb.ListAcademiesResponse:
        page = page_request(request.page_size, request.page_token, ACADEMY_KEY)
        found = await register.list_academies(
            self.d.academies, current_principal(), request.trust_id, request.include_left, page
        )
        return academies_to_proto(found)

    async def WhoAmI(self, request: pb.WhoAmIRequest, context: Context) -> pb.WhoAmIResponse:
        caller = await register.who_am_i(self.d.store, self.d.academies, current_principal())
        return caller_to_proto(caller)

    # -- submissions and returns ----------------------------------------------------

    async def SubmitData(self, request: pb.SubmitDataRequest, context: Context) -> pb.Submission:
        command = submit_from_proto(request)
        principal, cause = asking(context)
        decided = await submissions.submit_data(
            self.d.store, self.d.submissions, principal, command, cause
        )
        return submission_to_proto(decided)

    async def CorrectSubmission(
        self, request: pb.CorrectSubmissionRequest, context: Context
    ) -> pb.Submission:
        command = correct_from_proto(request)
        principal, cause = asking(context)
        decided = await submissions.correct_submission(self.d.store, principal, command, cause)
        return submission_to_proto(decided)

    async def GetSubmission(
        self, request: pb.GetSubmissionRequest, context: Context
    ) -> pb.Submission:
        found = await submissions.get_submission(
            self.d.store, current_principal(), request.academy_id, request.submission_id
        )
        return submission_to_proto(found)

    async def ListSubmissions(
        self, request: pb.ListSubmissionsRequest, context: Context
    ) -> pb.ListSubmissionsResponse:
        page = page_request(request.page_size, request.page_token, SLOT_KEY)
        year = request.academic_year or None
        found = await submissions.list_submissions(
            self.d.store, self.d.submissions, current_principal(), request.academy_id, year, page
        )
        return submissions_to_proto(found)

    async def GetReturnsStatus(
        self, request: pb.GetReturnsStatusRequest, context: Context
    ) -> pb.ReturnsStatus:
        as_of = as_of_from_proto(request, self.d.today())
        status = await submissions.returns_status(
            self.d.store, self.d.submissions, current_principal(), request.academy_id, as_of
        )
        return returns_to_proto(status)

    # -- inspections ----------------------------------------------------------------

    async def RecordInspection(
        self, request: pb.RecordInspectionRequest, context: Context
    ) -> pb.Inspection:
        command = inspection_from_proto(request, self.d.today())
        principal, cause = asking(context)
        decided = await inspections.record_inspection(
            self.d.store, self.d.academies, principal, command, cause
        )
        return inspection_to_proto(decided)

    async def ListInspections(
        self, request: pb.ListInspectionsRequest, context: Context
    ) -> pb.ListInspectionsResponse:
        page = page_request(request.page_size, request.page_token, inspections.INSPECTION_KEY)
        found = await inspections.list_inspections(
            self.d.store, current_principal(), request.academy_id, page
        )
        return inspections_to_proto(found)

    # -- plans and self-evaluations -------------------------------------------------

    async def SubmitImprovementPlan(
        self, request: pb.SubmitImprovementPlanRequest, context: Context
    ) -> pb.ImprovementPlan:
        command = plan_from_proto(request)
        principal, cause = asking(context)
        decided = await planning.submit_plan(self.d.store, principal, command, cause)
        return plan_to_proto(decided)

    async def GetImprovementPlan(
        self, request: pb.GetImprovementPlanRequest, context: Context
    ) -> pb.ImprovementPlanHistory:
        found = await planning.plan_history(
            self.d.store, current_principal(), request.academy_id, request.academic_year
        )
        return plan_history_to_proto(found)

    async def SubmitSelfEvaluation(
        self, request: pb.SubmitSelfEvaluationRequest, context: Context
    ) -> pb.SelfEvaluation:
        command = statement_from_proto(request)
        principal, cause = asking(context)
        decided = await planning.submit_self_evaluation(self.d.store, principal, command, cause)
        return statement_to_proto(decided)


def registration(deps: Dependencies) -> Callable[[grpc.aio.Server], None]:
    def register_servicer(server: grpc.aio.Server) -> None:
        academies_pb2_grpc.add_AcademiesServiceServicer_to_server(AcademiesServicer(deps), server)

    return register_servicer

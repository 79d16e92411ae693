"""gRPC API of the academies service: proto -> command -> use case -> proto."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import grpc
import yaml
from chassis.auth import current_principal
from chassis.correlation import correlation_id_from
from chassis.envelope import Actor, EventEnvelope
from chassis.errors import InvalidArgument
from chassis.paging import page_request
from contracts.academies.v1 import (
    DataValues,
    ImprovementPlanSubmitted,
    InspectionRecorded,
    Milestone,
    Period,
    Priority,
    SelfEvaluationSubmitted,
    SuccessCriterion,
)
from google.protobuf.message import Message
from trust.academies.v1 import academies_pb2 as pb
from trust.academies.v1 import academies_pb2_grpc
from trust.common.v1 import common_pb2

from academies.adapters.views import ACADEMY_KEY, SUBMISSION_KEY
from academies.application.service import INSPECTION_KEY, AcademiesService, Caller
from academies.domain.academy import (
    AcademyState,
    ChangeAcademyDetails,
    RecordAcademyLeft,
    RegisterAcademy,
)
from academies.domain.inspection import RecordInspection
from academies.domain.planning import SubmitImprovementPlan, SubmitSelfEvaluation
from academies.domain.submission import CorrectSubmission, SubmissionState, SubmitData
from academies.domain.trust import ChangeFramework, CreateTrust, TrustState
from academies.domain.values import require_date

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["AcademiesService"].full_name


def _optional(message: Message, field: str) -> object | None:
    return getattr(message, field) if message.HasField(field) else None


def values_from_proto(values: pb.DataValues) -> DataValues:
    try:
        return DataValues(
            kpis=dict(values.kpis),
            attendance_percent=_optional(values, "attendance_percent"),  # type: ignore[arg-type]
            progress8_score=_optional(values, "progress8_score"),  # type: ignore[arg-type]
            progress8_band=values.progress8_band or None,
        )
    except ValueError as error:
        raise InvalidArgument(f"values are malformed: {error}") from error


def values_to_proto(values: DataValues) -> pb.DataValues:
    message = pb.DataValues(kpis=values.kpis, progress8_band=values.progress8_band or "")
    if values.attendance_percent is not None:
        message.attendance_percent = values.attendance_percent
    if values.progress8_score is not None:
        message.progress8_score = values.progress8_score
    return message


def period_from_proto(period: pb.Period) -> Period:
    return Period(academic_year=period.academic_year, term=period.term, half_term=period.half_term)


def academy_to_proto(state: AcademyState) -> pb.Academy:
    return pb.Academy(
        academy_id=state.academy_id,
        trust_id=state.trust_id,
        urn=state.urn,
        name=state.name,
        phase_of_education=state.phase_of_education,
        local_authority=state.local_authority,
        date_joined=state.date_joined.isoformat(),
        new_to_trust=state.new_to_trust,
        status="open" if state.is_open else "left",
        date_left=state.date_left.isoformat() if state.date_left else "",
        version=state.version,
    )


def _actor(actor: Actor | None) -> common_pb2.Actor | None:
    return common_pb2.Actor(subject=actor.subject, role=actor.role) if actor else None


def trust_to_proto(state: TrustState) -> pb.Trust:
    framework = state.framework
    return pb.Trust(
        trust_id=state.trust_id,
        name=state.name,
        framework=framework.id if framework else "",
        created_by=_actor(state.created_by),
        framework_version=state.framework_version,
        based_on_preset=state.based_on_preset,
        framework_json=framework.model_dump_json() if framework else "",
    )


def caller_to_proto(caller: Caller) -> pb.WhoAmIResponse:
    return pb.WhoAmIResponse(
        subject=caller.principal.subject,
        role=caller.principal.role.value,
        trust_id=caller.principal.trust_id,
        trust_name=caller.trust.name if caller.trust else "",
        trust_wide=caller.trust_wide,
        academies=[
            pb.AcademySummary(
                academy_id=a.academy_id,
                name=a.name,
                urn=a.urn,
                phase_of_education=a.phase_of_education,
            )
            for a in caller.academies
        ],
    )


def submission_to_proto(state: SubmissionState) -> pb.Submission:
    return pb.Submission(
        submission_id=state.submission_id,
        academy_id=state.academy_id,
        period=pb.Period(
            academic_year=state.period.academic_year,
            term=state.period.term,
            half_term=state.period.half_term,
        ),
        return_type=state.return_type,
        effective=values_to_proto(state.effective),
        history=[
            pb.SubmissionVersion(
                revision=revision.revision,
                values=values_to_proto(revision.values),
                recorded_by=common_pb2.Actor(
                    subject=revision.recorded_by.subject, role=revision.recorded_by.role
                ),
                recorded_at=revision.recorded_at.isoformat(),
                reason=revision.reason,
            )
            for revision in state.revisions
        ],
    )


class AcademiesServicer(academies_pb2_grpc.AcademiesServiceServicer):
    def __init__(self, service: AcademiesService) -> None:
        self._service = service

    async def CreateTrust(
        self, request: pb.CreateTrustRequest, context: grpc.aio.ServicerContext
    ) -> pb.Trust:
        state = await self._service.create_trust(
            current_principal(),
            CreateTrust(request.trust_id, request.name, request.framework),
            correlation_id_from(context),
        )
        return trust_to_proto(state)

    async def GetTrust(
        self, request: pb.GetTrustRequest, context: grpc.aio.ServicerContext
    ) -> pb.Trust:
        return trust_to_proto(await self._service.get_trust(current_principal(), request.trust_id))

    async def ChangeFramework(
        self, request: pb.ChangeFrameworkRequest, context: grpc.aio.ServicerContext
    ) -> pb.Trust:
        try:
            document = yaml.safe_load(request.framework_yaml)
        except yaml.YAMLError as error:
            raise InvalidArgument(f"framework_yaml is not valid YAML: {error}") from error
        state = await self._service.change_framework(
            current_principal(),
            ChangeFramework(request.trust_id, document),
            correlation_id_from(context),
        )
        return trust_to_proto(state)

    async def RegisterAcademy(
        self, request: pb.RegisterAcademyRequest, context: grpc.aio.ServicerContext
    ) -> pb.Academy:
        command = RegisterAcademy(
            trust_id=request.trust_id,
            academy_id=request.academy_id,
            urn=request.urn,
            name=request.name,
            phase_of_education=request.phase_of_education,
            local_authority=request.local_authority,
            date_joined=request.date_joined,
            new_to_trust=request.new_to_trust,
        )
        state = await self._service.register_academy(
            current_principal(), command, correlation_id_from(context)
        )
        return academy_to_proto(state)

    async def ChangeAcademyDetails(
        self, request: pb.ChangeAcademyDetailsRequest, context: grpc.aio.ServicerContext
    ) -> pb.Academy:
        command = ChangeAcademyDetails(
            academy_id=request.academy_id,
            name=_optional(request, "name"),  # type: ignore[arg-type]
            phase_of_education=_optional(request, "phase_of_education"),  # type: ignore[arg-type]
            local_authority=_optional(request, "local_authority"),  # type: ignore[arg-type]
            new_to_trust=_optional(request, "new_to_trust"),  # type: ignore[arg-type]
        )
        state = await self._service.change_details(
            current_principal(), command, correlation_id_from(context)
        )
        return academy_to_proto(state)

    async def RecordAcademyLeft(
        self, request: pb.RecordAcademyLeftRequest, context: grpc.aio.ServicerContext
    ) -> pb.Academy:
        state = await self._service.record_left(
            current_principal(),
            RecordAcademyLeft(request.academy_id, request.date_left, request.reason),
            correlation_id_from(context),
        )
        return academy_to_proto(state)

    async def GetAcademy(
        self, request: pb.GetAcademyRequest, context: grpc.aio.ServicerContext
    ) -> pb.Academy:
        return academy_to_proto(
            await self._service.get_academy(current_principal(), request.academy_id)
        )

    async def ListAcademies(
        self, request: pb.ListAcademiesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListAcademiesResponse:
        page = page_request(request.page_size, request.page_token, ACADEMY_KEY)
        academies, next_token = await self._service.list_academies(
            current_principal(), request.trust_id, request.include_left, page
        )
        return pb.ListAcademiesResponse(
            academies=[academy_to_proto(a) for a in academies], next_page_token=next_token
        )

    async def WhoAmI(
        self, request: pb.WhoAmIRequest, context: grpc.aio.ServicerContext
    ) -> pb.WhoAmIResponse:
        return caller_to_proto(await self._service.who_am_i(current_principal()))

    async def SubmitData(
        self, request: pb.SubmitDataRequest, context: grpc.aio.ServicerContext
    ) -> pb.Submission:
        command = SubmitData(
            academy_id=request.academy_id,
            submission_id=request.submission_id,
            period=period_from_proto(request.period),
            return_type=request.return_type,
            values=values_from_proto(request.values),
        )
        state = await self._service.submit_data(
            current_principal(), command, correlation_id_from(context)
        )
        return submission_to_proto(state)

    async def CorrectSubmission(
        self, request: pb.CorrectSubmissionRequest, context: grpc.aio.ServicerContext
    ) -> pb.Submission:
        command = CorrectSubmission(
            academy_id=request.academy_id,
            submission_id=request.submission_id,
            values=values_from_proto(request.values),
            reason=request.reason,
        )
        state = await self._service.correct_submission(
            current_principal(), command, correlation_id_from(context)
        )
        return submission_to_proto(state)

    async def GetSubmission(
        self, request: pb.GetSubmissionRequest, context: grpc.aio.ServicerContext
    ) -> pb.Submission:
        state = await self._service.get_submission(
            current_principal(), request.academy_id, request.submission_id
        )
        return submission_to_proto(state)

    async def RecordInspection(
        self, request: pb.RecordInspectionRequest, context: grpc.aio.ServicerContext
    ) -> pb.Inspection:
        principal = current_principal()
        command = RecordInspection(
            academy_id=request.academy_id,
            inspection_date=request.inspection_date,
            scheme=request.scheme,
            grades=dict(request.grades),
            safeguarding=request.safeguarding,
            today=dt.date.today(),
        )
        event = await self._service.record_inspection(
            principal, command, correlation_id_from(context)
        )
        return inspection_to_proto(event, principal.actor)

    async def ListInspections(
        self, request: pb.ListInspectionsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListInspectionsResponse:
        page = page_request(request.page_size, request.page_token, INSPECTION_KEY)
        found, next_token = await self._service.list_inspections(
            current_principal(), request.academy_id, page
        )
        return pb.ListInspectionsResponse(
            inspections=[inspection_to_proto(event, envelope.actor) for event, envelope in found],
            next_page_token=next_token,
        )

    async def GetReturnsStatus(
        self, request: pb.GetReturnsStatusRequest, context: grpc.aio.ServicerContext
    ) -> pb.ReturnsStatus:
        as_of = require_date(request.as_of, "as_of") if request.as_of else dt.date.today()
        due, version = await self._service.returns_status(
            current_principal(), request.academy_id, as_of
        )
        return pb.ReturnsStatus(
            academy_id=request.academy_id,
            as_of=as_of.isoformat(),
            framework_version=version,
            returns=[
                pb.DueReturn(
                    return_type=r.return_type,
                    period=pb.Period(
                        academic_year=r.academic_year, term=r.term, half_term=r.half_term
                    ),
                    due_on=r.due_on.isoformat(),
                    status=r.status.value,
                    submitted_on=r.submitted_on.isoformat() if r.submitted_on else "",
                )
                for r in due
            ],
        )

    async def SubmitImprovementPlan(
        self, request: pb.SubmitImprovementPlanRequest, context: grpc.aio.ServicerContext
    ) -> pb.ImprovementPlan:
        command = SubmitImprovementPlan(
            academy_id=request.academy_id,
            academic_year=request.academic_year,
            priorities=priorities_from_proto(list(request.priorities)),
        )
        envelope = await self._service.submit_plan(
            current_principal(), command, correlation_id_from(context)
        )
        return plan_to_proto(envelope)

    async def GetImprovementPlan(
        self, request: pb.GetImprovementPlanRequest, context: grpc.aio.ServicerContext
    ) -> pb.ImprovementPlanHistory:
        envelopes = await self._service.plan_history(
            current_principal(), request.academy_id, request.academic_year
        )
        revisions = [plan_to_proto(e) for e in envelopes]
        return pb.ImprovementPlanHistory(current=revisions[-1], revisions=revisions)

    async def SubmitSelfEvaluation(
        self, request: pb.SubmitSelfEvaluationRequest, context: grpc.aio.ServicerContext
    ) -> pb.SelfEvaluation:
        command = SubmitSelfEvaluation(
            academy_id=request.academy_id,
            academic_year=request.academic_year,
            summary=request.summary,
            area_judgements=dict(request.area_judgements),
        )
        envelope = await self._service.submit_self_evaluation(
            current_principal(), command, correlation_id_from(context)
        )
        sef = SelfEvaluationSubmitted.model_validate(envelope.payload)
        return pb.SelfEvaluation(
            academy_id=sef.academy_id,
            academic_year=sef.academic_year,
            revision=sef.revision,
            summary=sef.summary,
            area_judgements=sef.area_judgements,
            scheme=sef.scheme,
            submitted_by=common_pb2.Actor(subject=envelope.actor.subject, role=envelope.actor.role),
        )

    async def ListSubmissions(
        self, request: pb.ListSubmissionsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListSubmissionsResponse:
        page = page_request(request.page_size, request.page_token, SUBMISSION_KEY)
        submissions, next_token = await self._service.list_submissions(
            current_principal(), request.academy_id, request.academic_year or None, page
        )
        return pb.ListSubmissionsResponse(
            submissions=[submission_to_proto(s) for s in submissions], next_page_token=next_token
        )


def inspection_to_proto(event: InspectionRecorded, recorded_by: Actor) -> pb.Inspection:
    return pb.Inspection(
        academy_id=event.academy_id,
        inspection_date=event.inspection_date.isoformat(),
        scheme=event.scheme,
        grades=event.grades,
        safeguarding=event.safeguarding or "",
        recorded_by=common_pb2.Actor(subject=recorded_by.subject, role=recorded_by.role),
    )


def priorities_from_proto(priorities: list[pb.Priority]) -> list[Priority]:
    try:
        return [
            Priority(
                title=p.title,
                owner=p.owner,
                area=p.area or None,
                success_criteria=[
                    SuccessCriterion(description=c.description, measure=c.measure, target=c.target)
                    for c in p.success_criteria
                ],
                milestones=[
                    Milestone(
                        description=m.description,
                        due_on=require_date(m.due_on, f"milestone {m.description!r} due_on"),
                        owner=m.owner,
                    )
                    for m in p.milestones
                ],
            )
            for p in priorities
        ]
    except ValueError as error:
        raise InvalidArgument(f"priorities are malformed: {error}") from error


def plan_to_proto(envelope: EventEnvelope) -> pb.ImprovementPlan:
    plan = ImprovementPlanSubmitted.model_validate(envelope.payload)
    return pb.ImprovementPlan(
        academy_id=plan.academy_id,
        academic_year=plan.academic_year,
        revision=plan.revision,
        priorities=[
            pb.Priority(
                title=p.title,
                owner=p.owner,
                area=p.area or "",
                success_criteria=[
                    pb.SuccessCriterion(
                        description=c.description, measure=c.measure, target=c.target
                    )
                    for c in p.success_criteria
                ],
                milestones=[
                    pb.Milestone(
                        description=m.description, due_on=m.due_on.isoformat(), owner=m.owner
                    )
                    for m in p.milestones
                ],
            )
            for p in plan.priorities
        ],
        submitted_by=common_pb2.Actor(subject=envelope.actor.subject, role=envelope.actor.role),
        submitted_at=envelope.occurred_at.isoformat(),
    )


def registration(service: AcademiesService) -> Callable[[grpc.aio.Server], None]:
    def register(server: grpc.aio.Server) -> None:
        academies_pb2_grpc.add_AcademiesServiceServicer_to_server(
            AcademiesServicer(service), server
        )

    return register

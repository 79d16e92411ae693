"""Submissions, returns, inspections, plans and self-evaluation statements."""

from __future__ import annotations

import datetime as dt

from chassis.convert import actor_to_proto, date_to_proto, optional_date_from_proto, time_to_proto
from chassis.errors import InvalidArgument
from contracts.academies.v1 import Period
from trust.academies.v1 import academies_pb2 as pb

from academies.application.streams import Inspected, PlanRevision, StatementRevision
from academies.application.submissions import ReturnsStatus
from academies.domain.inspection import RecordInspection
from academies.domain.planning import SubmitImprovementPlan, SubmitSelfEvaluation
from academies.domain.submission import CorrectSubmission, SubmissionState, SubmitData
from academies.entrypoints.convert.values import (
    period_from_proto,
    period_to_proto,
    priority_from_proto,
    priority_to_proto,
    values_from_proto,
    values_to_proto,
)


def submit_from_proto(request: pb.SubmitDataRequest) -> SubmitData:
    period, values = period_from_proto(request.period), values_from_proto(request.values)
    r = request
    return SubmitData(r.academy_id, r.submission_id, period, r.return_type, values)


def correct_from_proto(request: pb.CorrectSubmissionRequest) -> CorrectSubmission:
    values = values_from_proto(request.values)
    return CorrectSubmission(request.academy_id, request.submission_id, values, request.reason)


def submission_to_proto(state: SubmissionState) -> pb.Submission:
    return pb.Submission(
        submission_id=state.submission_id,
        academy_id=state.academy_id,
        period=period_to_proto(state.period),
        return_type=state.return_type,
        effective=values_to_proto(state.effective),
        history=[
            pb.SubmissionVersion(
                revision=revision.revision,
                values=values_to_proto(revision.values),
                recorded_by=actor_to_proto(revision.recorded_by),
                recorded_at=time_to_proto(revision.recorded_at),
                reason=revision.reason,
            )
            for revision in state.revisions
        ],
    )


def submissions_to_proto(
    page: tuple[list[SubmissionState], str],
) -> pb.ListSubmissionsResponse:
    submissions, next_token = page
    return pb.ListSubmissionsResponse(
        submissions=[submission_to_proto(s) for s in submissions], next_page_token=next_token
    )


def as_of_from_proto(request: pb.GetReturnsStatusRequest, today: dt.date) -> dt.date:
    """The day the calendar is applied as of: today unless the request names one."""
    return optional_date_from_proto(request.as_of, "as_of") or today


def returns_to_proto(status: ReturnsStatus) -> pb.ReturnsStatus:
    return pb.ReturnsStatus(
        academy_id=status.academy_id,
        as_of=date_to_proto(status.as_of),
        framework_version=status.framework_version,
        returns=[
            pb.DueReturn(
                return_type=r.return_type,
                period=period_to_proto(
                    Period(academic_year=r.academic_year, term=r.term, half_term=r.half_term)
                ),
                due_on=date_to_proto(r.due_on),
                status=r.status.value,
                submitted_on=date_to_proto(r.submitted_on),
            )
            for r in status.returns
        ],
    )


def inspection_from_proto(request: pb.RecordInspectionRequest, today: dt.date) -> RecordInspection:
    r = request
    return RecordInspection(
        r.academy_id, r.inspection_date, r.scheme, dict(r.grades), r.safeguarding, today
    )


def inspection_to_proto(inspected: Inspected) -> pb.Inspection:
    inspection = inspected.inspection
    return pb.Inspection(
        academy_id=inspection.academy_id,
        inspection_date=date_to_proto(inspection.inspection_date),
        scheme=inspection.scheme,
        grades=inspection.grades,
        safeguarding=inspection.safeguarding or "",
        recorded_by=actor_to_proto(inspected.recorded_by),
    )


def inspections_to_proto(page: tuple[list[Inspected], str]) -> pb.ListInspectionsResponse:
    inspections, next_token = page
    return pb.ListInspectionsResponse(
        inspections=[inspection_to_proto(i) for i in inspections], next_page_token=next_token
    )


def plan_from_proto(request: pb.SubmitImprovementPlanRequest) -> SubmitImprovementPlan:
    try:
        priorities = [priority_from_proto(p) for p in request.priorities]
    except ValueError as error:
        raise InvalidArgument(f"priorities are malformed: {error}") from error
    return SubmitImprovementPlan(request.academy_id, request.academic_year, priorities)


def plan_to_proto(revision: PlanRevision) -> pb.ImprovementPlan:
    plan = revision.plan
    return pb.ImprovementPlan(
        academy_id=plan.academy_id,
        academic_year=plan.academic_year,
        revision=plan.revision,
        priorities=[priority_to_proto(p) for p in plan.priorities],
        submitted_by=actor_to_proto(revision.submitted_by),
        submitted_at=time_to_proto(revision.submitted_at),
    )


def plan_history_to_proto(revisions: list[PlanRevision]) -> pb.ImprovementPlanHistory:
    converted = [plan_to_proto(revision) for revision in revisions]
    return pb.ImprovementPlanHistory(current=converted[-1], revisions=converted)


def statement_from_proto(request: pb.SubmitSelfEvaluationRequest) -> SubmitSelfEvaluation:
    r = request
    return SubmitSelfEvaluation(r.academy_id, r.academic_year, r.summary, dict(r.area_judgements))


def statement_to_proto(revision: StatementRevision) -> pb.SelfEvaluation:
    statement = revision.statement
    return pb.SelfEvaluation(
        academy_id=statement.academy_id,
        academic_year=statement.academic_year,
        revision=statement.revision,
        summary=statement.summary,
        area_judgements=statement.area_judgements,
        scheme=statement.scheme,
        submitted_by=actor_to_proto(revision.submitted_by),
    )

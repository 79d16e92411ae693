"""The value objects several messages carry, both ways."""

from __future__ import annotations

from chassis.convert import date_from_proto, date_to_proto, optional_field
from chassis.errors import InvalidArgument
from contracts.academies.v1 import DataValues, Milestone, Period, Priority, SuccessCriterion
from google.protobuf.message import Message
from trust.academies.v1 import academies_pb2 as pb


def _optional_number(message: Message, field: str) -> float | None:
    value = optional_field(message, field)
    return float(value) if isinstance(value, int | float) else None


def period_from_proto(period: pb.Period) -> Period:
    return Period(academic_year=period.academic_year, term=period.term, half_term=period.half_term)


def period_to_proto(period: Period) -> pb.Period:
    return pb.Period(
        academic_year=period.academic_year, term=period.term, half_term=period.half_term
    )


def values_from_proto(values: pb.DataValues) -> DataValues:
    try:
        return DataValues(
            kpis=dict(values.kpis),
            attendance_percent=_optional_number(values, "attendance_percent"),
            progress8_score=_optional_number(values, "progress8_score"),
            progress8_band=values.progress8_band or None,
        )
    except ValueError as error:
        raise InvalidArgument(f"values are malformed: {error}") from error


def values_to_proto(values: DataValues) -> pb.DataValues:
    return pb.DataValues(
        kpis=values.kpis,
        attendance_percent=values.attendance_percent,
        progress8_score=values.progress8_score,
        progress8_band=values.progress8_band or "",
    )


def priority_from_proto(priority: pb.Priority) -> Priority:
    return Priority(
        title=priority.title,
        owner=priority.owner,
        area=priority.area or None,
        success_criteria=[
            SuccessCriterion(description=c.description, measure=c.measure, target=c.target)
            for c in priority.success_criteria
        ],
        milestones=[
            Milestone(
                description=m.description,
                due_on=date_from_proto(m.due_on, f"milestone {m.description!r} due_on"),
                owner=m.owner,
            )
            for m in priority.milestones
        ],
    )


def priority_to_proto(priority: Priority) -> pb.Priority:
    return pb.Priority(
        title=priority.title,
        owner=priority.owner,
        area=priority.area or "",
        success_criteria=[
            pb.SuccessCriterion(description=c.description, measure=c.measure, target=c.target)
            for c in priority.success_criteria
        ],
        milestones=[
            pb.Milestone(description=m.description, due_on=date_to_proto(m.due_on), owner=m.owner)
            for m in priority.milestones
        ],
    )

"""Self-evaluation statements and improvement plans (seed 002 ADP, seed 004 s.12-13).

A plan's priorities need measurable success criteria and dated, owned
milestones (seed 004: "clear success criteria for each target ... that are
measurable", "clear timescales with interim milestones", "who is responsible").
A revised plan or statement is a new revision; earlier ones stay readable.
"""

from __future__ import annotations

from dataclasses import dataclass

from chassis.errors import InvalidArgument
from contracts import limits
from contracts.academies.v1 import ImprovementPlanSubmitted, Priority, SelfEvaluationSubmitted
from contracts.base import EventPayload
from trust_frameworks.schemes import JudgementScheme

from academies.domain import values
from academies.domain.academy import AcademyState, require_open

MAX_PRIORITIES = 20


@dataclass(frozen=True)
class SubmitImprovementPlan:
    academy_id: str
    academic_year: str
    priorities: list[Priority]


@dataclass(frozen=True)
class SubmitSelfEvaluation:
    academy_id: str
    academic_year: str
    summary: str
    area_judgements: dict[str, str]


def decide_plan(
    academy: AcademyState | None,
    command: SubmitImprovementPlan,
    current_revision: int,
    scheme: JudgementScheme,
    framework_version: int = 1,
) -> list[EventPayload]:
    open_academy = require_open(academy, command.academy_id)
    start, end = values.academic_year_bounds(command.academic_year)
    if not command.priorities:
        raise InvalidArgument("a plan needs at least one priority")
    if len(command.priorities) > MAX_PRIORITIES:
        raise InvalidArgument(f"at most {MAX_PRIORITIES} priorities")
    for i, priority in enumerate(command.priorities, start=1):
        where = f"priority {i} ({priority.title or 'untitled'})"
        values.require_text(priority.title, f"{where}: title")
        values.require_text(priority.owner, f"{where}: owner")
        if priority.area is not None and scheme.area(priority.area) is None:
            raise InvalidArgument(f"{where}: area {priority.area!r} is not in {scheme.id}")
        if not priority.success_criteria:
            raise InvalidArgument(f"{where} needs at least one measurable success criterion")
        for criterion in priority.success_criteria:
            if not criterion.measure.strip() or not criterion.target.strip():
                raise InvalidArgument(
                    f"{where}: success criterion {criterion.description!r} needs a measure and a target"
                )
        if not priority.milestones:
            raise InvalidArgument(f"{where} needs at least one dated milestone")
        for milestone in priority.milestones:
            values.require_text(milestone.owner, f"{where}: milestone owner")
            if not (start <= milestone.due_on <= end):
                raise InvalidArgument(
                    f"{where}: milestone {milestone.description!r} on {milestone.due_on} is outside "
                    f"{command.academic_year} ({start} to {end})"
                )
    return [
        ImprovementPlanSubmitted(
            trust_id=open_academy.trust_id,
            academy_id=open_academy.academy_id,
            academic_year=command.academic_year,
            revision=current_revision + 1,
            priorities=command.priorities,
            framework_version=framework_version,
        )
    ]


def decide_self_evaluation(
    academy: AcademyState | None,
    command: SubmitSelfEvaluation,
    current_revision: int,
    scheme: JudgementScheme,
    framework_version: int = 1,
) -> list[EventPayload]:
    open_academy = require_open(academy, command.academy_id)
    values.academic_year_bounds(command.academic_year)
    for area_id, grade_id in command.area_judgements.items():
        if scheme.area(area_id) is None:
            raise InvalidArgument(f"area {area_id!r} is not in {scheme.id}")
        if scheme.grade(grade_id) is None:
            raise InvalidArgument(f"grade {grade_id!r} for {area_id} is not on {scheme.id}")
    return [
        SelfEvaluationSubmitted(
            trust_id=open_academy.trust_id,
            academy_id=open_academy.academy_id,
            academic_year=command.academic_year,
            revision=current_revision + 1,
            summary=values.require_text(command.summary, "summary", limits.SUMMARY_MAX),
            area_judgements=dict(sorted(command.area_judgements.items())),
            scheme=scheme.id,
            framework_version=framework_version,
        )
    ]

"""Ofsted inspections recorded against the scheme they were made under.

Kept apart from the trust's own judgements (seed 003: the Board may grade an
academy differently to its last Ofsted inspection).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from chassis.errors import InvalidArgument
from contracts.academies.v1 import InspectionRecorded
from contracts.base import EventPayload
from trust_frameworks.schemes import SAFEGUARDING_OUTCOMES, SCHEMES

from academies.domain import values
from academies.domain.academy import AcademyState, require_open


@dataclass(frozen=True)
class RecordInspection:
    academy_id: str
    inspection_date: str
    scheme: str
    grades: dict[str, str]
    safeguarding: str
    today: dt.date


def decide_record(academy: AcademyState | None, command: RecordInspection) -> list[EventPayload]:
    open_academy = require_open(academy, command.academy_id)
    date = values.require_date(command.inspection_date, "inspection_date")
    if date > command.today:
        raise InvalidArgument(f"inspection_date {date} is in the future")
    scheme = SCHEMES.get(command.scheme)
    if scheme is None:
        raise InvalidArgument(f"scheme must be one of {', '.join(SCHEMES)}, got {command.scheme!r}")
    if date.isoformat() < scheme.in_force_from:
        raise InvalidArgument(f"{scheme.id} was not in force on {date}")
    if not command.grades:
        raise InvalidArgument("an inspection needs at least one graded area")
    for area_id, grade_id in command.grades.items():
        if scheme.area(area_id) is None:
            areas = ", ".join(a.id for a in scheme.areas)
            raise InvalidArgument(f"area {area_id!r} is not in {scheme.id} (areas: {areas})")
        if scheme.grade(grade_id) is None:
            grades = ", ".join(g.id for g in scheme.grades)
            raise InvalidArgument(
                f"grade {grade_id!r} for {area_id} is not on {scheme.id} (grades: {grades})"
            )
    safeguarding = command.safeguarding or None
    if scheme.has_safeguarding_judgement:
        if safeguarding not in SAFEGUARDING_OUTCOMES:
            raise InvalidArgument(f"{scheme.id} needs safeguarding met or not_met")
    elif safeguarding is not None:
        raise InvalidArgument(f"{scheme.id} has no separate safeguarding judgement")
    return [
        InspectionRecorded(
            trust_id=open_academy.trust_id,
            academy_id=open_academy.academy_id,
            inspection_date=date,
            scheme=scheme.id,
            grades=dict(sorted(command.grades.items())),
            safeguarding=safeguarding,
        )
    ]

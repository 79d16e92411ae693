"""What evaluations knows of the register, learnt from the academies service's events."""

from __future__ import annotations

from dataclasses import dataclass

from trust_frameworks.model import Framework
from trust_frameworks.schemes import (
    PHASES_WITH_EARLY_YEARS,
    PHASES_WITH_SIXTH_FORM,
    Area,
    AreaApplies,
    JudgementScheme,
)


@dataclass(frozen=True)
class AcademyFacts:
    academy_id: str
    trust_id: str
    name: str
    phase_of_education: str
    is_open: bool


@dataclass(frozen=True)
class TrustFramework:
    trust_id: str
    version: int
    framework: Framework


@dataclass(frozen=True)
class LatestData:
    academic_year: str
    term: str
    half_term: int
    progress8_band: str | None
    progress8_score: float | None


def applicable_areas(scheme: JudgementScheme, academy: AcademyFacts) -> list[Area]:
    return scheme.areas_for(academy.phase_of_education)


def area_applies(area: Area, academy: AcademyFacts) -> bool:
    if area.applies == AreaApplies.EARLY_YEARS:
        return academy.phase_of_education in PHASES_WITH_EARLY_YEARS
    if area.applies == AreaApplies.SIXTH_FORM:
        return academy.phase_of_education in PHASES_WITH_SIXTH_FORM
    return True

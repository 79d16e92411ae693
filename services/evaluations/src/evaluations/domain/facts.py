"""What evaluations knows of the register, learnt from the academies service's events."""

from __future__ import annotations

from dataclasses import dataclass

from trust_frameworks.model import Framework
from trust_frameworks.schemes import Area, AreaApplies, JudgementScheme

# Which phases of education usually have early years or a sixth form. The
# register does not say yet; an academy of another phase may still be judged
# on all areas by naming them (see applicable_areas).
_EARLY_YEARS = {"nursery", "primary", "all_through", "special"}
_SIXTH_FORM = {"secondary", "all_through", "sixteen_plus", "special"}


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
    return scheme.applicable_areas(
        early_years=academy.phase_of_education in _EARLY_YEARS,
        sixth_form=academy.phase_of_education in _SIXTH_FORM,
    )


def area_applies(area: Area, academy: AcademyFacts) -> bool:
    if area.applies == AreaApplies.EARLY_YEARS:
        return academy.phase_of_education in _EARLY_YEARS
    if area.applies == AreaApplies.SIXTH_FORM:
        return academy.phase_of_education in _SIXTH_FORM
    return True

"""Value rules of the register and its data: URNs, periods, submitted values.

Pure functions; each refusal says what was wrong and what would be right.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import TypeVar

from chassis.errors import InvalidArgument
from contracts import limits
from contracts import values as school_year
from contracts.academies.v1 import DataValues, Period
from contracts.values import TERMS as TERMS  # the school year's rules, defined once

URN_PATTERN = re.compile(r"^\d{6}$")
PHASES_OF_EDUCATION = (
    "nursery",
    "primary",
    "middle",
    "secondary",
    "all_through",
    "sixteen_plus",
    "special",
    "alternative_provision",
)
RETURN_TYPES = ("termly_kpi", "half_termly_data_drop", "annual_summary")
MAX_KPIS = limits.LIST_MAX
MAX_KPI_NAME = limits.ID_MAX
# Stricter than the published limits.REASON_MAX (2,000): what the service has
# always allowed for a correction's or a departure's reason.
REASON_MAX = 1_000

# DfE Progress 8 bands. The DfE assigns a band from the score and its
# confidence interval; without the interval we refuse only what no interval
# can reconcile: a band on the wrong side of zero, or a "well" band whose
# score is not beyond +/-0.5 (DfE: well above = score >= 0.5 and interval
# above zero; well below = score <= -0.5 and interval below zero).
PROGRESS8_BANDS = ("well_above", "above", "average", "below", "well_below")
PROGRESS8_SCORE_RANGE = (-5.0, 5.0)


def require_urn(urn: str) -> str:
    if not URN_PATTERN.match(urn):
        raise InvalidArgument(f"URN must be six digits, got {urn!r}")
    return urn


T = TypeVar("T")
R = TypeVar("R")


def checked(rule: Callable[[T], R], value: T) -> R:
    """A shared value rule (contracts.values) applied: its ValueError becomes
    INVALID_ARGUMENT with the same message."""
    try:
        return rule(value)
    except ValueError as error:
        raise InvalidArgument(str(error)) from None


def require_text(value: str, field: str, max_length: int = limits.NAME_MAX) -> str:
    value = value.strip()
    if not value:
        raise InvalidArgument(f"{field} must not be empty")
    if len(value) > max_length:
        raise InvalidArgument(f"{field} must be at most {max_length} characters")
    return value


def require_phase_of_education(value: str) -> str:
    if value not in PHASES_OF_EDUCATION:
        raise InvalidArgument(
            f"phase_of_education {value!r} is not one of {', '.join(PHASES_OF_EDUCATION)}"
        )
    return value


def require_date(value: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise InvalidArgument(
            f"{field} must be an ISO date like 2026-09-01, got {value!r}"
        ) from error


def academic_year_bounds(academic_year: str) -> tuple[dt.date, dt.date]:
    """First and last day of a well-formed academic year (1 September to 31 August)."""
    return checked(school_year.academic_year_bounds, academic_year)


def require_period(period: Period) -> Period:
    checked(school_year.academic_year_start, period.academic_year)
    checked(school_year.require_term, period.term)
    checked(school_year.require_half_term, period.half_term)
    return period


def require_return_type(return_type: str, period: Period) -> str:
    if return_type not in RETURN_TYPES:
        raise InvalidArgument(
            f"return_type must be one of {', '.join(RETURN_TYPES)}, got {return_type!r}"
        )
    if return_type == "half_termly_data_drop" and period.half_term == 0:
        raise InvalidArgument("a half_termly_data_drop needs half_term 1 or 2")
    if return_type == "annual_summary" and period.term != "summer":
        raise InvalidArgument("an annual_summary is submitted for the summer term")
    return return_type


def require_values(values: DataValues) -> DataValues:
    if len(values.kpis) > MAX_KPIS:
        raise InvalidArgument(f"at most {MAX_KPIS} KPIs per submission, got {len(values.kpis)}")
    for name, value in values.kpis.items():
        if not name or len(name) > MAX_KPI_NAME:
            raise InvalidArgument(f"KPI names must be 1 to {MAX_KPI_NAME} characters: {name!r}")
        if not math.isfinite(value):
            raise InvalidArgument(f"KPI {name!r} must be a finite number")
    attendance = values.attendance_percent
    if attendance is not None and not (0.0 <= attendance <= 100.0):
        raise InvalidArgument(f"attendance_percent must be between 0 and 100, got {attendance}")
    score = values.progress8_score
    low, high = PROGRESS8_SCORE_RANGE
    if score is not None and not (math.isfinite(score) and low <= score <= high):
        raise InvalidArgument(f"progress8_score must be between {low} and {high}, got {score}")
    band = values.progress8_band
    if band is not None:
        if band not in PROGRESS8_BANDS:
            raise InvalidArgument(
                f"progress8_band must be one of {', '.join(PROGRESS8_BANDS)}, got {band!r}"
            )
        if score is not None:
            _require_band_fits_score(band, score)
    nothing = (
        not values.kpis
        and values.attendance_percent is None
        and values.progress8_score is None
        and values.progress8_band is None
    )
    if nothing:
        raise InvalidArgument("a submission needs at least one value")
    return values


def _require_band_fits_score(band: str, score: float) -> None:
    contradiction = (
        (band == "well_above" and score < 0.5)
        or (band == "above" and score <= 0.0)
        or (band == "below" and score >= 0.0)
        or (band == "well_below" and score > -0.5)
    )
    if contradiction:
        raise InvalidArgument(
            f"progress8_band {band!r} contradicts progress8_score {score:+.2f}: "
            "well_above needs >= +0.50, above > 0, below < 0, well_below <= -0.50"
        )

"""The data-drop calendar applied: which returns are due, on time, late or missing.

The framework's rule, read the same way by academies (GetReturnsStatus) and
reporting (the board's "returns" line). Pure: given a framework, an academy's
dates and its submissions, and a date.
Lateness is judged by the original submission: a correction after the
deadline does not make an on-time return late.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from contracts.values import TERMS, academic_year_of, academic_year_start

from trust_frameworks.model import DataDrop, Framework


class ReturnStatus(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"  # the due date has passed and nothing was submitted
    NOT_YET_DUE = "not_yet_due"


@dataclass(frozen=True)
class SubmittedReturn:
    return_type: str
    academic_year: str
    term: str
    half_term: int
    submitted_on: dt.date


@dataclass(frozen=True)
class DueReturn:
    return_type: str
    academic_year: str
    term: str
    half_term: int
    due_on: dt.date
    status: ReturnStatus
    submitted_on: dt.date | None


def _periods(drop: DataDrop) -> list[tuple[str, int, int]]:
    """(term, half_term, which half ends the period) for each period of a drop."""
    if drop.cadence == "termly":
        return [(term, 0, 2) for term in TERMS]
    if drop.cadence == "half_termly":
        return [(term, half, half) for term in TERMS for half in (1, 2)]
    return [("summer", 0, 2)]  # annual: end of the summer term


def returns_due(
    framework: Framework,
    as_of: dt.date,
    date_joined: dt.date,
    date_left: dt.date | None,
    submitted: list[SubmittedReturn],
) -> list[DueReturn]:
    label = academic_year_of(as_of)
    start = academic_year_start(label)
    # As of a date, only what had been sent by then: a return sent later is
    # missing (or not yet due) on that date, not late.
    by_slot = {
        (s.return_type, s.academic_year, s.term, s.half_term): s.submitted_on
        for s in submitted
        if s.submitted_on <= as_of
    }
    result = []
    for drop in framework.data_drops:
        for term, half_term, ending_half in _periods(drop):
            period_end = framework.term_calendar.half_term_end(start, term, ending_half)
            due_on = period_end + dt.timedelta(days=drop.due_days_after_period_end)
            if period_end < date_joined or (date_left is not None and period_end > date_left):
                continue  # not an academy of the trust for that period
            submitted_on = by_slot.get((drop.return_type, label, term, half_term))
            if submitted_on is not None:
                status = ReturnStatus.ON_TIME if submitted_on <= due_on else ReturnStatus.LATE
            elif as_of > due_on:
                status = ReturnStatus.MISSING
            else:
                status = ReturnStatus.NOT_YET_DUE  # the due day itself still counts
            result.append(
                DueReturn(drop.return_type, label, term, half_term, due_on, status, submitted_on)
            )
    return sorted(result, key=lambda r: (r.due_on, r.return_type))

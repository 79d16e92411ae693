"""The data-drop calendar applied: which returns are due, on time, late or missing.

The framework's rule, read the same way by academies (GetReturnsStatus) and
reporting (the board's "returns" line). Pure: given a framework, an academy's
dates and its submissions, and a date.
Lateness is judged by the original submission: a correction after the
deadline does not make an on-time return late.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from contracts.values import TERMS, academic_year_of, academic_year_start

from trust_frameworks.model import DataDrop, Framework, TermCalendar


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


@dataclass(frozen=True)
class Slot:
    """One return the calendar asks for in an academic year, whoever sends it."""

    return_type: str
    term: str
    half_term: int
    period_end: dt.date
    due_on: dt.date


def calendar(framework: Framework, academic_year_start: int) -> tuple[Slot, ...]:
    """The framework's data-drop calendar of the academic year starting then,
    ordered by due date (then return type). The same for every academy, so it is
    worked out once per framework and year."""
    return _calendar(tuple(framework.data_drops), framework.term_calendar, academic_year_start)


@lru_cache(maxsize=256)
def _calendar(drops: tuple[DataDrop, ...], terms: TermCalendar, start: int) -> tuple[Slot, ...]:
    slots = [
        Slot(
            drop.return_type,
            term,
            half_term,
            period_end,
            period_end + dt.timedelta(days=drop.due_days_after_period_end),
        )
        for drop in drops
        for term, half_term, ending_half in _periods(drop)
        for period_end in (terms.half_term_end(start, term, ending_half),)
    ]
    # Sorted once here; filtering a stably sorted list keeps its order.
    return tuple(sorted(slots, key=lambda s: (s.due_on, s.return_type)))


def returns_due(
    framework: Framework,
    as_of: dt.date,
    date_joined: dt.date,
    date_left: dt.date | None,
    submitted: list[SubmittedReturn],
    slots: Sequence[Slot] | None = None,
) -> list[DueReturn]:
    """``slots``: the calendar of the year holding ``as_of`` (or a part of it), when
    the caller has it already: a report over many academies works it out once."""
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
    for slot in calendar(framework, start) if slots is None else slots:
        due_on = slot.due_on
        if slot.period_end < date_joined or (date_left is not None and slot.period_end > date_left):
            continue  # not an academy of the trust for that period
        submitted_on = by_slot.get((slot.return_type, label, slot.term, slot.half_term))
        if submitted_on is not None:
            status = ReturnStatus.ON_TIME if submitted_on <= due_on else ReturnStatus.LATE
        elif as_of > due_on:
            status = ReturnStatus.MISSING
        else:
            status = ReturnStatus.NOT_YET_DUE  # the due day itself still counts
        result.append(
            DueReturn(
                slot.return_type, label, slot.term, slot.half_term, due_on, status, submitted_on
            )
        )
    return result

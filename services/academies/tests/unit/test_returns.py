"""Late and missing returns around the due date."""

from __future__ import annotations

import datetime as dt

from trust_frameworks.loader import presets
from trust_frameworks.returns import ReturnStatus, SubmittedReturn, returns_due

FOCUS = presets()[
    "seed-004-focus"
]  # termly KPIs, half-termly drops, annual summary; due at period end
JOINED = dt.date(2020, 9, 1)
AUTUMN_END = dt.date(2026, 12, 19)  # the default calendar's end of the autumn term


def autumn_kpi(status_on: dt.date, submitted: list[SubmittedReturn]):
    due = returns_due(FOCUS, status_on, JOINED, None, submitted)
    return next(r for r in due if r.return_type == "termly_kpi" and r.term == "autumn")


def kpi(on: dt.date) -> SubmittedReturn:
    return SubmittedReturn("termly_kpi", "2026/27", "autumn", 0, on)


def test_nothing_submitted_is_not_missing_on_the_due_day_and_missing_the_day_after():
    assert autumn_kpi(AUTUMN_END, []).status == ReturnStatus.NOT_YET_DUE
    assert autumn_kpi(AUTUMN_END + dt.timedelta(days=1), []).status == ReturnStatus.MISSING


def test_submitted_on_the_day_is_on_time_and_a_day_after_is_late():
    after = AUTUMN_END + dt.timedelta(days=5)
    assert autumn_kpi(after, [kpi(AUTUMN_END)]).status == ReturnStatus.ON_TIME
    late = autumn_kpi(after, [kpi(AUTUMN_END + dt.timedelta(days=1))])
    assert late.status == ReturnStatus.LATE and late.due_on == AUTUMN_END


def test_a_correction_after_the_deadline_leaves_an_on_time_return_on_time():
    # Only the original submission's date is given: corrections do not move it.
    assert (
        autumn_kpi(dt.date(2027, 2, 1), [kpi(dt.date(2026, 12, 10))]).status == ReturnStatus.ON_TIME
    )


def test_half_termly_drops_and_the_annual_summary_are_scheduled():
    due = returns_due(FOCUS, dt.date(2027, 7, 20), JOINED, None, [])
    kinds = [(r.return_type, r.term, r.half_term) for r in due]
    assert kinds.count(("half_termly_data_drop", "autumn", 1)) == 1
    assert ("annual_summary", "summer", 0) in kinds
    assert {r.status for r in due} == {ReturnStatus.MISSING}
    assert len(due) == 3 + 6 + 1


def test_an_academy_that_joined_later_owes_nothing_for_earlier_periods():
    due = returns_due(FOCUS, dt.date(2027, 2, 1), dt.date(2027, 1, 5), None, [])
    assert all(r.due_on >= dt.date(2027, 1, 5) for r in due)

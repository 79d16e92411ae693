"""The school year a trust's term calendar describes: half-terms, school days, weeks.

The framework's calendar (trust_frameworks.model.TermCalendar) gives the last
day of each half-term only. The first days follow English custom, as labelled
defaults until the model carries them: the autumn term starts on the first
weekday on or after 1 September; after a half-term ends there is a one-week
break, two weeks at Christmas and at Easter, and the next half-term starts on
the Monday after it. School days are the weekdays of the half-terms (bank
holidays and training days are the trust's to move meetings around).

Times of day are England's (Europe/London): a meeting's day is the local date
of its start, whatever UTC offset it was given with.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from zoneinfo import ZoneInfo

from contracts import values
from trust_frameworks.model import TermCalendar

ENGLAND = ZoneInfo("Europe/London")
TERMS = values.TERMS
# Weeks of break after each half-term but the last: (term, half) -> weeks.
BREAK_WEEKS = {
    ("autumn", 1): 1,
    ("autumn", 2): 2,  # Christmas
    ("spring", 1): 1,
    ("spring", 2): 2,  # Easter
    ("summer", 1): 1,
}


def local_day(moment: dt.datetime) -> dt.date:
    """The day in England on which ``moment`` falls."""
    return moment.astimezone(ENGLAND).date()


def at_local(day: dt.date, time: dt.time) -> dt.datetime:
    """``time`` on ``day`` in England, with the UTC offset in force that day."""
    return dt.datetime.combine(day, time, tzinfo=ENGLAND)


def _monday_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=7 - day.weekday())


def _first_weekday_from(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


@dataclass(frozen=True)
class HalfTerm:
    term: str
    half: int
    first_day: dt.date
    last_day: dt.date

    @property
    def school_days(self) -> list[dt.date]:
        days = []
        day = self.first_day
        while day <= self.last_day:
            if day.weekday() < 5:
                days.append(day)
            day += dt.timedelta(days=1)
        return days


@dataclass(frozen=True)
class SchoolYear:
    academic_year: str
    half_terms: tuple[HalfTerm, ...]

    @classmethod
    def of(cls, calendar: TermCalendar, academic_year: str) -> SchoolYear:
        start = values.academic_year_start(academic_year)
        first = _first_weekday_from(dt.date(start, 9, 1))
        halves = []
        for term in TERMS:
            for half in (1, 2):
                last = calendar.half_term_end(start, term, half)
                halves.append(HalfTerm(term, half, first, last))
                first = _monday_after(last) + dt.timedelta(weeks=BREAK_WEEKS.get((term, half), 0))
        return cls(academic_year, tuple(halves))

    @cached_property
    def school_days(self) -> tuple[dt.date, ...]:
        return tuple(day for half in self.half_terms for day in half.school_days)

    def term_days(self, term: str) -> list[dt.date]:
        return [day for half in self.half_terms if half.term == term for day in half.school_days]

    @cached_property
    def school_weeks(self) -> tuple[tuple[dt.date, ...], ...]:
        """The school days grouped by week (Monday to Friday), in order."""
        weeks: dict[dt.date, list[dt.date]] = {}
        for day in self.school_days:
            weeks.setdefault(day - dt.timedelta(days=day.weekday()), []).append(day)
        return tuple(tuple(days) for days in weeks.values())

    @property
    def first_day(self) -> dt.date:
        return values.academic_year_bounds(self.academic_year)[0]

    @property
    def last_day(self) -> dt.date:
        return values.academic_year_bounds(self.academic_year)[1]

    def contains(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day

    def term_of(self, day: dt.date) -> str:
        """The term a day belongs to: holidays count with the term before them
        (summer holidays with summer, before the autumn term with autumn)."""
        term = TERMS[0]
        for half in self.half_terms:
            if half.half == 1 and half.first_day <= day:
                term = half.term
        return term

    def next_school_day(self, day: dt.date) -> dt.date | None:
        """``day`` if it is a school day, else the next one this year (None after the last)."""
        return next((d for d in self.school_days if d >= day), None)


def years_in_view(calendar: TermCalendar, as_of: dt.date) -> list[str]:
    """The academic years whose diary is kept from ``as_of``: the year in progress,
    and the next one too once the year's last school day has passed (the summer
    holidays), so that a change then still reaches September's meetings."""
    current = values.academic_year_of(as_of)
    days = SchoolYear.of(calendar, current).school_days
    if days and as_of <= days[-1]:
        return [current]
    start = values.academic_year_start(current) + 1
    return [current, f"{start}/{(start + 1) % 100:02d}"]

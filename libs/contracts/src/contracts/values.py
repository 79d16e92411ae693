"""The shared value rules of the school year, defined once for every service.

The academic year runs September to August and is written ``2026/27``; it has
three terms, each with two half-terms (``half_term`` 0 means the whole term).
The published schemas state the same rules (contracts.rules); services check
requests with these functions, which raise ValueError with a message a person
can act on (a service turns it into INVALID_ARGUMENT).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import get_args

from contracts.rules import ACADEMIC_YEAR_PATTERN, TermRule

TERMS: tuple[str, ...] = get_args(TermRule)
HALF_TERMS = (0, 1, 2)
_YEAR = re.compile(ACADEMIC_YEAR_PATTERN)


def academic_year_start(academic_year: str) -> int:
    """The calendar year the academic year starts in: ``2026/27`` -> 2026."""
    if not _YEAR.match(academic_year):
        raise ValueError(f"academic_year must look like 2026/27, got {academic_year!r}")
    start, end = int(academic_year[:4]), int(academic_year[5:])
    if (start + 1) % 100 != end:
        raise ValueError(
            f"academic_year {academic_year!r} must span consecutive years, "
            f"e.g. {start}/{(start + 1) % 100:02d}"
        )
    return start


def academic_year_of(day: dt.date) -> str:
    """The academic year a day falls in (1 September starts a new one)."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def term_of(day: dt.date) -> str:
    """The term a day falls in, by month: autumn September-December, spring
    January-March, summer April-August (holidays with the term before them)."""
    if day.month >= 9:
        return "autumn"
    if day.month <= 3:
        return "spring"
    return "summer"


def academic_year_bounds(academic_year: str) -> tuple[dt.date, dt.date]:
    """First and last day: 1 September to 31 August."""
    start = academic_year_start(academic_year)
    return dt.date(start, 9, 1), dt.date(start + 1, 8, 31)


def require_term(term: str) -> str:
    if term not in TERMS:
        raise ValueError(f"term must be one of {', '.join(TERMS)}, got {term!r}")
    return term


def require_half_term(half_term: int) -> int:
    if half_term not in HALF_TERMS:
        raise ValueError(f"half_term must be 0 (whole term), 1 or 2, got {half_term}")
    return half_term

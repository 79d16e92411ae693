import datetime as dt

import pytest
from contracts.values import (
    TERMS,
    academic_year_bounds,
    academic_year_of,
    academic_year_start,
    require_half_term,
    require_term,
)


def test_the_academic_year_runs_september_to_august():
    assert academic_year_start("2026/27") == 2026
    assert academic_year_bounds("2026/27") == (dt.date(2026, 9, 1), dt.date(2027, 8, 31))
    assert academic_year_of(dt.date(2026, 9, 1)) == "2026/27"
    assert academic_year_of(dt.date(2026, 8, 31)) == "2025/26"
    assert academic_year_of(dt.date(2099, 12, 1)) == "2099/00"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-27", "academic_year must look like 2026/27, got '2026-27'"),
        ("2026/28", "academic_year '2026/28' must span consecutive years, e.g. 2026/27"),
    ],
)
def test_a_malformed_academic_year_says_what_would_be_right(text, message):
    with pytest.raises(ValueError) as refused:
        academic_year_start(text)
    assert str(refused.value) == message


def test_terms_and_half_terms():
    assert TERMS == ("autumn", "spring", "summer")
    assert require_term("spring") == "spring" and require_half_term(2) == 2
    with pytest.raises(ValueError, match="term must be one of autumn, spring, summer"):
        require_term("winter")
    with pytest.raises(ValueError, match="half_term must be 0"):
        require_half_term(3)

"""Days, money, terms: each rule once, each refusal naming the field; and the
need areas of the contracts are the framework model's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import get_args

import pytest
from chassis.errors import InvalidArgument
from contracts.rules import NEED_AREAS
from support.domain.values import (
    cost,
    days,
    days_text,
    parse_days,
    pounds,
    require_days,
    term_label,
    term_of,
)
from trust_frameworks.model import NeedArea


def test_the_contracts_need_areas_are_the_framework_models():
    assert get_args(NeedArea) == NEED_AREAS


@pytest.mark.parametrize(
    ("text", "value"),
    [("1", "1.00"), ("0.5", "0.50"), ("2.25", "2.25"), (" 3 ", "3.00"), ("0", "0.00")],
)
def test_days_accept_at_most_two_places(text, value):
    assert days_text(parse_days(text, "days")) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1.255", "days has more than two decimal places"),
        ("1.500", "more than two decimal places"),
        ("one", 'days must be a number of days such as "1"'),
        ("NaN", "must be a number of days"),
        ("1e2", "must be a number of days"),
        ("", "must be a number of days"),
    ],
)
def test_days_refused_say_what_is_right(text, message):
    with pytest.raises(InvalidArgument, match=message):
        parse_days(text, "days")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (Decimal("0"), "days must be more than 0 days, got 0.00"),
        (Decimal("-1"), "days must be more than 0 days, got -1.00"),
        (Decimal("1000"), "at most 999.99"),
    ],
)
def test_a_positive_number_of_days_is_needed(value, message):
    with pytest.raises(InvalidArgument, match=message):
        require_days(value, "days")


def test_framework_floats_become_days_through_their_text():
    assert days(0.1) == Decimal("0.10")
    assert days(0.5) == Decimal("0.50")
    assert days_text(Decimal("-1.5")) == "-1.50"


def test_cost_rounds_half_up_to_the_penny_and_money_reads_as_pounds():
    assert cost(Decimal("1.50"), 45_000) == 67_500
    assert cost(Decimal("0.33"), 15) == 5  # 4.95 -> 5
    assert pounds(123_456) == "£1,234.56"
    assert pounds(5) == "£0.05"
    assert pounds(-1_200) == "-£12.00"


@pytest.mark.parametrize(
    ("day", "term"),
    [
        (dt.date(2026, 9, 1), "autumn"),
        (dt.date(2026, 12, 31), "autumn"),
        (dt.date(2027, 1, 1), "spring"),
        (dt.date(2027, 3, 31), "spring"),
        (dt.date(2027, 4, 1), "summer"),
        (dt.date(2027, 8, 31), "summer"),
    ],
)
def test_the_term_of_a_day(day, term):
    assert term_of(day) == term


def test_a_term_is_named_with_its_calendar_year():
    assert term_label(dt.date(2027, 2, 1)) == "spring 2027"

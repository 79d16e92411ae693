"""Given a trust's framework and an academy's standing, the year's entitlement:
granted once from the preset (core, tier, formal intervention, package),
adjusted mid-year never below the days used, used once per source, read as of a
day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from contracts.support.v1 import EntitlementAdjusted, EntitlementGranted, EntitlementUsed
from support.domain import entitlement
from support.domain.entitlement import grant_effective_on
from support_controls import TRUST, basis, fold_entitlement, granted

START = dt.date(2026, 9, 1)


@pytest.mark.parametrize(
    ("preset", "phase", "intervention", "core", "tier", "fi", "total"),
    [
        # seed 000: six AID days, which include the three AIMs
        ("seed-000-aid", "good_or_better", False, "6.00", "0.00", "0.00", "6.00"),
        ("seed-000-aid", "not_yet_good", True, "6.00", "0.00", "4.00", "10.00"),
        # seed 001: the tiers add days
        ("seed-001-carter", "sustain", False, "3.00", "0.00", "0.00", "3.00"),
        ("seed-001-carter", "improve", False, "3.00", "3.00", "0.00", "6.00"),
        ("seed-001-carter", "repair", False, "3.00", "6.00", "0.00", "9.00"),
        ("seed-001-carter", "stabilise", False, "3.00", "12.00", "0.00", "15.00"),
        ("seed-001-carter", "stabilise", True, "3.00", "12.00", "6.00", "21.00"),
        # seed 002: no core days; the standard package (10.5 days) and the tiers
        ("seed-002-sussex", "standard", False, "0.00", "0.00", "0.00", "10.50"),
        ("seed-002-sussex", "immediate_intervention", False, "0.00", "20.00", "0.00", "30.50"),
        ("seed-003-aspire", "category_2", False, "3.00", "6.00", "0.00", "9.00"),
        # seed 004: six consultancy days
        ("seed-004-focus", "self_managing", False, "6.00", "0.00", "0.00", "6.00"),
        ("seed-004-focus", None, False, "6.00", "0.00", "0.00", "6.00"),
    ],
)
def test_granted_from_each_preset(preset, phase, intervention, core, tier, fi, total):
    state = entitlement.initial("heron+2026/27")
    [event] = entitlement.decide_grant(state, TRUST, basis(preset, phase, intervention), START)
    assert isinstance(event, EntitlementGranted)
    assert (event.core_days, event.tier_days, event.formal_intervention_days) == (core, tier, fi)
    assert event.total_days == total
    assert event.formal_intervention is intervention


def test_seed_002_grants_its_package_item_by_item():
    [event] = entitlement.decide_grant(
        entitlement.initial("heron+2026/27"), TRUST, basis("seed-002-sussex", "standard"), START
    )
    assert isinstance(event, EntitlementGranted)
    assert len(event.package) == 15
    assert event.package[1].name == "Academy SEF support" and event.package[1].days == "0.50"


def test_granted_once():
    state = granted()
    assert entitlement.decide_grant(state, TRUST, basis("seed-000-aid", None), START) == []


def test_a_meeting_uses_days_once_and_says_when_beyond():
    state = granted()  # six days
    day = dt.date(2026, 10, 1)
    [used] = entitlement.decide_use(state, "meeting", "m1", Decimal("5.50"), day)
    state = fold_entitlement(state, [used])
    assert entitlement.decide_use(state, "meeting", "m1", Decimal("5.50"), day) == []
    [beyond] = entitlement.decide_use(state, "meeting", "m2", Decimal("1.00"), day)
    assert isinstance(beyond, EntitlementUsed) and beyond.beyond_entitlement
    assert isinstance(used, EntitlementUsed) and not used.beyond_entitlement
    state = fold_entitlement(state, [beyond])
    assert state.remaining_on(day) == Decimal("-0.50")


def test_a_phase_change_mid_year_adjusts_from_its_day_and_never_below_the_days_used():
    state = granted("seed-001-carter", "stabilise")  # 15 days
    state = fold_entitlement(
        state,
        entitlement.decide_use(state, "meeting", "m1", Decimal("8.00"), dt.date(2026, 10, 1)),
    )
    change = dt.date(2027, 1, 10)
    [event] = entitlement.decide_adjust(
        state, basis("seed-001-carter", "sustain"), "phase_changed", change
    )
    assert isinstance(event, EntitlementAdjusted)
    assert (event.previous_total_days, event.total_days) == ("15.00", "8.00")
    state = fold_entitlement(state, [event])
    assert state.granted_on(change - dt.timedelta(days=1)) == Decimal("15.00")
    assert state.granted_on(change) == Decimal("8.00")
    assert state.remaining_on(change) == Decimal("0.00")


def test_an_adjustment_that_changes_nothing_appends_nothing():
    state = granted("seed-001-carter", "sustain")  # 3 days; universal adds 0
    assert (
        entitlement.decide_adjust(state, basis("seed-000-aid", None), "framework_changed", START)
        != []
    )
    assert (
        entitlement.decide_adjust(
            state, basis("seed-001-carter", "sustain"), "phase_changed", dt.date(2026, 10, 1)
        )
        == []
    )


def test_formal_intervention_adds_its_days_and_takes_them_away_when_it_ends():
    state = granted("seed-004-focus", "additional_support")  # 6 + 4
    started = entitlement.decide_adjust(
        state,
        basis("seed-004-focus", "additional_support", True),
        "formal_intervention_started",
        dt.date(2026, 12, 1),
    )
    state = fold_entitlement(state, started)
    assert state.total == Decimal("15.00")
    ended = entitlement.decide_adjust(
        state,
        basis("seed-004-focus", "additional_support"),
        "formal_intervention_ended",
        dt.date(2027, 4, 1),
    )
    state = fold_entitlement(state, ended)
    assert state.total == Decimal("10.00")
    assert [c.change for c in state.changes] == [
        "granted",
        "formal_intervention_started",
        "formal_intervention_ended",
    ]


def test_before_the_grant_nothing_is_granted():
    state = granted()
    assert state.granted_on(dt.date(2026, 8, 31)) == Decimal("0")
    assert entitlement.initial("heron+2026/27").remaining_on(START) == Decimal("0")


def test_a_grant_counts_from_the_start_of_the_year_or_from_joining():
    assert grant_effective_on(START, dt.date(2020, 9, 1)) == START
    assert grant_effective_on(START, dt.date(2027, 1, 4)) == dt.date(2027, 1, 4)

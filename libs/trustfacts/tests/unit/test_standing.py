"""Where an academy stood on a day: its history folded in the order it came, up
to and including that day, in the framework's words (tier, 'less than good'),
with formal interventions opened and closed by their ids."""

from __future__ import annotations

import datetime as dt

from facts_controls import PRESETS
from trustfacts.model import PhaseEvent, Standing, standing_on, standings

AID = PRESETS["seed-000-aid"]
JAN, FEB, MAR, APR = (dt.date(2027, m, 1) for m in (1, 2, 3, 4))


def phase(on: dt.date, phase_id: str) -> PhaseEvent:
    return PhaseEvent(on, phase=phase_id)


def opened(on: dt.date, intervention_id: str = "i1") -> PhaseEvent:
    return PhaseEvent(on, intervention_id=intervention_id, intervention_open=True)


def closed(on: dt.date, intervention_id: str = "i1") -> PhaseEvent:
    return PhaseEvent(on, intervention_id=intervention_id, intervention_open=False)


def test_nothing_decided_is_no_phase_and_good():
    assert standing_on(AID, [], MAR) == Standing(None, None, False, False)


def test_a_phase_is_in_force_from_its_day_in_the_frameworks_words():
    history = [phase(FEB, "not_yet_good")]
    assert standing_on(AID, history, JAN) == Standing()
    assert standing_on(AID, history, FEB) == Standing("not_yet_good", "additional", True, False)
    later = [*history, phase(APR, "good_or_better")]
    assert standing_on(AID, later, MAR).phase == "not_yet_good"
    assert standing_on(AID, later, APR) == Standing("good_or_better", "core", False, False)


def test_a_phase_the_framework_does_not_know_has_no_tier_and_counts_as_good():
    assert standing_on(AID, [phase(JAN, "retired")], FEB) == Standing("retired", None, False)


def test_events_of_one_day_fold_in_the_order_they_came():
    history = [phase(FEB, "not_yet_good"), phase(FEB, "good_or_better")]
    assert standing_on(AID, history, FEB).phase == "good_or_better"


def test_an_intervention_is_open_from_its_start_until_its_end():
    history = [phase(JAN, "not_yet_good"), opened(FEB), closed(APR)]
    assert not standing_on(AID, history, JAN).formal_intervention
    on_march = standing_on(AID, history, MAR)
    assert on_march.formal_intervention and on_march.phase == "not_yet_good"
    assert not standing_on(AID, history, APR).formal_intervention


def test_ending_one_intervention_leaves_another_open_and_an_unknown_end_closes_nothing():
    history = [opened(JAN, "i1"), opened(FEB, "i2"), closed(MAR, "i1"), closed(MAR, "i9")]
    assert standing_on(AID, history, APR).formal_intervention
    assert not standing_on(AID, [*history, closed(APR, "i2")], APR).formal_intervention


def test_standings_give_where_it_stood_after_each_event():
    history = [phase(JAN, "not_yet_good"), opened(FEB)]
    assert standings(AID, history) == [
        (history[0], Standing("not_yet_good", "additional", True, False)),
        (history[1], Standing("not_yet_good", "additional", True, True)),
    ]

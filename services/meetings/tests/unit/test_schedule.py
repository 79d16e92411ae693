"""Given a framework, an academy's facts and a year, then the meetings required;
when the facts change, then what reconcile adds and cancels (and replaying adds
nothing)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from itertools import pairwise

import pytest
from meetings.domain import meeting
from meetings.domain.calendar import SchoolYear, local_day
from meetings.domain.facts import Party, trust
from meetings.domain.meeting import MeetingState, Status
from meetings.domain.schedule import (
    Reconciled,
    RequiredMeeting,
    cadence_meeting_id,
    reconcile,
    required_meetings,
)
from meetings_controls import (
    LEAD,
    PRESETS,
    TRUST,
    YEAR,
    at,
    fact,
    framework,
    held,
    heron,
    recorded,
)
from trustfacts.model import TrustFramework

BEFORE = dt.date(2026, 6, 1)  # the facts were known before the year began


def plan(required: list[RequiredMeeting]) -> list[tuple[str, str]]:
    """(type, term) of each required meeting, in order."""
    return [(r.meeting_type, r.term) for r in required]


def per_type_and_term(required: list[RequiredMeeting]) -> Counter[tuple[str, str]]:
    return Counter(plan(required))


def in_phase(preset: str, phase: str, intervention: bool = False) -> Party:
    return heron(fact(preset, BEFORE, phase, intervention))


# -- the year's plan, per preset ------------------------------------------------------------


def test_seed_000_a_good_academy_has_three_aims_one_per_term():
    required = required_meetings(framework(), in_phase("seed-000-aid", "good_or_better"), YEAR)
    assert plan(required) == [("aim", "autumn"), ("aim", "spring"), ("aim", "summer")]
    assert [r.slot for r in required] == [1, 2, 3]


def test_seed_000_less_than_good_adds_three_interim_aims_each_between_the_aims():
    required = required_meetings(framework(), in_phase("seed-000-aid", "not_yet_good"), YEAR)
    assert plan(required) == [
        ("aim", "autumn"),
        ("interim_aim", "autumn"),
        ("aim", "spring"),
        ("interim_aim", "spring"),
        ("aim", "summer"),
        ("interim_aim", "summer"),
    ]
    days = [r.planned_on for r in required]
    assert days == sorted(days) and len(set(days)) == 6
    assert days[:2] == [dt.date(2026, 10, 5), dt.date(2026, 11, 16)]  # a third and two thirds in


def test_seed_001_stabilise_adds_the_intervention_group_twice_a_term():
    sustain = required_meetings(
        framework("seed-001-carter"), in_phase("seed-001-carter", "sustain"), YEAR
    )
    assert per_type_and_term(sustain) == {
        ("quality_assurance_review", t): 1 for t in ("autumn", "spring", "summer")
    }
    repair = required_meetings(
        framework("seed-001-carter"), in_phase("seed-001-carter", "repair"), YEAR
    )
    assert plan(repair) == plan(sustain)  # the group is for stabilise only
    stabilise = required_meetings(
        framework("seed-001-carter"), in_phase("seed-001-carter", "stabilise"), YEAR
    )
    assert per_type_and_term(stabilise) == {
        **{("quality_assurance_review", t): 1 for t in ("autumn", "spring", "summer")},
        **{("academy_intervention_group", t): 2 for t in ("autumn", "spring", "summer")},
    }


def test_seed_002_the_heads_executive_meeting_is_one_trust_wide_series_every_two_school_weeks():
    sussex = framework("seed-002-sussex")
    academy_plan = required_meetings(sussex, in_phase("seed-002-sussex", "standard"), YEAR)
    assert plan(academy_plan) == [("annual_review", "autumn")]  # "always the starting point"
    series = required_meetings(sussex, trust(TRUST), YEAR)
    assert {r.meeting_type for r in series} == {"heads_executive_meeting"}
    assert {r.academy_id for r in series} == {None}
    year = SchoolYear.of(PRESETS["seed-002-sussex"].term_calendar, YEAR)
    assert len(series) == len(year.school_weeks) // 2 == 19
    days = [r.planned_on for r in series]
    assert all(day in year.school_days for day in days)
    assert all(later - earlier >= dt.timedelta(days=14) for earlier, later in pairwise(days))
    assert {r.term for r in series} == {"autumn", "spring", "summer"}


def test_seed_003_category_1_requires_nothing_and_categories_2_and_3_a_termly_review():
    aspire = framework("seed-003-aspire")
    assert required_meetings(aspire, in_phase("seed-003-aspire", "category_1"), YEAR) == []
    for category in ("category_2", "category_3"):
        required = required_meetings(aspire, in_phase("seed-003-aspire", category), YEAR)
        assert plan(required) == [
            ("termly_review", "autumn"),
            ("termly_review", "spring"),
            ("termly_review", "summer"),
        ]


def test_seed_004_the_summer_partnership_visit_is_the_roundtable_and_six_consultancy_days():
    required = required_meetings(
        framework("seed-004-focus"), in_phase("seed-004-focus", "self_managing"), YEAR
    )
    assert per_type_and_term(required) == {
        ("partnership_visit", "autumn"): 1,
        ("partnership_visit", "spring"): 1,
        ("roundtable", "summer"): 1,
        **{("consultancy_visit", t): 2 for t in ("autumn", "spring", "summer")},
    }
    assert len({r.planned_on for r in required}) == len(required)  # never two on one day


def test_seed_004_formal_intervention_adds_a_task_group_about_monthly():
    required = required_meetings(
        framework("seed-004-focus"),
        in_phase("seed-004-focus", "additional_support", intervention=True),
        YEAR,
    )
    days = [r.planned_on for r in required if r.meeting_type == "task_group"]
    assert len(days) == 10
    gaps = [(later - earlier).days for earlier, later in pairwise(days)]
    assert all(21 <= gap <= 45 for gap in gaps), gaps
    # the phase named in applies_to suffices too
    by_phase = required_meetings(
        framework("seed-004-focus"), in_phase("seed-004-focus", "formal_intervention"), YEAR
    )
    assert sum(r.meeting_type == "task_group" for r in by_phase) == 10


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_the_plan_is_stable_and_only_on_school_days_of_the_year(preset):
    fw = framework(preset)
    year = SchoolYear.of(PRESETS[preset].term_calendar, YEAR)
    for phase in PRESETS[preset].phases:
        party = in_phase(preset, phase.id)
        required = required_meetings(fw, party, YEAR)
        assert required == required_meetings(fw, party, YEAR)
        assert all(r.planned_on in year.school_days and r.planned_on in r.window for r in required)
        assert all(year.term_of(r.planned_on) == r.term for r in required)
        assert len({r.key for r in required}) == len(required)


def test_an_academy_joining_mid_year_has_the_meetings_from_then_on():
    party = heron(fact("seed-000-aid", BEFORE, "good_or_better"), joined_on=dt.date(2027, 1, 4))
    required = required_meetings(framework(), party, YEAR)
    assert [(r.meeting_type, r.slot) for r in required] == [("aim", 2), ("aim", 3)]


def test_a_type_that_comes_to_apply_just_before_its_day_moves_to_give_notice():
    def task_groups(start: dt.date) -> list[tuple[int, dt.date]]:
        party = heron(
            fact("seed-004-focus", BEFORE, "self_managing"),
            fact("seed-004-focus", start, "additional_support", intervention=True),
            fact("seed-004-focus", dt.date(2027, 4, 30), "additional_support"),
        )
        return [
            (r.slot, r.planned_on)
            for r in required_meetings(framework("seed-004-focus"), party, YEAR)
            if r.meeting_type == "task_group"
        ]

    on_time = task_groups(dt.date(2027, 1, 11))
    assert on_time == [
        (5, dt.date(2027, 1, 22)),
        (6, dt.date(2027, 2, 24)),
        (7, dt.date(2027, 3, 23)),
    ]  # and none after the intervention ended
    late = task_groups(dt.date(2027, 1, 19))
    assert late[0] == (5, dt.date(2027, 1, 26))  # a week's notice, same window
    assert late[1:] == on_time[1:]


# -- reconcile: a phase change mid-year --------------------------------------------------------


def apply(
    fw: TrustFramework, party: Party, done: Reconciled, diary: dict[str, MeetingState]
) -> dict[str, MeetingState]:
    """The diary after the decisions that carry out ``done``."""
    diary = dict(diary)
    for todo in done.to_schedule:
        state = diary.get(todo.meeting_id, meeting.initial(todo.meeting_id))
        for event in meeting.decide_schedule_by_cadence(
            state, fw, party, todo.required.meeting_type, todo.required.slot, todo.scheduled_for
        ):
            state = meeting.evolve(state, recorded(event))
        diary[todo.meeting_id] = state
    for cancel in done.to_cancel:
        state = cancel.meeting
        for event in meeting.decide_cancel_no_longer_required(state, cancel.reason):
            state = meeting.evolve(state, recorded(event))
        diary[state.meeting_id] = state
    return diary


def run(
    fw: TrustFramework, party: Party, diary: dict[str, MeetingState], as_of: dt.date
) -> tuple[Reconciled, dict[str, MeetingState]]:
    done = reconcile(required_meetings(fw, party, YEAR), list(diary.values()), YEAR, as_of)
    return done, apply(fw, party, done, diary)


def hold(diary: dict[str, MeetingState], meeting_type: str, slot: int) -> dict[str, MeetingState]:
    [(meeting_id, state)] = [
        (i, m)
        for i, m in diary.items()
        if m.plan and (m.plan.meeting_type, m.plan.cadence_slot) == (meeting_type, slot)
    ]
    assert state.plan is not None
    event = held(meeting_id=meeting_id, meeting_type=meeting_type, held_on=state.plan.day)
    return {**diary, meeting_id: meeting.evolve(state, recorded(event))}


def slots(states: list[MeetingState] | list[meeting.MeetingState]) -> list[tuple[str, int | None]]:
    return sorted((m.plan.meeting_type, m.plan.cadence_slot) for m in states if m.plan)


def test_good_then_less_than_good_then_good_adds_and_cancels_the_right_meetings():
    fw = framework("seed-000-aid")
    good = fact("seed-000-aid", BEFORE, "good_or_better")
    party = heron(good)
    # Given the year planned in August
    done, diary = run(fw, party, {}, dt.date(2026, 8, 20))
    assert slots([diary[t.meeting_id] for t in done.to_schedule]) == [
        ("aim", 1),
        ("aim", 2),
        ("aim", 3),
    ]
    assert all(m.plan and m.plan.origin == "cadence" for m in diary.values())
    assert run(fw, party, diary, dt.date(2026, 8, 20))[0].changes_nothing  # replayed
    diary = hold(diary, "aim", 1)
    # When the board confirms "not yet good" on 11 January
    party = heron(good, fact("seed-000-aid", dt.date(2027, 1, 11), "not_yet_good"))
    done, diary = run(fw, party, diary, dt.date(2027, 1, 11))
    # Then interim AIMs for the rest of the year, none for the autumn that has gone
    assert slots([diary[t.meeting_id] for t in done.to_schedule]) == [
        ("interim_aim", 2),
        ("interim_aim", 3),
    ]
    assert done.to_cancel == []
    assert run(fw, party, diary, dt.date(2027, 1, 11))[0].changes_nothing
    diary = hold(diary, "aim", 2)
    diary = hold(diary, "interim_aim", 2)
    # When it is good again from 19 April
    party = heron(
        good,
        fact("seed-000-aid", dt.date(2027, 1, 11), "not_yet_good"),
        fact("seed-000-aid", dt.date(2027, 4, 19), "good_or_better"),
    )
    done, diary = run(fw, party, diary, dt.date(2027, 4, 19))
    # Then the summer interim AIM is cancelled, not deleted; the held ones untouched
    assert done.to_schedule == []
    assert slots([c.meeting for c in done.to_cancel]) == [("interim_aim", 3)]
    assert "no longer required" in done.to_cancel[0].reason
    statuses = {
        (m.plan.meeting_type, m.plan.cadence_slot): m.status for m in diary.values() if m.plan
    }
    assert statuses == {
        ("aim", 1): Status.HELD,
        ("aim", 2): Status.HELD,
        ("aim", 3): Status.SCHEDULED,
        ("interim_aim", 2): Status.HELD,
        ("interim_aim", 3): Status.CANCELLED,
    }
    cancelled = next(m for m in diary.values() if m.status == Status.CANCELLED)
    assert cancelled.cancelled is not None and cancelled.cancelled.why == "no_longer_required"
    assert run(fw, party, diary, dt.date(2027, 4, 19))[0].changes_nothing


def test_formal_intervention_starts_and_ends_monthly_task_groups():
    fw = framework("seed-004-focus")
    base = fact("seed-004-focus", BEFORE, "additional_support")
    _, diary = run(fw, heron(base), {}, dt.date(2026, 8, 20))
    started = fact("seed-004-focus", dt.date(2027, 1, 11), "additional_support", intervention=True)
    party = heron(base, started)
    done, diary = run(fw, party, diary, dt.date(2027, 1, 11))
    assert slots([diary[t.meeting_id] for t in done.to_schedule]) == [
        ("task_group", n) for n in range(5, 11)
    ]
    ended = fact("seed-004-focus", dt.date(2027, 4, 30), "additional_support")
    done, diary = run(fw, heron(base, started, ended), diary, dt.date(2027, 4, 30))
    assert done.to_schedule == []
    assert slots([c.meeting for c in done.to_cancel]) == [("task_group", n) for n in range(8, 11)]


def in_slot(diary: dict[str, MeetingState], meeting_type: str, slot: int) -> MeetingState:
    return next(
        m
        for m in diary.values()
        if m.plan and (m.plan.meeting_type, m.plan.cadence_slot) == (meeting_type, slot)
    )


def test_a_held_meeting_a_meeting_by_hand_and_one_cancelled_by_hand_are_left_be():
    fw = framework("seed-000-aid")
    ltg = heron(fact("seed-000-aid", BEFORE, "not_yet_good"))
    _, diary = run(fw, ltg, {}, dt.date(2026, 8, 20))
    diary = hold(diary, "interim_aim", 1)  # as if held already
    second = in_slot(diary, "interim_aim", 2)
    [cancelled] = meeting.decide_cancel(second, "the headteacher is on leave")
    diary[second.meeting_id] = meeting.evolve(second, recorded(cancelled))
    extra = meeting.ScheduleMeeting(
        "by-hand", "interim_aim", at(dt.date(2026, 12, 8)), "requested by the governors"
    )
    [scheduled] = meeting.decide_schedule(
        meeting.initial("by-hand"), fw, ltg, extra, dt.date(2026, 8, 20)
    )
    diary["by-hand"] = meeting.evolve(meeting.initial("by-hand"), recorded(scheduled))
    # a slot a person cancelled is not scheduled again, though still required
    assert run(fw, ltg, diary, dt.date(2026, 8, 21))[0].changes_nothing
    # good again (even backdated): only cadence meetings still to be held go,
    # never the held one nor the one by hand
    good = heron(fact("seed-000-aid", BEFORE, "good_or_better"))
    done, diary = run(fw, good, diary, dt.date(2026, 8, 21))
    assert slots([c.meeting for c in done.to_cancel]) == [("interim_aim", 3)]
    assert in_slot(diary, "interim_aim", 1).status == Status.HELD
    assert diary["by-hand"].status == Status.SCHEDULED


def test_a_slot_required_again_after_being_no_longer_required_gets_a_new_meeting():
    fw = framework("seed-000-aid")
    ltg = heron(fact("seed-000-aid", BEFORE, "not_yet_good"))
    good = heron(fact("seed-000-aid", BEFORE, "good_or_better"))
    _, diary = run(fw, ltg, {}, dt.date(2026, 8, 20))
    done, diary = run(fw, good, diary, dt.date(2026, 8, 21))
    assert len(done.to_cancel) == 3
    done, diary = run(fw, ltg, diary, dt.date(2026, 8, 22))
    assert slots([diary[t.meeting_id] for t in done.to_schedule]) == [
        ("interim_aim", 1),
        ("interim_aim", 2),
        ("interim_aim", 3),
    ]
    first = next(r for r in required_meetings(fw, ltg, YEAR) if r.meeting_type == "interim_aim")
    assert done.to_schedule[0].meeting_id == cadence_meeting_id(first, generation=1)
    assert cadence_meeting_id(first, 1) != cadence_meeting_id(first, 0)
    assert run(fw, ltg, diary, dt.date(2026, 8, 22))[0].changes_nothing


def test_reconciling_late_schedules_later_in_the_window_with_notice_or_not_at_all():
    fw = framework("seed-000-aid")
    party = heron(fact("seed-000-aid", BEFORE, "good_or_better"))
    [autumn, spring, summer] = required_meetings(fw, party, YEAR)
    # the autumn AIM's day (5 October) has passed; the autumn term has not
    done = reconcile([autumn], [], YEAR, dt.date(2026, 11, 30))
    [todo] = done.to_schedule
    assert todo.planned_on == dt.date(2026, 12, 7)  # a week's notice, a school day
    assert local_day(todo.scheduled_for) == todo.planned_on
    assert todo.scheduled_for.utcoffset() == dt.timedelta(0)  # GMT in December
    assert reconcile([autumn], [], YEAR, dt.date(2026, 12, 14)).changes_nothing  # too late
    summer_todo = reconcile([summer], [], YEAR, dt.date(2026, 8, 20)).to_schedule[0]
    assert summer_todo.scheduled_for.utcoffset() == dt.timedelta(hours=1)  # BST in May
    assert (
        spring.planned_on
        == reconcile([spring], [], YEAR, dt.date(2026, 8, 20)).to_schedule[0].planned_on
    )


def test_reconcile_ignores_other_years_and_past_meetings():
    fw = framework("seed-000-aid")
    ltg = heron(fact("seed-000-aid", BEFORE, "not_yet_good"))
    _, diary = run(fw, ltg, {}, dt.date(2026, 8, 20))
    good = heron(fact("seed-000-aid", BEFORE, "good_or_better"))
    # on 1 December the autumn interim AIM (16 November) is past: left for a person
    done = reconcile(
        required_meetings(fw, good, YEAR), list(diary.values()), YEAR, dt.date(2026, 12, 1)
    )
    assert slots([c.meeting for c in done.to_cancel]) == [("interim_aim", 2), ("interim_aim", 3)]
    assert reconcile([], list(diary.values()), "2027/28", dt.date(2027, 9, 1)).changes_nothing


def test_the_same_facts_give_the_same_meeting_ids_so_concurrent_runs_collide_not_duplicate():
    fw = framework("seed-000-aid")
    party = heron(fact("seed-000-aid", BEFORE, "good_or_better"))
    first = reconcile(required_meetings(fw, party, YEAR), [], YEAR, dt.date(2026, 8, 20))
    second = reconcile(required_meetings(fw, party, YEAR), [], YEAR, dt.date(2026, 8, 20))
    assert [t.meeting_id for t in first.to_schedule] == [t.meeting_id for t in second.to_schedule]
    state = meeting.initial(first.to_schedule[0].meeting_id)
    todo = first.to_schedule[0]
    [event] = meeting.decide_schedule_by_cadence(
        state, fw, party, todo.required.meeting_type, todo.required.slot, todo.scheduled_for
    )
    state = meeting.evolve(state, recorded(event, by=LEAD))
    assert (
        meeting.decide_schedule_by_cadence(
            state, fw, party, todo.required.meeting_type, todo.required.slot, todo.scheduled_for
        )
        == []
    )


PHASE_CHANGES = [
    ("seed-000-aid", "good_or_better", "not_yet_good", {"interim_aim"}),
    ("seed-001-carter", "sustain", "stabilise", {"academy_intervention_group"}),
    ("seed-002-sussex", "standard", "immediate_intervention", set()),
    ("seed-003-aspire", "category_1", "category_2", {"termly_review"}),
    ("seed-004-focus", "self_managing", "formal_intervention", {"task_group"}),
]


def hold_all_before(diary: dict[str, MeetingState], day: dt.date) -> dict[str, MeetingState]:
    for meeting_id, state in list(diary.items()):
        if state.status == Status.SCHEDULED and state.day is not None and state.day < day:
            assert state.plan is not None
            event = held(
                meeting_id=meeting_id, meeting_type=state.plan.meeting_type, held_on=state.day
            )
            diary[meeting_id] = meeting.evolve(state, recorded(event))
    return diary


@pytest.mark.parametrize(("preset", "good", "less_than_good", "types"), PHASE_CHANGES)
def test_per_preset_a_phase_change_mid_year_and_back(preset, good, less_than_good, types):
    fw = framework(preset)
    worse, better = dt.date(2027, 1, 11), dt.date(2027, 4, 19)
    facts = [fact(preset, BEFORE, good)]
    _, diary = run(fw, heron(*facts), {}, dt.date(2026, 8, 20))
    planned = dict(diary)
    diary = hold_all_before(diary, worse)
    # less than good from 11 January: only the types it brings, from then on
    facts.append(fact(preset, worse, less_than_good))
    done, diary = run(fw, heron(*facts), diary, worse)
    added = [t.required for t in done.to_schedule]
    assert {r.meeting_type for r in added} == types and done.to_cancel == []
    assert all(t.planned_on >= worse + dt.timedelta(days=7) for t in done.to_schedule)
    assert run(fw, heron(*facts), diary, worse)[0].changes_nothing
    diary = hold_all_before(diary, better)
    held_then = {i for i, m in diary.items() if m.status == Status.HELD}
    # good again from 19 April: those still to come are cancelled, nothing else
    facts.append(fact(preset, better, good))
    done, diary = run(fw, heron(*facts), diary, better)
    assert done.to_schedule == []
    cancelled = [c.meeting for c in done.to_cancel]
    assert {m.plan.meeting_type for m in cancelled if m.plan} == types
    assert all(m.day is not None and m.day >= better for m in cancelled)
    assert {i for i, m in diary.items() if m.status == Status.HELD} == held_then
    assert all(diary[i].status != Status.CANCELLED for i in planned)  # the year's own stay
    assert run(fw, heron(*facts), diary, better)[0].changes_nothing


def test_without_its_host_a_stand_in_keeps_to_its_term():
    focus = PRESETS["seed-004-focus"]
    without_visits = focus.model_copy(
        update={"meeting_types": [m for m in focus.meeting_types if m.id != "partnership_visit"]}
    )
    fw = TrustFramework(TRUST, 2, without_visits, "seed-004-focus")
    required = required_meetings(fw, in_phase("seed-004-focus", "self_managing"), YEAR)
    assert [r.term for r in required if r.meeting_type == "roundtable"] == ["summer"]

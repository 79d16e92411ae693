"""Given the year's required meetings, the academy's meetings and actions, then
compliance as of a date: required, scheduled and held per type, papers and
notes, area coverage and its gaps, open and overdue actions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from contracts.meetings.v1 import (
    ActionCompleted,
    ActionRaised,
    MeetingCancelled,
    NotesApproved,
    PaperSubmitted,
)
from meetings.domain.calendar import SchoolYear
from meetings.domain.compliance import compliance
from meetings.domain.schedule import required_meetings
from meetings_controls import (
    ACADEMY,
    HEAD,
    PRESETS,
    TRUST,
    YEAR,
    at,
    drafted,
    fact,
    framework,
    held,
    heron,
    scheduled,
    with_action_events,
    with_events,
)

AID = framework("seed-000-aid")
PARTY = heron(fact("seed-000-aid", dt.date(2026, 6, 1), "not_yet_good"))
AS_OF = dt.date(2027, 1, 10)


def paper(name: str, submitted_on: dt.date, due_on: dt.date) -> PaperSubmitted:
    return PaperSubmitted(
        trust_id=TRUST,
        meeting_id="aim-1",
        academy_id=ACADEMY,
        paper=name,
        title=name,
        reference="doc",
        submitted_by=HEAD,
        submitted_on=submitted_on,
        due_on=due_on,
    )


def action_events(action_id: str, due_on: dt.date, completed_on: dt.date | None = None) -> list:
    events: list = [
        ActionRaised(
            trust_id=TRUST,
            action_id=action_id,
            meeting_id="aim-1",
            academy_id=ACADEMY,
            title=action_id,
            owner=HEAD,
            raised_on=dt.date(2026, 10, 5),
            due_on=due_on,
        )
    ]
    if completed_on is not None:
        events.append(
            ActionCompleted(
                trust_id=TRUST,
                action_id=action_id,
                meeting_id="aim-1",
                academy_id=ACADEMY,
                completed_on=completed_on,
            )
        )
    return events


def the_year():
    required = required_meetings(AID, PARTY, YEAR)
    by_key = {r.key: r for r in required}

    def cadence(meeting_type: str, slot: int, *more):
        day = by_key[meeting_type, slot].planned_on
        meeting_id = f"{meeting_type}-{slot}"
        return with_events(
            scheduled(
                meeting_id=meeting_id,
                meeting_type=meeting_type,
                cadence_slot=slot,
                scheduled_for=at(day),
                term=by_key[meeting_type, slot].term,
            ),
            *more,
            meeting_id=meeting_id,
        )

    aim_day = by_key["aim", 1].planned_on
    due = aim_day - dt.timedelta(days=7)
    meetings = [
        cadence(
            "aim",
            1,
            paper("headteacher report", due, due),
            paper("latest achievement data", due + dt.timedelta(days=1), due),
            held(
                meeting_id="aim-1",
                held_on=aim_day,
                focus_areas=["quality_of_education", "behaviour_and_attitudes"],
            ),
            drafted(meeting_id="aim-1", drafted_on=aim_day + dt.timedelta(days=1)),
            NotesApproved(
                trust_id=TRUST, meeting_id="aim-1", academy_id=ACADEMY, notes_id="n1", approver=HEAD
            ),
        ),
        cadence("aim", 2),
        cadence("aim", 3),
        cadence(
            "interim_aim",
            1,
            MeetingCancelled(
                trust_id=TRUST,
                meeting_id="interim_aim-1",
                academy_id=ACADEMY,
                why="by_hand",
                reason="the headteacher was ill",
            ),
        ),
        cadence("interim_aim", 2),
        cadence("interim_aim", 3),
    ]
    actions = [
        with_action_events(*action_events("late", dt.date(2026, 12, 1)), action_id="late"),
        with_action_events(*action_events("open", dt.date(2027, 2, 1)), action_id="open"),
        with_action_events(
            *action_events("done", dt.date(2026, 12, 1), dt.date(2026, 11, 30)), action_id="done"
        ),
    ]
    return required, meetings, actions


def test_compliance_for_a_less_than_good_academy_part_way_through_the_year():
    required, meetings, actions = the_year()
    report = compliance(AID, YEAR, AS_OF, required, meetings, actions)
    by_type = {t.meeting_type: t for t in report.types}
    aim, interim = by_type["aim"], by_type["interim_aim"]
    assert (aim.required, aim.due_to_date, aim.scheduled, aim.held, aim.cancelled) == (
        3,
        1,
        3,
        1,
        0,
    )
    assert aim.behind == 0
    assert aim.papers == {"on_time": 1, "late": 1, "missing": 2, "not_yet_due": 8}
    assert (aim.notes_circulated, aim.notes_awaiting_approval, aim.notes_not_drafted) == (0, 1, 0)
    assert (interim.required, interim.due_to_date, interim.scheduled, interim.held) == (3, 1, 2, 0)
    assert (interim.cancelled, interim.behind) == (1, 1)
    assert report.coverage.covered == ("quality_of_education", "behaviour_and_attitudes")
    assert report.coverage.gaps == (
        "personal_development",
        "leadership_and_management",
        "early_years",
        "sixth_form",
    )
    assert report.entitlement_days_used == Decimal("1.00")
    assert sorted(a.action_id for a in report.open_actions) == ["late", "open"]
    assert [a.action_id for a in report.overdue_actions] == ["late"]


def test_coverage_counts_only_the_areas_that_apply_and_never_the_overall_judgement():
    required, meetings, actions = the_year()
    report = compliance(
        AID,
        YEAR,
        AS_OF,
        required,
        meetings,
        actions,
        applicable_areas=["quality_of_education", "behaviour_and_attitudes", "early_years"],
    )
    assert report.coverage.areas == (
        "quality_of_education",
        "behaviour_and_attitudes",
        "early_years",
    )
    assert report.coverage.gaps == ("early_years",)
    assert "overall_effectiveness" not in compliance(AID, YEAR, AS_OF, [], [], []).coverage.areas


def test_before_the_year_nothing_is_due_or_behind():
    required, meetings, _ = the_year()
    report = compliance(AID, YEAR, dt.date(2026, 9, 1), required, meetings[1:], [])
    assert all(t.due_to_date == 0 and t.behind == 0 for t in report.types)
    assert report.open_actions == () and report.entitlement_days_used == Decimal("0.00")


def test_the_school_year_of_the_default_calendar():
    year = SchoolYear.of(PRESETS["seed-000-aid"].term_calendar, YEAR)
    assert [(h.term, h.half, h.first_day, h.last_day) for h in year.half_terms] == [
        ("autumn", 1, dt.date(2026, 9, 1), dt.date(2026, 10, 24)),
        ("autumn", 2, dt.date(2026, 11, 2), dt.date(2026, 12, 19)),  # a week's half-term
        ("spring", 1, dt.date(2027, 1, 4), dt.date(2027, 2, 13)),  # two weeks at Christmas
        ("spring", 2, dt.date(2027, 2, 22), dt.date(2027, 3, 27)),
        ("summer", 1, dt.date(2027, 4, 12), dt.date(2027, 5, 22)),  # two weeks at Easter
        ("summer", 2, dt.date(2027, 5, 31), dt.date(2027, 7, 17)),
    ]
    assert len(year.school_weeks) == 39 and len(year.school_days) == 194
    assert year.term_of(dt.date(2026, 12, 24)) == "autumn"
    assert year.term_of(dt.date(2027, 4, 1)) == "spring"
    assert year.term_of(dt.date(2027, 8, 20)) == "summer"
    assert year.next_school_day(dt.date(2026, 10, 26)) == dt.date(2026, 11, 2)

"""Given a meeting's events, when a command, then its events or a clear refusal:
scheduling by hand, rescheduling, cancelling, apologies, papers, holding it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from chassis.errors import (
    AlreadyExists,
    DomainError,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from contracts.meetings.v1 import MeetingCancelled, MeetingRescheduled, PaperSubmitted, Person
from meetings.domain import attendance, meeting, papers
from meetings.domain.facts import trust
from meetings.domain.meeting import Status
from meetings.domain.papers import PaperStatus
from meetings_controls import (
    ACADEMY,
    CHAIR,
    FINANCE,
    HEAD,
    LEAD,
    PARTNER,
    TODAY,
    TRUST,
    VICE_CHAIR,
    at,
    fact,
    framework,
    held,
    heron,
    recorded,
    scheduled,
    with_events,
)

AID = framework("seed-000-aid")
HERON = heron(fact("seed-000-aid", dt.date(2026, 6, 1), "good_or_better"))
NEW = meeting.initial("m1")
SCHEDULED = with_events(scheduled())
CANCELLED = with_events(
    scheduled(),
    MeetingCancelled(
        trust_id=TRUST, meeting_id="m1", academy_id=ACADEMY, why="by_hand", reason="snow"
    ),
)
HELD = with_events(scheduled(), held())


def schedule(**overrides: Any) -> meeting.ScheduleMeeting:
    fields: dict[str, Any] = dict(
        meeting_id="m1",
        meeting_type="interim_aim",
        scheduled_for=at(dt.date(2026, 12, 8)),
        reason="requested by the governors",
    )
    return meeting.ScheduleMeeting(**{**fields, **overrides})


def hold(**overrides: Any) -> attendance.HoldMeeting:
    fields: dict[str, Any] = dict(
        meeting_id="m1",
        held_on=dt.date(2026, 12, 3),
        attendees=[LEAD, HEAD, CHAIR],
        focus_areas=["quality_of_education"],
        area_judgements={"quality_of_education": "good"},
    )
    return attendance.HoldMeeting(**{**fields, **overrides})


def paper(**overrides: Any) -> papers.SubmitPaper:
    fields: dict[str, Any] = dict(
        meeting_id="m1",
        paper="headteacher report",
        title="Report to the AIM",
        reference="https://docs.example/heron/report",
        submitted_by=HEAD,
        submitted_on=dt.date(2026, 11, 25),
    )
    return papers.SubmitPaper(**{**fields, **overrides})


def then(state: meeting.MeetingState, events: list[Any]) -> meeting.MeetingState:
    for event in events:
        state = meeting.evolve(state, recorded(event))
    return state


LATER = dt.date(2026, 12, 10)


# -- what the rules allow -------------------------------------------------------------------


def test_a_meeting_scheduled_by_hand_takes_its_year_term_and_duration_from_the_framework():
    [event] = meeting.decide_schedule(NEW, AID, HERON, schedule(), TODAY)
    assert (event.origin, event.reason, event.cadence_slot) == (
        "by_hand",
        "requested by the governors",
        None,
    )
    assert (event.academic_year, event.term, event.duration_minutes) == ("2026/27", "autumn", 180)
    assert (event.academy_id, event.framework_version) == (ACADEMY, 1)
    # in the Christmas holiday it still counts with the autumn term; in January, spring
    [holiday] = meeting.decide_schedule(
        NEW, AID, HERON, schedule(scheduled_for=at(dt.date(2026, 12, 22))), TODAY
    )
    [january] = meeting.decide_schedule(
        NEW, AID, HERON, schedule(scheduled_for=at(dt.date(2027, 1, 5))), TODAY
    )
    assert (holiday.term, january.term) == ("autumn", "spring")


def test_a_trust_wide_meeting_is_scheduled_for_the_trust_with_no_academy():
    [event] = meeting.decide_schedule(
        NEW,
        framework("seed-002-sussex"),
        trust(TRUST),
        schedule(meeting_type="heads_executive_meeting"),
        TODAY,
    )
    assert event.academy_id is None and event.trust_id == TRUST


def test_rescheduling_keeps_the_old_time_and_may_change_the_term():
    [event] = meeting.decide_reschedule(
        SCHEDULED,
        meeting.RescheduleMeeting("m1", at(dt.date(2027, 1, 12), 14), "Ofsted arrived"),
        AID,
        TODAY,
    )
    assert isinstance(event, MeetingRescheduled)
    assert event.old_scheduled_for == at(dt.date(2026, 12, 3))
    assert event.term == "spring"
    state = then(SCHEDULED, [event])
    assert state.plan is not None and state.plan.day == dt.date(2027, 1, 12)


def test_a_cancelled_meeting_stays_with_why():
    [event] = meeting.decide_cancel(SCHEDULED, "the headteacher is ill")
    state = then(SCHEDULED, [event])
    assert state.status == Status.CANCELLED and state.plan is not None
    assert state.cancelled == meeting.Cancellation("by_hand", "the headteacher is ill")
    assert meeting.decide_cancel_no_longer_required(state, "not needed") == []  # already


def test_apologies_with_a_substitute_are_recorded():
    [event] = attendance.decide_apologies(SCHEDULED, AID, CHAIR, VICE_CHAIR)
    state = then(SCHEDULED, [event])
    assert state.apologies == (meeting.Apology(CHAIR, VICE_CHAIR),)
    [alone] = attendance.decide_apologies(state, AID, PARTNER, None)
    assert alone.substitute is None


def test_papers_are_on_time_late_or_missing_as_of_a_date():
    # The AIM is on Thursday 3 December; its papers are due a week before (26 November).
    [on_time] = papers.decide_submit_paper(
        SCHEDULED, AID, paper(submitted_on=dt.date(2026, 11, 26))
    )
    assert isinstance(on_time, PaperSubmitted) and on_time.due_on == dt.date(2026, 11, 26)
    [late] = papers.decide_submit_paper(
        SCHEDULED,
        AID,
        paper(paper="latest achievement data", submitted_on=dt.date(2026, 11, 27)),
    )
    state = then(SCHEDULED, [on_time, late])
    aim = AID.meeting_type("aim")
    assert aim is not None

    def statuses(as_of: dt.date) -> dict[str, PaperStatus]:
        return {p.paper: p.status for p in papers.papers_due(state, aim, as_of)}

    assert statuses(dt.date(2026, 11, 26)) == {
        "agenda": PaperStatus.NOT_YET_DUE,  # the due day itself is still in time
        "previous AIM report": PaperStatus.NOT_YET_DUE,
        "headteacher report": PaperStatus.ON_TIME,
        "latest achievement data": PaperStatus.NOT_YET_DUE,
    }
    assert statuses(dt.date(2026, 11, 27)) == {
        "agenda": PaperStatus.MISSING,
        "previous AIM report": PaperStatus.MISSING,
        "headteacher report": PaperStatus.ON_TIME,
        "latest achievement data": PaperStatus.LATE,
    }


def test_a_held_meeting_records_attendees_focus_judgements_and_entitlement_days():
    [event] = attendance.decide_hold(
        SCHEDULED,
        AID,
        hold(focus_areas=["quality_of_education", "early_years", "quality_of_education"]),
        TODAY + dt.timedelta(days=30),
    )
    assert event.focus_areas == ["quality_of_education", "early_years"]
    assert event.area_judgements == {"quality_of_education": "good"}
    assert event.entitlement_days == "1.00" and event.scheme == "ofsted-2019"
    state = then(SCHEDULED, [event])
    assert state.status == Status.HELD and state.held is not None
    assert state.held.entitlement_days == Decimal("1.00")
    interim = with_events(scheduled(meeting_type="interim_aim"))
    [half_day] = attendance.decide_hold(interim, AID, hold(), LATER)
    assert half_day.entitlement_days == "0.50"  # a decimal, never a float


# -- refusals ---------------------------------------------------------------------------------

REFUSALS: list[tuple[str, Callable[[], object], type[DomainError], str]] = [
    (
        "an unknown meeting type",
        lambda: meeting.decide_schedule(NEW, AID, HERON, schedule(meeting_type="coffee"), TODAY),
        InvalidArgument,
        r"'coffee' is not in the trust's framework \(aim, interim_aim\)",
    ),
    (
        "a trust-wide type for an academy",
        lambda: meeting.decide_schedule(
            NEW,
            framework("seed-002-sussex"),
            HERON,
            schedule(meeting_type="heads_executive_meeting"),
            TODAY,
        ),
        InvalidArgument,
        "held once for the whole trust: schedule it without an academy",
    ),
    (
        "an academy's type for the trust",
        lambda: meeting.decide_schedule(NEW, AID, trust(TRUST), schedule(), TODAY),
        InvalidArgument,
        "interim_aim is held per academy: name the academy",
    ),
    (
        "a time without its offset",
        lambda: meeting.decide_schedule(
            NEW, AID, HERON, schedule(scheduled_for=dt.datetime(2026, 12, 8, 9, 30)), TODAY
        ),
        InvalidArgument,
        r"scheduled_for needs its UTC offset, e.g. 2026-12-08T09:30:00\+01:00",
    ),
    (
        "a day in the past",
        lambda: meeting.decide_schedule(
            NEW, AID, HERON, schedule(scheduled_for=at(dt.date(2026, 11, 19))), TODAY
        ),
        InvalidArgument,
        r"2026-11-19 is in the past; choose today \(2026-11-20\) or later",
    ),
    (
        "no reason by hand",
        lambda: meeting.decide_schedule(NEW, AID, HERON, schedule(reason=" "), TODAY),
        InvalidArgument,
        r"reason \(why it is scheduled by hand\) must not be empty",
    ),
    (
        "a ten-minute meeting",
        lambda: meeting.decide_schedule(NEW, AID, HERON, schedule(duration_minutes=10), TODAY),
        InvalidArgument,
        "duration_minutes must be 15 to 480, got 10",
    ),
    (
        "an academy that has left",
        lambda: meeting.decide_schedule(
            NEW,
            AID,
            heron(left_on=dt.date(2026, 11, 30)),
            schedule(),
            TODAY,
        ),
        FailedPrecondition,
        "academy heron is not in the trust on 2026-12-08",
    ),
    (
        "scheduling the same meeting twice",
        lambda: meeting.decide_schedule(SCHEDULED, AID, HERON, schedule(), TODAY),
        AlreadyExists,
        "meeting m1 is already scheduled",
    ),
    (
        "rescheduling an unknown meeting",
        lambda: meeting.decide_reschedule(
            NEW, meeting.RescheduleMeeting("m1", at(LATER), "why"), AID, TODAY
        ),
        NotFound,
        "there is no meeting m1",
    ),
    (
        "rescheduling a cancelled meeting",
        lambda: meeting.decide_reschedule(
            CANCELLED, meeting.RescheduleMeeting("m1", at(LATER), "why"), AID, TODAY
        ),
        FailedPrecondition,
        r"was cancelled \(by_hand: snow\); rescheduling needs a meeting still to be held",
    ),
    (
        "rescheduling a held meeting",
        lambda: meeting.decide_reschedule(
            HELD, meeting.RescheduleMeeting("m1", at(LATER), "why"), AID, TODAY
        ),
        FailedPrecondition,
        "was held on 2026-12-03",
    ),
    (
        "rescheduling into another year",
        lambda: meeting.decide_reschedule(
            SCHEDULED,
            meeting.RescheduleMeeting("m1", at(dt.date(2027, 9, 8)), "why"),
            AID,
            TODAY,
        ),
        FailedPrecondition,
        "outside 2026/27: cancel this meeting and schedule one in 2027/28",
    ),
    (
        "rescheduling to the same time",
        lambda: meeting.decide_reschedule(
            SCHEDULED,
            meeting.RescheduleMeeting("m1", at(dt.date(2026, 12, 3)), "why"),
            AID,
            TODAY,
        ),
        FailedPrecondition,
        "is already at",
    ),
    (
        "rescheduling without a reason",
        lambda: meeting.decide_reschedule(
            SCHEDULED, meeting.RescheduleMeeting("m1", at(LATER), ""), AID, TODAY
        ),
        InvalidArgument,
        "reason must not be empty",
    ),
    (
        "cancelling a held meeting",
        lambda: meeting.decide_cancel(HELD, "no longer needed"),
        FailedPrecondition,
        "was held on 2026-12-03; cancelling needs a meeting still to be held",
    ),
    (
        "a held meeting is never cancelled as no longer required",
        lambda: meeting.decide_cancel_no_longer_required(HELD, "phase changed"),
        FailedPrecondition,
        "was held on 2026-12-03",
    ),
    (
        "cancelling without a reason",
        lambda: meeting.decide_cancel(SCHEDULED, " "),
        InvalidArgument,
        "reason must not be empty",
    ),
    (
        "apologies from someone not attending",
        lambda: attendance.decide_apologies(SCHEDULED, AID, FINANCE, None),
        InvalidArgument,
        r"finance is not among the aim's attendees \(improvement_lead, headteacher, "
        r"chair_of_lgb, provider\)",
    ),
    (
        "apologies twice",
        lambda: attendance.decide_apologies(
            then(SCHEDULED, attendance.decide_apologies(SCHEDULED, AID, CHAIR, None)),
            AID,
            CHAIR,
            None,
        ),
        FailedPrecondition,
        "chair@heron.example already gave apologies",
    ),
    (
        "a substitute who is the same person",
        lambda: attendance.decide_apologies(SCHEDULED, AID, CHAIR, CHAIR),
        InvalidArgument,
        "a substitute is someone else",
    ),
    (
        "a substitute in no role of the meeting",
        lambda: attendance.decide_apologies(SCHEDULED, AID, CHAIR, FINANCE),
        InvalidArgument,
        "a substitute attends in one of the aim's roles",
    ),
    (
        "apologies for a cancelled meeting",
        lambda: attendance.decide_apologies(CANCELLED, AID, CHAIR, None),
        FailedPrecondition,
        "giving apologies needs a meeting still to be held",
    ),
    (
        "a paper the type does not have",
        lambda: papers.decide_submit_paper(SCHEDULED, AID, paper(paper="minutes")),
        InvalidArgument,
        "the aim has no paper 'minutes'; its papers: agenda, previous AIM report, "
        "headteacher report, latest achievement data",
    ),
    (
        "a paper for a type with none",
        lambda: papers.decide_submit_paper(
            with_events(scheduled(meeting_type="interim_aim")), AID, paper()
        ),
        InvalidArgument,
        "the interim_aim has no paper 'headteacher report'; it has no papers",
    ),
    (
        "a paper from the wrong role",
        lambda: papers.decide_submit_paper(SCHEDULED, AID, paper(paper="agenda")),
        PermissionDenied,
        "the agenda is provided by the improvement_lead; you are headteacher",
    ),
    (
        "a paper twice",
        lambda: papers.decide_submit_paper(
            then(SCHEDULED, papers.decide_submit_paper(SCHEDULED, AID, paper())), AID, paper()
        ),
        FailedPrecondition,
        "the headteacher report was already submitted on 2026-11-25",
    ),
    (
        "a paper after the meeting was held",
        lambda: papers.decide_submit_paper(HELD, AID, paper()),
        FailedPrecondition,
        "submitting a paper needs a meeting still to be held",
    ),
    (
        "a paper without a title",
        lambda: papers.decide_submit_paper(SCHEDULED, AID, paper(title="")),
        InvalidArgument,
        "title must not be empty",
    ),
    (
        "holding a cancelled meeting",
        lambda: attendance.decide_hold(CANCELLED, AID, hold(), LATER),
        FailedPrecondition,
        "was cancelled",
    ),
    (
        "holding a meeting twice",
        lambda: attendance.decide_hold(HELD, AID, hold(), LATER),
        FailedPrecondition,
        "was held on 2026-12-03",
    ),
    (
        "a meeting held in the future",
        lambda: attendance.decide_hold(SCHEDULED, AID, hold(), dt.date(2026, 12, 2)),
        InvalidArgument,
        "held_on 2026-12-03 is in the future",
    ),
    (
        "a meeting held in another year",
        lambda: attendance.decide_hold(SCHEDULED, AID, hold(held_on=dt.date(2026, 8, 31)), LATER),
        InvalidArgument,
        "outside the meeting's year 2026/27",
    ),
    (
        "a meeting held without attendees",
        lambda: attendance.decide_hold(SCHEDULED, AID, hold(attendees=[]), LATER),
        InvalidArgument,
        "a held meeting needs its attendees",
    ),
    (
        "an attendee named twice",
        lambda: attendance.decide_hold(SCHEDULED, AID, hold(attendees=[LEAD, LEAD]), LATER),
        InvalidArgument,
        "each attendee is named once",
    ),
    (
        "an attendee without a role",
        lambda: attendance.decide_hold(
            SCHEDULED, AID, hold(attendees=[Person(subject="x@y", role=" ")]), LATER
        ),
        InvalidArgument,
        "attendees.role must not be empty",
    ),
    (
        "a focus area off the scheme",
        lambda: attendance.decide_hold(SCHEDULED, AID, hold(focus_areas=["inclusion"]), LATER),
        InvalidArgument,
        "focus area 'inclusion' is not on the trust's scheme",
    ),
    (
        "a focus area that does not apply to the academy",
        lambda: attendance.decide_hold(
            SCHEDULED,
            AID,
            hold(focus_areas=["sixth_form"]),
            LATER,
            frozenset({"quality_of_education", "early_years"}),
        ),
        InvalidArgument,
        "focus area 'sixth_form' does not apply to this academy",
    ),
    (
        "a grade off the scheme",
        lambda: attendance.decide_hold(
            SCHEDULED,
            AID,
            hold(area_judgements={"quality_of_education": "strong_standard"}),
            LATER,
        ),
        InvalidArgument,
        "grade 'strong_standard' is not on ofsted-2019",
    ),
]


@pytest.mark.parametrize(
    ("decide", "error", "message"),
    [pytest.param(decide, error, message, id=name) for name, decide, error, message in REFUSALS],
)
def test_refusals_say_what_would_be_right(decide, error, message):
    with pytest.raises(error, match=message):
        decide()

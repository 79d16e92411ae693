"""Given the cadence's meetings, when apologies are given, papers submitted or a
meeting held, then the events with their actor and the meeting list in step;
refusals say what would be right and append nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from chassis.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from meetings.application import attendance, diary
from meetings.domain import attendance as rules
from meetings.domain.papers import PaperStatus
from meetings_controls import ACADEMY, CEO, CHAIR, CONSULTANT, HEAD, LEAD, PARTNER, TODAY
from meetings_world import cause, principal

LEAD_P, HEAD_P, CHAIR_P = (
    principal(LEAD, ACADEMY),
    principal(HEAD, ACADEMY),
    principal(CHAIR, ACADEMY),
)
CEO_P = principal(CEO)


@pytest.fixture
async def aid(world):
    world.trust("seed-000-aid")
    world.academy()
    await world.register()
    return world


def first(world, meeting_type: str = "aim"):
    return world.rows(meeting_type=meeting_type)[0]


def hold(meeting_id: str, held_on: dt.date, **overrides: Any) -> rules.HoldMeeting:
    fields: dict[str, Any] = dict(
        attendees=[LEAD, HEAD, CHAIR],
        focus_areas=["quality_of_education", "early_years"],
        area_judgements={"quality_of_education": "good"},
    )
    return rules.HoldMeeting(meeting_id, held_on, **{**fields, **overrides})


async def test_apologies_one_gives_ones_own_and_the_chair_records_anyones(aid):
    meeting_id = first(aid).meeting_id
    view = await attendance.give_apologies(
        aid.ports, HEAD_P, meeting_id, HEAD, None, TODAY, cause(HEAD_P)
    )
    assert [a.attendee for a in view.meeting.apologies] == [HEAD]
    view = await attendance.give_apologies(
        aid.ports,
        LEAD_P,
        meeting_id,
        CHAIR,
        PARTNER.model_copy(update={"role": "chair_of_lgb"}),
        TODAY,
        cause(LEAD_P),
    )
    assert view.meeting.apologies[-1].substitute is not None
    with pytest.raises(PermissionDenied, match="you give your own"):
        await attendance.give_apologies(
            aid.ports, HEAD_P, meeting_id, CHAIR, None, TODAY, cause(HEAD_P)
        )
    assert [e.actor.subject for e in aid.envelopes()[-2:]] == [HEAD.subject, LEAD.subject]


async def test_papers_are_submitted_by_their_provider_and_late_ones_show_late(aid):
    row = first(aid)
    day = row.scheduled_for.date()
    on_time = attendance.SubmitPaper(
        row.meeting_id, "agenda", "Agenda", "doc/1", day - dt.timedelta(days=8)
    )
    view = await attendance.submit_paper(aid.ports, LEAD_P, on_time, day, cause(LEAD_P))
    late = attendance.SubmitPaper(row.meeting_id, "headteacher report", "Report", "doc/2", None)
    view = await attendance.submit_paper(aid.ports, HEAD_P, late, day, cause(HEAD_P))
    statuses = {due.paper: (due.status, paper) for due, paper in view.papers}
    assert statuses["agenda"][0] == PaperStatus.ON_TIME
    assert statuses["headteacher report"][0] == PaperStatus.LATE
    assert statuses["headteacher report"][1] is not None
    assert statuses["headteacher report"][1].submitted_by == HEAD
    assert statuses["latest achievement data"] == (PaperStatus.MISSING, None)


@pytest.mark.parametrize(
    ("paper", "who", "error", "message"),
    [
        ("minutes", HEAD_P, InvalidArgument, "the aim has no paper 'minutes'; its papers: agenda"),
        ("headteacher report", LEAD_P, PermissionDenied, "provided by the headteacher"),
        ("headteacher report", CEO_P, PermissionDenied, "you are chief_executive"),
    ],
)
async def test_a_paper_the_type_does_not_have_or_from_another_role_is_refused(
    aid, paper, who, error, message
):
    before = len(aid.envelopes())
    command = attendance.SubmitPaper(first(aid).meeting_id, paper, "t", "r", None)
    with pytest.raises(error, match=message):
        await attendance.submit_paper(aid.ports, who, command, TODAY, cause(who))
    assert len(aid.envelopes()) == before


async def test_a_paper_dated_in_the_future_is_refused(aid):
    command = attendance.SubmitPaper(
        first(aid).meeting_id, "agenda", "t", "r", TODAY + dt.timedelta(days=1)
    )
    with pytest.raises(InvalidArgument, match="submitted_on 2026-11-21 is in the future"):
        await attendance.submit_paper(aid.ports, LEAD_P, command, TODAY, cause(LEAD_P))


async def test_held_with_focus_areas_on_the_scheme_and_the_list_follows(aid):
    row = first(aid)
    day = row.scheduled_for.date()
    view = await attendance.hold(aid.ports, LEAD_P, hold(row.meeting_id, day), TODAY, cause(LEAD_P))
    held = view.meeting.held
    assert held is not None and held.focus_areas == ("quality_of_education", "early_years")
    assert str(held.entitlement_days) == "1.00"
    assert first(aid).status == "held"


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        (
            dict(focus_areas=["inclusion"]),
            InvalidArgument,
            "focus area 'inclusion' is not on the trust's scheme",
        ),
        (
            dict(focus_areas=["sixth_form"]),
            InvalidArgument,
            "'sixth_form' does not apply to this academy",
        ),
        (
            dict(area_judgements={"quality_of_education": "superb"}),
            InvalidArgument,
            "grade 'superb'",
        ),
        (dict(attendees=[]), InvalidArgument, "needs its attendees"),
    ],
)
async def test_holding_is_refused_on_bad_input(aid, change, error, message):
    row = first(aid)
    command = hold(row.meeting_id, row.scheduled_for.date(), **change)
    with pytest.raises(error, match=message):
        await attendance.hold(aid.ports, LEAD_P, command, TODAY, cause(LEAD_P))
    assert first(aid).status == "scheduled"


async def test_a_cancelled_meeting_is_not_held(aid):
    row = first(aid)
    await diary.cancel(
        aid.ports, LEAD_P, diary.CancelMeeting(row.meeting_id, "snow"), TODAY, cause(LEAD_P)
    )
    with pytest.raises(
        FailedPrecondition, match=r"was cancelled .*holding it needs a meeting still to be held"
    ):
        await attendance.hold(aid.ports, LEAD_P, hold(row.meeting_id, TODAY), TODAY, cause(LEAD_P))


async def test_a_meeting_after_the_academy_left_is_not_held(aid):
    row = first(aid)
    aid.academy(left_on=dt.date(2026, 10, 1))
    with pytest.raises(FailedPrecondition, match="left the trust on 2026-10-01"):
        await attendance.hold(aid.ports, LEAD_P, hold(row.meeting_id, TODAY), TODAY, cause(LEAD_P))


async def test_a_provider_records_only_the_visits_it_chairs(world):
    world.trust("seed-004-focus")
    world.academy()
    await world.register()
    provider = principal(CONSULTANT, ACADEMY)
    visit = world.rows(meeting_type="partnership_visit")[0]
    command = hold(visit.meeting_id, TODAY, attendees=[LEAD, HEAD], focus_areas=[])
    with pytest.raises(
        PermissionDenied, match="the partnership_visit is chaired by the improvement_lead"
    ):
        await attendance.hold(world.ports, provider, command, TODAY, cause(provider))
    consultancy = world.rows(meeting_type="consultancy_visit")[0]
    command = hold(consultancy.meeting_id, TODAY, attendees=[CONSULTANT, HEAD], focus_areas=[])
    view = await attendance.hold(world.ports, provider, command, TODAY, cause(provider))
    assert view.meeting.held is not None

"""Given an academy (or a trust) known to meetings, when a person schedules,
reschedules or cancels a meeting by hand, then the events with their actor and
the meeting list in step; a retry appends nothing; a refusal appends nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from chassis.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from meetings.application import diary
from meetings.domain import meeting
from meetings_controls import ACADEMY, CEO, HEAD, LEAD, TODAY, TRUST, at
from meetings_world import cause, principal

LEAD_P = principal(LEAD, ACADEMY)
CEO_P = principal(CEO)
DAY = dt.date(2026, 12, 8)


def by_hand(academy_id: str | None = ACADEMY, **overrides: Any) -> diary.ScheduleByHand:
    fields: dict[str, Any] = dict(
        meeting_id="m1",
        meeting_type="interim_aim",
        scheduled_for=at(DAY),
        reason="requested by the governors",
    )
    return diary.ScheduleByHand(
        TRUST, academy_id, meeting.ScheduleMeeting(**{**fields, **overrides})
    )


async def when_scheduled(world, command=None, who=LEAD_P):
    return await diary.schedule(world.ports, who, command or by_hand(), TODAY, cause(who))


@pytest.fixture
def aid(world):
    world.trust("seed-000-aid")
    world.academy()
    return world


async def test_scheduled_by_hand_with_its_reason_and_who_scheduled_it(aid):
    view = await when_scheduled(aid)
    plan = view.meeting.plan
    assert plan is not None and (plan.origin, plan.reason, plan.duration_minutes) == (
        "by_hand",
        "requested by the governors",
        180,
    )
    assert view.record.scheduled_by == LEAD_P.actor and view.type_name.startswith("Interim")
    [row] = aid.rows()
    assert (row.meeting_id, row.status, row.scheduled_for) == ("m1", "scheduled", at(DAY))
    [envelope] = aid.envelopes()
    assert (envelope.actor, envelope.key, envelope.stream) == (LEAD_P.actor, ACADEMY, "meeting-m1")


async def test_a_retry_with_its_id_answers_again_and_other_content_already_exists(aid):
    first = await when_scheduled(aid)
    assert await when_scheduled(aid) == first
    with pytest.raises(AlreadyExists, match="meeting m1 is already scheduled"):
        await when_scheduled(aid, by_hand(reason="another reason"))
    aid.trust("seed-002-sussex", trust_id="t2")
    with pytest.raises(AlreadyExists, match="meeting m1 already exists"):
        await when_scheduled(
            aid,
            diary.ScheduleByHand(
                "t2", None, by_hand(meeting_type="heads_executive_meeting").meeting
            ),
            principal(CEO, trust_id="t2"),
        )
    assert len(aid.envelopes()) == 1


async def test_a_new_id_is_made_when_the_client_gives_none(aid):
    view = await when_scheduled(aid, by_hand(meeting_id=""))
    assert len(view.meeting.meeting_id) == 36


async def test_a_trust_wide_meeting_is_the_trusts_keyed_by_it(world):
    world.trust("seed-002-sussex")
    command = by_hand(academy_id=None, meeting_type="heads_executive_meeting")
    view = await when_scheduled(world, command, CEO_P)
    assert view.meeting.plan is not None and view.meeting.plan.academy_id is None
    [envelope] = world.envelopes()
    assert (envelope.key, envelope.stream) == (TRUST, "trust_meeting-m1")


async def test_moved_then_cancelled_by_hand_and_the_list_follows(aid):
    await when_scheduled(aid)
    later = at(dt.date(2026, 12, 10), 14)
    moved = await diary.reschedule(
        aid.ports,
        CEO_P,
        meeting.RescheduleMeeting("m1", later, "the head is away"),
        TODAY,
        cause(CEO_P),
    )
    assert moved.meeting.plan is not None and moved.meeting.plan.scheduled_for == later
    assert aid.rows()[0].scheduled_for == later
    gone = await diary.cancel(
        aid.ports, LEAD_P, diary.CancelMeeting("m1", "snow"), TODAY, cause(LEAD_P)
    )
    assert gone.meeting.cancelled is not None and gone.meeting.cancelled.why == "by_hand"
    assert aid.rows()[0].status == "cancelled"
    with pytest.raises(FailedPrecondition, match="was cancelled"):
        await diary.cancel(
            aid.ports, LEAD_P, diary.CancelMeeting("m1", "again"), TODAY, cause(LEAD_P)
        )


@pytest.mark.parametrize(
    ("command", "who", "error", "message"),
    [
        (by_hand(academy_id="nowhere"), LEAD_P, NotFound, "academy nowhere is not known"),
        (
            by_hand(),
            principal(LEAD, "otter"),
            PermissionDenied,
            "scheduling a meeting: academy heron is outside your scope",
        ),
        (
            by_hand(),
            principal(CEO, trust_id="t2"),
            PermissionDenied,
            "scheduling a meeting: trust t1 is not your trust",
        ),
        (
            diary.ScheduleByHand("t2", ACADEMY, by_hand().meeting),
            principal(CEO, trust_id="t2"),
            PermissionDenied,
            "outside your scope",
        ),
        (
            by_hand(academy_id=None),
            principal(HEAD, ACADEMY, trust_id="t2"),
            PermissionDenied,
            "trust t1 is not your trust",
        ),
        (by_hand(scheduled_for=at(dt.date(2026, 11, 19))), LEAD_P, InvalidArgument, "in the past"),
        (by_hand(meeting_id="m 1"), LEAD_P, InvalidArgument, "meeting_id must be"),
        (by_hand(academy_id=None), CEO_P, InvalidArgument, "held per academy: name the academy"),
    ],
)
async def test_scheduling_is_refused_clearly_and_nothing_is_appended(
    aid, command, who, error, message
):
    with pytest.raises(error, match=message):
        await when_scheduled(aid, command, who)
    assert aid.envelopes() == [] and aid.rows() == []


async def test_without_a_framework_nothing_can_be_scheduled(world):
    world.academy()
    with pytest.raises(FailedPrecondition, match="trust t1 has no framework known to meetings"):
        await when_scheduled(world)


async def test_moving_or_cancelling_an_unknown_meeting_is_not_found(aid):
    with pytest.raises(NotFound, match="there is no meeting m9"):
        await diary.cancel(aid.ports, CEO_P, diary.CancelMeeting("m9", "r"), TODAY, cause(CEO_P))

"""Given a held AIM, when actions are raised, completed and carried forward,
then their events and the action list in step; listed per academy or owner,
open or overdue as of a date, a page at a time; refusals append nothing."""

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
from chassis.paging import page_request
from meetings.application import actions, attendance
from meetings.application.ports import ACTION_KEY, ActionQuery
from meetings.domain import action
from meetings.domain import attendance as rules
from meetings_controls import ACADEMY, CEO, CHAIR, HEAD, LEAD, TRUST
from meetings_world import cause, principal

LEAD_P, HEAD_P = principal(LEAD, ACADEMY), principal(HEAD, ACADEMY)
CEO_P = principal(CEO)


@pytest.fixture
async def held(world):
    world.trust("seed-000-aid")
    world.academy()
    world.academy("otter")
    await world.register()
    await world.register("otter")
    first, second, _ = world.rows(meeting_type="aim")
    world.meeting_id, world.next_id = first.meeting_id, second.meeting_id
    world.day = first.scheduled_for.date()
    command = rules.HoldMeeting(first.meeting_id, world.day, [LEAD, HEAD, CHAIR], [], {})
    await attendance.hold(world.ports, LEAD_P, command, world.day, cause(LEAD_P))
    return world


def raising(world, **overrides: Any) -> action.RaiseAction:
    fields: dict[str, Any] = dict(
        action_id="x1",
        meeting_id=world.meeting_id,
        title="Attendance plan for year 9",
        owner=HEAD,
        due_on=world.day + dt.timedelta(days=14),
        area="behaviour_and_attitudes",
    )
    return action.RaiseAction(**{**fields, **overrides})


async def when_raised(world, command, who=LEAD_P):
    return await actions.raise_action(world.ports, who, command, world.day, cause(who))


async def test_raised_completed_and_listed_with_overdue_as_of_a_date(held):
    raised = await when_raised(held, raising(held))
    assert (raised.meeting_id, raised.owner, raised.raised_on) == (held.meeting_id, HEAD, held.day)
    await when_raised(held, raising(held, action_id="x2", due_on=held.day + dt.timedelta(days=60)))

    async def listed(status: str, as_of: dt.date, who=HEAD_P, **where: Any):
        query = ActionQuery(
            TRUST, where.get("academy_id", ACADEMY), where.get("owner"), None, status, as_of
        )
        found, _ = await actions.list_actions(
            held.ports, who, query, page_request(0, "", ACTION_KEY)
        )
        return [a.action_id for a in found]

    later = held.day + dt.timedelta(days=30)
    assert await listed("open", later) == ["x1", "x2"]
    assert await listed("overdue", later) == ["x1"]
    assert await listed("overdue", held.day + dt.timedelta(days=14)) == []  # the due day itself
    done = await actions.complete(held.ports, HEAD_P, "x1", None, later, cause(HEAD_P))
    assert done.completed_on == later
    assert await listed("overdue", later + dt.timedelta(days=1)) == []
    assert await listed("completed", later) == ["x1"]
    assert await listed("all", later, who=CEO_P, academy_id=None, owner=HEAD.subject) == [
        "x1",
        "x2",
    ]
    assert await listed("open", later, who=principal(HEAD, "otter"), academy_id=None) == []


async def test_carried_forward_to_the_next_meeting_keeping_the_link(held):
    await when_raised(held, raising(held))
    later_due = held.day + dt.timedelta(days=90)
    carried = await actions.carry_forward(
        held.ports, LEAD_P, "x1", held.next_id, later_due, cause(LEAD_P)
    )
    assert carried.meetings == (held.meeting_id, held.next_id) and carried.due_on == later_due
    assert held.actions.rows["x1"].meetings == carried.meetings


async def test_a_retried_raise_answers_again_and_other_content_already_exists(held):
    first = await when_raised(held, raising(held))
    assert await when_raised(held, raising(held)) == first
    with pytest.raises(AlreadyExists, match="action x1 was already raised"):
        await when_raised(held, raising(held, title="Another"))


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        (dict(meeting_id="next"), FailedPrecondition, "actions are raised at a held meeting"),
        (dict(due_on=dt.date(2026, 1, 1)), InvalidArgument, "is before the meeting that raised it"),
        (dict(area="inclusion"), InvalidArgument, "area 'inclusion' is not on the trust's scheme"),
        (dict(title=" "), InvalidArgument, "title must not be empty"),
        (dict(action_id="x 1"), InvalidArgument, "action_id must be"),
        (dict(meeting_id="nowhere"), NotFound, "there is no meeting nowhere"),
    ],
)
async def test_raising_is_refused_clearly_and_appends_nothing(held, change, error, message):
    if change.get("meeting_id") == "next":
        change["meeting_id"] = held.next_id
    before = len(held.envelopes())
    with pytest.raises(error, match=message):
        await when_raised(held, raising(held, **change))
    assert len(held.envelopes()) == before and held.actions.rows == {}


async def test_actions_are_reached_only_in_scope(held):
    await when_raised(held, raising(held))
    other_head = principal(HEAD, "otter")
    with pytest.raises(PermissionDenied, match="completing an action: academy heron is outside"):
        await actions.complete(held.ports, other_head, "x1", None, held.day, cause(other_head))
    with pytest.raises(NotFound, match="there is no action x9"):
        await actions.complete(held.ports, HEAD_P, "x9", None, held.day, cause(HEAD_P))
    with pytest.raises(InvalidArgument, match=r"completed_on .* is in the future"):
        await actions.complete(
            held.ports, HEAD_P, "x1", held.day + dt.timedelta(days=1), held.day, cause(HEAD_P)
        )
    query = ActionQuery(TRUST, "heron", None, None, "open", held.day)
    with pytest.raises(PermissionDenied, match="listing actions: academy heron is outside"):
        await actions.list_actions(held.ports, other_head, query, page_request(0, "", ACTION_KEY))
    with pytest.raises(InvalidArgument, match="status must be one of open, overdue"):
        bad = ActionQuery(TRUST, None, None, None, "late", held.day)
        await actions.list_actions(held.ports, CEO_P, bad, page_request(0, "", ACTION_KEY))


async def test_actions_are_listed_a_page_at_a_time_by_due_date(held):
    for n in range(5):
        due = held.day + dt.timedelta(days=10 - n)
        await when_raised(held, raising(held, action_id=f"x{n}", due_on=due))
    query = ActionQuery(TRUST, ACADEMY, None, None, "open", held.day)
    seen, token = [], ""
    while True:
        found, token = await actions.list_actions(
            held.ports, LEAD_P, query, page_request(2, token, ACTION_KEY)
        )
        seen += [a.action_id for a in found]
        if not token:
            break
    assert seen == ["x4", "x3", "x2", "x1", "x0"]

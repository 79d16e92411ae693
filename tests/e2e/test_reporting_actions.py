"""Actions per owner end to end: actions raised at held meetings (meetings'
gRPC API), projected by reporting from meetings.academy, read per owner as of
a date through reporting's gRPC API: one overdue, one open, one completed, the
overdue ones the same as meetings' own; a headteacher sees only their academy;
rebuilt from the feeds, the same actions."""

from __future__ import annotations

import datetime as dt

import grpc
import pytest
from chassis.auth import ALL_TRUSTS, Role, TokenService
from chassis.db import create_pool
from reporting.adapters.actions_store import ActionsStore
from reporting.application.rebuild import rebuild_timeline
from reporting.entrypoints.rebuild import feed_reader
from trust.meetings.v1 import meetings_pb2 as mpb
from trust.reporting.v1 import reporting_pb2 as rpb
from trust_local.clients import eventually

from .test_meetings_support import meetings_stub, meetings_when, new_trust, person, today


async def _held_meeting(clients, lead, trust_id: str, academy_id: str, attendees) -> str:
    """The academy's first meeting of the year, held today."""
    first, *_ = sorted(
        await meetings_when(clients, lead, trust_id, academy_id, lambda ms: len(ms) >= 1),
        key=lambda m: m.scheduled_for,
    )
    await meetings_stub(clients).HoldMeeting(
        mpb.HoldMeetingRequest(
            meeting_id=first.meeting_id,
            held_on=today().isoformat(),
            attendees=attendees,
            focus_areas=["behaviour_and_attitudes"],
        ),
        metadata=lead.metadata,
    )
    return first.meeting_id


def _view(reply: rpb.ListOwnerActionsResponse) -> list[tuple[str, int, int, list[tuple]]]:
    return [
        (
            o.owner.subject,
            o.open,
            o.overdue,
            [(a.title, a.academy_id, a.due_on, a.overdue) for a in o.actions],
        )
        for o in reply.owners
    ]


async def test_actions_per_owner_open_overdue_and_completed(platform, clients):
    stub = meetings_stub(clients)
    trust_id, ceo, [heron, otter] = await new_trust(clients, "seed-000-aid", 2, prefix="ra")
    lead = clients.caller("aid@ra", Role.IMPROVEMENT_LEAD, trust_id, [heron, otter])
    head = clients.caller("head@heron", Role.HEADTEACHER, trust_id, [heron])
    day = today()

    def raising(meeting_id: str, title: str, owner: str, due_in: int) -> mpb.RaiseActionRequest:
        return mpb.RaiseActionRequest(
            meeting_id=meeting_id,
            title=title,
            owner=person(owner, Role.HEADTEACHER),
            due_on=(day + dt.timedelta(days=due_in)).isoformat(),
            area="behaviour_and_attitudes",
        )

    at_heron = await _held_meeting(
        clients,
        lead,
        trust_id,
        heron,
        [person("aid@ra", Role.IMPROVEMENT_LEAD), person("head@heron", Role.HEADTEACHER)],
    )
    at_otter = await _held_meeting(
        clients,
        lead,
        trust_id,
        otter,
        [person("aid@ra", Role.IMPROVEMENT_LEAD), person("head@otter", Role.HEADTEACHER)],
    )
    overdue = await stub.RaiseAction(
        raising(at_heron, "Attendance plan", "head@heron", 7), metadata=lead.metadata
    )
    await stub.RaiseAction(
        raising(at_heron, "Behaviour audit", "head@heron", 30), metadata=lead.metadata
    )
    done = await stub.RaiseAction(
        raising(at_heron, "Staff survey", "head@heron", 3), metadata=lead.metadata
    )
    await stub.CompleteAction(
        mpb.CompleteActionRequest(action_id=done.action_id), metadata=head.metadata
    )
    await stub.RaiseAction(
        raising(at_otter, "Reading scheme", "head@otter", 20), metadata=lead.metadata
    )

    as_of = (day + dt.timedelta(days=14)).isoformat()
    due = {n: (day + dt.timedelta(days=n)).isoformat() for n in (7, 20, 30)}
    expected = [
        (
            "head@heron",
            2,
            1,
            [
                ("Attendance plan", heron, due[7], True),
                ("Behaviour audit", heron, due[30], False),
            ],
        ),
        ("head@otter", 1, 0, [("Reading scheme", otter, due[20], False)]),
    ]
    request = rpb.ListOwnerActionsRequest(trust_id=trust_id, as_of=as_of)
    reply = await eventually(
        lambda: clients.reporting.ListOwnerActions(request, metadata=ceo.metadata),
        accept=lambda r: _view(r) == expected,
        timeout=60,
    )
    assert reply.as_of == as_of
    assert all(o.owner.role == "headteacher" for o in reply.owners)

    # The overdue ones are those meetings itself calls overdue on that day.
    theirs = await stub.ListActions(
        mpb.ListActionsRequest(trust_id=trust_id, status="overdue", as_of=as_of),
        metadata=ceo.metadata,
    )
    ours = [a.action_id for o in reply.owners for a in o.actions if a.overdue]
    assert ours == [a.action_id for a in theirs.actions] == [overdue.action_id]

    # A headteacher sees their own academy only, and may not ask for another.
    mine = await clients.reporting.ListOwnerActions(request, metadata=head.metadata)
    assert _view(mine) == expected[:1]
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await clients.reporting.ListOwnerActions(
            rpb.ListOwnerActionsRequest(trust_id=trust_id, academy_id=otter),
            metadata=head.metadata,
        )
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED

    # One owner's; and as of today (the default) nothing is overdue yet.
    theirs_only = await clients.reporting.ListOwnerActions(
        rpb.ListOwnerActionsRequest(trust_id=trust_id, owner_subject="head@otter"),
        metadata=lead.metadata,
    )
    assert theirs_only.as_of == day.isoformat()
    assert _view(theirs_only) == [expected[1]]
    now = await clients.reporting.ListOwnerActions(
        rpb.ListOwnerActionsRequest(trust_id=trust_id), metadata=ceo.metadata
    )
    assert [(o.owner.subject, o.open, o.overdue) for o in now.owners] == [
        ("head@heron", 2, 0),
        ("head@otter", 1, 0),
    ]

    # Rebuilt from the services' feeds into a copy: this trust's actions are the same.
    token = TokenService(platform.token_secret).mint("rebuild", Role.SERVICE, ALL_TRUSTS)
    feeds = {name: feed_reader(platform.address(name), token) for name in ("meetings",)}
    pool = await create_pool(platform.postgres.dsn("reporting"))
    try:
        await rebuild_timeline(pool, feeds, schema="actions_check")
        async with pool.acquire() as conn:
            live = await ActionsStore().all_actions(conn)
            rebuilt = await ActionsStore("actions_check").all_actions(conn)
    finally:
        await pool.close()
    ours_live = [a for a in live if a.trust_id == trust_id]
    assert len(ours_live) == 4
    assert [a for a in rebuilt if a.trust_id == trust_id] == ours_live

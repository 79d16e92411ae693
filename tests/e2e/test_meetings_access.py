"""Access matrix of the meetings API, generated from the one access policy
(access_policy.py): every RPC x every role x the caller's own
academy, another academy of the same trust, and an academy of another trust.

A role outside an RPC's row is PERMISSION_DENIED everywhere; a role inside it
is not, on its own academy; on another academy of its trust only the roles
whose reach is the whole trust get past access; on another trust nobody does.
The examples are side-effect free when allowed (refused on their values or the
facts, or a read), and the meetings event store is checked to be unchanged.
Examples use a meeting the caller's role may act on: a provider the
consultancy visit it chairs (seed 004), everyone else a partnership visit.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import asyncpg
import grpc
import pytest
from chassis.auth import TRUST_WIDE_ROLES, Role
from google.protobuf.message import Message
from meetings.entrypoints.access import ACCESS
from trust.meetings.v1 import meetings_pb2 as mpb

from . import access_policy
from .access_matrix import PAST_ACCESS
from .test_meetings_support import (
    clients_of,
    meetings_stub,
    meetings_when,
    new_trust,
    person,
    platform_with_meetings,
    this_year,
    today,
)

ROLES = [r for r in Role if r is not Role.SERVICE]
SERVICE_NAME = mpb.DESCRIPTOR.services_by_name["MeetingsService"].full_name
RPCS = sorted(m.name for m in mpb.DESCRIPTOR.services_by_name["MeetingsService"].methods)
FUTURE = "2999-01-01"


@pytest.fixture(scope="module")
def meetings_platform(request):
    yield from platform_with_meetings(request)


@pytest.fixture
async def clients(meetings_platform):
    async with clients_of(meetings_platform) as made:
        yield made


@dataclass(frozen=True)
class Target:
    trust_id: str
    academy_id: str
    visit: str  # a partnership visit still to be held
    consultancy: str  # a consultancy visit still to be held (a provider chairs it)
    action: str  # an open action, raised at the held partnership visit


@dataclass(frozen=True)
class Cell:
    """The caller and the meeting to use for one role on one target."""

    target: Target
    role: Role
    subject: str

    @property
    def meeting(self) -> str:
        return self.target.consultancy if self.role is Role.PROVIDER else self.target.visit


EXAMPLES: dict[str, Callable[[Cell], Message]] = {
    "ScheduleMeeting": lambda c: mpb.ScheduleMeetingRequest(  # not a type of the framework
        trust_id=c.target.trust_id,
        academy_id=c.target.academy_id,
        meeting_type="no_such_type",
        scheduled_for=f"{today() + dt.timedelta(days=1)}T09:30:00+00:00",
        reason="r",
    ),
    "RescheduleMeeting": lambda c: mpb.RescheduleMeetingRequest(  # into the past
        meeting_id=c.meeting, scheduled_for="2001-01-01T09:30:00+00:00", reason="r"
    ),
    "CancelMeeting": lambda c: mpb.CancelMeetingRequest(meeting_id=c.meeting, reason=" "),
    "GiveApologies": lambda c: mpb.GiveApologiesRequest(  # oneself as one's own substitute
        meeting_id=c.meeting,
        attendee=person(c.subject, c.role),
        substitute=person(c.subject, c.role),
    ),
    "SubmitPaper": lambda c: mpb.SubmitPaperRequest(
        meeting_id=c.meeting, paper="no such paper", title="t", reference="r"
    ),
    "HoldMeeting": lambda c: mpb.HoldMeetingRequest(  # held in the future
        meeting_id=c.meeting,
        held_on=FUTURE,
        attendees=[person("someone@mt", Role.HEADTEACHER)],
    ),
    "DraftNotes": lambda c: mpb.DraftNotesRequest(meeting_id=c.meeting, text="t"),  # not held
    "ApproveNotes": lambda c: mpb.ApproveNotesRequest(meeting_id=c.meeting, notes_id="no-notes"),
    "CirculateNotes": lambda c: mpb.CirculateNotesRequest(
        meeting_id=c.meeting, notes_id="no-notes"
    ),
    "GetNotes": lambda c: mpb.GetNotesRequest(meeting_id=c.meeting),  # none drafted
    "RaiseAction": lambda c: mpb.RaiseActionRequest(  # at a meeting not yet held
        meeting_id=c.meeting,
        title="t",
        owner=person("someone@mt", Role.HEADTEACHER),
        due_on=FUTURE,
    ),
    "CompleteAction": lambda c: mpb.CompleteActionRequest(  # completed in the future
        action_id=c.target.action, completed_on=FUTURE
    ),
    "CarryForwardAction": lambda c: mpb.CarryForwardActionRequest(
        action_id=c.target.action, to_meeting_id="no-such-meeting"
    ),
    "GetMeeting": lambda c: mpb.GetMeetingRequest(meeting_id=c.meeting),
    "ListMeetings": lambda c: mpb.ListMeetingsRequest(
        trust_id=c.target.trust_id, academy_id=c.target.academy_id, academic_year=this_year()
    ),
    "ListActions": lambda c: mpb.ListActionsRequest(
        trust_id=c.target.trust_id, academy_id=c.target.academy_id
    ),
    "GetCompliance": lambda c: mpb.GetComplianceRequest(
        trust_id=c.target.trust_id, academy_id=c.target.academy_id, academic_year=this_year()
    ),
}


def test_every_rpc_has_an_access_row_and_an_example():
    assert ACCESS.rpcs() == RPCS, "RPCs and access rows differ"
    assert sorted(EXAMPLES) == RPCS, "RPCs and examples differ"


def denied(rpc: str, role: Role, where: str) -> bool:
    """What the one policy (access_policy.py) says: on one's own academy (or trust) its
    own cell; on another academy of the trust its other cell, or for a row that names
    the trust (the example narrows it to that academy) its own cell if the role reaches
    the whole trust; on another trust, denied to everyone."""
    row = access_policy.row(f"{SERVICE_NAME}/{rpc}")
    if where == "far":
        return True
    if where == "own" or row.target is access_policy.Target.ACADEMY:
        return access_policy.denies(f"{SERVICE_NAME}/{rpc}", role, where == "own") is True
    return not row.own[role] or role not in TRUST_WIDE_ROLES


@pytest.fixture(scope="module")
def matrix() -> dict[str, object]:
    return {}


async def _target(clients, trust_id: str, ceo, academy_id: str) -> Target:
    stub = meetings_stub(clients)
    found = await meetings_when(
        clients,
        ceo,
        trust_id,
        academy_id,
        lambda ms: {m.meeting_type for m in ms} >= {"partnership_visit", "consultancy_visit"},
    )
    visits = sorted(
        (m for m in found if m.meeting_type == "partnership_visit"), key=lambda m: m.scheduled_for
    )
    consultancy = next(m for m in found if m.meeting_type == "consultancy_visit")
    held = visits[0]
    await stub.HoldMeeting(
        mpb.HoldMeetingRequest(
            meeting_id=held.meeting_id,
            held_on=today().isoformat(),
            attendees=[person("ceo@mt", Role.CHIEF_EXECUTIVE)],
        ),
        metadata=ceo.metadata,
    )
    action = await stub.RaiseAction(
        mpb.RaiseActionRequest(
            meeting_id=held.meeting_id,
            title="Matrix action",
            owner=person("head@mt", Role.HEADTEACHER),
            due_on=(today() + dt.timedelta(days=30)).isoformat(),
        ),
        metadata=ceo.metadata,
    )
    return Target(
        trust_id, academy_id, visits[1].meeting_id, consultancy.meeting_id, action.action_id
    )


async def _events(platform) -> int:
    conn = await asyncpg.connect(platform.postgres.dsn("meetings"))
    try:
        return int(await conn.fetchval("SELECT count(*) FROM events"))
    finally:
        await conn.close()


async def _setup(meetings_platform, clients, matrix: dict[str, object]) -> dict[str, object]:
    if matrix:
        return matrix
    trust_id, ceo, (own, other) = await new_trust(clients, "seed-004-focus", 2, prefix="mm")
    far_trust, far_ceo, (far,) = await new_trust(clients, "seed-004-focus", 1, prefix="mf")
    matrix.update(
        trust_id=trust_id,
        own=await _target(clients, trust_id, ceo, own),
        other=await _target(clients, trust_id, ceo, other),
        far=await _target(clients, far_trust, far_ceo, far),
    )
    matrix["events"] = await _events(meetings_platform)
    return matrix


@pytest.mark.parametrize("rpc", RPCS)
@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
async def test_access_matrix(meetings_platform, clients, matrix, rpc, role):
    setup = await _setup(meetings_platform, clients, matrix)
    own = setup["own"]
    assert isinstance(own, Target)
    subject = f"{role.value}-{uuid.uuid4().hex[:4]}@mt"
    caller = clients.caller(subject, role, str(setup["trust_id"]), [own.academy_id])
    call = getattr(meetings_stub(clients), rpc)
    for where in ("own", "other", "far"):
        target = setup[where]
        assert isinstance(target, Target)
        try:
            await call(EXAMPLES[rpc](Cell(target, role, subject)), metadata=caller.metadata)
            code, details = grpc.StatusCode.OK, ""
        except grpc.aio.AioRpcError as error:
            code, details = error.code(), error.details() or ""
        label = f"{rpc} as {role.value} on {where}"
        if denied(rpc, role, where):
            assert code == grpc.StatusCode.PERMISSION_DENIED, f"{label}: {code} {details}"
        else:
            assert code in PAST_ACCESS, f"{label}: {code} {details}"


async def test_the_matrix_changed_nothing(meetings_platform, clients, matrix):
    """Runs after the matrix (pytest keeps a module's order): no call of it appended."""
    setup = await _setup(meetings_platform, clients, matrix)
    assert await _events(meetings_platform) == setup["events"]


async def test_trust_wide_meetings_are_read_in_the_trust_only(meetings_platform, clients):
    trust_id, ceo, _ = await new_trust(clients, "seed-002-sussex", 0, prefix="tw")
    series = await meetings_when(clients, ceo, trust_id, "", lambda ms: len(ms) > 0)
    head = clients.caller("head@tw", Role.HEADTEACHER, trust_id, [])
    stub = meetings_stub(clients)
    one = await stub.GetMeeting(
        mpb.GetMeetingRequest(meeting_id=series[0].meeting_id), metadata=head.metadata
    )
    assert (one.academy_id, one.meeting_type) == ("", "heads_executive_meeting")
    outsider = clients.caller("ceo@elsewhere", Role.CHIEF_EXECUTIVE, "elsewhere", [])
    for call, request in (
        (stub.GetMeeting, mpb.GetMeetingRequest(meeting_id=series[0].meeting_id)),
        (stub.ListMeetings, mpb.ListMeetingsRequest(trust_id=trust_id, academic_year=this_year())),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await call(request, metadata=outsider.metadata)
        assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED

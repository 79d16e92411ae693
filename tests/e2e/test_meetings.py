"""Meetings end to end, through the gRPC APIs and Kafka: for every preset the
year's meetings are scheduled when an academy is registered; a phase change
through evaluations (proposed by the chief executive, confirmed by a trustee)
adds the interim meetings and changing back cancels them, from PhaseChanged on
Kafka; a seed 000 AIM cycle (papers, held, notes approved then circulated,
actions); a seed 004 Note of Visit on time and late; and the notes' text in no
event and no log line."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Iterator

import asyncpg
import grpc
import pytest
from chassis.auth import Role
from contracts.evaluations.v1 import ACADEMY_TOPIC as EVALUATIONS_TOPIC
from contracts.meetings.v1 import ACADEMY_TOPIC as MEETINGS_TOPIC
from meetings.domain.calendar import at_local
from meetings.domain.facts import academy, phase_fact, trust
from trust.evaluations.v1 import evaluations_pb2 as epb
from trust.meetings.v1 import meetings_pb2 as mpb
from trust_local.clients import eventually

from .test_meetings_support import (
    JOINED,
    PRESETS,
    clients_of,
    diary_of,
    expected_diary,
    known_to_meetings,
    meetings_stub,
    meetings_when,
    new_trust,
    on_topic,
    person,
    platform_with_meetings,
    this_year,
    today,
    until_on_topic,
)

SCHEDULER = ("meetings-scheduler", "service")


@pytest.fixture(scope="module")
def meetings_platform(request):
    yield from platform_with_meetings(request)


@pytest.fixture
async def clients(meetings_platform):
    async with clients_of(meetings_platform) as made:
        yield made


@contextlib.contextmanager
def refused(code: grpc.StatusCode, text: str) -> Iterator[None]:
    """The call inside is refused with ``code`` and a message saying ``text``."""
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        yield
    assert caught.value.code() == code, (caught.value.code(), caught.value.details())
    assert text in (caught.value.details() or ""), caught.value.details()


@pytest.mark.parametrize("preset", sorted(PRESETS))
async def test_the_years_meetings_are_scheduled_when_an_academy_is_registered(
    meetings_platform, clients, preset
):
    trust_id, ceo, [academy_id] = await new_trust(clients, preset)
    expected = expected_diary(preset, academy(trust_id, academy_id, joined_on=JOINED), today())
    await known_to_meetings(clients, ceo, trust_id, academy_id)
    found = await meetings_when(
        clients, ceo, trust_id, academy_id, lambda ms: len(ms) >= len(expected)
    )
    assert diary_of(found) == expected
    assert {(m.origin, m.status, m.scheduled_by.subject, m.scheduled_by.role) for m in found} <= {
        ("cadence", "scheduled", *SCHEDULER)
    }
    if preset == "seed-002-sussex":  # and the heads' executive series, once for the trust
        series = expected_diary(preset, trust(trust_id), today())
        assert series
        found = await meetings_when(clients, ceo, trust_id, "", lambda ms: len(ms) >= len(series))
        assert diary_of(found) == series
        assert {m.academy_id for m in found} == {""}


async def _phase(clients, ceo, trustee, academy_id: str, phase: str) -> str:
    proposal = await eventually(
        lambda: clients.evaluations.ProposePhase(
            epb.ProposePhaseRequest(
                academy_id=academy_id, phase=phase, reason="annual review", review="exceptional"
            ),
            metadata=ceo.metadata,
        )
    )
    await clients.evaluations.ConfirmPhase(
        epb.DecideProposalRequest(academy_id=academy_id, proposal_id=proposal.proposal_id),
        metadata=trustee.metadata,
    )
    return proposal.proposal_id


async def test_less_than_good_adds_the_interim_meetings_and_good_again_cancels_them(
    meetings_platform, clients
):
    trust_id, ceo, [academy_id] = await new_trust(clients, "seed-000-aid", prefix="ph")
    trustee = clients.caller("chair@board", Role.TRUSTEE, trust_id)
    aims = await meetings_when(clients, ceo, trust_id, academy_id, lambda ms: len(ms) >= 1)
    await _phase(clients, ceo, trustee, academy_id, "good_or_better")
    worse = await _phase(clients, ceo, trustee, academy_id, "not_yet_good")

    framework = PRESETS["seed-000-aid"]
    facts = [
        phase_fact(framework, today(), "good_or_better"),
        phase_fact(framework, today(), "not_yet_good"),
    ]
    party = academy(trust_id, academy_id, facts, joined_on=JOINED)
    interim = {e for e in expected_diary("seed-000-aid", party, today()) if e[0] == "interim_aim"}
    found = await meetings_when(
        clients, ceo, trust_id, academy_id, lambda ms: len(ms) >= len(aims) + len(interim)
    )
    added = [m for m in found if m.meeting_type == "interim_aim"]
    assert diary_of(added) == interim and interim, "less than good brings interim AIMs"

    [changed] = await until_on_topic(
        meetings_platform,
        EVALUATIONS_TOPIC,
        lambda e: e.event_type == "evaluations.PhaseChanged" and e.payload["proposal_id"] == worse,
    )
    scheduled = await until_on_topic(
        meetings_platform,
        MEETINGS_TOPIC,
        lambda e: e.causation_id == str(changed.event_id),
        count=len(interim),
    )
    assert {e.payload["meeting_id"] for e in scheduled} == {m.meeting_id for m in added}
    assert {(e.event_type, e.actor.subject, e.actor.role, e.key) for e in scheduled} == {
        ("meetings.MeetingScheduled", *SCHEDULER, academy_id)
    }

    await _phase(clients, ceo, trustee, academy_id, "good_or_better")
    found = await meetings_when(
        clients,
        ceo,
        trust_id,
        academy_id,
        lambda ms: all(m.status == "cancelled" for m in ms if m.meeting_type == "interim_aim"),
    )
    gone = [m for m in found if m.meeting_type == "interim_aim"]
    assert {(m.cancelled_why, m.status) for m in gone} == {("no_longer_required", "cancelled")}
    assert {m.status for m in found if m.meeting_type == "aim"} == {"scheduled"}


async def test_an_aim_cycle_papers_held_notes_approved_then_circulated_and_actions(
    meetings_platform, clients
):
    stub = meetings_stub(clients)
    trust_id, _ceo, [heron, otter] = await new_trust(clients, "seed-000-aid", 2, prefix="aim")
    lead = clients.caller("aid@mt", Role.IMPROVEMENT_LEAD, trust_id, [heron])
    head = clients.caller("head@heron", Role.HEADTEACHER, trust_id, [heron])
    chair = clients.caller("chair@heron", Role.CHAIR_OF_LGB, trust_id, [heron])
    trustee = clients.caller("trustee@board", Role.TRUSTEE, trust_id)
    first, second, *_ = sorted(
        await meetings_when(clients, lead, trust_id, heron, lambda ms: len(ms) >= 3),
        key=lambda m: m.scheduled_for,
    )
    day = today()
    moved = await stub.RescheduleMeeting(
        mpb.RescheduleMeetingRequest(
            meeting_id=first.meeting_id,
            scheduled_for=at_local(day, dt.time(16, 0)).isoformat(),
            reason="brought forward at the headteacher's request",
        ),
        metadata=lead.metadata,
    )
    assert dt.datetime.fromisoformat(moved.scheduled_for) == at_local(day, dt.time(16, 0))

    # Papers a week before; the latest data arrives on the day (late).
    for paper, caller, days_before in (
        ("agenda", lead, 8),
        ("previous AIM report", lead, 7),
        ("headteacher report", head, 9),
        ("latest achievement data", head, 0),
    ):
        await stub.SubmitPaper(
            mpb.SubmitPaperRequest(
                meeting_id=first.meeting_id,
                paper=paper,
                title=paper.title(),
                reference=f"docs/{paper.replace(' ', '-')}.pdf",
                submitted_on=(day - dt.timedelta(days=days_before)).isoformat(),
            ),
            metadata=caller.metadata,
        )
    with refused(grpc.StatusCode.INVALID_ARGUMENT, "the aim has no paper 'minutes'"):
        await stub.SubmitPaper(
            mpb.SubmitPaperRequest(
                meeting_id=first.meeting_id, paper="minutes", title="t", reference="r"
            ),
            metadata=lead.metadata,
        )
    with refused(grpc.StatusCode.INVALID_ARGUMENT, "'inclusion' is not on the trust's scheme"):
        await stub.HoldMeeting(
            mpb.HoldMeetingRequest(
                meeting_id=first.meeting_id,
                held_on=day.isoformat(),
                attendees=[person("aid@mt", Role.IMPROVEMENT_LEAD)],
                focus_areas=["inclusion"],
            ),
            metadata=lead.metadata,
        )
    held = await stub.HoldMeeting(
        mpb.HoldMeetingRequest(
            meeting_id=first.meeting_id,
            held_on=day.isoformat(),
            attendees=[
                person("aid@mt", Role.IMPROVEMENT_LEAD),
                person("head@heron", Role.HEADTEACHER),
                person("chair@heron", Role.CHAIR_OF_LGB),
            ],
            focus_areas=["quality_of_education", "behaviour_and_attitudes"],
            area_judgements={"quality_of_education": "good"},
        ),
        metadata=lead.metadata,
    )
    assert {p.paper: p.status for p in held.papers} == {
        "agenda": "on_time",
        "previous AIM report": "on_time",
        "headteacher report": "on_time",
        "latest achievement data": "late",
    }
    assert (held.status, held.entitlement_days) == ("held", "1.00")

    # Notes: drafted by the chair, approved by that academy's head and chair, then circulated.
    text = f"Confidential AIM note {uuid.uuid4().hex}: year 9 attendance is the worry."
    drafted = await stub.DraftNotes(
        mpb.DraftNotesRequest(meeting_id=first.meeting_id, text=text), metadata=lead.metadata
    )
    notes_id = drafted.notes_id
    assert list(drafted.awaiting_roles) == ["headteacher", "chair_of_lgb"]
    circulate = mpb.CirculateNotesRequest(meeting_id=first.meeting_id, notes_id=notes_id)
    approve = mpb.ApproveNotesRequest(meeting_id=first.meeting_id, notes_id=notes_id)
    with refused(grpc.StatusCode.FAILED_PRECONDITION, "only after every approval"):
        await stub.CirculateNotes(circulate, metadata=lead.metadata)
    with refused(grpc.StatusCode.PERMISSION_DENIED, "approving notes needs one of the roles"):
        await stub.ApproveNotes(approve, metadata=lead.metadata)
    other_head = clients.caller("head@otter", Role.HEADTEACHER, trust_id, [otter])
    with refused(grpc.StatusCode.PERMISSION_DENIED, "outside your scope"):
        await stub.ApproveNotes(approve, metadata=other_head.metadata)
    await stub.ApproveNotes(approve, metadata=head.metadata)
    with refused(grpc.StatusCode.FAILED_PRECONDITION, "already approved these notes"):
        await stub.ApproveNotes(approve, metadata=head.metadata)
    await stub.ApproveNotes(approve, metadata=chair.metadata)
    circulated = await stub.CirculateNotes(circulate, metadata=lead.metadata)
    assert circulated.circulated_on == day.isoformat() and not circulated.awaiting_roles
    read = await stub.GetNotes(
        mpb.GetNotesRequest(meeting_id=first.meeting_id), metadata=head.metadata
    )
    assert read.text == text
    for role in (Role.TRUSTEE, Role.FINANCE, Role.PROVIDER):
        outsider = clients.caller(f"{role.value}@mt", role, trust_id, [heron])
        with refused(grpc.StatusCode.PERMISSION_DENIED, "reading notes needs one of the roles"):
            await stub.GetNotes(
                mpb.GetNotesRequest(meeting_id=first.meeting_id), metadata=outsider.metadata
            )

    # Actions: at a held meeting only, due on or after it; one becomes overdue.
    def raising(meeting_id: str, title: str, due: dt.date) -> mpb.RaiseActionRequest:
        return mpb.RaiseActionRequest(
            meeting_id=meeting_id,
            title=title,
            owner=person("head@heron", Role.HEADTEACHER),
            due_on=due.isoformat(),
            area="behaviour_and_attitudes",
        )

    with refused(grpc.StatusCode.FAILED_PRECONDITION, "actions are raised at a held meeting"):
        await stub.RaiseAction(raising(second.meeting_id, "t", day), metadata=lead.metadata)
    with refused(grpc.StatusCode.INVALID_ARGUMENT, "is before the meeting that raised it"):
        await stub.RaiseAction(
            raising(first.meeting_id, "t", day - dt.timedelta(days=1)), metadata=lead.metadata
        )
    soon = await stub.RaiseAction(
        raising(first.meeting_id, "Attendance plan", day + dt.timedelta(days=7)),
        metadata=lead.metadata,
    )
    later = await stub.RaiseAction(
        raising(first.meeting_id, "Behaviour audit", day + dt.timedelta(days=30)),
        metadata=lead.metadata,
    )
    as_of = (day + dt.timedelta(days=14)).isoformat()
    overdue = await stub.ListActions(
        mpb.ListActionsRequest(trust_id=trust_id, academy_id=heron, status="overdue", as_of=as_of),
        metadata=trustee.metadata,
    )
    assert [(a.action_id, a.overdue) for a in overdue.actions] == [(soon.action_id, True)]
    mine = await stub.ListActions(
        mpb.ListActionsRequest(trust_id=trust_id, owner_subject="head@heron"),
        metadata=head.metadata,
    )
    assert [a.action_id for a in mine.actions] == [soon.action_id, later.action_id]
    await stub.CompleteAction(
        mpb.CompleteActionRequest(action_id=later.action_id), metadata=head.metadata
    )
    carried = await stub.CarryForwardAction(
        mpb.CarryForwardActionRequest(action_id=soon.action_id, to_meeting_id=second.meeting_id),
        metadata=lead.metadata,
    )
    assert list(carried.meeting_ids) == [first.meeting_id, second.meeting_id]

    compliance = await stub.GetCompliance(
        mpb.GetComplianceRequest(trust_id=trust_id, academy_id=heron, academic_year=this_year()),
        metadata=trustee.metadata,
    )
    aim = next(t for t in compliance.meeting_types if t.meeting_type == "aim")
    assert (aim.held, aim.papers_on_time, aim.papers_late, aim.notes_circulated) == (1, 3, 1, 1)
    assert {"quality_of_education", "behaviour_and_attitudes"} <= set(compliance.covered_areas)
    assert (compliance.entitlement_days_used, compliance.open_actions) == ("1.00", 1)

    # The text is in no event on the topic, no stored event, and no line of the log.
    on_kafka = await until_on_topic(
        meetings_platform,
        MEETINGS_TOPIC,
        lambda e: e.key == heron and e.event_type == "meetings.NotesCirculated",
    )
    assert on_kafka
    every = await on_topic(meetings_platform, MEETINGS_TOPIC, lambda e: True)
    assert all(text not in e.model_dump_json() for e in every)
    assert any(e.event_type == "meetings.NotesDrafted" and e.key == heron for e in every)
    conn = await asyncpg.connect(meetings_platform.postgres.dsn("meetings"))
    try:
        stored = await conn.fetchval(
            "SELECT count(*) FROM events WHERE payload::text LIKE $1 OR metadata::text LIKE $1",
            f"%{text[:40]}%",
        )
    finally:
        await conn.close()
    assert stored == 0
    with open(meetings_platform.log_file("meetings"), errors="replace") as log:
        assert text[:40] not in log.read()


async def test_a_note_of_visit_reaches_the_principal_on_time_and_late(meetings_platform, clients):
    stub = meetings_stub(clients)
    trust_id, ceo, [academy_id] = await new_trust(clients, "seed-004-focus", prefix="nov")
    consultant = clients.caller("consultant@focus", Role.PROVIDER, trust_id, [academy_id])
    visits = sorted(
        (
            m
            for m in await meetings_when(
                clients,
                ceo,
                trust_id,
                academy_id,
                lambda ms: sum(m.meeting_type == "consultancy_visit" for m in ms) >= 2,
            )
            if m.meeting_type == "consultancy_visit"
        ),
        key=lambda m: m.scheduled_for,
    )[:2]
    day = today()
    held_on = max(day - dt.timedelta(days=5), dt.date(int(this_year()[:4]), 9, 1))
    outcomes = []
    for visit, days_to_draft in zip(visits, (2, 4), strict=True):
        await stub.HoldMeeting(
            mpb.HoldMeetingRequest(
                meeting_id=visit.meeting_id,
                held_on=held_on.isoformat(),
                attendees=[
                    person("consultant@focus", Role.PROVIDER),
                    person("principal@academy", Role.HEADTEACHER),
                ],
                focus_areas=["quality_of_education"],
            ),
            metadata=consultant.metadata,
        )
        drafted_on = min(held_on + dt.timedelta(days=days_to_draft), day)
        drafted = await stub.DraftNotes(
            mpb.DraftNotesRequest(
                meeting_id=visit.meeting_id, text="Note of Visit", drafted_on=drafted_on.isoformat()
            ),
            metadata=consultant.metadata,
        )
        circulated = await stub.CirculateNotes(
            mpb.CirculateNotesRequest(meeting_id=visit.meeting_id, notes_id=drafted.notes_id),
            metadata=consultant.metadata,
        )
        outcomes.append({d.to_role: d.status for d in circulated.deadlines})
    if held_on == day - dt.timedelta(days=5):  # the usual case: three days for the principal
        assert outcomes == [
            {"headteacher": "met", "chief_executive": "met"},
            {"headteacher": "late", "chief_executive": "met"},
        ]
        events = await until_on_topic(
            meetings_platform,
            MEETINGS_TOPIC,
            lambda e: e.key == academy_id and e.event_type == "meetings.NotesCirculated",
            count=2,
        )
        met = sorted(tuple(d["met"] for d in e.payload["deadlines"]) for e in events)
        assert met == [(False, True), (True, True)]
        compliance = await stub.GetCompliance(
            mpb.GetComplianceRequest(
                trust_id=trust_id, academy_id=academy_id, academic_year=this_year()
            ),
            metadata=ceo.metadata,
        )
        visit_type = next(
            t for t in compliance.meeting_types if t.meeting_type == "consultancy_visit"
        )
        assert (visit_type.deadlines_met, visit_type.deadlines_late) == (3, 1)


async def test_bad_input_is_refused_with_its_status_and_message_and_nothing_is_appended(
    meetings_platform, clients
):
    stub = meetings_stub(clients)
    trust_id, _ceo, [academy_id] = await new_trust(clients, "seed-000-aid", prefix="bad")
    lead = clients.caller("aid@mt", Role.IMPROVEMENT_LEAD, trust_id, [academy_id])
    first = sorted(
        await meetings_when(clients, lead, trust_id, academy_id, lambda ms: len(ms) >= 3),
        key=lambda m: m.scheduled_for,
    )[0]
    cancelled = await stub.CancelMeeting(
        mpb.CancelMeetingRequest(meeting_id=first.meeting_id, reason="the trust day moved"),
        metadata=lead.metadata,
    )
    assert (cancelled.status, cancelled.cancelled_why) == ("cancelled", "by_hand")
    invalid, failed = grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.FAILED_PRECONDITION
    cases = [
        (
            stub.GetMeeting,
            mpb.GetMeetingRequest(meeting_id="no such id"),
            invalid,
            "meeting_id must be",
        ),
        (
            stub.HoldMeeting,
            mpb.HoldMeetingRequest(
                meeting_id=first.meeting_id,
                held_on="next Tuesday",
                attendees=[person("aid@mt", Role.IMPROVEMENT_LEAD)],
            ),
            invalid,
            "held_on must be an ISO date",
        ),
        (
            stub.HoldMeeting,
            mpb.HoldMeetingRequest(
                meeting_id=first.meeting_id,
                held_on=today().isoformat(),
                attendees=[person("aid@mt", Role.IMPROVEMENT_LEAD)],
            ),
            failed,
            "holding it needs a meeting still to be held",
        ),
        (
            stub.DraftNotes,
            mpb.DraftNotesRequest(meeting_id=first.meeting_id, text="x" * 100_001),
            invalid,
            "text is 100,001 characters; the limit is 100,000",
        ),
        (
            stub.ScheduleMeeting,
            mpb.ScheduleMeetingRequest(
                trust_id=trust_id,
                academy_id=academy_id,
                meeting_type="aim",
                scheduled_for="2026-12-08 09:30",
                reason="r",
            ),
            invalid,
            "scheduled_for needs its UTC offset",
        ),
        (
            stub.ListActions,
            mpb.ListActionsRequest(trust_id=trust_id, status="late"),
            invalid,
            "status must be one of open, overdue, completed, all",
        ),
    ]
    conn = await asyncpg.connect(meetings_platform.postgres.dsn("meetings"))
    try:
        before = await conn.fetchval("SELECT count(*) FROM events")
        for call, request, code, text in cases:
            with refused(code, text):
                await call(request, metadata=lead.metadata)
        assert await conn.fetchval("SELECT count(*) FROM events") == before
    finally:
        await conn.close()

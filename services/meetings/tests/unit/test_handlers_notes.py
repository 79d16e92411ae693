"""Given a held AIM, when its chair drafts the notes, the headteacher and the
chair of the LGB of that academy approve them and they are circulated, then the
events (never the text, which only GetNotes reads, to those who may) or a
clear refusal that appends nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from chassis.errors import AlreadyExists, FailedPrecondition, NotFound, PermissionDenied
from meetings.application import attendance, notes
from meetings.domain import attendance as rules
from meetings.domain.notes import DeadlineStatus
from meetings_controls import ACADEMY, CEO, CHAIR, CONSULTANT, HEAD, LEAD, VICE_CHAIR
from meetings_world import cause, principal

TEXT = "Attendance in year 9 remains the concern; phonics strong."
LEAD_P, HEAD_P, CHAIR_P = (
    principal(LEAD, ACADEMY),
    principal(HEAD, ACADEMY),
    principal(CHAIR, ACADEMY),
)
CEO_P = principal(CEO)


@pytest.fixture
async def held(world):
    """A seed 000 academy whose first AIM was held on its day (``world.day``)."""
    world.trust("seed-000-aid")
    world.academy()
    world.academy("otter")
    await world.register()
    row = world.rows(meeting_type="aim")[0]
    world.meeting_id, world.day = row.meeting_id, row.scheduled_for.date()
    command = rules.HoldMeeting(row.meeting_id, world.day, [LEAD, HEAD, CHAIR], [], {})
    await attendance.hold(world.ports, LEAD_P, command, world.day, cause(LEAD_P))
    return world


async def when_drafted(world, who=LEAD_P, notes_id="n1", text=TEXT):
    command = notes.DraftNotes(world.meeting_id, notes_id, text, None)
    return await notes.draft(world.ports, who, command, world.day, cause(who))


async def when_approved(world, who, notes_id="n1"):
    return await notes.approve(world.ports, who, world.meeting_id, notes_id, world.day, cause(who))


async def when_circulated(world, who=LEAD_P):
    return await notes.circulate(
        world.ports, who, world.meeting_id, "n1", None, world.day, cause(who)
    )


async def test_drafted_approved_by_head_and_chair_then_circulated_and_the_text_never_in_an_event(
    held,
):
    drafted = await when_drafted(held)
    assert drafted.notes is not None and drafted.awaiting == ["headteacher", "chair_of_lgb"]
    assert held.notes.texts["n1"].text == TEXT
    await when_approved(held, HEAD_P)
    approved = await when_approved(held, CHAIR_P)
    assert approved.awaiting == []
    circulated = await when_circulated(held)
    assert circulated.notes is not None and circulated.notes.circulated_on == held.day
    assert all("year 9" not in str(e.payload) for e in held.envelopes())
    assert [e.actor.subject for e in held.envelopes()[-3:]] == [
        HEAD.subject,
        CHAIR.subject,
        LEAD.subject,
    ]
    read = await notes.get_notes(held.ports, CHAIR_P, held.meeting_id)
    assert (read.text, read.notes.notes_id) == (TEXT, "n1")


async def test_a_retried_draft_answers_again_and_another_with_its_id_already_exists(held):
    first = await when_drafted(held)
    assert await when_drafted(held) == first
    with pytest.raises(AlreadyExists, match="notes n1 already exist"):
        await when_drafted(held, text="something else")
    held.notes.taken.add("n2")
    with pytest.raises(AlreadyExists, match="notes n2 already exist"):
        await when_drafted(held, notes_id="n2")
    assert len([e for e in held.envelopes() if e.event_type.endswith("NotesDrafted")]) == 1


@pytest.mark.parametrize(
    ("who", "error", "message"),
    [
        (principal(HEAD, "otter"), PermissionDenied, "approving notes: academy heron is outside"),
        (
            CEO_P,
            PermissionDenied,
            "approved by headteacher and chair_of_lgb; you are chief_executive",
        ),
    ],
)
async def test_only_that_academys_approvers_approve(held, who, error, message):
    await when_drafted(held)
    with pytest.raises(error, match=message):
        await when_approved(held, who)


async def test_approving_twice_or_circulating_before_every_approval_is_refused(held):
    await when_drafted(held)
    with pytest.raises(FailedPrecondition, match="still awaiting headteacher and chair_of_lgb"):
        await when_circulated(held)
    await when_approved(held, HEAD_P)
    with pytest.raises(FailedPrecondition, match="already approved these notes as headteacher"):
        await when_approved(held, HEAD_P)
    with pytest.raises(FailedPrecondition, match="already approved"):
        await when_approved(
            held, principal(VICE_CHAIR.model_copy(update={"subject": HEAD.subject}), ACADEMY)
        )
    with pytest.raises(FailedPrecondition, match="still awaiting chair_of_lgb"):
        await when_circulated(held)
    assert len(held.envelopes()) == 3 + 1 + 1 + 1  # the AIMs, held, drafted, one approval


async def test_the_author_never_approves_their_own_notes(held):
    author = principal(HEAD.model_copy(update={"subject": "aid-who-heads@trust"}), ACADEMY)
    chair_side = principal(LEAD.model_copy(update={"subject": "aid-who-heads@trust"}), ACADEMY)
    await when_drafted(held, who=chair_side)
    with pytest.raises(PermissionDenied, match="the author of the notes never approves them"):
        await when_approved(held, author)


async def test_notes_need_a_held_meeting(world):
    world.trust("seed-000-aid")
    world.academy()
    await world.register()
    world.meeting_id, world.day = world.rows()[0].meeting_id, dt.date(2026, 11, 20)
    with pytest.raises(FailedPrecondition, match="drafting notes comes after the meeting is held"):
        await when_drafted(world)
    assert world.notes.texts == {}


async def test_who_reads_the_text_and_when(held):
    with pytest.raises(NotFound, match="no notes have been drafted"):
        await notes.get_notes(held.ports, HEAD_P, held.meeting_id)
    await when_drafted(held)
    for reader in (LEAD_P, CEO_P, HEAD_P, CHAIR_P):  # the AIM's approvers read the draft
        assert (await notes.get_notes(held.ports, reader, held.meeting_id)).text == TEXT
    with pytest.raises(PermissionDenied, match="reading notes: academy heron is outside"):
        await notes.get_notes(held.ports, principal(HEAD, "otter"), held.meeting_id)


async def test_a_note_of_visit_reaches_the_principal_on_time_or_late(world):
    world.trust("seed-004-focus")
    world.academy()
    await world.register()
    consultant = principal(CONSULTANT, ACADEMY)
    visits = world.rows(meeting_type="consultancy_visit")[:2]
    results = []
    for visit, days_to_draft in zip(visits, (2, 5), strict=True):
        day = visit.scheduled_for.date()
        hold = rules.HoldMeeting(visit.meeting_id, day, [CONSULTANT, HEAD], [], {})
        await attendance.hold(world.ports, consultant, hold, day, cause(consultant))
        on = day + dt.timedelta(days=days_to_draft)
        draft = notes.DraftNotes(visit.meeting_id, "", "Note of Visit", on)
        drafted = await notes.draft(world.ports, consultant, draft, on, cause(consultant))
        assert drafted.notes is not None
        with pytest.raises(
            FailedPrecondition, match="reach the chair_of_lgb when they are circulated"
        ):
            await notes.get_notes(world.ports, principal(CHAIR, ACADEMY), visit.meeting_id)
        done = await notes.circulate(
            world.ports,
            consultant,
            visit.meeting_id,
            drafted.notes.notes_id,
            on,
            on,
            cause(consultant),
        )
        results.append([d.status for d in done.deadlines])
    assert results == [
        [DeadlineStatus.MET, DeadlineStatus.MET],
        [DeadlineStatus.LATE, DeadlineStatus.MET],
    ]

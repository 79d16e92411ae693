"""Given a held meeting, when its notes are drafted, approved and circulated,
then the events (never the text) or a clear refusal; and the type's note
deadlines (seed 004's Note of Visit) met or not as of a date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from chassis.errors import (
    AlreadyExists,
    DomainError,
    FailedPrecondition,
    InvalidArgument,
    PermissionDenied,
)
from contracts.meetings.v1 import NotesCirculated
from meetings.domain import notes
from meetings.domain.meeting import MeetingState, evolve
from meetings.domain.notes import DeadlineStatus
from meetings_controls import (
    CEO,
    CHAIR,
    CONSULTANT,
    HEAD,
    LEAD,
    OTHER_LEAD,
    VICE_CHAIR,
    drafted,
    framework,
    held,
    recorded,
    scheduled,
    with_events,
)

AID = framework("seed-000-aid")
FOCUS = framework("seed-004-focus")
LATER = dt.date(2027, 2, 1)
SCHEDULED = with_events(scheduled())
HELD = with_events(scheduled(), held())
DRAFTED = with_events(scheduled(), held(), drafted())


def then(state: MeetingState, events: list[Any]) -> MeetingState:
    for event in events:
        state = evolve(state, recorded(event))
    return state


def approved_by(*people: Any, state: MeetingState = DRAFTED) -> MeetingState:
    for person in people:
        state = then(state, notes.decide_approve(state, AID, "n1", person))
    return state


def test_the_chair_drafts_the_approvers_approve_then_the_notes_are_circulated():
    [draft] = notes.decide_draft(
        HELD, AID, notes.DraftNotes("m1", "n1", LEAD, dt.date(2026, 12, 4)), LATER
    )
    assert (draft.notes_id, draft.revision, draft.author) == ("n1", 1, LEAD)
    assert "text" not in type(draft).model_fields  # the text never travels
    state = then(HELD, [draft])
    aim = AID.meeting_type("aim")
    assert aim is not None and state.notes is not None
    assert notes.awaiting(state.notes, aim) == ["headteacher", "chair_of_lgb"]
    state = approved_by(HEAD, CHAIR, state=state)
    [circulated] = notes.decide_circulate(state, AID, "n1", dt.date(2026, 12, 9), LATER)
    assert isinstance(circulated, NotesCirculated) and circulated.deadlines == []
    state = then(state, [circulated])
    assert state.notes is not None and state.notes.circulated_on == dt.date(2026, 12, 9)


def test_a_redraft_restarts_the_approvals():
    state = approved_by(HEAD)
    [redraft] = notes.decide_draft(
        state, AID, notes.DraftNotes("m1", "n2", LEAD, dt.date(2026, 12, 7)), LATER
    )
    assert redraft.revision == 2
    state = then(state, [redraft])
    assert state.notes is not None and state.notes.approvals == ()
    with pytest.raises(FailedPrecondition, match="notes n1 are not the current draft"):
        notes.decide_approve(state, AID, "n1", CHAIR)
    [again] = notes.decide_approve(state, AID, "n2", HEAD)
    assert again.notes_id == "n2"


def test_notes_that_need_no_approval_are_circulated_straight_away():
    visit = with_events(
        scheduled(meeting_type="consultancy_visit"),
        held(meeting_type="consultancy_visit", attendees=[CONSULTANT, HEAD]),
        drafted(author=CONSULTANT),
    )
    with pytest.raises(FailedPrecondition, match="need no approval: circulate them"):
        notes.decide_approve(visit, FOCUS, "n1", HEAD)
    [circulated] = notes.decide_circulate(visit, FOCUS, "n1", dt.date(2026, 12, 9), LATER)
    assert [d.to_role for d in circulated.deadlines] == ["headteacher", "chief_executive"]


# -- Note of Visit deadlines (seed 004): to the principal within 3 days, to the trust within 7 --

VISIT_DAY = dt.date(2027, 1, 18)  # a Monday
PRINCIPAL_DUE = dt.date(2027, 1, 21)
TRUST_DUE = dt.date(2027, 1, 25)


def visit(*more: Any) -> MeetingState:
    return with_events(
        scheduled(meeting_type="consultancy_visit", term="spring"),
        held(meeting_type="consultancy_visit", held_on=VISIT_DAY, attendees=[CONSULTANT, HEAD]),
        *more,
    )


def deadline_statuses(state: MeetingState, as_of: dt.date) -> dict[str, DeadlineStatus]:
    meeting_type = FOCUS.meeting_type("consultancy_visit")
    assert meeting_type is not None
    return {d.to_role: d.status for d in notes.note_deadlines(state, meeting_type, as_of)}


def test_a_note_of_visit_not_yet_written_is_in_time_on_the_day_and_overdue_a_day_after():
    assert deadline_statuses(visit(), PRINCIPAL_DUE) == {
        "headteacher": DeadlineStatus.NOT_YET_DUE,
        "chief_executive": DeadlineStatus.NOT_YET_DUE,
    }
    assert deadline_statuses(visit(), PRINCIPAL_DUE + dt.timedelta(days=1)) == {
        "headteacher": DeadlineStatus.OVERDUE,
        "chief_executive": DeadlineStatus.NOT_YET_DUE,
    }
    assert deadline_statuses(visit(), TRUST_DUE + dt.timedelta(days=1)) == {
        "headteacher": DeadlineStatus.OVERDUE,
        "chief_executive": DeadlineStatus.OVERDUE,
    }


@pytest.mark.parametrize(
    ("drafted_on", "circulated_on", "principal", "trust"),
    [
        (PRINCIPAL_DUE, TRUST_DUE, True, True),  # each on the day
        (
            PRINCIPAL_DUE + dt.timedelta(days=1),
            TRUST_DUE,
            False,
            True,
        ),  # a day late to the principal
        (PRINCIPAL_DUE, TRUST_DUE + dt.timedelta(days=1), True, False),  # a day late to the trust
        (VISIT_DAY, VISIT_DAY, True, True),  # the same day
    ],
)
def test_note_of_visit_deadlines_met_or_not_when_circulated(
    drafted_on, circulated_on, principal, trust
):
    state = visit(drafted(author=CONSULTANT, drafted_on=drafted_on))
    assert deadline_statuses(state, drafted_on)["headteacher"] == (
        DeadlineStatus.MET if principal else DeadlineStatus.LATE
    )
    [circulated] = notes.decide_circulate(state, FOCUS, "n1", circulated_on, LATER)
    assert [(d.document, d.to_role, d.due_on, d.met) for d in circulated.deadlines] == [
        ("Note of Visit", "headteacher", PRINCIPAL_DUE, principal),
        ("agreed Note of Visit", "chief_executive", TRUST_DUE, trust),
    ]
    state = then(state, [circulated])
    statuses = deadline_statuses(state, LATER)
    assert statuses["chief_executive"] == (DeadlineStatus.MET if trust else DeadlineStatus.LATE)


def test_a_redraft_does_not_move_when_the_principal_first_had_the_note():
    state = visit(
        drafted(author=CONSULTANT, drafted_on=PRINCIPAL_DUE),
        drafted(author=CONSULTANT, notes_id="n2", revision=2, drafted_on=TRUST_DUE),
    )
    assert deadline_statuses(state, TRUST_DUE)["headteacher"] == DeadlineStatus.MET


def test_seed_000_brief_report_and_seed_004_roundtable_report():
    interim = with_events(
        scheduled(meeting_type="interim_aim"),
        held(meeting_type="interim_aim", held_on=dt.date(2026, 12, 3)),
        drafted(drafted_on=dt.date(2026, 12, 10)),  # within 7 days, to the headteacher
    )
    brief = AID.meeting_type("interim_aim")
    assert brief is not None
    [report] = notes.note_deadlines(interim, brief, dt.date(2026, 12, 10))
    assert (report.document, report.status) == ("brief report", DeadlineStatus.MET)
    roundtable = with_events(
        scheduled(meeting_type="roundtable"),
        held(meeting_type="roundtable", held_on=dt.date(2027, 6, 2), attendees=[CEO, HEAD]),
        drafted(author=CEO, drafted_on=dt.date(2027, 6, 10)),
    )
    written = FOCUS.meeting_type("roundtable")
    assert written is not None
    # the written report reaches the chief executive when circulated, within 14 days
    [due] = notes.note_deadlines(roundtable, written, dt.date(2027, 6, 16))
    assert due.status == DeadlineStatus.NOT_YET_DUE
    [due] = notes.note_deadlines(roundtable, written, dt.date(2027, 6, 17))
    assert due.status == DeadlineStatus.OVERDUE


# -- refusals ---------------------------------------------------------------------------------


def draft(**overrides: Any) -> notes.DraftNotes:
    fields: dict[str, Any] = dict(
        meeting_id="m1", notes_id="n1", author=LEAD, drafted_on=dt.date(2026, 12, 4)
    )
    return notes.DraftNotes(**{**fields, **overrides})


REFUSALS: list[tuple[str, Callable[[], object], type[DomainError], str]] = [
    (
        "notes before the meeting is held",
        lambda: notes.decide_draft(SCHEDULED, AID, draft(), LATER),
        FailedPrecondition,
        "drafting notes comes after the meeting is held; meeting m1 is scheduled",
    ),
    (
        "notes drafted by someone other than the chair",
        lambda: notes.decide_draft(HELD, AID, draft(author=HEAD), LATER),
        PermissionDenied,
        r"the aim's notes are drafted by its chair \(improvement_lead\); you are headteacher",
    ),
    (
        "notes dated before the meeting",
        lambda: notes.decide_draft(HELD, AID, draft(drafted_on=dt.date(2026, 12, 2)), LATER),
        InvalidArgument,
        r"drafted_on 2026-12-02 is before the meeting \(2026-12-03\)",
    ),
    (
        "the same draft twice",
        lambda: notes.decide_draft(DRAFTED, AID, draft(), LATER),
        AlreadyExists,
        "notes n1 were already drafted",
    ),
    (
        "redrafting circulated notes",
        lambda: notes.decide_draft(
            then(
                approved_by(HEAD, CHAIR),
                notes.decide_circulate(
                    approved_by(HEAD, CHAIR), AID, "n1", dt.date(2026, 12, 9), LATER
                ),
            ),
            AID,
            draft(notes_id="n2"),
            LATER,
        ),
        FailedPrecondition,
        "the notes were already circulated on 2026-12-09",
    ),
    (
        "approving before any draft",
        lambda: notes.decide_approve(HELD, AID, "n1", HEAD),
        FailedPrecondition,
        "no notes have been drafted for meeting m1 yet",
    ),
    (
        "approval from a role that does not approve",
        lambda: notes.decide_approve(DRAFTED, AID, "n1", OTHER_LEAD),
        PermissionDenied,
        "the aim's notes are approved by headteacher and chair_of_lgb; you are improvement_lead",
    ),
    (
        "the author approving their own notes",
        lambda: notes.decide_approve(
            with_events(scheduled(), held(), drafted(author=HEAD)), AID, "n1", HEAD
        ),
        PermissionDenied,
        "the author of the notes never approves them",
    ),
    (
        "approving twice",
        lambda: notes.decide_approve(approved_by(CHAIR), AID, "n1", CHAIR),
        FailedPrecondition,
        "chair@heron.example already approved these notes as chair_of_lgb",
    ),
    (
        "a second approval for a role already approved",
        lambda: notes.decide_approve(approved_by(CHAIR), AID, "n1", VICE_CHAIR),
        FailedPrecondition,
        "already approved these notes as chair_of_lgb",
    ),
    (
        "circulating before every approval",
        lambda: notes.decide_circulate(approved_by(HEAD), AID, "n1", LATER, LATER),
        FailedPrecondition,
        "the notes are circulated only after every approval; still awaiting chair_of_lgb",
    ),
    (
        "circulating before any approval",
        lambda: notes.decide_circulate(DRAFTED, AID, "n1", LATER, LATER),
        FailedPrecondition,
        "still awaiting headteacher and chair_of_lgb",
    ),
    (
        "circulating a superseded draft",
        lambda: notes.decide_circulate(approved_by(HEAD, CHAIR), AID, "n0", LATER, LATER),
        FailedPrecondition,
        "notes n0 are not the current draft: revision 1 is notes n1",
    ),
    (
        "circulating in the future",
        lambda: notes.decide_circulate(
            approved_by(HEAD, CHAIR), AID, "n1", dt.date(2026, 12, 9), dt.date(2026, 12, 8)
        ),
        InvalidArgument,
        "circulated_on 2026-12-09 is in the future",
    ),
    (
        "circulating before the draft",
        lambda: notes.decide_circulate(
            approved_by(HEAD, CHAIR), AID, "n1", dt.date(2026, 12, 3), LATER
        ),
        InvalidArgument,
        r"circulated_on 2026-12-03 is before the draft \(2026-12-04\)",
    ),
]


@pytest.mark.parametrize(
    ("decide", "error", "message"),
    [pytest.param(decide, error, message, id=name) for name, decide, error, message in REFUSALS],
)
def test_refusals_say_what_would_be_right(decide, error, message):
    with pytest.raises(error, match=message):
        decide()

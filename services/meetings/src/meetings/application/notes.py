"""A held meeting's notes: drafted by its chair, approved by each of the type's
note approvers of that academy (never the author), circulated after every
approval; and their text read by those who may.

The text is confidential: it is kept in meetings' own table in the same
transaction as NotesDrafted, and never travels in an event, a log line or a
reply other than GetNotes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from chassis.aggregate import Decided, Session, execute, read
from chassis.auth import Principal
from chassis.envelope import CausationContext
from chassis.errors import AlreadyExists, FailedPrecondition, NotFound
from chassis.ids import client_or_new_id

from meetings.application.ports import NotesText, Ports
from meetings.application.reach import (
    RUNS_MEETINGS,
    MeetingInReach,
    meeting_in_reach,
    on_meeting,
    person,
    require_runs,
)
from meetings.application.streams import MeetingRecord, key_of, meetings_of
from meetings.application.views import NotesView, notes_view
from meetings.domain import notes
from meetings.domain.meeting import Notes
from meetings.domain.values import require_text
from meetings.entrypoints.access import ACCESS

TEXT_MAX = 100_000  # the proto's limit on the notes' text


@dataclass(frozen=True)
class DraftNotes:
    meeting_id: str
    notes_id: str  # client-chosen (a retry names it again), or empty for a new one
    text: str
    drafted_on: dt.date | None  # None: today


def _view(record: MeetingRecord, where: MeetingInReach, today: dt.date) -> NotesView:
    return notes_view(record.meeting, where.meeting_type, today)


async def draft(
    ports: Ports,
    principal: Principal,
    command: DraftNotes,
    today: dt.date,
    cause: CausationContext,
) -> NotesView:
    """The chair's draft (a redraft before circulation restarts the approvals)."""
    client_chosen = bool(command.notes_id.strip())
    notes_id = client_or_new_id(command.notes_id, "notes_id")
    where = await meeting_in_reach(ports, principal, ACCESS.rule("DraftNotes"), command.meeting_id)
    text = require_text(command.text, "text", TEXT_MAX)
    author = person(principal)
    drafted_on = command.drafted_on or today
    if client_chosen:
        kept = await ports.notes.find(notes_id)
        if kept is not None:
            if (kept.meeting_id, kept.text, kept.author) == (command.meeting_id, text, author):
                stored = meetings_of(where.academy_id)
                record = (await read(ports.store, stored, command.meeting_id)).state
                return _view(record, where, today)  # a retried call: nothing new
            raise AlreadyExists(f"notes {notes_id} already exist")
    wanted = notes.DraftNotes(command.meeting_id, notes_id, author, drafted_on)

    async def keep_text(session: Session, _decided: Decided[MeetingRecord]) -> None:
        kept = NotesText(notes_id, command.meeting_id, text, author, drafted_on)
        if not await ports.notes.save(session.conn, kept):
            raise AlreadyExists(f"notes {notes_id} already exist")

    decided = await execute(
        ports.store,
        meetings_of(where.academy_id),
        [command.meeting_id],
        lambda loaded: notes.decide_draft(loaded.state.meeting, where.framework, wanted, today),
        key_of(where.row.trust_id, where.academy_id),
        cause,
        after=keep_text,
    )
    return _view(decided.state, where, today)


async def approve(
    ports: Ports,
    principal: Principal,
    meeting_id: str,
    notes_id: str,
    today: dt.date,
    cause: CausationContext,
) -> NotesView:
    """By one of the type's note approvers of the meeting's academy, once each."""
    where = await meeting_in_reach(ports, principal, ACCESS.rule("ApproveNotes"), meeting_id)
    record = await on_meeting(
        ports,
        where,
        lambda state: notes.decide_approve(state, where.framework, notes_id, person(principal)),
        cause,
    )
    return _view(record, where, today)


async def circulate(
    ports: Ports,
    principal: Principal,
    meeting_id: str,
    notes_id: str,
    circulated_on: dt.date | None,
    today: dt.date,
    cause: CausationContext,
) -> NotesView:
    """Only after every approval; the note deadlines are judged then."""
    where = await meeting_in_reach(ports, principal, ACCESS.rule("CirculateNotes"), meeting_id)
    require_runs(principal, where.meeting_type, "circulating notes")
    record = await on_meeting(
        ports,
        where,
        lambda state: notes.decide_circulate(
            state, where.framework, notes_id, circulated_on or today, today
        ),
        cause,
    )
    return _view(record, where, today)


@dataclass(frozen=True)
class NotesRead:
    notes: Notes
    text: str


async def get_notes(ports: Ports, principal: Principal, meeting_id: str) -> NotesRead:
    """The current draft's text: the chair's side and the draft's readers (the
    headteacher, the approvers) from the draft on, the others once circulated."""
    where = await meeting_in_reach(ports, principal, ACCESS.rule("GetNotes"), meeting_id)
    state = (await read(ports.store, meetings_of(where.academy_id), meeting_id)).state.meeting
    current = state.notes
    if current is None:
        raise NotFound(f"no notes have been drafted for meeting {meeting_id} yet")
    if (
        current.circulated_on is None
        and principal.role not in RUNS_MEETINGS
        and not notes.reads_draft(principal.role.value, where.meeting_type)
    ):
        raise FailedPrecondition(
            f"the notes of meeting {meeting_id} reach the {principal.role} when they are "
            "circulated; they are still a draft"
        )
    kept = await ports.notes.find(current.notes_id)
    if kept is None:
        raise FailedPrecondition(f"the text of notes {current.notes_id} is not kept here")
    return NotesRead(current, kept.text)

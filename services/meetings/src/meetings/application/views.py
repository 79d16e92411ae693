"""What a reply shows of a meeting: the meeting as recorded, and, as of a day,
its papers (on time, late, missing), where its notes stand (the approvals still
awaited, the note deadlines) — never the notes' text (see notes.get_notes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from trust_frameworks.model import MeetingType
from trustfacts.model import TrustFramework

from meetings.application.streams import MeetingRecord
from meetings.domain.meeting import MeetingState, Notes, Paper
from meetings.domain.notes import DeadlineDue, awaiting, note_deadlines
from meetings.domain.papers import PaperDue, papers_due


@dataclass(frozen=True)
class NotesView:
    meeting_id: str
    notes: Notes | None
    awaiting: list[str]  # approver roles still to approve the current draft
    deadlines: list[DeadlineDue]


@dataclass(frozen=True)
class MeetingView:
    record: MeetingRecord
    type_name: str
    papers: list[tuple[PaperDue, Paper | None]]  # each paper due, and the one submitted
    notes: NotesView

    @property
    def meeting(self) -> MeetingState:
        return self.record.meeting


def notes_view(state: MeetingState, meeting_type: MeetingType | None, as_of: dt.date) -> NotesView:
    if meeting_type is None:
        return NotesView(state.meeting_id, state.notes, [], [])
    pending = awaiting(state.notes, meeting_type) if state.notes is not None else []
    return NotesView(
        state.meeting_id, state.notes, pending, note_deadlines(state, meeting_type, as_of)
    )


def meeting_view(record: MeetingRecord, framework: TrustFramework, as_of: dt.date) -> MeetingView:
    state = record.meeting
    assert state.plan is not None
    meeting_type = framework.meeting_type(state.plan.meeting_type)
    papers = (
        [
            (due, state.paper(due.paper) if due.submitted_on else None)
            for due in papers_due(state, meeting_type, as_of)
        ]
        if meeting_type is not None
        else []
    )
    return MeetingView(
        record,
        meeting_type.name if meeting_type is not None else state.plan.meeting_type,
        papers,
        notes_view(state, meeting_type, as_of),
    )

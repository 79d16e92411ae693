"""Meetings, their notes and their actions under any sequence of commands:
scheduled by hand, rescheduled, cancelled; apologies, held; notes drafted,
approved, circulated; actions raised, completed, carried forward; while the
days go by.

A hypothesis state machine drives the pure domain (meetings.domain) with
generated arguments, invalid ones included (wrong roles, the author approving,
days before or after what is allowed, unknown areas), on seed 000's AIM (notes
approved by the headteacher and the chair of the LGB) and interim AIM (no
approvals, a Note of Visit deadline). After every step the invariants below
must hold.

``TRUST_STATEFUL_EXAMPLES`` (default 50) sets the number of sequences tried, e.g.
``TRUST_STATEFUL_EXAMPLES=1000 .venv/bin/python -m pytest -q -p no:cacheprovider
services/meetings/tests/unit/test_meeting_stateful.py``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable

from chassis.aggregate import Recorded
from chassis.envelope import Actor
from chassis.errors import DomainError
from contracts.base import EventPayload
from contracts.meetings.v1 import (
    MEETINGS_EVENTS,
    ActionCarriedForward,
    ActionCompleted,
    ActionRaised,
    MeetingHeld,
    NotesApproved,
    NotesCirculated,
    NotesDrafted,
    Person,
)
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from meetings.domain import action, attendance, meeting, notes
from meetings.domain.action import ActionState, RaiseAction
from meetings.domain.attendance import HoldMeeting
from meetings.domain.meeting import MeetingState, RescheduleMeeting, ScheduleMeeting
from meetings.domain.notes import DraftNotes
from meetings_controls import CHAIR, HEAD, LEAD, OTHER_LEAD, VICE_CHAIR, at, framework, heron

EXAMPLES = int(os.environ.get("TRUST_STATEFUL_EXAMPLES", "50"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    stateful_step_count=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
FRAMEWORK = framework("seed-000-aid")
PARTY = heron()
START = dt.date(2026, 10, 1)
# Note text is confidential: the domain never sees it, and no event may carry it.
NOTE_TEXT = "CONFIDENTIAL: the head's concerns about staffing"

MEETING_IDS = st.sampled_from(["m1", "m2", "m3"])
PEOPLE = st.sampled_from([LEAD, OTHER_LEAD, HEAD, CHAIR, VICE_CHAIR])
OFFSETS = st.sampled_from([-3, -1, 0, 1, 2, 7, 30])  # days from today
REASONS = st.sampled_from(["the head asked", "diary clash", "", "  "])
AREAS = st.sampled_from(["quality_of_education", "behaviour_and_attitudes", "inclusion"])
# An action's states in the order they may move: never back.
ORDER = {"open": 0, "completed": 1}


class Meetings(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.today = START
        self.meetings: dict[str, MeetingState] = {}
        self.actions: dict[str, ActionState] = {}
        self.streams: dict[str, list[tuple[EventPayload, Actor]]] = {}
        self.action_history: dict[str, list[ActionState]] = {}

    def _meeting(self, meeting_id: str) -> MeetingState:
        return self.meetings.get(meeting_id, meeting.initial(meeting_id))

    def _apply(
        self, stream: str, by: Person, decide: Callable[[], list[EventPayload]]
    ) -> list[EventPayload]:
        """Decide and fold into the meeting or action; a refusal must be a DomainError
        (never a crash) and append nothing."""
        before = (dict(self.meetings), dict(self.actions), len(self.streams.get(stream, [])))
        try:
            events = decide()
        except DomainError:
            after = (self.meetings, self.actions, len(self.streams.get(stream, [])))
            assert after == before
            return []
        actor = Actor(subject=by.subject, role=by.role)
        kind, _, stream_id = stream.partition("-")
        for event in events:
            if kind == "meeting":
                state = meeting.evolve(self._meeting(stream_id), Recorded(event, actor))
                self.meetings[stream_id] = state
            else:
                kept = self.actions.get(stream_id, action.initial(stream_id))
                self.actions[stream_id] = action.evolve(kept, Recorded(event, actor))
                self.action_history.setdefault(stream_id, []).append(self.actions[stream_id])
            self.streams.setdefault(stream, []).append((event, actor))
        return events

    @initialize()
    def a_term_of_meetings(self) -> None:
        """Three meetings in the diary (through the same decisions), the first two
        a week away, and that week gone by, so that sequences reach holding."""
        self.schedule("m1", "aim", 7, "the head asked")
        self.schedule("m2", "interim_aim", 7, "the head asked")
        self.schedule("m3", "aim", 40, "the head asked")
        self.today += dt.timedelta(days=7)

    # -- the days go by --------------------------------------------------------------

    @rule(days=st.sampled_from([1, 3, 8, 20, 40]))
    def days_pass(self, days: int) -> None:
        self.today += dt.timedelta(days=days)

    # -- meetings --------------------------------------------------------------------

    @rule(
        meeting_id=MEETING_IDS,
        meeting_type=st.sampled_from(["aim", "aim", "interim_aim", "board_dinner"]),
        offset=OFFSETS,
        reason=REASONS,
    )
    def schedule(self, meeting_id: str, meeting_type: str, offset: int, reason: str) -> None:
        when = at(self.today + dt.timedelta(days=offset))
        command = ScheduleMeeting(meeting_id, meeting_type, when, reason)
        state = self._meeting(meeting_id)

        def decide() -> list[EventPayload]:
            if meeting.repeats_schedule(state, PARTY, command):
                return []
            return meeting.decide_schedule(state, FRAMEWORK, PARTY, command, self.today)

        self._apply(f"meeting-{meeting_id}", LEAD, decide)

    @rule(meeting_id=MEETING_IDS, offset=OFFSETS, reason=REASONS)
    def reschedule(self, meeting_id: str, offset: int, reason: str) -> None:
        command = RescheduleMeeting(meeting_id, at(self.today + dt.timedelta(days=offset)), reason)
        state = self._meeting(meeting_id)
        self._apply(
            f"meeting-{meeting_id}",
            LEAD,
            lambda: meeting.decide_reschedule(state, command, FRAMEWORK, self.today),
        )

    @rule(meeting_id=MEETING_IDS, reason=REASONS)
    def cancel(self, meeting_id: str, reason: str) -> None:
        state = self._meeting(meeting_id)
        self._apply(f"meeting-{meeting_id}", LEAD, lambda: meeting.decide_cancel(state, reason))

    @rule(meeting_id=MEETING_IDS, attendee=PEOPLE, substitute=st.none() | PEOPLE)
    def apologise(self, meeting_id: str, attendee: Person, substitute: Person | None) -> None:
        state = self._meeting(meeting_id)
        self._apply(
            f"meeting-{meeting_id}",
            attendee,
            lambda: attendance.decide_apologies(state, FRAMEWORK, attendee, substitute),
        )

    @rule(
        meeting_id=MEETING_IDS,
        on_the_day=st.booleans(),
        offset=st.sampled_from([0, 0, -1, 1]),
        attendees=st.lists(PEOPLE, min_size=1, max_size=3, unique_by=lambda p: p.subject)
        | st.lists(PEOPLE, max_size=3),
        focus=st.lists(AREAS, max_size=2),
    )
    def hold(
        self,
        meeting_id: str,
        on_the_day: bool,
        offset: int,
        attendees: list[Person],
        focus: list[str],
    ) -> None:
        state = self._meeting(meeting_id)
        day = state.day if on_the_day and state.day else self.today
        held_on = day + dt.timedelta(days=offset)
        command = HoldMeeting(meeting_id, held_on, attendees, focus, {})
        self._apply(
            f"meeting-{meeting_id}",
            LEAD,
            lambda: attendance.decide_hold(state, FRAMEWORK, command, self.today),
        )

    # -- notes -----------------------------------------------------------------------

    @rule(
        meeting_id=MEETING_IDS,
        notes_id=st.sampled_from(["n1", "n2", "n3"]),
        author=PEOPLE,
        offset=st.sampled_from([0, 0, -1, 1]),
    )
    def draft_notes(self, meeting_id: str, notes_id: str, author: Person, offset: int) -> None:
        state = self._meeting(meeting_id)
        # The text goes to the notes' own table (application); the domain decides
        # without it, so it cannot leak into an event.
        command = DraftNotes(meeting_id, notes_id, author, self.today + dt.timedelta(days=offset))
        self._apply(
            f"meeting-{meeting_id}",
            author,
            lambda: notes.decide_draft(state, FRAMEWORK, command, self.today),
        )

    @rule(meeting_id=MEETING_IDS, approver=PEOPLE, stale=st.sampled_from([False, False, True]))
    def approve_notes(self, meeting_id: str, approver: Person, stale: bool) -> None:
        state = self._meeting(meeting_id)
        notes_id = "n9" if stale or state.notes is None else state.notes.notes_id
        self._apply(
            f"meeting-{meeting_id}",
            approver,
            lambda: notes.decide_approve(state, FRAMEWORK, notes_id, approver),
        )

    @rule(meeting_id=MEETING_IDS, offset=st.sampled_from([0, 0, -2, 1]))
    def circulate_notes(self, meeting_id: str, offset: int) -> None:
        state = self._meeting(meeting_id)
        notes_id = state.notes.notes_id if state.notes else "n9"
        on = self.today + dt.timedelta(days=offset)
        self._apply(
            f"meeting-{meeting_id}",
            LEAD,
            lambda: notes.decide_circulate(state, FRAMEWORK, notes_id, on, self.today),
        )

    # -- actions ---------------------------------------------------------------------

    @rule(
        action_id=st.sampled_from(["x1", "x2"]),
        meeting_id=MEETING_IDS,
        due_offset=st.sampled_from([14, 30, -5]),
        title=st.sampled_from(["Attendance plan", ""]),
    )
    def raise_action(self, action_id: str, meeting_id: str, due_offset: int, title: str) -> None:
        state = self.actions.get(action_id, action.initial(action_id))
        at_meeting = self._meeting(meeting_id)
        due_on = (at_meeting.day or self.today) + dt.timedelta(days=due_offset)
        command = RaiseAction(action_id, meeting_id, title, HEAD, due_on)

        def decide() -> list[EventPayload]:
            if action.repeats_raise(state, command):
                return []
            return action.decide_raise(state, at_meeting, FRAMEWORK, command, self.today)

        self._apply(f"action-{action_id}", LEAD, decide)

    @precondition(lambda self: bool(self.actions))
    @rule(action_id=st.sampled_from(["x1", "x2"]), offset=st.sampled_from([0, -1, 1, -40]))
    def complete_action(self, action_id: str, offset: int) -> None:
        state = self.actions.get(action_id, action.initial(action_id))
        on = self.today + dt.timedelta(days=offset)
        self._apply(
            f"action-{action_id}", HEAD, lambda: action.decide_complete(state, on, self.today)
        )

    @precondition(lambda self: bool(self.actions))
    @rule(
        action_id=st.sampled_from(["x1", "x2"]),
        to_meeting_id=MEETING_IDS,
        due_offset=st.sampled_from([None, 7, -400]),
    )
    def carry_forward(self, action_id: str, to_meeting_id: str, due_offset: int | None) -> None:
        state = self.actions.get(action_id, action.initial(action_id))
        current = self._meeting(state.meeting_id if state.exists else "m1")
        target = self._meeting(to_meeting_id)
        due_on = (
            None
            if due_offset is None or state.due_on is None
            else state.due_on + dt.timedelta(days=due_offset)
        )
        self._apply(
            f"action-{action_id}",
            LEAD,
            lambda: action.decide_carry_forward(state, current, target, due_on),
        )

    # -- invariants ------------------------------------------------------------------

    @invariant()
    def replaying_the_events_gives_the_same_meetings_and_actions(self) -> None:
        for stream, recorded in self.streams.items():
            kind, _, stream_id = stream.partition("-")
            rebuilt: MeetingState | ActionState = (
                meeting.initial(stream_id) if kind == "meeting" else action.initial(stream_id)
            )
            for event, actor in recorded:
                stored = event.model_dump(mode="json")
                parsed = MEETINGS_EVENTS.parse(event.EVENT_TYPE, event.SCHEMA_VERSION, stored)
                if kind == "meeting":
                    rebuilt = meeting.evolve(rebuilt, Recorded(parsed, actor))  # type: ignore[arg-type]
                else:
                    rebuilt = action.evolve(rebuilt, Recorded(parsed, actor))  # type: ignore[arg-type]
            expected = self.meetings[stream_id] if kind == "meeting" else self.actions[stream_id]
            assert rebuilt == expected

    @invariant()
    def notes_follow_drafted_approved_circulated_and_never_carry_their_text(self) -> None:
        for stream, recorded in self.streams.items():
            if not stream.startswith("meeting-"):
                continue
            held = False
            revision, current, author, approvals, circulated = 0, None, None, set(), False
            for event, _actor in recorded:
                assert NOTE_TEXT not in event.model_dump_json()
                if isinstance(event, MeetingHeld):
                    held = True
                elif isinstance(event, NotesDrafted):
                    assert held and not circulated
                    assert event.revision == revision + 1  # drafts numbered one by one
                    revision, current, author = event.revision, event.notes_id, event.author
                    approvals = set()  # a redraft restarts the approvals
                elif isinstance(event, NotesApproved):
                    assert event.notes_id == current and not circulated
                    assert author is not None and event.approver.subject != author.subject
                    assert event.approver.role not in approvals
                    approvals.add(event.approver.role)
                elif isinstance(event, NotesCirculated):
                    assert event.notes_id == current and not circulated
                    state = self.meetings[stream.partition("-")[2]]
                    assert state.plan is not None
                    kind = FRAMEWORK.meeting_type(state.plan.meeting_type)
                    assert kind is not None and set(kind.note_approvers) <= approvals
                    circulated = True

    @invariant()
    def a_meeting_is_held_or_cancelled_at_most_once_and_never_both(self) -> None:
        for meeting_id, state in self.meetings.items():
            assert not (state.held is not None and state.cancelled is not None)
            held = [
                e for e, _ in self.streams[f"meeting-{meeting_id}"] if isinstance(e, MeetingHeld)
            ]
            assert len(held) <= 1

    @invariant()
    def an_action_only_moves_forward(self) -> None:
        for action_id, history in self.action_history.items():
            recorded = [e for e, _ in self.streams[f"action-{action_id}"]]
            assert isinstance(recorded[0], ActionRaised)
            assert sum(isinstance(e, ActionRaised) for e in recorded) == 1
            completed = [i for i, e in enumerate(recorded) if isinstance(e, ActionCompleted)]
            assert len(completed) <= 1 and (not completed or completed[0] == len(recorded) - 1)
            steps = [ORDER["completed" if s.completed_on else "open"] for s in history]
            assert steps == sorted(steps)
            dues = [s.due_on for s in history]
            assert dues == sorted(dues)  # carrying forward keeps or extends the due date
            final = self.actions[action_id]
            assert len(set(final.meetings)) == len(final.meetings)  # never back to a meeting
            carried = [e for e in recorded if isinstance(e, ActionCarriedForward)]
            assert list(final.meetings[1:]) == [e.to_meeting_id for e in carried]
            assert final.raised_on is not None and final.due_on is not None
            assert final.completed_on is None or final.completed_on >= final.raised_on


TestMeetings = Meetings.TestCase
TestMeetings.settings = SETTINGS

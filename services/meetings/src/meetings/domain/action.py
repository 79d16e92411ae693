"""An action: raised at a held meeting with an owner and a due date, completed,
or carried forward to a later meeting (the link to each earlier one is kept).
Overdue is computed as of a date, never stored.

One stream per action (``action-<id>``), keyed like its meeting's events (the
academy, or the trust for a trust-wide meeting), so they stay in order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from chassis.aggregate import Recorded
from chassis.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from contracts import limits
from contracts.base import EventPayload
from contracts.meetings.v1 import ActionCarriedForward, ActionCompleted, ActionRaised, Person
from trustfacts.model import TrustFramework

from meetings.domain.meeting import MeetingState, Status, require_plan
from meetings.domain.values import require_person, require_text


@dataclass(frozen=True)
class ActionState:
    action_id: str
    trust_id: str = ""
    academy_id: str | None = None
    title: str = ""
    owner: Person | None = None
    area: str | None = None
    raised_on: dt.date | None = None
    due_on: dt.date | None = None
    meetings: tuple[str, ...] = ()  # raised at the first, carried to each later one
    completed_on: dt.date | None = None

    @property
    def exists(self) -> bool:
        return bool(self.meetings)

    @property
    def meeting_id(self) -> str:
        """The meeting it stands at now."""
        return self.meetings[-1]

    @property
    def is_open(self) -> bool:
        return self.exists and self.completed_on is None

    def is_open_on(self, as_of: dt.date) -> bool:
        """Raised by then and not completed by then."""
        if self.raised_on is None or self.raised_on > as_of:
            return False
        return self.completed_on is None or self.completed_on > as_of

    def is_overdue(self, as_of: dt.date) -> bool:
        """Open after its due day (the due day itself is not overdue)."""
        return self.is_open_on(as_of) and self.due_on is not None and as_of > self.due_on


def initial(action_id: str) -> ActionState:
    return ActionState(action_id)


def evolve(state: ActionState, recorded: Recorded) -> ActionState:
    event = recorded.event
    if isinstance(event, ActionRaised):
        return replace(
            state,
            trust_id=event.trust_id,
            academy_id=event.academy_id,
            title=event.title,
            owner=event.owner,
            area=event.area,
            raised_on=event.raised_on,
            due_on=event.due_on,
            meetings=(event.meeting_id,),
        )
    if isinstance(event, ActionCarriedForward):
        return replace(state, meetings=(*state.meetings, event.to_meeting_id), due_on=event.due_on)
    if isinstance(event, ActionCompleted):
        return replace(state, completed_on=event.completed_on)
    return state


@dataclass(frozen=True)
class RaiseAction:
    action_id: str
    meeting_id: str
    title: str
    owner: Person
    due_on: dt.date
    area: str | None = None


def repeats_raise(state: ActionState, command: RaiseAction) -> bool:
    """Whether ``command`` is a retry of the call that raised this action (the same
    meeting, title, owner, due date and area): it answers again."""
    return (
        state.exists
        and state.meetings[0] == command.meeting_id
        and state.title == command.title.strip()
        and state.owner == command.owner
        and state.due_on == command.due_on
        and state.area == command.area
    )


def decide_raise(
    state: ActionState,
    meeting: MeetingState,
    framework: TrustFramework,
    command: RaiseAction,
    today: dt.date,
) -> list[EventPayload]:
    if state.exists:
        raise AlreadyExists(f"action {command.action_id} was already raised")
    plan = require_plan(meeting)
    if meeting.held is None:
        raise FailedPrecondition(
            f"actions are raised at a held meeting; meeting {meeting.meeting_id} is "
            f"{meeting.status} for {plan.day}"
        )
    held_on = meeting.held.held_on
    title = require_text(command.title, "title", limits.NAME_MAX)
    require_person(command.owner, "owner")
    if command.due_on < held_on:
        raise InvalidArgument(
            f"due_on {command.due_on} is before the meeting that raised it ({held_on}): "
            "an action falls due on or after it"
        )
    if command.area is not None and framework.scheme.area(command.area) is None:
        known = ", ".join(a.id for a in framework.scheme.areas)
        raise InvalidArgument(f"area {command.area!r} is not on the trust's scheme ({known})")
    return [
        ActionRaised(
            trust_id=plan.trust_id,
            action_id=command.action_id,
            meeting_id=meeting.meeting_id,
            academy_id=plan.academy_id,
            title=title,
            owner=command.owner,
            raised_on=max(today, held_on),
            due_on=command.due_on,
            area=command.area,
        )
    ]


def _require_open(state: ActionState) -> None:
    if not state.exists:
        raise NotFound(f"there is no action {state.action_id}")
    if state.completed_on is not None:
        raise FailedPrecondition(f"action {state.action_id} was completed on {state.completed_on}")


def decide_complete(
    state: ActionState, completed_on: dt.date, today: dt.date
) -> list[EventPayload]:
    _require_open(state)
    assert state.raised_on is not None
    if completed_on < state.raised_on:
        raise InvalidArgument(
            f"completed_on {completed_on} is before the action was raised ({state.raised_on})"
        )
    if completed_on > today:
        raise InvalidArgument(f"completed_on {completed_on} is in the future")
    return [
        ActionCompleted(
            trust_id=state.trust_id,
            action_id=state.action_id,
            meeting_id=state.meeting_id,
            academy_id=state.academy_id,
            completed_on=completed_on,
        )
    ]


def decide_carry_forward(
    state: ActionState,
    current: MeetingState,
    to_meeting: MeetingState,
    due_on: dt.date | None = None,
) -> list[EventPayload]:
    """To a later meeting of the same academy (or the trust), still to be held."""
    _require_open(state)
    assert state.due_on is not None
    if current.meeting_id != state.meeting_id:
        raise InvalidArgument(f"action {state.action_id} stands at meeting {state.meeting_id}")
    target = require_plan(to_meeting)
    if to_meeting.meeting_id in state.meetings:
        raise FailedPrecondition(
            f"action {state.action_id} was already at meeting {to_meeting.meeting_id}: "
            "carry it to a later one"
        )
    if (target.trust_id, target.academy_id) != (state.trust_id, state.academy_id):
        raise InvalidArgument(
            f"meeting {to_meeting.meeting_id} is not one of "
            f"{state.academy_id or 'the trust-wide'} meetings"
        )
    if to_meeting.status != Status.SCHEDULED:
        raise FailedPrecondition(
            f"meeting {to_meeting.meeting_id} is {to_meeting.status}: carry the action to a "
            "meeting still to be held"
        )
    current_day = current.day
    if current_day is not None and target.day <= current_day:
        raise InvalidArgument(
            f"meeting {to_meeting.meeting_id} ({target.day}) is not after meeting "
            f"{current.meeting_id} ({current_day}): carry it forward to a later one"
        )
    new_due = due_on or state.due_on
    if new_due < state.due_on:
        raise InvalidArgument(
            f"due_on {new_due} is earlier than the action's due date ({state.due_on}); "
            "carrying forward keeps or extends it"
        )
    return [
        ActionCarriedForward(
            trust_id=state.trust_id,
            action_id=state.action_id,
            academy_id=state.academy_id,
            from_meeting_id=state.meeting_id,
            to_meeting_id=to_meeting.meeting_id,
            due_on=new_due,
        )
    ]

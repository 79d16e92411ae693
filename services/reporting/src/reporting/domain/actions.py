"""Actions per owner: meetings' actions folded from their events, then which are
open and which overdue as of a date, grouped per owner.

Pure. The rule is meetings' own (``meetings/domain/action.py``): an action is
open on a day when it was raised by then and not completed by then; it is
overdue when open after its due day (the due day itself is not overdue). A
carry-forward moves the due date for good (meetings keeps only the latest due
date too); the earlier due dates are kept here for the record.

Only an academy's actions: a trust-wide meeting's actions (no academy, on
``meetings.trust``) have no academy to scope a reader by, so they are left out.

Folding is idempotent: applying an event the action already reflects changes
nothing (a redelivered raise, completion or carry-forward), so the projection
is safe under at-least-once delivery and a rebuild racing the live consumer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from contracts.meetings.v1 import ActionCarriedForward, ActionCompleted, ActionRaised

ActionEvent = ActionRaised | ActionCompleted | ActionCarriedForward
ACTION_EVENTS: dict[str, type[ActionEvent]] = {
    model.EVENT_TYPE: model for model in (ActionRaised, ActionCompleted, ActionCarriedForward)
}


@dataclass(frozen=True, order=True)
class Owner:
    subject: str
    role: str


@dataclass(frozen=True)
class TrackedAction:
    action_id: str
    trust_id: str
    academy_id: str
    title: str
    owner: Owner
    raised_on: dt.date
    due_dates: tuple[dt.date, ...]  # as raised, then each carry-forward's
    meetings: tuple[str, ...]  # raised at the first, carried to each later one
    area: str | None = None
    completed_on: dt.date | None = None

    @property
    def due_on(self) -> dt.date:
        return self.due_dates[-1]

    def is_open_on(self, as_of: dt.date) -> bool:
        """Raised by then and not completed by then."""
        if self.raised_on > as_of:
            return False
        return self.completed_on is None or self.completed_on > as_of

    def days_overdue(self, as_of: dt.date) -> int:
        """Days past its due day while open (0 when not overdue)."""
        if not self.is_open_on(as_of):
            return 0
        return max(0, (as_of - self.due_on).days)

    def is_overdue(self, as_of: dt.date) -> bool:
        return self.days_overdue(as_of) > 0


def event_of(event_type: str, payload: dict[str, Any]) -> ActionEvent | None:
    """The action event in a published payload, or None for any other event."""
    model = ACTION_EVENTS.get(event_type)
    return None if model is None else model.model_validate(payload)


def evolve(state: TrackedAction | None, event: ActionEvent) -> TrackedAction | None:
    """The action after ``event``; None while it is unknown (or trust-wide).

    Events of one action arrive in order (they share their academy's key); a
    completion or carry-forward of an action never raised here is ignored."""
    if isinstance(event, ActionRaised):
        if state is not None or event.academy_id is None:
            return state  # raised already (redelivered), or a trust-wide action
        return TrackedAction(
            action_id=event.action_id,
            trust_id=event.trust_id,
            academy_id=event.academy_id,
            title=event.title,
            owner=Owner(event.owner.subject, event.owner.role),
            raised_on=event.raised_on,
            due_dates=(event.due_on,),
            meetings=(event.meeting_id,),
            area=event.area,
        )
    if state is None:
        return None
    if isinstance(event, ActionCompleted):
        return replace(state, completed_on=event.completed_on)
    if event.to_meeting_id in state.meetings:
        return state  # carried there already (redelivered)
    return replace(
        state,
        meetings=(*state.meetings, event.to_meeting_id),
        due_dates=(*state.due_dates, event.due_on),
    )


def fold(events: Iterable[ActionEvent]) -> dict[str, TrackedAction]:
    """Every action the events raise, by id, as they leave it."""
    actions: dict[str, TrackedAction] = {}
    for event in events:
        after = evolve(actions.get(event.action_id), event)
        if after is not None:
            actions[event.action_id] = after
    return actions


@dataclass(frozen=True)
class OwnerActions:
    owner: Owner
    actions: list[TrackedAction]  # open ones, most overdue first
    overdue: int

    @property
    def open(self) -> int:
        return len(self.actions)


def _most_overdue_first(action: TrackedAction) -> tuple[dt.date, dt.date, str, str]:
    return action.due_on, action.raised_on, action.academy_id, action.action_id


def owner_actions(actions: Iterable[TrackedAction], as_of: dt.date) -> list[OwnerActions]:
    """The actions open on ``as_of`` per owner (subject and role), each owner's
    most overdue (earliest due) first; owners with more overdue first, then the
    one whose oldest action fell due earliest, then by who they are. Owners with
    nothing open are not listed."""
    by_owner: dict[Owner, list[TrackedAction]] = {}
    for action in actions:
        if action.is_open_on(as_of):
            by_owner.setdefault(action.owner, []).append(action)
    owners = [
        OwnerActions(
            owner,
            sorted(open_, key=_most_overdue_first),
            sum(1 for a in open_ if a.is_overdue(as_of)),
        )
        for owner, open_ in by_owner.items()
    ]
    return sorted(owners, key=lambda o: (-o.overdue, o.actions[0].due_on, o.owner))

"""Given a held meeting, when an action is raised, completed or carried forward,
then its events or a clear refusal; overdue as of a date."""

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
    NotFound,
)
from contracts.meetings.v1 import ActionCarriedForward, ActionRaised, MeetingCancelled, Person
from meetings.domain import action
from meetings_controls import (
    ACADEMY,
    HEAD,
    TRUST,
    framework,
    held,
    recorded,
    scheduled,
    with_action_events,
    with_events,
)

AID = framework("seed-000-aid")
MEETING_DAY = dt.date(2026, 12, 3)
TODAY = dt.date(2026, 12, 4)
HELD = with_events(scheduled(), held())
SCHEDULED = with_events(scheduled())
NEXT = with_events(
    scheduled(meeting_id="m2", scheduled_for=scheduled().scheduled_for + dt.timedelta(days=60)),
    meeting_id="m2",
)


def raise_action(**overrides: Any) -> action.RaiseAction:
    fields: dict[str, Any] = dict(
        action_id="x1",
        meeting_id="m1",
        title="Phonics catch-up groups for year 2",
        owner=HEAD,
        due_on=dt.date(2027, 1, 29),
        area="quality_of_education",
    )
    return action.RaiseAction(**{**fields, **overrides})


def raised(**overrides: Any) -> ActionRaised:
    fields: dict[str, Any] = dict(
        trust_id=TRUST,
        action_id="x1",
        meeting_id="m1",
        academy_id=ACADEMY,
        title="Phonics catch-up groups for year 2",
        owner=HEAD,
        raised_on=MEETING_DAY,
        due_on=dt.date(2027, 1, 29),
        area="quality_of_education",
    )
    return ActionRaised(**{**fields, **overrides})


OPEN = with_action_events(raised())
CANCELLED_NEXT = with_events(
    scheduled(meeting_id="m2", scheduled_for=scheduled().scheduled_for + dt.timedelta(days=60)),
    MeetingCancelled(
        trust_id=TRUST, meeting_id="m2", academy_id=ACADEMY, why="by_hand", reason="snow"
    ),
    meeting_id="m2",
)


def then(state: action.ActionState, events: list[Any]) -> action.ActionState:
    for event in events:
        state = action.evolve(state, recorded(event))
    return state


def test_an_action_is_raised_at_a_held_meeting_with_owner_due_date_and_area():
    [event] = action.decide_raise(action.initial("x1"), HELD, AID, raise_action(), TODAY)
    assert (event.meeting_id, event.owner, event.raised_on) == ("m1", HEAD, TODAY)
    assert (event.area, event.academy_id) == ("quality_of_education", ACADEMY)
    [no_area] = action.decide_raise(action.initial("x1"), HELD, AID, raise_action(area=None), TODAY)
    assert no_area.area is None
    # due on the day of the meeting is allowed
    action.decide_raise(action.initial("x1"), HELD, AID, raise_action(due_on=MEETING_DAY), TODAY)


def test_overdue_is_computed_as_of_a_date_and_the_due_day_is_not_overdue():
    due = dt.date(2027, 1, 29)
    assert not OPEN.is_open_on(MEETING_DAY - dt.timedelta(days=1))  # not raised yet
    assert not OPEN.is_overdue(due)
    assert OPEN.is_overdue(due + dt.timedelta(days=1))
    done = then(OPEN, action.decide_complete(OPEN, dt.date(2027, 2, 3), dt.date(2027, 2, 3)))
    assert not done.is_open and done.completed_on == dt.date(2027, 2, 3)
    assert done.is_overdue(dt.date(2027, 2, 2))  # as it stood then
    assert not done.is_overdue(dt.date(2027, 2, 3))


def test_carried_forward_the_action_keeps_its_link_and_completes_at_the_later_meeting():
    [carried] = action.decide_carry_forward(OPEN, HELD, NEXT, dt.date(2027, 3, 12))
    assert isinstance(carried, ActionCarriedForward)
    assert (carried.from_meeting_id, carried.to_meeting_id, carried.due_on) == (
        "m1",
        "m2",
        dt.date(2027, 3, 12),
    )
    state = then(OPEN, [carried])
    assert state.meetings == ("m1", "m2") and state.meeting_id == "m2"
    assert not state.is_overdue(dt.date(2027, 3, 1))
    [completed] = action.decide_complete(state, dt.date(2027, 3, 5), dt.date(2027, 3, 5))
    assert completed.meeting_id == "m2"
    [kept] = action.decide_carry_forward(OPEN, HELD, NEXT)
    assert kept.due_on == dt.date(2027, 1, 29)  # unchanged when not given


REFUSALS: list[tuple[str, Callable[[], object], type[DomainError], str]] = [
    (
        "an action at a meeting not yet held",
        lambda: action.decide_raise(action.initial("x1"), SCHEDULED, AID, raise_action(), TODAY),
        FailedPrecondition,
        "actions are raised at a held meeting; meeting m1 is scheduled for 2026-12-03",
    ),
    (
        "an action due before its meeting",
        lambda: action.decide_raise(
            action.initial("x1"), HELD, AID, raise_action(due_on=dt.date(2026, 12, 2)), TODAY
        ),
        InvalidArgument,
        r"due_on 2026-12-02 is before the meeting that raised it \(2026-12-03\)",
    ),
    (
        "an area off the scheme",
        lambda: action.decide_raise(
            action.initial("x1"), HELD, AID, raise_action(area="inclusion"), TODAY
        ),
        InvalidArgument,
        "area 'inclusion' is not on the trust's scheme",
    ),
    (
        "an action without a title",
        lambda: action.decide_raise(action.initial("x1"), HELD, AID, raise_action(title=""), TODAY),
        InvalidArgument,
        "title must not be empty",
    ),
    (
        "a title too long for a title",
        lambda: action.decide_raise(
            action.initial("x1"), HELD, AID, raise_action(title="t" * 201), TODAY
        ),
        InvalidArgument,
        "title is 201 characters; the limit is 200",
    ),
    (
        "an owner without a name",
        lambda: action.decide_raise(
            action.initial("x1"),
            HELD,
            AID,
            raise_action(owner=Person(subject="", role="headteacher")),
            TODAY,
        ),
        InvalidArgument,
        "owner.subject must not be empty",
    ),
    (
        "raising the same action twice",
        lambda: action.decide_raise(OPEN, HELD, AID, raise_action(), TODAY),
        AlreadyExists,
        "action x1 was already raised",
    ),
    (
        "completing an unknown action",
        lambda: action.decide_complete(action.initial("x9"), TODAY, TODAY),
        NotFound,
        "there is no action x9",
    ),
    (
        "completing twice",
        lambda: action.decide_complete(
            then(OPEN, action.decide_complete(OPEN, TODAY, TODAY)), TODAY, TODAY
        ),
        FailedPrecondition,
        "action x1 was completed on 2026-12-04",
    ),
    (
        "completed before it was raised",
        lambda: action.decide_complete(OPEN, dt.date(2026, 12, 1), TODAY),
        InvalidArgument,
        r"completed_on 2026-12-01 is before the action was raised \(2026-12-03\)",
    ),
    (
        "completed in the future",
        lambda: action.decide_complete(OPEN, dt.date(2026, 12, 5), TODAY),
        InvalidArgument,
        "completed_on 2026-12-05 is in the future",
    ),
    (
        "carried to a cancelled meeting",
        lambda: action.decide_carry_forward(OPEN, HELD, CANCELLED_NEXT),
        FailedPrecondition,
        "meeting m2 is cancelled: carry the action to a meeting still to be held",
    ),
    (
        "carried to a held meeting",
        lambda: action.decide_carry_forward(
            OPEN,
            HELD,
            with_events(
                scheduled(meeting_id="m2"), held(meeting_id="m2", held_on=TODAY), meeting_id="m2"
            ),
        ),
        FailedPrecondition,
        "meeting m2 is held",
    ),
    (
        "carried to an earlier meeting",
        lambda: action.decide_carry_forward(
            OPEN,
            HELD,
            with_events(
                scheduled(
                    meeting_id="m2",
                    scheduled_for=scheduled().scheduled_for - dt.timedelta(days=1),
                ),
                meeting_id="m2",
            ),
        ),
        InvalidArgument,
        "is not after meeting m1 .2026-12-03.: carry it forward to a later one",
    ),
    (
        "carried to another academy's meeting",
        lambda: action.decide_carry_forward(
            OPEN,
            HELD,
            with_events(
                scheduled(
                    meeting_id="m2",
                    academy_id="kestrel",
                    scheduled_for=scheduled().scheduled_for + dt.timedelta(days=60),
                ),
                meeting_id="m2",
            ),
        ),
        InvalidArgument,
        "meeting m2 is not one of heron meetings",
    ),
    (
        "carried to the meeting it is at",
        lambda: action.decide_carry_forward(OPEN, HELD, HELD),
        FailedPrecondition,
        "action x1 was already at meeting m1: carry it to a later one",
    ),
    (
        "carried forward with an earlier due date",
        lambda: action.decide_carry_forward(OPEN, HELD, NEXT, dt.date(2027, 1, 1)),
        InvalidArgument,
        r"due_on 2027-01-01 is earlier than the action's due date \(2027-01-29\)",
    ),
    (
        "a completed action carried forward",
        lambda: action.decide_carry_forward(
            then(OPEN, action.decide_complete(OPEN, TODAY, TODAY)), HELD, NEXT
        ),
        FailedPrecondition,
        "was completed on",
    ),
]


@pytest.mark.parametrize(
    ("decide", "error", "message"),
    [pytest.param(decide, error, message, id=name) for name, decide, error, message in REFUSALS],
)
def test_refusals_say_what_would_be_right(decide, error, message):
    with pytest.raises(error, match=message):
        decide()

"""Given meetings' action events, when actions are read per owner as of a date,
then open and overdue as meetings decides them, carry-forwards moving the due
date, completions closing them, redelivery changing nothing, and each reader
seeing only the academies they reach."""

from __future__ import annotations

import datetime as dt
from collections.abc import Set
from dataclasses import dataclass, field

import pytest
from chassis.auth import Principal, Role
from chassis.errors import InvalidArgument, PermissionDenied
from contracts.meetings.v1 import ActionCarriedForward, ActionCompleted, ActionRaised, Person
from reporting.application.actions import ActionsQuery, OwnerActionsReport, list_owner_actions
from reporting.domain.actions import (
    ActionEvent,
    Owner,
    TrackedAction,
    event_of,
    evolve,
    fold,
    owner_actions,
)
from reporting.entrypoints import convert
from trust.reporting.v1 import reporting_pb2 as pb

DAY = dt.date(2026, 11, 2)
HEAD = Person(subject="head@alder", role="headteacher")
LEAD = Person(subject="lead@trust", role="improvement_lead")


def days(n: int) -> dt.date:
    return DAY + dt.timedelta(days=n)


def raised(action_id: str = "act-1", **overrides) -> ActionRaised:
    fields = dict(
        trust_id="t1",
        action_id=action_id,
        meeting_id="m1",
        academy_id="alder",
        title=f"Action {action_id}",
        owner=HEAD,
        raised_on=DAY,
        due_on=days(7),
        area="quality_of_education",
    )
    return ActionRaised.model_validate({**fields, **overrides})


def completed(action_id: str = "act-1", on: dt.date | None = None, **overrides) -> ActionCompleted:
    fields = dict(
        trust_id="t1",
        action_id=action_id,
        meeting_id="m1",
        academy_id="alder",
        completed_on=on or days(5),
    )
    return ActionCompleted.model_validate({**fields, **overrides})


def carried(
    action_id: str = "act-1", to: str = "m2", due: dt.date | None = None, **overrides
) -> ActionCarriedForward:
    fields = dict(
        trust_id="t1",
        action_id=action_id,
        academy_id="alder",
        from_meeting_id="m1",
        to_meeting_id=to,
        due_on=due or days(21),
    )
    return ActionCarriedForward.model_validate({**fields, **overrides})


def one(*events: ActionEvent) -> TrackedAction:
    [action] = fold(events).values()
    return action


def view(actions, as_of: dt.date) -> list[tuple[str, str, list[tuple[str, bool]]]]:
    """(owner, role, [(action, overdue)]) per owner, in the order given."""
    return [
        (
            o.owner.subject,
            o.owner.role,
            [(a.action_id, a.is_overdue(as_of)) for a in o.actions],
        )
        for o in owner_actions(actions, as_of)
    ]


# -- open and overdue, as meetings decides -----------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "is_open", "overdue"),
    [
        (days(-1), False, False),  # not raised yet
        (DAY, True, False),
        (days(7), True, False),  # the due day itself is not overdue
        (days(8), True, True),
        (days(40), True, True),
    ],
)
def test_open_and_overdue_as_of_a_date(as_of, is_open, overdue):
    action = one(raised())
    assert (action.is_open_on(as_of), action.is_overdue(as_of)) == (is_open, overdue)


def test_a_completed_action_is_open_only_before_its_completion():
    action = one(raised(due_on=days(3)), completed(on=days(10)))
    assert action.is_overdue(days(9))  # looking back: it was overdue then
    assert not action.is_open_on(days(10)) and not action.is_overdue(days(20))
    assert view([action], days(20)) == []


def test_carry_forward_moves_the_due_date_and_keeps_the_earlier_ones():
    action = one(raised(), carried(to="m2", due=days(21)), carried(to="m3", due=days(35)))
    assert (action.due_on, action.due_dates) == (days(35), (days(7), days(21), days(35)))
    assert action.meetings == ("m1", "m2", "m3")
    assert not action.is_overdue(days(30))  # past the first due dates, not the current one
    assert action.days_overdue(days(40)) == 5


def test_per_owner_most_overdue_first():
    actions = fold(
        [
            raised("a-soon", due_on=days(3)),
            raised("a-later", due_on=days(30)),
            raised("a-oldest", due_on=days(1)),
            raised("b-1", owner=LEAD, due_on=days(2), academy_id="birch"),
            raised("b-done", owner=LEAD, due_on=days(1), academy_id="birch"),
            completed("b-done", on=days(1), academy_id="birch"),
            raised("c-1", owner=Person(subject="chair@alder", role="chair_of_lgb")),
        ]
    ).values()
    assert view(actions, days(10)) == [
        ("head@alder", "headteacher", [("a-oldest", True), ("a-soon", True), ("a-later", False)]),
        ("lead@trust", "improvement_lead", [("b-1", True)]),
        ("chair@alder", "chair_of_lgb", [("c-1", True)]),
    ]
    [head, *_] = owner_actions(actions, days(10))
    assert (head.open, head.overdue) == (3, 2)
    # The same subject in another role is another owner.
    again = [*actions, one(raised("x", owner=Person(subject="head@alder", role="trustee")))]
    assert [(o.owner, o.open) for o in owner_actions(again, DAY)][-1] == (
        Owner("head@alder", "trustee"),
        1,
    )


def test_trust_wide_actions_are_left_out_and_unknown_actions_ignored():
    assert fold([raised(academy_id=None), completed(academy_id=None)]) == {}
    assert fold([completed("never-raised"), carried("never-raised")]) == {}
    assert event_of("meetings.MeetingHeld", {}) is None


def test_redelivery_changes_nothing():
    events: list[ActionEvent] = [raised(), carried(to="m2", due=days(21)), completed(on=days(15))]
    once = fold(events)
    # Each event again, at any later point (redelivered, or a rebuild racing the consumer).
    assert fold([*events, *events]) == once
    assert fold([events[0], events[1], events[0], events[1], events[2], events[1]]) == once
    state = once["act-1"]
    assert all(evolve(state, e) == state for e in events)


def test_events_are_read_from_their_published_payloads():
    payload = raised().model_dump(mode="json")
    assert event_of("meetings.ActionRaised", payload) == raised()


# -- who reads what ---------------------------------------------------------------------


@dataclass
class MemoryActions:
    actions: list[TrackedAction] = field(default_factory=list)
    asked: list[tuple[str, Set[str] | None, str | None]] = field(default_factory=list)

    async def open_on(
        self, trust_id: str, as_of: dt.date, academies: Set[str] | None, owner: str | None
    ) -> list[TrackedAction]:
        self.asked.append((trust_id, academies, owner))
        return [
            a
            for a in self.actions
            if a.trust_id == trust_id
            and a.is_open_on(as_of)
            and (academies is None or a.academy_id in academies)
            and (owner is None or a.owner.subject == owner)
        ]


@pytest.fixture
def memory() -> MemoryActions:
    return MemoryActions(
        list(
            fold(
                [
                    raised("alder-1", due_on=days(1)),
                    raised("birch-1", academy_id="birch", owner=LEAD, due_on=days(20)),
                    raised("other-trust", trust_id="t2"),
                ]
            ).values()
        )
    )


def caller(role: Role, academies: tuple[str, ...] = (), trust_id: str = "t1") -> Principal:
    return Principal(f"{role.value}@t1", role, trust_id, frozenset(academies))


@pytest.mark.parametrize(
    ("who", "academy_id", "owner", "seen"),
    [
        (caller(Role.CHIEF_EXECUTIVE), None, None, {"alder-1", "birch-1"}),
        (caller(Role.TRUSTEE), "birch", None, {"birch-1"}),
        (caller(Role.IMPROVEMENT_LEAD, ("alder", "birch")), None, None, {"alder-1", "birch-1"}),
        (caller(Role.IMPROVEMENT_LEAD, ("birch",)), None, None, {"birch-1"}),
        (caller(Role.HEADTEACHER, ("alder",)), None, None, {"alder-1"}),
        (caller(Role.CHAIR_OF_LGB, ("alder",)), "alder", None, {"alder-1"}),
        (caller(Role.CHIEF_EXECUTIVE), None, "lead@trust", {"birch-1"}),
    ],
)
async def test_each_reader_sees_the_academies_they_reach(memory, who, academy_id, owner, seen):
    query = ActionsQuery("t1", days(10), academy_id, owner)
    report = await list_owner_actions(memory, who, query)
    assert {a.action_id for o in report.owners for a in o.actions} == seen


@pytest.mark.parametrize(
    ("who", "query", "error", "message"),
    [
        (caller(Role.CHIEF_EXECUTIVE), ActionsQuery("", DAY), InvalidArgument, "trust_id"),
        (caller(Role.CHIEF_EXECUTIVE), ActionsQuery("t2", DAY), PermissionDenied, "not your"),
        (
            caller(Role.HEADTEACHER, ("alder",)),
            ActionsQuery("t1", DAY, "birch"),
            PermissionDenied,
            "academy birch is outside your scope",
        ),
    ],
)
async def test_refusals(memory, who, query, error, message):
    with pytest.raises(error, match=message):
        await list_owner_actions(memory, who, query)
    assert memory.asked == []


# -- conversion --------------------------------------------------------------------------


def test_request_and_reply_conversion():
    query = convert.actions_query_from_proto(
        pb.ListOwnerActionsRequest(trust_id="t1", owner_subject=" head@alder "), today=days(3)
    )
    assert query == ActionsQuery("t1", days(3), None, "head@alder")
    with pytest.raises(InvalidArgument, match="as_of must be an ISO date"):
        convert.actions_query_from_proto(
            pb.ListOwnerActionsRequest(trust_id="t1", as_of="soon"), today=DAY
        )
    action = one(raised(due_on=days(1)))
    reply = convert.owner_actions_report_to_proto(
        OwnerActionsReport(days(4), owner_actions([action], days(4)))
    )
    assert reply.as_of == days(4).isoformat()
    [owner] = reply.owners
    assert (owner.owner.subject, owner.owner.role, owner.open, owner.overdue) == (
        "head@alder",
        "headteacher",
        1,
        1,
    )
    assert owner.actions[0] == pb.OwnerAction(
        action_id="act-1",
        academy_id="alder",
        title="Action act-1",
        area="quality_of_education",
        raised_on=DAY.isoformat(),
        due_on=days(1).isoformat(),
        overdue=True,
    )

"""Actions: raised at a held meeting by those who run it, with an owner and a due
date; completed; carried forward to a later meeting; listed per academy or per
owner, open or overdue as of a date. Each write keeps the action list in step
in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace

from chassis.aggregate import Decided, EventStore, Session, execute, read
from chassis.auth import TRUST_WIDE_ROLES, Principal
from chassis.envelope import CausationContext
from chassis.errors import AlreadyExists, InvalidArgument, NotFound
from chassis.ids import client_or_new_id
from chassis.paging import PageRequest
from contracts.base import EventPayload

from meetings.application.ports import (
    ACTION_STATUSES,
    ActionQuery,
    Ports,
    action_key,
)
from meetings.application.reach import (
    academy_in_reach,
    meeting_in_reach,
    require_party,
    require_runs,
)
from meetings.application.streams import actions_of, key_of, meetings_of
from meetings.domain import action
from meetings.domain.action import ActionState
from meetings.domain.meeting import MeetingState
from meetings.entrypoints.access import ACCESS

Decide = Callable[[ActionState], Sequence[EventPayload]]


async def _meeting(store: EventStore, academy_id: str | None, meeting_id: str) -> MeetingState:
    return (await read(store, meetings_of(academy_id), meeting_id)).state.meeting


async def _decide(
    ports: Ports,
    found: ActionState,
    decide: Decide,
    cause: CausationContext,
) -> ActionState:
    """The action after ``decide``, the action list updated in the same transaction."""

    async def keep(session: Session, decided: Decided[ActionState]) -> None:
        if decided.events and not await ports.actions.save(session.conn, decided.state):
            raise AlreadyExists(f"action {found.action_id} already exists (another party's)")

    decided = await execute(
        ports.store,
        actions_of(found.academy_id),
        [found.action_id],
        lambda loaded: decide(loaded.state),
        key_of(found.trust_id, found.academy_id),
        cause,
        after=keep,
    )
    return decided.state


async def raise_action(
    ports: Ports,
    principal: Principal,
    command: action.RaiseAction,
    today: dt.date,
    cause: CausationContext,
) -> ActionState:
    """The action raised (or, for a retried call with its id, raised before)."""
    client_chosen = bool(command.action_id.strip())
    command = replace(command, action_id=client_or_new_id(command.action_id, "action_id"))
    where = await meeting_in_reach(ports, principal, ACCESS.rule("RaiseAction"), command.meeting_id)
    require_runs(principal, where.meeting_type, "raising an action")
    if client_chosen:  # a fresh uuid4 is nobody's yet; a client's id may be
        taken = await ports.actions.find(command.action_id)
        if taken is not None and taken.meetings[0] != command.meeting_id:
            raise AlreadyExists(f"action {command.action_id} already exists")
    meeting = await _meeting(ports.store, where.academy_id, command.meeting_id)

    def decide(state: ActionState) -> list[EventPayload]:
        if action.repeats_raise(state, command):
            return []  # a retried call (the answer was lost): same answer, nothing new
        return action.decide_raise(state, meeting, where.framework, command, today)

    new = ActionState(command.action_id, where.row.trust_id, where.academy_id)
    return await _decide(ports, new, decide, cause)


async def _action_in_reach(
    ports: Ports, principal: Principal, rpc: str, action_id: str
) -> ActionState:
    found = await ports.actions.find(action_id)
    if found is None:
        raise NotFound(f"there is no action {action_id}")
    require_party(ACCESS.rule(rpc), principal, found.trust_id, found.academy_id)
    return found


async def complete(
    ports: Ports,
    principal: Principal,
    action_id: str,
    completed_on: dt.date | None,
    today: dt.date,
    cause: CausationContext,
) -> ActionState:
    found = await _action_in_reach(ports, principal, "CompleteAction", action_id)
    return await _decide(
        ports,
        found,
        lambda state: action.decide_complete(state, completed_on or today, today),
        cause,
    )


async def carry_forward(
    ports: Ports,
    principal: Principal,
    action_id: str,
    to_meeting_id: str,
    due_on: dt.date | None,
    cause: CausationContext,
) -> ActionState:
    """To a later meeting of the same academy (or the trust), still to be held."""
    rule = ACCESS.rule("CarryForwardAction")
    found = await _action_in_reach(ports, principal, "CarryForwardAction", action_id)
    target = await meeting_in_reach(ports, principal, rule, to_meeting_id)
    current = await _meeting(ports.store, found.academy_id, found.meeting_id)
    to_meeting = await _meeting(ports.store, target.academy_id, to_meeting_id)
    return await _decide(
        ports,
        found,
        lambda state: action.decide_carry_forward(state, current, to_meeting, due_on),
        cause,
    )


async def list_actions(
    ports: Ports,
    principal: Principal,
    query: ActionQuery,
    page: PageRequest,
) -> tuple[list[ActionState], str]:
    """A page of the actions of an academy (or of all the caller reaches in the
    trust, and the trust-wide ones), of one owner if named, by due date."""
    rule = ACCESS.rule("ListActions")
    rule.require_trust(principal, query.trust_id)
    if query.academy_id is not None:
        await academy_in_reach(ports.facts, principal, rule, query.trust_id, query.academy_id)
    if query.status not in ACTION_STATUSES:
        raise InvalidArgument(
            f"status must be one of {', '.join(ACTION_STATUSES)}, got {query.status!r}"
        )
    only = None if principal.role in TRUST_WIDE_ROLES else frozenset(principal.academies)
    found = await ports.actions.page(replace(query, only=only), page.after, page.fetch)
    return page.cut(found, key=action_key)

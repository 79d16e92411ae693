"""Entitlements: granted and adjusted as the facts change (the consumer calls
``bring_in_line``), used by meetings held (``use_for_meeting``), and read as of
a day (GetEntitlement, ListEntitlements).

A year is granted once the academy and its trust's framework are both known,
whichever event makes that so first; the standing (phase, formal intervention)
is the one known on the day of the triggering event. An academy that has left
the trust is granted nothing more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from chassis.aggregate import Decided, EventStore, Loaded, Recorded, Session, execute, read
from chassis.auth import Principal
from chassis.envelope import CausationContext
from chassis.paging import PageRequest
from contracts.base import EventPayload
from contracts.meetings.v1 import MeetingHeld
from contracts.values import academic_year_bounds
from trustfacts.ports import FactsReader

from support.application.ports import ENTITLEMENT, Index, IndexQuery, IndexRow, Ports, index_key
from support.application.reach import academy_in_reach, allowed, keep, reach_of, standing_of
from support.application.streams import ENTITLEMENT as STREAM
from support.application.views import EntitlementView
from support.domain import entitlement
from support.domain.entitlement import Basis, EntitlementState, basis_of, grant_effective_on
from support.domain.values import academic_year_of, days


def entitlement_row(trust_id: str, academy_id: str, year: str) -> IndexRow:
    return IndexRow(
        ENTITLEMENT, f"{academy_id}+{year}", trust_id, academy_id, year, sort_key=academy_id
    )


@dataclass(frozen=True)
class Grounds:
    """What a grant or adjustment is decided from."""

    trust_id: str
    basis: Basis
    effective_from: dt.date  # a grant's effective day


async def grounds(facts: FactsReader, academy_id: str, year: str, on: dt.date) -> Grounds | None:
    """The academy's basis on ``on``; None while the academy or its trust's
    framework is unknown, or once it has left."""
    academy = await facts.academy(academy_id)
    if academy is None or (academy.left_on is not None and academy.left_on < on):
        return None
    framework = await facts.framework(academy.trust_id)
    if framework is None:
        return None
    standing = await standing_of(facts, framework, academy_id, on)
    basis = basis_of(
        framework.framework, framework.version, standing.phase, standing.formal_intervention
    )
    start, _end = academic_year_bounds(year)
    return Grounds(academy.trust_id, basis, grant_effective_on(start, academy.joined_on))


def _grant_or_adjust(
    state: EntitlementState, found: Grounds, change: str | None, on: dt.date
) -> list[EventPayload]:
    if not state.granted:
        return entitlement.decide_grant(state, found.trust_id, found.basis, found.effective_from)
    if change is None:
        return []
    return entitlement.decide_adjust(state, found.basis, change, on)


async def _execute(
    store: EventStore,
    index: Index,
    trust_id: str,
    academy_id: str,
    year: str,
    decide: Callable[[Loaded[EntitlementState]], Sequence[EventPayload]],
    cause: CausationContext,
) -> Decided[EntitlementState]:
    async def kept(session: Session, decided: Decided[EntitlementState]) -> None:
        if decided.events:
            await keep(index, session, entitlement_row(trust_id, academy_id, year))

    return await execute(
        store, STREAM, [academy_id, year], decide, academy_id, cause, after=kept, attempts=10
    )


async def bring_in_line(
    store: EventStore,
    index: Index,
    facts: FactsReader,
    academy_id: str,
    on: dt.date,
    change: str | None,
    cause: CausationContext,
) -> list[EventPayload]:
    """Grant the year of ``on`` if it is not yet, else adjust it for ``change``
    (phase_changed, formal_intervention_started/ended, framework_changed)."""
    year = academic_year_of(on)
    found = await grounds(facts, academy_id, year, on)
    if found is None:
        return []
    decided = await _execute(
        store,
        index,
        found.trust_id,
        academy_id,
        year,
        lambda loaded: _grant_or_adjust(loaded.state, found, change, on),
        cause,
    )
    return decided.events


async def use_for_meeting(
    store: EventStore,
    index: Index,
    facts: FactsReader,
    held: MeetingHeld,
    cause: CausationContext,
) -> list[EventPayload]:
    """The days a meeting held used, once per meeting; a year not yet granted is
    granted first (when the academy and the framework are known)."""
    if held.academy_id is None:
        return []  # a trust-wide meeting uses no academy's days
    academy_id, year = held.academy_id, held.academic_year
    used = days(held.entitlement_days)
    found = await grounds(facts, academy_id, year, held.held_on)

    def decide(state: EntitlementState) -> list[EventPayload]:
        events = _grant_or_adjust(state, found, None, held.held_on) if found else []
        folded = STREAM.fold(state, [Recorded(e, cause.actor) for e in events])
        return [
            *events,
            *entitlement.decide_use(
                folded, "meeting", held.meeting_id, used, held.held_on, held.trust_id
            ),
        ]

    decided = await _execute(
        store,
        index,
        held.trust_id,
        academy_id,
        year,
        lambda loaded: decide(loaded.state),
        cause,
    )
    return decided.events


async def get_entitlement(
    ports: Ports, principal: Principal, academy_id: str, year: str | None, as_of: dt.date
) -> EntitlementView:
    academy = await academy_in_reach(
        ports.facts, principal, allowed("GetEntitlement", principal), academy_id
    )
    the_year = year or academic_year_of(as_of)
    state = (await read(ports.store, STREAM, academy_id, the_year)).state
    return EntitlementView(academy.trust_id, state, as_of)


async def list_entitlements(
    ports: Ports,
    principal: Principal,
    trust_id: str,
    year: str | None,
    as_of: dt.date,
    page: PageRequest,
) -> tuple[list[EntitlementView], str]:
    allowed("ListEntitlements", principal).require_trust(principal, trust_id)
    the_year = year or academic_year_of(as_of)
    query = IndexQuery(ENTITLEMENT, trust_id, academic_year=the_year, only=reach_of(principal))
    rows = await ports.index.page(query, page.after, page.fetch)
    shown, token = page.cut(rows, index_key)
    views = []
    for row in shown:
        assert row.academy_id is not None
        state = (await read(ports.store, STREAM, row.academy_id, the_year)).state
        views.append(EntitlementView(trust_id, state, as_of, brief=True))
    return views, token

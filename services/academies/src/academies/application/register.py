"""The register: academies registered, changed, leaving; read, listed; who am I.

Every change to an academy's stream updates its row in the academy list in
the same transaction (``execute(..., after=...)``), so a read right after a
write sees it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace

from chassis.access import Access
from chassis.aggregate import Decided, EventStore, Loaded, Session, execute, read
from chassis.auth import TRUST_WIDE_ROLES, Principal
from chassis.envelope import CausationContext
from chassis.errors import AlreadyExists, NotFound
from chassis.ids import client_or_new_id
from chassis.paging import PageRequest
from contracts.base import EventPayload

from academies.application.access import ACCESS
from academies.application.ports import AcademyList, UrnClaims, academy_key
from academies.application.streams import ACADEMY, TRUST, AcademyRecord, AcademyStream
from academies.domain import academy as academy_rules
from academies.domain.academy import (
    AcademyState,
    ChangeAcademyDetails,
    RecordAcademyLeft,
    RegisterAcademy,
)
from academies.domain.trust import TrustState

REGISTER = ACCESS.rule("RegisterAcademy")
CHANGE = ACCESS.rule("ChangeAcademyDetails")
LEAVE = ACCESS.rule("RecordAcademyLeft")
GET = ACCESS.rule("GetAcademy")
LIST = ACCESS.rule("ListAcademies")

After = Callable[[Session, Decided[AcademyStream]], Awaitable[None]]


def in_reach(
    rule: Access, principal: Principal, state: AcademyStream, academy_id: str
) -> AcademyState:
    """The registered academy, if the caller reaches it (NOT_FOUND, PERMISSION_DENIED)."""
    if state.academy is None:
        raise NotFound(f"academy {academy_id} is not registered")
    rule.require_academy(principal, state.academy.trust_id, academy_id)
    return state.academy


async def academy_in_reach(
    store: EventStore, rule: Access, principal: Principal, academy_id: str
) -> AcademyRecord:
    loaded = await read(store, ACADEMY, academy_id)
    return AcademyRecord(in_reach(rule, principal, loaded.state, academy_id), loaded.version)


def _record(decided: Decided[AcademyStream]) -> AcademyRecord:
    assert decided.state.academy is not None  # decided on a registered academy
    return AcademyRecord(decided.state.academy, decided.version)


def saved(academies: AcademyList) -> After:
    """Keep the academy's row in step with its stream, in the same transaction."""

    async def save(session: Session, decided: Decided[AcademyStream]) -> None:
        if decided.events:
            await academies.save(session, _record(decided))

    return save


async def change_academy(
    store: EventStore,
    rule: Access,
    principal: Principal,
    academy_id: str,
    decide: Callable[[AcademyState], Sequence[EventPayload]],
    cause: CausationContext,
    after: After,
) -> Decided[AcademyStream]:
    """Decide on a registered academy in the caller's reach (any change to its stream)."""
    return await execute(
        store,
        ACADEMY,
        [academy_id],
        lambda loaded: decide(in_reach(rule, principal, loaded.state, academy_id)),
        academy_id,
        cause,
        after=after,
    )


async def register_academy(
    store: EventStore,
    academies: AcademyList,
    urns: UrnClaims,
    principal: Principal,
    command: RegisterAcademy,
    cause: CausationContext,
) -> AcademyRecord:
    REGISTER.require_trust(principal, command.trust_id)
    academy_id = client_or_new_id(command.academy_id, "academy_id")
    command = replace(command, academy_id=academy_id)
    if (await read(store, TRUST, command.trust_id)).state.trust is None:
        raise NotFound(f"trust {command.trust_id} does not exist; create it first")

    def decide(loaded: Loaded[AcademyStream]) -> list[EventPayload]:
        registered = loaded.state.registered
        if registered is not None and academy_rules.is_retry_of(registered, command):
            return []  # a retried call (the answer was lost): nothing new
        return academy_rules.decide_register(loaded.state.academy, command)

    async def claim_urn(session: Session, decided: Decided[AcademyStream]) -> None:
        academy = _record(decided).academy
        if decided.events and not await urns.claim(
            session, academy.trust_id, academy.urn, academy_id
        ):
            raise AlreadyExists(
                f"URN {academy.urn} is already registered in trust {academy.trust_id}"
            )
        await saved(academies)(session, decided)

    decided = await execute(store, ACADEMY, [academy_id], decide, academy_id, cause, claim_urn)
    return _record(decided)


async def change_details(
    store: EventStore,
    academies: AcademyList,
    principal: Principal,
    command: ChangeAcademyDetails,
    cause: CausationContext,
) -> AcademyRecord:
    decided = await change_academy(
        store,
        CHANGE,
        principal,
        command.academy_id,
        lambda academy: academy_rules.decide_change_details(academy, command),
        cause,
        saved(academies),
    )
    return _record(decided)


async def record_left(
    store: EventStore,
    academies: AcademyList,
    urns: UrnClaims,
    principal: Principal,
    command: RecordAcademyLeft,
    cause: CausationContext,
) -> AcademyRecord:
    async def release_urn(session: Session, decided: Decided[AcademyStream]) -> None:
        academy = _record(decided).academy  # its URN is free for another academy now
        await urns.release(session, academy.trust_id, academy.urn)
        await saved(academies)(session, decided)

    decided = await change_academy(
        store,
        LEAVE,
        principal,
        command.academy_id,
        lambda academy: academy_rules.decide_leave(academy, command),
        cause,
        release_urn,
    )
    return _record(decided)


async def get_academy(store: EventStore, principal: Principal, academy_id: str) -> AcademyRecord:
    return await academy_in_reach(store, GET, principal, academy_id)


async def _reachable(
    academies: AcademyList, principal: Principal, include_left: bool, page: PageRequest
) -> tuple[list[AcademyRecord], str]:
    """A page of the academies of the caller's trust that the caller reaches."""
    only = None if principal.role in TRUST_WIDE_ROLES else principal.academies
    found = await academies.page(principal.trust_id, include_left, only, page)
    return page.cut(found, key=academy_key)


async def list_academies(
    academies: AcademyList,
    principal: Principal,
    trust_id: str,
    include_left: bool,
    page: PageRequest,
) -> tuple[list[AcademyRecord], str]:
    """A page of the academies the caller reaches, by name, and the next page's token."""
    LIST.require_trust(principal, trust_id)
    return await _reachable(academies, principal, include_left, page)


@dataclass(frozen=True)
class Caller:
    """Who a token says the caller is, and the open academies they may act for."""

    principal: Principal
    trust: TrustState | None
    academies: list[AcademyState]

    @property
    def trust_wide(self) -> bool:
        return self.principal.role in TRUST_WIDE_ROLES


async def who_am_i(store: EventStore, academies: AcademyList, principal: Principal) -> Caller:
    """The caller as their token says, with their trust and the open academies they
    may act for (any role may ask about itself)."""
    trust = (await read(store, TRUST, principal.trust_id)).state.trust
    open_academies: list[AcademyState] = []
    page = PageRequest(size=1000, after=None)
    while trust is not None:
        chunk, token = await _reachable(academies, principal, False, page)
        open_academies.extend(record.academy for record in chunk)
        if not token:
            break
        page = PageRequest(size=page.size, after=academy_key(chunk[-1]))
    return Caller(principal, trust, open_academies)

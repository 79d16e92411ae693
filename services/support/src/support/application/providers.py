"""The trust's providers (seed 000's "growing database of expertise"): registered
and updated by the chief executive, improvement leads or finance; due diligence
recorded by the chief executive or finance; conflicts declared by them or by the
provider itself; read and listed.

The index row of a provider carries its specialisms (to list and match by need
area) and its contact subject as the tag ``contact:<subject>`` (to find a
provider's own commissions from its token).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace

from chassis.aggregate import Decided, Loaded, Session, execute, read
from chassis.auth import Principal
from chassis.envelope import CausationContext
from chassis.errors import NotFound, PermissionDenied
from chassis.ids import client_or_new_id
from chassis.paging import PageRequest
from contracts.base import EventPayload

from support.application.ports import PROVIDER, IndexQuery, IndexRow, Ports, every_row, index_key
from support.application.reach import (
    academy_of_trust,
    allowed,
    is_provider,
    keep,
    require_unclaimed,
)
from support.application.streams import PROVIDER as STREAM
from support.application.views import ProviderView
from support.domain import provider
from support.domain.provider import ProviderState

CONTACT = "contact:"


def contact_tag(subject: str) -> str:
    return f"{CONTACT}{subject}"


def provider_row(state: ProviderState) -> IndexRow:
    details = state.known()
    return IndexRow(
        PROVIDER,
        state.provider_id,
        details.trust_id,
        provider_id=state.provider_id,
        tags=(*details.specialisms, contact_tag(details.contact_subject)),
        sort_key=details.name,
    )


async def own_provider_ids(ports: Ports, principal: Principal) -> frozenset[str]:
    """The providers whose contact subject is the caller's."""
    query = IndexQuery(PROVIDER, principal.trust_id, tag=contact_tag(principal.subject))
    return frozenset(row.entity_id for row in await every_row(ports.index, query))


async def located(ports: Ports, principal: Principal, rpc: str, provider_id: str) -> IndexRow:
    """The provider's row, if the caller's trust has it (and, for a provider, if
    it is the caller)."""
    row = await ports.index.find(PROVIDER, provider_id)
    if row is None:
        raise NotFound(f"there is no provider {provider_id}")
    allowed(rpc, principal).require_trust(principal, row.trust_id)
    if is_provider(principal) and contact_tag(principal.subject) not in row.tags:
        raise PermissionDenied(f"provider {provider_id} is not you")
    return row


async def _on_provider(
    ports: Ports,
    provider_id: str,
    decide: Callable[[Loaded[ProviderState]], Sequence[EventPayload]],
    cause: CausationContext,
) -> ProviderState:
    async def kept(session: Session, decided: Decided[ProviderState]) -> None:
        if decided.events:
            await keep(ports.index, session, provider_row(decided.state))

    decided = await execute(
        ports.store, STREAM, [provider_id], decide, provider_id, cause, after=kept
    )
    return decided.state


async def register(
    ports: Ports,
    principal: Principal,
    command: provider.RegisterProvider,
    today: dt.date,
    cause: CausationContext,
) -> ProviderView:
    allowed("RegisterProvider", principal).require_trust(principal, command.trust_id)
    if command.home_academy_id:
        await academy_of_trust(ports.facts, command.trust_id, command.home_academy_id)
    provider_id = client_or_new_id(command.provider_id, "provider_id")
    wanted = replace(command, provider_id=provider_id)
    claim = IndexRow(PROVIDER, provider_id, command.trust_id, provider_id=provider_id)
    await require_unclaimed(ports.index, claim)
    state = await _on_provider(
        ports,
        provider_id,
        lambda loaded: provider.decide_register(loaded.state, wanted),
        cause,
    )
    return ProviderView(state, today)


async def update(
    ports: Ports,
    principal: Principal,
    command: provider.UpdateProvider,
    today: dt.date,
    cause: CausationContext,
) -> ProviderView:
    await located(ports, principal, "UpdateProvider", command.provider_id)
    state = await _on_provider(
        ports,
        command.provider_id,
        lambda loaded: provider.decide_update(loaded.state, command),
        cause,
    )
    return ProviderView(state, today)


async def record_due_diligence(
    ports: Ports,
    principal: Principal,
    command: provider.RecordDueDiligence,
    today: dt.date,
    cause: CausationContext,
) -> ProviderView:
    await located(ports, principal, "RecordDueDiligence", command.provider_id)
    state = await _on_provider(
        ports,
        command.provider_id,
        lambda loaded: provider.decide_due_diligence(loaded.state, command, today),
        cause,
    )
    return ProviderView(state, today)


async def declare_conflict(
    ports: Ports,
    principal: Principal,
    command: provider.DeclareConflict,
    today: dt.date,
    cause: CausationContext,
) -> ProviderView:
    row = await located(ports, principal, "DeclareConflict", command.provider_id)
    await academy_of_trust(ports.facts, row.trust_id, command.academy_id)
    state = await _on_provider(
        ports,
        command.provider_id,
        lambda loaded: provider.decide_conflict(loaded.state, command),
        cause,
    )
    return ProviderView(state, today)


async def get_provider(
    ports: Ports, principal: Principal, provider_id: str, today: dt.date
) -> ProviderView:
    await located(ports, principal, "GetProvider", provider_id)
    return ProviderView((await read(ports.store, STREAM, provider_id)).state, today)


async def providers_of(ports: Ports, trust_id: str, need_area: str | None) -> list[ProviderState]:
    """Every provider of the trust (with the need area among its specialisms)."""
    rows = await every_row(ports.index, IndexQuery(PROVIDER, trust_id, tag=need_area))
    return [(await read(ports.store, STREAM, row.entity_id)).state for row in rows]


async def list_providers(
    ports: Ports,
    principal: Principal,
    trust_id: str,
    need_area: str | None,
    page: PageRequest,
    today: dt.date,
) -> tuple[list[ProviderView], str]:
    allowed("ListProviders", principal).require_trust(principal, trust_id)
    query = IndexQuery(PROVIDER, trust_id, tag=need_area)
    rows = await ports.index.page(query, page.after, page.fetch)
    shown, token = page.cut(rows, index_key)
    views = [
        ProviderView((await read(ports.store, STREAM, row.entity_id)).state, today) for row in shown
    ]
    return views, token

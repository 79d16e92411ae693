"""Support requested by an academy (its headteacher, its improvement lead or the
chief executive) and triaged once by its improvement lead or the chief
executive; read one by one or listed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from chassis.aggregate import Decided, Session, execute, read
from chassis.auth import Principal
from chassis.envelope import CausationContext
from chassis.errors import FailedPrecondition, NotFound
from chassis.ids import client_or_new_id
from chassis.paging import PageRequest

from support.application.ports import (
    COMMISSION,
    REQUEST,
    IndexQuery,
    IndexRow,
    Ports,
    every_row,
    index_key,
)
from support.application.reach import academy_in_reach, allowed, keep, reach_of, require_unclaimed
from support.application.streams import REQUEST as STREAM
from support.application.views import RequestView
from support.domain import request
from support.domain.request import RequestState


@dataclass(frozen=True)
class NewRequest:
    request_id: str  # client-chosen, or empty for a new one
    academy_id: str
    need_area: str
    subject: str | None
    days_wanted: Decimal | None
    summary: str
    requested_on: dt.date | None  # None: today


def request_row(state: RequestState, trust_id: str) -> IndexRow:
    requested = state.requested
    assert requested is not None
    return IndexRow(
        REQUEST,
        state.request_id,
        trust_id,
        requested.academy_id,
        status=state.status,
        sort_key=requested.requested_on.isoformat(),
    )


async def request_view(ports: Ports, state: RequestState) -> RequestView:
    requested = state.requested
    assert requested is not None
    query = IndexQuery(COMMISSION, requested.trust_id, request_id=state.request_id)
    answering = await every_row(ports.index, query)
    return RequestView(state, tuple(row.entity_id for row in answering))


async def request_support(
    ports: Ports, principal: Principal, command: NewRequest, today: dt.date, cause: CausationContext
) -> RequestView:
    academy = await academy_in_reach(
        ports.facts, principal, allowed("RequestSupport", principal), command.academy_id
    )
    if academy.left_on is not None:
        raise FailedPrecondition(f"{academy.academy_id} left the trust on {academy.left_on}")
    request_id = client_or_new_id(command.request_id, "request_id")
    wanted = request.RequestSupport(
        request_id=request_id,
        trust_id=academy.trust_id,
        academy_id=academy.academy_id,
        need_area=command.need_area,
        subject=command.subject,
        days_wanted=command.days_wanted,
        summary=command.summary,
        requested_on=command.requested_on or today,
    )
    claim = IndexRow(REQUEST, request_id, academy.trust_id, academy.academy_id)
    await require_unclaimed(ports.index, claim)

    async def kept(session: Session, decided: Decided[RequestState]) -> None:
        if decided.events:
            await keep(ports.index, session, request_row(decided.state, academy.trust_id))

    decided = await execute(
        ports.store,
        STREAM,
        [request_id],
        lambda loaded: request.decide_request(loaded.state, wanted, today),
        academy.academy_id,
        cause,
        after=kept,
    )
    return await request_view(ports, decided.state)


async def _located(ports: Ports, principal: Principal, rpc: str, request_id: str) -> IndexRow:
    row = await ports.index.find(REQUEST, request_id)
    if row is None or row.academy_id is None:
        raise NotFound(f"there is no request {request_id}")
    allowed(rpc, principal).require_academy(principal, row.trust_id, row.academy_id)
    return row


async def triage(
    ports: Ports,
    principal: Principal,
    request_id: str,
    outcome: str,
    reason: str,
    today: dt.date,
    cause: CausationContext,
) -> RequestView:
    row = await _located(ports, principal, "TriageRequest", request_id)
    wanted = request.TriageRequest(request_id, outcome.strip(), reason, today)

    async def kept(session: Session, decided: Decided[RequestState]) -> None:
        if decided.events:
            await keep(ports.index, session, request_row(decided.state, row.trust_id))

    decided = await execute(
        ports.store,
        STREAM,
        [request_id],
        lambda loaded: request.decide_triage(loaded.state, wanted),
        row.academy_id or row.trust_id,
        cause,
        after=kept,
    )
    return await request_view(ports, decided.state)


async def get_request(ports: Ports, principal: Principal, request_id: str) -> RequestView:
    await _located(ports, principal, "GetRequest", request_id)
    state = (await read(ports.store, STREAM, request_id)).state
    return await request_view(ports, state)


async def list_requests(
    ports: Ports,
    principal: Principal,
    trust_id: str,
    academy_id: str | None,
    status: str | None,
    page: PageRequest,
) -> tuple[list[RequestView], str]:
    rule = allowed("ListRequests", principal)
    rule.require_trust(principal, trust_id)
    if academy_id is not None:
        rule.require_academy(principal, trust_id, academy_id)
    query = IndexQuery(
        REQUEST, trust_id, academy_id=academy_id, only=reach_of(principal), status=status
    )
    rows = await ports.index.page(query, page.after, page.fetch)
    shown, token = page.cut(rows, index_key)
    views = []
    for row in shown:
        state = (await read(ports.store, STREAM, row.entity_id)).state
        views.append(await request_view(ports, state))
    return views, token

"""Commissioning support, varying and cancelling a commission: one decision over
the academy's budget stream and the provider's stream (execute_together), with
the request and the entitlement read in the same transaction. On a conflict
(another commission got to the line or the provider's term first) it reloads and
decides again, up to ``ATTEMPTS`` times, so twenty racers all get a decided
answer; the commission list (the index) is kept in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from chassis.aggregate import Decided, Loaded, Session, Target, execute_together
from chassis.auth import Principal
from chassis.envelope import CausationContext
from chassis.errors import NotFound
from chassis.ids import client_or_new_id
from contracts.base import EventPayload

from support.application.ports import COMMISSION, IndexRow, Ports
from support.application.reach import (
    academy_in_reach,
    allowed,
    framework_of,
    keep,
    require_unclaimed,
)
from support.application.reads import commission_view
from support.application.streams import BUDGET, ENTITLEMENT, PROVIDER, REQUEST
from support.application.views import CommissionView
from support.domain import commission as rules
from support.domain.budget import BudgetState, Commission
from support.domain.commission import CommissionSupport, Decision, Situation
from support.domain.provider import ProviderState
from support.domain.values import academic_year_of

ATTEMPTS = 30


def commission_row(trust_id: str, commission: Commission) -> IndexRow:
    c = commission.commissioned
    return IndexRow(
        COMMISSION,
        c.commission_id,
        trust_id,
        c.academy_id,
        c.academic_year,
        c.provider_id,
        c.request_id,
        status=commission.status,
        sort_key=c.starts_on.isoformat(),
    )


def _keeper(
    ports: Ports, trust_id: str, commission_id: str
) -> Callable[[Session, Sequence[Decided[Any]]], Awaitable[None]]:
    async def kept(session: Session, decided: Sequence[Decided[Any]]) -> None:
        if any(d.events for d in decided):
            budget: BudgetState = decided[0].state
            row = commission_row(trust_id, budget.commissions[commission_id])
            await keep(ports.index, session, row)

    return kept


async def commission(
    ports: Ports,
    principal: Principal,
    command: CommissionSupport,
    today: dt.date,
    cause: CausationContext,
) -> CommissionView:
    academy = await academy_in_reach(
        ports.facts, principal, allowed("CommissionSupport", principal), command.academy_id
    )
    framework = await framework_of(ports.facts, academy.trust_id)
    commission_id = client_or_new_id(command.commission_id, "commission_id")
    wanted = replace(command, commission_id=commission_id)
    year = academic_year_of(command.starts_on)
    claim = IndexRow(
        COMMISSION, commission_id, academy.trust_id, academy.academy_id, year, command.provider_id
    )
    await require_unclaimed(ports.index, claim)
    targets: list[Target[Any]] = [
        Target(BUDGET, (academy.academy_id, year), academy.academy_id),
        Target(PROVIDER, (command.provider_id,), command.provider_id),
        Target(ENTITLEMENT, (academy.academy_id, year), academy.academy_id),
    ]
    if command.request_id:
        targets.append(Target(REQUEST, (command.request_id,), academy.academy_id))

    def decide(loaded: Sequence[Loaded[Any]]) -> list[Sequence[EventPayload]]:
        situation = Situation(
            trust_id=academy.trust_id,
            rules=framework.framework.budget,
            academy_left_on=academy.left_on,
            request=loaded[3].state if command.request_id else None,
            entitlement=loaded[2].state,
        )
        to_budget, to_provider = rules.decide_commission(
            loaded[0].state, loaded[1].state, wanted, situation
        )
        return [to_budget, to_provider, *([[]] * (len(targets) - 2))]

    decided = await execute_together(
        ports.store,
        targets,
        decide,
        cause,
        after=_keeper(ports, academy.trust_id, commission_id),
        attempts=ATTEMPTS,
    )
    return await commission_view(ports, principal, decided[0].state, commission_id)


async def _on_commission(
    ports: Ports,
    principal: Principal,
    rpc: str,
    commission_id: str,
    decide_one: Callable[[BudgetState, ProviderState, Situation], Decision],
    cause: CausationContext,
) -> CommissionView:
    row = await ports.index.find(COMMISSION, commission_id)
    if row is None or row.academy_id is None or row.academic_year is None:
        raise NotFound(f"there is no commission {commission_id}")
    allowed(rpc, principal).require_academy(principal, row.trust_id, row.academy_id)
    framework = await framework_of(ports.facts, row.trust_id)
    academy_id, year = row.academy_id, row.academic_year
    targets: list[Target[Any]] = [
        Target(BUDGET, (academy_id, year), academy_id),
        Target(PROVIDER, (row.provider_id or "",), row.provider_id or ""),
        Target(ENTITLEMENT, (academy_id, year), academy_id),
    ]

    def decide(loaded: Sequence[Loaded[Any]]) -> list[Sequence[EventPayload]]:
        situation = Situation(
            trust_id=row.trust_id, rules=framework.framework.budget, entitlement=loaded[2].state
        )
        to_budget, to_provider = decide_one(loaded[0].state, loaded[1].state, situation)
        return [to_budget, to_provider, []]

    decided = await execute_together(
        ports.store,
        targets,
        decide,
        cause,
        after=_keeper(ports, row.trust_id, commission_id),
        attempts=ATTEMPTS,
    )
    return await commission_view(ports, principal, decided[0].state, commission_id)


async def vary(
    ports: Ports,
    principal: Principal,
    commission_id: str,
    days: Decimal,
    reason: str,
    cause: CausationContext,
) -> CommissionView:
    return await _on_commission(
        ports,
        principal,
        "VaryCommission",
        commission_id,
        lambda budget, provider, situation: rules.decide_vary(
            budget, provider, commission_id, days, reason, situation
        ),
        cause,
    )


async def cancel(
    ports: Ports,
    principal: Principal,
    commission_id: str,
    reason: str,
    cause: CausationContext,
) -> CommissionView:
    return await _on_commission(
        ports,
        principal,
        "CancelCommission",
        commission_id,
        lambda budget, _provider, _situation: rules.decide_cancel(budget, commission_id, reason),
        cause,
    )

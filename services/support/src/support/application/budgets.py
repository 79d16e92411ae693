"""An academy's improvement budget for a year: proposed, adjusted and agreed by
the framework's approver roles, over-commitments approved by its approver, read
with its figures per line, per provider and in total."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from chassis.aggregate import Decided, Loaded, Session, execute, read
from chassis.auth import Principal
from chassis.envelope import CausationContext
from chassis.ids import client_or_new_id
from chassis.paging import PageRequest
from contracts.base import EventPayload
from trustfacts.model import AcademyFacts, TrustFramework

from support.application.ports import (
    BUDGET,
    INVOICE,
    IndexQuery,
    IndexRow,
    Ports,
    every_row,
    index_key,
)
from support.application.reach import (
    academy_in_reach,
    allowed,
    approver,
    framework_of,
    keep,
    reach_of,
    standing_of,
)
from support.application.streams import BUDGET as STREAM
from support.application.streams import PROVIDER
from support.application.views import BudgetView, budget_view
from support.domain import approvals
from support.domain.approvals import ProposeBudget
from support.domain.budget import BudgetState, Line
from support.domain.provider import Invoice


def budget_row(trust_id: str, academy_id: str, year: str) -> IndexRow:
    return IndexRow(BUDGET, f"{academy_id}+{year}", trust_id, academy_id, year, sort_key=academy_id)


async def budget_view_of(
    ports: Ports,
    framework: TrustFramework,
    state: BudgetState,
    today: dt.date,
    brief: bool = False,
) -> BudgetView:
    """The budget with its figures: invoices from the providers' streams, whether
    the framework requires one for the academy's phase today."""
    query = IndexQuery(
        INVOICE, framework.trust_id, academy_id=state.academy_id, academic_year=state.academic_year
    )
    rows = await every_row(ports.index, query)
    provider_ids = sorted({c.provider_id for c in state.commissions.values()})
    providers = {
        provider_id: (await read(ports.store, PROVIDER, provider_id)).state
        for provider_id in sorted({*provider_ids, *(r.provider_id or "" for r in rows)} - {""})
    }
    wanted = {row.entity_id for row in rows}
    invoices: list[Invoice] = [
        invoice
        for provider in providers.values()
        for invoice in provider.invoices.values()
        if invoice.invoice_id in wanted
    ]
    names = {pid: p.details.name for pid, p in providers.items() if p.details is not None}
    standing = await standing_of(ports.facts, framework, state.academy_id, today)
    required = framework.framework.budget_required(standing.phase)
    return budget_view(framework.trust_id, state, required, invoices, names, brief)


async def _on_budget(
    ports: Ports,
    principal: Principal,
    rpc: str,
    academy_id: str,
    year: str,
    decide: Callable[[AcademyFacts, TrustFramework, BudgetState], Sequence[EventPayload]],
    today: dt.date,
    cause: CausationContext,
) -> BudgetView:
    academy = await academy_in_reach(ports.facts, principal, allowed(rpc, principal), academy_id)
    framework = await framework_of(ports.facts, academy.trust_id)

    async def kept(session: Session, decided: Decided[BudgetState]) -> None:
        if decided.events:
            await keep(ports.index, session, budget_row(academy.trust_id, academy_id, year))

    def decided_on(loaded: Loaded[BudgetState]) -> Sequence[EventPayload]:
        return decide(academy, framework, loaded.state)

    decided = await execute(
        ports.store, STREAM, [academy_id, year], decided_on, academy_id, cause, after=kept
    )
    return await budget_view_of(ports, framework, decided.state, today)


async def propose(
    ports: Ports,
    principal: Principal,
    academy_id: str,
    year: str,
    lines: tuple[Line, ...],
    reason: str,
    today: dt.date,
    cause: CausationContext,
) -> BudgetView:
    command = ProposeBudget(lines, reason)
    return await _on_budget(
        ports,
        principal,
        "ProposeBudget",
        academy_id,
        year,
        lambda academy, framework, state: approvals.decide_propose(
            state, academy.trust_id, framework.framework.budget, approver(principal), command
        ),
        today,
        cause,
    )


async def adjust(
    ports: Ports,
    principal: Principal,
    academy_id: str,
    year: str,
    lines: tuple[Line, ...],
    reason: str,
    today: dt.date,
    cause: CausationContext,
) -> BudgetView:
    command = ProposeBudget(lines, reason)
    return await _on_budget(
        ports,
        principal,
        "AdjustBudget",
        academy_id,
        year,
        lambda _academy, framework, state: approvals.decide_adjust(
            state, framework.framework.budget, approver(principal), command
        ),
        today,
        cause,
    )


async def agree(
    ports: Ports,
    principal: Principal,
    academy_id: str,
    year: str,
    revision: int,
    today: dt.date,
    cause: CausationContext,
) -> BudgetView:
    return await _on_budget(
        ports,
        principal,
        "AgreeBudget",
        academy_id,
        year,
        lambda _academy, _framework, state: approvals.decide_agree(
            state, revision, approver(principal)
        ),
        today,
        cause,
    )


async def approve_over_commitment(
    ports: Ports,
    principal: Principal,
    academy_id: str,
    year: str,
    command: approvals.ApproveOverCommitment,
    today: dt.date,
    cause: CausationContext,
) -> BudgetView:
    approval_id = client_or_new_id(command.approval_id, "approval_id")
    wanted = approvals.ApproveOverCommitment(
        approval_id, command.budget_line, command.amount_pence, command.reason
    )
    return await _on_budget(
        ports,
        principal,
        "ApproveOverCommitment",
        academy_id,
        year,
        lambda _academy, framework, state: approvals.decide_approve_over_commitment(
            state, framework.framework.budget, approver(principal), wanted
        ),
        today,
        cause,
    )


async def get_budget(
    ports: Ports, principal: Principal, academy_id: str, year: str, today: dt.date
) -> BudgetView:
    academy = await academy_in_reach(
        ports.facts, principal, allowed("GetBudget", principal), academy_id
    )
    framework = await framework_of(ports.facts, academy.trust_id)
    state = (await read(ports.store, STREAM, academy_id, year)).state
    return await budget_view_of(ports, framework, state, today)


async def list_budgets(
    ports: Ports,
    principal: Principal,
    trust_id: str,
    year: str,
    page: PageRequest,
    today: dt.date,
) -> tuple[list[BudgetView], str]:
    allowed("ListBudgets", principal).require_trust(principal, trust_id)
    framework = await framework_of(ports.facts, trust_id)
    query = IndexQuery(BUDGET, trust_id, academic_year=year, only=reach_of(principal))
    rows = await ports.index.page(query, page.after, page.fetch)
    shown, token = page.cut(rows, index_key)
    views = []
    for row in shown:
        assert row.academy_id is not None
        state = (await read(ports.store, STREAM, row.academy_id, year)).state
        views.append(await budget_view_of(ports, framework, state, today, brief=True))
    return views, token

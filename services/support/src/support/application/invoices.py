"""Invoices, recorded and credited by finance on the provider's stream, with the
commission's delivered days read from the academy's budget stream in the same
transaction; listed from the index, each folded from its provider's stream."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from chassis.aggregate import Decided, Loaded, Session, Target, execute, execute_together, read
from chassis.auth import Principal
from chassis.envelope import CausationContext
from chassis.errors import NotFound
from chassis.ids import client_or_new_id
from chassis.paging import PageRequest
from contracts.base import EventPayload

from support.application.ports import COMMISSION, INVOICE, IndexQuery, IndexRow, Ports, index_key
from support.application.providers import located as provider_located
from support.application.reach import allowed, keep, require_unclaimed
from support.application.streams import BUDGET, PROVIDER
from support.application.views import InvoiceView
from support.domain import invoice
from support.domain.invoice import CreditInvoice, RecordInvoice
from support.domain.provider import Invoice, ProviderState

DISCREPANCY = "discrepancy"


def invoice_row(kept: Invoice) -> IndexRow:
    recorded = kept.recorded
    return IndexRow(
        INVOICE,
        recorded.invoice_id,
        recorded.trust_id,
        recorded.academy_id,
        recorded.academic_year,
        recorded.provider_id,
        status="credited" if kept.credited else "recorded",
        tags=(DISCREPANCY,) if recorded.discrepancy_pence else (),
        sort_key=recorded.invoiced_on.isoformat(),
    )


async def record_invoice(
    ports: Ports,
    principal: Principal,
    command: RecordInvoice,
    today: dt.date,
    cause: CausationContext,
) -> InvoiceView:
    provider_row = await provider_located(ports, principal, "RecordInvoice", command.provider_id)
    commission = await ports.index.find(COMMISSION, command.commission_id)
    if (
        commission is None
        or commission.trust_id != provider_row.trust_id
        or commission.academy_id is None
        or commission.academic_year is None
    ):
        raise NotFound(f"there is no commission {command.commission_id}")
    invoice_id = client_or_new_id(command.invoice_id, "invoice_id")
    wanted = replace(command, invoice_id=invoice_id)
    claim = IndexRow(
        INVOICE,
        invoice_id,
        provider_row.trust_id,
        commission.academy_id,
        commission.academic_year,
        command.provider_id,
    )
    await require_unclaimed(ports.index, claim)
    targets: list[Target[Any]] = [
        Target(PROVIDER, (command.provider_id,), command.provider_id),
        Target(BUDGET, (commission.academy_id, commission.academic_year), commission.academy_id),
    ]

    def decide(loaded: Sequence[Loaded[Any]]) -> list[Sequence[EventPayload]]:
        on = loaded[1].state.commission(command.commission_id)
        return [invoice.decide_record(loaded[0].state, on, wanted, today), []]

    async def kept(session: Session, decided: Sequence[Decided[Any]]) -> None:
        if decided[0].events:
            provider: ProviderState = decided[0].state
            await keep(ports.index, session, invoice_row(provider.invoices[invoice_id]))

    decided = await execute_together(ports.store, targets, decide, cause, after=kept)
    return InvoiceView(decided[0].state.invoices[invoice_id])


async def credit_invoice(
    ports: Ports,
    principal: Principal,
    command: CreditInvoice,
    today: dt.date,
    cause: CausationContext,
) -> InvoiceView:
    row = await ports.index.find(INVOICE, command.invoice_id)
    if row is None or row.provider_id is None:
        raise NotFound(f"there is no invoice {command.invoice_id}")
    allowed("CreditInvoice", principal).require_trust(principal, row.trust_id)

    async def kept(session: Session, decided: Decided[ProviderState]) -> None:
        if decided.events:
            await keep(
                ports.index, session, invoice_row(decided.state.invoices[command.invoice_id])
            )

    decided = await execute(
        ports.store,
        PROVIDER,
        [row.provider_id],
        lambda loaded: invoice.decide_credit(loaded.state, command, today),
        row.provider_id,
        cause,
        after=kept,
    )
    return InvoiceView(decided.state.invoices[command.invoice_id])


async def list_invoices(
    ports: Ports,
    principal: Principal,
    trust_id: str,
    academy_id: str | None,
    provider_id: str | None,
    discrepancies_only: bool,
    page: PageRequest,
) -> tuple[list[InvoiceView], str]:
    allowed("ListInvoices", principal).require_trust(principal, trust_id)
    query = IndexQuery(
        INVOICE,
        trust_id,
        academy_id=academy_id,
        provider_id=provider_id,
        tag=DISCREPANCY if discrepancies_only else None,
    )
    rows = await ports.index.page(query, page.after, page.fetch)
    shown, token = page.cut(rows, index_key)
    providers: dict[str, ProviderState] = {}
    views = []
    for row in shown:
        assert row.provider_id is not None
        if row.provider_id not in providers:
            providers[row.provider_id] = (await read(ports.store, PROVIDER, row.provider_id)).state
        views.append(InvoiceView(providers[row.provider_id].invoices[row.entity_id]))
    return views, token

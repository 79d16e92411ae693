"""The support budget ledger in reporting, end to end through gRPC.

One trust on seed 000 with two academies: agreed budgets, commissions against
their lines and from the entitlement, deliveries, invoices (one that does not
match, one credited). Reporting's ledger, projected from support's events,
equals support's own GetBudget to the penny per line and per provider, its
totals add up, the mismatched invoice is listed, a headteacher sees only its
academy and a provider is refused; rebuilt from the feeds, the ledger is the same.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest
from chassis.auth import ALL_TRUSTS, Role, TokenService
from chassis.db import create_pool
from reporting.adapters.ledger_store import LedgerStore
from reporting.application.rebuild import rebuild_timeline
from reporting.domain.ledger import fold_ledger
from reporting.entrypoints.rebuild import feed_reader
from trust.reporting.v1 import reporting_pb2 as rpb
from trust.support.v1 import support_pb2 as spb
from trust_local.clients import Caller, PlatformClients, eventually

from .test_support_commissioning import (
    World,
    agreed_budget,
    commission_request,
    make_world,
    register_provider,
    uid,
)

Money = tuple[int, int, int, int, int]


def money(figures: Any) -> Money:
    return (
        figures.budget_pence,
        figures.committed_pence,
        figures.delivered_pence,
        figures.invoiced_pence,
        figures.remaining_pence,
    )


def add(a: Money, b: Money) -> Money:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3], a[4] + b[4])


ZERO: Money = (0, 0, 0, 0, 0)


@pytest.fixture(scope="module")
async def module_clients(platform) -> AsyncIterator[PlatformClients]:
    made = PlatformClients(
        {name: s.address for name, s in platform.services.items()}, platform.token_secret
    )
    yield made
    await made.close()


@pytest.fixture(scope="module")
async def w(module_clients) -> World:
    """Budgets agreed for both academies; commissions, deliveries and invoices."""
    w = await make_world(module_clients, "led")
    s, tag = w.support, uid()
    await agreed_budget(w, w.a, {"consultancy": 500_000, "small": 50_000})
    await agreed_budget(w, w.b, {"general": 300_000})
    elm = await register_provider(w, "Elm", "consultant", ["governance"], 65_050, "20")
    ash = await register_provider(w, "Ash", "consultant", ["governance"], 33_333, "20")

    async def commission(academy_id: str, provider: spb.Provider, days: str, line: str, **more):
        return await s.CommissionSupport(
            commission_request(w, academy_id, provider, days, line, **more),
            metadata=w.lead.metadata,
        )

    async def deliver(c: spb.Commission, provider: spb.Provider, academy_id: str, days: str):
        await s.LogDelivery(
            spb.LogDeliveryRequest(commission_id=c.commission_id, delivered_on=w.starts, days=days),
            metadata=w.provider(provider, academy_id).metadata,
        )

    async def invoice(
        c: spb.Commission, provider: spb.Provider, number: str, amount: int, days: str
    ):
        return await s.RecordInvoice(
            spb.RecordInvoiceRequest(
                provider_id=provider.provider_id,
                invoice_number=f"{number}-{tag}",
                commission_id=c.commission_id,
                amount_pence=amount,
                invoiced_on=w.starts,
                days_covered=days,
            ),
            metadata=w.finance.metadata,
        )

    c1 = await commission(w.a, elm, "2.5", "consultancy")
    c2 = await commission(w.a, ash, "0.75", "small")
    c3 = await commission(w.a, elm, "1", "", from_entitlement=True)
    c4 = await commission(w.b, ash, "1", "general")
    await deliver(c1, elm, w.a, "2")
    await deliver(c2, ash, w.a, "0.75")
    await deliver(c3, elm, w.a, "1")
    await deliver(c4, ash, w.b, "1")
    await invoice(c1, elm, "INV-1", 65_050, "1")
    dearer = await invoice(c1, elm, "INV-2", 66_000, "1")  # £9.50 more than expected
    await invoice(c2, ash, "ASH-1", 25_000, "0.75")
    wrong = await invoice(c4, ash, "ASH-2", 40_000, "1")
    await s.CreditInvoice(
        spb.CreditInvoiceRequest(
            invoice_id=wrong.invoice_id, credit_note_number=f"CN-{tag}", reason="Wrong amount"
        ),
        metadata=w.finance.metadata,
    )
    w.state.update(elm=elm, ash=ash, dearer=dearer, wrong=wrong, c1=c1, c3=c3, c4=c4)
    return w


async def budget_of(w: World, academy_id: str) -> spb.Budget:
    return await w.support.GetBudget(
        spb.GetBudgetRequest(academy_id=academy_id, academic_year=w.year),
        metadata=w.finance.metadata,
    )


async def ledger(w: World, caller: Caller, academy_id: str = "") -> rpb.Ledger:
    return await w.clients.reporting.GetLedger(
        rpb.GetLedgerRequest(trust_id=w.trust_id, academic_year=w.year, academy_id=academy_id),
        metadata=caller.metadata,
    )


def expected(budgets: dict[str, spb.Budget]) -> tuple[dict, dict]:
    """Support's figures as the ledger keys them: per (academy, line) and per
    (academy, provider)."""
    lines: dict[tuple[str, str], Money] = {}
    providers: dict[tuple[str, str], Money] = {}
    for academy_id, budget in budgets.items():
        for line in budget.lines:
            lines[(academy_id, line.line_id)] = money(line.money)
        if any(money(budget.entitlement)):
            lines[(academy_id, "")] = money(budget.entitlement)
        for p in budget.providers:
            providers[(academy_id, p.provider_id)] = money(p.money)
    return lines, providers


def found(reply: rpb.Ledger) -> tuple[dict, dict]:
    lines = {(r.academy_id, r.budget_line): money(r.figures) for r in reply.lines}
    providers: dict[tuple[str, str], Money] = {}
    for r in reply.providers:
        key = (r.academy_id, r.provider_id)
        providers[key] = add(providers.get(key, ZERO), money(r.figures))
    return lines, providers


async def test_the_ledger_reconciles_to_the_penny_with_supports_budgets(w):
    budgets = {academy_id: await budget_of(w, academy_id) for academy_id in (w.a, w.b)}
    want = expected(budgets)
    # Reporting learns from Kafka: wait until it has every event support published.
    reply = await eventually(
        lambda: ledger(w, w.finance), accept=lambda r: found(r) == want, timeout=60
    )
    lines, providers = found(reply)
    assert lines[(w.a, "consultancy")] == (500_000, 162_625, 130_100, 130_100 + 950, 337_375)
    assert lines[(w.a, "small")] == (50_000, 25_000, 25_000, 25_000, 25_000)
    assert lines[(w.a, "")] == (0, 65_050, 65_050, 0, 0)  # the entitlement's own row
    assert lines[(w.b, "general")] == (300_000, 33_333, 33_333, 0, 266_667)
    assert providers[(w.a, w.state["elm"].provider_id)] == (0, 227_675, 195_150, 131_050, 0)

    # The totals are the lines' sum: the budgets' totals and the entitlement's spending.
    total = ZERO
    for row in reply.lines:
        total = add(total, money(row.figures))
    assert money(reply.totals) == total
    spent = ZERO
    for budget in budgets.values():
        spent = add(spent, add(money(budget.totals), money(budget.entitlement)))
    assert money(reply.totals) == spent
    assert (reply.trust_id, reply.academic_year) == (w.trust_id, w.year)

    # Names, days, and the line's own row has no provider.
    (consultancy,) = [r for r in reply.lines if r.budget_line == "consultancy"]
    assert (consultancy.academy_name, consultancy.budget_line_name) == (
        "led Academy 1",
        "Line consultancy",
    )
    assert (consultancy.provider_id, consultancy.figures.committed_days) == ("", "2.50")
    assert (consultancy.figures.delivered_days, consultancy.figures.invoiced_days) == (
        "2.00",
        "2.00",
    )
    elm_rows = [r for r in reply.providers if r.provider_id == w.state["elm"].provider_id]
    assert {r.provider_name for r in elm_rows} == {w.state["elm"].name}
    assert {r.budget_line for r in elm_rows} == {"consultancy", ""}


async def test_the_mismatched_invoice_and_what_is_not_invoiced_are_listed(w):
    dearer, credited = w.state["dearer"], w.state["wrong"]
    # Once the dearer invoice is in and the wrong one's credit note too (the
    # projection may be between the two under load).
    reply = await eventually(
        lambda: ledger(w, w.finance),
        accept=lambda r: (
            {d.invoice_id for d in r.discrepancies} >= {dearer.invoice_id}
            and credited.invoice_id not in {d.invoice_id for d in r.discrepancies}
        ),
        timeout=60,
    )
    (mismatch,) = [d for d in reply.discrepancies if d.kind == "invoice_amount"]
    assert (mismatch.invoice_id, mismatch.invoice_number, mismatch.difference_pence) == (
        dearer.invoice_id,
        dearer.invoice_number,
        950,
    )
    assert (mismatch.academy_id, mismatch.commission_id) == (w.a, w.state["c1"].commission_id)
    assert "£660.00" in mismatch.detail and "£9.50 over" in mismatch.detail
    # Delivered, not yet invoiced: the entitlement's commission, and B's (credited).
    unbilled = {
        (d.commission_id, d.difference_pence)
        for d in reply.discrepancies
        if d.kind == "delivered_not_invoiced"
    }
    assert unbilled == {
        (w.state["c3"].commission_id, -65_050),
        (w.state["c4"].commission_id, -33_333),
    }


async def test_a_headteacher_sees_only_its_own_academy(w):
    await eventually(lambda: ledger(w, w.finance), accept=lambda r: len(r.lines) >= 4, timeout=60)
    own = await ledger(w, w.head_a)
    assert {r.academy_id for r in [*own.lines, *own.providers]} == {w.a}
    assert {d.academy_id for d in own.discrepancies} == {w.a}
    assert own.totals.budget_pence == 550_000
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await ledger(w, w.head_a, w.b)
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    # An improvement lead: the academies of its token; one named narrows it.
    lead_b = w.clients.caller(f"lead-b@{w.trust_id}", Role.IMPROVEMENT_LEAD, w.trust_id, [w.b])
    seen = await ledger(w, lead_b)
    assert {r.academy_id for r in seen.lines} == {w.b}
    only_a = await ledger(w, w.ceo, w.a)
    assert {r.academy_id for r in only_a.lines} == {w.a}


async def test_a_provider_and_another_trust_are_refused(w):
    for call in (
        lambda: ledger(w, w.provider(w.state["elm"])),
        lambda: w.clients.reporting.GetLedger(
            rpb.GetLedgerRequest(trust_id="another-trust", academic_year=w.year),
            metadata=w.finance.metadata,
        ),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call()
        assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await ledger_for_year(w, "next year")
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def ledger_for_year(w: World, year: str) -> rpb.Ledger:
    return await w.clients.reporting.GetLedger(
        rpb.GetLedgerRequest(trust_id=w.trust_id, academic_year=year),
        metadata=w.finance.metadata,
    )


async def test_the_ledger_rebuilt_from_the_feeds_is_the_live_one(platform, w):
    live_reply = await eventually(
        lambda: ledger(w, w.finance), accept=lambda r: len(r.discrepancies) >= 3, timeout=60
    )
    token = TokenService(platform.token_secret).mint("rebuild", Role.SERVICE, ALL_TRUSTS)
    feeds = {
        name: feed_reader(platform.address(name), token)
        for name in ("academies", "evaluations", "meetings", "support")
    }
    pool = await create_pool(platform.postgres.dsn("reporting"))
    try:
        await rebuild_timeline(pool, feeds, schema="ledger_rebuild_check")
        async with pool.acquire() as conn:
            rebuilt = await LedgerStore("ledger_rebuild_check").events(conn, w.trust_id, w.year)
            live = await LedgerStore().events(conn, w.trust_id, w.year)
        assert {e.event_id for e in rebuilt} == {e.event_id for e in live}
        assert fold_ledger(w.trust_id, w.year, rebuilt) == fold_ledger(w.trust_id, w.year, live)
        folded = fold_ledger(w.trust_id, w.year, rebuilt)
        assert folded.totals.committed_pence == live_reply.totals.committed_pence
        assert len(folded.discrepancies) == len(live_reply.discrepancies)
        async with pool.acquire() as conn:
            await conn.execute("DROP SCHEMA ledger_rebuild_check CASCADE")
    finally:
        await pool.close()

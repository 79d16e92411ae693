"""Given a seed 000 academy, when its budget is proposed and agreed by the four
approvers, over-commitment approved, support commissioned, delivered and
invoiced, then the budget's figures per line, per provider and in total; and
finance records and credits invoices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from chassis.errors import AlreadyExists, FailedPrecondition, NotFound, PermissionDenied
from chassis.paging import page_request
from support.application import budgets, invoices
from support.application.ports import INDEX_KEY
from support.domain.approvals import ApproveOverCommitment
from support.domain.budget import Line
from support.domain.invoice import CreditInvoice, RecordInvoice
from support_controls import ACADEMY, HEAD, OTHER_ACADEMY, STARTS, TRUST, YEAR
from support_world import CEO_P, FINANCE_P, HEAD_P, LEAD_P, cause, principal

PAGE = page_request(0, "", INDEX_KEY)
LINES = (Line("consultancy", "Consultancy", 500_000),)


async def test_agreed_by_the_four_approvers_then_in_force_with_its_figures(world):
    world.trust("seed-000-aid")
    world.academy()
    view = await budgets.propose(
        world.ports, HEAD_P, ACADEMY, YEAR, LINES, "", STARTS, cause(HEAD_P)
    )
    assert view.state.pending is not None and view.state.in_force == 0
    for who in (HEAD_P, LEAD_P, CEO_P):
        view = await budgets.agree(world.ports, who, ACADEMY, YEAR, 1, STARTS, cause(who))
    assert view.state.in_force == 0 and view.state.pending.awaiting == ("finance",)
    with pytest.raises(FailedPrecondition, match="already agreed"):
        await budgets.agree(world.ports, LEAD_P, ACADEMY, YEAR, 1, STARTS, cause(LEAD_P))
    view = await budgets.agree(world.ports, FINANCE_P, ACADEMY, YEAR, 1, STARTS, cause(FINANCE_P))
    assert view.state.in_force == 1
    assert view.totals.budget_pence == 500_000 and view.totals.remaining_pence == 500_000
    with pytest.raises(PermissionDenied, match="outside your scope"):
        await budgets.propose(
            world.ports,
            principal(HEAD, OTHER_ACADEMY),
            ACADEMY,
            YEAR,
            LINES,
            "",
            STARTS,
            cause(HEAD_P),
        )


async def test_over_commitment_approved_by_the_chief_executive_then_the_commission_fits(world):
    await world.ready()
    with pytest.raises(FailedPrecondition, match=r"over-commitment of £2,500.00"):
        await world.commission(days=Decimal("10"), day_rate_pence=75_000)
    approve = ApproveOverCommitment("", "consultancy", 250_000, "urgent attendance work")
    with pytest.raises(PermissionDenied, match="is for the chief executive; you are finance"):
        await budgets.approve_over_commitment(
            world.ports, FINANCE_P, ACADEMY, YEAR, approve, STARTS, cause(FINANCE_P)
        )
    view = await budgets.approve_over_commitment(
        world.ports, CEO_P, ACADEMY, YEAR, approve, STARTS, cause(CEO_P)
    )
    assert view.lines[0].over_commitment_pence == 250_000
    await world.commission(days=Decimal("10"), day_rate_pence=75_000)
    view = await budgets.get_budget(world.ports, FINANCE_P, ACADEMY, YEAR, STARTS)
    assert view.lines[0].money.remaining_pence == 0


async def test_invoices_recorded_and_credited_show_in_the_budget(world):
    await world.ready()
    await world.commission()
    await world.deliver("2", on=dt.date(2026, 11, 24), today=dt.date(2026, 11, 24))
    today = dt.date(2026, 11, 30)
    command = RecordInvoice("i1", "p1", "INV-7", "c1", 100_000, today, Decimal("2"))
    recorded = await invoices.record_invoice(
        world.ports, FINANCE_P, command, today, cause(FINANCE_P)
    )
    assert (
        recorded.invoice.recorded.expected_pence,
        recorded.invoice.recorded.discrepancy_pence,
    ) == (
        90_000,
        10_000,
    )
    assert (
        await invoices.record_invoice(world.ports, FINANCE_P, command, today, cause(FINANCE_P))
        == recorded
    )
    with pytest.raises(
        AlreadyExists, match="invoice INV-7 from Focus Consulting is already recorded as i1"
    ):
        await invoices.record_invoice(
            world.ports,
            FINANCE_P,
            RecordInvoice("i2", "p1", "INV-7", "c1", 1, today, Decimal("1")),
            today,
            cause(FINANCE_P),
        )
    with pytest.raises(NotFound, match="no commission c9"):
        await invoices.record_invoice(
            world.ports,
            FINANCE_P,
            RecordInvoice("i3", "p1", "INV-9", "c9", 1, today, Decimal("1")),
            today,
            cause(FINANCE_P),
        )
    view = await budgets.get_budget(world.ports, CEO_P, ACADEMY, YEAR, today)
    assert view.totals.invoiced_pence == 100_000 and view.totals.delivered_pence == 90_000
    assert [(p.provider_name, p.money.committed_pence) for p in view.providers] == [
        ("Focus Consulting", 225_000)
    ]
    found, _ = await invoices.list_invoices(world.ports, FINANCE_P, TRUST, None, None, True, PAGE)
    assert [v.invoice.invoice_id for v in found] == ["i1"]
    credit = CreditInvoice("i1", "CN-1", "billed in error", today)
    credited = await invoices.credit_invoice(
        world.ports, FINANCE_P, credit, today, cause(FINANCE_P)
    )
    assert credited.invoice.credited is not None
    with pytest.raises(FailedPrecondition, match="already credited"):
        await invoices.credit_invoice(world.ports, FINANCE_P, credit, today, cause(FINANCE_P))
    view = await budgets.get_budget(world.ports, CEO_P, ACADEMY, YEAR, today)
    assert view.totals.invoiced_pence == 0
    listed, _ = await budgets.list_budgets(world.ports, FINANCE_P, TRUST, YEAR, PAGE, today)
    assert [(v.state.academy_id, v.brief) for v in listed] == [(ACADEMY, True)]
    assert not view.required  # heron has no phase yet: good, and seed 000 needs none

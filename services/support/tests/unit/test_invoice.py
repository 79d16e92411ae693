"""Given a provider's invoices and the commission's deliveries, when finance
records or credits an invoice, then the expected amount and the discrepancy, or
a refusal (a number twice from one provider, another provider's commission)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from chassis.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from contracts.support.v1 import InvoiceCredited, InvoiceRecorded, SupportDelivered
from support.domain import invoice
from support.domain.invoice import CreditInvoice, RecordInvoice
from support_controls import (
    ACADEMY,
    TODAY,
    TRUST,
    agreed_budget,
    commissioned,
    fold_budget,
    fold_provider,
    ready_provider,
)


def delivered(days: str, delivery_id: str) -> SupportDelivered:
    return SupportDelivered(
        trust_id=TRUST,
        delivery_id=delivery_id,
        commission_id="c1",
        academy_id=ACADEMY,
        academic_year="2026/27",
        provider_id="p1",
        delivered_on=dt.date(2026, 11, 10),
        days=days,
        value_pence=45_000 * int(Decimal(days)),
        has_note=False,
    )


COMMISSION = fold_budget(
    agreed_budget(),
    [
        commissioned(starts_on=dt.date(2026, 11, 2)),
        delivered("2.00", "d1"),
        delivered("1.00", "d2"),
    ],
).commissions["c1"]


def record(**overrides) -> RecordInvoice:
    fields = dict(
        invoice_id="i1",
        provider_id="p1",
        invoice_number="INV-7",
        commission_id="c1",
        amount_pence=90_000,
        invoiced_on=TODAY,
        days_covered=Decimal("2"),
    )
    return RecordInvoice(**{**fields, **overrides})


def test_an_invoice_that_matches_has_no_discrepancy():
    [event] = invoice.decide_record(ready_provider(), COMMISSION, record(), TODAY)
    assert isinstance(event, InvoiceRecorded)
    assert (event.expected_pence, event.discrepancy_pence, event.budget_line) == (
        90_000,
        0,
        "consultancy",
    )


def test_a_discrepancy_is_accepted_and_only_days_delivered_and_not_yet_invoiced_are_expected():
    provider = fold_provider(
        ready_provider(), invoice.decide_record(ready_provider(), COMMISSION, record(), TODAY)
    )
    [second] = invoice.decide_record(
        provider,
        COMMISSION,
        record(
            invoice_id="i2", invoice_number="INV-8", amount_pence=100_000, days_covered=Decimal("2")
        ),
        TODAY,
    )
    assert isinstance(second, InvoiceRecorded)
    assert (second.expected_pence, second.discrepancy_pence) == (45_000, 55_000)
    [under] = invoice.decide_record(
        provider,
        COMMISSION,
        record(invoice_id="i3", invoice_number="INV-9", amount_pence=0, days_covered=Decimal("1")),
        TODAY,
    )
    assert isinstance(under, InvoiceRecorded) and under.discrepancy_pence == -45_000


def test_the_same_number_twice_from_one_provider_already_exists():
    provider = fold_provider(
        ready_provider(), invoice.decide_record(ready_provider(), COMMISSION, record(), TODAY)
    )
    assert invoice.decide_record(provider, COMMISSION, record(), TODAY) == []
    with pytest.raises(
        AlreadyExists, match="invoice INV-7 from Focus Consulting is already recorded as i1"
    ):
        invoice.decide_record(provider, COMMISSION, record(invoice_id="i2"), TODAY)


@pytest.mark.parametrize(
    ("command", "error", "message"),
    [
        (record(amount_pence=-1), InvalidArgument, "amount_pence must be 0 or more"),
        (record(days_covered=Decimal("0")), InvalidArgument, "days_covered must be more than 0"),
        (record(invoiced_on=dt.date(2027, 1, 1)), InvalidArgument, "in the future"),
        (record(invoice_number=" "), InvalidArgument, "invoice_number must not be empty"),
    ],
)
def test_an_invoice_refused(command, error, message):
    with pytest.raises(error, match=message):
        invoice.decide_record(ready_provider(), COMMISSION, command, TODAY)


def test_another_providers_commission_is_refused():
    other = ready_provider(provider_id="p2")
    with pytest.raises(FailedPrecondition, match="commission c1 is with provider p1, not p2"):
        invoice.decide_record(other, COMMISSION, record(provider_id="p2"), TODAY)


def test_a_credit_note_reverses_the_whole_invoice_once_and_its_days_are_uninvoiced_again():
    provider = fold_provider(
        ready_provider(), invoice.decide_record(ready_provider(), COMMISSION, record(), TODAY)
    )
    assert provider.invoiced_days("c1") == Decimal("2.00")
    credit = CreditInvoice("i1", "CN-1", "billed twice", TODAY)
    [event] = invoice.decide_credit(provider, credit, TODAY)
    assert isinstance(event, InvoiceCredited) and event.amount_pence == 90_000
    provider = fold_provider(provider, [event])
    assert provider.invoiced_days("c1") == Decimal("0")
    with pytest.raises(FailedPrecondition, match="already credited by CN-1"):
        invoice.decide_credit(provider, credit, TODAY)
    with pytest.raises(NotFound, match="no invoice i9"):
        invoice.decide_credit(provider, CreditInvoice("i9", "CN-2", "x", TODAY), TODAY)

"""Invoices, recorded by finance on the provider's stream (an invoice number is
unique per provider) against one of its commissions.

expected = min(days covered, days delivered and not yet invoiced) x the day
rate; discrepancy = amount - expected (signed). An invoice is accepted either
way, so finance can chase the difference. A credit note reverses the whole
invoice, once; its days become uninvoiced again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from chassis.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from contracts import limits
from contracts.base import EventPayload
from contracts.support.v1 import InvoiceCredited, InvoiceRecorded

from support.domain.budget import Commission
from support.domain.provider import ProviderState
from support.domain.values import ZERO, cost, days_text, require_days, require_pence, require_text


@dataclass(frozen=True)
class RecordInvoice:
    invoice_id: str
    provider_id: str
    invoice_number: str
    commission_id: str
    amount_pence: int
    invoiced_on: dt.date
    days_covered: Decimal


@dataclass(frozen=True)
class CreditInvoice:
    invoice_id: str
    credit_note_number: str
    reason: str
    credited_on: dt.date


def _same(kept: InvoiceRecorded, command: RecordInvoice) -> bool:
    return (
        kept.invoice_number,
        kept.commission_id,
        kept.amount_pence,
        kept.invoiced_on,
        Decimal(kept.days_covered),
    ) == (
        command.invoice_number.strip(),
        command.commission_id,
        command.amount_pence,
        command.invoiced_on,
        command.days_covered,
    )


def expected_pence(provider: ProviderState, commission: Commission, covered: Decimal) -> int:
    """What the days covered should cost: only days delivered and not yet invoiced."""
    uninvoiced = max(
        ZERO, commission.delivered_days - provider.invoiced_days(commission.commission_id)
    )
    return cost(min(covered, uninvoiced), commission.rate)


def decide_record(
    provider: ProviderState, commission: Commission, command: RecordInvoice, today: dt.date
) -> list[EventPayload]:
    details = provider.known()
    kept = provider.invoices.get(command.invoice_id)
    if kept is not None:
        if _same(kept.recorded, command):
            return []  # a retried call
        raise AlreadyExists(f"invoice {command.invoice_id} already exists")
    c = commission.commissioned
    if c.provider_id != provider.provider_id:
        raise FailedPrecondition(
            f"commission {c.commission_id} is with provider {c.provider_id}, not "
            f"{provider.provider_id}: record the invoice against the provider that sent it"
        )
    number = require_text(command.invoice_number, "invoice_number", limits.NAME_MAX)
    same_number = provider.invoice_by_number(number)
    if same_number is not None:
        raise AlreadyExists(
            f"invoice {number} from {details.name} is already recorded as {same_number.invoice_id}"
        )
    amount = require_pence(command.amount_pence, "amount_pence")
    covered = require_days(command.days_covered, "days_covered")
    if command.invoiced_on > today:
        raise InvalidArgument(f"invoiced_on {command.invoiced_on} is in the future")
    expected = expected_pence(provider, commission, covered)
    return [
        InvoiceRecorded(
            trust_id=details.trust_id,
            invoice_id=command.invoice_id,
            provider_id=provider.provider_id,
            invoice_number=number,
            academy_id=c.academy_id,
            academic_year=c.academic_year,
            commission_id=c.commission_id,
            budget_line=c.budget_line,
            amount_pence=amount,
            invoiced_on=command.invoiced_on,
            days_covered=days_text(covered),
            expected_pence=expected,
            discrepancy_pence=amount - expected,
        )
    ]


def decide_credit(
    provider: ProviderState, command: CreditInvoice, today: dt.date
) -> list[EventPayload]:
    kept = provider.invoices.get(command.invoice_id)
    if kept is None:
        raise NotFound(f"there is no invoice {command.invoice_id}")
    number = require_text(command.credit_note_number, "credit_note_number", limits.NAME_MAX)
    reason = require_text(command.reason, "reason")
    if kept.credited is not None:
        done = kept.credited
        raise FailedPrecondition(
            f"invoice {kept.recorded.invoice_number} was already credited by "
            f"{done.credit_note_number} on {done.credited_on}; an invoice is credited once"
        )
    invoice = kept.recorded
    if command.credited_on < invoice.invoiced_on:
        raise InvalidArgument(
            f"credited_on {command.credited_on} is before the invoice ({invoice.invoiced_on})"
        )
    if command.credited_on > today:
        raise InvalidArgument(f"credited_on {command.credited_on} is in the future")
    return [
        InvoiceCredited(
            trust_id=invoice.trust_id,
            invoice_id=invoice.invoice_id,
            provider_id=invoice.provider_id,
            invoice_number=invoice.invoice_number,
            credit_note_number=number,
            academy_id=invoice.academy_id,
            academic_year=invoice.academic_year,
            commission_id=invoice.commission_id,
            budget_line=invoice.budget_line,
            amount_pence=invoice.amount_pence,
            days_covered=invoice.days_covered,
            credited_on=command.credited_on,
            reason=reason,
        )
    ]

"""Requests -> commands, field by field, in one place. Ids are checked for their
form here (a malformed id is INVALID_ARGUMENT, never "not found"); days are
decimals with at most two places (their sign is the domain's); dates are ISO
dates, an empty optional one meaning today (None: the handler knows today)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from chassis.convert import date_from_proto, optional_date_from_proto
from chassis.errors import InvalidArgument
from contracts.rules import TRIAGE_OUTCOMES
from trust.support.v1 import support_pb2 as pb

from support.application.delivery import LogDelivery
from support.application.requests import NewRequest
from support.domain import approvals, budget, invoice, provider
from support.domain.commission import CommissionSupport
from support.domain.values import parse_days, require_id, require_need_area, require_year

REQUEST_STATUSES = ("open", *TRIAGE_OUTCOMES)


def optional_id(value: str, field: str) -> str | None:
    """An id a request may leave empty (None)."""
    return require_id(value, field) if value.strip() else None


def client_id(value: str, field: str) -> str:
    """An id a client may choose (empty: the service makes one)."""
    return require_id(value, field) if value.strip() else ""


def optional_days(value: str, field: str) -> Decimal | None:
    return parse_days(value, field) if value.strip() else None


def optional_year(value: str) -> str | None:
    return require_year(value) if value.strip() else None


def as_of(value: str, field: str, today: dt.date) -> dt.date:
    return optional_date_from_proto(value, field) or today


def entitlement_query(
    request: pb.GetEntitlementRequest, today: dt.date
) -> tuple[str, str | None, dt.date]:
    return (
        require_id(request.academy_id, "academy_id"),
        optional_year(request.academic_year),
        as_of(request.as_of, "as_of", today),
    )


def request_from_proto(request: pb.RequestSupportRequest) -> NewRequest:
    return NewRequest(
        request_id=client_id(request.request_id, "request_id"),
        academy_id=require_id(request.academy_id, "academy_id"),
        need_area=require_need_area(request.need_area),
        subject=request.subject.strip() or None,
        days_wanted=optional_days(request.days_wanted, "days_wanted"),
        summary=request.summary,
        requested_on=optional_date_from_proto(request.requested_on, "requested_on"),
    )


def triage_from_proto(request: pb.TriageRequestRequest) -> tuple[str, str, str]:
    outcome = request.outcome.strip()
    if outcome not in TRIAGE_OUTCOMES:
        raise InvalidArgument(
            f"outcome must be one of {', '.join(TRIAGE_OUTCOMES)}, got {outcome!r}"
        )
    return require_id(request.request_id, "request_id"), outcome, request.reason


def request_status(value: str) -> str | None:
    status = value.strip()
    if status and status not in REQUEST_STATUSES:
        raise InvalidArgument(
            f"status must be one of {', '.join(REQUEST_STATUSES)} (or empty), got {status!r}"
        )
    return status or None


def register_from_proto(request: pb.RegisterProviderRequest) -> provider.RegisterProvider:
    capacity = parse_days(request.capacity_days_per_term, "capacity_days_per_term")
    return provider.RegisterProvider(
        provider_id=client_id(request.provider_id, "provider_id"),
        trust_id=require_id(request.trust_id, "trust_id"),
        name=request.name,
        kind=request.kind.strip(),
        home_academy_id=optional_id(request.home_academy_id, "home_academy_id"),
        contact_subject=request.contact_subject,
        specialisms=tuple(s.strip() for s in request.specialisms),
        day_rate_pence=request.day_rate_pence,
        capacity_days_per_term=capacity,
    )


def update_from_proto(request: pb.UpdateProviderRequest) -> provider.UpdateProvider:
    return provider.UpdateProvider(
        provider_id=require_id(request.provider_id, "provider_id"),
        reason=request.reason,
        name=request.name,
        contact_subject=request.contact_subject,
        specialisms=tuple(s.strip() for s in request.specialisms),
        day_rate_pence=request.day_rate_pence,
        capacity_days_per_term=optional_days(
            request.capacity_days_per_term, "capacity_days_per_term"
        ),
    )


def due_diligence_from_proto(
    request: pb.RecordDueDiligenceRequest, today: dt.date
) -> provider.RecordDueDiligence:
    return provider.RecordDueDiligence(
        provider_id=require_id(request.provider_id, "provider_id"),
        check=request.check.strip(),
        outcome=request.outcome.strip(),
        checked_on=as_of(request.checked_on, "checked_on", today),
        expires_on=date_from_proto(request.expires_on, "expires_on"),
    )


def conflict_from_proto(
    request: pb.DeclareConflictRequest, today: dt.date
) -> provider.DeclareConflict:
    return provider.DeclareConflict(
        provider_id=require_id(request.provider_id, "provider_id"),
        academy_id=require_id(request.academy_id, "academy_id"),
        nature=request.nature,
        declared_on=as_of(request.declared_on, "declared_on", today),
    )


def lines_from_proto(lines: list[pb.BudgetLineInput]) -> tuple[budget.Line, ...]:
    return tuple(
        budget.Line(require_id(line.line_id, f"lines[{i}].line_id"), line.name, line.amount_pence)
        for i, line in enumerate(lines)
    )


def academy_year(academy_id: str, academic_year: str) -> tuple[str, str]:
    return require_id(academy_id, "academy_id"), require_year(academic_year)


def over_commitment_from_proto(
    request: pb.ApproveOverCommitmentRequest,
) -> approvals.ApproveOverCommitment:
    return approvals.ApproveOverCommitment(
        approval_id=client_id(request.approval_id, "approval_id"),
        budget_line=require_id(request.budget_line, "budget_line"),
        amount_pence=request.amount_pence,
        reason=request.reason,
    )


def commission_from_proto(request: pb.CommissionSupportRequest) -> CommissionSupport:
    return CommissionSupport(
        commission_id=client_id(request.commission_id, "commission_id"),
        academy_id=require_id(request.academy_id, "academy_id"),
        request_id=optional_id(request.request_id, "request_id"),
        need_area=request.need_area.strip(),
        subject=request.subject.strip() or None,
        provider_id=require_id(request.provider_id, "provider_id"),
        days=parse_days(request.days, "days"),
        day_rate_pence=request.day_rate_pence,
        budget_line=optional_id(request.budget_line, "budget_line"),
        from_entitlement=request.from_entitlement,
        starts_on=date_from_proto(request.starts_on, "starts_on"),
        ends_on=date_from_proto(request.ends_on, "ends_on"),
    )


def delivery_from_proto(request: pb.LogDeliveryRequest) -> LogDelivery:
    return LogDelivery(
        commission_id=require_id(request.commission_id, "commission_id"),
        delivery_id=client_id(request.delivery_id, "delivery_id"),
        delivered_on=optional_date_from_proto(request.delivered_on, "delivered_on"),
        days=parse_days(request.days, "days"),
        note=request.note,
    )


def invoice_from_proto(request: pb.RecordInvoiceRequest, today: dt.date) -> invoice.RecordInvoice:
    return invoice.RecordInvoice(
        invoice_id=client_id(request.invoice_id, "invoice_id"),
        provider_id=require_id(request.provider_id, "provider_id"),
        invoice_number=request.invoice_number,
        commission_id=require_id(request.commission_id, "commission_id"),
        amount_pence=request.amount_pence,
        invoiced_on=as_of(request.invoiced_on, "invoiced_on", today),
        days_covered=parse_days(request.days_covered, "days_covered"),
    )


def credit_from_proto(request: pb.CreditInvoiceRequest, today: dt.date) -> invoice.CreditInvoice:
    return invoice.CreditInvoice(
        invoice_id=require_id(request.invoice_id, "invoice_id"),
        credit_note_number=request.credit_note_number,
        reason=request.reason,
        credited_on=as_of(request.credited_on, "credited_on", today),
    )

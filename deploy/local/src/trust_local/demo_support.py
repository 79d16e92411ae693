"""The demo's support part: seed 000's entitlement, a request matched to a
provider, a budget agreed by the four approvers, support commissioned,
delivered and invoiced (one invoice with a discrepancy), and the budget's
figures.

Everything goes through the support service's gRPC API as a client would; the
entitlement was granted by the service itself from the framework when the
academy was registered, and the AIM held in step 12 used a day of it (the
MeetingHeld event, over Kafka). Dates are relative to today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import grpc
from chassis.auth import Role
from contracts.money import pounds
from contracts.values import academic_year_bounds, academic_year_of
from trust.support.v1 import support_pb2 as spb

from trust_local.clients import Caller, PlatformClients, eventually

Say = Callable[[str], None]


@dataclass
class SupportShown:
    commission: spb.Commission
    budget: spb.Budget
    entitlement: spb.Entitlement


async def _refused(what: str, call: Awaitable[object], say: Say) -> None:
    try:
        await call
    except grpc.aio.AioRpcError as error:
        say(f"  refused as expected: {what}\n    -> {error.code().name}: {error.details()}")
        return
    raise AssertionError(f"{what} should have been refused")


async def show_support(
    clients: PlatformClients, say: Say, trust_id: str, academy_id: str, today: dt.date
) -> SupportShown:
    ceo = clients.caller("ceo@aid-trust.org", Role.CHIEF_EXECUTIVE, trust_id)
    lead = clients.caller("aid@aid-trust.org", Role.IMPROVEMENT_LEAD, trust_id, [academy_id])
    head = clients.caller("head@oak.sch.uk", Role.HEADTEACHER, trust_id, [academy_id])
    finance = clients.caller("finance@aid-trust.org", Role.FINANCE, trust_id)
    support = clients.support
    year = academic_year_of(today)
    _, year_end = academic_year_bounds(year)

    say("14. Support: Oak's entitlement, a request, a matched provider, a budget, a commission")

    def entitlement() -> Awaitable[spb.Entitlement]:
        return support.GetEntitlement(
            spb.GetEntitlementRequest(academy_id=academy_id, academic_year=year),
            metadata=lead.metadata,
        )

    granted = await eventually(
        entitlement, accept=lambda e: e.granted and float(e.used_days) > 0, timeout=60
    )
    say(
        f"  entitlement {year}: {granted.granted_days} days granted (seed 000: six AID days "
        f"including the AIMs), {granted.used_days} used by the AIM held, "
        f"{granted.remaining_days} remaining"
    )

    expires = (today + dt.timedelta(days=365)).isoformat()
    providers: list[tuple[str, Caller]] = []
    for name, kind, subject, rate in (
        ("Willow Academy attendance lead", "lead_practitioner", "attendance@willow.sch.uk", 35_000),
        ("Northern Attendance Consulting", "consultant", "consult@northern.example", 55_000),
    ):
        provider = await support.RegisterProvider(
            spb.RegisterProviderRequest(
                trust_id=trust_id,
                name=name,
                kind=kind,
                contact_subject=subject,
                specialisms=["attendance", "behaviour"],
                day_rate_pence=rate,
                capacity_days_per_term="10",
            ),
            metadata=ceo.metadata,
        )
        for check in ("dbs", "references"):
            await support.RecordDueDiligence(
                spb.RecordDueDiligenceRequest(
                    provider_id=provider.provider_id,
                    check=check,
                    outcome="passed",
                    expires_on=expires,
                ),
                metadata=finance.metadata,
            )
        providers.append(
            (
                provider.provider_id,
                clients.caller(subject, Role.PROVIDER, trust_id, [academy_id]),
            )
        )
        say(f"  provider registered: {name} ({kind}), day rate {pounds(rate)}")

    request = await support.RequestSupport(
        spb.RequestSupportRequest(
            academy_id=academy_id,
            need_area="attendance",
            days_wanted="4",
            summary="Persistent absence in years 5 and 6 is rising",
        ),
        metadata=head.metadata,
    )
    await support.TriageRequest(
        spb.TriageRequestRequest(request_id=request.request_id, outcome="accepted"),
        metadata=lead.metadata,
    )
    say(
        f"  the headteacher asked for attendance support; the AID accepted it ({request.request_id})"
    )
    matched = await support.MatchProviders(
        spb.MatchProvidersRequest(request_id=request.request_id), metadata=lead.metadata
    )
    for match in matched.matches:
        say(f"    #{match.rank} {match.provider.name}: {'; '.join(match.reasons)}")
    best = matched.matches[0].provider
    provider_caller = next(c for pid, c in providers if pid == best.provider_id)

    proposed = await support.ProposeBudget(
        spb.ProposeBudgetRequest(
            academy_id=academy_id,
            academic_year=year,
            lines=[
                spb.BudgetLineInput(
                    line_id="consultancy", name="Consultancy", amount_pence=300_000
                ),
                spb.BudgetLineInput(line_id="cpd", name="Staff CPD", amount_pence=100_000),
            ],
            reason="Oak's improvement budget for the year",
        ),
        metadata=finance.metadata,
    )
    budget = proposed
    for approver in (head, lead, ceo, finance):
        budget = await support.AgreeBudget(
            spb.AgreeBudgetRequest(
                academy_id=academy_id, academic_year=year, revision=proposed.revisions[-1].revision
            ),
            metadata=approver.metadata,
        )
    say(
        f"  budget {year} agreed by the headteacher, the AID, the chief executive and the "
        f"finance director: revision {budget.revision_in_force} in force, "
        f"{pounds(budget.totals.budget_pence)}"
    )

    ends = min(today + dt.timedelta(days=60), year_end)
    commission = await support.CommissionSupport(
        spb.CommissionSupportRequest(
            academy_id=academy_id,
            request_id=request.request_id,
            need_area="attendance",
            provider_id=best.provider_id,
            days="4",
            day_rate_pence=best.day_rate_pence,
            budget_line="consultancy",
            starts_on=today.isoformat(),
            ends_on=ends.isoformat(),
        ),
        metadata=lead.metadata,
    )
    say(
        f"  commissioned {commission.provider_name}: {commission.days} days x "
        f"{pounds(commission.day_rate_pence)} = {pounds(commission.cost_pence)} on the "
        f"consultancy line ({commission.commission_id})"
    )
    await _refused(
        "commissioning beyond the line's remaining amount",
        support.CommissionSupport(
            spb.CommissionSupportRequest(
                academy_id=academy_id,
                need_area="attendance",
                provider_id=best.provider_id,
                days="6",
                day_rate_pence=best.day_rate_pence,
                budget_line="cpd",
                starts_on=today.isoformat(),
                ends_on=ends.isoformat(),
            ),
            metadata=lead.metadata,
        ),
        say,
    )

    for days, note in (
        ("2", "Attendance audit with the SLT"),
        ("1", "Coaching the attendance officer"),
    ):
        commission = await support.LogDelivery(
            spb.LogDeliveryRequest(
                commission_id=commission.commission_id,
                delivered_on=today.isoformat(),
                days=days,
                note=note,
            ),
            metadata=provider_caller.metadata,
        )
    say(f"  the provider logged {commission.delivered_days} days delivered")

    exact = await support.RecordInvoice(
        spb.RecordInvoiceRequest(
            provider_id=best.provider_id,
            invoice_number="INV-1001",
            commission_id=commission.commission_id,
            amount_pence=2 * best.day_rate_pence,
            days_covered="2",
        ),
        metadata=finance.metadata,
    )
    off = await support.RecordInvoice(
        spb.RecordInvoiceRequest(
            provider_id=best.provider_id,
            invoice_number="INV-1002",
            commission_id=commission.commission_id,
            amount_pence=best.day_rate_pence + 2_000,
            days_covered="1",
        ),
        metadata=finance.metadata,
    )
    for invoice in (exact, off):
        flag = (
            f"discrepancy {pounds(invoice.discrepancy_pence)}"
            if invoice.discrepancy_pence
            else "matches the days delivered"
        )
        say(
            f"  invoice {invoice.invoice_number}: {pounds(invoice.amount_pence)} for "
            f"{invoice.days_covered} days, expected {pounds(invoice.expected_pence)}: {flag}"
        )
    await _refused(
        "the same invoice number from the same provider twice",
        support.RecordInvoice(
            spb.RecordInvoiceRequest(
                provider_id=best.provider_id,
                invoice_number="INV-1001",
                commission_id=commission.commission_id,
                amount_pence=100,
                days_covered="1",
            ),
            metadata=finance.metadata,
        ),
        say,
    )

    budget = await support.GetBudget(
        spb.GetBudgetRequest(academy_id=academy_id, academic_year=year), metadata=finance.metadata
    )
    say("  the budget, per line (budget / committed / delivered / invoiced / remaining):")
    for line in budget.lines:
        m = line.money
        say(
            f"    {line.name:<12} {pounds(m.budget_pence):>10} {pounds(m.committed_pence):>10} "
            f"{pounds(m.delivered_pence):>10} {pounds(m.invoiced_pence):>10} "
            f"{pounds(m.remaining_pence):>10}"
        )
    for figures in budget.providers:
        m = figures.money
        say(
            f"    {figures.provider_name}: committed {pounds(m.committed_pence)}, delivered "
            f"{pounds(m.delivered_pence)}, invoiced {pounds(m.invoiced_pence)}"
        )
    final = await entitlement()
    return SupportShown(commission, budget, final)

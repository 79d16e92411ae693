"""Every RPC through the servicer (its mixins, the conversions both ways) on the
service in memory: a provider registered and checked, a budget agreed, a request
matched and commissioned, delivered, invoiced, credited; then read back."""

from __future__ import annotations

import datetime as dt

from chassis.auth import Principal, reset_principal, set_principal
from support.entrypoints.grpc_api import Dependencies, SupportServicer
from support_controls import ACADEMY, CEO, CONSULTANT, FINANCE, HEAD, LEAD, TRUST, YEAR
from support_world import principal
from trust.support.v1 import support_pb2 as pb

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


class Context:
    def invocation_metadata(self):
        return [("x-correlation-id", "corr-1")]


async def call(servicer, who: Principal, rpc: str, request):
    token = set_principal(who)
    try:
        return await getattr(servicer, rpc)(request, Context())
    finally:
        reset_principal(token)


async def test_every_rpc_through_the_servicer(world):
    world.trust("seed-000-aid")
    world.academy()
    api = SupportServicer(Dependencies(world.ports, clock=lambda: NOW))
    ceo, lead, head = principal(CEO), principal(LEAD, ACADEMY), principal(HEAD, ACADEMY)
    finance, consultant = principal(FINANCE), principal(CONSULTANT)

    provider = await call(
        api,
        ceo,
        "RegisterProvider",
        pb.RegisterProviderRequest(
            trust_id=TRUST,
            name="Focus",
            kind="consultant",
            contact_subject=CONSULTANT.subject,
            specialisms=["attendance"],
            day_rate_pence=45_000,
            capacity_days_per_term="10",
            provider_id="p1",
        ),
    )
    assert (provider.provider_id, provider.capacity_days_per_term) == ("p1", "10.00")
    checked = await call(
        api,
        finance,
        "RecordDueDiligence",
        pb.RecordDueDiligenceRequest(
            provider_id="p1", check="dbs", outcome="passed", expires_on="2027-08-31"
        ),
    )
    assert checked.due_diligence_valid
    await call(
        api,
        lead,
        "UpdateProvider",
        pb.UpdateProviderRequest(provider_id="p1", day_rate_pence=40_000, reason="agreed rate"),
    )
    lines = [pb.BudgetLineInput(line_id="consultancy", name="Consultancy", amount_pence=500_000)]
    await call(
        api,
        lead,
        "ProposeBudget",
        pb.ProposeBudgetRequest(academy_id=ACADEMY, academic_year=YEAR, lines=lines),
    )
    for who in (head, lead, ceo, finance):
        budget = await call(
            api,
            who,
            "AgreeBudget",
            pb.AgreeBudgetRequest(academy_id=ACADEMY, academic_year=YEAR, revision=1),
        )
    assert budget.revision_in_force == 1
    asked = await call(
        api,
        head,
        "RequestSupport",
        pb.RequestSupportRequest(
            academy_id=ACADEMY, need_area="attendance", summary="Year 9 absence", request_id="r1"
        ),
    )
    assert asked.status == "open" and asked.requested_by == HEAD.subject
    await call(
        api, lead, "TriageRequest", pb.TriageRequestRequest(request_id="r1", outcome="accepted")
    )
    matches = await call(api, lead, "MatchProviders", pb.MatchProvidersRequest(request_id="r1"))
    assert [m.provider.provider_id for m in matches.matches] == ["p1"]
    commission = await call(
        api,
        lead,
        "CommissionSupport",
        pb.CommissionSupportRequest(
            academy_id=ACADEMY,
            request_id="r1",
            need_area="attendance",
            provider_id="p1",
            days="3",
            day_rate_pence=40_000,
            budget_line="consultancy",
            starts_on="2026-11-23",
            ends_on="2027-02-26",
            commission_id="c1",
        ),
    )
    assert (commission.cost_pence, commission.term, commission.status) == (
        120_000,
        "autumn",
        "active",
    )
    delivered = await call(
        api,
        consultant,
        "LogDelivery",
        pb.LogDeliveryRequest(commission_id="c1", days="1", note="Audit done"),
    )
    assert delivered.deliveries[0].note == "Audit done"
    invoice = await call(
        api,
        finance,
        "RecordInvoice",
        pb.RecordInvoiceRequest(
            provider_id="p1",
            invoice_number="INV-1",
            commission_id="c1",
            amount_pence=45_000,
            days_covered="1",
        ),
    )
    assert (invoice.expected_pence, invoice.discrepancy_pence) == (40_000, 5_000)
    credited = await call(
        api,
        finance,
        "CreditInvoice",
        pb.CreditInvoiceRequest(
            invoice_id=invoice.invoice_id, credit_note_number="CN-1", reason="wrong rate"
        ),
    )
    assert credited.credited
    varied = await call(
        api,
        lead,
        "VaryCommission",
        pb.VaryCommissionRequest(commission_id="c1", days="2", reason="enough"),
    )
    assert varied.days == "2.00"
    await call(
        api,
        ceo,
        "ApproveOverCommitment",
        pb.ApproveOverCommitmentRequest(
            academy_id=ACADEMY,
            academic_year=YEAR,
            budget_line="consultancy",
            amount_pence=10_000,
            reason="r",
        ),
    )
    adjusted = await call(
        api,
        finance,
        "AdjustBudget",
        pb.AdjustBudgetRequest(
            academy_id=ACADEMY, academic_year=YEAR, lines=lines, reason="same again"
        ),
    )
    assert [r.pending for r in adjusted.revisions] == [False, True]
    await call(
        api,
        consultant,
        "DeclareConflict",
        pb.DeclareConflictRequest(provider_id="p1", academy_id=ACADEMY, nature="n"),
    )
    cancelled = await call(
        api, ceo, "CancelCommission", pb.CancelCommissionRequest(commission_id="c1", reason="stop")
    )
    assert cancelled.status == "cancelled"

    got = await call(api, finance, "GetCommission", pb.GetCommissionRequest(commission_id="c1"))
    assert got.deliveries[0].note == "" and got.delivered_pence == 40_000
    listed = await call(
        api, consultant, "ListCommissions", pb.ListCommissionsRequest(trust_id=TRUST)
    )
    assert [c.commission_id for c in listed.commissions] == ["c1"]
    assert (
        await call(api, ceo, "GetRequest", pb.GetRequestRequest(request_id="r1"))
    ).commission_ids == ["c1"]
    assert (
        len((await call(api, ceo, "ListRequests", pb.ListRequestsRequest(trust_id=TRUST))).requests)
        == 1
    )
    assert (
        await call(api, consultant, "GetProvider", pb.GetProviderRequest(provider_id="p1"))
    ).conflicts
    assert (
        len(
            (
                await call(
                    api,
                    ceo,
                    "ListProviders",
                    pb.ListProvidersRequest(trust_id=TRUST, need_area="attendance"),
                )
            ).providers
        )
        == 1
    )
    budget = await call(
        api, head, "GetBudget", pb.GetBudgetRequest(academy_id=ACADEMY, academic_year=YEAR)
    )
    assert budget.totals.committed_pence == 40_000 and budget.providers[0].provider_name == "Focus"
    assert (
        len(
            (
                await call(
                    api,
                    ceo,
                    "ListBudgets",
                    pb.ListBudgetsRequest(trust_id=TRUST, academic_year=YEAR),
                )
            ).budgets
        )
        == 1
    )
    assert (
        len(
            (
                await call(api, finance, "ListInvoices", pb.ListInvoicesRequest(trust_id=TRUST))
            ).invoices
        )
        == 1
    )
    entitlement = await call(
        api, head, "GetEntitlement", pb.GetEntitlementRequest(academy_id=ACADEMY)
    )
    assert (entitlement.academic_year, entitlement.granted) == (YEAR, False)
    assert (
        await call(api, ceo, "ListEntitlements", pb.ListEntitlementsRequest(trust_id=TRUST))
    ).entitlements == []
    assert {e.correlation_id for e in world.store.all_events()} == {"corr-1"}

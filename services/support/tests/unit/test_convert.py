"""Proto <-> the support service, one converter per type: requests become the
commands they name (malformed ids, days and dates refused with the field), and
what was decided becomes the reply field by field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from chassis.errors import InvalidArgument
from contracts.support.v1 import SupportDelivered
from support.application.views import (
    BudgetView,
    CommissionView,
    EntitlementView,
    budget_view,
)
from support.domain import budget, entitlement
from support.entrypoints.convert import replies, requests
from support_controls import (
    ACADEMY,
    CONSULTANT,
    TODAY,
    TRUST,
    YEAR,
    agreed_budget,
    commissioned,
    fold_budget,
    fold_entitlement,
    granted,
    ready_provider,
    recorded,
)
from trust.support.v1 import support_pb2 as pb


def test_a_commission_request_becomes_its_command():
    command = requests.commission_from_proto(
        pb.CommissionSupportRequest(
            academy_id=ACADEMY,
            need_area="attendance",
            provider_id="p1",
            days="2.5",
            day_rate_pence=45_000,
            budget_line="consultancy",
            starts_on="2026-11-23",
            ends_on="2027-03-31",
        )
    )
    assert (command.commission_id, command.request_id, command.days) == ("", None, Decimal("2.50"))
    assert command.starts_on == dt.date(2026, 11, 23) and command.budget_line == "consultancy"


@pytest.mark.parametrize(
    ("proto", "message"),
    [
        (
            pb.CommissionSupportRequest(
                academy_id="a b",
                provider_id="p",
                days="1",
                starts_on="2026-11-23",
                ends_on="2026-11-23",
            ),
            "academy_id must be up to 64",
        ),
        (
            pb.CommissionSupportRequest(
                academy_id="a",
                provider_id="p",
                days="1.234",
                starts_on="2026-11-23",
                ends_on="2026-11-23",
            ),
            "days has more than two decimal places",
        ),
        (
            pb.CommissionSupportRequest(
                academy_id="a",
                provider_id="p",
                days="1",
                starts_on="23/11/2026",
                ends_on="2026-11-23",
            ),
            "starts_on must be an ISO date",
        ),
    ],
)
def test_a_malformed_commission_request_names_the_field(proto, message):
    with pytest.raises(InvalidArgument, match=message):
        requests.commission_from_proto(proto)


def test_other_requests():
    asked = requests.request_from_proto(
        pb.RequestSupportRequest(
            academy_id=ACADEMY, need_area="curriculum", subject=" maths ", summary="s"
        )
    )
    assert (asked.subject, asked.days_wanted, asked.requested_on) == ("maths", None, None)
    with pytest.raises(InvalidArgument, match="need_area must be one of"):
        requests.request_from_proto(pb.RequestSupportRequest(academy_id=ACADEMY, need_area="x"))
    with pytest.raises(InvalidArgument, match="outcome must be one of"):
        requests.triage_from_proto(pb.TriageRequestRequest(request_id="r1", outcome="maybe"))
    with pytest.raises(InvalidArgument, match="status must be one of"):
        requests.request_status("closed")
    lines = requests.lines_from_proto([pb.BudgetLineInput(line_id="l1", name="L", amount_pence=5)])
    assert lines[0].amount_pence == 5
    with pytest.raises(InvalidArgument, match="academic_year"):
        requests.academy_year(ACADEMY, "2026-27")
    check = requests.due_diligence_from_proto(
        pb.RecordDueDiligenceRequest(
            provider_id="p1", check="dbs", outcome="passed", expires_on="2027-08-31"
        ),
        TODAY,
    )
    assert check.checked_on == TODAY
    invoice = requests.invoice_from_proto(
        pb.RecordInvoiceRequest(
            provider_id="p1",
            invoice_number="INV-1",
            commission_id="c1",
            amount_pence=1,
            days_covered="0.5",
        ),
        TODAY,
    )
    assert (invoice.invoiced_on, invoice.days_covered) == (TODAY, Decimal("0.50"))


def test_an_entitlement_reply_as_of_a_day():
    state = granted("seed-002-sussex", "standard")
    state = fold_entitlement(
        state, entitlement.decide_use(state, "meeting", "m1", Decimal("1.5"), dt.date(2026, 10, 1))
    )
    reply = replies.entitlement_to_proto(EntitlementView(TRUST, state, dt.date(2026, 11, 1)))
    assert (reply.granted, reply.granted_days, reply.used_days, reply.remaining_days) == (
        True,
        "10.50",
        "1.50",
        "9.00",
    )
    assert (reply.phase, reply.support_tier, len(reply.package)) == ("standard", "standard", 15)
    assert [c.change for c in reply.changes] == ["granted"] and reply.uses[0].source_id == "m1"
    brief = replies.entitlement_to_proto(EntitlementView(TRUST, state, TODAY, brief=True))
    assert not brief.changes and not brief.uses


def test_a_commission_reply_carries_notes_only_when_given():
    delivered = SupportDelivered(
        trust_id=TRUST,
        delivery_id="d1",
        commission_id="c1",
        academy_id=ACADEMY,
        academic_year=YEAR,
        provider_id="p1",
        delivered_on=TODAY,
        days="1.00",
        value_pence=45_000,
        has_note=True,
    )
    state = fold_budget(agreed_budget(), [commissioned()])
    state = budget.evolve(state, recorded(delivered, CONSULTANT))
    commission = state.commissions["c1"]
    hidden = replies.commission_to_proto(CommissionView(commission, "Focus"))
    shown = replies.commission_to_proto(CommissionView(commission, "Focus", notes={"d1": "ok"}))
    assert (hidden.deliveries[0].note, shown.deliveries[0].note) == ("", "ok")
    assert (shown.delivered_days, shown.delivered_pence, shown.status) == ("1.00", 45_000, "active")
    assert shown.deliveries[0].logged_by == CONSULTANT.subject


def test_a_budget_reply_with_its_figures():
    state = fold_budget(agreed_budget(), [commissioned()])
    view: BudgetView = budget_view(TRUST, state, True, [], {"p1": "Focus"})
    reply = replies.budget_to_proto(view)
    assert (reply.revision_in_force, reply.required, reply.exists) == (1, True, True)
    assert reply.revisions[0].in_force and not reply.revisions[0].pending
    assert (
        reply.totals.budget_pence,
        reply.totals.committed_pence,
        reply.totals.remaining_pence,
    ) == (
        500_000,
        225_000,
        275_000,
    )
    assert reply.providers[0].provider_name == "Focus"
    assert (reply.providers[0].money.committed_pence, reply.providers[0].money.remaining_pence) == (
        225_000,
        0,
    )
    provider = replies.provider_to_proto(
        __import__("support.application.views", fromlist=["ProviderView"]).ProviderView(
            ready_provider(), TODAY
        )
    )
    assert provider.due_diligence_valid and provider.due_diligence_expires_on == "2027-08-31"

"""The access table has one row per RPC of the service, and says what the design
says: providers reach only their own things, finance the money and invoices,
delivery notes never finance, trustees or chairs."""

from __future__ import annotations

import pytest
from chassis.access import Scope
from chassis.auth import Role
from support.entrypoints.access import ACCESS, NOTE_READERS
from trust.support.v1 import support_pb2 as pb

T, CEO, LEAD, HEAD = Role.TRUSTEE, Role.CHIEF_EXECUTIVE, Role.IMPROVEMENT_LEAD, Role.HEADTEACHER
CHAIR, FIN, PROV = Role.CHAIR_OF_LGB, Role.FINANCE, Role.PROVIDER

DESIGN = {
    "GetEntitlement": ({T, CEO, LEAD, HEAD, CHAIR, FIN}, Scope.ACADEMY),
    "ListEntitlements": ({T, CEO, LEAD, HEAD, CHAIR, FIN}, Scope.TRUST),
    "RequestSupport": ({CEO, LEAD, HEAD}, Scope.ACADEMY),
    "TriageRequest": ({CEO, LEAD}, Scope.ACADEMY),
    "GetRequest": ({T, CEO, LEAD, HEAD, CHAIR}, Scope.ACADEMY),
    "ListRequests": ({T, CEO, LEAD, HEAD, CHAIR}, Scope.TRUST),
    "MatchProviders": ({CEO, LEAD}, Scope.ACADEMY),
    "RegisterProvider": ({CEO, LEAD, FIN}, Scope.TRUST),
    "UpdateProvider": ({CEO, LEAD, FIN}, Scope.TRUST),
    "RecordDueDiligence": ({CEO, FIN}, Scope.TRUST),
    "DeclareConflict": ({CEO, LEAD, PROV}, Scope.TRUST),
    "GetProvider": ({CEO, LEAD, FIN, T, PROV}, Scope.TRUST),
    "ListProviders": ({CEO, LEAD, FIN, T}, Scope.TRUST),
    "ProposeBudget": ({CEO, LEAD, HEAD, FIN}, Scope.ACADEMY),
    "AdjustBudget": ({CEO, LEAD, HEAD, FIN}, Scope.ACADEMY),
    "AgreeBudget": ({CEO, LEAD, HEAD, FIN}, Scope.ACADEMY),
    "ApproveOverCommitment": ({CEO, LEAD, FIN}, Scope.ACADEMY),
    "GetBudget": ({T, CEO, LEAD, HEAD, CHAIR, FIN}, Scope.ACADEMY),
    "ListBudgets": ({T, CEO, LEAD, HEAD, CHAIR, FIN}, Scope.TRUST),
    "CommissionSupport": ({CEO, LEAD}, Scope.ACADEMY),
    "VaryCommission": ({CEO, LEAD}, Scope.ACADEMY),
    "CancelCommission": ({CEO, LEAD}, Scope.ACADEMY),
    "LogDelivery": ({PROV}, Scope.ACADEMY),
    "GetCommission": ({T, CEO, LEAD, HEAD, CHAIR, FIN, PROV}, Scope.ACADEMY),
    "ListCommissions": ({T, CEO, LEAD, HEAD, CHAIR, FIN, PROV}, Scope.TRUST),
    "RecordInvoice": ({FIN}, Scope.TRUST),
    "CreditInvoice": ({FIN}, Scope.TRUST),
    "ListInvoices": ({FIN, CEO, T}, Scope.TRUST),
}


def test_every_rpc_has_a_row_and_every_row_an_rpc():
    service = pb.DESCRIPTOR.services_by_name["SupportService"]
    assert ACCESS.service == service.full_name
    assert ACCESS.rpcs() == sorted(method.name for method in service.methods) == sorted(DESIGN)


@pytest.mark.parametrize("rpc", sorted(DESIGN))
def test_each_row_is_the_designs(rpc):
    roles, scope = DESIGN[rpc]
    rule = ACCESS.rule(rpc)
    assert (set(rule.roles), rule.scope) == (roles, scope)
    assert Role.SERVICE not in rule.roles


@pytest.mark.parametrize("rpc", sorted(DESIGN))
@pytest.mark.parametrize("role", [r for r in Role if r is not Role.SERVICE])
def test_the_matrix_a_row_promises(rpc, role):
    """Out of the row: denied everywhere; in it: allowed on one's own target, and on
    another academy only for the trust-wide roles; never another trust."""
    rule = ACCESS.rule(rpc)
    assert rule.denies(role, on_own=True) is (role not in rule.roles)
    on_other = rule.denies(role, on_own=False)
    if role not in rule.roles or rule.scope is Scope.TRUST:
        assert on_other is True
    else:
        assert on_other is (role not in {T, CEO, FIN})


def test_delivery_notes_never_reach_finance_trustees_or_chairs():
    assert NOTE_READERS.isdisjoint({FIN, T, CHAIR})

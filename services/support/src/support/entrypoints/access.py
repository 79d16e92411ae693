"""Who may call each RPC of support, on what: the one table (docs/support-design.md).

The gRPC bootstrap checks the role before any handler; a handler checks the
scope with the same row once it knows the academy (or trust) the target is
about. What the framework decides is the domain's: who proposes and agrees a
budget (its approver roles), who approves an over-commitment; this table lets in
every role that may.

A provider's reach is its own commissions (those of the provider whose contact
subject is its token subject), whatever academies its token names. Delivery
notes are returned to the chief executive, the academy's improvement leads and
headteacher, and the provider that wrote them; never to finance, trustees or
chairs of governors.
"""

from __future__ import annotations

from chassis.access import AccessTable, Scope, allow
from chassis.auth import Role
from trust.support.v1 import support_pb2 as pb

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["SupportService"].full_name

TRUSTEE, CEO, LEAD = Role.TRUSTEE, Role.CHIEF_EXECUTIVE, Role.IMPROVEMENT_LEAD
HEAD, CHAIR, FINANCE, PROVIDER = (
    Role.HEADTEACHER,
    Role.CHAIR_OF_LGB,
    Role.FINANCE,
    Role.PROVIDER,
)

READERS = (TRUSTEE, CEO, LEAD, HEAD, CHAIR, FINANCE)
REQUEST_READERS = (TRUSTEE, CEO, LEAD, HEAD, CHAIR)
BUDGET_PEOPLE = (CEO, LEAD, HEAD, FINANCE)
COMMISSIONERS = (CEO, LEAD)
# Delivery notes: never finance, trustees or chairs (the handlers apply it).
NOTE_READERS = frozenset({CEO, LEAD, HEAD, PROVIDER})

ACADEMY, TRUST = Scope.ACADEMY, Scope.TRUST

ACCESS = AccessTable(
    SERVICE_NAME,
    {
        "GetEntitlement": allow("reading an entitlement", ACADEMY, READERS),
        "ListEntitlements": allow("listing entitlements", TRUST, READERS),
        "RequestSupport": allow("requesting support", ACADEMY, (CEO, LEAD, HEAD)),
        "TriageRequest": allow("triaging a request", ACADEMY, COMMISSIONERS),
        "GetRequest": allow("reading a request", ACADEMY, REQUEST_READERS),
        "ListRequests": allow("listing requests", TRUST, REQUEST_READERS),
        "MatchProviders": allow("matching providers", ACADEMY, COMMISSIONERS),
        "RegisterProvider": allow("registering a provider", TRUST, (CEO, LEAD, FINANCE)),
        "UpdateProvider": allow("updating a provider", TRUST, (CEO, LEAD, FINANCE)),
        "RecordDueDiligence": allow("recording due diligence", TRUST, (CEO, FINANCE)),
        # A provider declares its own conflicts (the handler checks it is its own).
        "DeclareConflict": allow("declaring a conflict", TRUST, (CEO, LEAD, PROVIDER)),
        "GetProvider": allow("reading a provider", TRUST, (CEO, LEAD, FINANCE, TRUSTEE, PROVIDER)),
        "ListProviders": allow("listing providers", TRUST, (CEO, LEAD, FINANCE, TRUSTEE)),
        # The framework's approver roles decide (the domain).
        "ProposeBudget": allow("proposing a budget", ACADEMY, BUDGET_PEOPLE),
        "AdjustBudget": allow("adjusting a budget", ACADEMY, BUDGET_PEOPLE),
        "AgreeBudget": allow("agreeing a budget", ACADEMY, BUDGET_PEOPLE),
        # The framework's over-commitment approver decides (the domain).
        "ApproveOverCommitment": allow(
            "approving an over-commitment", ACADEMY, (CEO, LEAD, FINANCE)
        ),
        "GetBudget": allow("reading a budget", ACADEMY, READERS),
        "ListBudgets": allow("listing budgets", TRUST, READERS),
        "CommissionSupport": allow("commissioning support", ACADEMY, COMMISSIONERS),
        "VaryCommission": allow("varying a commission", ACADEMY, COMMISSIONERS),
        "CancelCommission": allow("cancelling a commission", ACADEMY, COMMISSIONERS),
        # Its own commissions only, whatever academies its token names.
        "LogDelivery": allow("logging a delivery", ACADEMY, (PROVIDER,)),
        "GetCommission": allow("reading a commission", ACADEMY, (*READERS, PROVIDER)),
        "ListCommissions": allow("listing commissions", TRUST, (*READERS, PROVIDER)),
        "RecordInvoice": allow("recording an invoice", TRUST, (FINANCE,)),
        "CreditInvoice": allow("crediting an invoice", TRUST, (FINANCE,)),
        "ListInvoices": allow("listing invoices", TRUST, (FINANCE, CEO, TRUSTEE)),
    },
)

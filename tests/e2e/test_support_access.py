"""Access matrix of the support API, generated from the one access policy
(access_policy.py): every RPC x every role x the caller's own target and another
one, checked with access_matrix.check_cell against the policy's cells.

The targets: the caller's own academy (A) and another academy of the trust (B)
for a row scoped to an academy; the caller's trust and another trust for a row
scoped to the trust. A provider's own is what belongs to the provider whose
contact subject is its token subject (its provider record, its commissions,
whatever academies its token names); its other is another provider's, in the
same trust and the same academy, which it may not touch either.

Where the design gives narrower reach than the table can say, the cells are
written out: every row scoped to an academy refuses everyone on another trust's
academy; a provider reaches its own commission on an academy its token does not
name; the framework (seed 000) lets only its over-commitment approver approve
one; finance, trustees and chairs of governors never get delivery notes, a
provider only its own; a provider lists only its own commissions.

The examples are side-effect free when allowed: refused on their values or on
the facts (after the access check), or reads. The support event store is
checked unchanged after the matrix.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
import grpc
import pytest
from chassis.auth import Role
from google.protobuf.message import Message
from support.entrypoints.access import ACCESS
from trust.support.v1 import support_pb2 as spb
from trust_local.clients import Caller, PlatformClients, eventually

from . import access_policy
from .access_matrix import PAST_ACCESS, check_cell
from .test_meetings_support import PRESETS, new_trust, this_year, today

ROLES = [r for r in Role if r is not Role.SERVICE]
SERVICE_NAME = spb.DESCRIPTOR.services_by_name["SupportService"].full_name
RPCS = sorted(m.name for m in spb.DESCRIPTOR.services_by_name["SupportService"].methods)
PRESET = "seed-000-aid"  # its budget approvers are every role the table lets in
FUTURE = "2999-01-01"
DOMAIN = f"sa-{uuid.uuid4().hex[:8]}.test"  # every subject the matrix calls with
OWN_PROVIDER = f"provider@{DOMAIN}"
NOTE = f"Attendance audit with the SLT ({uuid.uuid4().hex[:6]})"

# The rows a provider is in, where its "other" is another provider's record or
# commission; ListCommissions, also open to it, names a trust (its other: another trust).
PROVIDER_OWNED = {"DeclareConflict", "GetProvider", "LogDelivery", "GetCommission"}


@dataclass(frozen=True)
class Target:
    trust_id: str
    academy_id: str
    provider_id: str
    request_id: str  # triaged (accepted)
    commission_id: str  # 1 day from the entitlement
    invoice_id: str


EXAMPLES: dict[str, Callable[[Target], Message]] = {
    "GetEntitlement": lambda t: spb.GetEntitlementRequest(
        academy_id=t.academy_id, academic_year=this_year()
    ),
    "ListEntitlements": lambda t: spb.ListEntitlementsRequest(
        trust_id=t.trust_id, academic_year=this_year()
    ),
    "RequestSupport": lambda t: spb.RequestSupportRequest(  # requested in the future
        academy_id=t.academy_id, need_area="attendance", summary="s", requested_on=FUTURE
    ),
    "TriageRequest": lambda t: spb.TriageRequestRequest(  # triaged already
        request_id=t.request_id, outcome="declined", reason="r"
    ),
    "GetRequest": lambda t: spb.GetRequestRequest(request_id=t.request_id),
    "ListRequests": lambda t: spb.ListRequestsRequest(trust_id=t.trust_id),
    "MatchProviders": lambda t: spb.MatchProvidersRequest(request_id=t.request_id),
    "RegisterProvider": lambda t: spb.RegisterProviderRequest(  # not a kind of provider
        trust_id=t.trust_id,
        name="n",
        kind="no_such_kind",
        contact_subject=f"nobody@{DOMAIN}",
        specialisms=["attendance"],
        day_rate_pence=1,
        capacity_days_per_term="1",
    ),
    "UpdateProvider": lambda t: spb.UpdateProviderRequest(  # a blank reason
        provider_id=t.provider_id, name="n", reason=" "
    ),
    "RecordDueDiligence": lambda t: spb.RecordDueDiligenceRequest(  # neither passed nor failed
        provider_id=t.provider_id, check="dbs", outcome="maybe", expires_on=FUTURE
    ),
    "DeclareConflict": lambda t: spb.DeclareConflictRequest(  # an academy nobody knows
        provider_id=t.provider_id, academy_id="no-such-academy", nature="n"
    ),
    "GetProvider": lambda t: spb.GetProviderRequest(provider_id=t.provider_id),
    "ListProviders": lambda t: spb.ListProvidersRequest(trust_id=t.trust_id),
    "ProposeBudget": lambda t: spb.ProposeBudgetRequest(  # a negative amount
        academy_id=t.academy_id,
        academic_year=this_year(),
        lines=[spb.BudgetLineInput(line_id="l", name="n", amount_pence=-1)],
    ),
    "AdjustBudget": lambda t: spb.AdjustBudgetRequest(  # none proposed
        academy_id=t.academy_id,
        academic_year=this_year(),
        lines=[spb.BudgetLineInput(line_id="l", name="n", amount_pence=1)],
        reason="r",
    ),
    "AgreeBudget": lambda t: spb.AgreeBudgetRequest(  # nothing awaits agreement
        academy_id=t.academy_id, academic_year=this_year(), revision=1
    ),
    "ApproveOverCommitment": lambda t: spb.ApproveOverCommitmentRequest(  # no budget agreed
        academy_id=t.academy_id,
        academic_year=this_year(),
        budget_line="no-such-line",
        amount_pence=100,
        reason="r",
    ),
    "GetBudget": lambda t: spb.GetBudgetRequest(academy_id=t.academy_id, academic_year=this_year()),
    "ListBudgets": lambda t: spb.ListBudgetsRequest(trust_id=t.trust_id, academic_year=this_year()),
    "CommissionSupport": lambda t: spb.CommissionSupportRequest(  # no days
        academy_id=t.academy_id,
        need_area="attendance",
        provider_id=t.provider_id,
        days="0",
        day_rate_pence=30_000,
        from_entitlement=True,
        starts_on=today().isoformat(),
        ends_on=today().isoformat(),
    ),
    "VaryCommission": lambda t: spb.VaryCommissionRequest(  # to no days
        commission_id=t.commission_id, days="0", reason="r"
    ),
    "CancelCommission": lambda t: spb.CancelCommissionRequest(  # a blank reason
        commission_id=t.commission_id, reason=" "
    ),
    "LogDelivery": lambda t: spb.LogDeliveryRequest(  # more than commissioned
        commission_id=t.commission_id, days="5", note="n"
    ),
    "GetCommission": lambda t: spb.GetCommissionRequest(commission_id=t.commission_id),
    "ListCommissions": lambda t: spb.ListCommissionsRequest(trust_id=t.trust_id),
    "RecordInvoice": lambda t: spb.RecordInvoiceRequest(  # covering no days
        provider_id=t.provider_id,
        invoice_number=f"INV-{uuid.uuid4().hex[:6]}",
        commission_id=t.commission_id,
        amount_pence=100,
        days_covered="0",
    ),
    "CreditInvoice": lambda t: spb.CreditInvoiceRequest(  # a blank reason
        invoice_id=t.invoice_id, credit_note_number="CN-1", reason=" "
    ),
    "ListInvoices": lambda t: spb.ListInvoicesRequest(trust_id=t.trust_id),
}


def test_every_rpc_has_an_access_row_and_an_example():
    assert ACCESS.rpcs() == RPCS, "RPCs and access rows differ"
    assert sorted(EXAMPLES) == RPCS, "RPCs and examples differ"
    with_provider = {rpc for rpc in RPCS if Role.PROVIDER in ACCESS.rule(rpc).roles}
    assert with_provider == PROVIDER_OWNED | {"ListCommissions"}, "say what a provider owns"


def framework_decides(rpc: str) -> frozenset[Role] | None:
    """The roles of the framework (PRESET) that may, where the domain narrows the row."""
    rules = PRESETS[PRESET].budget
    if rpc in {"ProposeBudget", "AdjustBudget", "AgreeBudget"}:
        return frozenset(Role(r) for r in rules.approver_roles)
    if rpc == "ApproveOverCommitment":
        return frozenset({Role(rules.over_commitment_approver)})
    return None


def test_the_framework_narrows_only_the_over_commitment_approver():
    """Seed 000's budget approvers are every role the table lets propose, adjust and
    agree (so the matrix's promise holds for them); over-commitment is the chief
    executive's alone, written out in the matrix."""
    for rpc in ("ProposeBudget", "AdjustBudget", "AgreeBudget"):
        assert ACCESS.rule(rpc).roles <= (framework_decides(rpc) or frozenset())
    assert framework_decides("ApproveOverCommitment") == {Role.CHIEF_EXECUTIVE}


# -- the trusts, academies, providers, requests, commissions and invoices used -----------


@pytest.fixture(scope="module")
def matrix() -> dict[str, Any]:
    return {}


async def _events(platform, ids: list[str]) -> int:
    """Support's events about the matrix's academies and providers, or by its callers."""
    conn = await asyncpg.connect(platform.postgres.dsn("support"))
    try:
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM events WHERE partition_key = ANY($1::text[]) "
                "OR metadata->'actor'->>'subject' LIKE $2",
                ids,
                f"%@{DOMAIN}",
            )
        )
    finally:
        await conn.close()


async def _trust(clients: PlatformClients, academies: int, prefix: str):
    trust_id, ceo, ids = await new_trust(clients, PRESET, academies, prefix=prefix)

    def granted(academy_id: str):
        return eventually(
            lambda: clients.support.GetEntitlement(
                spb.GetEntitlementRequest(academy_id=academy_id, academic_year=this_year()),
                metadata=ceo.metadata,
            ),
            accept=lambda e: e.granted,
            timeout=60,
        )

    await asyncio.gather(*(granted(a) for a in ids))
    return trust_id, ceo, ids


async def _provider(clients: PlatformClients, ceo: Caller, trust_id: str, contact: str) -> str:
    support = clients.support
    provider = await support.RegisterProvider(
        spb.RegisterProviderRequest(
            trust_id=trust_id,
            name=f"Provider {contact}",
            kind="consultant",
            contact_subject=contact,
            specialisms=["attendance"],
            day_rate_pence=30_000,
            capacity_days_per_term="10",
        ),
        metadata=ceo.metadata,
    )
    await support.RecordDueDiligence(
        spb.RecordDueDiligenceRequest(
            provider_id=provider.provider_id,
            check="dbs",
            outcome="passed",
            expires_on=(today() + dt.timedelta(days=365)).isoformat(),
        ),
        metadata=ceo.metadata,
    )
    return provider.provider_id


async def _request(clients: PlatformClients, ceo: Caller, academy_id: str) -> str:
    made = await clients.support.RequestSupport(
        spb.RequestSupportRequest(
            academy_id=academy_id, need_area="attendance", summary="Persistent absence"
        ),
        metadata=ceo.metadata,
    )
    await clients.support.TriageRequest(
        spb.TriageRequestRequest(request_id=made.request_id, outcome="accepted"),
        metadata=ceo.metadata,
    )
    return made.request_id


async def _commission(
    clients: PlatformClients, ceo: Caller, academy_id: str, provider_id: str
) -> str:
    made = await clients.support.CommissionSupport(
        spb.CommissionSupportRequest(
            academy_id=academy_id,
            need_area="attendance",
            provider_id=provider_id,
            days="1",
            day_rate_pence=30_000,
            from_entitlement=True,
            starts_on=today().isoformat(),
            ends_on=today().isoformat(),
        ),
        metadata=ceo.metadata,
    )
    return made.commission_id


async def _invoice(
    clients: PlatformClients, trust_id: str, provider_id: str, commission_id: str
) -> str:
    finance = clients.caller(f"finance-setup@{DOMAIN}", Role.FINANCE, trust_id)
    made = await clients.support.RecordInvoice(
        spb.RecordInvoiceRequest(
            provider_id=provider_id,
            invoice_number=f"INV-{uuid.uuid4().hex[:6]}",
            commission_id=commission_id,
            amount_pence=15_000,
            days_covered="0.5",
        ),
        metadata=finance.metadata,
    )
    return made.invoice_id


async def _setup(platform, clients: PlatformClients, matrix: dict[str, Any]) -> dict[str, Any]:
    if matrix:
        return matrix
    (trust_id, ceo, (own, other)), (far_trust, far_ceo, (far,)) = await asyncio.gather(
        _trust(clients, 2, "sa"), _trust(clients, 1, "sf")
    )
    mine, theirs, far_provider = await asyncio.gather(
        _provider(clients, ceo, trust_id, OWN_PROVIDER),
        _provider(clients, ceo, trust_id, f"provider-other@{DOMAIN}"),
        _provider(clients, far_ceo, far_trust, f"provider-far@{DOMAIN}"),
    )
    r_own, r_other, r_far = await asyncio.gather(
        _request(clients, ceo, own),
        _request(clients, ceo, other),
        _request(clients, far_ceo, far),
    )
    c_own, c_elsewhere, c_theirs, c_far = await asyncio.gather(
        _commission(clients, ceo, own, mine),
        _commission(clients, ceo, other, mine),
        _commission(clients, ceo, own, theirs),
        _commission(clients, far_ceo, far, far_provider),
    )
    provider = clients.caller(OWN_PROVIDER, Role.PROVIDER, trust_id, [own])
    await clients.support.LogDelivery(
        spb.LogDeliveryRequest(
            commission_id=c_own, delivered_on=today().isoformat(), days="0.5", note=NOTE
        ),
        metadata=provider.metadata,
    )
    i_own, i_far = await asyncio.gather(
        _invoice(clients, trust_id, mine, c_own),
        _invoice(clients, far_trust, far_provider, c_far),
    )
    matrix.update(
        trust_id=trust_id,
        own=Target(trust_id, own, mine, r_own, c_own, i_own),
        other=Target(trust_id, other, mine, r_other, c_elsewhere, i_own),
        theirs=Target(trust_id, own, theirs, r_own, c_theirs, i_own),
        far=Target(far_trust, far, far_provider, r_far, c_far, i_far),
        ids=[own, other, far, mine, theirs, far_provider],
    )
    matrix["events"] = await _events(platform, matrix["ids"])
    return matrix


def caller_for(clients: PlatformClients, setup: dict[str, Any], role: Role) -> Caller:
    """A caller in ``role`` whose token names the own academy (a provider: the own
    provider's contact subject)."""
    subject = (
        OWN_PROVIDER if role is Role.PROVIDER else f"{role.value}-{uuid.uuid4().hex[:4]}@{DOMAIN}"
    )
    return clients.caller(subject, role, setup["trust_id"], [setup["own"].academy_id])


async def outcome(call, request: Message, metadata) -> tuple[grpc.StatusCode, str]:
    try:
        await call(request, metadata=metadata)
        return grpc.StatusCode.OK, ""
    except grpc.aio.AioRpcError as error:
        return error.code(), error.details() or ""


# -- the matrix --------------------------------------------------------------------------


@pytest.mark.parametrize("rpc", RPCS)
@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
async def test_access_matrix(platform, clients, matrix, rpc, role):
    setup = await _setup(platform, clients, matrix)
    full_method = f"{SERVICE_NAME}/{rpc}"
    policy_row = access_policy.row(full_method)
    on_trust = policy_row.target is access_policy.Target.TRUST
    caller = caller_for(clients, setup, role)
    call = getattr(clients.support, rpc)
    own: Target = setup["own"]
    if role is Role.PROVIDER and policy_row.provider is not None:
        other: Target = setup["theirs"]  # another provider's, on the same academy
    else:
        other = setup["far"] if on_trust else setup["other"]

    narrowed = framework_decides(rpc)
    if narrowed is not None and policy_row.own[role] and role not in narrowed:
        # In the row, but the framework names other roles: refused on its own academy too.
        for where, target in (("own", own), ("other", other)):
            code, details = await outcome(call, EXAMPLES[rpc](target), caller.metadata)
            assert code == grpc.StatusCode.PERMISSION_DENIED, (
                f"{rpc} as {role} on {where}: {code} {details}"
            )
    else:
        await check_cell(call, EXAMPLES[rpc](own), caller.metadata, full_method, role, True, rpc)
        await check_cell(call, EXAMPLES[rpc](other), caller.metadata, full_method, role, False, rpc)

    # Another trust's academy, provider, request or commission: nobody reaches it.
    if not on_trust or policy_row.provider is not None:
        code, details = await outcome(call, EXAMPLES[rpc](setup["far"]), caller.metadata)
        assert code == grpc.StatusCode.PERMISSION_DENIED, (
            f"{rpc} as {role} on far: {code} {details}"
        )

    # A provider's own commission on an academy its token does not name: still its own.
    if role is Role.PROVIDER and rpc in {"LogDelivery", "GetCommission"}:
        code, details = await outcome(call, EXAMPLES[rpc](setup["other"]), caller.metadata)
        assert code in PAST_ACCESS, f"{rpc} as provider, own elsewhere: {code} {details}"


# -- what the table cannot say -------------------------------------------------------------

NOTE_READERS = {Role.CHIEF_EXECUTIVE, Role.IMPROVEMENT_LEAD, Role.HEADTEACHER, Role.PROVIDER}


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
async def test_delivery_notes_reach_only_those_who_may_read_them(platform, clients, matrix, role):
    """Finance, trustees and chairs of governors never get a delivery note; a
    provider gets its own (another provider does not reach the commission)."""
    setup = await _setup(platform, clients, matrix)
    if role not in ACCESS.rule("GetCommission").roles:
        return  # refused outright: the matrix
    caller = caller_for(clients, setup, role)
    read = await clients.support.GetCommission(
        spb.GetCommissionRequest(commission_id=setup["own"].commission_id),
        metadata=caller.metadata,
    )
    [delivery] = read.deliveries
    assert (delivery.days, read.delivered_days) == ("0.50", "0.50")
    assert delivery.note == (NOTE if role in NOTE_READERS else ""), role
    listed = await clients.support.ListCommissions(
        spb.ListCommissionsRequest(trust_id=setup["trust_id"]), metadata=caller.metadata
    )
    assert all(not c.deliveries for c in listed.commissions)
    if role is Role.FINANCE:  # the money, without the note
        assert read.delivered_pence == 15_000 and list(read.invoice_ids) == [
            setup["own"].invoice_id
        ]


async def test_a_provider_lists_only_its_own_commissions(platform, clients, matrix):
    setup = await _setup(platform, clients, matrix)
    own, other, theirs = setup["own"], setup["other"], setup["theirs"]
    provider = caller_for(clients, setup, Role.PROVIDER)
    support = clients.support

    async def listed(caller: Caller, academy_id: str = "", provider_id: str = "") -> set[str]:
        reply = await support.ListCommissions(
            spb.ListCommissionsRequest(
                trust_id=setup["trust_id"], academy_id=academy_id, provider_id=provider_id
            ),
            metadata=caller.metadata,
        )
        return {c.commission_id for c in reply.commissions}

    mine = {own.commission_id, other.commission_id}
    assert await listed(provider) == mine  # on both academies, whatever its token names
    assert await listed(provider, academy_id=other.academy_id) == {other.commission_id}
    code, details = await outcome(
        support.ListCommissions,
        spb.ListCommissionsRequest(trust_id=setup["trust_id"], provider_id=theirs.provider_id),
        provider.metadata,
    )
    if code == grpc.StatusCode.OK:
        assert await listed(provider, provider_id=theirs.provider_id) == set()
    else:
        assert code == grpc.StatusCode.PERMISSION_DENIED, (code, details)
    # The others, for comparison: the head its academy's, the chief executive all.
    head = caller_for(clients, setup, Role.HEADTEACHER)
    assert await listed(head) == {own.commission_id, theirs.commission_id}
    ceo = caller_for(clients, setup, Role.CHIEF_EXECUTIVE)
    assert await listed(ceo) == mine | {theirs.commission_id}


async def test_the_matrix_changed_nothing(platform, clients, matrix):
    """Runs after the matrix (pytest keeps a module's order): no call of it appended."""
    setup = await _setup(platform, clients, matrix)
    assert await _events(platform, setup["ids"]) == setup["events"]

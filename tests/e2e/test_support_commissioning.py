"""Support end to end, through gRPC only: providers, a request triaged and
matched, an improvement budget agreed by the framework's four approvers
(seed 000), commissioning, delivery by the provider, invoices and a credit note,
the budget's figures to the penny and the academy's timeline in reporting; then
every refusal the design names, each with its status and message and nothing
appended to the support event store.

One trust (seed-000-aid) with two academies per module: academy A carries the
whole flow (and leaves the trust in the last test), academy B the refusals.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import grpc
import pytest
from chassis.auth import Role
from contracts.values import academic_year_bounds, academic_year_of
from trust.academies.v1 import academies_pb2 as apb
from trust.evaluations.v1 import evaluations_pb2 as epb
from trust.reporting.v1 import reporting_pb2 as rpb
from trust.support.v1 import support_pb2 as spb
from trust.support.v1 import support_pb2_grpc
from trust_local.clients import Caller, PlatformClients, eventually

PRESET = "seed-000-aid"
APPROVERS = ("headteacher", "improvement_lead", "chief_executive", "finance")
ENGLAND = ZoneInfo("Europe/London")
Code = grpc.StatusCode


# -- shared helpers (the concurrency module uses them too) ----------------------------


def today() -> dt.date:
    """Today in England, as the service sees it."""
    return dt.datetime.now(ENGLAND).date()


def term_of(day: dt.date) -> str:
    """The design's term of a date: autumn Sep-Dec, spring Jan-Mar, summer Apr-Aug."""
    return "autumn" if day.month >= 9 else "spring" if day.month <= 3 else "summer"


def pounds(pence: int) -> str:
    return f"£{pence // 100:,}.{pence % 100:02d}"


def uid() -> str:
    return uuid.uuid4().hex[:8]


@dataclass
class World:
    """A trust on seed 000 with two academies that support knows, and its people."""

    clients: PlatformClients
    trust_id: str
    a: str
    b: str
    ceo: Caller
    lead: Caller
    head_a: Caller
    head_b: Caller
    finance: Caller
    trustee: Caller
    day: dt.date
    year: str
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def support(self) -> support_pb2_grpc.SupportServiceStub:
        return self.clients.support

    @property
    def starts(self) -> str:
        return self.day.isoformat()

    @property
    def ends(self) -> str:
        """A month on, within the academic year."""
        _first, last = academic_year_bounds(self.year)
        return min(self.day + dt.timedelta(days=30), last).isoformat()

    def head(self, academy_id: str) -> Caller:
        return self.head_a if academy_id == self.a else self.head_b

    def provider(self, provider: spb.Provider, academy_id: str = "") -> Caller:
        """The provider signed in: its contact subject, role provider."""
        return self.clients.caller(
            provider.contact_subject, Role.PROVIDER, self.trust_id, [academy_id or self.a]
        )


async def make_world(clients: PlatformClients, prefix: str) -> World:
    """A new trust on seed 000 with two academies, once support knows both (each
    academy's entitlement is granted once support has its registration and the
    trust's framework)."""
    trust_id = f"{prefix}-{uid()}"
    ceo = clients.caller(f"ceo@{trust_id}", Role.CHIEF_EXECUTIVE, trust_id)
    await clients.academies.CreateTrust(
        apb.CreateTrustRequest(trust_id=trust_id, name=f"Support {prefix}", framework=PRESET),
        metadata=ceo.metadata,
    )
    ids = []
    for n in range(2):
        academy = await clients.academies.RegisterAcademy(
            apb.RegisterAcademyRequest(
                trust_id=trust_id,
                urn=f"{810001 + n}",
                name=f"{prefix} Academy {n + 1}",
                phase_of_education="secondary",
                local_authority="Kent",
                date_joined="2020-09-01",
            ),
            metadata=ceo.metadata,
        )
        ids.append(academy.academy_id)
    a, b = ids
    day = today()
    world = World(
        clients=clients,
        trust_id=trust_id,
        a=a,
        b=b,
        ceo=ceo,
        lead=clients.caller(f"lead@{trust_id}", Role.IMPROVEMENT_LEAD, trust_id, [a, b]),
        head_a=clients.caller(f"head-a@{trust_id}", Role.HEADTEACHER, trust_id, [a]),
        head_b=clients.caller(f"head-b@{trust_id}", Role.HEADTEACHER, trust_id, [b]),
        finance=clients.caller(f"finance@{trust_id}", Role.FINANCE, trust_id),
        trustee=clients.caller(f"trustee@{trust_id}", Role.TRUSTEE, trust_id),
        day=day,
        year=academic_year_of(day),
    )
    for academy_id in ids:
        await eventually(
            lambda academy_id=academy_id: world.support.GetEntitlement(
                spb.GetEntitlementRequest(academy_id=academy_id, academic_year=world.year),
                metadata=ceo.metadata,
            ),
            accept=lambda e: e.granted,
            timeout=60,
        )
    return world


async def register_provider(
    w: World,
    name: str,
    kind: str,
    specialisms: list[str],
    rate_pence: int,
    capacity: str,
    home_academy_id: str = "",
    due_diligence: bool = True,
) -> spb.Provider:
    """A provider registered by the improvement lead, with passed DBS and
    references checks recorded by finance (unless ``due_diligence`` is false)."""
    tag = uid()
    provider = await w.support.RegisterProvider(
        spb.RegisterProviderRequest(
            trust_id=w.trust_id,
            name=f"{name} {tag}",
            kind=kind,
            home_academy_id=home_academy_id,
            contact_subject=f"{name.lower().replace(' ', '-')}-{tag}@providers",
            specialisms=specialisms,
            day_rate_pence=rate_pence,
            capacity_days_per_term=capacity,
            provider_id=f"prov-{tag}",
        ),
        metadata=w.lead.metadata,
    )
    if due_diligence:
        for check, days in (("dbs", 365), ("references", 200)):
            provider = await w.support.RecordDueDiligence(
                spb.RecordDueDiligenceRequest(
                    provider_id=provider.provider_id,
                    check=check,
                    outcome="passed",
                    checked_on=(w.day - dt.timedelta(days=30)).isoformat(),
                    expires_on=(w.day + dt.timedelta(days=days)).isoformat(),
                ),
                metadata=w.finance.metadata,
            )
    return provider


def lines_of(lines: dict[str, int]) -> list[spb.BudgetLineInput]:
    return [
        spb.BudgetLineInput(line_id=line, name=f"Line {line}", amount_pence=amount)
        for line, amount in lines.items()
    ]


async def agreed_budget(w: World, academy_id: str, lines: dict[str, int]) -> spb.Budget:
    """Revision 1 proposed by finance and agreed by the four approvers of seed 000."""
    await w.support.ProposeBudget(
        spb.ProposeBudgetRequest(
            academy_id=academy_id,
            academic_year=w.year,
            lines=lines_of(lines),
            reason="The academy's improvement budget",
        ),
        metadata=w.finance.metadata,
    )
    budget = None
    for caller in (w.head(academy_id), w.lead, w.ceo, w.finance):
        budget = await w.support.AgreeBudget(
            spb.AgreeBudgetRequest(academy_id=academy_id, academic_year=w.year, revision=1),
            metadata=caller.metadata,
        )
    assert budget is not None and budget.revision_in_force == 1
    return budget


def commission_request(
    w: World,
    academy_id: str,
    provider: spb.Provider,
    days: str,
    line: str,
    need_area: str = "governance",
    **changes: Any,
) -> spb.CommissionSupportRequest:
    fields: dict[str, Any] = dict(
        academy_id=academy_id,
        need_area=need_area,
        provider_id=provider.provider_id,
        days=days,
        day_rate_pence=provider.day_rate_pence,
        budget_line=line,
        starts_on=w.starts,
        ends_on=w.ends,
        commission_id=f"com-{uid()}",
    )
    fields.update(changes)
    return spb.CommissionSupportRequest(**fields)


async def support_events(platform, where: str = "", *args: Any) -> int:
    """Rows of the support event store, outside the entitlement streams (support's
    consumers append those when any trust's academies register or meet)."""
    conn = await asyncpg.connect(platform.postgres.dsn("support"))
    try:
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM events WHERE split_part(stream, '-', 1) <> 'entitlement'"
                + (f" AND {where}" if where else ""),
                *args,
            )
        )
    finally:
        await conn.close()


async def refused(
    platform, call: Callable[[], Awaitable[Any]], code: grpc.StatusCode, *fragments: str
) -> str:
    """The call is refused with ``code`` and a message holding every fragment
    (case-insensitive), and the support event store gains nothing."""
    before = await support_events(platform)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call()
    error = caught.value
    details = error.details() or ""
    assert error.code() == code, f"expected {code.name}, got {error.code().name}: {details}"
    for fragment in fragments:
        assert fragment.lower() in details.lower(), f"{fragment!r} not in {details!r}"
    assert await support_events(platform) == before, f"a refusal appended events: {details}"
    return details


def figures(money: spb.Money) -> tuple[int, int, int, int, int]:
    return (
        money.budget_pence,
        money.committed_pence,
        money.delivered_pence,
        money.invoiced_pence,
        money.remaining_pence,
    )


async def timeline(clients: PlatformClients, caller: Caller, academy_id: str):
    """Every entry of the academy's timeline, page by page."""
    entries, token = [], ""
    while True:
        page = await clients.reporting.GetAcademyTimeline(
            rpb.GetAcademyTimelineRequest(academy_id=academy_id, page_size=500, page_token=token),
            metadata=caller.metadata,
        )
        entries += list(page.entries)
        token = page.next_page_token
        if not token:
            return entries


# -- fixtures --------------------------------------------------------------------------


@pytest.fixture(scope="module")
async def module_clients(platform) -> AsyncIterator[PlatformClients]:
    made = PlatformClients(
        {name: s.address for name, s in platform.services.items()}, platform.token_secret
    )
    yield made
    await made.close()


@pytest.fixture(scope="module")
async def w(module_clients) -> World:
    return await make_world(module_clients, "sup")


@pytest.fixture(scope="module")
async def ready(w) -> World:
    """Academy B with an agreed budget ("general" £10,000, "small" £500) and two
    external providers in governance with valid due diligence (Rowan, Sage)."""
    if "rowan" not in w.state:
        await agreed_budget(w, w.b, LINES_B)
        w.state["rowan"] = await register_provider(
            w, "Rowan", "consultant", ["governance"], 40000, "50"
        )
        w.state["sage"] = await register_provider(
            w, "Sage", "consultant", ["governance"], 45000, "50"
        )
    return w


LINES_B = {"general": 1_000_000, "small": 50_000}


# -- the whole flow ---------------------------------------------------------------------


async def test_the_whole_flow_from_request_to_invoice(platform, w):
    s, a, tag = w.support, w.a, uid()

    # Seed 000 grants six days to an academy with no phase yet.
    entitlement = await s.GetEntitlement(
        spb.GetEntitlementRequest(academy_id=a, academic_year=w.year), metadata=w.head_a.metadata
    )
    assert (entitlement.granted, entitlement.core_days, entitlement.granted_days) == (
        True,
        "6.00",
        "6.00",
    )

    # Two providers: one of the trust's own (a lead practitioner in academy B), one bought in.
    internal = await register_provider(
        w, "Ash", "lead_practitioner", ["attendance", "behaviour"], 33333, "10", home_academy_id=w.b
    )
    external = await register_provider(w, "Elm", "consultant", ["attendance"], 65050, "20")
    assert (internal.internal, internal.kind, internal.home_academy_id) == (
        True,
        "lead_practitioner",
        w.b,
    )
    assert (external.internal, external.kind, external.day_rate_pence) == (
        False,
        "consultant",
        65050,
    )
    for provider in (internal, external):
        assert provider.due_diligence_valid
        assert provider.due_diligence_expires_on == (w.day + dt.timedelta(days=200)).isoformat()
        assert {c.check for c in provider.due_diligence} == {"dbs", "references"}
        assert provider.capacity_days_per_term == ("10.00" if provider.internal else "20.00")

    # The headteacher asks; the improvement lead accepts.
    request = await s.RequestSupport(
        spb.RequestSupportRequest(
            academy_id=a,
            need_area="attendance",
            days_wanted="3",
            summary="Persistent absence in year 9",
            requested_on=w.starts,
            request_id=f"req-{tag}",
        ),
        metadata=w.head_a.metadata,
    )
    assert (request.status, request.requested_by, request.days_wanted) == (
        "open",
        f"head-a@{w.trust_id}",
        "3.00",
    )
    triaged = await s.TriageRequest(
        spb.TriageRequestRequest(
            request_id=request.request_id, outcome="accepted", reason="In the plan"
        ),
        metadata=w.lead.metadata,
    )
    assert (triaged.status, triaged.triaged_by) == ("accepted", f"lead@{w.trust_id}")

    # Both providers match, the trust's own first, each with its reasons.
    matched = await s.MatchProviders(
        spb.MatchProvidersRequest(request_id=request.request_id, on=w.starts),
        metadata=w.lead.metadata,
    )
    assert [m.provider.provider_id for m in matched.matches] == [
        internal.provider_id,
        external.provider_id,
    ]
    assert [m.rank for m in matched.matches] == [1, 2]
    assert all(m.can_commission and not m.obstacles and m.reasons for m in matched.matches)
    assert [m.capacity_left_days for m in matched.matches] == ["10.00", "20.00"]
    first, second = matched.matches
    assert any("internal" in r.lower() for r in first.reasons), first.reasons
    assert any("£333.33" in r for r in first.reasons), first.reasons
    assert any("£650.50" in r for r in second.reasons), second.reasons
    assert any("attendance" in r for r in second.reasons), second.reasons

    # The academy is judged not yet good: seed 000 then requires a budget.
    proposal = await eventually(
        lambda: w.clients.evaluations.ProposePhase(
            epb.ProposePhaseRequest(
                academy_id=a,
                phase="not_yet_good",
                reason="Requires improvement",
                review="annual",
                proposal_id=f"prop-{tag}",
            ),
            metadata=w.ceo.metadata,
        ),
        timeout=60,
    )
    await w.clients.evaluations.ConfirmPhase(
        epb.DecideProposalRequest(academy_id=a, proposal_id=proposal.proposal_id),
        metadata=w.trustee.metadata,
    )

    # Finance proposes; the four approvers agree; in force after the last.
    proposed = await s.ProposeBudget(
        spb.ProposeBudgetRequest(
            academy_id=a,
            academic_year=w.year,
            lines=lines_of({"consultancy": 500_000, "internal": 200_000}),
            reason="Attendance improvement",
        ),
        metadata=w.finance.metadata,
    )
    assert (proposed.exists, proposed.revision_in_force) == (True, 0)
    (revision,) = proposed.revisions
    assert (revision.revision, revision.pending, revision.in_force, revision.total_pence) == (
        1,
        True,
        False,
        700_000,
    )
    assert set(revision.approver_roles) == set(APPROVERS)
    assert set(revision.awaiting_roles) == set(APPROVERS)  # the proposal is no agreement
    awaiting = set(APPROVERS)
    for caller, role in zip((w.head_a, w.lead, w.ceo, w.finance), APPROVERS, strict=True):
        budget = await s.AgreeBudget(
            spb.AgreeBudgetRequest(academy_id=a, academic_year=w.year, revision=1),
            metadata=caller.metadata,
        )
        awaiting.discard(role)
        (revision,) = budget.revisions
        assert set(revision.awaiting_roles) == awaiting
        assert budget.revision_in_force == (0 if awaiting else 1)
    assert revision.in_force and not revision.pending
    assert {(x.subject, x.role) for x in revision.agreed_by} == {
        (f"head-a@{w.trust_id}", "headteacher"),
        (f"lead@{w.trust_id}", "improvement_lead"),
        (f"ceo@{w.trust_id}", "chief_executive"),
        (f"finance@{w.trust_id}", "finance"),
    }

    # Commissioned from the matched providers against the lines.
    ext_request = commission_request(
        w,
        a,
        external,
        "2.5",
        "consultancy",
        "attendance",
        request_id=request.request_id,
        commission_id=f"com-ext-{tag}",
    )
    ext = await s.CommissionSupport(ext_request, metadata=w.lead.metadata)
    assert (ext.days, ext.cost_pence, ext.status, ext.term, ext.academic_year) == (
        "2.50",
        162_625,
        "active",
        term_of(w.day),
        w.year,
    )
    assert (ext.budget_line, ext.from_entitlement, ext.commissioned_by, ext.request_id) == (
        "consultancy",
        False,
        f"lead@{w.trust_id}",
        request.request_id,
    )
    assert ext.provider_name == external.name
    # The same id with the same content: the first answer, nothing appended.
    before = await support_events(platform)
    again = await s.CommissionSupport(ext_request, metadata=w.lead.metadata)
    assert again.commission_id == ext.commission_id and again.cost_pence == ext.cost_pence
    assert await support_events(platform) == before

    inner = await s.CommissionSupport(
        commission_request(
            w, a, internal, "0.75", "internal", "attendance", request_id=request.request_id
        ),
        metadata=w.lead.metadata,
    )
    assert inner.cost_pence == 25_000  # 0.75 x £333.33 = £249.9975, to the penny
    got_request = await s.GetRequest(
        spb.GetRequestRequest(request_id=request.request_id), metadata=w.lead.metadata
    )
    assert set(got_request.commission_ids) == {ext.commission_id, inner.commission_id}
    booked = await s.GetProvider(
        spb.GetProviderRequest(provider_id=external.provider_id), metadata=w.ceo.metadata
    )
    (term,) = booked.terms
    assert (term.academic_year, term.term, term.booked_days, term.left_days) == (
        w.year,
        term_of(w.day),
        "2.50",
        "17.50",
    )

    # The providers log what they delivered.
    note = "Two days with the attendance team"
    delivered = await s.LogDelivery(
        spb.LogDeliveryRequest(
            commission_id=ext.commission_id,
            delivered_on=w.starts,
            days="2",
            note=note,
            delivery_id=f"del-{tag}",
        ),
        metadata=w.provider(external).metadata,
    )
    assert (delivered.delivered_days, delivered.delivered_pence, delivered.status) == (
        "2.00",
        130_100,
        "active",
    )
    (delivery,) = delivered.deliveries
    assert (delivery.days, delivery.value_pence, delivery.note, delivery.logged_by) == (
        "2.00",
        130_100,
        note,
        external.contact_subject,
    )
    inner_done = await s.LogDelivery(
        spb.LogDeliveryRequest(
            commission_id=inner.commission_id, delivered_on=w.starts, days="0.75"
        ),
        metadata=w.provider(internal).metadata,
    )
    assert (inner_done.delivered_days, inner_done.delivered_pence, inner_done.status) == (
        "0.75",
        25_000,
        "delivered",
    )

    # Finance records the invoices: one matching, one not (accepted, flagged).
    matching = await s.RecordInvoice(
        spb.RecordInvoiceRequest(
            provider_id=external.provider_id,
            invoice_number=f"INV-{tag}-1",
            commission_id=ext.commission_id,
            amount_pence=65_050,
            invoiced_on=w.starts,
            days_covered="1",
            invoice_id=f"inv-{tag}-1",
        ),
        metadata=w.finance.metadata,
    )
    assert (matching.expected_pence, matching.discrepancy_pence, matching.credited) == (
        65_050,
        0,
        False,
    )
    assert (matching.academy_id, matching.budget_line, matching.days_covered) == (
        a,
        "consultancy",
        "1.00",
    )
    dearer = await s.RecordInvoice(
        spb.RecordInvoiceRequest(
            provider_id=external.provider_id,
            invoice_number=f"INV-{tag}-2",
            commission_id=ext.commission_id,
            amount_pence=66_000,
            invoiced_on=w.starts,
            days_covered="1",
        ),
        metadata=w.finance.metadata,
    )
    assert (dearer.expected_pence, dearer.discrepancy_pence) == (65_050, 950)
    inner_invoice = await s.RecordInvoice(
        spb.RecordInvoiceRequest(
            provider_id=internal.provider_id,
            invoice_number=f"ASH-{tag}",
            commission_id=inner.commission_id,
            amount_pence=25_000,
            days_covered="0.75",
        ),
        metadata=w.finance.metadata,
    )
    assert (inner_invoice.expected_pence, inner_invoice.discrepancy_pence) == (25_000, 0)
    flagged = await s.ListInvoices(
        spb.ListInvoicesRequest(trust_id=w.trust_id, academy_id=a, discrepancies_only=True),
        metadata=w.finance.metadata,
    )
    assert [i.invoice_id for i in flagged.invoices] == [dearer.invoice_id]

    # A credit note reverses the dearer one in full.
    credited = await s.CreditInvoice(
        spb.CreditInvoiceRequest(
            invoice_id=dearer.invoice_id, credit_note_number=f"CN-{tag}", reason="Overcharged"
        ),
        metadata=w.finance.metadata,
    )
    assert (credited.credited, credited.credit_note_number, credited.amount_pence) == (
        True,
        f"CN-{tag}",
        66_000,
    )
    listed = await s.ListInvoices(
        spb.ListInvoicesRequest(trust_id=w.trust_id, provider_id=external.provider_id),
        metadata=w.finance.metadata,
    )
    assert {(i.invoice_number, i.credited) for i in listed.invoices} == {
        (f"INV-{tag}-1", False),
        (f"INV-{tag}-2", True),
    }

    # The commission as finance sees it (no delivery notes) and as the lead does.
    seen = await s.GetCommission(
        spb.GetCommissionRequest(commission_id=ext.commission_id), metadata=w.finance.metadata
    )
    assert (seen.delivered_pence, seen.invoiced_pence) == (130_100, 65_050)
    assert set(seen.invoice_ids) == {matching.invoice_id, dearer.invoice_id}
    assert [d.note for d in seen.deliveries] == [""]
    seen = await s.GetCommission(
        spb.GetCommissionRequest(commission_id=ext.commission_id), metadata=w.lead.metadata
    )
    assert [d.note for d in seen.deliveries] == [note]

    # The budget, exact to the penny, per line and per provider.
    budget = await s.GetBudget(
        spb.GetBudgetRequest(academy_id=a, academic_year=w.year), metadata=w.finance.metadata
    )
    lines = {line.line_id: line for line in budget.lines}
    assert set(lines) == {"consultancy", "internal"}
    assert lines["consultancy"].amount_pence == 500_000
    assert lines["consultancy"].over_commitment_approved_pence == 0
    #                                    budget   committed delivered invoiced remaining
    assert figures(lines["consultancy"].money) == (500_000, 162_625, 130_100, 65_050, 337_375)
    assert figures(lines["internal"].money) == (200_000, 25_000, 25_000, 25_000, 175_000)
    providers = {p.provider_id: p for p in budget.providers}
    assert set(providers) == {external.provider_id, internal.provider_id}
    assert providers[external.provider_id].provider_name == external.name
    assert figures(providers[external.provider_id].money)[:4] == (0, 162_625, 130_100, 65_050)
    assert figures(providers[internal.provider_id].money)[:4] == (0, 25_000, 25_000, 25_000)
    assert figures(budget.totals) == (700_000, 187_625, 155_100, 90_050, 512_375)
    assert figures(budget.entitlement) == (0, 0, 0, 0, 0)

    # Seed 000 requires a budget of a not-yet-good academy (support learns the phase).
    await eventually(
        lambda: s.GetBudget(
            spb.GetBudgetRequest(academy_id=a, academic_year=w.year), metadata=w.ceo.metadata
        ),
        accept=lambda b: b.required,
        timeout=60,
    )

    # The academy's timeline in reporting shows the commission.
    entries = await eventually(
        lambda: timeline(w.clients, w.ceo, a),
        accept=lambda es: sum(e.event_type == "support.SupportCommissioned" for e in es) == 2,
        timeout=60,
    )
    commissioned = [e for e in entries if e.event_type == "support.SupportCommissioned"]
    assert {e.source_service for e in commissioned} == {"support"}
    assert any(pounds(162_625) in e.summary for e in commissioned), [
        e.summary for e in commissioned
    ]

    # Per provider, budget and remaining are 0 (the proto): a provider has no budget.
    assert [p.money.remaining_pence for p in budget.providers] == [0, 0]


# -- refusals: a clear status and message, nothing appended ------------------------------


async def test_days_rate_and_dates_are_checked(platform, ready):
    w, rowan = ready, ready.state["rowan"]
    s = w.support

    def commission(days: str = "1", **changes: Any):
        return lambda: s.CommissionSupport(
            commission_request(w, w.b, rowan, days, "general", **changes),
            metadata=w.lead.metadata,
        )

    for days in ("0", "-1", "0.00", "1.234", "lots"):
        await refused(platform, commission(days), Code.INVALID_ARGUMENT, "days")
    await refused(platform, commission(day_rate_pence=0), Code.INVALID_ARGUMENT, "day_rate")
    await refused(platform, commission(day_rate_pence=-100), Code.INVALID_ARGUMENT, "day_rate")
    earlier = (w.day - dt.timedelta(days=1)).isoformat()
    await refused(platform, commission(ends_on=earlier), Code.INVALID_ARGUMENT, "ends_on")


async def test_an_unknown_provider_or_budget_line_is_not_found(platform, ready):
    w, rowan = ready, ready.state["rowan"]
    s = w.support
    await refused(
        platform,
        lambda: s.CommissionSupport(
            commission_request(w, w.b, rowan, "1", "general", provider_id="no-such-provider"),
            metadata=w.lead.metadata,
        ),
        Code.NOT_FOUND,
        "no-such-provider",
    )
    await refused(
        platform,
        lambda: s.CommissionSupport(
            commission_request(w, w.b, rowan, "1", "no-such-line"), metadata=w.lead.metadata
        ),
        Code.NOT_FOUND,
        "unknown budget line",
    )
    await refused(
        platform,
        lambda: s.CommissionSupport(
            commission_request(w, w.b, rowan, "1", ""), metadata=w.lead.metadata
        ),
        Code.INVALID_ARGUMENT,
        "budget_line",
    )


async def test_delivery_is_the_providers_own_and_never_beyond_the_days(platform, ready):
    w, rowan, sage = ready, ready.state["rowan"], ready.state["sage"]
    s = w.support
    commission = await s.CommissionSupport(
        commission_request(w, w.b, rowan, "2", "general"), metadata=w.lead.metadata
    )

    def deliver(days: str, who: spb.Provider):
        return lambda: s.LogDelivery(
            spb.LogDeliveryRequest(
                commission_id=commission.commission_id, delivered_on=w.starts, days=days
            ),
            metadata=w.provider(who, w.b).metadata,
        )

    await refused(platform, deliver("1", sage), Code.PERMISSION_DENIED, "not yours")
    done = await deliver("1.5", rowan)()
    assert (done.delivered_days, done.delivered_pence) == ("1.50", 60_000)
    await refused(platform, deliver("1", rowan), Code.FAILED_PRECONDITION, "1.50", "exceed")
    await refused(platform, deliver("0", rowan), Code.INVALID_ARGUMENT, "days")
    after = await s.GetCommission(
        spb.GetCommissionRequest(commission_id=commission.commission_id), metadata=w.lead.metadata
    )
    assert (after.delivered_days, after.status, len(after.deliveries)) == ("1.50", "active", 1)


async def test_an_invoice_number_is_recorded_once_per_provider(platform, ready):
    w, rowan = ready, ready.state["rowan"]
    s = w.support
    commission = await s.CommissionSupport(
        commission_request(w, w.b, rowan, "1", "general"), metadata=w.lead.metadata
    )
    await s.LogDelivery(
        spb.LogDeliveryRequest(
            commission_id=commission.commission_id, delivered_on=w.starts, days="1"
        ),
        metadata=w.provider(rowan, w.b).metadata,
    )
    number = f"INV-{uid()}"

    def invoice(invoice_id: str):
        return s.RecordInvoice(
            spb.RecordInvoiceRequest(
                provider_id=rowan.provider_id,
                invoice_number=number,
                commission_id=commission.commission_id,
                amount_pence=40_000,
                days_covered="1",
                invoice_id=invoice_id,
            ),
            metadata=w.finance.metadata,
        )

    first = await invoice(f"inv-{uid()}")
    assert first.discrepancy_pence == 0
    await refused(
        platform,
        lambda: invoice(f"inv-{uid()}"),
        Code.ALREADY_EXISTS,
        number,
        first.invoice_id,
    )
    listed = await s.ListInvoices(
        spb.ListInvoicesRequest(trust_id=w.trust_id, provider_id=rowan.provider_id),
        metadata=w.finance.metadata,
    )
    assert [i.invoice_id for i in listed.invoices if i.invoice_number == number] == [
        first.invoice_id
    ]


async def test_each_approver_agrees_once_and_only_approvers_agree(platform, ready):
    w = ready
    s = w.support
    adjusted = await s.AdjustBudget(
        spb.AdjustBudgetRequest(
            academy_id=w.b, academic_year=w.year, lines=lines_of(LINES_B), reason="Re-agreed"
        ),
        metadata=w.finance.metadata,
    )
    assert adjusted.revision_in_force == 1
    pending = max(adjusted.revisions, key=lambda r: r.revision)
    assert (pending.revision, pending.pending) == (2, True)

    def agree(caller: Caller):
        return lambda: s.AgreeBudget(
            spb.AgreeBudgetRequest(academy_id=w.b, academic_year=w.year, revision=2),
            metadata=caller.metadata,
        )

    await agree(w.head_b)()
    await refused(platform, agree(w.head_b), Code.FAILED_PRECONDITION, "already agreed")
    another_head = w.clients.caller(f"head-2@{w.trust_id}", Role.HEADTEACHER, w.trust_id, [w.b])
    await refused(platform, agree(another_head), Code.FAILED_PRECONDITION, "already agreed")
    for outsider in (
        w.trustee,
        w.clients.caller(f"chair@{w.trust_id}", Role.CHAIR_OF_LGB, w.trust_id, [w.b]),
    ):
        await refused(platform, agree(outsider), Code.PERMISSION_DENIED, "headteacher", "finance")
    budget = await s.GetBudget(
        spb.GetBudgetRequest(academy_id=w.b, academic_year=w.year), metadata=w.ceo.metadata
    )
    revision = max(budget.revisions, key=lambda r: r.revision)
    assert [(x.subject, x.role) for x in revision.agreed_by] == [
        (f"head-b@{w.trust_id}", "headteacher")
    ]
    assert set(revision.awaiting_roles) == {"improvement_lead", "chief_executive", "finance"}
    for caller in (w.lead, w.ceo, w.finance):
        budget = await agree(caller)()
    assert budget.revision_in_force == 2


async def test_over_commitment_is_refused_until_the_chief_executive_approves(platform, ready):
    w, rowan = ready, ready.state["rowan"]
    s = w.support

    async def small_line() -> spb.BudgetLineFigures:
        budget = await s.GetBudget(
            spb.GetBudgetRequest(academy_id=w.b, academic_year=w.year), metadata=w.finance.metadata
        )
        return next(line for line in budget.lines if line.line_id == "small")

    assert figures((await small_line()).money) == (50_000, 0, 0, 0, 50_000)
    await s.CommissionSupport(
        commission_request(w, w.b, rowan, "1", "small"), metadata=w.lead.metadata
    )  # £400.00 of £500.00
    half_day = commission_request(w, w.b, rowan, "0.5", "small")  # £200.00
    await refused(
        platform,
        lambda: s.CommissionSupport(half_day, metadata=w.lead.metadata),
        Code.FAILED_PRECONDITION,
        "£100.00",
        "£200.00",
    )
    assert figures((await small_line()).money) == (50_000, 40_000, 0, 0, 10_000)

    def approve(caller: Caller):
        return lambda: s.ApproveOverCommitment(
            spb.ApproveOverCommitmentRequest(
                academy_id=w.b,
                academic_year=w.year,
                budget_line="small",
                amount_pence=10_000,
                reason="Worth it",
                approval_id=f"ok-{uid()}",
            ),
            metadata=caller.metadata,
        )

    # Seed 000's over-commitment approver is the chief executive, no one else.
    await refused(platform, approve(w.lead), Code.PERMISSION_DENIED, "chief executive")
    await refused(platform, approve(w.finance), Code.PERMISSION_DENIED, "chief executive")
    approved = await approve(w.ceo)()
    line = next(line for line in approved.lines if line.line_id == "small")
    assert (line.amount_pence, line.over_commitment_approved_pence) == (50_000, 10_000)
    assert line.money.budget_pence == 60_000 and line.money.remaining_pence == 20_000

    fits = await s.CommissionSupport(half_day, metadata=w.lead.metadata)
    assert fits.cost_pence == 20_000
    assert figures((await small_line()).money) == (60_000, 60_000, 0, 0, 0)


async def test_a_declared_conflict_refuses_commissioning_for_that_academy(platform, ready):
    w = ready
    s = w.support
    hazel = await register_provider(w, "Hazel", "consultant", ["governance"], 50000, "10")
    declared = await s.DeclareConflict(
        spb.DeclareConflictRequest(
            provider_id=hazel.provider_id, academy_id=w.b, nature="Spouse is a governor"
        ),
        metadata=w.ceo.metadata,
    )
    assert [c.academy_id for c in declared.conflicts] == [w.b]
    await refused(
        platform,
        lambda: s.CommissionSupport(
            commission_request(w, w.b, hazel, "1", "general"), metadata=w.lead.metadata
        ),
        Code.FAILED_PRECONDITION,
        "conflict",
    )


async def test_expired_due_diligence_refuses_commissioning(platform, ready):
    w = ready
    s = w.support
    holly = await register_provider(
        w, "Holly", "consultant", ["governance"], 50000, "10", due_diligence=False
    )
    checked = await s.RecordDueDiligence(
        spb.RecordDueDiligenceRequest(
            provider_id=holly.provider_id,
            check="dbs",
            outcome="passed",
            checked_on=(w.day - dt.timedelta(days=400)).isoformat(),
            expires_on=(w.day - dt.timedelta(days=1)).isoformat(),
        ),
        metadata=w.finance.metadata,
    )
    assert not checked.due_diligence_valid
    await refused(
        platform,
        lambda: s.CommissionSupport(
            commission_request(w, w.b, holly, "1", "general"), metadata=w.lead.metadata
        ),
        Code.FAILED_PRECONDITION,
        "due diligence",
    )


async def test_no_commissioning_for_an_academy_that_has_left(platform, ready):
    """Last in the module: academy B leaves the trust."""
    w, rowan = ready, ready.state["rowan"]
    s = w.support
    await w.clients.academies.RecordAcademyLeft(
        apb.RecordAcademyLeftRequest(
            academy_id=w.b,
            date_left=(w.day - dt.timedelta(days=1)).isoformat(),
            reason="Moved to another trust",
        ),
        metadata=w.ceo.metadata,
    )

    async def refused_for_leaving() -> str:
        # Refused whatever support knows (an unknown line) until it knows the academy
        # left: then refused for that, which is checked first.
        try:
            await s.CommissionSupport(
                commission_request(w, w.b, rowan, "1", "no-such-line"), metadata=w.lead.metadata
            )
        except grpc.aio.AioRpcError as error:
            return f"{error.code().name} {error.details()}"
        raise AssertionError("a commission against an unknown line was accepted")

    before = await support_events(platform)
    await eventually(
        refused_for_leaving,
        accept=lambda said: said.startswith("FAILED_PRECONDITION") and "left" in said,
        timeout=60,
    )
    assert await support_events(platform) == before
    await refused(
        platform,
        lambda: s.CommissionSupport(
            commission_request(w, w.b, rowan, "1", "general"), metadata=w.lead.metadata
        ),
        Code.FAILED_PRECONDITION,
        "left",
    )

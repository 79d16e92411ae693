"""Reading commissions: one (with its deliveries, and their notes for those who
may read them) or a page of them. A provider reads only its own commissions,
whatever academies its token names; finance, trustees and chairs of governors
never read delivery notes."""

from __future__ import annotations

from chassis.aggregate import read
from chassis.auth import Principal
from chassis.errors import NotFound, PermissionDenied
from chassis.paging import PageRequest

from support.application.ports import COMMISSION, IndexQuery, IndexRow, Ports, index_key
from support.application.providers import own_provider_ids
from support.application.reach import allowed, is_provider, reach_of
from support.application.streams import BUDGET, PROVIDER
from support.application.views import CommissionView
from support.domain.budget import BudgetState
from support.entrypoints.access import NOTE_READERS


async def _notes(ports: Ports, principal: Principal, commission_id: str) -> dict[str, str] | None:
    """The delivery notes the caller may read: all of them for the chief executive
    and the academy's leads and head; a provider its own; nobody else any."""
    if principal.role not in NOTE_READERS:
        return None
    notes = await ports.notes.of_commission(commission_id)
    return {
        delivery_id: note.text
        for delivery_id, note in notes.items()
        if not is_provider(principal) or note.author_subject == principal.subject
    }


async def commission_view(
    ports: Ports, principal: Principal, budget: BudgetState, commission_id: str, brief: bool = False
) -> CommissionView:
    commission = budget.commission(commission_id)
    provider = (await read(ports.store, PROVIDER, commission.provider_id)).state
    name = provider.details.name if provider.details else commission.provider_id
    invoices = tuple(
        i for i in provider.invoices.values() if i.recorded.commission_id == commission_id
    )
    notes = None if brief else await _notes(ports, principal, commission_id)
    return CommissionView(commission, name, invoices, notes, brief)


async def located(ports: Ports, principal: Principal, rpc: str, commission_id: str) -> IndexRow:
    """The commission's row, if the caller reaches it: its academy, or for a
    provider, its own commission."""
    row = await ports.index.find(COMMISSION, commission_id)
    if row is None or row.academy_id is None:
        raise NotFound(f"there is no commission {commission_id}")
    rule = allowed(rpc, principal)
    if is_provider(principal):
        rule.require_trust(principal, row.trust_id)
        if row.provider_id not in await own_provider_ids(ports, principal):
            raise PermissionDenied(f"commission {commission_id} is not yours")
    else:
        rule.require_academy(principal, row.trust_id, row.academy_id)
    return row


async def get_commission(ports: Ports, principal: Principal, commission_id: str) -> CommissionView:
    row = await located(ports, principal, "GetCommission", commission_id)
    assert row.academy_id is not None and row.academic_year is not None
    budget = (await read(ports.store, BUDGET, row.academy_id, row.academic_year)).state
    return await commission_view(ports, principal, budget, commission_id)


async def list_commissions(
    ports: Ports,
    principal: Principal,
    trust_id: str,
    academy_id: str | None,
    provider_id: str | None,
    year: str | None,
    page: PageRequest,
) -> tuple[list[CommissionView], str]:
    rule = allowed("ListCommissions", principal)
    rule.require_trust(principal, trust_id)
    providers = None
    only = reach_of(principal)
    if is_provider(principal):
        providers, only = await own_provider_ids(ports, principal), None
    elif academy_id is not None:
        rule.require_academy(principal, trust_id, academy_id)
    query = IndexQuery(
        COMMISSION,
        trust_id,
        academy_id=academy_id,
        only=only,
        academic_year=year,
        provider_id=provider_id,
        providers=providers,
    )
    rows = await ports.index.page(query, page.after, page.fetch)
    shown, token = page.cut(rows, index_key)
    views = []
    for row in shown:
        assert row.academy_id is not None and row.academic_year is not None
        budget = (await read(ports.store, BUDGET, row.academy_id, row.academic_year)).state
        views.append(await commission_view(ports, principal, budget, row.entity_id, brief=True))
    return views, token

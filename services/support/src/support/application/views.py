"""What the use cases answer: the state as decided (or read), with what a reply
needs besides it (the trust, the provider's name, the invoices, the notes the
caller may read), and the budget's figures per line, per provider and in total.
Replies are built from these (entrypoints/convert/replies.py), never from a
request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from support.domain.budget import BudgetState, Commission, Line
from support.domain.entitlement import EntitlementState
from support.domain.matching import Match
from support.domain.provider import Invoice, ProviderState
from support.domain.request import RequestState


@dataclass(frozen=True)
class EntitlementView:
    trust_id: str
    state: EntitlementState
    as_of: dt.date
    brief: bool = False  # a list shows no changes or uses


@dataclass(frozen=True)
class RequestView:
    state: RequestState
    commission_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProviderView:
    state: ProviderState
    today: dt.date


@dataclass(frozen=True)
class InvoiceView:
    invoice: Invoice


@dataclass(frozen=True)
class CommissionView:
    commission: Commission
    provider_name: str
    invoices: tuple[Invoice, ...] = ()
    notes: Mapping[str, str] | None = None  # delivery id -> note; None: not for the caller
    brief: bool = False  # a list shows no deliveries

    @property
    def invoiced_pence(self) -> int:
        return sum(i.recorded.amount_pence for i in self.invoices if i.credited is None)


@dataclass(frozen=True)
class MatchesView:
    matches: tuple[Match, ...]
    today: dt.date


@dataclass(frozen=True)
class Money:
    """Budget, committed, delivered, invoiced; remaining = budget - committed where
    there is a budget (a line, the totals), 0 where there is none (a provider,
    support met from the entitlement)."""

    budget_pence: int = 0
    committed_pence: int = 0
    delivered_pence: int = 0
    invoiced_pence: int = 0
    budgeted: bool = True

    @property
    def remaining_pence(self) -> int:
        return self.budget_pence - self.committed_pence if self.budgeted else 0

    def __add__(self, other: Money) -> Money:
        return Money(
            self.budget_pence + other.budget_pence,
            self.committed_pence + other.committed_pence,
            self.delivered_pence + other.delivered_pence,
            self.invoiced_pence + other.invoiced_pence,
            self.budgeted and other.budgeted,
        )


@dataclass(frozen=True)
class LineFigures:
    line: Line
    over_commitment_pence: int
    money: Money


@dataclass(frozen=True)
class ProviderFigures:
    provider_id: str
    provider_name: str
    money: Money


@dataclass(frozen=True)
class BudgetView:
    trust_id: str
    state: BudgetState
    required: bool
    lines: tuple[LineFigures, ...] = ()
    providers: tuple[ProviderFigures, ...] = ()
    totals: Money = field(default_factory=Money)
    entitlement: Money = field(default_factory=lambda: Money(budgeted=False))
    brief: bool = False  # a list shows no revisions or providers


def _spent(commissions: Iterable[Commission], invoiced: Mapping[str, int]) -> Money:
    found = list(commissions)
    return Money(
        0,
        sum(c.committed_pence for c in found),
        sum(c.delivered_pence for c in found),
        sum(invoiced.get(c.commission_id, 0) for c in found),
        budgeted=False,
    )


def budget_view(
    trust_id: str,
    state: BudgetState,
    required: bool,
    invoices: Iterable[Invoice],
    names: Mapping[str, str],
    brief: bool = False,
) -> BudgetView:
    """The budget's figures: per line of the revision in force, per provider, in
    total, and for support met from the entitlement (no line)."""
    invoiced: dict[str, int] = {}
    for invoice in invoices:
        if invoice.credited is None:
            commission_id = invoice.recorded.commission_id
            invoiced[commission_id] = invoiced.get(commission_id, 0) + invoice.recorded.amount_pence
    revision = state.revision_in_force
    lines = []
    for line in revision.lines if revision else ():
        spent = _spent(state.on_line(line.line_id), invoiced)
        budget = state.line_budget(line.line_id)
        money = Money(budget, spent.committed_pence, spent.delivered_pence, spent.invoiced_pence)
        lines.append(LineFigures(line, state.over_committed(line.line_id), money))
    commissions = list(state.commissions.values())
    providers = tuple(
        ProviderFigures(
            provider_id,
            names.get(provider_id, provider_id),
            _spent((c for c in commissions if c.provider_id == provider_id), invoiced),
        )
        for provider_id in sorted({c.provider_id for c in commissions})
    )
    on_lines = Money()
    for figures in lines:
        on_lines += figures.money
    return BudgetView(
        trust_id,
        state,
        required,
        tuple(lines),
        providers,
        on_lines,
        _spent((c for c in commissions if c.from_entitlement), invoiced),
        brief,
    )

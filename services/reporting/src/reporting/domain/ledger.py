"""The support budget ledger of a trust's year: pure.

A fold of support's events (budgets, commissions, deliveries, invoices and
credit notes) with the names of academies and providers, into rows per
academy and budget line and per academy, line and provider, their totals, and
the reconciliation of what was commissioned, delivered and invoiced.

The figures are support's own (support/application/views.py), so the two
reconcile to the penny:

- a line's budget = its amount in the revision in force + the over-commitments
  approved for it; remaining = budget - committed. Provider rows and support met
  from the entitlement (its own row, with an empty budget line) have no budget:
  both are 0 there.
- committed = a commission's cost (as last varied); once cancelled, only the
  value delivered. delivered = the deliveries' values (days x the day rate).
  invoiced = the invoices not credited (a credit note reverses one in full).
- the totals are the sums of the line rows, the entitlement's row included
  (which adds to committed, delivered and invoiced, never to budget or remaining).

Discrepancies, one per finding: ``invoice_amount`` (an invoice, not credited,
whose amount is not the days it covers that were delivered and uninvoiced x the
rate), ``invoiced_beyond_delivered`` and ``delivered_not_invoiced`` (per
commission, in days, valued at its rate), ``over_committed`` (a line's committed
beyond its budget). Their difference is signed: over (+) or short (-).

The fold does not depend on the order of the feeds relative to one another:
support's events are applied in their global order, and a name is the last one
given.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from chassis.envelope import EventEnvelope
from contracts.money import cost, days, days_text, pounds

ZERO = Decimal("0.00")

# The events the ledger is folded from: support's money, and who is who.
NAME_EVENTS = frozenset(
    {
        "academies.AcademyRegistered",
        "academies.AcademyDetailsChanged",
        "support.ProviderRegistered",
        "support.ProviderUpdated",
    }
)
MONEY_EVENTS = frozenset(
    {
        "support.BudgetProposed",
        "support.BudgetAdjusted",
        "support.BudgetAgreed",
        "support.OverCommitmentApproved",
        "support.SupportCommissioned",
        "support.CommissionVaried",
        "support.CommissionCancelled",
        "support.SupportDelivered",
        "support.InvoiceRecorded",
        "support.InvoiceCredited",
    }
)
LEDGER_EVENTS = NAME_EVENTS | MONEY_EVENTS

INVOICE_AMOUNT = "invoice_amount"
INVOICED_BEYOND_DELIVERED = "invoiced_beyond_delivered"
DELIVERED_NOT_INVOICED = "delivered_not_invoiced"
OVER_COMMITTED = "over_committed"


# -- what the store keeps -------------------------------------------------------------


@dataclass(frozen=True)
class LedgerEvent:
    """One event the ledger is folded from, as stored."""

    event_id: uuid.UUID
    trust_id: str
    academy_id: str  # "" for a provider's details
    academic_year: str  # "" for names, which hold in every year
    event_type: str
    source_service: str
    global_position: int
    occurred_at: dt.datetime
    payload: Mapping[str, Any]


def ledger_event(envelope: EventEnvelope) -> LedgerEvent | None:
    """The event to keep for the ledger, or None if the ledger never reads it."""
    if envelope.event_type not in LEDGER_EVENTS:
        return None
    payload = envelope.payload
    return LedgerEvent(
        event_id=envelope.event_id,
        trust_id=str(payload.get("trust_id") or ""),
        academy_id=str(payload.get("academy_id") or ""),
        academic_year=str(payload.get("academic_year") or ""),
        event_type=envelope.event_type,
        source_service=envelope.source,
        global_position=envelope.global_position or 0,
        occurred_at=envelope.occurred_at,
        payload=payload,
    )


# -- what the ledger answers ----------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    budget_pence: int = 0
    committed_pence: int = 0
    delivered_pence: int = 0
    invoiced_pence: int = 0
    remaining_pence: int = 0
    committed_days: Decimal = ZERO
    delivered_days: Decimal = ZERO
    invoiced_days: Decimal = ZERO

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.budget_pence + other.budget_pence,
            self.committed_pence + other.committed_pence,
            self.delivered_pence + other.delivered_pence,
            self.invoiced_pence + other.invoiced_pence,
            self.remaining_pence + other.remaining_pence,
            self.committed_days + other.committed_days,
            self.delivered_days + other.delivered_days,
            self.invoiced_days + other.invoiced_days,
        )


@dataclass(frozen=True)
class LedgerRow:
    academy_id: str
    academy_name: str
    budget_line: str  # "": support met from the entitlement
    budget_line_name: str
    provider_id: str  # "": the line as a whole
    provider_name: str
    figures: Figures


@dataclass(frozen=True)
class Discrepancy:
    kind: str
    academy_id: str
    provider_id: str
    commission_id: str
    invoice_id: str
    invoice_number: str
    difference_pence: int
    detail: str


@dataclass(frozen=True)
class Ledger:
    trust_id: str
    academic_year: str
    lines: tuple[LedgerRow, ...]
    providers: tuple[LedgerRow, ...]
    totals: Figures
    discrepancies: tuple[Discrepancy, ...]


# -- the fold -------------------------------------------------------------------------


@dataclass
class _Commission:
    commission_id: str
    academy_id: str
    provider_id: str
    budget_line: str
    rate: int
    days: Decimal
    cost_pence: int
    cancelled: bool = False
    delivered_days: Decimal = ZERO
    delivered_pence: int = 0

    @property
    def committed_pence(self) -> int:
        return self.delivered_pence if self.cancelled else self.cost_pence

    @property
    def committed_days(self) -> Decimal:
        return self.delivered_days if self.cancelled else self.days


@dataclass
class _Invoice:
    invoice_id: str
    invoice_number: str
    academy_id: str
    provider_id: str
    commission_id: str
    budget_line: str
    amount_pence: int
    days: Decimal
    expected_pence: int
    discrepancy_pence: int
    credited: bool = False


@dataclass
class _Budget:
    revisions: dict[int, list[tuple[str, str, int]]] = field(default_factory=dict)
    in_force: int = 0
    over: dict[str, int] = field(default_factory=dict)

    @property
    def lines(self) -> list[tuple[str, str, int]]:
        return self.revisions.get(self.in_force, []) if self.in_force else []

    def budget(self, line_id: str) -> int:
        amount = next((a for i, _n, a in self.lines if i == line_id), 0)
        return amount + self.over.get(line_id, 0)


@dataclass
class _Fold:
    academies: dict[str, str] = field(default_factory=dict)
    providers: dict[str, str] = field(default_factory=dict)
    budgets: dict[str, _Budget] = field(default_factory=dict)
    commissions: dict[str, _Commission] = field(default_factory=dict)
    invoices: dict[str, _Invoice] = field(default_factory=dict)
    credited: set[str] = field(default_factory=set)

    def apply(self, event: LedgerEvent) -> None:
        p = event.payload
        match event.event_type:
            case "academies.AcademyRegistered" | "academies.AcademyDetailsChanged":
                if p.get("name"):
                    self.academies[p["academy_id"]] = p["name"]
            case "support.ProviderRegistered" | "support.ProviderUpdated":
                self.providers[p["provider_id"]] = p["name"]
            case "support.BudgetProposed" | "support.BudgetAdjusted":
                lines = [(x["line_id"], x["name"], int(x["amount_pence"])) for x in p["lines"]]
                self._budget(p).revisions[int(p["revision"])] = lines
            case "support.BudgetAgreed":
                if p["in_force"]:
                    self._budget(p).in_force = int(p["revision"])
            case "support.OverCommitmentApproved":
                over = self._budget(p).over
                over[p["budget_line"]] = over.get(p["budget_line"], 0) + int(p["amount_pence"])
            case "support.SupportCommissioned":
                self.commissions[p["commission_id"]] = _Commission(
                    p["commission_id"],
                    p["academy_id"],
                    p["provider_id"],
                    "" if p["from_entitlement"] else p.get("budget_line") or "",
                    int(p["day_rate_pence"]),
                    days(p["days"]),
                    int(p["cost_pence"]),
                )
            case "support.CommissionVaried":
                if (commission := self.commissions.get(p["commission_id"])) is not None:
                    commission.days = days(p["days"])
                    commission.cost_pence = int(p["cost_pence"])
            case "support.CommissionCancelled":
                if (commission := self.commissions.get(p["commission_id"])) is not None:
                    commission.cancelled = True
            case "support.SupportDelivered":
                if (commission := self.commissions.get(p["commission_id"])) is not None:
                    commission.delivered_days += days(p["days"])
                    commission.delivered_pence += int(p["value_pence"])
            case "support.InvoiceRecorded":
                self.invoices[p["invoice_id"]] = _Invoice(
                    p["invoice_id"],
                    p["invoice_number"],
                    p["academy_id"],
                    p["provider_id"],
                    p["commission_id"],
                    p.get("budget_line") or "",
                    int(p["amount_pence"]),
                    days(p["days_covered"]),
                    int(p["expected_pence"]),
                    int(p["discrepancy_pence"]),
                )
            case "support.InvoiceCredited":
                self.credited.add(p["invoice_id"])

    def _budget(self, payload: Mapping[str, Any]) -> _Budget:
        return self.budgets.setdefault(payload["academy_id"], _Budget())

    def live_invoices(self) -> list[_Invoice]:
        return [i for i in self.invoices.values() if i.invoice_id not in self.credited]

    def line_of(self, invoice: _Invoice) -> str:
        commission = self.commissions.get(invoice.commission_id)
        return commission.budget_line if commission is not None else invoice.budget_line


_Key = tuple[str, str, str]  # academy, budget line, provider


def _order(event: LedgerEvent) -> tuple[str, int, dt.datetime]:
    return event.source_service, event.global_position, event.occurred_at


def fold_ledger(
    trust_id: str,
    academic_year: str,
    events: Iterable[LedgerEvent],
    academies: Collection[str] | None = None,
) -> Ledger:
    """The trust's ledger for the year from its events (names from any year);
    only the ``academies`` given, or every one when None."""
    fold = _Fold()
    for event in sorted(events, key=_order):
        if event.trust_id != trust_id:
            continue
        if event.event_type in MONEY_EVENTS and (
            event.academic_year != academic_year
            or (academies is not None and event.academy_id not in academies)
        ):
            continue
        fold.apply(event)
    return _ledger(trust_id, academic_year, fold)


def _ledger(trust_id: str, academic_year: str, fold: _Fold) -> Ledger:
    spent: dict[_Key, Figures] = {}

    def add(key: _Key, figures: Figures) -> None:
        spent[key] = spent.get(key, Figures()) + figures

    for c in fold.commissions.values():
        add(
            (c.academy_id, c.budget_line, c.provider_id),
            Figures(
                committed_pence=c.committed_pence,
                delivered_pence=c.delivered_pence,
                committed_days=c.committed_days,
                delivered_days=c.delivered_days,
            ),
        )
    for i in fold.live_invoices():
        add(
            (i.academy_id, fold.line_of(i), i.provider_id),
            Figures(invoiced_pence=i.amount_pence, invoiced_days=i.days),
        )

    academy_name = fold.academies.get
    academy_ids = sorted(
        {a for a, _l, _p in spent} | set(fold.budgets),
        key=lambda a: (academy_name(a, a), a),
    )
    lines: list[LedgerRow] = []
    providers: list[LedgerRow] = []
    for academy_id in academy_ids:
        budget = fold.budgets.get(academy_id, _Budget())
        names = {line_id: name for line_id, name, _a in budget.lines}
        on_lines = [line_id for line_id, _n, _a in budget.lines]
        used = sorted({line for a, line, _p in spent if a == academy_id and line})
        on_lines += [line for line in used if line not in names]
        if any(a == academy_id and not line for a, line, _p in spent):
            on_lines.append("")  # the entitlement's row, last
        name = academy_name(academy_id, academy_id)
        for line_id in on_lines:
            here = sorted(
                (p for a, line, p in spent if a == academy_id and line == line_id),
                key=lambda p: (fold.providers.get(p, p), p),
            )
            total = Figures()
            line_name = names.get(line_id, line_id) if line_id else "Entitlement"
            for provider_id in here:
                figures = spent[(academy_id, line_id, provider_id)]
                total += figures
                providers.append(
                    LedgerRow(
                        academy_id,
                        name,
                        line_id,
                        line_name,
                        provider_id,
                        fold.providers.get(provider_id, provider_id),
                        figures,
                    )
                )
            if line_id:
                budgeted = budget.budget(line_id)
                total = Figures(
                    budgeted,
                    total.committed_pence,
                    total.delivered_pence,
                    total.invoiced_pence,
                    budgeted - total.committed_pence,
                    total.committed_days,
                    total.delivered_days,
                    total.invoiced_days,
                )
            lines.append(LedgerRow(academy_id, name, line_id, line_name, "", "", total))
    totals = Figures()
    for row in lines:
        totals += row.figures
    return Ledger(
        trust_id, academic_year, tuple(lines), tuple(providers), totals, _discrepancies(fold, lines)
    )


# -- the reconciliation ---------------------------------------------------------------


def _discrepancies(fold: _Fold, lines: list[LedgerRow]) -> tuple[Discrepancy, ...]:
    found: list[Discrepancy] = []
    provider = fold.providers.get
    academy = fold.academies.get
    for i in sorted(fold.live_invoices(), key=lambda i: (i.academy_id, i.invoice_number)):
        if i.discrepancy_pence:
            gap = i.discrepancy_pence
            found.append(
                Discrepancy(
                    INVOICE_AMOUNT,
                    i.academy_id,
                    i.provider_id,
                    i.commission_id,
                    i.invoice_id,
                    i.invoice_number,
                    gap,
                    f"Invoice {i.invoice_number} from {provider(i.provider_id, i.provider_id)} "
                    f"for {academy(i.academy_id, i.academy_id)}: {pounds(i.amount_pence)} for "
                    f"{days_text(i.days)} days where {pounds(i.expected_pence)} was expected, "
                    f"{pounds(abs(gap))} {'over' if gap > 0 else 'short'}",
                )
            )
    invoiced_days: dict[str, Decimal] = {}
    for i in fold.live_invoices():
        invoiced_days[i.commission_id] = invoiced_days.get(i.commission_id, ZERO) + i.days
    for c in sorted(fold.commissions.values(), key=lambda c: (c.academy_id, c.commission_id)):
        billed = invoiced_days.get(c.commission_id, ZERO)
        who = (
            f"Commission {c.commission_id} ({provider(c.provider_id, c.provider_id)} for "
            f"{academy(c.academy_id, c.academy_id)})"
        )
        if billed > c.delivered_days:
            beyond = billed - c.delivered_days
            found.append(
                Discrepancy(
                    INVOICED_BEYOND_DELIVERED,
                    c.academy_id,
                    c.provider_id,
                    c.commission_id,
                    "",
                    "",
                    cost(beyond, c.rate),
                    f"{who}: {days_text(billed)} days invoiced but {days_text(c.delivered_days)} "
                    f"delivered; {days_text(beyond)} days ({pounds(cost(beyond, c.rate))}) "
                    "invoiced beyond what was delivered",
                )
            )
        elif c.delivered_days > billed:
            owed = c.delivered_days - billed
            found.append(
                Discrepancy(
                    DELIVERED_NOT_INVOICED,
                    c.academy_id,
                    c.provider_id,
                    c.commission_id,
                    "",
                    "",
                    -cost(owed, c.rate),
                    f"{who}: {days_text(c.delivered_days)} days delivered but "
                    f"{days_text(billed)} invoiced; {days_text(owed)} days "
                    f"({pounds(cost(owed, c.rate))}) not yet invoiced",
                )
            )
    for row in lines:
        over = row.figures.committed_pence - row.figures.budget_pence
        if row.budget_line and over > 0:
            found.append(
                Discrepancy(
                    OVER_COMMITTED,
                    row.academy_id,
                    "",
                    "",
                    "",
                    "",
                    over,
                    f"Line {row.budget_line_name} of {row.academy_name}: "
                    f"{pounds(row.figures.committed_pence)} committed against a budget of "
                    f"{pounds(row.figures.budget_pence)}, {pounds(over)} over",
                )
            )
    return tuple(found)


def spend_by_academy(
    trust_id: str, academic_year: str, events: Iterable[LedgerEvent]
) -> dict[str, Figures]:
    """Each academy's money: the sums of its line rows in fold_ledger's ledger of
    the year (days aside), folded the same way without the names, provider rows
    and reconciliation the board's report does not show. An academy with no
    row has none."""
    fold = _Fold()
    for event in sorted(events, key=_order):
        if (
            event.trust_id == trust_id
            and event.event_type in MONEY_EVENTS
            and event.academic_year == academic_year
        ):
            fold.apply(event)
    # academy -> budget line -> committed, delivered, invoiced (all providers)
    spent: dict[str, dict[str, list[int]]] = {}
    for c in fold.commissions.values():
        figures = spent.setdefault(c.academy_id, {}).setdefault(c.budget_line, [0, 0, 0])
        figures[0] += c.committed_pence
        figures[1] += c.delivered_pence
    for i in fold.live_invoices():
        line = fold.line_of(i)
        spent.setdefault(i.academy_id, {}).setdefault(line, [0, 0, 0])[2] += i.amount_pence
    found: dict[str, Figures] = {}
    for academy_id in spent.keys() | fold.budgets.keys():
        budget = fold.budgets.get(academy_id, _Budget())
        lines = spent.get(academy_id, {})
        # The ledger's rows of the academy: the lines of the budget in force,
        # then lines spent on outside it, then the entitlement's ("").
        on_lines = [line_id for line_id, _n, _a in budget.lines]
        named = set(on_lines)
        on_lines += sorted(line for line in lines if line and line not in named)
        if "" in lines:
            on_lines.append("")
        budget_pence = committed = delivered = invoiced = 0
        for line_id in on_lines:
            if line_id:
                budget_pence += budget.budget(line_id)
            on_line = lines.get(line_id, (0, 0, 0))
            committed += on_line[0]
            delivered += on_line[1]
            invoiced += on_line[2]
        found[academy_id] = Figures(
            budget_pence, committed, delivered, invoiced, budget_pence - committed
        )
    return found

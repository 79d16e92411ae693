"""Commissioning, varying, cancelling and delivering support: decisions over the
academy's budget stream (the account) and the provider's stream (its capacity),
each returning the events for both, or refusing with nothing appended.

The refusals of a commission come in the design's order: the academy left the
trust before it starts; the provider unknown or another trust's; days, rate,
dates, need area; the request it answers (unknown, another academy's, declined);
the provider's conflict, due diligence, capacity in the term of starts_on; then
the entitlement's days left (``from_entitlement``) or the budget line's money.

Where the design is silent: a commission met from the entitlement names no
budget line (naming one is refused, so finance never sees it on a line); a
variation that adds days checks the provider's capacity and the entitlement or
the line on the difference only (the conflict and due diligence were checked
when it was commissioned); a delivery may be logged after ``ends_on`` (late
visits happen) but never before ``starts_on`` nor in the future.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from chassis.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from contracts.base import EventPayload
from contracts.support.v1 import (
    CommissionCancelled,
    CommissionVaried,
    ProviderCapacityBooked,
    ProviderCapacityReleased,
    SupportCommissioned,
    SupportDelivered,
)
from trust_frameworks.model import BudgetRules

from support.domain.budget import BudgetState, Commission, require_affordable
from support.domain.entitlement import EntitlementState
from support.domain.provider import Details, ProviderState, require_commissionable, require_of_trust
from support.domain.request import RequestState
from support.domain.values import (
    academic_year_of,
    cost,
    days_text,
    require_days,
    require_need_area,
    require_pence,
    require_text,
    term_of,
)

Decision = tuple[list[EventPayload], list[EventPayload]]  # (budget, provider)


@dataclass(frozen=True)
class CommissionSupport:
    commission_id: str
    academy_id: str
    request_id: str | None
    need_area: str
    subject: str | None
    provider_id: str
    days: Decimal
    day_rate_pence: int
    budget_line: str | None
    from_entitlement: bool
    starts_on: dt.date
    ends_on: dt.date


@dataclass(frozen=True)
class Situation:
    """What a decision on a commission knows besides the two streams."""

    trust_id: str
    rules: BudgetRules
    academy_left_on: dt.date | None = None
    request: RequestState | None = None  # loaded when the command names one
    entitlement: EntitlementState | None = None  # loaded for support from the entitlement


def _same(kept: SupportCommissioned, command: CommissionSupport) -> bool:
    return (
        kept.academy_id,
        kept.request_id,
        kept.need_area,
        kept.subject,
        kept.provider_id,
        Decimal(kept.days),
        kept.day_rate_pence,
        kept.budget_line,
        kept.from_entitlement,
        kept.starts_on,
        kept.ends_on,
    ) == (
        command.academy_id,
        command.request_id,
        command.need_area.strip(),
        command.subject,
        command.provider_id,
        command.days,
        command.day_rate_pence,
        command.budget_line,
        command.from_entitlement,
        command.starts_on,
        command.ends_on,
    )


def _require_values(command: CommissionSupport) -> str:
    require_days(command.days, "days")
    require_pence(command.day_rate_pence, "day_rate_pence", positive=True)
    if command.ends_on < command.starts_on:
        raise InvalidArgument(f"ends_on {command.ends_on} is before starts_on {command.starts_on}")
    year = academic_year_of(command.starts_on)
    if academic_year_of(command.ends_on) != year:
        raise InvalidArgument(
            f"ends_on {command.ends_on} is in another academic year than starts_on "
            f"({year}): commission each year's support separately"
        )
    require_need_area(command.need_area)
    if command.from_entitlement and command.budget_line:
        raise InvalidArgument(
            "budget_line must be empty when from_entitlement: support met from the "
            "entitlement is not charged to a line"
        )
    return year


def _require_request(situation: Situation, command: CommissionSupport) -> None:
    if command.request_id is None:
        return
    request = situation.request
    if request is None or request.requested is None:
        raise NotFound(f"there is no request {command.request_id}")
    if request.academy_id != command.academy_id:
        raise FailedPrecondition(
            f"request {command.request_id} is {request.academy_id}'s, not {command.academy_id}'s"
        )
    if request.status == "declined":
        raise FailedPrecondition(
            f"request {command.request_id} was declined; it cannot be commissioned against"
        )


def _require_entitlement_days(
    budget: BudgetState, situation: Situation, on: dt.date, wanted: Decimal, but: str = ""
) -> None:
    entitlement = situation.entitlement
    if entitlement is None or not entitlement.granted:
        raise FailedPrecondition(
            f"no entitlement is granted to {budget.academy_id} for {budget.academic_year} yet: "
            "support grants it once it knows the academy and its trust's framework, or a "
            "meeting is held in that year; commission against a budget line meanwhile"
        )
    remaining = entitlement.remaining_on(on)
    pending = budget.entitlement_days_undelivered(but=but)
    available = remaining - pending
    if wanted > available:
        raise FailedPrecondition(
            f"{budget.academy_id} has {days_text(available)} days of its {budget.academic_year} "
            f"entitlement left as of {on} ({days_text(remaining)} remaining, "
            f"{days_text(pending)} commissioned and not yet delivered); "
            f"{days_text(wanted)} would exceed it"
        )


def decide_commission(
    budget: BudgetState, provider: ProviderState, command: CommissionSupport, situation: Situation
) -> Decision:
    kept = budget.commissions.get(command.commission_id)
    if kept is not None:
        if _same(kept.commissioned, command):
            return [], []  # a retried call
        raise AlreadyExists(f"commission {command.commission_id} already exists")
    left_on = situation.academy_left_on
    if left_on is not None and left_on < command.starts_on:
        raise FailedPrecondition(
            f"{command.academy_id} left the trust on {left_on}; support cannot start on "
            f"{command.starts_on}"
        )
    require_of_trust(provider, situation.trust_id)
    year = _require_values(command)
    _require_request(situation, command)
    term = term_of(command.starts_on)
    require_commissionable(
        provider, command.academy_id, command.starts_on, year, term, command.days
    )
    total = cost(command.days, command.day_rate_pence)
    if command.from_entitlement:
        _require_entitlement_days(budget, situation, command.starts_on, command.days)
    elif not command.budget_line:
        raise InvalidArgument("budget_line is required unless from_entitlement")
    else:
        require_affordable(budget, situation.rules, command.budget_line, total)
    commissioned = SupportCommissioned(
        trust_id=situation.trust_id,
        commission_id=command.commission_id,
        academy_id=command.academy_id,
        academic_year=year,
        request_id=command.request_id,
        need_area=command.need_area.strip(),
        subject=command.subject,
        provider_id=command.provider_id,
        days=days_text(command.days),
        day_rate_pence=command.day_rate_pence,
        cost_pence=total,
        budget_line=None if command.from_entitlement else command.budget_line,
        from_entitlement=command.from_entitlement,
        starts_on=command.starts_on,
        ends_on=command.ends_on,
        term=term,
    )
    booked = ProviderCapacityBooked(
        trust_id=situation.trust_id,
        provider_id=command.provider_id,
        commission_id=command.commission_id,
        academy_id=command.academy_id,
        academic_year=year,
        term=term,
        days=days_text(command.days),
    )
    return [commissioned], [booked]


def _require_active(commission: Commission, doing: str) -> None:
    if not commission.active:
        raise FailedPrecondition(
            f"commission {commission.commission_id} is {commission.status}: it cannot be {doing}"
        )


def _capacity(commission: Commission, change: Decimal) -> EventPayload:
    c = commission.commissioned
    fields = dict(
        trust_id=c.trust_id,
        provider_id=c.provider_id,
        commission_id=c.commission_id,
        academy_id=c.academy_id,
        academic_year=c.academic_year,
        term=c.term,
        days=days_text(abs(change)),
    )
    return ProviderCapacityBooked(**fields) if change > 0 else ProviderCapacityReleased(**fields)


def decide_vary(
    budget: BudgetState,
    provider: ProviderState,
    commission_id: str,
    new_days: Decimal,
    reason: str,
    situation: Situation,
) -> Decision:
    commission = budget.commission(commission_id)
    if new_days == commission.days:
        return [], []  # nothing to change (or a retried call)
    _require_active(commission, "varied")
    require_days(new_days, "days")
    why = require_text(reason, "reason")
    delivered = commission.delivered_days
    if new_days < delivered:
        raise FailedPrecondition(
            f"{days_text(delivered)} days of commission {commission_id} are already delivered; "
            "its days cannot go below that"
        )
    change = new_days - commission.days
    new_cost = cost(new_days, commission.rate)
    c = commission.commissioned
    if change > 0:
        details = provider.known()
        left = provider.left_in(c.academic_year, c.term)
        if left < change:
            raise FailedPrecondition(
                f"{details.name} has {days_text(left)} days left in {c.term} {c.academic_year}; "
                f"{days_text(change)} more would exceed it"
            )
        if commission.from_entitlement:
            _require_entitlement_days(
                budget, situation, c.starts_on, new_days - delivered, but=commission_id
            )
        else:
            assert commission.budget_line is not None
            extra = new_cost - commission.cost_pence
            require_affordable(budget, situation.rules, commission.budget_line, extra)
    varied = CommissionVaried(
        trust_id=c.trust_id,
        commission_id=commission_id,
        academy_id=c.academy_id,
        academic_year=c.academic_year,
        provider_id=c.provider_id,
        previous_days=days_text(commission.days),
        days=days_text(new_days),
        cost_pence=new_cost,
        reason=why,
    )
    return [varied], [_capacity(commission, change)]


def decide_cancel(budget: BudgetState, commission_id: str, reason: str) -> Decision:
    """The days not delivered go back to the line and to the provider."""
    commission = budget.commission(commission_id)
    _require_active(commission, "cancelled")
    why = require_text(reason, "reason")
    released = commission.days - commission.delivered_days
    c = commission.commissioned
    cancelled = CommissionCancelled(
        trust_id=c.trust_id,
        commission_id=commission_id,
        academy_id=c.academy_id,
        academic_year=c.academic_year,
        provider_id=c.provider_id,
        released_days=days_text(released),
        released_pence=max(0, commission.cost_pence - commission.delivered_pence),
        reason=why,
    )
    return [cancelled], [_capacity(commission, -released)] if released > 0 else []


def require_own(details: Details, subject: str, commission_id: str) -> None:
    """A provider logs delivery only on its own commissions."""
    if details.contact_subject != subject:
        raise PermissionDenied(f"commission {commission_id} is not yours")


@dataclass(frozen=True)
class LogDelivery:
    commission_id: str
    delivery_id: str
    delivered_on: dt.date
    days: Decimal
    has_note: bool


def _delivered_value(commission: Commission, more: Decimal) -> int:
    """What ``more`` days delivered are worth: rounded on the running total, not
    on each delivery, so the deliveries add up to the cost of the days delivered
    (two half days at 1p are 1p, not 1p each) and a commission fully delivered
    is worth exactly its cost, never more."""
    delivered = commission.delivered_days
    return cost(delivered + more, commission.rate) - cost(delivered, commission.rate)


def decide_delivery(
    budget: BudgetState, command: LogDelivery, today: dt.date
) -> list[EventPayload]:
    commission = budget.commission(command.commission_id)
    found = budget.delivery(command.delivery_id)
    if found is not None:
        on, delivery = found
        if (on.commission_id, delivery.delivered_on, delivery.days, delivery.has_note) == (
            command.commission_id,
            command.delivered_on,
            command.days,
            command.has_note,
        ):
            return []  # a retried call
        raise AlreadyExists(f"delivery {command.delivery_id} already exists")
    if commission.cancelled is not None:
        raise FailedPrecondition(
            f"commission {command.commission_id} was cancelled "
            f"({commission.cancelled.reason}): nothing more is delivered on it"
        )
    require_days(command.days, "days")
    c = commission.commissioned
    if command.delivered_on > today:
        raise InvalidArgument(
            f"delivered_on {command.delivered_on} is in the future; log a delivery once made"
        )
    if command.delivered_on < c.starts_on:
        raise InvalidArgument(
            f"delivered_on {command.delivered_on} is before the commission starts ({c.starts_on})"
        )
    delivered = commission.delivered_days
    if delivered + command.days > commission.days:
        raise FailedPrecondition(
            f"commission {command.commission_id} is for {days_text(commission.days)} days; "
            f"{days_text(delivered)} of {days_text(commission.days)} days delivered; "
            f"{days_text(command.days)} more would exceed it: vary the commission first"
        )
    return [
        SupportDelivered(
            trust_id=c.trust_id,
            delivery_id=command.delivery_id,
            commission_id=command.commission_id,
            academy_id=c.academy_id,
            academic_year=c.academic_year,
            provider_id=c.provider_id,
            delivered_on=command.delivered_on,
            days=days_text(command.days),
            value_pence=_delivered_value(commission, command.days),
            has_note=command.has_note,
        )
    ]

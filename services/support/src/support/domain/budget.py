"""An academy's improvement budget for a year (stream ``budget-<academy>+<year>``):
an account, as in Eventide. Its revisions and their agreement, the approved
over-commitments, and the commissions of the academy's year with their
deliveries all live in this one stream, so a line's remaining amount is decided
against one version of it (the decisions on commissions are ``commission.py``).

- Its revisions are proposed, adjusted and agreed by the framework's approver
  roles (the decisions are ``approvals.py``); the latest fully agreed is in force.
- A line's budget = its amount in the revision in force + the over-commitments
  approved for it; committed = the cost of its commissions (a cancelled one: the
  value delivered); remaining = budget - committed.
- Beyond a line's remaining amount, a commission is refused unless the
  framework allows it with a warning (then remaining goes negative), naming the
  money as people read it and who may approve an over-commitment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from chassis.aggregate import Recorded
from chassis.envelope import Actor
from chassis.errors import (
    FailedPrecondition,
    NotFound,
)
from contracts.support.v1 import (
    Approver,
    BudgetAdjusted,
    BudgetAgreed,
    BudgetProposed,
    CommissionCancelled,
    CommissionVaried,
    OverCommitmentApproved,
    SupportCommissioned,
    SupportDelivered,
)
from trust_frameworks.model import BudgetRules

from support.domain.values import ZERO, pounds


def role_name(role: str) -> str:
    """'chief_executive' -> 'chief executive', for messages."""
    return role.replace("_", " ")


def roles_text(roles: tuple[str, ...] | list[str]) -> str:
    return ", ".join(role_name(r) for r in roles)


@dataclass(frozen=True)
class Line:
    line_id: str
    name: str
    amount_pence: int


@dataclass(frozen=True)
class Revision:
    number: int
    lines: tuple[Line, ...]
    approver_roles: tuple[str, ...]
    reason: str
    proposed_by: Actor | None = None
    agreed: tuple[Approver, ...] = ()

    @property
    def total_pence(self) -> int:
        return sum(line.amount_pence for line in self.lines)

    @property
    def awaiting(self) -> tuple[str, ...]:
        done = {a.role for a in self.agreed}
        return tuple(r for r in self.approver_roles if r not in done)

    @property
    def complete(self) -> bool:
        return not self.awaiting

    def line(self, line_id: str) -> Line | None:
        return next((line for line in self.lines if line.line_id == line_id), None)


@dataclass(frozen=True)
class Delivery:
    delivery_id: str
    delivered_on: dt.date
    days: Decimal
    value_pence: int
    has_note: bool
    logged_by: Actor | None = None


@dataclass(frozen=True)
class Commission:
    """A commission of the academy's year, as its events made it."""

    commissioned: SupportCommissioned
    days: Decimal
    cost_pence: int
    commissioned_by: Actor | None = None
    deliveries: tuple[Delivery, ...] = ()
    cancelled: CommissionCancelled | None = None

    @property
    def commission_id(self) -> str:
        return self.commissioned.commission_id

    @property
    def provider_id(self) -> str:
        return self.commissioned.provider_id

    @property
    def rate(self) -> int:
        return self.commissioned.day_rate_pence

    @property
    def budget_line(self) -> str | None:
        return self.commissioned.budget_line

    @property
    def from_entitlement(self) -> bool:
        return self.commissioned.from_entitlement

    @property
    def delivered_days(self) -> Decimal:
        return sum((d.days for d in self.deliveries), ZERO)

    @property
    def delivered_pence(self) -> int:
        return sum(d.value_pence for d in self.deliveries)

    @property
    def status(self) -> str:
        if self.cancelled is not None:
            return "cancelled"
        return "delivered" if self.delivered_days >= self.days else "active"

    @property
    def active(self) -> bool:
        return self.status == "active"

    @property
    def committed_pence(self) -> int:
        """Its cost; once cancelled, only what was delivered."""
        return self.delivered_pence if self.cancelled is not None else self.cost_pence

    @property
    def undelivered_days(self) -> Decimal:
        return ZERO if self.cancelled is not None else self.days - self.delivered_days

    def delivery(self, delivery_id: str) -> Delivery | None:
        return next((d for d in self.deliveries if d.delivery_id == delivery_id), None)


@dataclass(frozen=True)
class OverCommitment:
    approval_id: str
    budget_line: str
    amount_pence: int
    reason: str
    approver: Approver


@dataclass(frozen=True)
class BudgetState:
    academy_id: str
    academic_year: str
    trust_id: str = ""
    revisions: tuple[Revision, ...] = ()
    in_force: int = 0  # the revision in force; 0: none agreed yet
    over_commitments: tuple[OverCommitment, ...] = ()
    commissions: Mapping[str, Commission] = field(default_factory=dict)

    @property
    def exists(self) -> bool:
        return bool(self.revisions)

    def revision(self, number: int) -> Revision | None:
        return next((r for r in self.revisions if r.number == number), None)

    @property
    def revision_in_force(self) -> Revision | None:
        return self.revision(self.in_force) if self.in_force else None

    @property
    def pending(self) -> Revision | None:
        """The latest revision while it awaits agreement."""
        last = self.revisions[-1] if self.revisions else None
        return last if last is not None and last.number > self.in_force else None

    def over_committed(self, line_id: str) -> int:
        return sum(o.amount_pence for o in self.over_commitments if o.budget_line == line_id)

    def line_budget(self, line_id: str) -> int:
        revision = self.revision_in_force
        line = revision.line(line_id) if revision else None
        return (line.amount_pence if line else 0) + self.over_committed(line_id)

    def on_line(self, line_id: str) -> list[Commission]:
        return [c for c in self.commissions.values() if c.budget_line == line_id]

    def committed(self, line_id: str) -> int:
        return sum(c.committed_pence for c in self.on_line(line_id))

    def remaining(self, line_id: str) -> int:
        return self.line_budget(line_id) - self.committed(line_id)

    def entitlement_days_undelivered(self, but: str = "") -> Decimal:
        """Days of active commissions met from the entitlement not yet delivered."""
        return sum(
            (
                c.undelivered_days
                for c in self.commissions.values()
                if c.from_entitlement and c.commission_id != but
            ),
            ZERO,
        )

    def delivery(self, delivery_id: str) -> tuple[Commission, Delivery] | None:
        for commission in self.commissions.values():
            found = commission.delivery(delivery_id)
            if found is not None:
                return commission, found
        return None

    def commission(self, commission_id: str) -> Commission:
        found = self.commissions.get(commission_id)
        if found is None:
            raise NotFound(f"there is no commission {commission_id}")
        return found


def initial(stream_id: str) -> BudgetState:
    academy_id, _, year = stream_id.partition("+")
    return BudgetState(academy_id, year)


def _revision(event: BudgetProposed | BudgetAdjusted, actor: Actor) -> Revision:
    lines = tuple(Line(x.line_id, x.name, x.amount_pence) for x in event.lines)
    return Revision(event.revision, lines, tuple(event.approver_roles), event.reason, actor)


def _with_commission(state: BudgetState, commission: Commission) -> BudgetState:
    return replace(state, commissions={**state.commissions, commission.commission_id: commission})


def evolve(state: BudgetState, recorded: Recorded) -> BudgetState:
    event = recorded.event
    if isinstance(event, BudgetProposed | BudgetAdjusted):
        revisions = (*state.revisions, _revision(event, recorded.actor))
        return replace(state, trust_id=event.trust_id, revisions=revisions)
    if isinstance(event, BudgetAgreed):
        revisions = tuple(
            replace(r, agreed=(*r.agreed, event.approver)) if r.number == event.revision else r
            for r in state.revisions
        )
        in_force = event.revision if event.in_force else state.in_force
        return replace(state, revisions=revisions, in_force=in_force)
    if isinstance(event, OverCommitmentApproved):
        approval = OverCommitment(
            event.approval_id, event.budget_line, event.amount_pence, event.reason, event.approver
        )
        return replace(state, over_commitments=(*state.over_commitments, approval))
    if isinstance(event, SupportCommissioned):
        commission = Commission(event, Decimal(event.days), event.cost_pence, recorded.actor)
        return _with_commission(replace(state, trust_id=event.trust_id), commission)
    if isinstance(event, CommissionVaried):
        kept = state.commissions[event.commission_id]
        varied = replace(kept, days=Decimal(event.days), cost_pence=event.cost_pence)
        return _with_commission(state, varied)
    if isinstance(event, CommissionCancelled):
        kept = state.commissions[event.commission_id]
        return _with_commission(state, replace(kept, cancelled=event))
    if isinstance(event, SupportDelivered):
        kept = state.commissions[event.commission_id]
        delivery = Delivery(
            event.delivery_id,
            event.delivered_on,
            Decimal(event.days),
            event.value_pence,
            event.has_note,
            recorded.actor,
        )
        return _with_commission(state, replace(kept, deliveries=(*kept.deliveries, delivery)))
    return state


# -- what a commission may take from a line -------------------------------------------


def require_line_in_force(state: BudgetState, line_id: str) -> Line:
    revision = state.revision_in_force
    if revision is None:
        raise FailedPrecondition(
            f"no agreed improvement budget for {state.academy_id} in {state.academic_year}: "
            "it must be proposed and agreed by every approver first"
        )
    line = revision.line(line_id)
    if line is None:
        known = ", ".join(x.line_id for x in revision.lines)
        raise NotFound(
            f"unknown budget line {line_id} in revision {revision.number} (its lines: {known})"
        )
    return line


def require_affordable(
    state: BudgetState, rules: BudgetRules, line_id: str, cost_pence: int
) -> None:
    """Whether ``cost_pence`` more fits the line: refused beyond its remaining amount
    unless the framework allows that with a warning (then remaining goes negative)."""
    line = require_line_in_force(state, line_id)
    remaining = state.remaining(line.line_id)
    if cost_pence <= remaining or rules.over_commitment == "allow_with_warning":
        return
    said = f"line {line_id} has {pounds(remaining)} remaining; this costs {pounds(cost_pence)}"
    if rules.over_commitment == "refuse_unless_approved":
        who = role_name(rules.over_commitment_approver or "chief_executive")
        raise FailedPrecondition(
            f"{said}; the {who} may approve an over-commitment of {pounds(cost_pence - remaining)}"
        )
    raise FailedPrecondition(f"{said}; the framework refuses over-commitment")

"""A provider of support (stream ``provider-<provider id>``): who it is, its
due-diligence checks and declared conflicts, its account of capacity (days
booked per academic year and term) and the invoices it sent (numbers unique per
provider; the rules are in ``invoice.py``).

- internal = its kind is one of contracts.rules.INTERNAL_PROVIDER_KINDS; a
  capacity-giving academy names its home academy (an academy of the trust: the
  application checks that against its facts).
- Due diligence: per check the latest recording counts; valid on a day when at
  least one check is recorded and every check's latest outcome is passed and
  unexpired that day.
- A conflict of interest is declared per academy and never lifted (v1); a
  second declaration for the same academy changes nothing.
- Capacity: ``capacity_days_per_term`` per (year, term); left = capacity - booked
  + released.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from chassis.aggregate import Recorded
from chassis.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from contracts import limits
from contracts.base import EventPayload
from contracts.rules import INTERNAL_PROVIDER_KINDS, PROVIDER_KINDS
from contracts.support.v1 import (
    ConflictOfInterestDeclared,
    DueDiligenceRecorded,
    InvoiceCredited,
    InvoiceRecorded,
    ProviderCapacityBooked,
    ProviderCapacityReleased,
    ProviderRegistered,
    ProviderUpdated,
)

from support.domain.values import (
    ZERO,
    days_text,
    require_days,
    require_id,
    require_need_area,
    require_pence,
    require_text,
)

CAPACITY_GIVER = "capacity_giver_academy"
OUTCOMES = ("passed", "failed")


@dataclass(frozen=True)
class Details:
    trust_id: str
    name: str
    kind: str
    internal: bool
    home_academy_id: str | None
    contact_subject: str
    specialisms: tuple[str, ...]
    day_rate_pence: int
    capacity_days_per_term: Decimal


@dataclass(frozen=True)
class Invoice:
    recorded: InvoiceRecorded
    credited: InvoiceCredited | None = None

    @property
    def invoice_id(self) -> str:
        return self.recorded.invoice_id

    @property
    def days_covered(self) -> Decimal:
        return Decimal(self.recorded.days_covered)


@dataclass(frozen=True)
class ProviderState:
    provider_id: str
    details: Details | None = None
    checks: Mapping[str, DueDiligenceRecorded] = field(default_factory=dict)
    conflicts: Mapping[str, ConflictOfInterestDeclared] = field(default_factory=dict)
    booked: Mapping[tuple[str, str], Decimal] = field(default_factory=dict)
    invoices: Mapping[str, Invoice] = field(default_factory=dict)

    @property
    def exists(self) -> bool:
        return self.details is not None

    def known(self) -> Details:
        if self.details is None:
            raise NotFound(f"there is no provider {self.provider_id}")
        return self.details

    def due_diligence_valid_on(self, day: dt.date) -> bool:
        return bool(self.checks) and all(
            c.outcome == "passed" and c.expires_on >= day for c in self.checks.values()
        )

    @property
    def due_diligence_expires_on(self) -> dt.date | None:
        return min((c.expires_on for c in self.checks.values()), default=None)

    def due_diligence_problem(self, day: dt.date) -> str | None:
        """Why due diligence is not valid on ``day`` (None when it is)."""
        if not self.checks:
            return "no due-diligence check is recorded"
        for check in sorted(self.checks.values(), key=lambda c: c.check):
            if check.outcome != "passed":
                return f"its {check.check} check failed on {check.checked_on}"
            if check.expires_on < day:
                return f"its {check.check} check expired on {check.expires_on}"
        return None

    def booked_in(self, year: str, term: str) -> Decimal:
        return self.booked.get((year, term), ZERO)

    def left_in(self, year: str, term: str) -> Decimal:
        return self.known().capacity_days_per_term - self.booked_in(year, term)

    def invoice_by_number(self, number: str) -> Invoice | None:
        return next(
            (i for i in self.invoices.values() if i.recorded.invoice_number == number), None
        )

    def invoiced_days(self, commission_id: str) -> Decimal:
        """The days covered by the commission's invoices not credited."""
        return sum(
            (
                i.days_covered
                for i in self.invoices.values()
                if i.recorded.commission_id == commission_id and i.credited is None
            ),
            ZERO,
        )


@dataclass(frozen=True)
class RegisterProvider:
    provider_id: str
    trust_id: str
    name: str
    kind: str
    home_academy_id: str | None
    contact_subject: str
    specialisms: tuple[str, ...]
    day_rate_pence: int
    capacity_days_per_term: Decimal


@dataclass(frozen=True)
class UpdateProvider:
    """Empty/zero/None fields leave the detail as it is."""

    provider_id: str
    reason: str
    name: str = ""
    contact_subject: str = ""
    specialisms: tuple[str, ...] = ()
    day_rate_pence: int = 0
    capacity_days_per_term: Decimal | None = None


@dataclass(frozen=True)
class RecordDueDiligence:
    provider_id: str
    check: str
    outcome: str
    checked_on: dt.date
    expires_on: dt.date


@dataclass(frozen=True)
class DeclareConflict:
    provider_id: str
    academy_id: str
    nature: str
    declared_on: dt.date


def initial(provider_id: str) -> ProviderState:
    return ProviderState(provider_id)


def _book(state: ProviderState, year: str, term: str, change: Decimal) -> ProviderState:
    return replace(
        state, booked={**state.booked, (year, term): state.booked_in(year, term) + change}
    )


def evolve(state: ProviderState, recorded: Recorded) -> ProviderState:
    event = recorded.event
    if isinstance(event, ProviderRegistered):
        details = Details(
            event.trust_id,
            event.name,
            event.kind,
            event.internal,
            event.home_academy_id,
            event.contact_subject,
            tuple(event.specialisms),
            event.day_rate_pence,
            Decimal(event.capacity_days_per_term),
        )
        return replace(state, details=details)
    if isinstance(event, ProviderUpdated) and state.details is not None:
        details = replace(
            state.details,
            name=event.name,
            contact_subject=event.contact_subject,
            specialisms=tuple(event.specialisms),
            day_rate_pence=event.day_rate_pence,
            capacity_days_per_term=Decimal(event.capacity_days_per_term),
        )
        return replace(state, details=details)
    if isinstance(event, DueDiligenceRecorded):
        return replace(state, checks={**state.checks, event.check: event})
    if isinstance(event, ConflictOfInterestDeclared):
        return replace(state, conflicts={**state.conflicts, event.academy_id: event})
    if isinstance(event, ProviderCapacityBooked):
        return _book(state, event.academic_year, event.term, Decimal(event.days))
    if isinstance(event, ProviderCapacityReleased):
        return _book(state, event.academic_year, event.term, -Decimal(event.days))
    if isinstance(event, InvoiceRecorded):
        return replace(state, invoices={**state.invoices, event.invoice_id: Invoice(event)})
    if isinstance(event, InvoiceCredited):
        kept = state.invoices.get(event.invoice_id)
        if kept is not None:
            invoices = {**state.invoices, event.invoice_id: replace(kept, credited=event)}
            return replace(state, invoices=invoices)
    return state


def _specialisms(areas: tuple[str, ...]) -> list[str]:
    if not areas:
        raise InvalidArgument("specialisms must name at least one need area")
    found: list[str] = []
    for i, area in enumerate(areas):
        checked = require_need_area(area, f"specialisms[{i}]")
        if checked not in found:
            found.append(checked)
    return found


def _registered(command: RegisterProvider) -> ProviderRegistered:
    if command.kind not in PROVIDER_KINDS:
        raise InvalidArgument(
            f"kind must be one of {', '.join(PROVIDER_KINDS)}, got {command.kind!r}"
        )
    home = command.home_academy_id
    if command.kind == CAPACITY_GIVER and not home:
        raise InvalidArgument(
            "home_academy_id is required for a capacity_giver_academy: the academy that gives "
            "the capacity"
        )
    return ProviderRegistered(
        trust_id=command.trust_id,
        provider_id=command.provider_id,
        name=require_text(command.name, "name", limits.NAME_MAX),
        kind=command.kind,
        internal=command.kind in INTERNAL_PROVIDER_KINDS,
        home_academy_id=home or None,
        contact_subject=require_text(
            command.contact_subject, "contact_subject", limits.SUBJECT_MAX
        ),
        specialisms=_specialisms(command.specialisms),
        day_rate_pence=require_pence(command.day_rate_pence, "day_rate_pence", positive=True),
        capacity_days_per_term=days_text(
            require_days(command.capacity_days_per_term, "capacity_days_per_term")
        ),
    )


def decide_register(state: ProviderState, command: RegisterProvider) -> list[EventPayload]:
    """A new provider; the same registration again (a retry with its id): nothing."""
    wanted = _registered(command)
    if state.details is not None:
        if _is_retry(state, wanted):
            return []
        raise AlreadyExists(f"provider {command.provider_id} is already registered")
    return [wanted]


def _is_retry(state: ProviderState, wanted: ProviderRegistered) -> bool:
    details = state.details
    assert details is not None
    return (
        details.trust_id,
        details.name,
        details.kind,
        details.home_academy_id,
        details.contact_subject,
        details.specialisms,
        details.day_rate_pence,
        details.capacity_days_per_term,
    ) == (
        wanted.trust_id,
        wanted.name,
        wanted.kind,
        wanted.home_academy_id,
        wanted.contact_subject,
        tuple(wanted.specialisms),
        wanted.day_rate_pence,
        Decimal(wanted.capacity_days_per_term),
    )


def decide_update(state: ProviderState, command: UpdateProvider) -> list[EventPayload]:
    """The details from now on; nothing when nothing would change."""
    details = state.known()
    name = require_text(command.name, "name", limits.NAME_MAX) if command.name.strip() else None
    contact = command.contact_subject.strip() or None
    if contact is not None:
        require_text(contact, "contact_subject", limits.SUBJECT_MAX)
    specialisms = _specialisms(command.specialisms) if command.specialisms else None
    rate = command.day_rate_pence
    if rate:
        require_pence(rate, "day_rate_pence", positive=True)
    capacity = command.capacity_days_per_term
    if capacity is not None:
        require_days(capacity, "capacity_days_per_term")
    reason = require_text(command.reason, "reason")
    new = (
        name or details.name,
        contact or details.contact_subject,
        tuple(specialisms) if specialisms else details.specialisms,
        rate or details.day_rate_pence,
        capacity if capacity is not None else details.capacity_days_per_term,
    )
    old = (
        details.name,
        details.contact_subject,
        details.specialisms,
        details.day_rate_pence,
        details.capacity_days_per_term,
    )
    if new == old:
        return []
    return [
        ProviderUpdated(
            trust_id=details.trust_id,
            provider_id=state.provider_id,
            name=new[0],
            contact_subject=new[1],
            specialisms=list(new[2]),
            day_rate_pence=new[3],
            capacity_days_per_term=days_text(new[4]),
            reason=reason,
        )
    ]


def decide_due_diligence(
    state: ProviderState, command: RecordDueDiligence, today: dt.date
) -> list[EventPayload]:
    details = state.known()
    check = require_id(command.check.lower(), "check")
    if command.outcome not in OUTCOMES:
        raise InvalidArgument(f"outcome must be passed or failed, got {command.outcome!r}")
    if command.checked_on > today:
        raise InvalidArgument(
            f"checked_on {command.checked_on} is in the future; a check is recorded once made"
        )
    if command.expires_on <= command.checked_on:
        raise InvalidArgument(
            f"expires_on {command.expires_on} must be after checked_on {command.checked_on}"
        )
    event = DueDiligenceRecorded(
        trust_id=details.trust_id,
        provider_id=state.provider_id,
        check=check,
        outcome=command.outcome,
        checked_on=command.checked_on,
        expires_on=command.expires_on,
    )
    return [] if state.checks.get(check) == event else [event]


def decide_conflict(state: ProviderState, command: DeclareConflict) -> list[EventPayload]:
    details = state.known()
    nature = require_text(command.nature, "nature")
    if command.academy_id in state.conflicts:
        return []  # declared already; never lifted in v1
    return [
        ConflictOfInterestDeclared(
            trust_id=details.trust_id,
            provider_id=state.provider_id,
            academy_id=command.academy_id,
            nature=nature,
            declared_on=command.declared_on,
        )
    ]


def require_of_trust(state: ProviderState, trust_id: str) -> Details:
    """The provider, if it is one of the trust's (another trust's is not found)."""
    details = state.details
    if details is None or details.trust_id != trust_id:
        raise NotFound(f"there is no provider {state.provider_id} in trust {trust_id}")
    return details


def require_commissionable(
    state: ProviderState, academy_id: str, on: dt.date, year: str, term: str, wanted: Decimal
) -> None:
    """The provider's own refusals, in the design's order: a conflict with the
    academy, due diligence not valid on the day, too little capacity in the term."""
    details = state.known()
    conflict = state.conflicts.get(academy_id)
    if conflict is not None:
        raise FailedPrecondition(
            f"{details.name} declared a conflict of interest with {academy_id} on "
            f"{conflict.declared_on} ({conflict.nature}): choose another provider"
        )
    problem = state.due_diligence_problem(on)
    if problem is not None:
        raise FailedPrecondition(
            f"{details.name}'s due diligence is not valid on {on}: {problem}; record the "
            "check again first"
        )
    left = state.left_in(year, term)
    if left < wanted:
        raise FailedPrecondition(
            f"{details.name} has {days_text(left)} days left in {term} {year} "
            f"(capacity {days_text(details.capacity_days_per_term)} a term); "
            f"{days_text(wanted)} would exceed it"
        )

"""An academy's entitlement of improvement days for a year (stream
``entitlement-<academy>+<year>``): granted from the trust's framework, adjusted
when its standing changes during the year, used by meetings held and by support
delivered from it.

total = core days + the days its phase's support tier adds + the formal
intervention days while under formal intervention + the standard package
(seed 002). A mid-year change never takes the total below the days used so far.
As of a day, the granted days are the total of the last grant or adjustment
effective on or before it (0 before the grant), the used days the uses on or
before it; remaining may be negative (a use past the total says so).

Where the design is silent: a grant is effective from the first day of the year
(or the day the academy joined, if later) with the standing known when it is
granted, because the year's days belong to the whole year; an adjustment is
effective from the day of the change. Redelivery changes nothing: a use is keyed
by its source id, and a grant or adjustment that changes nothing appends nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from chassis.aggregate import Recorded
from contracts.base import EventPayload
from contracts.support.v1 import (
    EntitlementAdjusted,
    EntitlementGranted,
    EntitlementUsed,
    PackageEntitlement,
)
from trust_frameworks.model import Framework

from support.domain.values import ZERO, days, days_text


@dataclass(frozen=True)
class PackageItem:
    name: str
    need_area: str
    days: Decimal


@dataclass(frozen=True)
class Basis:
    """What the framework gives an academy in a standing (phase, formal intervention)."""

    framework_id: str
    framework_version: int
    phase: str | None
    support_tier: str | None
    formal_intervention: bool
    core_days: Decimal
    tier_days: Decimal
    formal_intervention_days: Decimal
    package: tuple[PackageItem, ...]

    @property
    def package_days(self) -> Decimal:
        return sum((item.days for item in self.package), ZERO)

    @property
    def total(self) -> Decimal:
        return self.core_days + self.tier_days + self.formal_intervention_days + self.package_days


def basis_of(
    framework: Framework, version: int, phase: str | None, formal_intervention: bool
) -> Basis:
    found = framework.phase(phase) if phase else None
    tier = found.support_tier if found else None
    rules = framework.entitlements
    return Basis(
        framework_id=framework.id,
        framework_version=version,
        phase=phase,
        support_tier=tier,
        formal_intervention=formal_intervention,
        core_days=days(rules.core_days_per_year),
        tier_days=days(rules.tier_days(tier)),
        formal_intervention_days=days(rules.formal_intervention_days)
        if formal_intervention
        else ZERO,
        package=tuple(PackageItem(i.name, i.need_area, days(i.days)) for i in rules.package),
    )


@dataclass(frozen=True)
class Change:
    """The grant (``change`` 'granted') or an adjustment, from ``effective_on``."""

    effective_on: dt.date
    change: str
    framework_version: int
    phase: str | None
    support_tier: str | None
    formal_intervention: bool
    tier_days: Decimal
    formal_intervention_days: Decimal
    total: Decimal


@dataclass(frozen=True)
class Use:
    use: str  # meeting | delivery
    source_id: str
    days: Decimal
    used_on: dt.date
    beyond_entitlement: bool


@dataclass(frozen=True)
class EntitlementState:
    academy_id: str
    academic_year: str
    trust_id: str = ""
    framework_id: str = ""
    core_days: Decimal = ZERO
    package: tuple[PackageItem, ...] = ()
    changes: tuple[Change, ...] = ()
    uses: tuple[Use, ...] = ()

    @property
    def granted(self) -> bool:
        return bool(self.changes)

    @property
    def current(self) -> Change | None:
        return self.changes[-1] if self.changes else None

    @property
    def total(self) -> Decimal:
        return self.changes[-1].total if self.changes else ZERO

    def in_force_on(self, day: dt.date) -> Change | None:
        """The last grant or adjustment effective on or before ``day``."""
        found = None
        for change in sorted(self.changes, key=lambda c: c.effective_on):
            if change.effective_on <= day:
                found = change
        return found

    def granted_on(self, day: dt.date) -> Decimal:
        change = self.in_force_on(day)
        return change.total if change else ZERO

    def used_on(self, day: dt.date) -> Decimal:
        return sum((u.days for u in self.uses if u.used_on <= day), ZERO)

    @property
    def used(self) -> Decimal:
        return sum((u.days for u in self.uses), ZERO)

    def remaining_on(self, day: dt.date) -> Decimal:
        return self.granted_on(day) - self.used_on(day)

    def has_use(self, source_id: str) -> bool:
        return any(u.source_id == source_id for u in self.uses)


def initial(stream_id: str) -> EntitlementState:
    academy_id, _, year = stream_id.partition("+")
    return EntitlementState(academy_id, year)


def evolve(state: EntitlementState, recorded: Recorded) -> EntitlementState:
    event = recorded.event
    if isinstance(event, EntitlementGranted):
        change = Change(
            event.effective_on,
            "granted",
            event.framework_version,
            event.phase,
            event.support_tier,
            event.formal_intervention,
            Decimal(event.tier_days),
            Decimal(event.formal_intervention_days),
            Decimal(event.total_days),
        )
        package = tuple(PackageItem(p.name, p.need_area, Decimal(p.days)) for p in event.package)
        return replace(
            state,
            trust_id=event.trust_id,
            framework_id=event.framework_id,
            core_days=Decimal(event.core_days),
            package=package,
            changes=(change,),
        )
    if isinstance(event, EntitlementAdjusted):
        change = Change(
            event.effective_on,
            event.change,
            event.framework_version,
            event.phase,
            event.support_tier,
            event.formal_intervention,
            Decimal(event.tier_days),
            Decimal(event.formal_intervention_days),
            Decimal(event.total_days),
        )
        return replace(state, changes=(*state.changes, change))
    if isinstance(event, EntitlementUsed):
        use = Use(
            event.use, event.source_id, Decimal(event.days), event.used_on, event.beyond_entitlement
        )
        return replace(state, uses=(*state.uses, use))
    return state


def decide_grant(
    state: EntitlementState, trust_id: str, basis: Basis, effective_on: dt.date
) -> list[EventPayload]:
    """The year's entitlement, once (a second grant appends nothing)."""
    if state.granted:
        return []
    return [
        EntitlementGranted(
            trust_id=trust_id,
            academy_id=state.academy_id,
            academic_year=state.academic_year,
            framework_id=basis.framework_id,
            framework_version=basis.framework_version,
            phase=basis.phase,
            support_tier=basis.support_tier,
            formal_intervention=basis.formal_intervention,
            core_days=days_text(basis.core_days),
            tier_days=days_text(basis.tier_days),
            formal_intervention_days=days_text(basis.formal_intervention_days),
            package=[
                PackageEntitlement(name=i.name, need_area=i.need_area, days=days_text(i.days))
                for i in basis.package
            ],
            total_days=days_text(basis.total),
            effective_on=effective_on,
        )
    ]


def decide_adjust(
    state: EntitlementState, basis: Basis, change: str, effective_on: dt.date
) -> list[EventPayload]:
    """The new total from ``effective_on``: the recomputed one, never below the days
    used so far; nothing when not granted yet or when the total stays the same."""
    if not state.granted:
        return []
    total = max(basis.total, state.used)
    if total == state.total:
        return []
    return [
        EntitlementAdjusted(
            trust_id=state.trust_id,
            academy_id=state.academy_id,
            academic_year=state.academic_year,
            change=change,
            framework_version=basis.framework_version,
            phase=basis.phase,
            support_tier=basis.support_tier,
            formal_intervention=basis.formal_intervention,
            tier_days=days_text(basis.tier_days),
            formal_intervention_days=days_text(basis.formal_intervention_days),
            previous_total_days=days_text(state.total),
            total_days=days_text(total),
            effective_on=effective_on,
        )
    ]


def decide_use(
    state: EntitlementState,
    use: str,
    source_id: str,
    used_days: Decimal,
    used_on: dt.date,
    trust_id: str = "",
) -> list[EventPayload]:
    """Days used by a meeting or a delivery, once per source (a redelivery: nothing)."""
    if state.has_use(source_id) or used_days <= 0:
        return []
    beyond = state.used_on(used_on) + used_days > state.granted_on(used_on)
    return [
        EntitlementUsed(
            trust_id=state.trust_id or trust_id,
            academy_id=state.academy_id,
            academic_year=state.academic_year,
            use=use,
            source_id=source_id,
            days=days_text(used_days),
            used_on=used_on,
            beyond_entitlement=beyond,
        )
    ]


def grant_effective_on(academic_year_start: dt.date, joined_on: dt.date | None) -> dt.date:
    """A grant counts from the first day of the year, or from joining if later."""
    if joined_on is not None and joined_on > academic_year_start:
        return joined_on
    return academic_year_start

"""A support service in memory for the handlers' tests: the event store
(chassis.memory_store), the facts (trustfacts.memory) and the read-table ports
(support.adapters.memory), callers in each role, and shortcuts to the facts and
events the consumer would see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from chassis.auth import Principal, Role
from chassis.envelope import Actor, CausationContext
from chassis.memory_store import InMemoryEventStore
from contracts.base import EventPayload
from contracts.support.v1 import SUPPORT_EVENTS
from support.adapters.memory import MemoryIndex, MemoryNotes
from support.application import budgets, commissioning, delivery, providers
from support.application.ports import Ports
from support.application.reactions import Reactor, Trigger
from support.application.views import CommissionView
from support.domain import budget, provider
from support_controls import (
    ACADEMY,
    CEO,
    CONSULTANT,
    FINANCE,
    HEAD,
    LEAD,
    PRESETS,
    STARTS,
    TRUST,
    YEAR,
    commission,
)
from trustfacts.memory import InMemoryFacts
from trustfacts.model import AcademyFacts, PhaseEvent, TrustFramework


def principal(actor: Actor, *academies: str, trust_id: str = TRUST) -> Principal:
    return Principal(actor.subject, Role(actor.role), trust_id, frozenset(academies))


def cause(who: Principal) -> CausationContext:
    return CausationContext(who.actor, "corr")


def trigger(on: dt.date, event_id: str = "e1") -> Trigger:
    return Trigger(event_id=event_id, correlation_id="corr", on=on, what="test")


CEO_P = principal(CEO)
LEAD_P = principal(LEAD, ACADEMY)
HEAD_P = principal(HEAD, ACADEMY)
FINANCE_P = principal(FINANCE)
CONSULTANT_P = principal(CONSULTANT)


@dataclass
class World:
    store: InMemoryEventStore = field(default_factory=lambda: InMemoryEventStore("support"))
    facts: InMemoryFacts = field(default_factory=InMemoryFacts)
    index: MemoryIndex = field(default_factory=MemoryIndex)
    notes: MemoryNotes = field(default_factory=MemoryNotes)

    @property
    def ports(self) -> Ports:
        return Ports(self.store, self.facts, self.index, self.notes)

    @property
    def reactor(self) -> Reactor:
        return Reactor(self.store, self.facts, self.index)

    def trust(self, preset: str = "seed-000-aid", trust_id: str = TRUST, version: int = 1) -> None:
        self.facts.frameworks[trust_id] = TrustFramework(trust_id, version, PRESETS[preset], preset)

    def academy(self, academy_id: str = ACADEMY, trust_id: str = TRUST, **overrides: Any) -> None:
        fields: dict[str, Any] = dict(
            name=academy_id.title(), phase_of_education="primary", joined_on=dt.date(2020, 9, 1)
        )
        self.facts.academies[academy_id] = AcademyFacts(
            academy_id, trust_id, **{**fields, **overrides}
        )

    def phase(self, on: dt.date, phase: str, academy_id: str = ACADEMY) -> None:
        self.facts.histories.setdefault(academy_id, []).append(PhaseEvent(on, phase=phase))

    def events(self, stream: str = "") -> list[EventPayload]:
        return [
            SUPPORT_EVENTS.parse(e.event_type, e.schema_version, e.payload)
            for e in self.store.all_events()
            if not stream or e.stream == stream
        ]

    def count(self) -> int:
        return len(self.store.all_events())

    # -- shortcuts: a trust with a provider, an agreed budget ----------------------------

    async def provider(self, provider_id: str = "p1", **overrides: Any) -> None:
        fields: dict[str, Any] = dict(
            provider_id=provider_id,
            trust_id=TRUST,
            name="Focus Consulting",
            kind="consultant",
            home_academy_id=None,
            contact_subject=CONSULTANT.subject,
            specialisms=("attendance", "curriculum"),
            day_rate_pence=45_000,
            capacity_days_per_term=Decimal("10.00"),
        )
        command = provider.RegisterProvider(**{**fields, **overrides})
        await providers.register(self.ports, CEO_P, command, STARTS, cause(CEO_P))
        check = provider.RecordDueDiligence(
            provider_id, "dbs", "passed", dt.date(2026, 9, 1), dt.date(2027, 8, 31)
        )
        await providers.record_due_diligence(self.ports, FINANCE_P, check, STARTS, cause(FINANCE_P))

    async def agreed_budget(self, amount: int = 500_000, academy_id: str = ACADEMY) -> None:
        """Seed 000: proposed by the improvement lead, agreed by its four approvers."""
        lead = principal(LEAD, academy_id)
        lines = (budget.Line("consultancy", "Consultancy", amount),)
        await budgets.propose(self.ports, lead, academy_id, YEAR, lines, "", STARTS, cause(lead))
        for who in (principal(HEAD, academy_id), lead, CEO_P, FINANCE_P):
            await budgets.agree(self.ports, who, academy_id, YEAR, 1, STARTS, cause(who))

    async def ready(self, preset: str = "seed-000-aid") -> None:
        """A trust on ``preset`` with Heron, a provider and an agreed budget."""
        self.trust(preset)
        self.academy()
        await self.provider()
        await self.agreed_budget()

    async def commission(self, by: Principal = LEAD_P, **overrides: Any) -> CommissionView:
        return await commissioning.commission(
            self.ports, by, commission(**overrides), STARTS, cause(by)
        )

    async def deliver(
        self, days: str = "1", delivery_id: str = "d1", note: str = "", **kw: Any
    ) -> CommissionView:
        command = delivery.LogDelivery(
            kw.get("commission_id", "c1"), delivery_id, kw.get("on", STARTS), Decimal(days), note
        )
        who = kw.get("by", CONSULTANT_P)
        return await delivery.log_delivery(
            self.ports, who, command, kw.get("today", STARTS), cause(who)
        )

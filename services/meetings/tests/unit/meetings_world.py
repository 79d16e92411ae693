"""A meetings service in memory for the handlers' tests: the event store
(chassis.memory_store), the facts (trustfacts.memory) and the read-table ports
(meetings.adapters.memory), callers in each role, and shortcuts to the facts
the consumer would keep."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from chassis.auth import Principal, Role
from chassis.envelope import CausationContext, EventEnvelope
from chassis.memory_store import InMemoryEventStore
from contracts.academies.v1 import AcademyRegistered, FrameworkAdopted
from contracts.base import EventPayload
from contracts.meetings.v1 import MEETINGS_EVENTS, Person
from meetings.adapters.memory import MemoryActionList, MemoryMeetingList, MemoryNotes
from meetings.application.ports import MeetingRow, Ports
from meetings.application.reactions import Reactor
from meetings.application.scheduling import Trigger
from meetings_controls import ACADEMY, PRESETS, TRUST
from trustfacts.memory import InMemoryFacts
from trustfacts.model import AcademyFacts, PhaseEvent, TrustFramework

REGISTERED_ON = dt.date(2026, 8, 20)  # before the year: every meeting of it is ahead


def principal(person: Person, *academies: str, trust_id: str = TRUST) -> Principal:
    return Principal(person.subject, Role(person.role), trust_id, frozenset(academies))


def trigger(on: dt.date, event_id: str = "e1") -> Trigger:
    return Trigger(event_id=event_id, correlation_id="corr", on=on, what="test")


def adopted(framework: TrustFramework) -> FrameworkAdopted:
    """The academies service's event adopting ``framework``."""
    return FrameworkAdopted(
        trust_id=framework.trust_id,
        framework_id=framework.framework.id,
        version=framework.version,
        based_on_preset=framework.based_on_preset,
        document=framework.framework.model_dump(mode="json"),
    )


def cause(who: Principal) -> CausationContext:
    return CausationContext(who.actor, "corr")


@dataclass
class World:
    store: InMemoryEventStore = field(default_factory=lambda: InMemoryEventStore("meetings"))
    facts: InMemoryFacts = field(default_factory=InMemoryFacts)
    meetings: MemoryMeetingList = field(default_factory=MemoryMeetingList)
    actions: MemoryActionList = field(default_factory=MemoryActionList)
    notes: MemoryNotes = field(default_factory=MemoryNotes)

    @property
    def ports(self) -> Ports:
        return Ports(self.store, self.facts, self.meetings, self.actions, self.notes)

    @property
    def reactor(self) -> Reactor:
        return Reactor(self.store, self.facts, self.meetings)

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

    async def register(
        self, academy_id: str = ACADEMY, on: dt.date = REGISTERED_ON, trust_id: str = TRUST
    ) -> None:
        """The academy registered as the consumer would see it: the cadence schedules."""
        event = AcademyRegistered(
            trust_id=trust_id,
            academy_id=academy_id,
            urn="100001",
            name=academy_id.title(),
            phase_of_education="primary",
            local_authority="Kent",
            date_joined=dt.date(2020, 9, 1),
            new_to_trust=False,
        )
        await self.reactor.react(event, trigger(on, f"registered-{academy_id}"))

    def rows(self, academy_id: str | None = ACADEMY, meeting_type: str = "") -> list[MeetingRow]:
        found = [
            r
            for r in self.meetings.rows.values()
            if r.academy_id == academy_id and meeting_type in ("", r.meeting_type)
        ]
        return sorted(found, key=lambda r: (r.scheduled_for, r.meeting_id))

    def envelopes(self) -> list[EventEnvelope]:
        return self.store.all_events()

    def events(self, stream: str = "") -> list[EventPayload]:
        return [
            MEETINGS_EVENTS.parse(e.event_type, e.schema_version, e.payload)
            for e in self.store.all_events()
            if not stream or e.stream == stream
        ]

"""An evaluations service in memory: the event store and the read-table ports.

Handlers run against it exactly as against PostgreSQL: chassis.memory_store
keeps the event store's contract, evaluations.adapters.memory the ports'.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from chassis.envelope import Actor, CausationContext, new_events
from chassis.memory_store import InMemoryEventStore
from contracts.base import EventPayload
from contracts.evaluations.v1 import EVALUATIONS_EVENTS
from evaluations.adapters.memory import MemoryConcerns, MemoryFacts, MemoryProposalView
from evaluations.application.record import EVALUATION_RECORD
from evaluations.domain.facts import AcademyFacts, TrustFramework
from trust_frameworks.loader import presets

PRESETS = presets()


@dataclass
class World:
    """Given academies, frameworks, data and events; then what the store holds."""

    store: InMemoryEventStore
    facts: MemoryFacts
    concerns: MemoryConcerns
    view: MemoryProposalView

    def academy(self, facts: AcademyFacts, preset: str = "seed-003-aspire") -> AcademyFacts:
        """A registered academy, its trust on ``preset`` (unless it has a framework)."""
        self.facts.academies[facts.academy_id] = facts
        self.facts.frameworks.setdefault(
            facts.trust_id, TrustFramework(facts.trust_id, 1, PRESETS[preset])
        )
        return facts

    async def given(self, academy_id: str, *events: tuple[EventPayload, Actor]) -> None:
        """Events already in the academy's record (and so in the proposal view)."""
        stream = EVALUATION_RECORD.stream(academy_id)
        for event, actor in events:
            async with self.store.transaction() as session:
                appended = await session.append(
                    stream,
                    len(await session.load(stream)),
                    new_events([event], academy_id),
                    CausationContext(actor, "given"),
                )
                await self.view.record(None, appended)

    async def events(self, academy_id: str) -> list[EventPayload]:
        """What the academy's record holds, in order."""
        envelopes = await self.store.load(EVALUATION_RECORD.stream(academy_id))
        return [
            EVALUATIONS_EVENTS.parse(e.event_type, e.schema_version, e.payload) for e in envelopes
        ]


@pytest.fixture
def world() -> World:
    facts = MemoryFacts()
    return World(
        InMemoryEventStore("evaluations"), facts, MemoryConcerns(), MemoryProposalView(facts)
    )

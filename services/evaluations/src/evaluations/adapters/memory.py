"""The read-table ports in memory, for application tests without a database.

Like chassis.memory_store for the event store: the handlers run against these
exactly as against the asyncpg adapters (facts_store, concern_notes,
proposal_view), with the same order and page keys. They are not
transactional: a write lands when it is called (``execute`` calls ``after``
last, just before the commit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from chassis.envelope import EventEnvelope
from contracts.evaluations.v1 import (
    EVALUATIONS_EVENTS,
    PhaseChanged,
    PhaseProposalRejected,
    PhaseProposalWithdrawn,
    PhaseProposed,
)

from evaluations.application.ports import (
    ConcernNote,
    OpenProposal,
    concern_key,
    open_proposal_key,
)
from evaluations.domain.facts import AcademyFacts, LatestData, TrustFramework
from evaluations.domain.state import proposal_of

T = TypeVar("T")
_DECIDED = {
    PhaseChanged.EVENT_TYPE: "confirmed",
    PhaseProposalRejected.EVENT_TYPE: "rejected",
    PhaseProposalWithdrawn.EVENT_TYPE: "withdrawn",
}


def _page(
    items: Iterable[T], key: Callable[[T], Any], after: Sequence[object] | None, limit: int
) -> list[T]:
    """Up to ``limit`` items in ``key`` order after the key ``after``, as the SQL reads."""
    ordered = sorted(items, key=key)
    return [i for i in ordered if after is None or key(i) > tuple(after)][:limit]


@dataclass
class MemoryFacts:
    """The register facts, frameworks and latest data: AcademyFactsPort,
    TrustFrameworksPort and LatestDataPort."""

    academies: dict[str, AcademyFacts] = field(default_factory=dict)
    frameworks: dict[str, TrustFramework] = field(default_factory=dict)
    data: dict[str, LatestData] = field(default_factory=dict)

    async def academy(self, academy_id: str) -> AcademyFacts | None:
        return self.academies.get(academy_id)

    async def open_academies(self, trust_id: str) -> list[AcademyFacts]:
        found = [a for a in self.academies.values() if a.trust_id == trust_id and a.is_open]
        return sorted(found, key=lambda a: (a.name, a.academy_id))

    async def framework(self, trust_id: str) -> TrustFramework | None:
        return self.frameworks.get(trust_id)

    async def latest(self, academy_id: str) -> LatestData | None:
        return self.data.get(academy_id)


@dataclass
class MemoryConcerns:
    """ConcernsPort; ``taken``: ids another writer holds (as a concurrent raise would)."""

    notes: dict[str, ConcernNote] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)

    async def find(self, concern_id: str) -> ConcernNote | None:
        return self.notes.get(concern_id)

    async def save(self, conn: Any, note: ConcernNote) -> bool:
        if note.concern_id in self.notes or note.concern_id in self.taken:
            return False
        self.notes[note.concern_id] = note
        return True

    async def page(
        self, academy_id: str, after: Sequence[object] | None, limit: int
    ) -> list[ConcernNote]:
        mine = [n for n in self.notes.values() if n.academy_id == academy_id]
        return _page(mine, concern_key, after, limit)


@dataclass
class MemoryProposalView:
    """ProposalViewPort, folding the record's events as the SQL view does."""

    facts: MemoryFacts
    rows: dict[tuple[str, str], tuple[str, OpenProposal]] = field(default_factory=dict)

    async def record(self, conn: Any, appended: Sequence[EventEnvelope]) -> None:
        for envelope in appended:
            event = EVALUATIONS_EVENTS.parse(
                envelope.event_type, envelope.schema_version, envelope.payload
            )
            if isinstance(event, PhaseProposed):
                listed = OpenProposal(proposal_of(event, envelope.actor), "", envelope.occurred_at)
                self.rows[(event.academy_id, event.proposal_id)] = (event.trust_id, listed)
            elif isinstance(event, PhaseChanged | PhaseProposalRejected | PhaseProposalWithdrawn):
                key = (event.academy_id, event.proposal_id)
                trust_id, listed = self.rows[key]
                closed = replace(listed.proposal, status=_DECIDED[envelope.event_type])
                self.rows[key] = (trust_id, replace(listed, proposal=closed))

    async def open_proposals(
        self,
        trust_id: str,
        only: Sequence[str] | None,
        after: Sequence[object] | None,
        limit: int,
    ) -> list[OpenProposal]:
        found = []
        for (academy_id, _), (of_trust, listed) in self.rows.items():
            if of_trust != trust_id or listed.proposal.status != "open":
                continue
            if only is not None and academy_id not in only:
                continue
            facts = self.facts.academies.get(academy_id)
            found.append(replace(listed, academy_name=facts.name if facts else ""))
        return _page(found, open_proposal_key, after, limit)

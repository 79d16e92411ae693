"""The facts' two sides, as small ports.

A consumer writes them (``FactsWriter``) inside the transaction that records
the consumed event in its inbox, so a fact is kept exactly once; an API reads
them (``FactsReader``) with connections of its own. postgres.PostgresFacts and
memory.InMemoryFacts both implement the writer (and so the reader), and behave
alike (tests/contract/test_facts_contract.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from trustfacts.model import AcademyFacts, PhaseEvent, TrustFramework


class FactsReader(Protocol):
    async def academy(self, academy_id: str) -> AcademyFacts | None: ...

    async def open_academies(self, trust_id: str) -> list[AcademyFacts]:
        """The trust's academies that have not left, by name, then id."""
        ...

    async def framework(self, trust_id: str) -> TrustFramework | None:
        """The trust's framework in force, or None before it adopted one."""
        ...

    async def history(self, academy_id: str) -> list[PhaseEvent]:
        """The academy's phase changes and interventions, in the order they came."""
        ...


class FactsWriter(FactsReader, Protocol):
    """The consumer's side: each write is in the consumer's transaction."""

    async def adopt(self, framework: TrustFramework) -> bool:
        """Keep a framework version; False when a later one is already kept."""
        ...

    async def register(self, academy: AcademyFacts) -> None:
        """Keep an academy (a registration seen again changes nothing)."""
        ...

    async def change_details(
        self, academy_id: str, name: str | None, phase_of_education: str | None
    ) -> None:
        """Change what is given (None: unchanged); an unknown academy: nothing."""
        ...

    async def leave(self, academy_id: str, left_on: dt.date) -> None: ...

    async def record(self, academy_id: str, event: PhaseEvent) -> None:
        """Append to the academy's history (whether or not it is registered yet:
        the topics' order is not guaranteed)."""
        ...

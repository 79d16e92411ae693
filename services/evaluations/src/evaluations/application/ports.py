"""What the handlers read and write besides the event store: small ports.

The register facts, the trusts' frameworks and the latest data are
evaluations' own copies, fed by the academies service's events; the concern
notes and the proposal view are its own read tables. The asyncpg
implementations are in ``adapters/``; the unit tests use in-memory fakes.

A write takes the event-store session's ``conn`` (``execute(..., after=...)``)
so it commits or rolls back with the events; a read uses a connection of its own.
Each list is read in a fixed order with a unique key; its ``*_KEY`` shape is what
a page token holds (chassis.paging), its ``*_key`` function what a page cuts by.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from chassis.envelope import Actor, EventEnvelope

from evaluations.domain.facts import AcademyFacts, LatestData, TrustFramework
from evaluations.domain.state import Proposal


@dataclass(frozen=True)
class ConcernNote:
    """A confidential concern: its text stays in evaluations' database."""

    concern_id: str
    academy_id: str
    trust_id: str
    text: str
    raised_by: Actor
    raised_at: dt.datetime


@dataclass(frozen=True)
class OpenProposal:
    """A proposal awaiting the board, as the trust-wide inbox lists it."""

    proposal: Proposal
    academy_name: str
    proposed_at: dt.datetime


# An academy's concerns, oldest first: when raised, then the concern id.
CONCERN_KEY = (dt.datetime, str)
# The inbox, oldest first: when proposed, then academy and proposal id.
OPEN_PROPOSAL_KEY = (dt.datetime, str, str)


def concern_key(note: ConcernNote) -> tuple[dt.datetime, str]:
    return note.raised_at, note.concern_id


def open_proposal_key(found: OpenProposal) -> tuple[dt.datetime, str, str]:
    return found.proposed_at, found.proposal.academy_id, found.proposal.proposal_id


class AcademyFactsPort(Protocol):
    async def academy(self, academy_id: str) -> AcademyFacts | None: ...

    async def open_academies(self, trust_id: str) -> list[AcademyFacts]:
        """The trust's open academies, by name."""
        ...


class TrustFrameworksPort(Protocol):
    async def framework(self, trust_id: str) -> TrustFramework | None:
        """The trust's framework in force, or None before it adopted one."""
        ...


class LatestDataPort(Protocol):
    async def latest(self, academy_id: str) -> LatestData | None:
        """The latest period's effective Progress 8 values (corrections applied)."""
        ...


class ConcernsPort(Protocol):
    async def find(self, concern_id: str) -> ConcernNote | None: ...

    async def save(self, conn: Any, note: ConcernNote) -> bool:
        """Keep a concern in the caller's transaction; False when its id is taken."""
        ...

    async def page(
        self, academy_id: str, after: Sequence[object] | None, limit: int
    ) -> list[ConcernNote]:
        """The academy's concerns in ``concern_key`` order after ``after``, at most ``limit``."""
        ...


class ProposalViewPort(Protocol):
    async def record(self, conn: Any, appended: Sequence[EventEnvelope]) -> None:
        """Reflect the record's events just appended (in the caller's transaction)."""
        ...

    async def open_proposals(
        self,
        trust_id: str,
        only: Sequence[str] | None,
        after: Sequence[object] | None,
        limit: int,
    ) -> list[OpenProposal]:
        """The trust's open proposals in ``open_proposal_key`` order after ``after``
        (only those academies' when ``only``), at most ``limit``, with academy names."""
        ...

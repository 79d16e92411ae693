"""What the use cases need of the service's read tables: one small port per need.

Writes take the event store's session, so they commit with the events they
reflect (``execute(..., after=...)``) or not at all; reads stand alone.
adapters/read_tables.py implements them on PostgreSQL; the unit tests fake
them in memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

from chassis.aggregate import Session
from chassis.paging import PageRequest
from contracts.academies.v1 import DataSubmitted
from contracts.values import TERMS
from trust_frameworks.returns import SubmittedReturn

from academies.application.streams import AcademyRecord


class UrnClaims(Protocol):
    """Set validation: a URN is registered once among a trust's open academies."""

    async def claim(self, session: Session, trust_id: str, urn: str, academy_id: str) -> bool:
        """True if the URN was free and is now this academy's."""
        ...

    async def release(self, session: Session, trust_id: str, urn: str) -> None: ...


class AcademyList(Protocol):
    """Each trust's academies by name, with their stream versions."""

    async def save(self, session: Session, record: AcademyRecord) -> None: ...

    async def page(
        self,
        trust_id: str,
        include_left: bool,
        only: Collection[str] | None,
        page: PageRequest,
    ) -> list[AcademyRecord]:
        """Up to ``page.fetch`` academies after ``page.after`` by ``academy_key``
        (only those in ``only`` when given)."""
        ...


def academy_key(record: AcademyRecord) -> tuple[str, str]:
    return record.academy.name, record.academy.academy_id


ACADEMY_KEY = (str, str)  # name, academy_id (see chassis.paging)


@dataclass(frozen=True)
class Slot:
    """A return submitted for a period: one submission per academy, period and type."""

    submission_id: str
    academic_year: str
    term: str
    half_term: int
    return_type: str

    @property
    def key(self) -> tuple[str, int, int, str]:
        """By period (terms in school-year order), then return type."""
        term_order = TERMS.index(self.term) + 1
        return self.academic_year, term_order, self.half_term, self.return_type


SLOT_KEY = (str, int, int, str)


class SubmissionIndex(Protocol):
    async def claim_slot(
        self, session: Session, submitted: DataSubmitted, submitted_at: dt.datetime
    ) -> str | None:
        """Record the submission in its slot; the id of one already there (or of the
        same id), if any, and then nothing is recorded."""
        ...

    async def slots(
        self, academy_id: str, academic_year: str | None, page: PageRequest
    ) -> list[Slot]:
        """Up to ``page.fetch`` of the academy's slots after ``page.after``, by key."""
        ...

    async def submitted_returns(self, academy_id: str) -> list[SubmittedReturn]:
        """Each return's original submission day (corrections do not move it)."""
        ...

"""The read-table ports in memory (application/ports.py), as the PostgreSQL ones behave.

Unlike PostgreSQL they do not roll back with a failed transaction; the
handlers write them last, after everything that may refuse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from academies.application.ports import Slot, academy_key
from academies.application.streams import AcademyRecord
from chassis.paging import PageRequest
from contracts.academies.v1 import DataSubmitted
from trust_frameworks.returns import SubmittedReturn


class FakeUrnClaims:
    def __init__(self) -> None:
        self.claimed: dict[tuple[str, str], str] = {}  # (trust, urn) -> academy

    async def claim(self, session: Any, trust_id: str, urn: str, academy_id: str) -> bool:
        if (trust_id, urn) in self.claimed:
            return False
        self.claimed[trust_id, urn] = academy_id
        return True

    async def release(self, session: Any, trust_id: str, urn: str) -> None:
        self.claimed.pop((trust_id, urn), None)


class FakeAcademyList:
    def __init__(self) -> None:
        self.rows: dict[str, AcademyRecord] = {}

    async def save(self, session: Any, record: AcademyRecord) -> None:
        self.rows[record.academy.academy_id] = record

    async def page(
        self,
        trust_id: str,
        include_left: bool,
        only: Collection[str] | None,
        page: PageRequest,
    ) -> list[AcademyRecord]:
        found = [
            r
            for r in self.rows.values()
            if r.academy.trust_id == trust_id
            and (include_left or r.academy.is_open)
            and (only is None or r.academy.academy_id in only)
            and (page.after is None or academy_key(r) > page.after)
        ]
        return sorted(found, key=academy_key)[: page.fetch]


@dataclass(frozen=True)
class _Indexed:
    slot: Slot
    academy_id: str
    submitted_at: dt.datetime


class FakeSubmissionIndex:
    def __init__(self) -> None:
        self.indexed: dict[str, _Indexed] = {}  # by submission id

    async def claim_slot(
        self, session: Any, submitted: DataSubmitted, submitted_at: dt.datetime
    ) -> str | None:
        period = submitted.period
        slot = Slot(
            submitted.submission_id,
            period.academic_year,
            period.term,
            period.half_term,
            submitted.return_type,
        )
        for held in self.indexed.values():
            same_slot = held.academy_id == submitted.academy_id and held.slot.key == slot.key
            if held.slot.submission_id == slot.submission_id or same_slot:
                return held.slot.submission_id
        self.indexed[slot.submission_id] = _Indexed(slot, submitted.academy_id, submitted_at)
        return None

    def _of(self, academy_id: str) -> list[_Indexed]:
        return [held for held in self.indexed.values() if held.academy_id == academy_id]

    async def slots(
        self, academy_id: str, academic_year: str | None, page: PageRequest
    ) -> list[Slot]:
        found = [
            held.slot
            for held in self._of(academy_id)
            if (academic_year is None or held.slot.academic_year == academic_year)
            and (page.after is None or held.slot.key > page.after)
        ]
        return sorted(found, key=lambda slot: slot.key)[: page.fetch]

    async def submitted_returns(self, academy_id: str) -> list[SubmittedReturn]:
        return [
            SubmittedReturn(
                held.slot.return_type,
                held.slot.academic_year,
                held.slot.term,
                held.slot.half_term,
                held.submitted_at.date(),
            )
            for held in self._of(academy_id)
        ]

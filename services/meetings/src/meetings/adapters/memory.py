"""The read-table ports in memory, for application tests without a database.

Like chassis.memory_store for the event store: the handlers run against these
exactly as against the asyncpg adapters (read_tables), with the same order and
page keys (the facts' are trustfacts.memory.InMemoryFacts). They are not
transactional: a write lands when it is called (``execute`` calls ``after``
last, just before the commit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from meetings.application.ports import (
    ActionQuery,
    MeetingRow,
    NotesText,
    action_key,
    action_listed,
    meeting_key,
)
from meetings.domain.action import ActionState

T = TypeVar("T")


def _page(
    items: Iterable[T], key: Callable[[T], Any], after: Sequence[object] | None, limit: int
) -> list[T]:
    """Up to ``limit`` items in ``key`` order after the key ``after``, as the SQL reads."""
    ordered = sorted(items, key=key)
    return [i for i in ordered if after is None or key(i) > tuple(after)][:limit]


def _same_party(a: Any, b: Any) -> bool:
    return bool((a.trust_id, a.academy_id) == (b.trust_id, b.academy_id))


@dataclass
class MemoryMeetingList:
    rows: dict[str, MeetingRow] = field(default_factory=dict)

    async def locate(self, meeting_id: str) -> MeetingRow | None:
        return self.rows.get(meeting_id)

    async def save(self, conn: Any, row: MeetingRow) -> bool:
        kept = self.rows.get(row.meeting_id)
        if kept is not None and not _same_party(kept, row):
            return False
        self.rows[row.meeting_id] = row
        return True

    def _of(self, trust_id: str, academy_id: str | None, year: str) -> list[MeetingRow]:
        return [
            r
            for r in self.rows.values()
            if (r.trust_id, r.academy_id, r.academic_year) == (trust_id, academy_id, year)
        ]

    async def of_party(
        self, trust_id: str, academy_id: str | None, academic_year: str
    ) -> list[str]:
        rows = sorted(self._of(trust_id, academy_id, academic_year), key=meeting_key)
        return [r.meeting_id for r in rows]

    async def page(
        self,
        trust_id: str,
        academy_id: str | None,
        academic_year: str,
        status: str | None,
        after: Sequence[object] | None,
        limit: int,
    ) -> list[MeetingRow]:
        rows = [
            r
            for r in self._of(trust_id, academy_id, academic_year)
            if status is None or r.status == status
        ]
        return _page(rows, meeting_key, after, limit)


@dataclass
class MemoryActionList:
    rows: dict[str, ActionState] = field(default_factory=dict)

    async def find(self, action_id: str) -> ActionState | None:
        return self.rows.get(action_id)

    async def save(self, conn: Any, action: ActionState) -> bool:
        kept = self.rows.get(action.action_id)
        if kept is not None and not _same_party(kept, action):
            return False
        self.rows[action.action_id] = action
        return True

    async def of_party(self, trust_id: str, academy_id: str | None) -> list[ActionState]:
        found = [
            a for a in self.rows.values() if (a.trust_id, a.academy_id) == (trust_id, academy_id)
        ]
        return sorted(found, key=action_key)

    async def page(
        self, query: ActionQuery, after: Sequence[object] | None, limit: int
    ) -> list[ActionState]:
        found = [a for a in self.rows.values() if action_listed(a, query)]
        return _page(found, action_key, after, limit)


@dataclass
class MemoryNotes:
    """NotesTexts; ``taken``: ids another writer holds (as a concurrent draft would)."""

    texts: dict[str, NotesText] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)

    async def find(self, notes_id: str) -> NotesText | None:
        return self.texts.get(notes_id)

    async def save(self, conn: Any, notes: NotesText) -> bool:
        if notes.notes_id in self.texts or notes.notes_id in self.taken:
            return False
        self.texts[notes.notes_id] = notes
        return True

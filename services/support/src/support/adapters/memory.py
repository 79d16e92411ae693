"""The read-table ports in memory, for application tests without a database.

Like chassis.memory_store for the event store: the handlers run against these
exactly as against the asyncpg adapters (read_tables.py), with the same order
and page keys (the contract test says so). Not transactional: a write lands
when it is called (``execute`` calls ``after`` last, just before the commit).
The facts in memory are trustfacts.memory.InMemoryFacts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from support.application.ports import DeliveryNote, IndexQuery, IndexRow, index_key, listed


@dataclass
class MemoryIndex:
    rows: dict[tuple[str, str], IndexRow] = field(default_factory=dict)

    async def find(self, kind: str, entity_id: str) -> IndexRow | None:
        return self.rows.get((kind, entity_id))

    async def save(self, conn: Any, row: IndexRow) -> bool:
        kept = self.rows.get((row.kind, row.entity_id))
        if kept is not None and kept.owner != row.owner:
            return False
        self.rows[(row.kind, row.entity_id)] = row
        return True

    async def page(
        self, query: IndexQuery, after: Sequence[object] | None, limit: int
    ) -> list[IndexRow]:
        found = sorted((r for r in self.rows.values() if listed(r, query)), key=index_key)
        return [r for r in found if after is None or index_key(r) > tuple(after)][:limit]


@dataclass
class MemoryNotes:
    notes: dict[str, DeliveryNote] = field(default_factory=dict)

    async def of_commission(self, commission_id: str) -> dict[str, DeliveryNote]:
        return {i: n for i, n in self.notes.items() if n.commission_id == commission_id}

    async def save(self, conn: Any, note: DeliveryNote) -> bool:
        if note.delivery_id in self.notes:
            return False
        self.notes[note.delivery_id] = note
        return True

"""Confidential concerns' text, in evaluations' own database only.

Written in the same transaction as the ConcernRaised event (the session's
connection); the event itself never carries the text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg
from chassis.envelope import Actor

from evaluations.application.ports import ConcernNote

SCHEMA = [
    """
    CREATE TABLE IF NOT EXISTS concern_notes (
        concern_id text PRIMARY KEY, academy_id text NOT NULL, trust_id text NOT NULL,
        text text NOT NULL, raised_by text NOT NULL, raised_by_role text NOT NULL,
        raised_at timestamptz NOT NULL DEFAULT now()
    )
    """,
]


def _note(row: Any) -> ConcernNote:
    return ConcernNote(
        concern_id=row["concern_id"],
        academy_id=row["academy_id"],
        trust_id=row["trust_id"],
        text=row["text"],
        raised_by=Actor(subject=row["raised_by"], role=row["raised_by_role"]),
        raised_at=row["raised_at"],
    )


class PostgresConcerns:
    """The concerns port (application.ports.ConcernsPort) on PostgreSQL."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def find(self, concern_id: str) -> ConcernNote | None:
        async with self._pool.acquire() as conn:
            row = await conn.fetchrow(
                "SELECT * FROM concern_notes WHERE concern_id = $1", concern_id
            )
        return _note(row) if row else None

    async def save(self, conn: asyncpg.Connection, note: ConcernNote) -> bool:
        inserted = await conn.fetchval(
            "INSERT INTO concern_notes (concern_id, academy_id, trust_id, text, raised_by, "
            "raised_by_role, raised_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
            "ON CONFLICT (concern_id) DO NOTHING RETURNING true",
            note.concern_id,
            note.academy_id,
            note.trust_id,
            note.text,
            note.raised_by.subject,
            note.raised_by.role,
            note.raised_at,
        )
        return bool(inserted)

    async def page(
        self, academy_id: str, after: Sequence[object] | None, limit: int
    ) -> list[ConcernNote]:
        at, concern_id = after if after is not None else (None, None)
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(
                "SELECT * FROM concern_notes WHERE academy_id = $1 AND ($2::timestamptz IS NULL "
                "OR (raised_at, concern_id) > ($2::timestamptz, $3::text)) "
                "ORDER BY raised_at, concern_id LIMIT $4",
                academy_id,
                at,
                concern_id,
                limit,
            )
        return [_note(row) for row in rows]

"""The support service's own read tables on PostgreSQL (application/ports.py):
the index of requests, providers, commissions, invoices, budgets and
entitlements, and the delivery notes (kept only here).

Writes take the event store's session connection, so they commit with the
events they reflect; reads use the pool (the API) or the consumer's connection.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg
from chassis.connection import Connector

from support.application.ports import DeliveryNote, IndexQuery, IndexRow

SCHEMA = [
    """
    CREATE TABLE IF NOT EXISTS support_index (
        kind text NOT NULL, entity_id text NOT NULL, trust_id text NOT NULL,
        academy_id text, academic_year text, provider_id text, request_id text,
        status text NOT NULL, tags text[] NOT NULL, sort_key text NOT NULL,
        PRIMARY KEY (kind, entity_id)
    )
    """,
    "CREATE INDEX IF NOT EXISTS support_index_list ON support_index "
    "(kind, trust_id, sort_key, entity_id)",
    # Only here: a delivery's note never travels in an event.
    """
    CREATE TABLE IF NOT EXISTS support_delivery_notes (
        delivery_id text PRIMARY KEY, commission_id text NOT NULL, text text NOT NULL,
        author_subject text NOT NULL, kept_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    "CREATE INDEX IF NOT EXISTS support_delivery_notes_commission "
    "ON support_delivery_notes (commission_id)",
]

_SAME_OWNER = (
    "support_index.trust_id = EXCLUDED.trust_id "
    "AND support_index.academy_id IS NOT DISTINCT FROM EXCLUDED.academy_id "
    "AND support_index.academic_year IS NOT DISTINCT FROM EXCLUDED.academic_year "
    "AND support_index.provider_id IS NOT DISTINCT FROM EXCLUDED.provider_id"
)


def _row(record: Any) -> IndexRow:
    values = dict(record.items())
    values["tags"] = tuple(values["tags"])
    return IndexRow(**values)


class PostgresIndex:
    def __init__(self, source: asyncpg.Pool | asyncpg.Connection) -> None:
        self._connect = Connector(source)

    async def find(self, kind: str, entity_id: str) -> IndexRow | None:
        async with self._connect() as conn:
            record = await conn.fetchrow(
                "SELECT * FROM support_index WHERE kind = $1 AND entity_id = $2", kind, entity_id
            )
        return _row(record) if record else None

    async def save(self, conn: asyncpg.Connection, row: IndexRow) -> bool:
        kept = await conn.fetchval(
            "INSERT INTO support_index VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
            "ON CONFLICT (kind, entity_id) DO UPDATE SET request_id = EXCLUDED.request_id, "
            "status = EXCLUDED.status, tags = EXCLUDED.tags, sort_key = EXCLUDED.sort_key "
            f"WHERE {_SAME_OWNER} RETURNING true",
            row.kind,
            row.entity_id,
            row.trust_id,
            row.academy_id,
            row.academic_year,
            row.provider_id,
            row.request_id,
            row.status,
            list(row.tags),
            row.sort_key,
        )
        return bool(kept)

    async def page(
        self, query: IndexQuery, after: Sequence[object] | None, limit: int
    ) -> list[IndexRow]:
        sort_key, entity_id = after if after is not None else (None, None)
        only = sorted(query.only) if query.only is not None else None
        providers = sorted(query.providers) if query.providers is not None else None
        async with self._connect() as conn:
            records = await conn.fetch(
                "SELECT * FROM support_index WHERE kind = $1 AND trust_id = $2 "
                "AND ($3::text IS NULL OR academy_id = $3) "
                "AND ($4::text IS NULL OR academic_year = $4) "
                "AND ($5::text IS NULL OR provider_id = $5) "
                "AND ($6::text IS NULL OR request_id = $6) "
                "AND ($7::text IS NULL OR status = $7) "
                "AND ($8::text IS NULL OR $8 = ANY(tags)) "
                "AND ($9::text[] IS NULL OR academy_id = ANY($9::text[])) "
                "AND ($10::text[] IS NULL OR provider_id = ANY($10::text[])) "
                "AND ($11::text IS NULL OR (sort_key, entity_id) > ($11::text, $12::text)) "
                "ORDER BY sort_key, entity_id LIMIT $13",
                query.kind,
                query.trust_id,
                query.academy_id,
                query.academic_year,
                query.provider_id,
                query.request_id,
                query.status,
                query.tag,
                only,
                providers,
                sort_key,
                entity_id,
                limit,
            )
        return [_row(record) for record in records]


class PostgresNotes:
    def __init__(self, source: asyncpg.Pool | asyncpg.Connection) -> None:
        self._connect = Connector(source)

    async def of_commission(self, commission_id: str) -> dict[str, DeliveryNote]:
        async with self._connect() as conn:
            records = await conn.fetch(
                "SELECT delivery_id, commission_id, text, author_subject "
                "FROM support_delivery_notes WHERE commission_id = $1",
                commission_id,
            )
        return {r["delivery_id"]: DeliveryNote(**dict(r.items())) for r in records}

    async def save(self, conn: asyncpg.Connection, note: DeliveryNote) -> bool:
        kept = await conn.fetchval(
            "INSERT INTO support_delivery_notes (delivery_id, commission_id, text, "
            "author_subject) VALUES ($1, $2, $3, $4) ON CONFLICT (delivery_id) DO NOTHING "
            "RETURNING true",
            note.delivery_id,
            note.commission_id,
            note.text,
            note.author_subject,
        )
        return bool(kept)

"""The timeline read model in PostgreSQL.

The live model lives in schema ``public``; a rebuild can write a fresh copy to
another schema so it can be compared with (or swapped for) the live one.
Inserts are keyed by event id, so applying an event twice changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import asyncpg
from chassis.envelope import EventEnvelope

from reporting.domain.timeline import TimelineEntry, entry_for

LIVE_SCHEMA = "public"
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def schema_statements(schema: str = LIVE_SCHEMA) -> list[str]:
    table = _table(schema)
    return [
        f"CREATE SCHEMA IF NOT EXISTS {schema}",
        f"""
        CREATE TABLE IF NOT EXISTS {table} (
            event_id        uuid PRIMARY KEY,
            academy_id      text NOT NULL,
            trust_id        text NOT NULL,
            event_type      text NOT NULL,
            source_service  text NOT NULL,
            global_position bigint NOT NULL,
            occurred_at     timestamptz NOT NULL,
            actor_subject   text NOT NULL,
            actor_role      text NOT NULL,
            summary         text NOT NULL,
            confidential    boolean NOT NULL DEFAULT false
        )
        """,
        f"CREATE INDEX IF NOT EXISTS timeline_by_academy ON {table} "
        "(academy_id, occurred_at, source_service, global_position)",
    ]


# The columns the projection writes, in its order; the rebuild COPYs the same rows.
COLUMNS = (
    "event_id",
    "academy_id",
    "trust_id",
    "event_type",
    "source_service",
    "global_position",
    "occurred_at",
    "actor_subject",
    "actor_role",
    "summary",
    "confidential",
)


def timeline_row(entry: TimelineEntry) -> tuple[object, ...]:
    return (
        entry.event_id,
        entry.academy_id,
        entry.trust_id,
        entry.event_type,
        entry.source_service,
        entry.global_position,
        entry.occurred_at,
        entry.actor_subject,
        entry.actor_role,
        entry.summary,
        entry.confidential,
    )


def insert_into(table: str, columns: Sequence[str], casts: dict[str, str] | None = None) -> str:
    """``INSERT INTO table (columns) VALUES ($1, ...)``, a cast added where named."""
    casts = casts or {}
    values = ", ".join(f"${i}{casts.get(c, '')}" for i, c in enumerate(columns, start=1))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values})"


def qualified(schema: str, table: str) -> str:
    """``schema.table`` for a read model's table; the schema is checked, as it is
    put into SQL (a rebuild names its own)."""
    if not _IDENTIFIER.match(schema):
        raise ValueError(f"not a schema name: {schema!r}")
    return f"{schema}.{table}"


def _table(schema: str) -> str:
    return qualified(schema, "timeline_entries")


class TimelineStore:
    def __init__(self, schema: str = LIVE_SCHEMA) -> None:
        self.schema = schema
        self._table = _table(schema)

    async def project(self, conn: asyncpg.Connection, envelope: EventEnvelope) -> None:
        entry = entry_for(envelope)
        if entry is None:
            return
        await conn.execute(
            insert_into(self._table, COLUMNS) + " ON CONFLICT (event_id) DO NOTHING",
            *timeline_row(entry),
        )

    async def trust_of(self, conn: asyncpg.Connection, academy_id: str) -> str | None:
        """The trust of an academy the timeline knows, or None."""
        trust_id: str | None = await conn.fetchval(
            f"SELECT trust_id FROM {self._table} WHERE academy_id = $1 LIMIT 1", academy_id
        )
        return trust_id

    async def page(
        self,
        conn: asyncpg.Connection,
        academy_id: str,
        with_confidential: bool,
        after: Sequence[object] | None,
        limit: int,
    ) -> list[TimelineEntry]:
        """The academy's entries in timeline order after the ``timeline_key`` ``after``,
        at most ``limit``; confidential ones only ``with_confidential``."""
        at, source, position = after if after is not None else (None, None, None)
        rows = await conn.fetch(
            f"SELECT * FROM {self._table} WHERE academy_id = $1 AND ($2 OR NOT confidential) "
            "AND ($3::timestamptz IS NULL OR (occurred_at, source_service, global_position) "
            "> ($3::timestamptz, $4::text, $5::bigint)) "
            "ORDER BY occurred_at, source_service, global_position LIMIT $6",
            academy_id,
            with_confidential,
            at,
            source,
            position,
            limit,
        )
        return [TimelineEntry(**dict(row.items())) for row in rows]

    async def all_entries(self, conn: asyncpg.Connection) -> list[TimelineEntry]:
        rows = await conn.fetch(
            f"SELECT * FROM {self._table} "
            "ORDER BY academy_id, occurred_at, source_service, global_position"
        )
        return [TimelineEntry(**dict(row.items())) for row in rows]


class PostgresTimeline:
    """The timeline port (application.timeline.TimelinePort) on the live model."""

    def __init__(self, pool: asyncpg.Pool, store: TimelineStore) -> None:
        self._pool = pool
        self._store = store

    async def trust_of(self, academy_id: str) -> str | None:
        async with self._pool.acquire() as conn:
            return await self._store.trust_of(conn, academy_id)

    async def page(
        self,
        academy_id: str,
        with_confidential: bool,
        after: Sequence[object] | None,
        limit: int,
    ) -> list[TimelineEntry]:
        async with self._pool.acquire() as conn:
            return await self._store.page(conn, academy_id, with_confidential, after, limit)

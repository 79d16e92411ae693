"""The support ledger's events in PostgreSQL; the ledger is folded on read.

Why a table of events and not running totals: the ledger's figures depend on
which budget revision is in force, on credit notes that undo invoices, on
varied and cancelled commissions and on names that change; folding the
relevant events of one trust's year on each read (domain/ledger.py, pure) keeps
every rule in one place, written once and tested without a database, and a
trust's year is a few thousand events at most, read by one indexed query.
Incremental tables would duplicate support's rules in SQL for no need.

Inserts are keyed by event id, so applying an event twice changes nothing; the
live model is in schema ``public``, a rebuild may write a copy to another.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

import asyncpg
from chassis.envelope import EventEnvelope

from reporting.adapters.timeline_store import LIVE_SCHEMA, insert_into, qualified
from reporting.domain.ledger import MONEY_EVENTS, LedgerEvent, ledger_event

TABLE = "ledger_events"


def _table(schema: str) -> str:
    return qualified(schema, TABLE)


def schema_statements(schema: str = LIVE_SCHEMA) -> list[str]:
    table = _table(schema)
    return [
        f"CREATE SCHEMA IF NOT EXISTS {schema}",
        f"""
        CREATE TABLE IF NOT EXISTS {table} (
            event_id        uuid PRIMARY KEY,
            trust_id        text NOT NULL,
            academy_id      text NOT NULL,
            academic_year   text NOT NULL,
            event_type      text NOT NULL,
            source_service  text NOT NULL,
            global_position bigint NOT NULL,
            occurred_at     timestamptz NOT NULL,
            payload         jsonb NOT NULL
        )
        """,
        f"CREATE INDEX IF NOT EXISTS ledger_by_trust_year ON {table} (trust_id, academic_year)",
    ]


def _event(row: asyncpg.Record) -> LedgerEvent:
    values = dict(row.items())
    return LedgerEvent(**values)


# The columns the projection writes, in its order; the rebuild COPYs the same rows.
COLUMNS = (
    "event_id",
    "trust_id",
    "academy_id",
    "academic_year",
    "event_type",
    "source_service",
    "global_position",
    "occurred_at",
    "payload",
)


def ledger_row(event: LedgerEvent, payload: object) -> tuple[object, ...]:
    """The event's row, its payload as the writer encodes it (a dict for the
    pool's codec, JSON text for a COPY)."""
    return (
        event.event_id,
        event.trust_id,
        event.academy_id,
        event.academic_year,
        event.event_type,
        event.source_service,
        event.global_position,
        event.occurred_at,
        payload,
    )


class LedgerStore:
    def __init__(self, schema: str = LIVE_SCHEMA) -> None:
        self.schema = schema
        self.table = self._table = _table(schema)

    async def project(self, conn: asyncpg.Connection, envelope: EventEnvelope) -> None:
        event = ledger_event(envelope)
        if event is None or not event.trust_id:
            return
        await conn.execute(
            insert_into(self._table, COLUMNS, {"payload": "::jsonb"})
            + " ON CONFLICT (event_id) DO NOTHING",
            # The pool's codec writes the payload as a JSON object.
            *ledger_row(event, dict(event.payload)),
        )

    async def events(
        self, conn: asyncpg.Connection, trust_id: str, academic_year: str
    ) -> list[LedgerEvent]:
        """The trust's events of the year, and its names (which have no year)."""
        rows = await conn.fetch(
            f"SELECT * FROM {self._table} WHERE trust_id = $1 AND academic_year IN ($2, '') "
            "ORDER BY source_service, global_position",
            trust_id,
            academic_year,
        )
        return [_event(row) for row in rows]

    async def money_events(
        self, conn: asyncpg.Connection, trust_id: str, academic_year: str, known_by: dt.datetime
    ) -> list[LedgerEvent]:
        """The trust's money events of the year known by then (no names), in no
        particular order: what the board report's spend folds (it sorts)."""
        rows = await conn.fetch(
            "SELECT event_id, trust_id, academy_id, academic_year, event_type, source_service, "
            f"global_position, occurred_at, payload::text FROM {self._table} "
            "WHERE trust_id = $1 AND academic_year = $2 AND event_type = ANY($3::text[]) "
            "AND occurred_at <= $4",
            trust_id,
            academic_year,
            sorted(MONEY_EVENTS),
            known_by,
        )
        # The payloads as one JSON document: one call of the decoder for them all
        # (what the pool's codec would make of each, at a fraction of the cost).
        payloads = json.loads("[" + ",".join([row[8] for row in rows]) + "]")
        return [
            LedgerEvent(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], payload)
            for r, payload in zip(rows, payloads, strict=True)
        ]

    async def version(
        self, conn: asyncpg.Connection, trust_id: str, academic_year: str
    ) -> tuple[int, ...]:
        """The trust's events of the year counted: events are only ever added
        (once each), so any new one changes this."""
        count = await conn.fetchval(
            f"SELECT count(*) FROM {self._table} WHERE trust_id = $1 AND academic_year = $2",
            trust_id,
            academic_year,
        )
        return (count,)

    async def all_events(self, conn: asyncpg.Connection) -> list[LedgerEvent]:
        rows = await conn.fetch(f"SELECT * FROM {self._table} ORDER BY event_id")
        return [_event(row) for row in rows]


class PostgresLedger:
    """The ledger port (application.ledger.LedgerPort) on the live model."""

    def __init__(self, pool: asyncpg.Pool, store: LedgerStore) -> None:
        self._pool = pool
        self._store = store

    async def events(self, trust_id: str, academic_year: str) -> Sequence[LedgerEvent]:
        async with self._pool.acquire() as conn:
            return await self._store.events(conn, trust_id, academic_year)

    async def money_events(
        self, trust_id: str, academic_year: str, known_by: dt.datetime
    ) -> Sequence[LedgerEvent]:
        async with self._pool.acquire() as conn:
            return await self._store.money_events(conn, trust_id, academic_year, known_by)

    async def version(self, trust_id: str, academic_year: str) -> tuple[int, ...]:
        async with self._pool.acquire() as conn:
            return await self._store.version(conn, trust_id, academic_year)

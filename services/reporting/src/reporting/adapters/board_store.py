"""The board's facts in PostgreSQL: every version of every fact, with when it
became known (domain/board_facts.py says why versions).

The projection runs in the consumer's transaction: for each fact an event
changes, it reads the fact's latest version, evolves it (pure) and appends the
next. The idempotent consumer applies an event once; a rebuild writes a copy to
another schema. Reading "as at" a time is one query: the latest version of each
fact known by then (DISTINCT ON over the index below). The board's report reads
the facts as known at up to three times in one query (``readings``): one walk
over the trust's versions in the index's order, each version read and decoded
once however many of the readings hold it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import asyncpg
from chassis.envelope import EventEnvelope

from reporting.adapters.timeline_store import LIVE_SCHEMA, qualified
from reporting.domain import board_facts as kinds
from reporting.domain.board_facts import Fact, fact_changes

TABLE = "board_facts"


def board_schema_statements(schema: str = LIVE_SCHEMA) -> list[str]:
    table = qualified(schema, TABLE)
    return [
        f"CREATE SCHEMA IF NOT EXISTS {schema}",
        f"""
        CREATE TABLE IF NOT EXISTS {table} (
            position      bigserial PRIMARY KEY,
            trust_id      text NOT NULL,
            academy_id    text NOT NULL,
            academic_year text NOT NULL,
            kind          text NOT NULL,
            key           text NOT NULL,
            known_at      timestamptz NOT NULL,
            event_id      uuid NOT NULL,
            value         jsonb NOT NULL
        )
        """,
        f"CREATE INDEX IF NOT EXISTS board_facts_latest ON {table} "
        "(trust_id, academy_id, kind, key, position DESC)",
        f"CREATE UNIQUE INDEX IF NOT EXISTS board_facts_once ON {table} (event_id, kind, key)",
        # The readings' walk: every version of a trust's facts in the order the
        # readings want them, answered from the index alone (no sort, so no
        # plan that depends on work_mem); values are fetched for the versions
        # picked only.
        f"CREATE INDEX IF NOT EXISTS board_facts_versions ON {table} "
        "(trust_id, academy_id, kind, key, position DESC) INCLUDE (known_at, academic_year)",
    ]


def _fact(row: asyncpg.Record) -> Fact:
    return Fact(row["academy_id"], row["academic_year"], row["kind"], row["key"], row["value"])


class BoardStore:
    def __init__(self, schema: str = LIVE_SCHEMA) -> None:
        self.schema = schema
        self.table = qualified(schema, TABLE)

    async def project(self, conn: asyncpg.Connection, envelope: EventEnvelope) -> None:
        trust_id = str(envelope.payload.get("trust_id") or "")
        for change in fact_changes(envelope):
            previous = await conn.fetchrow(
                f"SELECT academic_year, value FROM {self.table} "
                "WHERE trust_id = $1 AND academy_id = $2 AND kind = $3 AND key = $4 "
                "ORDER BY position DESC LIMIT 1",
                trust_id,
                change.academy_id,
                change.kind,
                change.key,
            )
            before = previous["value"] if previous else None
            year = change.academic_year
            if year is None:  # a later event about the fact: its year stays
                year = previous["academic_year"] if previous else ""
            await conn.execute(
                f"INSERT INTO {self.table} (trust_id, academy_id, academic_year, kind, key, "
                "known_at, event_id, value) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb) "
                # An event applied again (an in-place rebuild racing the live
                # consumer) adds no second version.
                "ON CONFLICT (event_id, kind, key) DO NOTHING",
                trust_id,
                change.academy_id,
                year,
                change.kind,
                change.key,
                envelope.occurred_at,
                envelope.event_id,
                change.evolve(before),  # the pool's codec writes it as a JSON object
            )

    async def facts(
        self,
        conn: asyncpg.Connection,
        trust_id: str,
        years: Sequence[str],
        known_by: dt.datetime,
    ) -> list[Fact]:
        """The trust's facts of these academic years (and timeless ones), each as
        its latest version known by ``known_by``."""
        rows = await conn.fetch(
            f"SELECT DISTINCT ON (academy_id, kind, key) academy_id, academic_year, kind, "
            f"key, value FROM {self.table} "
            "WHERE trust_id = $1 AND known_at <= $2 AND academic_year = ANY($3::text[]) "
            "ORDER BY academy_id, kind, key, position DESC",
            trust_id,
            known_by,
            ["", *years],
        )
        return [_fact(row) for row in rows]

    async def framework(
        self, conn: asyncpg.Connection, trust_id: str, years: Sequence[str], known_by: dt.datetime
    ) -> Fact | None:
        """The trust's framework fact as ``facts`` would read it by then, alone."""
        row = await conn.fetchrow(
            f"SELECT academy_id, academic_year, kind, key, value FROM {self.table} "
            "WHERE trust_id = $1 AND academy_id = '' AND kind = $2 AND known_at <= $3 "
            "AND academic_year = ANY($4::text[]) ORDER BY key, position DESC LIMIT 1",
            trust_id,
            kinds.FRAMEWORK,
            known_by,
            ["", *years],
        )
        return _fact(row) if row is not None else None

    def readings_query(self, readings: int) -> str:
        """The SQL of ``readings`` for that many times: $1 the trust, $2 the
        years, then the times, then the latest of them."""
        # For each fact, the latest version known by each time (the window's
        # max over its versions); a version is kept if some reading picks it,
        # with a bit per reading that does.
        picks = " | ".join(
            f"(CASE WHEN position = max(position) FILTER (WHERE known_at <= ${i + 3}) "
            f"OVER fact THEN {1 << i} ELSE 0 END)"
            for i in range(readings)
        )
        return (
            f"SELECT v.academy_id, v.academic_year, v.kind, v.key, f.value, v.readings FROM ("
            f"SELECT position, academy_id, academic_year, kind, key, {picks} AS readings "
            f"FROM {self.table} WHERE trust_id = $1 AND academic_year = ANY($2::text[]) "
            f"AND known_at <= ${readings + 3} "
            "WINDOW fact AS (PARTITION BY academy_id, kind, key)"
            # LIMIT 1: each value fetched by its key for the versions picked
            # only, never joined over the whole table.
            f") v CROSS JOIN LATERAL (SELECT value FROM {self.table} b "
            "WHERE b.position = v.position LIMIT 1) f WHERE v.readings <> 0 "
            "ORDER BY v.academy_id, v.kind, v.key, v.position DESC"
        )

    async def readings(
        self,
        conn: asyncpg.Connection,
        trust_id: str,
        years: Sequence[str],
        known_by: Sequence[dt.datetime],
    ) -> list[list[Fact]]:
        """``facts`` at each of these times, in one query: a version that several
        readings hold is one Fact, the same object in each list."""
        if not known_by:
            return []
        rows = await conn.fetch(
            self.readings_query(len(known_by)),
            trust_id,
            ["", *years],
            *known_by,
            max(known_by),
        )
        found: list[list[Fact]] = [[] for _ in known_by]
        bits = [(1 << i, found[i]) for i in range(len(known_by))]
        for row in rows:
            fact = Fact(row[0], row[1], row[2], row[3], row[4])
            readings = row[5]
            for bit, reading in bits:
                if readings & bit:
                    reading.append(fact)
        return found

    async def version(self, conn: asyncpg.Connection, trust_id: str) -> tuple[int, ...]:
        """The trust's versions counted and the latest's position: versions are
        only ever added, so any new one changes this."""
        row = await conn.fetchrow(
            f"SELECT count(*), coalesce(max(position), 0) FROM {self.table} WHERE trust_id = $1",
            trust_id,
        )
        return (row[0], row[1])

    async def all_versions(self, conn: asyncpg.Connection) -> list[tuple[object, ...]]:
        """Every version, position aside: a rebuild's copy equals the live one."""
        rows = await conn.fetch(
            f"SELECT trust_id, academy_id, academic_year, kind, key, known_at, event_id, "
            f"value::text FROM {self.table} ORDER BY trust_id, academy_id, kind, key, position"
        )
        return [tuple(row.values()) for row in rows]


class PostgresBoard:
    """The board facts port (application.board_report.BoardFacts) on the live model."""

    def __init__(self, pool: asyncpg.Pool, store: BoardStore) -> None:
        self._pool = pool
        self._store = store

    async def facts(self, trust_id: str, years: Sequence[str], known_by: dt.datetime) -> list[Fact]:
        async with self._pool.acquire() as conn:
            return await self._store.facts(conn, trust_id, years, known_by)

    async def framework(
        self, trust_id: str, years: Sequence[str], known_by: dt.datetime
    ) -> Fact | None:
        async with self._pool.acquire() as conn:
            return await self._store.framework(conn, trust_id, years, known_by)

    async def readings(
        self, trust_id: str, years: Sequence[str], known_by: Sequence[dt.datetime]
    ) -> list[list[Fact]]:
        async with self._pool.acquire() as conn:
            return await self._store.readings(conn, trust_id, years, known_by)

    async def version(self, trust_id: str) -> tuple[int, ...]:
        async with self._pool.acquire() as conn:
            return await self._store.version(conn, trust_id)

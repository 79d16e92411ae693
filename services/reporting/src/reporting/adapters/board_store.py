"""The board's facts in PostgreSQL: every version of every fact, with when it
became known (domain/board_facts.py says why versions), and each fact's current
version beside them.

The projection runs in the consumer's transaction: for each fact an event
changes, it reads the fact's current version, evolves it (pure), appends the
next to the history and makes it the current one, in one statement. The
idempotent consumer applies an event once; a rebuild writes a copy to another
schema (adapters/rebuild_writer.py keeps the current versions the same way).

Why a table of current versions: the board's report always reads the facts as
known now, and the facts as known at a past date mostly are those same
versions. So a reading takes each fact's current version when it was known by
the reading's time, and walks the history only for the facts recorded again
since (``readings``); the history's window is over those facts' versions, not
over the whole trust's. "Current" is kept per fact and academic year: a reading
of some years takes, of a fact's versions of those years, the latest known,
exactly as a walk over the history would.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

import asyncpg
from chassis.envelope import EventEnvelope

from reporting.adapters.timeline_store import LIVE_SCHEMA, insert_into, qualified
from reporting.domain import board_facts as kinds
from reporting.domain.board_facts import Fact, fact_changes
from reporting.domain.board_report import NOT_IN_LINES

TABLE = "board_facts"
CURRENT_TABLE = "board_facts_current"
# The history's columns the projection writes, in its order; the rebuild COPYs the same rows.
COLUMNS = (
    "trust_id",
    "academy_id",
    "academic_year",
    "kind",
    "key",
    "known_at",
    "event_id",
    "value",
)


def board_schema_statements(schema: str = LIVE_SCHEMA) -> list[str]:
    table = qualified(schema, TABLE)
    current = qualified(schema, CURRENT_TABLE)
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
        f"CREATE UNIQUE INDEX IF NOT EXISTS board_facts_once ON {table} (event_id, kind, key)",
        # The walk over a fact's versions in the order the readings want them,
        # answered from the index alone; values are fetched for the versions
        # picked only. (It has board_facts_latest's key, which it replaces.)
        f"CREATE INDEX IF NOT EXISTS board_facts_versions ON {table} "
        "(trust_id, academy_id, kind, key, position DESC) INCLUDE (known_at, academic_year)",
        f"DROP INDEX IF EXISTS {schema}.board_facts_latest",
        # Made, and filled from the history, once: a database from before it
        # existed gets each fact's latest version of each year.
        f"""
        DO $$ BEGIN
        IF to_regclass('{current}') IS NULL THEN
            CREATE TABLE {current} (
                trust_id      text NOT NULL,
                academy_id    text NOT NULL,
                academic_year text NOT NULL,
                kind          text NOT NULL,
                key           text NOT NULL,
                position      bigint NOT NULL,
                known_at      timestamptz NOT NULL,
                event_id      uuid NOT NULL,
                value         json NOT NULL,
                PRIMARY KEY (trust_id, academy_id, kind, key, academic_year)
            );
            {current_from_history(schema)};
        END IF;
        END $$
        """,
    ]


def current_from_history(schema: str, after_position: str = "0") -> str:
    """SQL making each fact's latest version (per year) among the history's
    versions after a position its current one: how a rebuild keeps the table
    after each batch, and how it was first filled."""
    table, current = qualified(schema, TABLE), qualified(schema, CURRENT_TABLE)
    return (
        f"INSERT INTO {current} (trust_id, academy_id, academic_year, kind, key, position, "
        "known_at, event_id, value) "
        "SELECT DISTINCT ON (trust_id, academy_id, kind, key, academic_year) trust_id, "
        f"academy_id, academic_year, kind, key, position, known_at, event_id, {_AS_READ} "
        f"FROM {table} WHERE position > {after_position} "
        "ORDER BY trust_id, academy_id, kind, key, academic_year, position DESC "
        f"{_NEWER_WINS.format(current=current)}"
    )


# The current value is kept as the text jsonb gives out (json, not jsonb): the
# same JSON as the history's value reads as, converted once as it is written
# rather than each time it is read.
_AS_READ = "value::text::json"
# A version replaces the current one only if it is later (positions only grow).
_NEWER_WINS = (
    "ON CONFLICT (trust_id, academy_id, kind, key, academic_year) DO UPDATE SET "
    "position = EXCLUDED.position, known_at = EXCLUDED.known_at, "
    "event_id = EXCLUDED.event_id, value = EXCLUDED.value "
    "WHERE {current}.position < EXCLUDED.position"
)


def _fact(row: asyncpg.Record) -> Fact:
    return Fact(row["academy_id"], row["academic_year"], row["kind"], row["key"], row["value"])


class BoardStore:
    def __init__(self, schema: str = LIVE_SCHEMA) -> None:
        self.schema = schema
        self.table = qualified(schema, TABLE)
        self.current = qualified(schema, CURRENT_TABLE)
        self._record = (
            f"WITH added AS ({insert_into(self.table, COLUMNS, {'value': '::jsonb'})} "
            # An event applied again (an in-place rebuild racing the live
            # consumer) adds no second version, and so changes no current one.
            "ON CONFLICT (event_id, kind, key) DO NOTHING RETURNING *) "
            f"INSERT INTO {self.current} (trust_id, academy_id, academic_year, kind, key, "
            "position, known_at, event_id, value) SELECT trust_id, academy_id, academic_year, "
            f"kind, key, position, known_at, event_id, {_AS_READ} FROM added "
            + _NEWER_WINS.format(current=self.current)
        )

    async def project(self, conn: asyncpg.Connection, envelope: EventEnvelope) -> None:
        trust_id = str(envelope.payload.get("trust_id") or "")
        for change in fact_changes(envelope):
            previous = await conn.fetchrow(
                f"SELECT academic_year, value FROM {self.current} "
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
                self._record,
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

    def readings_query(self, readings: int, lines_only: int = 0) -> str:
        """The SQL of ``readings`` for that many times: $1 the trust, $2 the
        years, then the times, then the latest of them. ``lines_only``: a bit
        per reading that takes no fact of the kinds no rating line reads."""
        times = [f"${i + 3}" for i in range(readings)]
        every = (1 << readings) - 1
        # The readings that want a fact: all, or those wanting every kind.
        skipped = ", ".join(f"'{kind}'" for kind in sorted(NOT_IN_LINES))
        wanted = f"(CASE WHEN kind IN ({skipped}) THEN {every & ~lines_only} ELSE {every} END)"
        # A bit per reading that takes the current version: known by its time.
        known = " | ".join(
            f"(CASE WHEN known_at <= {t} THEN {1 << i} ELSE 0 END)" for i, t in enumerate(times)
        )
        # For a fact recorded again since a reading's time, the latest of its
        # earlier versions known by then (the window's max over them), for the
        # readings the current version does not answer.
        picks = " | ".join(
            f"(CASE WHEN h.position = max(h.position) FILTER (WHERE h.known_at <= {t}) "
            f"OVER fact THEN {1 << i} ELSE 0 END)"
            for i, t in enumerate(times)
        )
        return (
            "WITH cur AS MATERIALIZED (SELECT position, academy_id, academic_year, kind, key, "
            f"value, ({known}) & {wanted} AS readings, {wanted} AS wanted FROM {self.current} "
            "WHERE trust_id = $1 AND academic_year = ANY($2::text[])), "
            "earlier AS (SELECT * FROM ("
            "SELECT h.position, h.academy_id, h.academic_year, h.kind, h.key, "
            f"({picks}) & c.wanted & ~c.readings AS readings FROM cur c JOIN {self.table} h "
            "ON h.trust_id = $1 AND h.academy_id = c.academy_id AND h.kind = c.kind "
            "AND h.key = c.key AND h.position < c.position "
            "WHERE c.readings <> c.wanted AND h.academic_year = c.academic_year "
            f"AND h.known_at <= ${readings + 3} "
            "WINDOW fact AS (PARTITION BY h.academy_id, h.kind, h.key, h.academic_year)"
            ") v WHERE v.readings <> 0) "
            "SELECT academy_id, academic_year, kind, key, value::text, readings, position "
            "FROM cur WHERE readings <> 0 UNION ALL "
            "SELECT e.academy_id, e.academic_year, e.kind, e.key, f.value::text, e.readings, "
            # LIMIT 1: each value fetched by its key for the versions picked only.
            f"e.position FROM earlier e CROSS JOIN LATERAL (SELECT value FROM {self.table} b "
            "WHERE b.position = e.position LIMIT 1) f "
            "ORDER BY 1, 3, 4, 7 DESC"
        )

    async def readings(
        self,
        conn: asyncpg.Connection,
        trust_id: str,
        years: Sequence[str],
        known_by: Sequence[dt.datetime],
        lines_only: Sequence[bool] = (),
    ) -> list[list[Fact]]:
        """``facts`` at each of these times, in one query: a version that several
        readings hold is one Fact, the same object in each list. A reading marked
        ``lines_only`` (a report only compared with) leaves out the kinds no
        rating line reads (domain.board_report.NOT_IN_LINES)."""
        if not known_by:
            return []
        mask = sum(1 << i for i, only in enumerate(lines_only) if only)
        rows = await conn.fetch(
            self.readings_query(len(known_by), mask),
            trust_id,
            ["", *years],
            *known_by,
            max(known_by),
        )
        # The values as one JSON document: one call of the decoder for them all
        # (what the pool's codec would make of each, at a fraction of the cost).
        values = json.loads("[" + ",".join([row[4] for row in rows]) + "]")
        found: list[list[Fact]] = [[] for _ in known_by]
        # Per reading, the fact it took last: of a fact's versions of several
        # years, a reading takes the latest (they come latest first).
        taken: list[tuple[str, str, str] | None] = [None] * len(known_by)
        bits = [(i, 1 << i, found[i]) for i in range(len(known_by))]
        for row, value in zip(rows, values, strict=True):
            fact = Fact(row[0], row[1], row[2], row[3], value)
            readings = row[5]
            name = (row[0], row[2], row[3])
            for i, bit, reading in bits:
                if readings & bit and taken[i] != name:
                    taken[i] = name
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

    async def all_current(self, conn: asyncpg.Connection) -> list[tuple[object, ...]]:
        """Every current version, position aside: a rebuild's copy equals the live one."""
        rows = await conn.fetch(
            f"SELECT trust_id, academy_id, academic_year, kind, key, known_at, event_id, "
            f"value::text FROM {self.current} ORDER BY trust_id, academy_id, kind, key, "
            "academic_year"
        )
        return [tuple(row.values()) for row in rows]

    async def latest_in_history(self, conn: asyncpg.Connection) -> list[tuple[object, ...]]:
        """What the current versions must be: each fact's latest version of each
        year in the history, as ``all_current`` lists them."""
        rows = await conn.fetch(
            f"SELECT DISTINCT ON (trust_id, academy_id, kind, key, academic_year) trust_id, "
            f"academy_id, academic_year, kind, key, known_at, event_id, value::text "
            f"FROM {self.table} ORDER BY trust_id, academy_id, kind, key, academic_year, "
            "position DESC"
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
        self,
        trust_id: str,
        years: Sequence[str],
        known_by: Sequence[dt.datetime],
        lines_only: Sequence[bool] = (),
    ) -> list[list[Fact]]:
        async with self._pool.acquire() as conn:
            return await self._store.readings(conn, trust_id, years, known_by, lines_only)

    async def version(self, trust_id: str) -> tuple[int, ...]:
        async with self._pool.acquire() as conn:
            return await self._store.version(conn, trust_id)

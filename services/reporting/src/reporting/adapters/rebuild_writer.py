"""The SQL side of a rebuild: the read models' rows written in large batches
with binary COPY, each batch with its checkpoint in one transaction.

Rows have the live stores' shapes (their INSERTs' columns, and the values they
pass, the jsonb text included); the tables are the stores' own, made by their
schema statements. A batch and the feed position it reaches commit together, so
after a crash the copy holds exactly the events up to its checkpoints, never
half a batch: a resumed rebuild continues after them and applies no event twice.
The board's current versions (board_store.CURRENT_TABLE) are not written as
rows: they are made in SQL from the history (board_store.current_from_history),
so they are the live store's by construction.

A fresh copy is loaded first and indexed after: its append-only tables (the
timeline, the ledger's events, the board's history) lose their keys and
indexes as the schema is made, the statements that make them again are kept in
the copy (``rebuild_deferred``), and ``finish`` runs them once the feeds are
replayed, then fills the current versions from the whole history, in one
transaction. Building an index once from all its rows costs PostgreSQL less
than keeping it up to date row by row (bench/rebuild.py prints the server's CPU
per event: 25.8 us with indexes kept row by row, 19.1 us deferred, 100,000
events back to back). Nothing reads a copy before it is finished; a
rebuild stopped part way still has its statements, and its resume finishes it.
A finished copy (no statements left) is caught up batch by batch instead: rows
into indexed tables, and each batch makes its latest versions the current ones.

jsonb and COPY: the platform's pools encode json/jsonb as text with
json.dumps (chassis.db), which binary COPY cannot use. The writer installs a
binary jsonb codec that sends the same JSON text (the rows carry it already
encoded, as json_text makes it), and hands the connection back expired
(Pool.expire_connections) so the pool reconnects it with its own codecs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from reporting.adapters import actions_store, board_store, ledger_store, timeline_store
from reporting.adapters.actions_store import ActionsStore, actions_schema_statements
from reporting.adapters.board_store import CURRENT_TABLE as BOARD_CURRENT_TABLE
from reporting.adapters.board_store import TABLE as BOARD_TABLE
from reporting.adapters.board_store import board_schema_statements, current_from_history
from reporting.adapters.ledger_store import TABLE as LEDGER_TABLE
from reporting.adapters.ledger_store import schema_statements as ledger_schema_statements
from reporting.adapters.timeline_store import LIVE_SCHEMA, qualified, schema_statements
from reporting.domain.actions import TrackedAction
from reporting.domain.ledger import LedgerEvent

TIMELINE_TABLE = "timeline_entries"
ACTIONS_TABLE = "owner_actions"
PROGRESS_TABLE = "rebuild_progress"
DEFERRED_TABLE = "rebuild_deferred"
# Only appended to while a copy loads: their keys and indexes can wait for the end.
# (owner_actions keeps its key: a batch replaces the actions it changed by it.)
_INDEXED_AFTER_LOADING = (TIMELINE_TABLE, LEDGER_TABLE, BOARD_TABLE)
_REBUILD_LOCK = 7061502  # advisory lock class (chassis.db's schema lock is 7061501)

# The live stores' columns, in their order: rows are COPYed as they INSERT them.
TIMELINE_COLUMNS = timeline_store.COLUMNS
LEDGER_COLUMNS = ledger_store.COLUMNS
BOARD_COLUMNS = board_store.COLUMNS
ACTION_COLUMNS = actions_store.COLUMNS


class RebuildRefused(Exception):
    """What was asked of a rebuild cannot be done (nothing to resume, one running)."""


Row = tuple[Any, ...]
FactKey = tuple[str, str, str, str]  # trust, academy, kind, key
FactVersion = tuple[str, str]  # academic year, the value's JSON text as the live store wrote it


# -- rows, as the live stores write them -------------------------------------------


def ledger_row(event: LedgerEvent) -> Row:
    return ledger_store.ledger_row(event, json_text(dict(event.payload)))


def board_row(
    key: FactKey, year: str, known_at: dt.datetime, event_id: uuid.UUID, value_text: str
) -> Row:
    trust_id, academy_id, kind, fact_key = key
    return (trust_id, academy_id, year, kind, fact_key, known_at, event_id, value_text)


def json_text(value: Any) -> str:
    """The JSON text a live store's pool sends for a jsonb value (chassis.db's codec)."""
    return json.dumps(value)


@dataclass
class Batch:
    """One batch's rows: appended ones, and the actions it changed as they now stand."""

    timeline: list[Row] = field(default_factory=list)
    ledger: list[Row] = field(default_factory=list)
    board: list[Row] = field(default_factory=list)
    actions: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class Checkpoint:
    """How far a feed is rebuilt: the last event's position, and how many so far."""

    feed: str
    position: int
    events: int


@dataclass
class SavedState:
    """What a resumed rebuild starts from."""

    checkpoints: dict[str, Checkpoint]
    facts: dict[FactKey, FactVersion]
    actions: dict[str, TrackedAction]


class RebuildWriter:
    """The target schema's tables, written by COPY; one connection, one writer."""

    def __init__(self, schema: str) -> None:
        self.schema = schema
        self.progress_table = qualified(schema, PROGRESS_TABLE)
        self._timeline = qualified(schema, TIMELINE_TABLE)
        self._ledger = qualified(schema, LEDGER_TABLE)
        self._board = qualified(schema, BOARD_TABLE)
        self._board_current = qualified(schema, BOARD_CURRENT_TABLE)
        self._current_after = current_from_history(schema, "$1")
        self._actions = qualified(schema, ACTIONS_TABLE)
        self._deferred = qualified(schema, DEFERRED_TABLE)
        # Whether the copy is still loading: its indexes and current versions wait.
        self.loading = False

    def _model_statements(self) -> list[str]:
        """The live stores' own schema statements, for this schema."""
        return [
            *schema_statements(self.schema),
            *actions_schema_statements(self.schema),
            *ledger_schema_statements(self.schema),
            *board_schema_statements(self.schema),
        ]

    async def claim(self, conn: asyncpg.Connection) -> None:
        """One rebuild of a schema at a time (a second would drop the first's
        tables under it): a session lock, gone with the connection."""
        claimed = await conn.fetchval(
            "SELECT pg_try_advisory_lock($1, hashtext($2))", _REBUILD_LOCK, self.schema
        )
        if not claimed:
            raise RebuildRefused(f"a rebuild of schema {self.schema} is running already")

    async def release(self, conn: asyncpg.Connection) -> None:
        # A session that is gone took its lock with it (the pool closes it anyway).
        with contextlib.suppress(asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
            await conn.execute(
                "SELECT pg_advisory_unlock($1, hashtext($2))", _REBUILD_LOCK, self.schema
            )

    async def create_fresh(self, conn: asyncpg.Connection) -> None:
        """Drop the schema (a copy: never the live one) and make its empty tables."""
        if self.schema == LIVE_SCHEMA:
            raise ValueError("the live schema is rebuilt in place (empty_live), never dropped")
        async with conn.transaction():
            await conn.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")
            for statement in self._model_statements():
                await conn.execute(statement)
            await conn.execute(
                f"CREATE TABLE {self.progress_table} (feed text PRIMARY KEY, "
                "position bigint NOT NULL, events bigint NOT NULL)"
            )
            await self._defer_indexes(conn)
        self.loading = True

    async def _defer_indexes(self, conn: asyncpg.Connection) -> None:
        """Drop the append-only tables' keys and indexes, keeping the statements
        that make them again exactly (names and definitions, as PostgreSQL gives them)."""
        tables = [f"{self.schema}.{table}" for table in _INDEXED_AFTER_LOADING]
        constraints = await conn.fetch(
            "SELECT conrelid::regclass::text AS owner, conname, pg_get_constraintdef(oid) AS def "
            "FROM pg_constraint WHERE conrelid = ANY($1::regclass[]) AND contype IN ('p', 'u') "
            "ORDER BY conrelid::regclass::text, conname",
            tables,
        )
        indexes = await conn.fetch(
            "SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def "
            "FROM pg_index i WHERE i.indrelid = ANY($1::regclass[]) AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
            "ORDER BY i.indexrelid::regclass::text",
            tables,
        )
        await conn.execute(
            f"CREATE TABLE {self._deferred} (n serial PRIMARY KEY, statement text NOT NULL)"
        )
        remake = [
            f"ALTER TABLE {c['owner']} ADD CONSTRAINT {c['conname']} {c['def']}"
            for c in constraints
        ] + [i["def"] for i in indexes]
        await conn.executemany(
            f"INSERT INTO {self._deferred} (statement) VALUES ($1)", [(s,) for s in remake]
        )
        for c in constraints:
            await conn.execute(f"ALTER TABLE {c['owner']} DROP CONSTRAINT {c['conname']}")
        for i in indexes:
            await conn.execute(f"DROP INDEX {i['name']}")

    async def finish(self, conn: asyncpg.Connection) -> None:
        """A loaded copy's keys and indexes made, and its current versions filled
        from the whole history, in one transaction (nothing to do for a copy
        finished before, or the live schema)."""
        if not self.loading:
            return
        async with conn.transaction():
            for row in await conn.fetch(f"SELECT statement FROM {self._deferred} ORDER BY n"):
                await conn.execute(row["statement"])
            await conn.execute(current_from_history(self.schema))
            await conn.execute(f"DELETE FROM {self._deferred}")
        self.loading = False

    async def empty_live(self, conn: asyncpg.Connection) -> None:
        """In the caller's transaction: the live tables, made if missing, emptied
        (no checkpoints: it is all one transaction). TRUNCATE's lock makes live
        consumers (and readers) wait for the commit."""
        for statement in self._model_statements():
            await conn.execute(statement)
        await conn.execute(
            f"TRUNCATE {self._timeline}, {self._actions}, {self._ledger}, {self._board}, "
            f"{self._board_current}"
        )

    async def saved_state(self, conn: asyncpg.Connection) -> SavedState:
        """The checkpoints, each fact's latest version and every action, read with
        the connection's own codecs: what a live store would read back."""
        exists = await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", self.progress_table)
        if not exists:
            raise RebuildRefused(
                f"nothing to resume in schema {self.schema}: it has no {PROGRESS_TABLE} "
                "(rebuild it without resume first)"
            )
        rows = await conn.fetch(f"SELECT feed, position, events FROM {self.progress_table}")
        checkpoints = {r["feed"]: Checkpoint(r["feed"], r["position"], r["events"]) for r in rows}
        self.loading = bool(
            await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", self._deferred)
            and await conn.fetchval(f"SELECT count(*) FROM {self._deferred}")
        )
        # A fact's latest version (of whichever year), as the live store reads it
        # back: its latest current one, which is its latest in the history (read
        # from there, as a copy still loading has no current versions yet).
        facts = await conn.fetch(
            f"SELECT DISTINCT ON (trust_id, academy_id, kind, key) trust_id, academy_id, kind, "
            f"key, academic_year, value FROM {self._board} "
            "ORDER BY trust_id, academy_id, kind, key, position DESC"
        )
        actions = await ActionsStore(self.schema).all_actions(conn)
        return SavedState(
            checkpoints,
            {
                (f["trust_id"], f["academy_id"], f["kind"], f["key"]): (
                    f["academic_year"],
                    json_text(f["value"]),
                )
                for f in facts
            },
            {a.action_id: a for a in actions},
        )

    async def use_copy_codecs(self, conn: asyncpg.Connection) -> None:
        """Binary jsonb for COPY: the rows' JSON text, as the live INSERT sends it."""
        await conn.set_type_codec(
            "jsonb",
            schema="pg_catalog",
            format="binary",
            encoder=_jsonb_from_text,
            decoder=_jsonb_text,
        )

    async def write(
        self, conn: asyncpg.Connection, batch: Batch, checkpoint: Checkpoint | None
    ) -> None:
        """The batch's rows (and its checkpoint) in one transaction, or in the
        caller's when it has one open (in place)."""
        if conn.is_in_transaction():
            await self._write(conn, batch, checkpoint)
            return
        async with conn.transaction():
            await self._write(conn, batch, checkpoint)

    async def _write(
        self, conn: asyncpg.Connection, batch: Batch, checkpoint: Checkpoint | None
    ) -> None:
        await _copy(conn, self.schema, TIMELINE_TABLE, TIMELINE_COLUMNS, batch.timeline)
        await _copy(conn, self.schema, LEDGER_TABLE, LEDGER_COLUMNS, batch.ledger)
        if batch.board and self.loading:
            await _copy(conn, self.schema, BOARD_TABLE, BOARD_COLUMNS, batch.board)
        elif batch.board:
            # The versions just written get positions after the last one there;
            # the latest of them per fact and year become the current ones, as
            # the live store makes each as it writes it.
            before = await conn.fetchval(f"SELECT coalesce(max(position), 0) FROM {self._board}")
            await _copy(conn, self.schema, BOARD_TABLE, BOARD_COLUMNS, batch.board)
            await conn.execute(self._current_after, before)
        if batch.actions:
            # An action changed again since an earlier batch: its row is replaced.
            ids = [row[0] for row in batch.actions]
            await conn.execute(
                f"DELETE FROM {self._actions} WHERE action_id = ANY($1::text[])", ids
            )
            await _copy(conn, self.schema, ACTIONS_TABLE, ACTION_COLUMNS, batch.actions)
        if checkpoint is not None:
            await conn.execute(
                f"INSERT INTO {self.progress_table} (feed, position, events) VALUES ($1, $2, $3) "
                "ON CONFLICT (feed) DO UPDATE SET position = EXCLUDED.position, "
                "events = EXCLUDED.events",
                checkpoint.feed,
                checkpoint.position,
                checkpoint.events,
            )


async def _copy(
    conn: asyncpg.Connection,
    schema: str,
    table: str,
    columns: Sequence[str],
    rows: Sequence[Row],
) -> None:
    if rows:
        await conn.copy_records_to_table(table, schema_name=schema, columns=columns, records=rows)


_JSONB_VERSION = b"\x01"  # jsonb's binary form: a version byte, then the text


def _jsonb_from_text(text: str) -> bytes:
    return _JSONB_VERSION + text.encode()


def _jsonb_text(data: bytes) -> str:
    return data[1:].decode()

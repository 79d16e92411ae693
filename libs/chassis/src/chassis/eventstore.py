"""PostgreSQL event store: one table per service, optimistic concurrency.

Each event row is also its own outbox row. ``global_position`` is left empty
on append and assigned later, in commit order, by the relay's sequencer
(see relay.py); that gives every service a gap-free feed whose order never
changes after a reader has seen it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

import asyncpg
from opentelemetry import trace

from chassis import clock
from chassis.envelope import (
    DEFAULT_MAX_MESSAGE_BYTES,
    PUBLISH_HEADER_ALLOWANCE,
    CausationContext,
    EventEnvelope,
    NewEvent,
)
from chassis.errors import ConcurrencyConflict, InvalidArgument
from chassis.telemetry import current_trace_carrier

SCHEMA = [
    """
    CREATE TABLE IF NOT EXISTS events (
        id              bigserial PRIMARY KEY,
        global_position bigint UNIQUE,
        tx_id           xid8 NOT NULL DEFAULT pg_current_xact_id(),
        event_id        uuid NOT NULL UNIQUE,
        event_type      text NOT NULL,
        schema_version  int NOT NULL,
        stream          text NOT NULL,
        stream_position bigint NOT NULL,
        partition_key   text NOT NULL,
        occurred_at     timestamptz NOT NULL,
        payload         jsonb NOT NULL,
        metadata        jsonb NOT NULL,
        UNIQUE (stream, stream_position)
    )
    """,
    "CREATE INDEX IF NOT EXISTS events_unsequenced ON events (tx_id, id) "
    "WHERE global_position IS NULL",
]

_tracer = trace.get_tracer("chassis.eventstore")

_SELECT_COLUMNS = (
    "event_id, event_type, schema_version, stream, stream_position, global_position, "
    "partition_key, occurred_at, payload, metadata"
)


def envelope_from_row(row: Any, source: str) -> EventEnvelope:
    metadata = row["metadata"]
    return EventEnvelope(
        event_id=row["event_id"],
        event_type=row["event_type"],
        schema_version=row["schema_version"],
        stream=row["stream"],
        stream_position=row["stream_position"],
        global_position=row["global_position"],
        source=source,
        key=row["partition_key"],
        occurred_at=row["occurred_at"],
        actor=metadata["actor"],
        correlation_id=metadata["correlation_id"],
        causation_id=metadata.get("causation_id"),
        traceparent=metadata.get("traceparent"),
        tracestate=metadata.get("tracestate"),
        payload=row["payload"],
    )


class EventTooLarge(InvalidArgument):
    """An event that could never be published as one Kafka record."""


def check_publishable(envelopes: Sequence[EventEnvelope], max_message_bytes: int) -> None:
    """Refuse events larger than one Kafka record may be, before anything is stored.

    An event committed to the outbox but refused by the broker would be a poison
    record for the relay; refusing it here keeps it from ever existing.
    """
    for envelope in envelopes:
        size = envelope.record_size() + PUBLISH_HEADER_ALLOWANCE
        if size > max_message_bytes:
            raise EventTooLarge(
                f"the {envelope.event_type} event would be {size:,} bytes, over the "
                f"{max_message_bytes:,}-byte limit of one Kafka message; shorten the "
                "request's text or lists (nothing was recorded)"
            )


class PostgresEventStore:
    """Append-only event streams in one service's database."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        source: str,
        max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    ) -> None:
        self.pool = pool
        self.source = source  # the owning service's name, stamped on every envelope
        self.max_message_bytes = max_message_bytes
        self.appended = asyncio.Event()

    async def append(
        self,
        conn: asyncpg.Connection,
        stream: str,
        expected_version: int,
        events: Sequence[NewEvent],
        cause: CausationContext,
    ) -> list[EventEnvelope]:
        """Append ``events`` after ``expected_version`` inside the caller's transaction.

        Raises ConcurrencyConflict when the stream has moved on (another writer
        won); nothing is written then.
        """
        if not events:
            return []
        with _tracer.start_as_current_span(
            "eventstore.append",
            attributes={"event.stream": stream, "event.count": len(events)},
        ):
            carrier = current_trace_carrier()
            metadata = {
                "actor": cause.actor.model_dump(),
                "correlation_id": cause.correlation_id,
                "causation_id": cause.causation_id,
                **carrier,
            }
            now = clock.now()
            envelopes = [
                EventEnvelope(
                    event_id=event.event_id,
                    event_type=event.event_type,
                    schema_version=event.schema_version,
                    stream=stream,
                    stream_position=expected_version + index + 1,
                    source=self.source,
                    key=event.key,
                    occurred_at=now,
                    actor=cause.actor,
                    correlation_id=cause.correlation_id,
                    causation_id=cause.causation_id,
                    traceparent=carrier.get("traceparent"),
                    tracestate=carrier.get("tracestate"),
                    payload=event.payload,
                )
                for index, event in enumerate(events)
            ]
            check_publishable(envelopes, self.max_message_bytes)
            metadata_json = json.dumps(metadata)
            rows = [
                (
                    envelope.event_id,
                    envelope.event_type,
                    envelope.schema_version,
                    stream,
                    envelope.stream_position,
                    envelope.key,
                    now,
                    json.dumps(envelope.payload),
                    metadata_json,
                )
                for envelope in envelopes
            ]
            # No read of the stream's version first: the version came from a
            # load in this transaction (chassis.aggregate), so the stream can only
            # have moved on since, and UNIQUE(stream, stream_position) refuses that.
            try:
                # No savepoint (two more round trips per command): a conflict ends
                # the whole transaction, and the caller (chassis.aggregate) starts
                # a new one to reload and decide again.
                await conn.executemany(
                    "INSERT INTO events (event_id, event_type, schema_version, stream, "
                    "stream_position, partition_key, occurred_at, payload, metadata) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb, $9::text::jsonb)",
                    rows,
                )
            except asyncpg.UniqueViolationError as error:
                if "event_id" in (error.constraint_name or ""):
                    raise ConcurrencyConflict(
                        "an event with the same id was already appended (a retried request)"
                    ) from error
                raise ConcurrencyConflict(
                    f"stream {stream} has moved on from version {expected_version}: "
                    "someone else changed it first; reload and try again"
                ) from error
            return envelopes

    async def load(
        self, stream: str, conn: asyncpg.Connection | None = None
    ) -> list[EventEnvelope]:
        query = f"SELECT {_SELECT_COLUMNS} FROM events WHERE stream = $1 ORDER BY stream_position"
        if conn is not None:
            rows = await conn.fetch(query, stream)
        else:
            async with self.pool.acquire() as acquired:
                rows = await acquired.fetch(query, stream)
        return [envelope_from_row(row, self.source) for row in rows]

    async def read_feed(self, after_position: int, limit: int) -> list[EventEnvelope]:
        """Sequenced events after ``after_position``, in global order."""
        async with self.pool.acquire() as conn:
            rows = await conn.fetch(
                f"SELECT {_SELECT_COLUMNS} FROM events "
                "WHERE global_position > $1 ORDER BY global_position LIMIT $2",
                after_position,
                limit,
            )
        return [envelope_from_row(row, self.source) for row in rows]

    async def head_position(self) -> int:
        async with self.pool.acquire() as conn:
            return int(await conn.fetchval("SELECT coalesce(max(global_position), 0) FROM events"))

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[PostgresSession]:
        """One unit of work: appends and the service's own read-table writes
        (through ``session.conn``) commit together or not at all."""
        async with self.pool.acquire() as conn:
            session = PostgresSession(self, conn)
            async with conn.transaction():
                yield session
            if session.appended:
                # A hint for this process's relay, once the events are committed
                # and can be sequenced (woken earlier, it would only poll). No
                # NOTIFY: its global lock at commit would serialise every
                # writer's commit (no group commit).
                self.appended.set()

    @contextlib.asynccontextmanager
    async def reading(self) -> AsyncIterator[PostgresSession]:
        """A session for one read (a stream's load is a single statement, consistent
        on its own): no BEGIN and COMMIT round trips. Not for appends."""
        async with self.pool.acquire() as conn:
            yield PostgresSession(self, conn)


class PostgresSession:
    """The event store inside one PostgreSQL transaction (see chassis.aggregate)."""

    def __init__(self, store: PostgresEventStore, conn: asyncpg.Connection) -> None:
        self.store = store
        self.conn = conn
        self.appended = False

    async def load(self, stream: str) -> list[EventEnvelope]:
        return await self.store.load(stream, self.conn)

    async def append(
        self,
        stream: str,
        expected_version: int,
        events: Sequence[NewEvent],
        cause: CausationContext,
    ) -> list[EventEnvelope]:
        envelopes = await self.store.append(self.conn, stream, expected_version, events, cause)
        self.appended = self.appended or bool(envelopes)
        return envelopes

"""Transactional outbox relay: sequence committed events, publish them to Kafka.

Two steps, each safe to repeat after a crash:

1. Sequence. Assign ``global_position`` to events whose transactions are
   certainly finished: ``tx_id < pg_snapshot_xmin(pg_current_snapshot())``
   means no transaction that could still commit has an older id, so an event
   that commits late (after one with a higher bigserial id) is never skipped;
   it simply waits until it is visible, then gets the next position.
   Within one stream, positions must come out in stream order even when a
   later-positioned event's transaction has the older id (it took its id
   before reading the stream, e.g. by locking a row): an event waits while an
   earlier event of its stream is still unsequenced and would be ordered
   after it.
2. Publish. Send every event after the recorded checkpoint, in global order,
   keyed by its partition key (so per key in order), await the broker's acks,
   then move the checkpoint. A crash between the acks and the checkpoint
   republishes: at-least-once; consumers deduplicate by event id.

Only one relay per database runs at a time (a session advisory lock), so the
sequencer has no race on ``max(global_position)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

import asyncpg
from opentelemetry import trace
from opentelemetry.trace import SpanKind

from chassis.envelope import EventEnvelope
from chassis.eventstore import envelope_from_row
from chassis.telemetry import context_from_carrier, current_trace_carrier, kafka_headers

log = logging.getLogger(__name__)
_tracer = trace.get_tracer("chassis.relay")

RELAY_SCHEMA = [
    """
    CREATE TABLE IF NOT EXISTS relay_checkpoints (
        relay              text PRIMARY KEY,
        published_position bigint NOT NULL
    )
    """,
]

_RELAY_LOCK_KEY = 7061502
_HOT_WINDOW = 0.05  # seconds of quick polling after activity
_HOT_POLL = 0.002

_SEQUENCE_SQL = """
WITH horizon AS (
    SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin
),
ready AS (
    SELECT e.id, e.tx_id FROM events e, horizon
    WHERE e.global_position IS NULL
      AND e.tx_id < horizon.xmin
      AND NOT EXISTS (
          SELECT 1 FROM events p
          WHERE p.stream = e.stream
            AND p.stream_position < e.stream_position
            AND p.global_position IS NULL
            AND (p.tx_id >= horizon.xmin OR p.tx_id > e.tx_id)
      )
    ORDER BY e.tx_id, e.id
    LIMIT $1
    FOR UPDATE OF e
),
numbered AS (
    SELECT id, row_number() OVER (ORDER BY tx_id, id) AS n FROM ready
),
head AS (
    SELECT coalesce(max(global_position), 0) AS position FROM events
)
UPDATE events e SET global_position = head.position + numbered.n
FROM numbered, head
WHERE e.id = numbered.id
"""


class Publisher(Protocol):
    """Sends one message and returns an awaitable that resolves on the broker's ack."""

    async def send(
        self, topic: str, key: bytes, value: bytes, headers: list[tuple[str, bytes]]
    ) -> Awaitable[Any]: ...


class AioKafkaPublisher:
    """Publisher over aiokafka: idempotent producer, acks from all in-sync replicas."""

    def __init__(self, bootstrap_servers: str, client_id: str) -> None:
        from aiokafka import AIOKafkaProducer

        self._producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap_servers,
            client_id=client_id,
            acks="all",
            enable_idempotence=True,
            linger_ms=2,
            max_batch_size=262144,
        )

    async def start(self) -> None:
        await self._producer.start()

    async def stop(self) -> None:
        await self._producer.stop()

    async def send(
        self, topic: str, key: bytes, value: bytes, headers: list[tuple[str, bytes]]
    ) -> Awaitable[Any]:
        return await self._producer.send(topic, value=value, key=key, headers=headers)


def message_headers(envelope: EventEnvelope) -> list[tuple[str, bytes]]:
    return [
        ("event_id", str(envelope.event_id).encode()),
        ("event_type", envelope.event_type.encode()),
        ("schema_version", str(envelope.schema_version).encode()),
        ("source", envelope.source.encode()),
    ]


class OutboxRelay:
    def __init__(
        self,
        pool: asyncpg.Pool,
        publisher: Publisher,
        source: str,
        topic_for: Callable[[EventEnvelope], str],
        name: str = "kafka",
        batch_size: int = 1000,
        idle_poll_seconds: float = 0.25,
        wakeup: asyncio.Event | None = None,
    ) -> None:
        self._pool = pool
        self._publisher = publisher
        self._source = source
        self._topic_for = topic_for
        self._name = name
        self._batch_size = batch_size
        self._idle_poll = idle_poll_seconds
        # Set by this process's event store on append (before the commit lands).
        self._wakeup = wakeup or asyncio.Event()

    async def run(self) -> None:
        """Run until cancelled. Waits for the relay lock first (one relay per database)."""
        async with self._pool.acquire() as lock_conn:
            while not await lock_conn.fetchval("SELECT pg_try_advisory_lock($1)", _RELAY_LOCK_KEY):
                await asyncio.sleep(1.0)
            try:
                await self._loop()
            finally:
                with contextlib.suppress(Exception):
                    await lock_conn.execute("SELECT pg_advisory_unlock($1)", _RELAY_LOCK_KEY)

    async def _loop(self) -> None:
        backoff = 0.1
        loop = asyncio.get_running_loop()
        hot_until = 0.0
        while True:
            try:
                sequenced = await self.sequence_once()
                published = await self.publish_once()
                backoff = 0.1
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("relay %s failed; retrying from its checkpoint", self._source)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            if sequenced or published:
                hot_until = loop.time() + _HOT_WINDOW
                continue  # more may be waiting; go again without sleeping
            if loop.time() < hot_until:
                # Just woken or just busy: commits land a moment after the hint.
                await asyncio.sleep(_HOT_POLL)
                continue
            self._wakeup.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), self._idle_poll)
            hot_until = loop.time() + _HOT_WINDOW

    async def sequence_once(self) -> int:
        async with self._pool.acquire() as conn, conn.transaction():
            status = await conn.execute(_SEQUENCE_SQL, self._batch_size)
        return int(status.split()[-1])

    async def publish_once(self) -> int:
        async with self._pool.acquire() as conn:
            checkpoint = await conn.fetchval(
                "SELECT published_position FROM relay_checkpoints WHERE relay = $1", self._name
            )
            checkpoint = int(checkpoint or 0)
            rows = await conn.fetch(
                "SELECT event_id, event_type, schema_version, stream, stream_position, "
                "global_position, partition_key, occurred_at, payload, metadata FROM events "
                "WHERE global_position > $1 ORDER BY global_position LIMIT $2",
                checkpoint,
                self._batch_size,
            )
        if not rows:
            return 0
        envelopes = [envelope_from_row(row, self._source) for row in rows]
        await self._publish(envelopes)
        last = envelopes[-1].global_position
        async with self._pool.acquire() as conn:
            await conn.execute(
                "INSERT INTO relay_checkpoints (relay, published_position) VALUES ($1, $2) "
                "ON CONFLICT (relay) DO UPDATE SET published_position = EXCLUDED.published_position",
                self._name,
                last,
            )
        return len(envelopes)

    async def _publish(self, envelopes: Sequence[EventEnvelope]) -> None:
        acks = []
        for envelope in envelopes:
            topic = self._topic_for(envelope)
            parent = context_from_carrier(
                {
                    k: v
                    for k, v in (
                        ("traceparent", envelope.traceparent),
                        ("tracestate", envelope.tracestate),
                    )
                    if v
                }
            )
            with _tracer.start_as_current_span(
                f"publish {topic}",
                context=parent,
                kind=SpanKind.PRODUCER,
                attributes={
                    "messaging.system": "kafka",
                    "messaging.destination.name": topic,
                    "messaging.message.id": str(envelope.event_id),
                    "event.type": envelope.event_type,
                },
            ):
                # The message carries the publish span's context so the consumer
                # becomes its child, while the envelope keeps the request's.
                headers = message_headers(envelope) + kafka_headers(current_trace_carrier())
                acks.append(
                    await self._publisher.send(
                        topic, envelope.key.encode(), envelope.to_json_bytes(), headers
                    )
                )
        await asyncio.gather(*acks)

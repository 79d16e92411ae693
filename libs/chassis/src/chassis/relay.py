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

No single record may stop the flow. The event store refuses events larger
than a Kafka record may be, but if the broker still refuses one record for
good (too large for a broker configured smaller, a corrupt record), the relay
parks it in ``relay_parked``, moves past it and raises the alarm: an ERROR
log line naming the event, the ``relay.events.parked`` metric, and health
NOT_SERVING for ``RELAY_HEALTH_NAME`` until an operator republishes or
dismisses it (``trust-relay``). A broker that is away is not a record's fault:
the relay retries from its checkpoint, and raises the same alarm when it has
been unable to publish for ``stall_alarm_seconds``. The broker need not be
reachable when the relay starts; it connects when it can.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

import asyncpg
from opentelemetry import metrics, trace
from opentelemetry.trace import SpanKind

from chassis.envelope import DEFAULT_MAX_MESSAGE_BYTES, EventEnvelope
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
    """
    CREATE TABLE IF NOT EXISTS relay_parked (
        relay                  text NOT NULL,
        global_position        bigint NOT NULL,
        event_id               uuid NOT NULL,
        event_type             text NOT NULL,
        stream                 text NOT NULL,
        reason                 text NOT NULL,
        parked_at              timestamptz NOT NULL DEFAULT now(),
        republish_requested_at timestamptz,
        resolved_at            timestamptz,
        resolution             text,
        PRIMARY KEY (relay, global_position)
    )
    """,
]

# The gRPC health check name that turns NOT_SERVING while the relay is alarmed.
RELAY_HEALTH_NAME = "trust.relay.kafka"

_RELAY_LOCK_KEY = 7061502
_HOT_WINDOW = 0.05  # seconds of quicker polling after activity
# Between rounds while busy: a few more commits gather into the next round's
# batch (one sequencing UPDATE, one SELECT, one publish, one checkpoint for them
# all) instead of a round per commit; at most this much delay per event.
_GATHER = 0.005
# Just busy or just woken but nothing ready: an event may be waiting for an older
# transaction to end before it can be sequenced. The next commit's hint wakes the
# relay at once; this is the poll for a transaction that ends with no hint.
_HOT_POLL = 0.02

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

    async def start(self) -> None: ...

    async def send(
        self, topic: str, key: bytes, value: bytes, headers: list[tuple[str, bytes]]
    ) -> Awaitable[Any]: ...


class AioKafkaPublisher:
    """Publisher over aiokafka: idempotent producer, acks from all in-sync replicas.

    ``start`` may be called again after it failed (the broker was away): each
    attempt builds a fresh producer, because a half-started one cannot be reused.
    """

    def __init__(
        self,
        bootstrap_servers: str,
        client_id: str,
        max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    ) -> None:
        self._bootstrap = bootstrap_servers
        self._client_id = client_id
        self._max_message_bytes = max_message_bytes
        self._producer: Any = None

    async def start(self) -> None:
        if self._producer is not None:
            return
        from aiokafka import AIOKafkaProducer

        producer = AIOKafkaProducer(
            bootstrap_servers=self._bootstrap,
            client_id=self._client_id,
            acks="all",
            enable_idempotence=True,
            linger_ms=2,
            max_batch_size=262144,
            # The record limit the event store enforces, plus the batch's own bytes.
            max_request_size=self._max_message_bytes + 16 * 1024,
        )
        try:
            await producer.start()
        except BaseException:
            with contextlib.suppress(Exception):
                await producer.stop()
            raise
        self._producer = producer

    async def stop(self) -> None:
        if self._producer is not None:
            producer, self._producer = self._producer, None
            await producer.stop()

    async def send(
        self, topic: str, key: bytes, value: bytes, headers: list[tuple[str, bytes]]
    ) -> Awaitable[Any]:
        if self._producer is None:
            raise ConnectionError("the relay's producer is not connected")
        return await self._producer.send(topic, value=value, key=key, headers=headers)


def message_headers(envelope: EventEnvelope) -> list[tuple[str, bytes]]:
    return envelope.headers()


def is_record_fault(error: BaseException) -> bool:
    """True when the broker or client refuses this one record for good.

    Anything else (connection, timeouts, leadership moves, authorisation) is the
    broker's state, not the record's: the relay retries rather than skip.
    """
    from aiokafka import errors as kafka_errors

    record_faults = (
        kafka_errors.MessageSizeTooLargeError,
        kafka_errors.RecordTooLargeError,
        kafka_errors.RecordListTooLargeError,
        kafka_errors.CorruptRecordException,
        kafka_errors.InvalidTopicError,
        kafka_errors.UnsupportedForMessageFormatError,
    )
    if isinstance(error, record_faults):
        return True
    if isinstance(error, (kafka_errors.KafkaError, OSError, TimeoutError, asyncpg.PostgresError)):
        return False
    # Our own code refusing this event (no topic for its type, unencodable key).
    return isinstance(error, (ValueError, TypeError, KeyError, LookupError))


HealthReporter = Callable[[bool], Awaitable[None]]


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
        report_health: HealthReporter | None = None,
        stall_alarm_seconds: float = 30.0,
        meter: metrics.Meter | None = None,
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
        self._report_health = report_health
        self._stall_alarm_seconds = stall_alarm_seconds
        self._connected = False
        self._stalled = False
        self._unresolved_parked = 0
        self._healthy: bool | None = None
        meter = meter or metrics.get_meter("chassis.relay")
        attributes = {"relay.source": source, "relay.name": name}
        self._metric_attributes = attributes
        self._published_counter = meter.create_counter(
            "relay.events.published", unit="{event}", description="events published to Kafka"
        )
        self._parked_counter = meter.create_counter(
            "relay.events.parked",
            unit="{event}",
            description="events the broker refused for good, set aside for an operator",
        )
        self._alarm_gauge = meter.create_gauge(
            "relay.alarm",
            description="1 while events are parked or publishing has stalled, else 0",
        )

    def on_health(self, report: HealthReporter) -> None:
        """Call ``report(healthy)`` whenever the alarm is raised or cleared."""
        self._report_health = report

    async def run(self) -> None:
        """Run until cancelled. Waits for the relay lock first (one relay per database)."""
        async with self._pool.acquire() as lock_conn:
            while not await lock_conn.fetchval("SELECT pg_try_advisory_lock($1)", _RELAY_LOCK_KEY):
                await asyncio.sleep(1.0)
            try:
                self._unresolved_parked = await self._count_unresolved()
                await self._update_health()
                await self._loop()
            finally:
                with contextlib.suppress(Exception):
                    await lock_conn.execute("SELECT pg_advisory_unlock($1)", _RELAY_LOCK_KEY)

    async def _loop(self) -> None:
        backoff = 0.1
        loop = asyncio.get_running_loop()
        hot_until = 0.0
        failing_since: float | None = None
        while True:
            try:
                await self._connect()
                sequenced = await self.sequence_once()
                published = await self.publish_once()
                backoff = 0.1
                if failing_since is not None:
                    failing_since = None
                    log.info("relay %s publishing again", self._source)
                    await self._set_stalled(False)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                now = loop.time()
                if failing_since is None:
                    failing_since = now
                    log.warning(
                        "relay %s cannot publish (%s: %s); events wait in the outbox, "
                        "retrying from the checkpoint",
                        self._source,
                        type(error).__name__,
                        error,
                    )
                elif not self._stalled and now - failing_since >= self._stall_alarm_seconds:
                    log.error(
                        "relay %s has not published for %.0f s (%s: %s); nothing is lost, "
                        "events wait in the outbox until the broker is reachable",
                        self._source,
                        now - failing_since,
                        type(error).__name__,
                        error,
                    )
                    await self._set_stalled(True)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            if sequenced >= self._batch_size or published >= self._batch_size:
                continue  # a backlog: go again at once
            if sequenced or published:
                hot_until = loop.time() + _HOT_WINDOW
                await asyncio.sleep(_GATHER)
                continue
            if loop.time() < hot_until:
                self._wakeup.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), _HOT_POLL)
                continue
            if self._unresolved_parked:
                await self.republish_requested_once()
            self._wakeup.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), self._idle_poll)
            hot_until = loop.time() + _HOT_WINDOW

    async def _connect(self) -> None:
        if not self._connected:
            await self._publisher.start()
            self._connected = True
            log.info("relay %s connected to the broker", self._source)

    async def sequence_once(self) -> int:
        # One statement is its own transaction: no BEGIN and COMMIT round trips.
        async with self._pool.acquire() as conn:
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
        try:
            await self._publish(envelopes)
        except Exception as error:
            if not is_record_fault(error):
                raise
            # Some record is refused for good: find it, one at a time.
            await self._publish_one_by_one(envelopes)
            return len(envelopes)
        await self._save_checkpoint(envelopes[-1].global_position)
        self._published_counter.add(len(envelopes), self._metric_attributes)
        return len(envelopes)

    async def _publish_one_by_one(self, envelopes: Sequence[EventEnvelope]) -> None:
        for envelope in envelopes:
            try:
                await self._publish([envelope])
                self._published_counter.add(1, self._metric_attributes)
            except Exception as error:
                if not is_record_fault(error):
                    raise  # the checkpoint holds what was published so far
                await self._park(envelope, f"{type(error).__name__}: {error}")
            await self._save_checkpoint(envelope.global_position)

    async def _save_checkpoint(self, position: int | None) -> None:
        async with self._pool.acquire() as conn:
            await conn.execute(
                "INSERT INTO relay_checkpoints (relay, published_position) VALUES ($1, $2) "
                "ON CONFLICT (relay) DO UPDATE SET published_position = EXCLUDED.published_position",
                self._name,
                position,
            )

    async def _park(self, envelope: EventEnvelope, reason: str) -> None:
        log.error(
            "relay %s parked event %s (%s v%d, stream %s, global position %s): the broker "
            "refused it for good (%s). Later events go on; see the README, 'When the relay "
            "parks an event'.",
            self._source,
            envelope.event_id,
            envelope.event_type,
            envelope.schema_version,
            envelope.stream,
            envelope.global_position,
            reason,
        )
        async with self._pool.acquire() as conn:
            inserted = await conn.fetchval(
                "INSERT INTO relay_parked (relay, global_position, event_id, event_type, "
                "stream, reason) VALUES ($1, $2, $3, $4, $5, $6) "
                "ON CONFLICT (relay, global_position) DO UPDATE SET reason = EXCLUDED.reason, "
                "republish_requested_at = NULL RETURNING (xmax = 0)",
                self._name,
                envelope.global_position,
                envelope.event_id,
                envelope.event_type,
                envelope.stream,
                reason[:2000],
            )
        if inserted:
            self._parked_counter.add(1, self._metric_attributes)
        self._unresolved_parked = await self._count_unresolved()
        await self._update_health()

    async def republish_requested_once(self) -> int:
        """Publish parked events an operator asked to republish; returns how many went."""
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(
                "SELECT e.event_id, e.event_type, e.schema_version, e.stream, "
                "e.stream_position, e.global_position, e.partition_key, e.occurred_at, "
                "e.payload, e.metadata FROM relay_parked p "
                "JOIN events e ON e.global_position = p.global_position "
                "WHERE p.relay = $1 AND p.resolved_at IS NULL "
                "AND p.republish_requested_at IS NOT NULL ORDER BY p.global_position",
                self._name,
            )
        done = 0
        for row in rows:
            envelope = envelope_from_row(row, self._source)
            try:
                await self._publish([envelope])
            except Exception as error:
                if not is_record_fault(error):
                    raise
                await self._park(envelope, f"{type(error).__name__}: {error}")
                continue
            async with self._pool.acquire() as conn:
                await conn.execute(
                    "UPDATE relay_parked SET resolved_at = now(), resolution = 'republished' "
                    "WHERE relay = $1 AND global_position = $2",
                    self._name,
                    envelope.global_position,
                )
            log.info("relay %s republished parked event %s", self._source, envelope.event_id)
            done += 1
        # An operator may also have dismissed some: count again either way.
        self._unresolved_parked = await self._count_unresolved()
        await self._update_health()
        return done

    async def _count_unresolved(self) -> int:
        async with self._pool.acquire() as conn:
            count = await conn.fetchval(
                "SELECT count(*) FROM relay_parked WHERE relay = $1 AND resolved_at IS NULL",
                self._name,
            )
        return int(count)

    async def _set_stalled(self, stalled: bool) -> None:
        self._stalled = stalled
        if not stalled:
            # An operator may have resolved parked events meanwhile.
            with contextlib.suppress(Exception):
                self._unresolved_parked = await self._count_unresolved()
        await self._update_health()

    async def _update_health(self) -> None:
        healthy = not self._stalled and self._unresolved_parked == 0
        self._alarm_gauge.set(0 if healthy else 1, self._metric_attributes)
        if healthy == self._healthy:
            return
        self._healthy = healthy
        if self._report_health is not None:
            await self._report_health(healthy)

    async def _publish(self, envelopes: Sequence[EventEnvelope]) -> None:
        acks: list[Awaitable[Any]] = []
        try:
            for envelope in envelopes:
                acks.append(await self._send(envelope))
        finally:
            # Wait for what was sent, even when a later send failed, so no ack
            # is left unobserved; the first failure is raised below.
            results = await asyncio.gather(*acks, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result

    async def _send(self, envelope: EventEnvelope) -> Awaitable[Any]:
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
            return await self._publisher.send(
                topic, envelope.key.encode(), envelope.to_json_bytes(), headers
            )

"""Idempotent consumers: at-least-once delivery made effectively-once.

A batch of Kafka records is applied in one PostgreSQL transaction that also
records each event id in ``processed_messages``; only after that commits is
the Kafka offset committed (FastStream's AckPolicy.MANUAL; its default acks
first, which would be at-most-once). A redelivered event finds its id
already recorded and changes nothing.

A record that can never be processed (not our envelope, too large, rejected
by the projection every time) goes to ``<topic>.dlq`` with the reason in its
headers; the consumer carries on. Infrastructure failures (the database is
down) are not the message's fault: the batch is rewound and retried.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

import asyncpg
import pydantic
from faststream import AckPolicy
from faststream.kafka.annotations import KafkaMessage
from opentelemetry import trace
from opentelemetry.trace import SpanKind

from chassis.envelope import EventEnvelope
from chassis.telemetry import carrier_from_kafka_headers, context_from_carrier

log = logging.getLogger(__name__)
_tracer = trace.get_tracer("chassis.consumer")

INBOX_SCHEMA = [
    """
    CREATE TABLE IF NOT EXISTS processed_messages (
        consumer     text NOT NULL,
        event_id     uuid NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
    )
    """,
]

DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024
_ATTEMPTS_BEFORE_DEAD_LETTER = 3

Projector = Callable[[asyncpg.Connection, EventEnvelope], Awaitable[None]]

_TRANSIENT = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.TooManyConnectionsError,
    asyncpg.CannotConnectNowError,
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
    TimeoutError,
)


class PoisonMessage(Exception):
    """Raised by a projection for an event it can never apply."""


class Record(Protocol):
    """The parts of a Kafka consumer record we use (aiokafka's ConsumerRecord)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Sequence[tuple[str, bytes]]


class DeadLetterSink(Protocol):
    async def __call__(self, record: Record, reason: str, consumer: str) -> None: ...


def dead_letter_topic(topic: str) -> str:
    return f"{topic}.dlq"


class IdempotentConsumer:
    def __init__(
        self,
        name: str,
        pool: asyncpg.Pool,
        project: Projector,
        dead_letter: DeadLetterSink,
        max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    ) -> None:
        self.name = name
        self._pool = pool
        self._project = project
        self._dead_letter = dead_letter
        self._max_bytes = max_message_bytes

    async def process_records(self, records: Sequence[Record]) -> None:
        """Apply ``records``; returns when all are applied or dead-lettered.

        Raises only for transient infrastructure failures (the caller rewinds).
        """
        decoded: list[tuple[Record, EventEnvelope]] = []
        for record in records:
            envelope, reason = self._decode(record)
            if envelope is None:
                await self._dead_letter(record, reason, self.name)
            else:
                decoded.append((record, envelope))
        if not decoded:
            return
        try:
            await self._apply(decoded)
            return
        except _TRANSIENT:
            raise
        except Exception:
            log.warning("consumer %s: batch failed; applying one by one", self.name)
        for item in decoded:
            await self._apply_alone(item)

    async def apply_envelopes(self, envelopes: Sequence[EventEnvelope]) -> None:
        """Apply events that did not come from Kafka (a rebuild from a feed)."""
        async with self._pool.acquire() as conn, conn.transaction():
            for envelope in envelopes:
                await self._apply_one(conn, envelope, None)

    def _decode(self, record: Record) -> tuple[EventEnvelope | None, str]:
        value = record.value or b""
        if len(value) > self._max_bytes:
            return None, f"message of {len(value)} bytes exceeds the limit of {self._max_bytes}"
        try:
            return EventEnvelope.from_json_bytes(value), ""
        except pydantic.ValidationError as error:
            return None, f"not a valid event envelope: {_first_error(error)}"

    async def _apply_alone(self, item: tuple[Record, EventEnvelope]) -> None:
        record, envelope = item
        last_error = ""
        for attempt in range(_ATTEMPTS_BEFORE_DEAD_LETTER):
            try:
                await self._apply([item])
                return
            except _TRANSIENT:
                raise
            except PoisonMessage as error:
                last_error = str(error)
                break
            except Exception as error:
                last_error = f"{type(error).__name__}: {error}"
                await asyncio.sleep(0.05 * (attempt + 1))
        log.error(
            "consumer %s: dead-lettering event %s (%s)", self.name, envelope.event_id, last_error
        )
        await self._dead_letter(record, last_error, self.name)

    async def _apply(self, items: Sequence[tuple[Record, EventEnvelope]]) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            for record, envelope in items:
                await self._apply_one(conn, envelope, record)

    async def _apply_one(
        self, conn: asyncpg.Connection, envelope: EventEnvelope, record: Record | None
    ) -> None:
        first_time = await conn.fetchval(
            "INSERT INTO processed_messages (consumer, event_id) VALUES ($1, $2) "
            "ON CONFLICT DO NOTHING RETURNING true",
            self.name,
            envelope.event_id,
        )
        if not first_time:
            return
        carrier = carrier_from_kafka_headers(record.headers if record else None)
        if not carrier and envelope.traceparent:
            carrier = {"traceparent": envelope.traceparent}
        with _tracer.start_as_current_span(
            f"project {envelope.event_type}",
            context=context_from_carrier(carrier),
            kind=SpanKind.CONSUMER,
            attributes={
                "messaging.system": "kafka",
                "messaging.consumer.group.name": self.name,
                "messaging.message.id": str(envelope.event_id),
                "event.type": envelope.event_type,
            },
        ):
            await self._project(conn, envelope)


def _first_error(error: pydantic.ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ())) or "message"
    return f"{where}: {first.get('msg')}"


class FastStreamDeadLetter:
    """Publishes a poison record to ``<topic>.dlq`` through a FastStream broker."""

    def __init__(self, broker: Any) -> None:
        self._broker = broker

    async def __call__(self, record: Record, reason: str, consumer: str) -> None:
        headers = {name: value.decode(errors="replace") for name, value in record.headers or ()}
        headers.update(
            {
                "dlq_reason": reason[:1000],
                "dlq_consumer": consumer,
                "dlq_source_topic": record.topic,
                "dlq_source_partition": str(record.partition),
                "dlq_source_offset": str(record.offset),
            }
        )
        await self._broker.publish(
            record.value or b"",
            topic=dead_letter_topic(record.topic),
            key=record.key,
            headers=headers,
        )


def subscribe_idempotent(
    broker: Any,
    consumer: IdempotentConsumer,
    topics: Sequence[str],
    max_records: int = 500,
) -> None:
    """Register ``consumer`` on ``broker`` as a batch subscriber with manual commits."""

    @broker.subscriber(
        *topics,
        group_id=consumer.name,
        batch=True,
        max_records=max_records,
        batch_timeout_ms=50,
        # The mock broker (and a quiet topic) would hold a fetch for the default
        # 500 ms; a short wait keeps time-to-visible low.
        fetch_max_wait_ms=20,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.MANUAL,
    )
    async def handle_batch(msg: KafkaMessage) -> None:
        raw = msg.raw_message
        records = raw if isinstance(raw, tuple) else (raw,)
        try:
            await consumer.process_records(records)
        except Exception:
            log.exception("consumer %s: transient failure; rewinding the batch", consumer.name)
            await msg.nack()  # seek back: the same records come again
            await asyncio.sleep(1.0)
            return
        await msg.ack()  # commit offsets only after the database transaction

"""Idempotent consumers: at-least-once delivery made effectively-once.

A batch of Kafka records is applied in one PostgreSQL transaction that also
records each event id in ``processed_messages``; only after that commits is
the Kafka offset committed (FastStream's AckPolicy.MANUAL; its default acks
first, which would be at-most-once). A redelivered event finds its id
already recorded and changes nothing.

Every record is checked against the published contract of its type and
version before it is applied. A record that can never be processed (not our
envelope, too large, a payload its contract refuses, a version with no
contract, rejected by the projection every time) goes to ``<topic>.dlq`` with
a one-line reason in its headers; the consumer carries on. A record of an
event type no contract names is skipped on purpose and logged once per type:
producers may add event types, and old consumers must keep going (forward
compatibility, docs/events.md). Infrastructure failures (the database is
down) are not the message's fault: the batch is rewound and retried.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, Protocol

import asyncpg
import pydantic
from faststream import AckPolicy
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.schemas.topic import Topic
from opentelemetry import trace
from opentelemetry.trace import SpanKind

from chassis.envelope import DEFAULT_MAX_MESSAGE_BYTES, EventEnvelope
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

_ATTEMPTS_BEFORE_DEAD_LETTER = 3
_REASON_MAX_CHARS = 300

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


class ContractModel(Protocol):
    """A published event contract (contracts.base.EventPayload subclasses)."""

    EVENT_TYPE: str
    SCHEMA_VERSION: int

    @classmethod
    def model_validate(cls, obj: Any) -> Any: ...


class ContractSet:
    """The published contracts a consumer reads, by event type and version."""

    def __init__(self, *registries: Iterable[type[Any]]) -> None:
        self._models: dict[tuple[str, int], type[Any]] = {
            (model.EVENT_TYPE, model.SCHEMA_VERSION): model
            for registry in registries
            for model in registry
        }
        self._types = {event_type for event_type, _ in self._models}

    def knows_type(self, event_type: str) -> bool:
        return event_type in self._types

    def only(self, event_types: Iterable[str]) -> ContractSet:
        """The contracts of ``event_types`` alone (every version of each): for a
        consumer whose projection acts on a few of a topic's types. The others
        are skipped on sight, unchecked and unrecorded, rather than validated and
        written to the inbox for nothing (a DataSubmitted costs a facts consumer
        about a third of a millisecond of CPU that way, for each of them)."""
        wanted = set(event_types)
        unknown = wanted - self._types
        if unknown:
            raise ValueError(f"no contract names {', '.join(sorted(unknown))}")
        return ContractSet([m for (t, _v), m in self._models.items() if t in wanted])

    def normalise(self, envelope: EventEnvelope) -> EventEnvelope:
        """The envelope with its payload checked against its contract and in its
        canonical form (unknown fields dropped, defaults filled).

        Raises LookupError for a version with no contract, pydantic's
        ValidationError for a payload the contract refuses.
        """
        model = self._models.get((envelope.event_type, envelope.schema_version))
        if model is None:
            known = sorted(v for t, v in self._models if t == envelope.event_type)
            raise LookupError(
                f"no contract for {envelope.event_type} v{envelope.schema_version} "
                f"(known versions: {', '.join(map(str, known))})"
            )
        payload = model.model_validate(envelope.payload).model_dump(mode="json")
        if payload == envelope.payload:
            # Already canonical, as its producer publishes it: no copy to make.
            return envelope
        return envelope.model_copy(update={"payload": payload})


def one_line(text: str) -> str:
    """A dead-letter reason a person can read in one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= _REASON_MAX_CHARS else flat[: _REASON_MAX_CHARS - 3] + "..."


def describe_validation_error(error: pydantic.ValidationError, prefix: str = "") -> str:
    """``field.path: what is wrong (got 'value')``, without pydantic's URLs."""
    errors = error.errors(include_url=False)
    first = errors[0]
    parts = [*(prefix.split(".") if prefix else []), *(str(part) for part in first["loc"])]
    where = ".".join(parts)
    message = f"{where or 'message'}: {first['msg']}"
    if first["type"] not in ("missing", "extra_forbidden", "json_invalid") and "input" in first:
        shown = repr(first["input"])
        message += f" (got {shown if len(shown) <= 40 else shown[:37] + '...'})"
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more)"
    return one_line(message)


class IdempotentConsumer:
    def __init__(
        self,
        name: str,
        pool: asyncpg.Pool,
        project: Projector,
        dead_letter: DeadLetterSink,
        contracts: ContractSet,
        max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    ) -> None:
        self.name = name
        self._pool = pool
        self._project = project
        self._dead_letter = dead_letter
        self._contracts = contracts
        self.max_message_bytes = max_message_bytes
        self._skipped_types: set[str] = set()

    async def process_records(self, records: Sequence[Record]) -> None:
        """Apply ``records``; returns when all are applied or dead-lettered.

        Raises only for transient infrastructure failures (the caller rewinds).
        """
        decoded: list[tuple[Record, EventEnvelope]] = []
        for record in records:
            envelope, reason = self._decode(record)
            if envelope is not None:
                decoded.append((record, envelope))
            elif reason:
                log.warning(
                    "consumer %s: dead-lettering %s[%d]@%d: %s",
                    self.name,
                    record.topic,
                    record.partition,
                    record.offset,
                    reason,
                )
                await self._dead_letter(record, reason, self.name)
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
                if self._contracts.knows_type(envelope.event_type):
                    await self._apply_one(conn, self._contracts.normalise(envelope), None)

    def _decode(self, record: Record) -> tuple[EventEnvelope | None, str]:
        """The checked envelope, or None with the dead-letter reason ("" to skip)."""
        value = record.value or b""
        if len(value) > self.max_message_bytes:
            return (
                None,
                f"message of {len(value):,} bytes exceeds the limit of {self.max_message_bytes:,}",
            )
        try:
            envelope = EventEnvelope.from_json_bytes(value)
        except pydantic.ValidationError as error:
            return None, f"not a valid event envelope: {describe_validation_error(error)}"
        if not self._contracts.knows_type(envelope.event_type):
            if envelope.event_type not in self._skipped_types:
                self._skipped_types.add(envelope.event_type)
                log.info(
                    "consumer %s: skipping events of type %s, which no contract it reads "
                    "names (logged once per type)",
                    self.name,
                    envelope.event_type,
                )
            return None, ""
        try:
            return self._contracts.normalise(envelope), ""
        except LookupError as error:
            return None, one_line(str(error))
        except pydantic.ValidationError as error:
            return None, (
                f"{envelope.event_type} v{envelope.schema_version} breaks its contract: "
                + describe_validation_error(error, "payload")
            )

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
                last_error = one_line(str(error))
                break
            except Exception as error:
                last_error = one_line(f"projection failed: {type(error).__name__}: {error}")
                await asyncio.sleep(0.05 * (attempt + 1))
        log.error(
            "consumer %s: dead-lettering event %s (%s)", self.name, envelope.event_id, last_error
        )
        await self._dead_letter(record, last_error, self.name)

    async def _apply(self, items: Sequence[tuple[Record, EventEnvelope]]) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            # The whole batch's inbox rows in one statement (one round trip, not
            # one per event); what comes back is what this consumer has not applied.
            fresh = {
                row["event_id"]
                for row in await conn.fetch(
                    "INSERT INTO processed_messages (consumer, event_id) "
                    "SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id",
                    self.name,
                    [envelope.event_id for _, envelope in items],
                )
            }
            for record, envelope in items:
                if envelope.event_id in fresh:
                    fresh.discard(envelope.event_id)  # twice in one batch: applied once
                    await self._project_traced(conn, envelope, record)

    async def _apply_one(
        self, conn: asyncpg.Connection, envelope: EventEnvelope, record: Record | None
    ) -> None:
        first_time = await conn.fetchval(
            "INSERT INTO processed_messages (consumer, event_id) VALUES ($1, $2) "
            "ON CONFLICT DO NOTHING RETURNING true",
            self.name,
            envelope.event_id,
        )
        if first_time:
            await self._project_traced(conn, envelope, record)

    async def _project_traced(
        self, conn: asyncpg.Connection, envelope: EventEnvelope, record: Record | None
    ) -> None:
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


# A letter about a record over the size limit keeps only its head: the whole
# record would be over every limit downstream too (a real broker's default
# message.max.bytes is about 1 MB), so publishing it could fail for ever and stop
# the consumer that is trying to move past it.
OVERSIZED_LETTER_KEEPS_BYTES = 64 * 1024


class FastStreamDeadLetter:
    """Publishes a poison record to ``<topic>.dlq`` through a FastStream broker.

    The key and value are the original's, byte for byte, unless the value is over
    ``max_value_bytes``: then its head (64 KiB at most, never over the limit), with ``dlq_value_bytes`` giving
    the original's size and ``dlq_value_truncated`` set.
    """

    def __init__(self, broker: Any, max_value_bytes: int = DEFAULT_MAX_MESSAGE_BYTES) -> None:
        self._broker = broker
        self._max_value_bytes = max_value_bytes

    async def __call__(self, record: Record, reason: str, consumer: str) -> None:
        headers = {name: value.decode(errors="replace") for name, value in record.headers or ()}
        value = record.value or b""
        headers.update(
            {
                "dlq_reason": reason[:1000],
                "dlq_consumer": consumer,
                "dlq_source_topic": record.topic,
                "dlq_source_partition": str(record.partition),
                "dlq_source_offset": str(record.offset),
            }
        )
        if len(value) > self._max_value_bytes:
            headers["dlq_value_bytes"] = str(len(value))
            headers["dlq_value_truncated"] = "true"
            value = value[: min(self._max_value_bytes, OVERSIZED_LETTER_KEEPS_BYTES)]
        await self._broker.publish(
            value,
            topic=dead_letter_topic(record.topic),
            key=record.key,
            headers=headers,
        )


# A consumer killed without leaving its group holds its partitions until its
# session expires; a short session lets a restarted consumer take them back
# within seconds (measured: bench/consumer_restart.py). Apache Kafka refuses
# sessions under group.min.session.timeout.ms (6 s by default): docker-compose
# lowers it; elsewhere set TRUST_CONSUMER_SESSION_TIMEOUT_MS. With an instance
# id (TRUST_CONSUMER_INSTANCE_ID) the consumer is a static member and a restart
# takes its partitions back at once. A rebalance from a missed heartbeat is
# harmless: delivery is at-least-once and applying is idempotent.
DEFAULT_SESSION_TIMEOUT_MS = 2000


def subscribe_idempotent(
    broker: Any,
    consumer: IdempotentConsumer,
    topics: Sequence[str],
    max_records: int = 500,
    instance_id: str | None = None,
    session_timeout_ms: int = DEFAULT_SESSION_TIMEOUT_MS,
) -> None:
    """Register ``consumer`` on ``broker`` as a batch subscriber with manual commits.

    Topics are provisioned by the platform (the launcher locally, the
    kafka-topics job in docker-compose), never created by a subscriber.
    """

    @broker.subscriber(
        *(Topic(name, declare=False) for name in topics),
        group_id=consumer.name,
        batch=True,
        max_records=max_records,
        batch_timeout_ms=50,
        # The mock broker (and a quiet topic) would hold a fetch for the default
        # 500 ms; a shorter wait keeps time-to-visible low. Not shorter than this:
        # an idle consumer fetches once per wait, and at 20 ms the platform's eleven
        # consumers took about 250 ms of CPU a second doing nothing (measured: all
        # services idle, 440 -> 180 ms/s in all at 100 ms). A real broker answers
        # a waiting fetch as soon as records arrive, so it adds no latency there.
        fetch_max_wait_ms=100,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.MANUAL,
        session_timeout_ms=session_timeout_ms,
        group_instance_id=f"{consumer.name}.{instance_id}" if instance_id else None,
        heartbeat_interval_ms=max(100, session_timeout_ms // 4),
        max_partition_fetch_bytes=max(1024 * 1024, consumer.max_message_bytes + 64 * 1024),
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

"""The idempotent consumer on FastStream against the real broker and PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from typing import ClassVar

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from chassis.consumer import (
    INBOX_SCHEMA,
    ContractSet,
    FastStreamDeadLetter,
    IdempotentConsumer,
    subscribe_idempotent,
)
from chassis.db import apply_schema
from chassis.envelope import Actor, EventEnvelope
from faststream.kafka import KafkaBroker
from pydantic import BaseModel, ConfigDict


class Counted(BaseModel):
    """The contract of the test events: a count within a trust."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    EVENT_TYPE: ClassVar[str] = "test.Counted"
    SCHEMA_VERSION: ClassVar[int] = 1

    trust_id: str
    n: int


CONTRACTS = ContractSet([Counted])


def envelope(
    position: int, event_type: str = "test.Counted", version: int = 1, **payload
) -> EventEnvelope:
    return EventEnvelope(
        event_id=uuid.uuid4(),
        event_type=event_type,
        schema_version=version,
        stream="s-1",
        stream_position=position,
        global_position=position,
        source="test",
        key="s-1",
        occurred_at=dt.datetime.now(dt.UTC),
        actor=Actor(subject="someone", role="headteacher"),
        correlation_id="c",
        payload={"trust_id": "t", "n": position, **payload},
    )


async def project(conn, event: EventEnvelope) -> None:
    await conn.execute(
        "INSERT INTO tally (event_id, times) VALUES ($1, 1) "
        "ON CONFLICT (event_id) DO UPDATE SET times = tally.times + 1",
        event.event_id,
    )


async def _run_consumer(pool, bootstrap, topic, until, project_fn=project) -> None:
    broker = KafkaBroker(bootstrap, log_level=logging.DEBUG)
    consumer = IdempotentConsumer(
        "test-consumer", pool, project_fn, FastStreamDeadLetter(broker, 4096), CONTRACTS, 4096
    )
    subscribe_idempotent(broker, consumer, [topic])
    await broker.start()
    try:
        await asyncio.wait_for(until(), 30)
    finally:
        await broker.stop()


async def _tally(pool) -> dict:
    return {r["event_id"]: r["times"] for r in await pool.fetch("SELECT * FROM tally")}


async def test_redelivered_event_changes_the_read_model_once_and_poison_goes_to_dead_letters(
    fresh_db, kafka, topic
):
    await apply_schema(
        fresh_db, [*INBOX_SCHEMA, "CREATE TABLE tally (event_id uuid PRIMARY KEY, times int)"]
    )
    first, last = envelope(1), envelope(2)
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap_servers)
    await producer.start()
    for value in (
        first.to_json_bytes(),
        first.to_json_bytes(),  # the same event delivered twice
        b"{not json",  # malformed
        b"x" * 10_000,  # oversized for this consumer (4 KiB)
        last.to_json_bytes(),
    ):
        await producer.send_and_wait(topic, value, key=b"s-1")
    await producer.stop()

    async def both_applied() -> None:
        while len(await _tally(fresh_db)) < 2:
            await asyncio.sleep(0.05)

    await _run_consumer(fresh_db, kafka.bootstrap_servers, topic, both_applied)
    assert await _tally(fresh_db) == {first.event_id: 1, last.event_id: 1}

    dead = AIOKafkaConsumer(
        f"{topic}.dlq", bootstrap_servers=kafka.bootstrap_servers, auto_offset_reset="earliest"
    )
    await dead.start()
    letters = []
    while len(letters) < 2:
        for records in (await dead.getmany(timeout_ms=1000)).values():
            letters += records
    await dead.stop()
    reasons = [dict(r.headers)["dlq_reason"].decode() for r in letters]
    assert any("not a valid event envelope" in r for r in reasons)
    assert any("exceeds the limit of 4,096" in r for r in reasons)
    # The malformed record's letter is the record byte for byte; the oversized one
    # keeps its head, within the limit, and says how big the original was.
    malformed, oversized = letters
    assert malformed.value == b"{not json" and "dlq_value_truncated" not in dict(malformed.headers)
    assert oversized.value == b"x" * 4096
    assert dict(oversized.headers)["dlq_value_bytes"] == b"10000"
    assert dict(oversized.headers)["dlq_value_truncated"] == b"true"

    # A restarted consumer resumes after the committed offsets: nothing is applied again.
    again = envelope(3)
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap_servers)
    await producer.start()
    await producer.send_and_wait(topic, again.to_json_bytes(), key=b"s-1")
    await producer.stop()

    async def third_applied() -> None:
        while len(await _tally(fresh_db)) < 3:
            await asyncio.sleep(0.05)

    await _run_consumer(fresh_db, kafka.bootstrap_servers, topic, third_applied)
    assert await _tally(fresh_db) == {first.event_id: 1, last.event_id: 1, again.event_id: 1}


async def test_a_projection_that_always_fails_is_dead_lettered_and_the_rest_applied(
    fresh_db, kafka, topic
):
    await apply_schema(
        fresh_db, [*INBOX_SCHEMA, "CREATE TABLE tally (event_id uuid PRIMARY KEY, times int)"]
    )
    bad, good = envelope(1), envelope(2)

    async def picky(conn, event: EventEnvelope) -> None:
        if event.event_id == bad.event_id:
            raise ValueError("cannot apply this one")
        await project(conn, event)

    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap_servers)
    await producer.start()
    await producer.send_and_wait(topic, bad.to_json_bytes(), key=b"s-1")
    await producer.send_and_wait(topic, good.to_json_bytes(), key=b"s-1")
    await producer.stop()
    broker = KafkaBroker(kafka.bootstrap_servers, log_level=logging.DEBUG)
    consumer = IdempotentConsumer("picky", fresh_db, picky, FastStreamDeadLetter(broker), CONTRACTS)
    subscribe_idempotent(broker, consumer, [topic])
    await broker.start()
    try:

        async def good_applied() -> None:
            while not await _tally(fresh_db):
                await asyncio.sleep(0.05)

        await asyncio.wait_for(good_applied(), 30)
    finally:
        await broker.stop()
    assert await _tally(fresh_db) == {good.event_id: 1}
    processed = await fresh_db.fetchval("SELECT count(*) FROM processed_messages")
    assert processed == 1  # the failed one left no trace but its dead letter


async def _dead_letters(bootstrap: str, topic: str, count: int) -> list[dict[str, str]]:
    dead = AIOKafkaConsumer(
        f"{topic}.dlq", bootstrap_servers=bootstrap, auto_offset_reset="earliest"
    )
    await dead.start()
    found: list[dict[str, str]] = []
    try:
        async with asyncio.timeout(30):
            while len(found) < count:
                for records in (await dead.getmany(timeout_ms=500)).values():
                    found += [{k: v.decode() for k, v in r.headers} for r in records]
    finally:
        await dead.stop()
    return found


async def test_records_are_checked_against_their_contract_before_they_are_applied(
    fresh_db, kafka, topic, caplog
):
    await apply_schema(
        fresh_db, [*INBOX_SCHEMA, "CREATE TABLE tally (event_id uuid PRIMARY KEY, times int)"]
    )
    seen: list[dict] = []

    async def recording(conn, event: EventEnvelope) -> None:
        seen.append(event.payload)
        await project(conn, event)

    invalid = envelope(1, n="very high", surplus="x")  # wrong type for n
    future_version = envelope(2, version=9)  # a version this consumer has no contract for
    unknown_type = envelope(3, event_type="test.SomethingNew")  # skipped on purpose
    tolerated = envelope(4, added_later="ignored")  # an optional field added later
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap_servers)
    await producer.start()
    for event in (invalid, future_version, unknown_type, unknown_type, tolerated):
        await producer.send_and_wait(topic, event.to_json_bytes(), key=b"s-1")
    await producer.stop()

    async def tolerated_applied() -> None:
        while not await _tally(fresh_db):
            await asyncio.sleep(0.05)

    with caplog.at_level(logging.INFO, logger="chassis.consumer"):
        await _run_consumer(fresh_db, kafka.bootstrap_servers, topic, tolerated_applied, recording)

    assert await _tally(fresh_db) == {tolerated.event_id: 1}
    assert seen == [{"trust_id": "t", "n": 4}], "the projection sees the canonical payload"
    letters = await _dead_letters(kafka.bootstrap_servers, topic, 2)
    reasons = [d["dlq_reason"] for d in sorted(letters, key=lambda d: int(d["dlq_source_offset"]))]
    assert reasons == [
        "test.Counted v1 breaks its contract: payload.n: Input should be a valid integer, "
        "unable to parse string as an integer (got 'very high')",
        "no contract for test.Counted v9 (known versions: 1)",
    ]
    skipped = [r for r in caplog.records if "test.SomethingNew" in r.getMessage()]
    assert len(skipped) == 1, "an unknown type is logged once, not once per record"

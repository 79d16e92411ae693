"""The idempotent consumer on FastStream against the real broker and PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from chassis.consumer import (
    INBOX_SCHEMA,
    FastStreamDeadLetter,
    IdempotentConsumer,
    subscribe_idempotent,
)
from chassis.db import apply_schema
from chassis.envelope import Actor, EventEnvelope
from faststream.kafka import KafkaBroker


def envelope(n: int) -> EventEnvelope:
    return EventEnvelope(
        event_id=uuid.uuid4(),
        event_type="test.Counted",
        schema_version=1,
        stream="s-1",
        stream_position=n,
        global_position=n,
        source="test",
        key="s-1",
        occurred_at=dt.datetime.now(dt.UTC),
        actor=Actor(subject="someone", role="headteacher"),
        correlation_id="c",
        payload={"trust_id": "t", "n": n},
    )


async def project(conn, event: EventEnvelope) -> None:
    await conn.execute(
        "INSERT INTO tally (event_id, times) VALUES ($1, 1) "
        "ON CONFLICT (event_id) DO UPDATE SET times = tally.times + 1",
        event.event_id,
    )


async def _run_consumer(pool, bootstrap, topic, until) -> None:
    broker = KafkaBroker(bootstrap, log_level=logging.DEBUG)
    consumer = IdempotentConsumer(
        "test-consumer", pool, project, FastStreamDeadLetter(broker), max_message_bytes=4096
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
    reasons = []
    while len(reasons) < 2:
        for records in (await dead.getmany(timeout_ms=1000)).values():
            reasons += [dict(r.headers)["dlq_reason"].decode() for r in records]
    await dead.stop()
    assert any("not a valid event envelope" in r for r in reasons)
    assert any("exceeds the limit of 4096" in r for r in reasons)

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
    consumer = IdempotentConsumer("picky", fresh_db, picky, FastStreamDeadLetter(broker))
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

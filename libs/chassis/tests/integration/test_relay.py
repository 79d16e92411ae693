"""The outbox relay against real PostgreSQL and the Kafka-protocol broker."""

from __future__ import annotations

import asyncio
import collections
import contextlib

from aiokafka import AIOKafkaConsumer
from chassis.db import apply_schema
from chassis.envelope import Actor, CausationContext, EventEnvelope, NewEvent
from chassis.eventstore import SCHEMA, PostgresEventStore
from chassis.relay import RELAY_SCHEMA, AioKafkaPublisher, OutboxRelay

CAUSE = CausationContext(Actor(subject="writer", role="headteacher"), "corr")
WRITERS = 8
EVENTS_PER_WRITER = 500


async def _consume_all(bootstrap: str, topic: str, expected: int, timeout: float = 90.0):
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    received: list[EventEnvelope] = []
    seen: set = set()
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(seen) < expected and asyncio.get_running_loop().time() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for record in records:
                    envelope = EventEnvelope.from_json_bytes(record.value)
                    received.append(envelope)
                    seen.add(envelope.event_id)
    finally:
        await consumer.stop()
    return received


async def _start_relay(pool, bootstrap, topic) -> tuple[asyncio.Task, AioKafkaPublisher]:
    publisher = AioKafkaPublisher(bootstrap, "relay-test")
    await publisher.start()
    relay = OutboxRelay(pool, publisher, "test", lambda _e: topic, batch_size=200)
    return asyncio.create_task(relay.run()), publisher


async def test_concurrent_writers_all_published_in_order_per_stream_across_a_relay_crash(
    fresh_db, kafka, topic
):
    await apply_schema(fresh_db, [*SCHEMA, *RELAY_SCHEMA])
    store = PostgresEventStore(fresh_db, "test")

    async def writer(w: int) -> None:
        for n in range(EVENTS_PER_WRITER):
            async with fresh_db.acquire() as conn, conn.transaction():
                new = NewEvent("test.Happened", 1, {"trust_id": "t", "n": n}, key=f"s-{w}")
                await store.append(conn, f"s-{w}", n, [new], CAUSE)

    relay_task, publisher = await _start_relay(fresh_db, kafka.bootstrap_servers, topic)
    writers = asyncio.gather(*(writer(w) for w in range(WRITERS)))

    # Crash the relay mid-way (cancelled at whatever await it is in), then start a new one.
    while True:
        async with fresh_db.acquire() as conn:
            published = await conn.fetchval("SELECT max(published_position) FROM relay_checkpoints")
        if (published or 0) >= WRITERS * EVENTS_PER_WRITER // 3:
            break
        await asyncio.sleep(0.01)
    relay_task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await relay_task
    await publisher.stop()
    relay_task, publisher = await _start_relay(fresh_db, kafka.bootstrap_servers, topic)

    await writers
    total = WRITERS * EVENTS_PER_WRITER
    received = await _consume_all(kafka.bootstrap_servers, topic, total)
    relay_task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await relay_task
    await publisher.stop()

    unique = {e.event_id: e for e in received}
    assert len(unique) == total, f"lost {total - len(unique)} events"
    # Per stream: positions first arrive in order 1..N, with no gaps.
    first_seen: dict[str, list[int]] = collections.defaultdict(list)
    delivered: set = set()
    for envelope in received:
        if envelope.event_id in delivered:
            continue  # an at-least-once redelivery after the crash
        delivered.add(envelope.event_id)
        first_seen[envelope.stream].append(envelope.stream_position)
    for stream, positions in first_seen.items():
        assert positions == list(range(1, EVENTS_PER_WRITER + 1)), f"{stream} out of order"
    # The feed's global positions are gap-free and unique.
    positions = sorted(e.global_position for e in unique.values())
    assert positions == list(range(1, total + 1))


async def test_an_event_committing_after_a_higher_id_is_never_skipped(fresh_db, kafka, topic):
    await apply_schema(fresh_db, [*SCHEMA, *RELAY_SCHEMA])
    store = PostgresEventStore(fresh_db, "test")
    publisher = AioKafkaPublisher(kafka.bootstrap_servers, "relay-test")
    await publisher.start()
    relay = OutboxRelay(fresh_db, publisher, "test", lambda _e: topic)
    slow = await fresh_db.acquire()
    slow_tx = slow.transaction()
    await slow_tx.start()
    # The slow writer takes the lower id, then stays uncommitted ...
    await store.append(
        slow, "slow", 0, [NewEvent("test.Slow", 1, {"trust_id": "t"}, "slow")], CAUSE
    )
    # ... while a fast writer with a higher id commits first.
    async with fresh_db.acquire() as conn, conn.transaction():
        await store.append(
            conn, "fast", 0, [NewEvent("test.Fast", 1, {"trust_id": "t"}, "fast")], CAUSE
        )
    assert await relay.sequence_once() == 0  # the fast one waits: an older transaction is open
    await slow_tx.commit()
    await fresh_db.release(slow)
    assert await relay.sequence_once() == 2
    assert await relay.publish_once() == 2
    await publisher.stop()
    feed = await store.read_feed(0, 10)
    assert [e.event_type for e in feed] == ["test.Slow", "test.Fast"]
    received = await _consume_all(kafka.bootstrap_servers, topic, 2, timeout=20)
    assert {e.event_type for e in received} == {"test.Slow", "test.Fast"}


async def test_a_stream_stays_in_order_when_its_later_event_has_the_older_transaction(
    fresh_db, kafka
):
    await apply_schema(fresh_db, [*SCHEMA, *RELAY_SCHEMA])
    store = PostgresEventStore(fresh_db, "test")
    relay = OutboxRelay(fresh_db, AioKafkaPublisher(kafka.bootstrap_servers, "unused"), "test", str)
    await fresh_db.execute("CREATE TABLE side (n int)")
    # B takes a transaction id first (an unrelated write), then appends position 2
    # after A (younger id) has appended position 1 and committed.
    b = await fresh_db.acquire()
    b_tx = b.transaction()
    await b_tx.start()
    await b.execute("INSERT INTO side VALUES (1)")
    async with fresh_db.acquire() as a, a.transaction():
        await store.append(a, "s", 0, [NewEvent("test.First", 1, {"trust_id": "t"}, "s")], CAUSE)
    await store.append(b, "s", 1, [NewEvent("test.Second", 1, {"trust_id": "t"}, "s")], CAUSE)
    await b_tx.commit()
    await fresh_db.release(b)
    while await relay.sequence_once():
        pass
    feed = await store.read_feed(0, 10)
    assert [(e.stream_position, e.event_type) for e in feed] == [
        (1, "test.First"),
        (2, "test.Second"),
    ]


async def test_a_broker_outage_delays_publishing_but_loses_nothing(fresh_db, kafka, topic):
    await apply_schema(fresh_db, [*SCHEMA, *RELAY_SCHEMA])
    store = PostgresEventStore(fresh_db, "test")
    relay_task, publisher = await _start_relay(fresh_db, kafka.bootstrap_servers, topic)

    async def append(n: int) -> None:
        async with fresh_db.acquire() as conn, conn.transaction():
            new = NewEvent("test.Happened", 1, {"trust_id": "t", "n": n}, key="s-outage")
            await store.append(conn, "s-outage", n, [new], CAUSE)

    for n in range(50):
        await append(n)
    kafka.set_broker_down()
    try:
        for n in range(50, 100):
            await append(n)  # accepted while the broker is unreachable
        await asyncio.sleep(2.0)
        async with fresh_db.acquire() as conn:
            published = await conn.fetchval("SELECT max(published_position) FROM relay_checkpoints")
        assert (published or 0) <= 50, "nothing can be acknowledged while the broker is down"
    finally:
        kafka.set_broker_up()
    received = await _consume_all(kafka.bootstrap_servers, topic, 100, timeout=120)
    relay_task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await relay_task
    await publisher.stop()
    first_seen: list[int] = []
    for envelope in received:
        if envelope.stream_position not in first_seen:
            first_seen.append(envelope.stream_position)
    assert first_seen == list(range(1, 101))

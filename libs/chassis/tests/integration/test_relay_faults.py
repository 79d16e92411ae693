"""No single record and no broker outage stops a relay for good, and neither is silent."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import pytest
from chassis.db import apply_schema
from chassis.envelope import Actor, CausationContext, NewEvent
from chassis.eventstore import SCHEMA, EventTooLarge, PostgresEventStore
from chassis.relay import RELAY_SCHEMA, AioKafkaPublisher, OutboxRelay
from chassis.relay_admin import dismiss, list_parked, request_republish
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from .test_relay import _consume_all

CAUSE = CausationContext(Actor(subject="writer", role="headteacher"), "corr")


async def _append(pool, store: PostgresEventStore, stream: str, version: int, text: str) -> None:
    async with pool.acquire() as conn, conn.transaction():
        new = NewEvent("test.Noted", 1, {"trust_id": "t", "text": text}, key=stream)
        await store.append(conn, stream, version, [new], CAUSE)


def _metric(reader: InMemoryMetricReader, name: str) -> int | float | None:
    data = reader.get_metrics_data()
    for resource in data.resource_metrics if data else ():
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                if metric.name == name:
                    return sum(point.value for point in metric.data.data_points)
    return None


async def _wait_for(predicate, timeout: float = 30.0) -> None:
    async with asyncio.timeout(timeout):
        while not await predicate():
            await asyncio.sleep(0.05)


async def test_the_store_refuses_an_event_larger_than_one_kafka_message(fresh_db):
    await apply_schema(fresh_db, [*SCHEMA, *RELAY_SCHEMA])
    store = PostgresEventStore(fresh_db, "test", max_message_bytes=64_000)
    with pytest.raises(
        EventTooLarge,
        match=r"test.Noted event would be 1\d\d,\d{3} bytes, over the 64,000-byte limit",
    ):
        await _append(fresh_db, store, "s-big", 0, "x" * 100_000)
    assert await fresh_db.fetchval("SELECT count(*) FROM events") == 0
    await _append(fresh_db, store, "s-big", 0, "x" * 1_000)  # a normal one still goes in
    assert await fresh_db.fetchval("SELECT count(*) FROM events") == 1


async def test_a_record_the_broker_refuses_is_parked_loudly_and_later_events_still_flow(
    fresh_db, kafka, topic, caplog
):
    await apply_schema(fresh_db, [*SCHEMA, *RELAY_SCHEMA])
    # A store configured larger than its producer: the mismatch an operator could make.
    store = PostgresEventStore(fresh_db, "test", max_message_bytes=2_000_000)
    reader = InMemoryMetricReader()
    meter = MeterProvider(metric_readers=[reader]).get_meter("test")
    health: list[bool] = []

    async def report(healthy: bool) -> None:
        health.append(healthy)

    small = AioKafkaPublisher(kafka.bootstrap_servers, "relay-test", max_message_bytes=50_000)
    relay = OutboxRelay(
        fresh_db, small, "test", lambda _e: topic, report_health=report, meter=meter
    )
    await _append(fresh_db, store, "s-1", 0, "before")
    await _append(fresh_db, store, "s-1", 1, "y" * 200_000)  # over the producer's limit
    await _append(fresh_db, store, "s-2", 0, "after, another academy")
    with caplog.at_level(logging.ERROR, logger="chassis.relay"):
        task = asyncio.create_task(relay.run())
        try:
            received = await _consume_all(kafka.bootstrap_servers, topic, 2, timeout=30)
            await _wait_for(lambda: _has_parked(fresh_db))
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await small.stop()

    # At-least-once: the batch that met the refused record is published again one by one.
    texts = list(dict.fromkeys(e.payload["text"] for e in received))
    assert texts == ["before", "after, another academy"]
    async with fresh_db.acquire() as conn:
        parked = await list_parked(conn)
    assert [(p.global_position, p.event_type) for p in parked] == [(2, "test.Noted")]
    assert "MessageSizeTooLargeError" in parked[0].reason
    assert health == [True, False], "health turns NOT_SERVING when an event is parked"
    assert _metric(reader, "relay.events.parked") == 1
    assert _metric(reader, "relay.alarm") == 1
    alarms = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any(parked[0].event_id in message and "parked" in message for message in alarms)

    # The operator raises the producer's limit and asks for it again: it goes, the alarm clears.
    large = AioKafkaPublisher(kafka.bootstrap_servers, "relay-test", max_message_bytes=1_000_000)
    relay = OutboxRelay(
        fresh_db, large, "test", lambda _e: topic, report_health=report, meter=meter
    )
    async with fresh_db.acquire() as conn:
        await request_republish(conn, 2)
    task = asyncio.create_task(relay.run())
    try:
        received = await _consume_all(kafka.bootstrap_servers, topic, 3, timeout=30)
        await _wait_for(lambda: _has_parked(fresh_db, resolved=True))
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await large.stop()
    assert len({e.event_id for e in received}) == 3
    assert health[-1] is True
    assert _metric(reader, "relay.alarm") == 0
    async with fresh_db.acquire() as conn:
        assert await list_parked(conn) == []
        with pytest.raises(LookupError):
            await dismiss(conn, 2, "already republished")


async def _has_parked(pool, resolved: bool = False) -> bool:
    condition = "resolved_at IS NOT NULL" if resolved else "resolved_at IS NULL"
    return bool(await pool.fetchval(f"SELECT count(*) FROM relay_parked WHERE {condition}"))


async def test_a_relay_started_while_the_broker_is_down_publishes_when_it_returns_and_alarms_meanwhile(
    fresh_db, kafka, topic
):
    await apply_schema(fresh_db, [*SCHEMA, *RELAY_SCHEMA])
    store = PostgresEventStore(fresh_db, "test")
    health: list[bool] = []

    async def report(healthy: bool) -> None:
        health.append(healthy)

    publisher = AioKafkaPublisher(kafka.bootstrap_servers, "relay-test")
    relay = OutboxRelay(
        fresh_db, publisher, "test", lambda _e: topic, report_health=report, stall_alarm_seconds=1.0
    )
    kafka.set_broker_down()
    task = asyncio.create_task(relay.run())
    try:
        for n in range(5):
            await _append(fresh_db, store, "s-down", n, f"while down {n}")

        async def alarmed() -> bool:
            return health[-1:] == [False]

        await _wait_for(alarmed, timeout=60)
    finally:
        kafka.set_broker_up()
    try:
        received = await _consume_all(kafka.bootstrap_servers, topic, 5, timeout=90)

        async def recovered() -> bool:
            return health[-1:] == [True]

        await _wait_for(recovered, timeout=30)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await publisher.stop()
    texts = list(dict.fromkeys(e.payload["text"] for e in received))
    assert texts == [f"while down {n}" for n in range(5)]
    assert health[0] is True and False in health

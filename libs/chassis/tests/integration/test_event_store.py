"""Event store contract against real PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest
from chassis.db import apply_schema
from chassis.envelope import Actor, CausationContext, NewEvent
from chassis.errors import ConcurrencyConflict
from chassis.eventstore import SCHEMA, PostgresEventStore

CAUSE = CausationContext(Actor(subject="tester", role="chief_executive"), "corr-1")


def event(n: int) -> NewEvent:
    return NewEvent("test.Happened", 1, {"trust_id": "t", "n": n}, key="k")


async def test_concurrent_appends_to_one_stream_one_wins_the_other_conflicts(fresh_db):
    await apply_schema(fresh_db, SCHEMA)
    store = PostgresEventStore(fresh_db, "test")
    both_inserted = asyncio.Barrier(2)

    async def writer(n: int):
        async with fresh_db.acquire() as conn, conn.transaction():
            await conn.fetchval("SELECT 1")
            await both_inserted.wait()  # both have read version 0 before either commits
            return await store.append(conn, "s-1", 0, [event(n)], CAUSE)

    results = await asyncio.gather(writer(1), writer(2), return_exceptions=True)
    winners = [r for r in results if not isinstance(r, BaseException)]
    conflicts = [r for r in results if isinstance(r, ConcurrencyConflict)]
    assert len(winners) == 1 and len(conflicts) == 1
    stored = await store.load("s-1")
    assert [e.payload["n"] for e in stored] == [winners[0][0].payload["n"]]


async def test_stale_expected_version_is_a_conflict_and_appends_nothing(fresh_db):
    await apply_schema(fresh_db, SCHEMA)
    store = PostgresEventStore(fresh_db, "test")
    async with fresh_db.acquire() as conn, conn.transaction():
        await store.append(conn, "s-2", 0, [event(1), event(2)], CAUSE)
    with pytest.raises(ConcurrencyConflict, match="moved on from version 1"):
        async with fresh_db.acquire() as conn, conn.transaction():
            await store.append(conn, "s-2", 1, [event(3)], CAUSE)
    stored = await store.load("s-2")
    assert [e.stream_position for e in stored] == [1, 2]
    assert stored[0].actor.subject == "tester"


async def test_appended_events_are_unsequenced_until_the_relay_orders_them(fresh_db):
    await apply_schema(fresh_db, SCHEMA)
    store = PostgresEventStore(fresh_db, "test")
    async with fresh_db.acquire() as conn, conn.transaction():
        await store.append(conn, "s-3", 0, [event(1)], CAUSE)
    assert await store.read_feed(0, 10) == []

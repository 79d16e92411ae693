"""One contract, two stores: what handlers may rely on holds in PostgreSQL and in memory."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
from chassis.aggregate import (
    Aggregate,
    Loaded,
    Recorded,
    Target,
    execute,
    execute_together,
    read,
)
from chassis.db import apply_schema
from chassis.envelope import Actor, CausationContext, NewEvent
from chassis.errors import ConcurrencyConflict, InvalidArgument
from chassis.eventstore import SCHEMA, EventTooLarge, PostgresEventStore
from chassis.memory_store import InMemoryEventStore
from pydantic import BaseModel

CAUSE = CausationContext(Actor(subject="tester", role="chief_executive"), "corr-1")


@pytest.fixture(params=["postgres", "memory"])
def store_kind(request) -> str:
    return request.param


@pytest.fixture
async def store(store_kind, fresh_db):
    if store_kind == "memory":
        return InMemoryEventStore("test", max_message_bytes=64_000)
    await apply_schema(fresh_db, SCHEMA)
    return PostgresEventStore(fresh_db, "test", max_message_bytes=64_000)


def event(n: int, text: str = "") -> NewEvent:
    return NewEvent("test.Counted", 1, {"trust_id": "t", "n": n, "text": text}, key="k")


async def test_appended_events_load_in_stream_order_with_positions_and_actor(store):
    async with store.transaction() as session:
        await session.append("tally-1", 0, [event(1), event(2)], CAUSE)
    async with store.transaction() as session:
        await session.append("tally-1", 2, [event(3)], CAUSE)
        loaded = await session.load("tally-1")
    assert [(e.stream_position, e.payload["n"]) for e in loaded] == [(1, 1), (2, 2), (3, 3)]
    assert {e.actor.subject for e in loaded} == {"tester"}


async def test_a_stale_expected_version_is_a_conflict_and_appends_nothing(store):
    async with store.transaction() as session:
        await session.append("tally-2", 0, [event(1)], CAUSE)
    with pytest.raises(ConcurrencyConflict, match="moved on from version 0"):
        async with store.transaction() as session:
            await session.append("tally-2", 0, [event(2)], CAUSE)
    async with store.transaction() as session:
        assert [e.payload["n"] for e in await session.load("tally-2")] == [1]


async def test_a_failed_transaction_leaves_nothing_behind(store):
    with pytest.raises(InvalidArgument, match="refused"):
        async with store.transaction() as session:
            await session.append("tally-3", 0, [event(1)], CAUSE)
            raise InvalidArgument("refused after appending")
    async with store.transaction() as session:
        assert await session.load("tally-3") == []


async def test_an_event_larger_than_one_kafka_record_is_refused(store):
    with pytest.raises(EventTooLarge, match="over the 64,000-byte limit"):
        async with store.transaction() as session:
            await session.append("tally-4", 0, [event(1, "x" * 70_000)], CAUSE)
    async with store.transaction() as session:
        assert await session.load("tally-4") == []


async def test_two_writers_of_one_stream_one_wins_and_the_other_conflicts(store):
    both_loaded = asyncio.Barrier(2)

    async def writer(n: int) -> None:
        async with store.transaction() as session:
            version = len(await session.load("tally-5"))
            await both_loaded.wait()
            await session.append("tally-5", version, [event(n)], CAUSE)

    results = await asyncio.gather(writer(1), writer(2), return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["ConcurrencyConflict", "NoneType"]
    async with store.transaction() as session:
        assert len(await session.load("tally-5")) == 1


class Counted(BaseModel):
    EVENT_TYPE: ClassVar[str] = "test.Counted"
    SCHEMA_VERSION: ClassVar[int] = 1
    trust_id: str
    n: int
    text: str = ""


class Contracts:
    def parse(self, event_type: str, schema_version: int, payload: dict[str, Any]) -> Counted:
        return Counted.model_validate(payload)


@dataclass(frozen=True)
class Tally:
    name: str
    total: int = 0


TALLY = Aggregate[Tally](
    category="tally",
    contracts=Contracts(),
    initial=Tally,
    evolve=lambda state, recorded: Tally(state.name, state.total + recorded.event.n),
)


async def test_execute_loads_decides_appends_and_returns_what_was_decided(store):
    def add(n: int):
        def decide(loaded: Loaded[Tally]) -> list[Counted]:
            return [Counted(trust_id="t", n=n)]

        return decide

    first = await execute(store, TALLY, ["a"], add(2), "a", CAUSE)
    second = await execute(store, TALLY, ["a"], add(3), "a", CAUSE)
    assert (first.state, first.version) == (Tally("a", 2), 1)
    assert (second.state, second.version) == (Tally("a", 5), 2)
    assert second.envelopes[0].stream == "tally-a" and second.envelopes[0].stream_position == 2
    assert (await read(store, TALLY, "a")).state == Tally("a", 5)


class _HeldBackStore:
    """The store, with the first transaction's append held until ``release`` is set:
    another writer commits in between, as a concurrent request would."""

    def __init__(self, store, release: asyncio.Event) -> None:
        self._store = store
        self._release = release
        self.held = asyncio.Event()

    @contextlib.asynccontextmanager
    async def transaction(self):
        async with self._store.transaction() as session:
            if self.held.is_set():
                yield session
                return
            self.held.set()
            yield _HeldBackSession(session, self._release)


class _HeldBackSession:
    def __init__(self, session, release: asyncio.Event) -> None:
        self._session = session
        self._release = release
        self.conn = session.conn

    async def load(self, stream):
        return await self._session.load(stream)

    async def append(self, stream, expected_version, events, cause):
        await self._release.wait()
        return await self._session.append(stream, expected_version, events, cause)


async def test_execute_decides_again_on_the_newer_state_after_a_conflict(store):
    seen_totals: list[int] = []
    other_written = asyncio.Event()
    held_back = _HeldBackStore(store, other_written)

    def decide(loaded: Loaded[Tally]) -> list[Counted]:
        seen_totals.append(loaded.state.total)
        return [Counted(trust_id="t", n=10)]

    async def other() -> None:
        await held_back.held.wait()
        await execute(store, TALLY, ["b"], lambda _l: [Counted(trust_id="t", n=1)], "b", CAUSE)
        other_written.set()

    results = await asyncio.gather(execute(held_back, TALLY, ["b"], decide, "b", CAUSE), other())
    assert seen_totals == [0, 1], "decided once on the stale state, once on the new one"
    assert results[0].state.total == 11
    assert (await read(store, TALLY, "b")).version == 2


async def test_a_recorded_event_carries_its_actor_into_evolve(store):
    actors: list[str] = []
    watching = Aggregate[Tally](
        category="tally",
        contracts=Contracts(),
        initial=Tally,
        evolve=lambda state, recorded: (actors.append(recorded.actor.subject), state)[1],
    )
    await execute(store, TALLY, ["c"], lambda _l: [Counted(trust_id="t", n=1)], "c", CAUSE)
    await read(store, watching, "c")
    assert actors == ["tester"]
    assert isinstance(Recorded(Counted(trust_id="t", n=1), CAUSE.actor), Recorded)


# -- one decision over two streams ----------------------------------------------------


def _take(n: int, limit: int):
    """Take ``n`` from a shared pot (stream ``pot``) and record it on the taker's own
    stream: refused (ValueError) when the pot would pass ``limit``."""

    def decide(loaded) -> list[list[Counted]]:
        pot, _own = loaded
        if pot.state.total + n > limit:
            raise ValueError(f"pot at {pot.state.total}; {n} more passes {limit}")
        return [[Counted(trust_id="t", n=n)], [Counted(trust_id="t", n=n)]]

    return decide


async def test_execute_together_appends_to_every_stream_or_to_none(store):
    targets = [Target(TALLY, ["pot1"], "pot1"), Target(TALLY, ["own1"], "own1")]
    decided = await execute_together(store, targets, _take(3, 5), CAUSE)
    assert [d.state.total for d in decided] == [3, 3]
    assert [d.version for d in decided] == [1, 1]
    with pytest.raises(ValueError, match="passes 5"):
        await execute_together(store, targets, _take(3, 5), CAUSE)
    assert (await read(store, TALLY, "pot1")).version == 1
    assert (await read(store, TALLY, "own1")).version == 1


async def test_execute_together_appends_nothing_where_a_target_is_only_read(store):
    def read_pot_write_own(loaded) -> list[list[Counted]]:
        return [[], [Counted(trust_id="t", n=loaded[0].state.total + 1)]]

    await execute(store, TALLY, ["pot2"], lambda _l: [Counted(trust_id="t", n=4)], "pot2", CAUSE)
    targets = [Target(TALLY, ["pot2"], "pot2"), Target(TALLY, ["own2"], "own2")]
    decided = await execute_together(store, targets, read_pot_write_own, CAUSE)
    assert (decided[0].version, decided[1].state.total) == (1, 5)


async def test_twenty_racers_for_a_pot_that_fits_ten_exactly_ten_win(store):
    """Each racer takes 1 from a pot of 10 and writes its own stream: however the
    appends interleave, the pot's expected version lets exactly ten through."""

    async def race(i: int) -> bool:
        targets = [Target(TALLY, ["pot3"], "pot3"), Target(TALLY, [f"own3-{i}"], f"own3-{i}")]
        try:
            await execute_together(store, targets, _take(1, 10), CAUSE, attempts=40)
        except ValueError:
            return False
        return True

    won = await asyncio.gather(*(race(i) for i in range(20)))
    assert sum(won) == 10
    pot = await read(store, TALLY, "pot3")
    assert (pot.state.total, pot.version) == (10, 10)

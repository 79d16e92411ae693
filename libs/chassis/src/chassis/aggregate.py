"""Load, decide, append: written once for every service.

A service describes each kind of stream once (an ``Aggregate``: its category,
the contracts of its events, its initial state and ``evolve``), and writes
each use case as a pure ``decide(state) -> events``. ``execute`` loads and
folds the stream, decides, appends with the expected version in one
transaction, and on a concurrency conflict (another writer got there first)
loads and decides once more: safe because ``decide`` is pure. It returns what
was decided (the new state and the events), so an entry point builds its reply
from that and never parses an event payload.

The version is the number of events in the stream: ``evolve`` never counts.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from chassis.envelope import Actor, CausationContext, EventEnvelope, NewEvent, Payload, new_events
from chassis.errors import ConcurrencyConflict
from chassis.streams import stream_name

S = TypeVar("S")


class Session(Protocol):
    """An event store inside one transaction (PostgresSession, InMemorySession)."""

    conn: Any  # the database connection for read-table writes; None in memory

    async def load(self, stream: str) -> list[EventEnvelope]: ...

    async def append(
        self,
        stream: str,
        expected_version: int,
        events: Sequence[NewEvent],
        cause: CausationContext,
    ) -> list[EventEnvelope]: ...


class EventStore(Protocol):
    def transaction(self) -> AbstractAsyncContextManager[Any]: ...

    def reading(self) -> AbstractAsyncContextManager[Any]:
        """A session for a single read: no transaction where one is not needed."""
        ...


class Contracts(Protocol):
    def parse(self, event_type: str, schema_version: int, payload: dict[str, Any]) -> Any: ...


@dataclass(frozen=True)
class Recorded:
    """An event as ``evolve`` sees it: the payload and who caused it, when."""

    event: Any
    actor: Actor
    occurred_at: datetime | None = None


@dataclass(frozen=True)
class Aggregate(Generic[S]):
    category: str
    contracts: Contracts
    initial: Callable[[str], S]  # from the stream's id
    evolve: Callable[[S, Recorded], S]

    def stream(self, *ids: str) -> str:
        return stream_name(self.category, *ids)

    def fold(self, state: S, recorded: Sequence[Recorded]) -> S:
        for item in recorded:
            state = self.evolve(state, item)
        return state


@dataclass(frozen=True)
class Loaded(Generic[S]):
    state: S
    version: int  # events in the stream so far; 0 for a new stream

    @property
    def exists(self) -> bool:
        return self.version > 0


@dataclass(frozen=True)
class Decided(Generic[S]):
    state: S  # after the new events
    events: list[Any]  # the new events' payloads, as decided
    envelopes: list[EventEnvelope]  # as stored
    version: int  # after the new events


async def load(session: Session, aggregate: Aggregate[S], *ids: str) -> Loaded[S]:
    envelopes = await session.load(aggregate.stream(*ids))
    recorded = [
        Recorded(
            aggregate.contracts.parse(e.event_type, e.schema_version, e.payload),
            e.actor,
            e.occurred_at,
        )
        for e in envelopes
    ]
    return Loaded(aggregate.fold(aggregate.initial("+".join(ids)), recorded), len(envelopes))


async def execute(
    store: EventStore,
    aggregate: Aggregate[S],
    ids: Sequence[str],
    decide: Callable[[Loaded[S]], Sequence[Payload]],
    key: str,
    cause: CausationContext,
    after: Callable[[Session, Decided[S]], Awaitable[None]] | None = None,
    attempts: int = 2,
) -> Decided[S]:
    """Load, decide, append (and ``after``, e.g. read tables) in one transaction.

    ``decide`` may raise a DomainError to refuse; nothing is appended then. An
    empty decision appends nothing and returns the state as loaded.
    """

    async def together(session: Session, decided: Sequence[Decided[Any]]) -> None:
        if after is not None:
            await after(session, decided[0])

    results = await execute_together(
        store,
        [Target(aggregate, tuple(ids), key)],
        lambda loaded: [decide(loaded[0])],
        cause,
        after=together,
        attempts=attempts,
    )
    return results[0]


@dataclass(frozen=True)
class Target(Generic[S]):
    """One stream a decision reads and may append to, and the key its events carry."""

    aggregate: Aggregate[S]
    ids: Sequence[str]
    key: str

    @property
    def stream(self) -> str:
        return self.aggregate.stream(*self.ids)


async def execute_together(
    store: EventStore,
    targets: Sequence[Target[Any]],
    decide: Callable[[Sequence[Loaded[Any]]], Sequence[Sequence[Payload]]],
    cause: CausationContext,
    after: Callable[[Session, Sequence[Decided[Any]]], Awaitable[None]] | None = None,
    attempts: int = 2,
) -> list[Decided[Any]]:
    """One decision over several streams, appended all or nothing.

    Each target is loaded and folded; ``decide`` returns one list of events per
    target (empty: nothing appended there, and that stream is only read). Every
    append carries the version its stream was loaded at, in one transaction, so
    an invariant that spans streams (a budget line and a provider's capacity)
    holds however many writers race: all but one of them conflict, reload and
    decide again (``decide`` is pure). ``attempts`` bounds that; a contended
    stream wants more than the default, with a short random pause between them
    so the racers spread out.
    """
    for attempt in range(attempts):
        try:
            async with store.transaction() as session:
                loaded = [await load(session, t.aggregate, *t.ids) for t in targets]
                decisions = [list(events) for events in decide(loaded)]
                if len(decisions) != len(targets):
                    raise AssertionError("decide must return one list of events per target")
                # Appended in the order of the stream names, whatever the order of the
                # targets: two decisions over the same streams never wait for each
                # other in opposite orders (a deadlock in PostgreSQL).
                stored: dict[int, list[EventEnvelope]] = {}
                for i in sorted(range(len(targets)), key=lambda i: targets[i].stream):
                    events = decisions[i]
                    stored[i] = (
                        await session.append(
                            targets[i].stream,
                            loaded[i].version,
                            new_events(events, targets[i].key),
                            cause,
                        )
                        if events
                        else []
                    )
                results: list[Decided[Any]] = []
                for i, (target, before, events) in enumerate(
                    zip(targets, loaded, decisions, strict=True)
                ):
                    envelopes = stored[i]
                    state = target.aggregate.fold(
                        before.state,
                        [
                            Recorded(event, envelope.actor, envelope.occurred_at)
                            for event, envelope in zip(events, envelopes, strict=True)
                        ],
                    )
                    results.append(Decided(state, events, envelopes, before.version + len(events)))
                if after is not None:
                    await after(session, results)
                return results
        except ConcurrencyConflict:
            if attempt + 1 >= attempts:
                raise
            if attempt:
                await asyncio.sleep(random.uniform(0, 0.005 * (attempt + 1)))
    raise AssertionError("unreachable")


async def read(store: EventStore, aggregate: Aggregate[S], *ids: str) -> Loaded[S]:
    """One stream as it stands (one statement: consistent without a transaction)."""
    async with store.reading() as session:
        return await load(session, aggregate, *ids)

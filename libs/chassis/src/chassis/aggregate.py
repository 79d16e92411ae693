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
) -> Decided[S]:
    """Load, decide, append (and ``after``, e.g. read tables) in one transaction.

    ``decide`` may raise a DomainError to refuse; nothing is appended then. An
    empty decision appends nothing and returns the state as loaded.
    """
    for attempt in range(2):
        try:
            async with store.transaction() as session:
                loaded = await load(session, aggregate, *ids)
                events = list(decide(loaded))
                envelopes = await session.append(
                    aggregate.stream(*ids), loaded.version, new_events(events, key), cause
                )
                state = aggregate.fold(
                    loaded.state,
                    [
                        Recorded(event, envelope.actor, envelope.occurred_at)
                        for event, envelope in zip(events, envelopes, strict=True)
                    ],
                )
                decided = Decided(state, events, envelopes, loaded.version + len(events))
                if after is not None:
                    await after(session, decided)
                return decided
        except ConcurrencyConflict:
            if attempt:
                raise
    raise AssertionError("unreachable")


async def read(store: EventStore, aggregate: Aggregate[S], *ids: str) -> Loaded[S]:
    async with store.transaction() as session:
        return await load(session, aggregate, *ids)

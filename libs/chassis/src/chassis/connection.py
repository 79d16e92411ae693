"""Where an adapter reads and writes: a connection of its own from the pool (an
API), or a consumer's connection inside its open transaction, so that it sees
what that transaction already wrote (an earlier event of the same batch) and
its writes commit with the consumer's inbox row or not at all."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import asyncpg

from chassis.eventstore import PostgresEventStore, PostgresSession


class Connector:
    """``async with connect() as conn``: one of the pool's, or the one given."""

    def __init__(self, source: asyncpg.Pool | asyncpg.Connection) -> None:
        self._source = source

    @contextlib.asynccontextmanager
    async def __call__(self) -> AsyncIterator[asyncpg.Connection]:
        if isinstance(self._source, asyncpg.Pool):
            async with self._source.acquire() as conn:
                yield conn
        else:
            yield self._source


class OnConnection:
    """The event store inside a transaction already open on ``conn`` (a
    consumer's): each unit of work (chassis.aggregate.execute) is a savepoint, so
    a refusal or a conflict undoes only its own appends and read-table writes,
    and everything commits with the consumer's inbox row."""

    def __init__(self, store: PostgresEventStore, conn: asyncpg.Connection) -> None:
        self._store = store
        self._conn = conn

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[PostgresSession]:
        session = PostgresSession(self._store, self._conn)
        async with self._conn.transaction():
            yield session
        if session.appended:
            # Committed only with the consumer's batch, a moment later: the relay
            # polls briefly after a hint for exactly that.
            self._store.appended.set()

    @contextlib.asynccontextmanager
    async def reading(self) -> AsyncIterator[PostgresSession]:
        """Reads see what the consumer's open transaction already wrote."""
        yield PostgresSession(self._store, self._conn)

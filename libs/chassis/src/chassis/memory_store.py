"""An event store in memory, behind the same protocol as the PostgreSQL one.

For application tests without a database: handlers run against it exactly as
against ``PostgresEventStore`` (the same contract suite runs on both). A
transaction's appends become visible when it commits and vanish when it
fails; a stale expected version is a ConcurrencyConflict, as in PostgreSQL.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence

from chassis import clock
from chassis.envelope import (
    DEFAULT_MAX_MESSAGE_BYTES,
    CausationContext,
    EventEnvelope,
    NewEvent,
)
from chassis.errors import ConcurrencyConflict
from chassis.eventstore import check_publishable


class InMemoryEventStore:
    def __init__(self, source: str = "test", max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES):
        self.source = source
        self.max_message_bytes = max_message_bytes
        self._streams: dict[str, list[EventEnvelope]] = defaultdict(list)
        self._log: list[EventEnvelope] = []  # commit order, as the relay would sequence
        self._commit_lock = asyncio.Lock()

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[InMemorySession]:
        session = InMemorySession(self)
        yield session
        async with self._commit_lock:
            session.commit()

    @contextlib.asynccontextmanager
    async def reading(self) -> AsyncIterator[InMemorySession]:
        yield InMemorySession(self)

    async def load(self, stream: str) -> list[EventEnvelope]:
        return list(self._streams.get(stream, ()))

    async def read_feed(self, after_position: int, limit: int) -> list[EventEnvelope]:
        return self._log[after_position : after_position + limit]

    def all_events(self) -> list[EventEnvelope]:
        return list(self._log)


class InMemorySession:
    """Appends held until commit; reads see committed events and this session's own."""

    conn = None  # no database: handlers' read-table writes need their own fake

    def __init__(self, store: InMemoryEventStore) -> None:
        self._store = store
        self._pending: dict[str, list[EventEnvelope]] = defaultdict(list)
        self._expected: dict[str, int] = {}

    async def load(self, stream: str) -> list[EventEnvelope]:
        return [*self._store._streams.get(stream, ()), *self._pending.get(stream, ())]

    async def append(
        self,
        stream: str,
        expected_version: int,
        events: Sequence[NewEvent],
        cause: CausationContext,
    ) -> list[EventEnvelope]:
        if not events:
            return []
        current = len(await self.load(stream))
        if current != expected_version:
            raise ConcurrencyConflict(
                f"stream {stream} has moved on from version {expected_version} (to {current}): "
                "someone else changed it first; reload and try again"
            )
        known = {e.event_id for e in self._store._log} | {
            e.event_id for pending in self._pending.values() for e in pending
        }
        if any(event.event_id in known for event in events):
            raise ConcurrencyConflict(
                "an event with the same id was already appended (a retried request)"
            )
        now = clock.now()
        envelopes = [
            EventEnvelope(
                event_id=event.event_id,
                event_type=event.event_type,
                schema_version=event.schema_version,
                stream=stream,
                stream_position=expected_version + index + 1,
                source=self._store.source,
                key=event.key,
                occurred_at=now,
                actor=cause.actor,
                correlation_id=cause.correlation_id,
                causation_id=cause.causation_id,
                payload=event.payload,
            )
            for index, event in enumerate(events)
        ]
        check_publishable(envelopes, self._store.max_message_bytes)
        self._expected.setdefault(stream, expected_version - len(self._pending.get(stream, ())))
        self._pending[stream].extend(envelopes)
        return envelopes

    def commit(self) -> None:
        for stream, expected in self._expected.items():
            current = len(self._store._streams.get(stream, ()))
            if current != expected:
                raise ConcurrencyConflict(
                    f"stream {stream} has moved on from version {expected} (to {current}): "
                    "someone else changed it first; reload and try again"
                )
        for stream, envelopes in self._pending.items():
            for envelope in envelopes:
                positioned = envelope.model_copy(
                    update={"global_position": len(self._store._log) + 1}
                )
                self._store._streams[stream].append(positioned)
                self._store._log.append(positioned)

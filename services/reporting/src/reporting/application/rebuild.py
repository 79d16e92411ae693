"""Rebuild every read model (the timeline, actions per owner, the support
ledger's events, the board's facts) from the services' event feeds, not from
Kafka, with a result identical to the live projections.

How: each feed is read in order and projected in memory by the live
projections' own pure functions (domain.timeline.entry_for,
domain.ledger.ledger_event, domain.actions.evolve, domain.board_facts'
fact_changes and each change's evolve), after the live consumers' own contract
check (ContractSet.normalise: an event they would skip or dead-letter is left
out here too). The consumers' topics need no filter: the events of a topic a
model does not read are ones its function leaves out (no academy, or not its
types). What a live store reads back before it writes (a fact's latest
version, an action as folded so far) is kept in memory, so the database only
receives rows: large batches by COPY (adapters.rebuild_writer), one batch
written while the next is projected.

Into another schema (a copy, to compare with or swap for the live model): the
schema is dropped and made again, and each batch commits together with its
feed's checkpoint. A rebuild stopped part way (a crash, Ctrl-C, a feed gone)
continues with ``resume=True`` after the checkpoints, reloading that state from
the copy, and applies no event twice; resuming a finished copy catches it up
with what the feeds gained since.

In place (the live schema): the live tables are emptied and refilled in one
transaction, as before: readers see the old model or the new one, and live
consumers wait for the lock, then find their event applied (timeline and ledger
rows are keyed by event id, a board fact's version by event, kind and key, and
an action's fold is idempotent).
Not resumable: a failure rolls it all back.

Feeds are replayed one after another: each read model's state is keyed within
one service (a fact's kind is one service's, actions are meetings'), so the
order between feeds changes nothing, as between the live consumers' topics.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter
from collections.abc import AsyncIterator, Callable, Mapping

import asyncpg
import pydantic
from chassis.consumer import ContractSet
from chassis.envelope import EventEnvelope
from contracts.academies.v1 import ACADEMIES_EVENTS
from contracts.evaluations.v1 import EVALUATIONS_EVENTS
from contracts.meetings.v1 import MEETINGS_EVENTS
from contracts.support.v1 import SUPPORT_EVENTS

from reporting.adapters.actions_store import action_row
from reporting.adapters.rebuild_writer import (
    Batch,
    Checkpoint,
    FactKey,
    FactVersion,
    RebuildRefused,
    RebuildWriter,
    Row,
    board_row,
    json_text,
    ledger_row,
)
from reporting.adapters.timeline_store import LIVE_SCHEMA, timeline_row
from reporting.domain.actions import TrackedAction, event_of, evolve
from reporting.domain.board_facts import fact_changes
from reporting.domain.ledger import ledger_event
from reporting.domain.timeline import entry_for

log = logging.getLogger(__name__)

FeedReader = Callable[[int], AsyncIterator[EventEnvelope]]
"""A service's feed: every event after the given global position, oldest first."""
Progress = Callable[[str, int, int], None]
"""Called as a feed starts and as its batches commit: the feed, its events done
so far, and the global position they reach (the feed's GetHead says how far it
goes)."""

# The union of the live consumers' contract sets (bootstrap); each event type
# belongs to one service's registry, so every consumer checks it the same way.
LIVE_CONTRACTS = ContractSet(ACADEMIES_EVENTS, EVALUATIONS_EVENTS, MEETINGS_EVENTS, SUPPORT_EVENTS)
DEFAULT_BATCH = 5000
# Hand the event loop back this often, so the previous batch's COPY and commit
# make progress (the server works on them on the other core) while we project.
_YIELD_EVERY = 256


class Projection:
    """The four live projections, applied in memory, producing rows in batches."""

    def __init__(
        self,
        contracts: ContractSet = LIVE_CONTRACTS,
        facts: dict[FactKey, FactVersion] | None = None,
        actions: dict[str, TrackedAction] | None = None,
    ) -> None:
        self._contracts = contracts
        self.facts = facts if facts is not None else {}
        self.actions = actions if actions is not None else {}
        self.left_out: Counter[str] = Counter()  # "<model> <event type>": events not applied
        self._batch = Batch()
        self._changed: dict[str, TrackedAction] = {}

    def apply(self, envelope: EventEnvelope) -> None:
        if not self._contracts.knows_type(envelope.event_type):
            self._leave_out("every model", envelope, "no contract names its type")
            return
        try:
            envelope = self._contracts.normalise(envelope)
        except (LookupError, pydantic.ValidationError) as error:
            self._leave_out("every model", envelope, str(error))
            return
        # Each live model has its own consumer: an event one of them dead-letters
        # is still in the others.
        for model, project in self._models:
            try:
                project(self, envelope)
            except Exception as error:  # the live consumer dead-letters it
                self._leave_out(model, envelope, f"{type(error).__name__}: {error}")

    def take(self) -> Batch:
        """The batch so far (with the actions it changed, as they now stand); a new one starts."""
        batch, self._batch = self._batch, Batch()
        batch.actions = [action_row(action) for action in self._changed.values()]
        self._changed = {}
        return batch

    def _timeline(self, envelope: EventEnvelope) -> None:
        entry = entry_for(envelope)
        if entry is not None:
            self._batch.timeline.append(timeline_row(entry))

    def _ledger(self, envelope: EventEnvelope) -> None:
        event = ledger_event(envelope)
        if event is not None and event.trust_id:
            self._batch.ledger.append(ledger_row(event))

    def _action(self, envelope: EventEnvelope) -> None:
        event = event_of(envelope.event_type, envelope.payload)
        if event is None:
            return
        before = self.actions.get(event.action_id)
        after = evolve(before, event)
        if after is not None and after != before:
            self.actions[event.action_id] = self._changed[event.action_id] = after

    def _facts(self, envelope: EventEnvelope) -> None:
        """As BoardStore.project: each change evolves the fact's latest version
        (as the store reads it back: its JSON decoded) into the next."""
        changes = fact_changes(envelope)
        if not changes:
            return
        trust_id = str(envelope.payload.get("trust_id") or "")
        staged: dict[FactKey, FactVersion] = {}
        rows: list[Row] = []
        for change in changes:
            key = (trust_id, change.academy_id, change.kind, change.key)
            previous = staged.get(key) or self.facts.get(key)
            before = json.loads(previous[1]) if previous else None
            year = change.academic_year
            if year is None:  # a later event about the fact: its year stays
                year = previous[0] if previous else ""
            text = json_text(change.evolve(before))
            staged[key] = (year, text)
            rows.append(board_row(key, year, envelope.occurred_at, envelope.event_id, text))
        self.facts.update(staged)  # all of the event's changes, or none (one transaction live)
        self._batch.board.extend(rows)

    _models: tuple[tuple[str, Callable[[Projection, EventEnvelope], None]], ...] = (
        ("timeline", _timeline),
        ("ledger", _ledger),
        ("actions", _action),
        ("board", _facts),
    )

    def _leave_out(self, model: str, envelope: EventEnvelope, reason: str) -> None:
        what = f"{model}: {envelope.event_type}"
        if what not in self.left_out:
            log.warning("rebuild leaves out %s (as the live consumer would): %s", what, reason)
        self.left_out[what] += 1


class _Pipeline:
    """At most one batch in flight: it is written while the next is projected."""

    def __init__(
        self,
        conn: asyncpg.Connection,
        writer: RebuildWriter,
        keep_checkpoints: bool,
        progress: Progress | None,
    ) -> None:
        self._conn = conn
        self._writer = writer
        self._keep_checkpoints = keep_checkpoints
        self._progress = progress
        self._pending: asyncio.Task[None] | None = None

    async def submit(self, batch: Batch, reached: Checkpoint) -> None:
        await self.drain()
        self._pending = asyncio.create_task(self._write(batch, reached))

    async def drain(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            await pending

    async def _write(self, batch: Batch, reached: Checkpoint) -> None:
        await self._writer.write(self._conn, batch, reached if self._keep_checkpoints else None)
        if self._progress is not None:
            self._progress(reached.feed, reached.events, reached.position)


async def _replay_feed(
    name: str,
    read: FeedReader,
    start: Checkpoint,
    projection: Projection,
    pipeline: _Pipeline,
    batch_size: int,
) -> int:
    """Projects the feed after ``start`` batch by batch; returns the events read."""
    events = start.events
    last: EventEnvelope | None = None
    in_batch = 0
    try:
        async for last in read(start.position):
            projection.apply(last)
            events += 1
            in_batch += 1
            if in_batch % _YIELD_EVERY == 0:
                await asyncio.sleep(0)
            if in_batch == batch_size:
                await pipeline.submit(projection.take(), _checkpoint(name, last, events))
                in_batch = 0
        if in_batch and last is not None:
            await pipeline.submit(projection.take(), _checkpoint(name, last, events))
    finally:
        # What was handed over commits with its checkpoint even when the feed
        # fails: a resumed rebuild starts after it. A half-read batch is dropped.
        await pipeline.drain()
    return events - start.events


def _checkpoint(feed: str, last: EventEnvelope, events: int) -> Checkpoint:
    if last.global_position is None:
        raise ValueError(f"feed {feed} gave event {last.event_id} without a global position")
    return Checkpoint(feed, last.global_position, events)


async def _replay(
    conn: asyncpg.Connection,
    writer: RebuildWriter,
    feeds: Mapping[str, FeedReader],
    projection: Projection,
    checkpoints: Mapping[str, Checkpoint],
    in_place: bool,
    progress: Progress | None,
    batch_size: int,
) -> int:
    await writer.use_copy_codecs(conn)
    pipeline = _Pipeline(conn, writer, not in_place, progress)
    count = 0
    for name, read in feeds.items():
        start = checkpoints.get(name, Checkpoint(name, 0, 0))
        if progress is not None:
            progress(name, start.events, start.position)
        count += await _replay_feed(name, read, start, projection, pipeline, batch_size)
    if projection.left_out:
        log.warning("rebuild left out, as the live consumers would: %s", dict(projection.left_out))
    return count


async def rebuild(
    pool: asyncpg.Pool,
    feeds: Mapping[str, FeedReader],
    schema: str = LIVE_SCHEMA,
    *,
    resume: bool = False,
    progress: Progress | None = None,
    batch_size: int = DEFAULT_BATCH,
) -> int:
    """Replays every feed into ``schema``'s read models; returns the events read
    (by this run, when resumed). ``resume`` continues a copy after its checkpoints.

    Raises RebuildRefused to resume the live schema, or a copy never started, or
    while another rebuild of the schema runs."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    in_place = schema == LIVE_SCHEMA
    if in_place and resume:
        raise RebuildRefused(
            f"the live schema ({LIVE_SCHEMA}) is rebuilt in one transaction and cannot be "
            "resumed: rebuild into another schema to resume, or rebuild in place from scratch"
        )
    writer = RebuildWriter(schema)
    async with pool.acquire() as conn:
        await writer.claim(conn)
        try:
            if in_place:
                async with conn.transaction():
                    await writer.empty_live(conn)
                    return await _replay(
                        conn, writer, feeds, Projection(), {}, True, progress, batch_size
                    )
            if resume:
                # Read before the COPY codecs go in: exactly what a live store reads back.
                state = await writer.saved_state(conn)
                projection = Projection(facts=state.facts, actions=state.actions)
                checkpoints = state.checkpoints
            else:
                await writer.create_fresh(conn)
                projection, checkpoints = Projection(), {}
            count = await _replay(
                conn, writer, feeds, projection, checkpoints, False, progress, batch_size
            )
            await writer.finish(conn)
            return count
        finally:
            await writer.release(conn)
            # The connection's codecs were changed for COPY: the pool replaces it.
            await pool.expire_connections()


async def rebuild_timeline(
    pool: asyncpg.Pool, feeds: Mapping[str, FeedReader], schema: str = LIVE_SCHEMA
) -> int:
    """Every read model rebuilt from scratch (the name is the first model's)."""
    return await rebuild(pool, feeds, schema)

"""What the fault harness checks after a round, from the platform's own stores and
the broker (for trust_local.fault_harness).

For every command of the round (by its correlation id, shared by all its
attempts):
- its events are in the owning service's event store exactly as many times as
  the command appends them (``Command.expects``); none for an acknowledged
  command is a loss, more is a duplicate, whatever the client was told;
- each of those events is on its topic at least once (read from the offsets the
  round started at);
- each is recorded exactly once by every consumer whose topics carry it and whose
  contracts name its type (``processed_messages``, written in the same
  transaction as the consumer's side effects, so recorded means applied, and its
  key means never twice);
- no consumer reacted twice to one event: two events of one type on one stream
  caused by the same event (``causation_id``) in any store would be one reaction
  applied twice;
- in order per key: on each partition the first time each event of a key
  appears follows its global position, and each consumer applied a stream's
  events in stream order (``processed_at`` never goes back).
"""

from __future__ import annotations

import importlib
import itertools
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from chassis.eventstore import envelope_from_row

from trust_local.fault_load import Command
from trust_local.launcher import SERVICES, Platform


@dataclass(frozen=True)
class Consumer:
    name: str
    service: str  # whose database records what it processed
    topics: frozenset[str]
    contracts: Any  # chassis.consumer.ContractSet

    def reads(self, event: StoredEvent) -> bool:
        return event.topic in self.topics and self.contracts.knows_type(event.event_type)


@dataclass(frozen=True)
class StoredEvent:
    event_id: str
    event_type: str
    service: str
    stream: str
    stream_position: int
    global_position: int | None
    key: str
    topic: str
    correlation_id: str


def consumers() -> list[Consumer]:
    """Every service's consumers, as its own wiring declares them."""
    context = cast(
        Any,
        SimpleNamespace(
            settings=SimpleNamespace(max_message_bytes=1_000_000),
            pool=None,
            store=None,
            tokens=None,
            dead_letter=None,
        ),
    )
    found = []
    for service in SERVICES:
        spec = importlib.import_module(f"{service}.bootstrap").SPEC
        for made in spec.consumers(context):
            found.append(
                Consumer(
                    made.consumer.name,
                    service,
                    frozenset(made.topics),
                    made.consumer._contracts,
                )
            )
    return found


async def _connect(platform: Platform, service: str) -> asyncpg.Connection:
    conn = await asyncpg.connect(platform.postgres.dsn(service))
    await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")
    return conn


def _topic_for(service: str) -> Any:
    return importlib.import_module(f"{service}.bootstrap").SPEC.topic_for


_EVENT_COLUMNS = (
    "event_id, event_type, schema_version, stream, stream_position, global_position, "
    "partition_key, occurred_at, payload, metadata"
)


async def stored_events(platform: Platform, correlation_ids: Sequence[str]) -> list[StoredEvent]:
    """Every event in every store caused by these commands (their own and reactions)."""
    found: list[StoredEvent] = []
    for service in SERVICES:
        topic_for = _topic_for(service)
        conn = await _connect(platform, service)
        try:
            rows = await conn.fetch(
                f"SELECT {_EVENT_COLUMNS} FROM events "
                "WHERE metadata->>'correlation_id' = ANY($1::text[])",
                list(correlation_ids),
            )
        finally:
            await conn.close()
        for row in rows:
            envelope = envelope_from_row(row, service)
            found.append(
                StoredEvent(
                    str(envelope.event_id),
                    envelope.event_type,
                    service,
                    envelope.stream,
                    envelope.stream_position,
                    envelope.global_position,
                    envelope.key,
                    topic_for(envelope) if topic_for else "",
                    envelope.correlation_id,
                )
            )
    return found


async def causation_duplicates(platform: Platform, event_ids: Iterable[str]) -> int:
    """Reactions applied twice: (causation, type, stream) appended more than once."""
    ids = list(event_ids)
    duplicates = 0
    for service in SERVICES:
        conn = await _connect(platform, service)
        try:
            duplicates += int(
                await conn.fetchval(
                    "SELECT count(*) FROM (SELECT 1 FROM events "
                    "WHERE metadata->>'causation_id' = ANY($1::text[]) "
                    "GROUP BY metadata->>'causation_id', event_type, stream "
                    "HAVING count(*) > 1) twice",
                    ids,
                )
            )
        finally:
            await conn.close()
    return duplicates


async def processed(
    platform: Platform, consumer: Consumer, event_ids: Sequence[str]
) -> dict[str, Any]:
    """event id -> when ``consumer`` applied it, for those it has applied."""
    conn = await asyncpg.connect(platform.postgres.dsn(consumer.service))
    try:
        rows = await conn.fetch(
            "SELECT event_id::text, processed_at FROM processed_messages "
            "WHERE consumer = $1 AND event_id = ANY($2::uuid[])",
            consumer.name,
            list(event_ids),
        )
    finally:
        await conn.close()
    return {row[0]: row[1] for row in rows}


async def caught_up(
    platform: Platform, events: Sequence[StoredEvent], readers: list[Consumer]
) -> bool:
    """True when every consumer that reads these events has applied them all."""
    for consumer in readers:
        wanted = [e.event_id for e in events if consumer.reads(e)]
        if wanted and len(await processed(platform, consumer, wanted)) < len(wanted):
            return False
    return True


Offsets = dict[TopicPartition, int]


async def end_offsets(bootstrap: str, topics: Sequence[str]) -> Offsets:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [
            TopicPartition(topic, p)
            for topic in topics
            for p in sorted(
                consumer.partitions_for_topic(topic) or await _partitions(consumer, topic)
            )
        ]
        return dict(await consumer.end_offsets(partitions))
    finally:
        await consumer.stop()


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    await consumer._client.force_metadata_update()
    return consumer.partitions_for_topic(topic) or set()


@dataclass
class TopicRecord:
    topic: str
    partition: int
    offset: int
    key: str
    global_position: int
    source: str


async def read_topics(bootstrap: str, start: Offsets) -> dict[str, list[TopicRecord]]:
    """event id -> each time it is on a topic, from ``start`` to the end now."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    seen: dict[str, list[TopicRecord]] = defaultdict(list)
    try:
        partitions = list(start)
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        beginnings = await consumer.beginning_offsets(partitions)
        remaining = set()
        for tp in partitions:
            first = max(start[tp], beginnings[tp])
            if first < ends[tp]:
                consumer.seek(tp, first)
                remaining.add(tp)
        while remaining:
            batches = await consumer.getmany(*remaining, timeout_ms=500, max_records=5000)
            for tp, records in batches.items():
                for record in records:
                    envelope = json.loads(record.value or b"{}")
                    seen[str(envelope.get("event_id"))].append(
                        TopicRecord(
                            tp.topic,
                            tp.partition,
                            record.offset,
                            envelope.get("key", ""),
                            int(envelope.get("global_position") or 0),
                            envelope.get("source", ""),
                        )
                    )
                    if record.offset + 1 >= ends[tp]:
                        remaining.discard(tp)
    finally:
        await consumer.stop()
    return seen


@dataclass
class Verdict:
    acknowledged: int = 0
    ambiguous: int = 0
    refused: int = 0
    unknown: int = 0
    lost: int = 0
    duplicated: int = 0
    order_violations: int = 0
    redelivered_on_topic: int = 0
    # "CODE: details" of the calls that ended without an acknowledgement.
    refusals: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def note(self, problem: str) -> None:
        if len(self.problems) < 20:
            self.problems.append(problem)


def topic_order_violations(
    events: Sequence[StoredEvent], seen: dict[str, list[TopicRecord]]
) -> list[str]:
    """Per partition and key, first appearances must follow the global position."""
    firsts: dict[tuple[str, int, str, str], list[tuple[int, int, str]]] = defaultdict(list)
    for event in events:
        records = seen.get(event.event_id)
        if not records:
            continue
        first = min(records, key=lambda r: r.offset)
        firsts[(first.topic, first.partition, first.key, first.source)].append(
            (first.offset, first.global_position, event.event_id)
        )
    problems = []
    for where, items in firsts.items():
        items.sort()
        for (_, before, _), (offset, after, event_id) in itertools.pairwise(items):
            if after < before:
                problems.append(
                    f"{event_id} first on {where[0]}[{where[1]}]@{offset} after a later event"
                )
    return problems


def consumer_order_violations(
    consumer: Consumer, events: Sequence[StoredEvent], applied: dict[str, Any]
) -> list[str]:
    """A stream's events must be applied in stream order (processed_at never goes back)."""
    by_stream: dict[tuple[str, str], list[StoredEvent]] = defaultdict(list)
    for event in events:
        if event.event_id in applied:
            by_stream[(event.service, event.stream)].append(event)
    problems = []
    for (_service, stream), items in by_stream.items():
        items.sort(key=lambda e: e.stream_position)
        for before, after in itertools.pairwise(items):
            if applied[after.event_id] < applied[before.event_id]:
                problems.append(
                    f"{consumer.name} applied {stream}@{after.stream_position} before "
                    f"@{before.stream_position}"
                )
    return problems


async def check_round(
    platform: Platform, commands: Sequence[Command], start: Offsets, readers: list[Consumer]
) -> Verdict:
    verdict = Verdict()
    events = await stored_events(platform, [c.correlation_id for c in commands])
    by_command: dict[str, list[StoredEvent]] = defaultdict(list)
    for event in events:
        by_command[event.correlation_id].append(event)
    seen = await read_topics(platform.kafka.bootstrap_servers, start)
    applied = {
        consumer.name: await processed(
            platform, consumer, [e.event_id for e in events if consumer.reads(e)]
        )
        for consumer in readers
    }
    for command in commands:
        setattr(verdict, command.outcome, getattr(verdict, command.outcome) + 1)
        if command.refusal:
            verdict.refusals[f"{command.name} {command.refusal}"[:160]] += 1
        own = [e for e in by_command[command.correlation_id] if e.service == command.service]
        counts: dict[str, int] = defaultdict(int)
        for event in own:
            counts[event.event_type] += 1
        if any(counts[t] > n for t, n in command.expects.items()):
            verdict.duplicated += 1
            verdict.note(f"{command.name} {command.correlation_id} appended {dict(counts)}")
        if command.outcome != "acknowledged":
            continue
        lost = [t for t, n in command.expects.items() if counts[t] < n]
        if lost:
            verdict.lost += 1
            verdict.note(f"{command.name} {command.correlation_id} acknowledged, no {lost}")
            continue
        for event in by_command[command.correlation_id]:
            if event.topic and not seen.get(event.event_id):
                verdict.lost += 1
                verdict.note(
                    f"{event.event_type} {event.event_id} of {command.name} not on {event.topic}"
                )
                break
            missing = [
                c.name for c in readers if c.reads(event) and event.event_id not in applied[c.name]
            ]
            if missing:
                verdict.lost += 1
                verdict.note(
                    f"{event.event_type} {event.event_id} of {command.name} not applied by {missing}"
                )
                break
    verdict.duplicated += await causation_duplicates(platform, [e.event_id for e in events])
    verdict.redelivered_on_topic = sum(1 for e in events if len(seen.get(e.event_id, ())) > 1)
    order = topic_order_violations(events, seen)
    for consumer in readers:
        order += consumer_order_violations(consumer, events, applied[consumer.name])
    verdict.order_violations = len(order)
    for problem in order:
        verdict.note(problem)
    return verdict

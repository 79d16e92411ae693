"""Poison on every consumed topic: each record the consumers can never process goes
to ``<topic>.dlq`` once per consuming group with a one-line reason, and the consumers
keep going (docs/events.md, "Dead-letter topics" and "Unknown event types").

One platform, one pass: every kind of poison is sent to every consumed topic, keyed
like the valid event that follows it so both land on the same partition (a consumer
stuck on the poison would never apply the valid event), then one valid event per
topic goes through the API, then each consumer's inbox and each dead-letter topic is
read once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
import json
import pathlib
import re
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from chassis.auth import Role
from chassis.correlation import CORRELATION_HEADER
from trust.academies.v1 import academies_pb2 as apb
from trust.evaluations.v1 import evaluations_pb2 as epb
from trust.meetings.v1 import meetings_pb2 as mpb
from trust.support.v1 import support_pb2 as spb
from trust_local.clients import eventually
from trust_local.launcher import PARTITIONS, SERVICES, Platform, start_platform

from .conftest import TrustFixture, submit_request


@pytest.fixture(scope="module")
def platform() -> Iterator[Platform]:
    """A platform of this module's own (it overrides the session's): the poison stays
    on these topics, away from tests that read the session's topics from the start."""
    running = start_platform(fsync=False)
    yield running
    running.stop()


EXAMPLES = pathlib.Path(__file__).parents[2] / "libs" / "contracts" / "schemas" / "examples"
LIMIT = 1_000_000  # TRUST_MAX_MESSAGE_BYTES as the launcher leaves it (the default)
OVERSIZED_BYTES = 1_050_000

# Every topic a service consumes -> every consumer group reading it, written from
# docs/events.md and the services' wiring; test_the_table_is_every_consumer_the_services_wire
# holds it against the bootstraps, so a new consumer or topic cannot go untested.
# meetings.trust has no consumer today (reporting leaves trust-wide meetings out).
CONSUMERS: dict[str, frozenset[str]] = {
    "academies.trust": frozenset(
        {"evaluations.academies-facts", "meetings.facts", "support.facts", "reporting.board"}
    ),
    "academies.academy": frozenset(
        {
            "evaluations.academies-facts",
            "meetings.facts",
            "support.facts",
            "reporting.timeline",
            "reporting.ledger",
            "reporting.board",
        }
    ),
    "evaluations.academy": frozenset(
        {"meetings.facts", "support.facts", "reporting.timeline", "reporting.board"}
    ),
    "meetings.academy": frozenset(
        {"support.facts", "reporting.timeline", "reporting.actions", "reporting.board"}
    ),
    "support.academy": frozenset({"reporting.timeline", "reporting.ledger", "reporting.board"}),
    "support.provider": frozenset({"reporting.timeline", "reporting.ledger"}),
}


@dataclass(frozen=True)
class ContractBreak:
    """A real event type of the topic, one payload field set to a value its contract refuses."""

    event_type: str
    field: str
    value: Any
    reason: str  # what the consumers must say, after "<type> v1 breaks its contract: "


# Each a type that every group reading the topic reads: a group skips, unopened,
# the types its projection does not act on (ContractSet.only), as it skips types
# no contract names, so a breaking record of those is no poison to it.
BREAKS = {
    "academies.trust": ContractBreak(
        "academies.FrameworkAdopted",
        "version",
        "two",
        "payload.version: Input should be a valid integer, unable to parse string as an "
        "integer (got 'two')",
    ),
    "academies.academy": ContractBreak(
        "academies.AcademyRegistered",
        "date_joined",
        "next week",
        "payload.date_joined: Input should be a valid date or datetime, input is too short "
        "(got 'next week')",
    ),
    "evaluations.academy": ContractBreak(
        "evaluations.PhaseChanged",
        "framework_version",
        "one",
        "payload.framework_version: Input should be a valid integer, unable to parse string "
        "as an integer (got 'one')",
    ),
    "meetings.academy": ContractBreak(
        "meetings.MeetingHeld",
        "held_on",
        "someday",
        "payload.held_on: Input should be a valid date or datetime, input is too short "
        "(got 'someday')",
    ),
    "support.academy": ContractBreak(
        "support.SupportCommissioned",
        "day_rate_pence",
        450.5,  # money is integer pence, never a float
        "payload.day_rate_pence: Input should be a valid integer, got a number with a "
        "fractional part (got 450.5)",
    ),
    "support.provider": ContractBreak(
        "support.InvoiceRecorded",
        "amount_pence",
        "seven hundred pounds",
        "payload.amount_pence: Input should be a valid integer, unable to parse string as an "
        "integer (got 'seven hundred pounds')",
    ),
}

# Dead-lettered kinds, each with a check of its reason; "unknown-type" is skipped instead.
NOT_JSON, NOT_ENVELOPE, OVERSIZED, BREAKING, WRONG_VERSION, UNKNOWN_TYPE = (
    "not-json",
    "not-envelope",
    "oversized",
    "breaking",
    "wrong-version",
    "unknown-type",
)
DEAD_LETTERED = (NOT_JSON, NOT_ENVELOPE, OVERSIZED, BREAKING, WRONG_VERSION)


def expected_reason(topic: str, kind: str, size: int) -> Callable[[str], bool]:
    contract = BREAKS[topic]
    exact = {
        OVERSIZED: f"message of {size:,} bytes exceeds the limit of {LIMIT:,}",
        BREAKING: f"{contract.event_type} v1 breaks its contract: {contract.reason}",
        WRONG_VERSION: f"no contract for {contract.event_type} v99 (known versions: 1)",
    }
    if kind == NOT_JSON:
        return lambda reason: reason.startswith("not a valid event envelope: message: Invalid JSON")
    if kind == NOT_ENVELOPE:
        return lambda reason: reason.startswith(
            "not a valid event envelope: event_id: Field required"
        )
    return lambda reason: reason == exact[kind]


def _oversized_frame(token: str) -> bytes:
    return f'{{"probe": "{token}", "padding": "'.encode() + b'"}'


def _example_envelope(event_type: str, key: str, token: str) -> dict[str, Any]:
    envelope: dict[str, Any] = json.loads((EXAMPLES / f"{event_type}.v1.json").read_text())["value"]
    envelope.update(event_id=str(uuid.uuid4()), key=key, correlation_id=token)
    return envelope


def poison(topic: str, kind: str, key: str, token: str) -> bytes:
    """One record of ``kind`` for ``topic``, carrying ``token`` so its letters can be found."""
    if kind == NOT_JSON:
        return f'{{"event_type": 1, "probe": "{token}"'.encode()
    if kind == NOT_ENVELOPE:
        return json.dumps({"probe": token}).encode()
    if kind == OVERSIZED:
        frame = _oversized_frame(token)
        return frame[:-2] + b" " * OVERSIZED_BYTES + frame[-2:]
    contract = BREAKS[topic]
    envelope = _example_envelope(contract.event_type, key, token)
    if kind == BREAKING:
        envelope["payload"][contract.field] = contract.value
    elif kind == WRONG_VERSION:
        envelope["schema_version"] = 99
    elif kind == UNKNOWN_TYPE:
        envelope["event_type"] = unknown_type(topic, token)
    return json.dumps(envelope).encode()


def unknown_type(topic: str, token: str) -> str:
    """An event type no contract names, one per topic and run (each is logged once)."""
    return f"{topic.split('.')[0]}.NotYetPublished{token.split('-')[1]}{topic.split('.')[1]}"


# -- the wiring, without a platform ---------------------------------------------------


def wired_consumers() -> dict[str, frozenset[str]]:
    """Topic -> consumer groups, as each service's ServiceSpec builds them."""
    context = SimpleNamespace(
        pool=None, store=None, dead_letter=None, settings=SimpleNamespace(max_message_bytes=LIMIT)
    )
    wired: dict[str, set[str]] = {}
    for service in SERVICES:
        spec = importlib.import_module(f"{service}.bootstrap").SPEC
        for consumer_spec in spec.consumers(context):
            for topic in consumer_spec.topics:
                wired.setdefault(topic, set()).add(consumer_spec.consumer.name)
    return {topic: frozenset(groups) for topic, groups in wired.items()}


def test_the_table_is_every_consumer_the_services_wire():
    assert wired_consumers() == CONSUMERS
    assert set(BREAKS) == set(CONSUMERS)
    for topic, contract in BREAKS.items():
        example = json.loads((EXAMPLES / f"{contract.event_type}.v1.json").read_text())
        assert example["topic"] == topic, f"{contract.event_type} is not an event of {topic}"


# -- the valid event after the poison, per topic ------------------------------------


@dataclass(frozen=True)
class Probe:
    topic: str
    source: str  # the service whose event store holds the valid event
    key: str
    valid: Callable[[tuple[tuple[str, str], ...]], Awaitable[Any]]  # the API call, given metadata


def probes(clients: Any, trust: TrustFixture, run: str) -> list[Probe]:
    alder = trust.academy_ids[0]
    new_trust = f"dlq-{run}"
    provider = f"dlq-provider-{run}"
    ceo = trust.ceo
    head = trust.caller(Role.HEADTEACHER, [alder])
    lead = trust.caller(Role.IMPROVEMENT_LEAD, [alder])
    finance = trust.caller(Role.FINANCE)
    next_fortnight = (dt.datetime.now(dt.UTC) + dt.timedelta(days=14)).replace(microsecond=0)

    def with_token(caller: Any, extra: tuple[tuple[str, str], ...]) -> Any:
        return (*caller.metadata, *extra)

    return [
        Probe(
            "academies.trust",
            "academies",
            new_trust,
            lambda m: clients.academies.CreateTrust(
                apb.CreateTrustRequest(
                    trust_id=new_trust, name="Dead Letter Trust", framework="seed-001-carter"
                ),
                metadata=with_token(clients.caller("ceo@dlq", Role.CHIEF_EXECUTIVE, new_trust), m),
            ),
        ),
        Probe(
            "academies.academy",
            "academies",
            alder,
            lambda m: clients.academies.SubmitData(
                submit_request(alder), metadata=with_token(head, m)
            ),
        ),
        Probe(
            "evaluations.academy",
            "evaluations",
            alder,
            lambda m: eventually(
                lambda: clients.evaluations.RaiseConcern(
                    epb.RaiseConcernRequest(
                        academy_id=alder, text="A probe's concern", concern_id=f"dlq-{run}"
                    ),
                    metadata=with_token(lead, m),
                )
            ),
        ),
        Probe(
            "meetings.academy",
            "meetings",
            alder,
            lambda m: eventually(
                lambda: clients.meetings.ScheduleMeeting(
                    mpb.ScheduleMeetingRequest(
                        trust_id=trust.trust_id,
                        academy_id=alder,
                        meeting_type="quality_assurance_review",
                        scheduled_for=next_fortnight.isoformat(),
                        reason="After the poison",
                        meeting_id=f"dlq-{run}",
                    ),
                    metadata=with_token(ceo, m),
                )
            ),
        ),
        Probe(
            "support.academy",
            "support",
            alder,
            lambda m: eventually(
                lambda: clients.support.ProposeBudget(
                    spb.ProposeBudgetRequest(
                        academy_id=alder,
                        academic_year="2026/27",
                        lines=[
                            spb.BudgetLineInput(
                                line_id="consultancy", name="Consultancy", amount_pence=500_000
                            )
                        ],
                        reason="After the poison",
                    ),
                    metadata=with_token(finance, m),
                )
            ),
        ),
        Probe(
            "support.provider",
            "support",
            provider,
            lambda m: eventually(
                lambda: clients.support.RegisterProvider(
                    spb.RegisterProviderRequest(
                        trust_id=trust.trust_id,
                        name="Probe Consulting",
                        kind="consultant",
                        contact_subject=f"{provider}@providers",
                        specialisms=["attendance"],
                        day_rate_pence=45_000,
                        capacity_days_per_term="10.00",
                        provider_id=provider,
                    ),
                    metadata=with_token(lead, m),
                )
            ),
        ),
    ]


# -- observing -------------------------------------------------------------------------


async def events_of_call(platform: Any, source: str, correlation_id: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(platform.postgres.dsn(source))
    try:
        return await conn.fetch(
            "SELECT event_id, event_type, partition_key FROM events "
            "WHERE metadata->>'correlation_id' = $1",
            correlation_id,
        )
    finally:
        await conn.close()


async def wait_until_applied(
    platform: Any, expected: dict[str, dict[uuid.UUID, str]], timeout: float = 60.0
) -> dict[str, set[uuid.UUID]]:
    """Consumer group -> the expected event ids (each with its topic) it has not yet
    gone past (empty: all done). A group has gone past an event when its inbox holds
    it (applied), or when the event is of a type the group does not read
    (ContractSet.only: skipped unopened) and the group's committed offset is beyond it."""
    missing = {group: set(ids) for group, ids in expected.items()}
    services = {group.split(".")[0] for group in expected}
    conns = {s: await asyncpg.connect(platform.postgres.dsn(s)) for s in services}
    bootstrap = platform.kafka.bootstrap_servers
    where = await locate(bootstrap, {i: t for ids in expected.values() for i, t in ids.items()})
    deadline = asyncio.get_running_loop().time() + timeout
    try:
        while any(missing.values()) and asyncio.get_running_loop().time() < deadline:
            for group, ids in missing.items():
                if ids:
                    done = await conns[group.split(".")[0]].fetch(
                        "SELECT event_id FROM processed_messages "
                        "WHERE consumer = $1 AND event_id = ANY($2::uuid[])",
                        group,
                        list(ids),
                    )
                    ids -= {row["event_id"] for row in done}
                    for event_id in list(ids):
                        if event_id in where and await committed_past(
                            bootstrap, group, *where[event_id]
                        ):
                            ids.discard(event_id)
            await asyncio.sleep(0.2)
    finally:
        for conn in conns.values():
            await conn.close()
    return {group: ids for group, ids in missing.items() if ids}


async def locate(
    bootstrap: str, events: dict[uuid.UUID, str]
) -> dict[uuid.UUID, tuple[TopicPartition, int]]:
    """Each event's partition and offset on its topic (found by its event_id header)."""
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await reader.start()
    found: dict[uuid.UUID, tuple[TopicPartition, int]] = {}
    try:
        wanted = {str(event_id): event_id for event_id in events}
        partitions = [
            TopicPartition(topic, partition)
            for topic in set(events.values())
            for partition in range(PARTITIONS)
        ]
        reader.assign(partitions)
        await reader.seek_to_beginning(*partitions)
        ends = await reader.end_offsets(partitions)
        deadline = asyncio.get_running_loop().time() + 30
        while [p for p in partitions if await reader.position(p) < ends[p]]:
            assert asyncio.get_running_loop().time() < deadline, "topics not read"
            for tp, records in (await reader.getmany(timeout_ms=500)).items():
                for record in records:
                    event_id = dict(record.headers).get("event_id", b"").decode()
                    if event_id in wanted:
                        found[wanted[event_id]] = (tp, record.offset)
    finally:
        await reader.stop()
    return found


async def committed_past(bootstrap: str, group: str, tp: TopicPartition, offset: int) -> bool:
    """Whether ``group`` has committed an offset beyond ``offset`` on ``tp``."""
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await reader.start()
    try:
        committed = await reader.committed(tp)
    finally:
        await reader.stop()
    return committed is not None and committed > offset


async def read_dead_letters(bootstrap: str, topics: list[str]) -> list[Any]:
    """Every record now on the dead-letter topics, read once to their ends."""
    reader = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_bytes=16 * 1024 * 1024
    )
    await reader.start()
    try:
        partitions = [TopicPartition(f"{topic}.dlq", 0) for topic in topics]
        reader.assign(partitions)
        await reader.seek_to_beginning(*partitions)
        ends = await reader.end_offsets(partitions)
        letters: list[Any] = []
        deadline = asyncio.get_running_loop().time() + 30
        while [p for p in partitions if await reader.position(p) < ends[p]]:
            assert asyncio.get_running_loop().time() < deadline, "dead-letter topics not read"
            for records in (await reader.getmany(timeout_ms=500)).values():
                letters += records
        return letters
    finally:
        await reader.stop()


def log_lines(path: str, group: str, event_type: str) -> list[str]:
    """The lines where ``group`` says it skips ``event_type``."""
    text = pathlib.Path(path).read_text(errors="replace")
    needle = f"consumer {group}: skipping events of type {event_type},"
    return [line for line in text.splitlines() if needle in line]


# -- the test -------------------------------------------------------------------------


async def test_poison_on_every_consumed_topic_is_dead_lettered_by_every_consumer_which_goes_on(
    platform, clients, trust
):
    run = uuid.uuid4().hex[:10]
    plan = probes(clients, trust, run)
    assert [p.topic for p in plan] == list(CONSUMERS)
    tokens = {
        (p.topic, kind): f"probe-{run}-{p.topic}-{kind}"
        for p in plan
        for kind in (*DEAD_LETTERED, UNKNOWN_TYPE)
    }
    sent = {
        (p.topic, kind): poison(p.topic, kind, p.key, token)
        for p in plan
        for (topic, kind), token in tokens.items()
        if topic == p.topic
    }
    producer = AIOKafkaProducer(
        bootstrap_servers=platform.kafka.bootstrap_servers, max_request_size=2_000_000
    )
    await producer.start()
    try:
        keys = {p.topic: p.key.encode() for p in plan}
        await asyncio.gather(
            *(
                producer.send_and_wait(topic, value, key=keys[topic])
                for (topic, _kind), value in sent.items()
            )
        )
    finally:
        await producer.stop()

    correlation = {p.topic: f"dlq-valid-{run}-{p.topic}" for p in plan}
    await asyncio.gather(*(p.valid(((CORRELATION_HEADER, correlation[p.topic]),)) for p in plan))
    expected: dict[str, dict[uuid.UUID, str]] = {}
    for p in plan:
        valid = await events_of_call(platform, p.source, correlation[p.topic])
        assert valid, f"no event on {p.topic} from the valid call"
        # Same key as the poison, so the same partition, after it.
        assert {row["partition_key"] for row in valid} == {p.key}
        for group in CONSUMERS[p.topic]:
            expected.setdefault(group, {}).update((row["event_id"], p.topic) for row in valid)

    # Every consumer applied (or, not reading its type, passed) the valid event
    # behind the poison: it went on.
    assert await wait_until_applied(platform, expected) == {}

    letters = await read_dead_letters(platform.kafka.bootstrap_servers, list(CONSUMERS))
    found: dict[tuple[str, str], list[dict[str, str]]] = {key: [] for key in tokens}
    for letter in letters:
        value = letter.value or b""
        for key, token in tokens.items():
            if token.encode() in value:
                found[key].append(
                    {
                        "size": str(len(value)),
                        "key": (letter.key or b"").decode(),
                        "topic": letter.topic,
                        **{name: v.decode() for name, v in letter.headers},
                    }
                )

    for p in plan:
        groups = CONSUMERS[p.topic]
        for kind in DEAD_LETTERED:
            where = f"{kind} on {p.topic}"
            got = found[(p.topic, kind)]
            # Once per consuming group, from its own topic, with the original key.
            assert Counter(g["dlq_consumer"] for g in got) == Counter(groups), where
            assert {(g["topic"], g["dlq_source_topic"], g["key"]) for g in got} == {
                (f"{p.topic}.dlq", p.topic, p.key)
            }, where
            reasons = {g["dlq_reason"] for g in got}
            assert len(reasons) == 1 and expected_reason(p.topic, kind, len(sent[(p.topic, kind)]))(
                *reasons
            ), (where, reasons)
            reason = reasons.pop()
            assert "\n" not in reason and not re.search(r"pydantic|errors\.|type=", reason), reason
            if kind == OVERSIZED:
                # The letter keeps the head only: the whole would be over the limit there too.
                cut = {(g["size"], g["dlq_value_bytes"], g["dlq_value_truncated"]) for g in got}
                assert cut == {("65536", str(len(sent[(p.topic, kind)])), "true")}, where
        # An unknown event type is skipped on purpose, not dead-lettered (docs/events.md:
        # producers may add types), and each group says so once in its service's log.
        assert found[(p.topic, UNKNOWN_TYPE)] == [], p.topic
        event_type = unknown_type(p.topic, tokens[(p.topic, UNKNOWN_TYPE)])
        for group in groups:
            said = log_lines(platform.log_file(group.split(".")[0]), group, event_type)
            assert len(said) == 1, (group, event_type, said)

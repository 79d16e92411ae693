"""Faults: poison messages on a topic, a killed consumer service."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import Counter

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from chassis.auth import Role
from trust_local.scenario import wait_for_timeline

from .conftest import submit_request


def _breaking_data_submitted(trust_id: str, academy_id: str) -> bytes:
    """A DataSubmitted whose attendance is words and which carries an unknown field."""
    return json.dumps(
        {
            "event_id": str(uuid.uuid4()),
            "event_type": "academies.DataSubmitted",
            "schema_version": 1,
            "stream": f"submission-{uuid.uuid4()}",
            "stream_position": 1,
            "global_position": None,
            "source": "academies",
            "key": academy_id,
            "occurred_at": "2026-11-23T10:00:00Z",
            "actor": {"subject": "intruder", "role": "headteacher"},
            "correlation_id": "c",
            "payload": {
                "trust_id": trust_id,
                "academy_id": academy_id,
                "submission_id": "s-bad",
                "period": {"academic_year": "2026/27", "term": "autumn", "half_term": 0},
                "return_type": "termly_kpi",
                "values": {"kpis": {}, "attendance_percent": "very high"},
                "surplus": "an extra field",
            },
        }
    ).encode()


async def test_malformed_oversized_and_contract_breaking_records_are_dead_lettered_by_every_consumer(
    platform, clients, trust
):
    alder = trust.academy_ids[0]
    producer = AIOKafkaProducer(
        bootstrap_servers=platform.kafka.bootstrap_servers, max_request_size=2_000_000
    )
    await producer.start()
    await producer.send_and_wait("academies.academy", b'{"event_type": 1', key=b"x")
    # Over the platform's one record limit (TRUST_MAX_MESSAGE_BYTES, 1,000,000 by default).
    await producer.send_and_wait("academies.academy", b"{" + b" " * 1_050_000 + b"}", key=b"x")
    await producer.send_and_wait(
        "academies.academy", _breaking_data_submitted(trust.trust_id, alder), key=alder.encode()
    )
    await producer.stop()

    head = trust.caller(Role.HEADTEACHER, [alder])
    await clients.academies.SubmitData(submit_request(alder), metadata=head.metadata)
    # The consumers kept going: the submission after the poison reached the timeline.
    timeline = await wait_for_timeline(clients, head, alder, minimum=2)
    assert not any("very high" in entry.summary for entry in timeline)

    dead = AIOKafkaConsumer(
        "academies.academy.dlq",
        bootstrap_servers=platform.kafka.bootstrap_servers,
        auto_offset_reset="earliest",
    )
    await dead.start()
    letters: list[dict[str, str]] = []
    consumers = {
        "reporting.timeline",
        "reporting.ledger",
        "reporting.board",
        "evaluations.academies-facts",
        "meetings.facts",
        "support.facts",
    }
    try:
        for _ in range(120):
            for records in (await dead.getmany(timeout_ms=500)).values():
                letters += [
                    {"size": str(len(r.value or b"")), **{k: v.decode() for k, v in r.headers}}
                    for r in records
                ]
            seen = Counter(letter["dlq_consumer"] for letter in letters)
            if all(seen[consumer] >= 3 for consumer in consumers):
                break
    finally:
        await dead.stop()
    by_consumer: dict[str, list[str]] = {}
    for letter in letters:
        by_consumer.setdefault(letter["dlq_consumer"], []).append(letter["dlq_reason"])
    assert set(by_consumer) == consumers
    for reasons in by_consumer.values():
        assert any(
            r.startswith("not a valid event envelope: message: Invalid JSON") for r in reasons
        )
        assert "message of 1,050,002 bytes exceeds the limit of 1,000,000" in reasons
        assert (
            "academies.DataSubmitted v1 breaks its contract: payload.values.attendance_percent: "
            "Input should be a valid number, unable to parse string as a number (got 'very high')"
        ) in reasons
        assert all("\n" not in r and "pydantic" not in r for r in reasons), reasons
    # A letter about an oversized record keeps its head only: the whole would be
    # over the limit on the dead-letter topic too.
    oversized = [letter for letter in letters if "dlq_value_truncated" in letter]
    assert len(oversized) == len(consumers)
    assert {(o["size"], o["dlq_value_bytes"]) for o in oversized} == {("65536", "1050002")}


async def test_a_killed_reporting_service_loses_nothing_and_applies_nothing_twice(
    platform, clients, trust
):
    alder = trust.academy_ids[0]
    lead = trust.caller(Role.IMPROVEMENT_LEAD, [alder])
    reporting = platform.services["reporting"]
    reporting.kill()
    for year in range(2030, 2040):
        await clients.academies.SubmitData(
            submit_request(alder, year=f"{year}/{(year + 1) % 100:02d}"), metadata=lead.metadata
        )
    await asyncio.to_thread(reporting.restart)
    timeline = await wait_for_timeline(clients, lead, alder, minimum=11, timeout=60)
    assert len(timeline) == 11
    assert len({e.event_id for e in timeline}) == 11


async def test_a_killed_academies_service_keeps_every_acknowledged_event(platform, clients, trust):
    birch = trust.academy_ids[1]
    lead = trust.caller(Role.IMPROVEMENT_LEAD, [birch])
    acknowledged = 0
    for year in range(2040, 2045):
        await clients.academies.SubmitData(
            submit_request(birch, year=f"{year}/{(year + 1) % 100:02d}"), metadata=lead.metadata
        )
        acknowledged += 1
    academies = platform.services["academies"]
    academies.kill()  # the relay may not have published them yet
    await asyncio.to_thread(academies.restart)
    timeline = await wait_for_timeline(clients, lead, birch, minimum=1 + acknowledged, timeout=60)
    assert len(timeline) == 1 + acknowledged

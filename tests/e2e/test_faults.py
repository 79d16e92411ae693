"""Faults: poison messages on a topic, a killed consumer service."""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from chassis.auth import Role
from trust_local.scenario import wait_for_timeline

from .conftest import submit_request


async def test_malformed_and_oversized_messages_go_to_the_dead_letter_topic(
    platform, clients, trust
):
    producer = AIOKafkaProducer(bootstrap_servers=platform.kafka.bootstrap_servers)
    await producer.start()
    await producer.send_and_wait("academies.academy", b'{"event_type": 1', key=b"x")
    await producer.send_and_wait("academies.academy", b"{" + b" " * 300_000 + b"}", key=b"x")
    await producer.stop()

    alder = trust.academy_ids[0]
    head = trust.caller(Role.HEADTEACHER, [alder])
    await clients.academies.SubmitData(submit_request(alder), metadata=head.metadata)
    # The consumer kept going: the submission after the poison reached the timeline.
    await wait_for_timeline(clients, head, alder, minimum=2)

    dead = AIOKafkaConsumer(
        "academies.academy.dlq",
        bootstrap_servers=platform.kafka.bootstrap_servers,
        auto_offset_reset="earliest",
    )
    await dead.start()
    reasons: list[str] = []
    try:
        for _ in range(20):
            for records in (await dead.getmany(timeout_ms=500)).values():
                reasons += [dict(r.headers)["dlq_reason"].decode() for r in records]
            # Every consumer of the topic dead-letters its own copy: wait for both kinds.
            if any("exceeds the limit" in r for r in reasons) and any(
                "not a valid event envelope" in r for r in reasons
            ):
                break
    finally:
        await dead.stop()
    assert any("not a valid event envelope" in r for r in reasons), reasons
    assert any("exceeds the limit" in r for r in reasons), reasons


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

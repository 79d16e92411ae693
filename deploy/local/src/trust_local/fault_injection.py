"""The faults the harness injects while load runs (trust_local.fault_harness).

Each fault is an async function of the platform and a random source; it returns
when the fault is over (the process restarted, the broker or PostgreSQL back,
the rewind done), which is when the harness starts timing recovery.

- ``kill``: SIGKILL of one service (or the gateway), then a restart on the same
  port (the launcher's ServiceProcess).
- ``broker-down``: the mock broker stops answering for a moment.
- ``broker-errors``: the mock cluster answers a run of Produce, Fetch,
  OffsetCommit, Heartbeat and JoinGroup requests with retriable errors
  (rd_kafka_mock_push_request_errors), as a real cluster does while leaders
  move or a coordinator loads.
- ``postgres-crash``: ``pg_ctl stop -m immediate``, then started again on the same
  port and data directory: every service's connections break at once.
- ``relay-rewind``: a service's relay checkpoint (``relay_checkpoints`` in its own
  database) moved back, so it publishes again what it had published.
- ``offsets-reset``: a consumer group's committed offsets set back to the start
  of every partition it reads, while its member runs: the harness joins the group
  as a second member (librdkafka's client), commits offset 0 with that
  generation, and leaves; the service's consumer rejoins and reads it all again.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable

import asyncpg

from trust_local.launcher import PARTITIONS, SERVICES, Platform

Fault = Callable[[Platform, random.Random], Awaitable[str]]

# Kafka API keys and retriable error codes (the Kafka protocol's numbers).
PRODUCE, FETCH, OFFSET_COMMIT, HEARTBEAT, JOIN_GROUP = 0, 1, 8, 12, 11
NOT_LEADER_OR_FOLLOWER = 6
REQUEST_TIMED_OUT = 7
COORDINATOR_NOT_AVAILABLE = 15
NOT_COORDINATOR = 16
NOT_ENOUGH_REPLICAS = 19
REBALANCE_IN_PROGRESS = 27


def kill(service: str) -> Fault:
    async def fault(platform: Platform, rng: random.Random) -> str:
        process = platform.gateway if service == "gateway" else platform.services[service]
        assert process is not None
        process.kill()
        await asyncio.sleep(rng.uniform(0.0, 0.5))
        await asyncio.to_thread(process.restart)
        return f"kill -9 {service}, restarted"

    return fault


async def broker_down(platform: Platform, rng: random.Random) -> str:
    seconds = rng.uniform(1.0, 3.0)
    platform.kafka.set_broker_down()
    try:
        await asyncio.sleep(seconds)
    finally:
        platform.kafka.set_broker_up()
    return f"broker down {seconds:.1f} s"


async def broker_errors(platform: Platform, rng: random.Random) -> str:
    kafka = platform.kafka
    runs = {
        PRODUCE: [NOT_LEADER_OR_FOLLOWER, REQUEST_TIMED_OUT, NOT_ENOUGH_REPLICAS],
        FETCH: [NOT_LEADER_OR_FOLLOWER, REQUEST_TIMED_OUT],
        OFFSET_COMMIT: [COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR, REBALANCE_IN_PROGRESS],
        HEARTBEAT: [REBALANCE_IN_PROGRESS, NOT_COORDINATOR],
        JOIN_GROUP: [COORDINATOR_NOT_AVAILABLE],
    }
    pushed = 0
    for api_key, codes in runs.items():
        errors = [rng.choice(codes) for _ in range(rng.randint(3, 12))]
        kafka.push_request_errors(api_key, errors)
        pushed += len(errors)
    await asyncio.sleep(2.0)  # requests meet them meanwhile
    for api_key in runs:
        kafka.clear_request_errors(api_key)
    return f"{pushed} request errors injected"


async def postgres_crash(platform: Platform, rng: random.Random) -> str:
    seconds = rng.uniform(0.5, 2.0)
    await asyncio.to_thread(platform.postgres.crash)
    try:
        await asyncio.sleep(seconds)
    finally:
        await asyncio.to_thread(platform.postgres.start_again)
    return f"PostgreSQL stopped -m immediate for {seconds:.1f} s"


PUBLISHERS = ("academies", "evaluations", "meetings", "support")


async def relay_rewind(platform: Platform, rng: random.Random) -> str:
    service = rng.choice(PUBLISHERS)
    conn = await asyncpg.connect(platform.postgres.dsn(service))
    try:
        before = int(
            await conn.fetchval(
                "SELECT coalesce(max(published_position), 0) FROM relay_checkpoints"
            )
            or 0
        )
        back_to = rng.randint(0, before // 2)
        await conn.execute("UPDATE relay_checkpoints SET published_position = $1", back_to)
    finally:
        await conn.close()
    return f"{service} relay checkpoint {before} -> {back_to}"


def _group_topics() -> dict[str, tuple[str, list[str]]]:
    from trust_local.fault_check import consumers

    return {c.name: (c.service, sorted(c.topics)) for c in consumers()}


def _reset_group(bootstrap: str, group: str, topics: list[str]) -> None:
    """Join ``group`` as a member, commit offset 0 on every partition, leave."""
    from confluent_kafka import Consumer, TopicPartition

    member = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": group,
            "enable.auto.commit": False,
            "session.timeout.ms": 6000,
            "partition.assignment.strategy": "roundrobin",
            "log_level": 0,
        }
    )
    try:
        member.subscribe(topics)
        for _ in range(200):  # until this member is in the group (assigned)
            member.poll(0.05)
            if member.assignment():
                break
        member.commit(
            offsets=[TopicPartition(t, p, 0) for t in topics for p in range(PARTITIONS)],
            asynchronous=False,
        )
    finally:
        member.close()


async def offsets_reset(platform: Platform, rng: random.Random) -> str:
    groups = _group_topics()
    group = rng.choice(sorted(groups))
    _service, topics = groups[group]
    await asyncio.to_thread(_reset_group, platform.kafka.bootstrap_servers, group, topics)
    return f"consumer group {group} reset to offset 0"


def scenarios() -> dict[str, Fault]:
    """Every scenario the harness runs, by name, in the order of the table."""
    found: dict[str, Fault] = {f"kill {name}": kill(name) for name in (*SERVICES, "gateway")}
    found.update(
        {
            "broker down": broker_down,
            "broker errors": broker_errors,
            "postgres crash": postgres_crash,
            "relay rewind": relay_rewind,
            "offsets reset": offsets_reset,
        }
    )
    return found

"""The real-infrastructure deployment: compose file validity, and a Docker run where possible."""

from __future__ import annotations

import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _docker_engine_reachable() -> bool:
    try:
        import docker

        docker.from_env(timeout=2).ping()
        return True
    except Exception:
        return False


def test_docker_compose_file_is_valid():
    compose = shutil.which("docker-compose")
    assert compose, "docker-compose is missing: scripts/setup installs Debian's package"
    result = subprocess.run(
        [compose, "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.docker
@pytest.mark.skipif(
    not _docker_engine_reachable(),
    reason="no Docker engine on this machine; "
    "testcontainers needs one (the mock broker and local PostgreSQL cover the rest)",
)
async def test_event_store_and_relay_on_real_postgres_and_apache_kafka():
    import asyncio

    from aiokafka import AIOKafkaConsumer
    from chassis.db import apply_schema, create_pool
    from chassis.envelope import Actor, CausationContext, EventEnvelope, NewEvent
    from chassis.eventstore import SCHEMA, PostgresEventStore
    from chassis.relay import RELAY_SCHEMA, AioKafkaPublisher, OutboxRelay
    from testcontainers.kafka import KafkaContainer
    from testcontainers.postgres import PostgresContainer

    with (
        PostgresContainer("postgres:16") as pg,
        KafkaContainer("confluentinc/cp-kafka:7.6.0").with_kraft() as kafka,
    ):
        dsn = pg.get_connection_url().replace("postgresql+psycopg2", "postgresql")
        bootstrap = kafka.get_bootstrap_server()
        pool = await create_pool(dsn)
        await apply_schema(pool, [*SCHEMA, *RELAY_SCHEMA])
        store = PostgresEventStore(pool, "test")
        cause = CausationContext(Actor(subject="t", role="chief_executive"), "c")
        async with pool.acquire() as conn, conn.transaction():
            await store.append(conn, "s", 0, [NewEvent("test.E", 1, {"trust_id": "t"}, "s")], cause)
        publisher = AioKafkaPublisher(bootstrap, "t")
        await publisher.start()
        relay = OutboxRelay(pool, publisher, "test", lambda _e: "docker.test")
        await relay.sequence_once()
        assert await relay.publish_once() == 1
        await publisher.stop()
        consumer = AIOKafkaConsumer(
            "docker.test", bootstrap_servers=bootstrap, auto_offset_reset="earliest"
        )
        await consumer.start()
        record = await asyncio.wait_for(consumer.getone(), 30)
        await consumer.stop()
        assert EventEnvelope.from_json_bytes(record.value).event_type == "test.E"
        await pool.close()


def test_compose_runs_every_service_and_creates_every_topic_they_publish():
    from trust_local.launcher import SERVICES, published_topics

    text = (ROOT / "docker-compose.yml").read_text()
    for service in SERVICES:
        assert f'python", "-m", "{service}.entrypoints.main"' in text, service
    for topic in published_topics():
        assert f"{topic}:" in text and f"{topic}.dlq:1" in text, f"kafka-topics lacks {topic}"

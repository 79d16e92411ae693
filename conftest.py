"""Session-wide real infrastructure for the tests: PostgreSQL and the Kafka broker.

Both are started by the project itself (no Docker), once per test session,
and torn down at the end.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest

os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")

from localinfra import MockKafkaCluster, PostgresCluster, start_mock_kafka, start_postgres


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    cluster = start_postgres(fsync=False)
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def kafka() -> Iterator[MockKafkaCluster]:
    cluster = start_mock_kafka()
    yield cluster
    cluster.close()


@pytest.fixture
async def fresh_db(postgres: PostgresCluster) -> AsyncIterator[asyncpg.Pool]:
    """A new, empty database for one test, as an asyncpg pool with JSON codecs."""
    from chassis.db import create_pool

    name = f"t_{uuid.uuid4().hex[:12]}"
    dsn = postgres.create_database(name)
    pool = await create_pool(dsn, min_size=1, max_size=12)
    yield pool
    await pool.close()
    postgres.drop_database(name)


@pytest.fixture
def topic(kafka: MockKafkaCluster) -> str:
    name = f"test.{uuid.uuid4().hex[:10]}"
    kafka.create_topic(name, 4)
    kafka.create_topic(f"{name}.dlq", 1)
    return name

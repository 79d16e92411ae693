"""Throwaway local infrastructure for local runs and tests (no Docker needed)."""

from localinfra.kafka_mock import MockKafkaCluster, start_mock_kafka
from localinfra.postgres import PostgresCluster, start_postgres

__all__ = ["MockKafkaCluster", "PostgresCluster", "start_mock_kafka", "start_postgres"]

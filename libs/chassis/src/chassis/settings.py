"""Settings every service reads from its environment (prefix TRUST_)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

from chassis.consumer import DEFAULT_SESSION_TIMEOUT_MS
from chassis.envelope import DEFAULT_MAX_MESSAGE_BYTES

# Only for local runs: deploy/ and any real environment set TRUST_TOKEN_SECRET.
LOCAL_DEV_SECRET = "local-development-secret-change-me-0123456789"


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRUST_", extra="ignore")

    database_url: str = "postgresql://postgres@127.0.0.1:5432/postgres"
    kafka_bootstrap: str = "127.0.0.1:9092"
    grpc_host: str = "127.0.0.1"
    grpc_port: int = 0
    token_secret: str = LOCAL_DEV_SECRET
    otlp_endpoint: str | None = None
    trace_file: str | None = None
    # Share of new traces recorded (a caller's sampling decision is always followed).
    trace_sample_ratio: float = 1.0
    # One span per SQL statement: detail for diagnosing, at a CPU cost per query
    # that roughly halves a service's throughput; off unless asked for.
    trace_sql: bool = False
    log_level: str = "INFO"
    # Where the ports a service actually bound are written (local launcher).
    ready_file: str | None = None
    # Metrics as JSON lines to this file (local runs), besides OTLP when set.
    metrics_file: str | None = None
    # The largest Kafka record (value, key, headers) stored, produced or consumed.
    # Keep it at or under the broker's message.max.bytes (Kafka's default 1,048,588).
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES
    # A stable name for this replica (e.g. its pod name): makes each consumer a
    # static group member, so a restarted replica takes its partitions back at once.
    consumer_instance_id: str | None = None
    # How long a consumer that stopped heartbeating keeps its partitions. At or
    # above the broker's group.min.session.timeout.ms (Apache Kafka: 6000 by default).
    consumer_session_timeout_ms: int = DEFAULT_SESSION_TIMEOUT_MS
    # Seconds the relay may fail to publish before it raises the alarm.
    relay_stall_alarm_seconds: float = 30.0

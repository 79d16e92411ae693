"""Settings every service reads from its environment (prefix TRUST_)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

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

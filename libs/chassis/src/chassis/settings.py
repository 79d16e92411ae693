"""Settings every service reads from its environment (prefix TRUST_)."""

from __future__ import annotations

from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

from chassis.auth import TokenService
from chassis.consumer import DEFAULT_SESSION_TIMEOUT_MS
from chassis.envelope import DEFAULT_MAX_MESSAGE_BYTES
from chassis.identity import IdentityProvider

# Only for local runs: deploy/ and any real environment set TRUST_TOKEN_SECRET.
LOCAL_DEV_SECRET = "local-development-secret-change-me-0123456789"


class InsecureSettings(RuntimeError):
    """Settings a process refuses to start with, and why."""


class IdentitySettings(BaseSettings):
    """Who may call: the platform's own tokens and the trust's identity provider's.
    Shared by the services and the gateway."""

    model_config = SettingsConfigDict(env_prefix="TRUST_", extra="ignore")

    # "local": a machine of one's own (the launcher, the demo, the tests). Anything
    # else is a real deployment, which refuses the built-in development secret.
    environment: Literal["local", "production"] = "production"
    token_secret: str = LOCAL_DEV_SECRET
    # The trust's identity provider (OpenID Connect): where its signing keys are
    # published, and what its tokens must say. Unset: only the platform's tokens.
    # For Microsoft Entra ID: https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys,
    # issuer https://login.microsoftonline.com/<tenant>/v2.0, audience the API's client id.
    idp_jwks_url: str | None = None
    idp_issuer: str | None = None
    idp_audience: str | None = None
    # Which claims carry the caller's id, platform role (an app role named as the
    # platform's roles are), trust and academies.
    idp_subject_claim: str = "sub"
    idp_role_claim: str = "roles"
    idp_trust_claim: str = "trust"
    idp_academies_claim: str = "academies"

    def identity_provider(self) -> IdentityProvider | None:
        if not self.idp_jwks_url:
            return None
        if not self.idp_issuer or not self.idp_audience:
            raise InsecureSettings(
                "TRUST_IDP_JWKS_URL is set: TRUST_IDP_ISSUER and TRUST_IDP_AUDIENCE must be too"
            )
        return IdentityProvider(
            jwks_url=self.idp_jwks_url,
            issuer=self.idp_issuer,
            audience=self.idp_audience,
            subject_claim=self.idp_subject_claim,
            role_claim=self.idp_role_claim,
            trust_claim=self.idp_trust_claim,
            academies_claim=self.idp_academies_claim,
        )

    def check_startable(self) -> None:
        """Refuse, outside local mode, what only a local run may use."""
        if self.environment != "local" and self.token_secret == LOCAL_DEV_SECRET:
            raise InsecureSettings(
                "TRUST_TOKEN_SECRET is the built-in development secret, which anyone can "
                "read in the source: set a secret of your own (32 characters or more), "
                "or TRUST_ENVIRONMENT=local on a machine of your own"
            )
        self.identity_provider()

    def token_service(self) -> TokenService:
        return TokenService(self.token_secret, self.identity_provider())


class ServiceSettings(IdentitySettings):
    model_config = SettingsConfigDict(env_prefix="TRUST_", extra="ignore")

    database_url: str = "postgresql://postgres@127.0.0.1:5432/postgres"
    kafka_bootstrap: str = "127.0.0.1:9092"
    grpc_host: str = "127.0.0.1"
    grpc_port: int = 0
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

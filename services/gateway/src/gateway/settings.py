"""The gateway's settings, from its environment (prefix TRUST_, as every service)."""

from __future__ import annotations

from chassis.settings import IdentitySettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict

# The largest request message the gateway reads (as the services' own limit).
DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024


class GatewaySettings(IdentitySettings):
    """The gateway's own settings; who may call (tokens, the identity provider, the
    environment) are the services' own (IdentitySettings)."""

    model_config = SettingsConfigDict(env_prefix="TRUST_", extra="ignore")

    # Backend name -> host:port, as JSON: {"academies": "academies:50051", ...}.
    # Each backend serves the services of its package (trust.<name>.v1.*).
    gateway_backends: dict[str, str] = Field(default_factory=dict)
    # Service -> backend name, for a service outside that convention.
    gateway_routes: dict[str, str] = Field(default_factory=dict)
    # Origins (scheme://host:port) allowed to call from a browser page they serve.
    # The web client the gateway serves itself is same-origin and needs none.
    gateway_cors_origins: list[str] = Field(default_factory=list)
    # The built web client (clients/web/dist); no directory, no web client.
    gateway_web_root: str | None = None
    # A call without a deadline gets this one; a caller's longer one is cut to the maximum.
    gateway_default_timeout_seconds: float = 30.0
    gateway_max_timeout_seconds: float = 300.0
    gateway_max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    # Threads running the Python app, each with its own event loop (pyvoy's default
    # for ASGI is 1: one interpreter, so more rarely helps).
    gateway_worker_threads: int = 1

    grpc_host: str = "127.0.0.1"
    grpc_port: int = 0
    otlp_endpoint: str | None = None
    trace_file: str | None = None
    trace_sample_ratio: float = 1.0
    log_level: str = "INFO"
    ready_file: str | None = None

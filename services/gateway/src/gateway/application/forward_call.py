"""Forward one client call to the backend that owns its service.

At the edge, before any backend is called: the service must be routed, and the
caller must present a valid bearer token (the backend checks it again, with the
role and academy; the gateway refuses early what no backend would accept). The
caller's deadline goes with the call, bounded; the caller's own headers go as
metadata, without the ones that belong to this hop.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass

from chassis.auth import TokenService, bearer_from_metadata

from gateway.adapters.backends import BackendChannels, Metadata, UnaryReply
from gateway.domain.routes import Backend, RouteTable

# Headers that describe this HTTP hop or its protocol, not the caller's request.
_HOP_HEADERS = frozenset(
    {
        "host",
        "connection",
        "keep-alive",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "http2-settings",
        "proxy-authorization",
        "content-type",
        "content-length",
        "content-encoding",
        "accept",
        "accept-encoding",
        "accept-language",
        "user-agent",
        "origin",
        "referer",
        "cookie",
        "x-grpc-web",
        "x-user-agent",
        "x-forwarded-for",
        # The trace context is the gateway's own span's, injected per call.
        "traceparent",
        "tracestate",
        "baggage",
    }
)
_HOP_PREFIXES = ("grpc-", "connect-", "sec-", "access-control-", ":", "x-envoy-")


def caller_metadata(headers: Iterable[tuple[str, str]], client_address: str | None) -> Metadata:
    """The caller's headers as gRPC metadata for the backend (``-bin`` values decoded)."""
    metadata: list[tuple[str, str | bytes]] = []
    for name, value in headers:
        name = name.lower()
        if name in _HOP_HEADERS or name.startswith(_HOP_PREFIXES):
            continue
        if name.endswith("-bin"):
            metadata.append((name, base64.b64decode(value + "=" * (-len(value) % 4))))
        else:
            metadata.append((name, value))
    if client_address:
        metadata.append(("x-forwarded-for", client_address.rsplit(":", 1)[0]))
    return metadata


class UnroutedService(LookupError):
    pass


@dataclass(frozen=True)
class CallTarget:
    backend: Backend
    path: str
    metadata: Metadata
    timeout: float


class Forwarder:
    def __init__(
        self,
        routes: RouteTable,
        channels: BackendChannels,
        tokens: TokenService,
        default_timeout: float,
        max_timeout: float,
    ) -> None:
        self._routes = routes
        self._channels = channels
        self._tokens = tokens
        self._default_timeout = default_timeout
        self._max_timeout = max_timeout

    def target(
        self,
        service: str,
        method: str,
        headers: Iterable[tuple[str, str]],
        timeout_ms: float | None,
        client_address: str | None,
    ) -> CallTarget:
        """Where the call goes and with what; raises Unauthenticated at the edge."""
        backend = self._routes.backend_for(service)
        if backend is None:
            raise UnroutedService(f"the gateway routes no service {service!r}")
        metadata = caller_metadata(headers, client_address)
        self._tokens.verify(bearer_from_metadata(metadata))
        return CallTarget(backend, f"/{service}/{method}", metadata, self.timeout(timeout_ms))

    def timeout(self, timeout_ms: float | None) -> float:
        if timeout_ms is None:
            return self._default_timeout
        return min(max(timeout_ms, 0.0) / 1000.0, self._max_timeout)

    async def unary(self, target: CallTarget, request: bytes) -> UnaryReply:
        return await self._channels.unary(
            target.backend, target.path, request, target.metadata, target.timeout
        )

    def server_stream(self, target: CallTarget, request: bytes) -> AsyncIterator[bytes]:
        return self._channels.server_stream(
            target.backend, target.path, request, target.metadata, target.timeout
        )

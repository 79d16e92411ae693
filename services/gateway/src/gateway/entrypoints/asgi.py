"""The gateway as one ASGI application (served by pyvoy; see entrypoints/main.py).

By path: the RPCs of every routed service and grpc.health.v1.Health (connectrpc:
Connect, gRPC and gRPC-Web), server reflection v1 and v1alpha listing every
service behind the gateway, and, for anything else, the web client's static files.
Around it: an OpenTelemetry server span per request (the parent of the call to
the backend), and CORS for the origins configured.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from pathlib import Path
from typing import Any, cast

from chassis.logging_setup import configure_logging
from chassis.telemetry import configure_tracing
from connectrpc.server import ConnectASGIApplication
from connectrpc_grpcreflect import (
    ServerReflectionAlphaASGIApplication,
    ServerReflectionAlphaService,
    ServerReflectionASGIApplication,
    ServerReflectionService,
)
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from protobuf.wkt import FileDescriptorSet
from starlette.middleware.cors import CORSMiddleware
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.adapters.backends import BackendChannels
from gateway.adapters.codecs import PassThroughBinaryCodec, TranscodingJsonCodec
from gateway.adapters.descriptors import HEALTH, contract_services, file_descriptor_set
from gateway.application.check_health import HealthChecker
from gateway.application.forward_call import Forwarder
from gateway.domain.routes import RouteTable
from gateway.entrypoints.endpoints import forwarding_endpoints, health_endpoints
from gateway.settings import GatewaySettings

log = logging.getLogger(__name__)

SERVICE_NAME = "gateway"
# Set by entrypoints/main.py: Envoy leaves with the process that started it,
# even when that process is killed outright.
SUPERVISOR_PID_VARIABLE = "TRUST_GATEWAY_SUPERVISOR_PID"
# How soon a call in flight notices that its client has gone (see _QuietAfterBody).
DISCONNECT_POLL_SECONDS = 1.0
_REFLECTION_V1 = "/grpc.reflection.v1.ServerReflection/"
_REFLECTION_V1ALPHA = "/grpc.reflection.v1alpha.ServerReflection/"


class NoWebClient:
    """What is served where the web client would be when it is not built."""

    def __init__(self, reason: str) -> None:
        self._body = reason.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", b"text/plain; charset=utf-8")]
        await send({"type": "http.response.start", "status": 404, "headers": headers})
        await send({"type": "http.response.body", "body": self._body})


class _ForwardingConnectApp(ConnectASGIApplication):
    """connectrpc's app for endpoints of many services (generated apps serve one,
    under its own path prefix; here every path is a full RPC path)."""

    @property
    def path(self) -> str:
        return "/"


class Gateway:
    def __init__(self, settings: GatewaySettings) -> None:
        self.settings = settings
        services = contract_services()
        self.routes = RouteTable.build(settings.gateway_backends, services, settings.gateway_routes)
        self.channels = BackendChannels(settings.gateway_max_request_bytes)
        forwarder = Forwarder(
            self.routes,
            self.channels,
            settings.token_service(),
            settings.gateway_default_timeout_seconds,
            settings.gateway_max_timeout_seconds,
        )
        routed = {name: services[name] for name in self.routes.services}
        endpoints = {
            **forwarding_endpoints(routed, forwarder),
            **health_endpoints(HealthChecker(self.routes, self.channels)),
        }
        self._rpc_paths = frozenset(endpoints)
        # connectrpc types ASGI with asgiref's TypedDicts; starlette's plain types here.
        self._rpc: ASGIApp = _ForwardingConnectApp(  # type: ignore[assignment]
            service=None,
            # Typed by connectrpc as its endpoint classes' union; these are of them.
            endpoints=lambda _service: cast(Any, endpoints),
            codecs=[PassThroughBinaryCodec(), TranscodingJsonCodec()],
            read_max_bytes=settings.gateway_max_request_bytes,
        )
        # Reflection describes exactly what is routed, and health.
        listed = [*routed.values(), HEALTH]
        registry = FileDescriptorSet.from_binary(file_descriptor_set(listed)).to_registry()
        described = [registry.service(service.full_name) for service in listed]
        self._reflection_v1 = ServerReflectionASGIApplication(ServerReflectionService(*described))
        self._reflection_v1alpha = ServerReflectionAlphaASGIApplication(
            ServerReflectionAlphaService(*described)
        )
        self._web = self._web_app(settings.gateway_web_root)
        self._tasks: list[asyncio.Task[None]] = []

    @staticmethod
    def _web_app(root: str | None) -> ASGIApp:
        if root and (Path(root) / "index.html").is_file():
            return StaticFiles(directory=root, html=True)
        return NoWebClient(
            "The web client is not built here: run scripts/setup (it builds clients/web),"
            " or set TRUST_GATEWAY_WEB_ROOT to its dist folder.\n"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        path: str = scope["path"]
        receive = _QuietAfterBody(receive)
        if path in self._rpc_paths:
            await self._rpc(scope, receive, send)
        elif path.startswith(_REFLECTION_V1):
            await self._reflection_v1(scope, receive, send)
        elif path.startswith(_REFLECTION_V1ALPHA):
            await self._reflection_v1alpha(scope, receive, send)
        elif scope.get("method") == "POST":
            # An RPC nobody here serves: connectrpc answers it in the caller's
            # protocol (gRPC clients read UNIMPLEMENTED).
            await self._rpc(scope, receive, send)
        else:
            await self._web(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._tasks.append(asyncio.create_task(_leave_with_supervisor()))
                log.info(
                    "gateway routing %s",
                    ", ".join(
                        f"{r.service} -> {r.backend.name}" for r in self.routes.routes.values()
                    ),
                )
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                for task in self._tasks:
                    task.cancel()
                await self.channels.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


class _QuietAfterBody:
    """The request's receive(), as ASGI means it: the body, then nothing until the
    client goes away.

    pyvoy 1.3.0 answers every receive() after the end of the body at once with
    another empty body. connectrpc watches for a disconnect while a call runs, by
    calling receive() in a loop, so each call in flight spun the event loop (about
    half the gateway's CPU per forwarded call), and a request with an empty body
    (a message with no fields set) was never answered at all. Here, after the
    body, the disconnect is looked for once a second instead."""

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self._body_done = False

    async def __call__(self) -> Message:
        if not self._body_done:
            message = await self._receive()
            if message["type"] != "http.request" or not message.get("more_body", False):
                self._body_done = True
            return message
        while True:
            await asyncio.sleep(DISCONNECT_POLL_SECONDS)
            message = await self._receive()
            if message["type"] == "http.disconnect":
                return message


async def _leave_with_supervisor() -> None:
    expected = os.environ.get(SUPERVISOR_PID_VARIABLE)
    if not expected:
        return
    while os.getppid() == int(expected):
        await asyncio.sleep(0.5)
    log.warning("the gateway's supervisor is gone; stopping")
    with contextlib.suppress(ProcessLookupError):
        os.kill(os.getpid(), signal.SIGTERM)


def create_app(settings: GatewaySettings | None = None) -> Any:
    settings = settings or GatewaySettings()
    configure_logging(SERVICE_NAME, settings.log_level)
    configure_tracing(
        SERVICE_NAME,
        settings.otlp_endpoint,
        settings.trace_file,
        sample_ratio=settings.trace_sample_ratio,
    )
    app: ASGIApp = OpenTelemetryMiddleware(Gateway(settings), exclude_spans=["receive", "send"])
    if settings.gateway_cors_origins:
        app = CORSMiddleware(
            app,
            allow_origins=settings.gateway_cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=[
                "authorization",
                "content-type",
                "connect-protocol-version",
                "connect-timeout-ms",
                "grpc-timeout",
                "x-grpc-web",
                "x-user-agent",
            ],
            expose_headers=["grpc-status", "grpc-message", "grpc-status-details-bin"],
            max_age=7200,
        )
    return app

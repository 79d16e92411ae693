"""Health for the gateway and for each backend behind it (grpc.health.v1).

``""`` is the gateway itself. A routed service name is answered by asking the
backend that owns it, so a load balancer or an operator learns from one address
which part of the platform is down; a backend that cannot be reached is
NOT_SERVING for its services, not an error. A backend's own name (``meetings``)
asks that backend about itself as a whole. ``List`` gives all of them at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from grpc_health.v1 import health_pb2

from gateway.adapters.backends import BackendCallError, BackendChannels
from gateway.domain.routes import Backend, RouteTable

CHECK_PATH = "/grpc.health.v1.Health/Check"
WATCH_PATH = "/grpc.health.v1.Health/Watch"
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
# A health check that takes longer than this is as good as down.
CHECK_TIMEOUT_SECONDS = 2.0


class UnknownHealthName(LookupError):
    pass


class HealthChecker:
    def __init__(self, routes: RouteTable, channels: BackendChannels) -> None:
        self._routes = routes
        self._channels = channels
        self._backends = {backend.name: backend for backend in routes.backends}

    def _target(self, name: str) -> tuple[Backend, str]:
        """The backend to ask and the name to ask it about."""
        backend = self._routes.backend_for(name)
        if backend is not None:
            return backend, name
        if name in self._backends:
            return self._backends[name], ""
        raise UnknownHealthName(f"no service or backend named {name!r} behind this gateway")

    async def check(self, name: str) -> int:
        if not name:
            return SERVING
        backend, asked = self._target(name)
        request = health_pb2.HealthCheckRequest(service=asked).SerializeToString()
        try:
            reply = await self._channels.unary(
                backend, CHECK_PATH, request, (), CHECK_TIMEOUT_SECONDS
            )
        except BackendCallError:
            return NOT_SERVING
        return int(health_pb2.HealthCheckResponse.FromString(reply.data).status)

    async def check_all(self) -> dict[str, int]:
        names = ["", *self._routes.services]
        statuses = await asyncio.gather(*(self.check(name) for name in names))
        return dict(zip(names, statuses, strict=True))

    async def watch(self, name: str) -> AsyncIterator[int]:
        """The status now, then each change, until the caller goes away."""
        if not name:
            yield SERVING
            await asyncio.Event().wait()  # the gateway is serving as long as it answers
            return
        backend, asked = self._target(name)
        request = health_pb2.HealthCheckRequest(service=asked).SerializeToString()
        last: int | None = None
        while True:
            try:
                async for data in self._channels.server_stream(
                    backend, WATCH_PATH, request, (), timeout=24 * 3600.0
                ):
                    status = int(health_pb2.HealthCheckResponse.FromString(data).status)
                    if status != last:
                        last = status
                        yield status
            except BackendCallError:
                pass
            # The backend went away: say so once, and watch again when it is back.
            if last != NOT_SERVING:
                last = NOT_SERVING
                yield NOT_SERVING
            await asyncio.sleep(1.0)

"""``python -m gateway.entrypoints.main``: run the gateway.

Envoy, embedded by pyvoy, is the HTTP server: HTTP/1.1 and HTTP/2 without TLS
(h2c) on one port, with the trailers native gRPC needs; it runs the ASGI app of
entrypoints/asgi.py. This process supervises it: starts it, writes the ready
file with the port it bound, passes SIGTERM on, and exits when it exits. If this
process is killed outright, the app inside Envoy notices and stops Envoy too.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys

from chassis.logging_setup import configure_logging
from chassis.settings import InsecureSettings
from pyvoy import PyvoyServer

from gateway.adapters.descriptors import contract_services
from gateway.domain.routes import RouteConfigError, RouteTable
from gateway.entrypoints.asgi import SERVICE_NAME, SUPERVISOR_PID_VARIABLE
from gateway.settings import GatewaySettings

log = logging.getLogger(__name__)

APP = "gateway.entrypoints.served_app:app"


def _write_ready_file(path: str, port: int, pid: int) -> None:
    temporary = path + ".tmp"
    with open(temporary, "w") as handle:
        json.dump({"service": SERVICE_NAME, "port": port, "pid": pid}, handle)
    os.replace(temporary, path)


def check_routes(settings: GatewaySettings) -> RouteTable:
    """The routing the app will build, checked here where a mistake is said plainly."""
    return RouteTable.build(
        settings.gateway_backends,
        contract_services(),
        settings.gateway_routes,
    )


async def serve(settings: GatewaySettings) -> int:
    settings.check_startable()
    routes = check_routes(settings)
    if not routes.routes:
        log.warning("no backends configured (TRUST_GATEWAY_BACKENDS): only health is served")
    server = PyvoyServer(
        APP,
        address=settings.grpc_host,
        port=settings.grpc_port,
        worker_threads=settings.gateway_worker_threads,
        lifespan=True,
        log_level="warning",
        env={SUPERVISOR_PID_VARIABLE: str(os.getpid())},
        # Envoy's and the app's output go where this process's go (the log file).
        stdout=None,
        stderr=None,
    )
    await server.start()
    port = server.listener_port
    log.info("gateway listening on %s:%d", settings.grpc_host, port)
    if settings.ready_file:
        _write_ready_file(settings.ready_file, port, os.getpid())
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    exited = asyncio.create_task(server.wait())
    stop_asked = asyncio.create_task(stopping.wait())
    await asyncio.wait({exited, stop_asked}, return_when=asyncio.FIRST_COMPLETED)
    if exited.done():
        code = exited.result() or 0
        log.error("the gateway's server exited on its own with %s", code)
        return code or 1
    log.info("gateway shutting down")
    await server.stop()
    return 0


def main() -> None:
    settings = GatewaySettings()
    configure_logging(SERVICE_NAME, settings.log_level)
    try:
        code = asyncio.run(serve(settings))
    except RouteConfigError as error:
        log.critical("the gateway's routing is not valid: %s", error)
        code = 2
    except InsecureSettings as error:
        log.critical("the gateway refuses to start: %s", error)
        code = 2
    except Exception:
        log.critical("the gateway could not start or stopped on an error", exc_info=True)
        code = 1
    sys.exit(code)


if __name__ == "__main__":
    main()

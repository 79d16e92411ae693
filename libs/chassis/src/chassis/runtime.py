"""Runs one service process: database, relay, consumers, gRPC, telemetry, shutdown.

A service describes itself with a ServiceSpec; ``serve`` wires the chassis
around it. The broker need not be reachable at start: the service serves gRPC
and records events in its outbox at once, while its consumers and relay
connect in the background and carry on when the broker comes. The order of
shutdown matters: stop taking calls (gRPC grace), stop consuming (the current
batch finishes and commits), stop the relay, flush spans.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor

from chassis.access import AccessTable
from chassis.auth import TokenService
from chassis.consumer import (
    INBOX_SCHEMA,
    FastStreamDeadLetter,
    IdempotentConsumer,
    subscribe_idempotent,
)
from chassis.db import apply_schema, create_pool
from chassis.envelope import EventEnvelope
from chassis.eventstore import SCHEMA as EVENT_SCHEMA
from chassis.eventstore import PostgresEventStore
from chassis.feed import FEED_SERVICE_NAME, add_feed_servicer
from chassis.grpc_server import Registration, RunningServer, start_grpc_server
from chassis.logging_setup import adopt_library_loggers, configure_logging
from chassis.relay import RELAY_HEALTH_NAME, RELAY_SCHEMA, AioKafkaPublisher, OutboxRelay
from chassis.settings import ServiceSettings
from chassis.telemetry import configure_metrics, configure_tracing

log = logging.getLogger(__name__)


@dataclass
class ServiceContext:
    """What a service's wiring gets to build its handlers, servicers and consumers."""

    settings: ServiceSettings
    pool: asyncpg.Pool
    store: PostgresEventStore
    tokens: TokenService
    dead_letter: FastStreamDeadLetter


@dataclass
class ConsumerSpec:
    consumer: IdempotentConsumer
    topics: Sequence[str]


@dataclass
class ServiceSpec:
    name: str
    schema: Sequence[str]
    grpc_service_names: Sequence[str]
    registrations: Callable[[ServiceContext], Sequence[Registration]]
    # Where each of the service's own events is published; None: publishes nothing.
    topic_for: Callable[[EventEnvelope], str] | None = None
    topics: Sequence[str] = ()
    consumers: Callable[[ServiceContext], Sequence[ConsumerSpec]] = field(
        default=lambda _context: ()
    )
    # Who may call each RPC of the service's API (chassis.access); checked by the
    # bootstrap before any handler. Empty: the handlers check roles themselves.
    access: Sequence[AccessTable] = ()


@dataclass
class RunningService:
    context: ServiceContext
    grpc: RunningServer
    tasks: list[asyncio.Task[None]]
    broker: object
    publisher: AioKafkaPublisher | None

    @property
    def port(self) -> int:
        return self.grpc.port

    async def stop(self) -> None:
        await self.grpc.stop(grace=5.0)
        # Stop connecting before stopping the consumers, then the relay.
        for task in sorted(self.tasks, key=lambda t: not t.get_name().endswith("-broker")):
            if task.get_name().endswith("-broker"):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        with contextlib.suppress(Exception):
            await self.broker.stop()  # type: ignore[attr-defined]
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.publisher is not None:
            with contextlib.suppress(Exception):
                await self.publisher.stop()
        await self.context.pool.close()


async def start_service(spec: ServiceSpec, settings: ServiceSettings) -> RunningService:
    from faststream.kafka import KafkaBroker

    pool = await create_pool(settings.database_url, min_size=2, max_size=16)
    await apply_schema(pool, [*EVENT_SCHEMA, *RELAY_SCHEMA, *INBOX_SCHEMA, *spec.schema])
    store = PostgresEventStore(pool, source=spec.name, max_message_bytes=settings.max_message_bytes)
    tokens = settings.token_service()
    broker = KafkaBroker(
        settings.kafka_bootstrap,
        client_id=spec.name,
        # Through the root logger, so FastStream's lines are JSON like ours.
        logger=logging.getLogger(f"faststream.{spec.name}"),
        log_level=logging.DEBUG,
        max_request_size=settings.max_message_bytes + 64 * 1024,
    )
    adopt_library_loggers()
    context = ServiceContext(
        settings, pool, store, tokens, FastStreamDeadLetter(broker, settings.max_message_bytes)
    )
    consumer_specs = list(spec.consumers(context))
    for consumer_spec in consumer_specs:
        subscribe_idempotent(
            broker,
            consumer_spec.consumer,
            consumer_spec.topics,
            instance_id=settings.consumer_instance_id,
            session_timeout_ms=settings.consumer_session_timeout_ms,
        )
    publisher = None
    relay = None
    if spec.topic_for is not None:
        publisher = AioKafkaPublisher(
            settings.kafka_bootstrap, f"{spec.name}-relay", settings.max_message_bytes
        )
        relay = OutboxRelay(
            pool,
            publisher,
            spec.name,
            spec.topic_for,
            wakeup=store.appended,
            stall_alarm_seconds=settings.relay_stall_alarm_seconds,
        )
    health_names = [*spec.grpc_service_names, FEED_SERVICE_NAME]
    grpc_server = await start_grpc_server(
        settings.grpc_host,
        settings.grpc_port,
        [*spec.registrations(context), add_feed_servicer(store)],
        health_names,
        tokens,
        spec.access,
    )
    tasks: list[asyncio.Task[None]] = []
    if relay is not None:
        await grpc_server.set_health(RELAY_HEALTH_NAME, serving=True)
        relay.on_health(lambda healthy: grpc_server.set_health(RELAY_HEALTH_NAME, healthy))
        tasks.append(asyncio.create_task(relay.run(), name=f"{spec.name}-relay"))
    if consumer_specs:
        tasks.append(
            asyncio.create_task(
                connect_broker(broker, spec.name, settings.kafka_bootstrap),
                name=f"{spec.name}-broker",
            )
        )
    return RunningService(context, grpc_server, tasks, broker, publisher)


async def connect_broker(broker: Any, service: str, bootstrap: str) -> None:
    """Start the consumers, waiting for the broker as long as it takes."""
    delay = 0.25
    warned = False
    while True:
        try:
            await broker.start()
        except asyncio.CancelledError:
            raise
        except Exception as error:
            if not warned:
                log.warning(
                    "%s: the broker at %s is unreachable (%s: %s); serving and recording "
                    "meanwhile, consuming once it is back",
                    service,
                    bootstrap,
                    type(error).__name__,
                    error,
                )
                warned = True
            with contextlib.suppress(Exception):
                await broker.stop()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
            continue
        adopt_library_loggers()
        log.info("%s: consuming from the broker at %s", service, bootstrap)
        return


async def serve(spec: ServiceSpec, settings: ServiceSettings | None = None) -> None:
    """Run the service until SIGINT/SIGTERM, then shut down gracefully."""
    settings = settings or ServiceSettings()
    configure_logging(spec.name, settings.log_level)
    settings.check_startable()
    provider = configure_tracing(
        spec.name,
        settings.otlp_endpoint,
        settings.trace_file,
        sample_ratio=settings.trace_sample_ratio,
    )
    meters = configure_metrics(spec.name, settings.otlp_endpoint, settings.metrics_file)
    if settings.trace_sql:
        AsyncPGInstrumentor().instrument()
    running = await start_service(spec, settings)
    log.info("%s listening on %s:%d", spec.name, settings.grpc_host, running.port)
    if settings.ready_file:
        temporary = settings.ready_file + ".tmp"
        with open(temporary, "w") as handle:
            json.dump({"service": spec.name, "port": running.port, "pid": os.getpid()}, handle)
        os.replace(temporary, settings.ready_file)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    log.info("%s shutting down", spec.name)
    await running.stop()
    provider.shutdown()
    meters.shutdown()


def run_main(spec: ServiceSpec) -> None:
    """Process entry point: uvloop; a failure to start is logged (as JSON) and exits 1."""
    import uvloop

    configure_logging(spec.name)
    try:
        uvloop.run(serve(spec))
    except Exception:
        log.critical("%s could not start or stopped on an error", spec.name, exc_info=True)
        raise SystemExit(1) from None

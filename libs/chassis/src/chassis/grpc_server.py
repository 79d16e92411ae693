"""gRPC server bootstrap: health, reflection, tracing, auth, error mapping, shutdown."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1._async import HealthServicer
from grpc_reflection.v1alpha import reflection, reflection_pb2
from grpc_reflection.v1alpha._async import ReflectionServicer
from opentelemetry import trace
from opentelemetry.instrumentation.grpc import aio_server_interceptor

from chassis.access import AccessTable
from chassis.auth import (
    TokenService,
    bearer_from_metadata,
    reset_principal,
    set_principal,
)
from chassis.errors import DomainError
from chassis.validation import validate_request

log = logging.getLogger(__name__)

# Infrastructure services that load balancers and tools call without a token.
_PUBLIC_PREFIXES = ("/grpc.health.v1.", "/grpc.reflection.")

MAX_MESSAGE_BYTES = 4 * 1024 * 1024


def _wrap(handler: grpc.RpcMethodHandler, around: Callable[..., Any]) -> grpc.RpcMethodHandler:
    """Rebuild ``handler`` with its behaviour wrapped by ``around``."""
    if handler.unary_unary:
        return grpc.unary_unary_rpc_method_handler(
            around(handler.unary_unary, streaming=False),
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
    if handler.unary_stream:
        return grpc.unary_stream_rpc_method_handler(
            around(handler.unary_stream, streaming=True),
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
    return handler  # client-streaming methods are not used by this platform


# The database away (stopped, restarting, unreachable, out of connections): not
# the request's fault, and the client should try again. INTERNAL would say
# "a bug; do not retry", and a client could not tell whether to.
_DATABASE_AWAY = (
    OSError,  # refused, reset
    TimeoutError,  # no connection from the pool in time
    asyncpg.PostgresConnectionError,  # the connection went during the call
    asyncpg.exceptions.OperatorInterventionError,  # shutting down, starting up
    asyncpg.TooManyConnectionsError,
)


def database_away(error: BaseException) -> bool:
    if isinstance(error, _DATABASE_AWAY):
        return True
    # asyncpg says a pooled connection that died is "closed" with a bare InterfaceError.
    return isinstance(error, asyncpg.InterfaceError) and "connection" in str(error).lower()


async def _abort_for(error: Exception, context: grpc.aio.ServicerContext) -> None:
    if isinstance(error, DomainError):
        await context.abort(error.status, error.message)
    if database_away(error):
        log.warning("database unavailable in %s: %s: %s", context, type(error).__name__, error)
        await context.abort(
            grpc.StatusCode.UNAVAILABLE,
            "the service's database is unavailable just now; retry the same request (with the "
            "same client-chosen id, it is applied at most once)",
        )
    span = trace.get_current_span().get_span_context()
    log.exception("unexpected error in %s", context)
    await context.abort(
        grpc.StatusCode.INTERNAL,
        f"internal error; quote trace id {span.trace_id:032x} when reporting it",
    )


class ErrorAndAuthInterceptor(grpc.aio.ServerInterceptor):
    """Authenticates the caller, checks the request's declared limits, runs the
    handler, and maps domain errors to status codes."""

    def __init__(self, tokens: TokenService, access: Sequence[AccessTable] = ()) -> None:
        self._tokens = tokens
        self._access = tuple(access)

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or method.startswith(_PUBLIC_PREFIXES):
            return handler
        tokens = self._tokens
        tables = self._access

        def around(behavior: Callable[..., Any], streaming: bool) -> Callable[..., Any]:
            async def authenticate(context: grpc.aio.ServicerContext) -> Any:
                token = bearer_from_metadata(context.invocation_metadata())
                principal = tokens.verify(token)
                for table in tables:  # the service's access table: the role check
                    table.check(method, principal)
                return set_principal(principal)

            if streaming:

                async def stream(request: Any, context: grpc.aio.ServicerContext) -> Any:
                    reset = None
                    try:
                        reset = await authenticate(context)
                        result = behavior(request, context)
                        if inspect.isasyncgen(result):
                            async for item in result:
                                yield item
                        else:
                            for item in await result:
                                yield item
                    except grpc.aio.AbortError:
                        raise
                    except Exception as error:
                        await _abort_for(error, context)
                    finally:
                        if reset is not None:
                            reset_principal(reset)

                return stream

            async def unary(request: Any, context: grpc.aio.ServicerContext) -> Any:
                reset = None
                try:
                    reset = await authenticate(context)
                    validate_request(request)
                    return await behavior(request, context)
                except grpc.aio.AbortError:
                    raise
                except Exception as error:
                    await _abort_for(error, context)
                finally:
                    if reset is not None:
                        reset_principal(reset)

            return unary

        return _wrap(handler, around)


Registration = Callable[[grpc.aio.Server], None]

# grpcio-reflection serves only grpc.reflection.v1alpha; current tools (grpcurl,
# Postman, grpcui) ask for grpc.reflection.v1 first. The two protocols are the
# same messages under another package name, so one servicer answers both.
REFLECTION_V1_SERVICE = "grpc.reflection.v1.ServerReflection"


def enable_reflection(server: grpc.aio.Server, service_names: Sequence[str]) -> None:
    # Listed: what this process can describe (the v1 protocol's own descriptor is
    # not in the Python packages, so it is served but not listed).
    servicer = ReflectionServicer([*service_names, reflection.SERVICE_NAME])
    handler = grpc.stream_stream_rpc_method_handler(
        servicer.ServerReflectionInfo,
        request_deserializer=reflection_pb2.ServerReflectionRequest.FromString,
        response_serializer=reflection_pb2.ServerReflectionResponse.SerializeToString,
    )
    for service in (reflection.SERVICE_NAME, REFLECTION_V1_SERVICE):
        server.add_generic_rpc_handlers(
            (grpc.method_handlers_generic_handler(service, {"ServerReflectionInfo": handler}),)
        )


@dataclass
class RunningServer:
    server: grpc.aio.Server
    port: int
    health: HealthServicer
    service_names: Sequence[str]

    async def set_health(self, name: str, serving: bool) -> None:
        status = health_pb2.HealthCheckResponse
        await self.health.set(name, status.SERVING if serving else status.NOT_SERVING)

    async def stop(self, grace: float = 5.0) -> None:
        """Graceful shutdown: report NOT_SERVING, finish in-flight calls, then stop."""
        for name in (*self.service_names, ""):
            await self.health.set(name, health_pb2.HealthCheckResponse.NOT_SERVING)
        await self.server.stop(grace)


async def start_grpc_server(
    host: str,
    port: int,
    registrations: Iterable[Registration],
    service_names: Sequence[str],
    tokens: TokenService,
    access: Sequence[AccessTable] = (),
) -> RunningServer:
    server = grpc.aio.server(
        interceptors=[aio_server_interceptor(), ErrorAndAuthInterceptor(tokens, access)],
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ("grpc.so_reuseport", 0),
        ],
    )
    for register in registrations:
        register(server)
    health_servicer = HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    enable_reflection(
        server, [*service_names, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name]
    )
    bound = server.add_insecure_port(f"{host}:{port}")
    if bound == 0:
        raise RuntimeError(f"could not bind gRPC on {host}:{port}")
    await server.start()
    for name in (*service_names, ""):
        await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    return RunningServer(server, bound, health_servicer, service_names)

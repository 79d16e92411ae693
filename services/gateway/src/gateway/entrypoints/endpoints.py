"""connectrpc endpoints built from the contracts' descriptors, one per RPC.

connectrpc speaks the three wire protocols (Connect, gRPC, gRPC-Web) and picks
one per request by its content type; each endpoint here hands the call to the
Forwarder and turns what comes back (reply, headers, trailers, error with its
details) into what connectrpc writes out for that protocol.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import AsyncIterator, Mapping
from typing import Any

import grpc
from chassis.errors import Unauthenticated
from connectrpc.code import Code
from connectrpc.errors import ConnectError, ErrorDetail
from connectrpc.method import IdempotencyLevel, MethodInfo, StreamType
from connectrpc.request import Headers, RequestContext
from connectrpc.server import Endpoint
from google.protobuf import message_factory
from google.protobuf.descriptor import MethodDescriptor, ServiceDescriptor
from google.rpc import status_pb2
from grpc_health.v1 import health_pb2
from protobuf.wkt import Any as AnyDetail

from gateway.adapters.backends import BackendCallError, Metadata
from gateway.adapters.codecs import Payload
from gateway.application.check_health import HealthChecker, UnknownHealthName
from gateway.application.forward_call import CallTarget, Forwarder, UnroutedService

log = logging.getLogger(__name__)

EndpointAny = Endpoint[Any, Any]

_CONNECT_CODES: dict[grpc.StatusCode, Code] = {
    status: Code[{"CANCELLED": "CANCELED"}.get(status.name, status.name)]
    for status in grpc.StatusCode
    if status is not grpc.StatusCode.OK
}
# Written by connectrpc itself for each protocol; never copied from a backend.
_RESERVED = frozenset({"grpc-status", "grpc-message", "grpc-status-details-bin", "content-type"})
_DETAILS_KEY = "grpc-status-details-bin"


def _copy_metadata(metadata: Metadata, headers: Headers) -> None:
    for name, value in metadata:
        if name in _RESERVED:
            continue
        if isinstance(value, bytes):
            headers.add(name, base64.b64encode(value).decode().rstrip("="))
        else:
            headers.add(name, value)


def _connect_error(error: BackendCallError, ctx: RequestContext[Any, Any]) -> ConnectError:
    """The backend's status and message unchanged, with its details; or, when the
    backend could not be reached, UNAVAILABLE naming it."""
    if error.unreachable:
        return ConnectError(
            Code.UNAVAILABLE,
            f"the {error.backend.name} service is unavailable "
            f"({error.backend.address}): {error.details}",
        )
    _copy_metadata(error.trailing_metadata, ctx.response_trailers)
    details = []
    for name, value in error.trailing_metadata:
        if name == _DETAILS_KEY and isinstance(value, bytes):
            for detail in status_pb2.Status.FromString(value).details:
                details.append(ErrorDetail(AnyDetail(type_url=detail.type_url, value=detail.value)))
    return ConnectError(_CONNECT_CODES.get(error.code, Code.UNKNOWN), error.details, details)


def _stream_type(method: MethodDescriptor) -> StreamType:
    if method.client_streaming:
        return StreamType.BIDI_STREAM if method.server_streaming else StreamType.CLIENT_STREAM
    return StreamType.SERVER_STREAM if method.server_streaming else StreamType.UNARY


def method_info(method: MethodDescriptor) -> MethodInfo[Any, Any]:
    return MethodInfo(
        name=method.name,
        service_name=method.containing_service.full_name,
        input=message_factory.GetMessageClass(method.input_type),
        output=message_factory.GetMessageClass(method.output_type),
        stream_type=_stream_type(method),
        idempotency_level=IdempotencyLevel(method.GetOptions().idempotency_level + 1),
    )


def _target(
    forwarder: Forwarder, info: MethodInfo[Any, Any], ctx: RequestContext[Any, Any]
) -> CallTarget:
    try:
        return forwarder.target(
            info.service_name,
            info.name,
            ctx.request_headers.allitems(),
            ctx.timeout_ms,
            ctx.client_address,
        )
    except Unauthenticated as error:
        raise ConnectError(Code.UNAUTHENTICATED, str(error)) from None
    except UnroutedService as error:
        raise ConnectError(Code.UNIMPLEMENTED, str(error)) from None


def _forwarding_endpoint(forwarder: Forwarder, method: MethodDescriptor) -> EndpointAny | None:
    info = method_info(method)
    output = info.output

    async def unary(request: Payload, ctx: RequestContext[Any, Any]) -> Payload:
        target = _target(forwarder, info, ctx)
        try:
            reply = await forwarder.unary(target, request.data)
        except BackendCallError as error:
            raise _connect_error(error, ctx) from None
        _copy_metadata(reply.initial_metadata, ctx.response_headers)
        _copy_metadata(reply.trailing_metadata, ctx.response_trailers)
        return Payload(reply.data, output)

    async def server_stream(
        request: Payload, ctx: RequestContext[Any, Any]
    ) -> AsyncIterator[Payload]:
        target = _target(forwarder, info, ctx)
        try:
            async for data in forwarder.server_stream(target, request.data):
                yield Payload(data, output)
        except BackendCallError as error:
            raise _connect_error(error, ctx) from None

    if info.stream_type is StreamType.UNARY:
        return Endpoint.unary(info, unary)
    if info.stream_type is StreamType.SERVER_STREAM:
        return Endpoint.server_stream(info, server_stream)
    # No routed contract has client or bidirectional streams; say so rather than guess.
    log.warning("not routed: %s/%s streams from the client", info.service_name, info.name)
    return None


def forwarding_endpoints(
    services: Mapping[str, ServiceDescriptor], forwarder: Forwarder
) -> dict[str, EndpointAny]:
    endpoints: dict[str, EndpointAny] = {}
    for name, service in services.items():
        for method in service.methods:
            endpoint = _forwarding_endpoint(forwarder, method)
            if endpoint is not None:
                endpoints[f"/{name}/{method.name}"] = endpoint
    return endpoints


def health_endpoints(checker: HealthChecker) -> dict[str, EndpointAny]:
    service = health_pb2.DESCRIPTOR.services_by_name["Health"]
    methods = {method.name: method_info(method) for method in service.methods}
    reply = health_pb2.HealthCheckResponse

    def payload(status: int) -> Payload:
        return Payload(reply(status=status).SerializeToString(), reply)

    def asked(request: Payload) -> str:
        return health_pb2.HealthCheckRequest.FromString(request.data).service

    async def check(request: Payload, ctx: RequestContext[Any, Any]) -> Payload:
        try:
            return payload(await checker.check(asked(request)))
        except UnknownHealthName as error:
            raise ConnectError(Code.NOT_FOUND, str(error)) from None

    async def watch(request: Payload, ctx: RequestContext[Any, Any]) -> AsyncIterator[Payload]:
        try:
            async for status in checker.watch(asked(request)):
                yield payload(status)
        except UnknownHealthName as error:
            raise ConnectError(Code.NOT_FOUND, str(error)) from None

    async def list_all(request: Payload, ctx: RequestContext[Any, Any]) -> Payload:
        statuses = await checker.check_all()
        listed = health_pb2.HealthListResponse(
            statuses={name: reply(status=status) for name, status in statuses.items()}
        )
        return Payload(listed.SerializeToString(), health_pb2.HealthListResponse)

    base = f"/{service.full_name}"
    return {
        f"{base}/Check": Endpoint.unary(methods["Check"], check),
        f"{base}/Watch": Endpoint.server_stream(methods["Watch"], watch),
        f"{base}/List": Endpoint.unary(methods["List"], list_all),
    }

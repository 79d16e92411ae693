"""Channels to the backends, and calls forwarded on them as raw bytes.

One HTTP/2 channel per backend (per event loop: grpc.aio channels belong to the
loop that made them). Requests and replies cross as bytes, with no
(de)serialiser: the gateway forwards what the client sent. The OpenTelemetry
client interceptor makes a client span per call, the parent of the service's
server span, and carries the trace context in the call's metadata.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

import grpc
from opentelemetry.instrumentation.grpc import aio_client_interceptors

from gateway.domain.routes import Backend

Metadata = Sequence[tuple[str, str | bytes]]


@dataclass(frozen=True)
class BackendCallError(Exception):
    """A call the backend answered with an error, or could not be reached for."""

    backend: Backend
    code: grpc.StatusCode
    details: str
    trailing_metadata: Metadata
    # True when the channel never reached the backend (down, refused, unresolvable),
    # as opposed to a backend that answered UNAVAILABLE itself.
    unreachable: bool

    def __str__(self) -> str:
        return f"{self.code.name}: {self.details}"


@dataclass(frozen=True, slots=True)
class UnaryReply:
    data: bytes
    initial_metadata: Metadata
    trailing_metadata: Metadata


class BackendChannels:
    def __init__(self, max_message_bytes: int) -> None:
        self._options = [
            ("grpc.max_receive_message_length", max_message_bytes),
            ("grpc.max_send_message_length", max_message_bytes),
            # Reconnect to a restarted backend quickly (default backoff reaches 120 s).
            ("grpc.initial_reconnect_backoff_ms", 200),
            ("grpc.max_reconnect_backoff_ms", 2000),
        ]
        self._channels: dict[tuple[int, str], grpc.aio.Channel] = {}

    def channel(self, backend: Backend) -> grpc.aio.Channel:
        key = (id(asyncio.get_running_loop()), backend.address)
        channel = self._channels.get(key)
        if channel is None:
            channel = grpc.aio.insecure_channel(
                backend.address, options=self._options, interceptors=aio_client_interceptors()
            )
            self._channels[key] = channel
        return channel

    async def close(self) -> None:
        channels, self._channels = list(self._channels.values()), {}
        for channel in channels:
            await channel.close(grace=None)

    async def unary(
        self,
        backend: Backend,
        path: str,
        request: bytes,
        metadata: Metadata,
        timeout: float,
    ) -> UnaryReply:
        channel = self.channel(backend)
        call = channel.unary_unary(path)(  # type: ignore[call-arg]
            request, metadata=metadata, timeout=timeout
        )
        try:
            data = await call
            return UnaryReply(
                data, tuple(await call.initial_metadata()), tuple(await call.trailing_metadata())
            )
        except grpc.aio.AioRpcError as error:
            raise _call_error(backend, channel, error) from None

    async def server_stream(
        self,
        backend: Backend,
        path: str,
        request: bytes,
        metadata: Metadata,
        timeout: float,
    ) -> AsyncIterator[bytes]:
        channel = self.channel(backend)
        call = channel.unary_stream(path)(  # type: ignore[call-arg]
            request, metadata=metadata, timeout=timeout
        )
        try:
            async for data in call:
                yield data
        except grpc.aio.AioRpcError as error:
            raise _call_error(backend, channel, error) from None
        finally:
            call.cancel()


def _call_error(
    backend: Backend, channel: grpc.aio.Channel, error: grpc.aio.AioRpcError
) -> BackendCallError:
    code = error.code()
    unreachable = (
        code is grpc.StatusCode.UNAVAILABLE
        and channel.get_state() is not grpc.ChannelConnectivity.READY
    )
    return BackendCallError(
        backend,
        code,
        error.details() or "",
        tuple(error.trailing_metadata() or ()),  # type: ignore[arg-type]
        unreachable,
    )

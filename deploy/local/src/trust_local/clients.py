"""gRPC clients with bearer tokens, for the demo, tests and benchmarks."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

import grpc
from chassis.auth import Role, TokenService
from trust.academies.v1 import academies_pb2_grpc
from trust.evaluations.v1 import evaluations_pb2_grpc
from trust.meetings.v1 import meetings_pb2_grpc
from trust.reporting.v1 import reporting_pb2_grpc
from trust.support.v1 import support_pb2_grpc


@dataclass
class Caller:
    """Someone calling the platform: their token, as gRPC call metadata."""

    token: str

    @property
    def metadata(self) -> tuple[tuple[str, str], ...]:
        return (("authorization", f"Bearer {self.token}"),)


class PlatformClients:
    def __init__(self, addresses: dict[str, str], token_secret: str) -> None:
        self._tokens = TokenService(token_secret)
        self._channels = {
            name: grpc.aio.insecure_channel(address) for name, address in addresses.items()
        }
        self.academies = academies_pb2_grpc.AcademiesServiceStub(self._channels["academies"])
        self.reporting = reporting_pb2_grpc.ReportingServiceStub(self._channels["reporting"])
        if "evaluations" in self._channels:
            self.evaluations = evaluations_pb2_grpc.EvaluationsServiceStub(
                self._channels["evaluations"]
            )
        if "meetings" in self._channels:
            self.meetings = meetings_pb2_grpc.MeetingsServiceStub(self._channels["meetings"])
        if "support" in self._channels:
            self.support = support_pb2_grpc.SupportServiceStub(self._channels["support"])

    def channel(self, service: str) -> grpc.aio.Channel:
        return self._channels[service]

    def caller(
        self, subject: str, role: Role, trust_id: str, academies: Iterable[str] = ()
    ) -> Caller:
        return Caller(self._tokens.mint(subject, role, trust_id, academies))

    async def close(self) -> None:
        for channel in self._channels.values():
            await channel.close(grace=None)


_NOT_YET = (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.FAILED_PRECONDITION)


async def eventually(
    call: Callable[[], Awaitable[Any]],
    accept: Callable[[Any], bool] = lambda _reply: True,
    timeout: float = 30.0,
) -> Any:
    """Retry ``call`` until it answers with something ``accept`` takes.

    Services learn of each other through Kafka, so right after a write another
    service may not know yet: NOT_FOUND and FAILED_PRECONDITION are retried,
    anything else is raised at once.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            reply = await call()
            if accept(reply):
                return reply
        except grpc.aio.AioRpcError as error:
            if error.code() not in _NOT_YET or loop.time() > deadline:
                raise
        if loop.time() > deadline:
            raise TimeoutError(f"no acceptable answer within {timeout}s")
        await asyncio.sleep(0.1)

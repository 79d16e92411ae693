"""gRPC clients with bearer tokens, for the demo, tests and benchmarks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import grpc
from chassis.auth import Role, TokenService
from trust.academies.v1 import academies_pb2_grpc
from trust.evaluations.v1 import evaluations_pb2_grpc
from trust.reporting.v1 import reporting_pb2_grpc


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

    def channel(self, service: str) -> grpc.aio.Channel:
        return self._channels[service]

    def caller(
        self, subject: str, role: Role, trust_id: str, academies: Iterable[str] = ()
    ) -> Caller:
        return Caller(self._tokens.mint(subject, role, trust_id, academies))

    async def close(self) -> None:
        for channel in self._channels.values():
            await channel.close(grace=None)

"""The whole platform, started once for the end-to-end tests."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from chassis.auth import Role
from trust.academies.v1 import academies_pb2 as pb
from trust_local.clients import PlatformClients
from trust_local.launcher import Platform, start_platform


@pytest.fixture(scope="session")
def platform() -> Iterator[Platform]:
    running = start_platform(fsync=False)
    yield running
    running.stop()


@pytest.fixture
async def clients(platform: Platform) -> AsyncIterator[PlatformClients]:
    made = PlatformClients(
        {name: s.address for name, s in platform.services.items()}, platform.token_secret
    )
    yield made
    await made.close()


class TrustFixture:
    """A fresh trust with two academies, and callers in each role."""

    def __init__(self, clients: PlatformClients) -> None:
        self.clients = clients
        self.trust_id = f"trust-{uuid.uuid4().hex[:8]}"
        self.ceo = clients.caller("ceo@trust", Role.CHIEF_EXECUTIVE, self.trust_id)
        self.academy_ids: list[str] = []

    async def setup(self) -> TrustFixture:
        await self.clients.academies.CreateTrust(
            pb.CreateTrustRequest(
                trust_id=self.trust_id, name="Test Trust", framework="seed-001-carter"
            ),
            metadata=self.ceo.metadata,
        )
        for urn, name in (("200001", "Alder Academy"), ("200002", "Birch Academy")):
            academy = await self.clients.academies.RegisterAcademy(
                pb.RegisterAcademyRequest(
                    trust_id=self.trust_id,
                    urn=urn,
                    name=name,
                    phase_of_education="primary",
                    local_authority="Kent",
                    date_joined="2020-09-01",
                ),
                metadata=self.ceo.metadata,
            )
            self.academy_ids.append(academy.academy_id)
        return self

    def caller(self, role: Role, academies: list[str] | None = None, subject: str = ""):
        return self.clients.caller(
            subject or f"{role.value}@trust", role, self.trust_id, academies or []
        )


@pytest.fixture
async def trust(clients: PlatformClients) -> TrustFixture:
    return await TrustFixture(clients).setup()


def submit_request(academy_id: str, term: str = "autumn", attendance: float = 95.0, **period):
    return pb.SubmitDataRequest(
        academy_id=academy_id,
        period=pb.Period(academic_year=period.get("year", "2026/27"), term=term),
        return_type="termly_kpi",
        values=pb.DataValues(attendance_percent=attendance),
    )

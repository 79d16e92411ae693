"""What the meetings end-to-end tests share (no tests of its own): a platform
that runs the meetings service, clients for it, trusts on a preset, and what
the domain says the diary should hold, computed with the service's own rules.

Until the launcher runs meetings by default (launcher.SERVICES), the platform
is started here with it (and its topics); once it does, the session's one is
used."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from unittest import mock

import pytest
from aiokafka import AIOKafkaConsumer
from chassis.auth import Role
from chassis.envelope import EventEnvelope
from contracts.values import academic_year_of
from meetings.domain.calendar import local_day, years_in_view
from meetings.domain.facts import Party
from meetings.domain.schedule import reconcile, required_meetings
from trust.academies.v1 import academies_pb2 as apb
from trust.meetings.v1 import meetings_pb2 as mpb
from trust.meetings.v1 import meetings_pb2_grpc
from trust_frameworks.loader import presets
from trust_local import launcher
from trust_local.clients import Caller, PlatformClients, eventually
from trustfacts.model import TrustFramework

WITH_MEETINGS = ("academies", "evaluations", "meetings", "reporting")
JOINED = dt.date(2020, 9, 1)
PRESETS = presets()


def platform_with_meetings(request: pytest.FixtureRequest) -> Iterator[launcher.Platform]:
    """For a module's ``meetings_platform`` fixture: the session's platform once it
    runs meetings, else one started here with it and its topics."""
    if "meetings" in launcher.SERVICES:
        yield request.getfixturevalue("platform")
        return
    every_topic = launcher.published_topics
    with mock.patch.object(
        launcher, "published_topics", lambda services=WITH_MEETINGS: every_topic(services)
    ):
        running = launcher.start_platform(services=WITH_MEETINGS, fsync=False)
    yield running
    running.stop()


@contextlib.asynccontextmanager
async def clients_of(platform: launcher.Platform) -> AsyncIterator[PlatformClients]:
    made = PlatformClients(
        {name: s.address for name, s in platform.services.items()}, platform.token_secret
    )
    try:
        yield made
    finally:
        await made.close()


def meetings_stub(clients: PlatformClients) -> meetings_pb2_grpc.MeetingsServiceStub:
    return meetings_pb2_grpc.MeetingsServiceStub(clients.channel("meetings"))


def today() -> dt.date:
    """Today in England, as the service sees it."""
    return local_day(dt.datetime.now(dt.UTC))


def this_year() -> str:
    return academic_year_of(today())


def person(caller_subject: str, role: Role) -> mpb.Person:
    return mpb.Person(subject=caller_subject, role=role.value)


async def new_trust(
    clients: PlatformClients, preset: str, academies: int = 1, prefix: str = "mt"
) -> tuple[str, Caller, list[str]]:
    trust_id = f"{prefix}-{uuid.uuid4().hex[:8]}"
    ceo = clients.caller("ceo@mt", Role.CHIEF_EXECUTIVE, trust_id)
    await clients.academies.CreateTrust(
        apb.CreateTrustRequest(trust_id=trust_id, name="Meetings Trust", framework=preset),
        metadata=ceo.metadata,
    )
    ids = []
    for n in range(academies):
        academy = await clients.academies.RegisterAcademy(
            apb.RegisterAcademyRequest(
                trust_id=trust_id,
                urn=f"{700001 + n}",
                name=f"Academy {n + 1}",
                phase_of_education="secondary",
                local_authority="Kent",
                date_joined=JOINED.isoformat(),
            ),
            metadata=ceo.metadata,
        )
        ids.append(academy.academy_id)
    return trust_id, ceo, ids


def expected_diary(preset: str, party: Party, as_of: dt.date) -> set[tuple[str, int, dt.date]]:
    """(type, slot, day) of each meeting the scheduler puts in an empty diary."""
    framework = TrustFramework(party.trust_id, 1, PRESETS[preset], preset)
    found = set()
    for year in years_in_view(framework.framework.term_calendar, as_of):
        done = reconcile(required_meetings(framework, party, year), [], year, as_of)
        found |= {
            (t.required.meeting_type, t.required.slot, t.planned_on) for t in done.to_schedule
        }
    return found


def diary_of(meetings: Sequence[mpb.Meeting]) -> set[tuple[str, int, dt.date]]:
    return {
        (m.meeting_type, m.cadence_slot, local_day(dt.datetime.fromisoformat(m.scheduled_for)))
        for m in meetings
    }


async def list_meetings(
    clients: PlatformClients,
    caller: Caller,
    trust_id: str,
    academy_id: str = "",
    years: Sequence[str] = (),
) -> list[mpb.Meeting]:
    """Every meeting of the party in the years in view, a page at a time."""
    stub, found = meetings_stub(clients), []
    for year in years or [this_year()]:
        token = ""
        while True:
            reply = await stub.ListMeetings(
                mpb.ListMeetingsRequest(
                    trust_id=trust_id,
                    academy_id=academy_id,
                    academic_year=year,
                    page_size=7,
                    page_token=token,
                ),
                metadata=caller.metadata,
            )
            found += list(reply.meetings)
            token = reply.next_page_token
            if not token:
                break
    return found


async def meetings_when(
    clients: PlatformClients,
    caller: Caller,
    trust_id: str,
    academy_id: str,
    accept: Callable[[list[mpb.Meeting]], bool],
    years: Sequence[str] = (),
) -> list[mpb.Meeting]:
    """The party's meetings once ``accept`` takes them (the service learns from Kafka)."""
    return await eventually(
        lambda: list_meetings(clients, caller, trust_id, academy_id, years),
        accept=accept,
        timeout=60,
    )


async def known_to_meetings(
    clients: PlatformClients, caller: Caller, trust_id: str, academy_id: str
) -> None:
    """Wait until meetings has consumed the academy's registration."""
    await eventually(
        lambda: meetings_stub(clients).GetCompliance(
            mpb.GetComplianceRequest(
                trust_id=trust_id, academy_id=academy_id, academic_year=this_year()
            ),
            metadata=caller.metadata,
        ),
        timeout=60,
    )


async def on_topic(
    platform: launcher.Platform, topic: str, wanted: Callable[[EventEnvelope], bool]
) -> list[EventEnvelope]:
    """Every event on ``topic`` that ``wanted`` takes, read from the beginning until
    the topic stays quiet."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=platform.kafka.bootstrap_servers, auto_offset_reset="earliest"
    )
    await consumer.start()
    found: list[EventEnvelope] = []
    try:
        quiet = 0
        while quiet < 3:
            batch = await consumer.getmany(timeout_ms=400)
            records = [r for rs in batch.values() for r in rs]
            quiet = 0 if records else quiet + 1
            for record in records:
                envelope = EventEnvelope.from_json_bytes(record.value)
                if wanted(envelope):
                    found.append(envelope)
    finally:
        await consumer.stop()
    return found


async def until_on_topic(
    platform: launcher.Platform,
    topic: str,
    wanted: Callable[[EventEnvelope], bool],
    count: int = 1,
    timeout: float = 30.0,
) -> list[EventEnvelope]:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = await on_topic(platform, topic, wanted)
        if len(found) >= count or asyncio.get_running_loop().time() > deadline:
            return found

"""The consumer on real PostgreSQL: register and evaluations events become
meetings' facts and the scheduler's events in the inbox's transaction; a
redelivered event changes nothing, a replayed one schedules nothing twice; one
meeting that cannot be scheduled is skipped without undoing the rest."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from chassis.consumer import INBOX_SCHEMA, ContractSet, IdempotentConsumer
from chassis.db import apply_schema
from chassis.envelope import Actor, EventEnvelope
from chassis.eventstore import SCHEMA as EVENT_SCHEMA
from chassis.eventstore import PostgresEventStore
from contracts.academies.v1 import ACADEMIES_EVENTS, AcademyRegistered, FrameworkAdopted
from contracts.base import EventPayload
from contracts.evaluations.v1 import EVALUATIONS_EVENTS, ActorRef, PhaseChanged
from meetings.bootstrap import FACTS_CONSUMER, SPEC
from meetings.domain.facts import academy
from meetings.domain.schedule import cadence_meeting_id, required_meetings
from meetings.entrypoints.consumers import projector
from trust_frameworks.loader import presets
from trustfacts.model import TrustFramework

AUGUST = dt.datetime(2026, 8, 20, 10, 0, tzinfo=dt.UTC)
JANUARY = dt.datetime(2027, 1, 11, 10, 0, tzinfo=dt.UTC)
CEO = Actor(subject="ceo@t1", role="chief_executive")


def envelope(event: EventPayload, key: str, at: dt.datetime, **overrides: Any) -> EventEnvelope:
    fields: dict[str, Any] = dict(
        event_id=uuid.uuid4(),
        event_type=event.EVENT_TYPE,
        schema_version=event.SCHEMA_VERSION,
        stream=f"academy-{key}",
        stream_position=1,
        source="academies",
        key=key,
        occurred_at=at,
        actor=CEO,
        correlation_id="corr",
        payload=event.model_dump(mode="json"),
    )
    return EventEnvelope(**{**fields, **overrides})


ADOPTED = envelope(
    FrameworkAdopted(
        trust_id="t1",
        framework_id="seed-000-aid",
        version=1,
        based_on_preset="seed-000-aid",
        document=presets()["seed-000-aid"].model_dump(mode="json"),
    ),
    "t1",
    AUGUST,
)


def registered(academy_id: str = "heron") -> EventEnvelope:
    return envelope(
        AcademyRegistered(
            trust_id="t1",
            academy_id=academy_id,
            urn="100001",
            name=academy_id.title(),
            phase_of_education="primary",
            local_authority="Kent",
            date_joined=dt.date(2020, 9, 1),
            new_to_trust=False,
        ),
        academy_id,
        AUGUST,
    )


class NoDeadLetters:
    async def __call__(self, record: Any, reason: str, consumer: str) -> None:
        raise AssertionError(f"dead-lettered: {reason}")


@pytest.fixture
async def consumer(fresh_db):
    await apply_schema(fresh_db, [*EVENT_SCHEMA, *INBOX_SCHEMA, *SPEC.schema])
    store = PostgresEventStore(fresh_db, "meetings")
    contracts = ContractSet(ACADEMIES_EVENTS, EVALUATIONS_EVENTS)
    made = IdempotentConsumer(
        FACTS_CONSUMER, fresh_db, projector(store), NoDeadLetters(), contracts
    )
    return made, fresh_db


async def scheduler_events(pool) -> list[Any]:
    async with pool.acquire() as conn:
        return await conn.fetch(
            "SELECT event_type, stream, partition_key, metadata FROM events ORDER BY id"
        )


async def diary(pool) -> list[tuple[str, str]]:
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT meeting_type, status FROM meeting_list ORDER BY scheduled_for"
        )
    return [(r["meeting_type"], r["status"]) for r in rows]


async def test_registration_then_a_phase_change_schedule_once_whatever_comes_again(consumer):
    consumer, pool = consumer
    first = registered()
    await consumer.apply_envelopes([first, ADOPTED])  # the register before the framework
    assert await diary(pool) == [("aim", "scheduled")] * 3
    events = await scheduler_events(pool)
    assert {(e["partition_key"], e["metadata"]["actor"]["subject"]) for e in events} == {
        ("heron", "meetings-scheduler")
    }
    assert {e["metadata"]["causation_id"] for e in events} == {str(ADOPTED.event_id)}

    await consumer.apply_envelopes([first, ADOPTED])  # redelivered: the inbox stops them
    await consumer.apply_envelopes([registered()])  # replayed as a new event: the same ids
    assert len(await scheduler_events(pool)) == 3

    change = envelope(
        PhaseChanged(
            trust_id="t1",
            academy_id="heron",
            proposal_id="p1",
            old_phase=None,
            new_phase="not_yet_good",
            reason="r",
            review="annual",
            proposed_by=ActorRef(subject="ceo@t1", role="chief_executive"),
            confirmed_by=ActorRef(subject="chair@board", role="trustee"),
            framework_version=1,
        ),
        "heron",
        JANUARY,
        source="evaluations",
    )
    await consumer.apply_envelopes([change])
    assert sorted(await diary(pool)) == sorted(
        [("aim", "scheduled")] * 3 + [("interim_aim", "scheduled")] * 2
    )
    caused = [
        e
        for e in await scheduler_events(pool)
        if e["metadata"]["causation_id"] == str(change.event_id)
    ]
    assert len(caused) == 2


async def test_a_meeting_that_cannot_be_scheduled_is_skipped_and_the_rest_commit(consumer):
    consumer, pool = consumer
    framework = TrustFramework("t1", 1, presets()["seed-000-aid"], "seed-000-aid")
    first_aim = required_meetings(framework, academy("t1", "heron"), "2026/27")[0]
    taken = cadence_meeting_id(first_aim)
    async with pool.acquire() as conn:  # its id already another party's (never, but suppose)
        await conn.execute(
            "INSERT INTO meeting_list VALUES ($1, 't1', 'otter', 'aim', '2026/27', now(), 'held')",
            taken,
        )
    await consumer.apply_envelopes([ADOPTED, registered()])
    assert await diary(pool) == [("aim", "held")] + [("aim", "scheduled")] * 2
    async with pool.acquire() as conn:
        assert (
            await conn.fetchval("SELECT count(*) FROM events WHERE stream = $1", f"meeting-{taken}")
            == 0
        )
        assert await conn.fetchval("SELECT count(*) FROM academy_facts") == 1
        assert await conn.fetchval("SELECT count(*) FROM processed_messages") == 2

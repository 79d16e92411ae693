"""The service on real PostgreSQL: the consumer grants and uses entitlements in
the inbox's transaction (a redelivered event changes nothing); commissioning
appends to the budget and the provider's stream together, and twenty racers for
one provider's term all get a decided answer."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from chassis.auth import Principal, Role
from chassis.consumer import INBOX_SCHEMA, ContractSet, IdempotentConsumer
from chassis.db import apply_schema
from chassis.envelope import Actor, CausationContext, EventEnvelope
from chassis.errors import FailedPrecondition
from chassis.eventstore import SCHEMA as EVENT_SCHEMA
from chassis.eventstore import PostgresEventStore
from contracts.academies.v1 import ACADEMIES_EVENTS, AcademyRegistered, FrameworkAdopted
from contracts.base import EventPayload
from contracts.evaluations.v1 import EVALUATIONS_EVENTS
from contracts.meetings.v1 import MEETINGS_EVENTS, MeetingHeld, Person
from support.adapters import read_tables
from support.application import budgets, commissioning, delivery, providers
from support.application.ports import Ports
from support.bootstrap import FACTS_CONSUMER, SPEC
from support.domain import budget, provider
from support.domain.commission import CommissionSupport
from support.entrypoints.consumers import projector
from trust_frameworks.loader import presets
from trustfacts.postgres import PostgresFacts

SEPTEMBER = dt.datetime(2026, 9, 10, 10, 0, tzinfo=dt.UTC)
CEO = Actor(subject="ceo@t1", role="chief_executive")
DAY = dt.date(2026, 11, 23)


def envelope(event: EventPayload, key: str, at: dt.datetime = SEPTEMBER) -> EventEnvelope:
    return EventEnvelope(
        event_id=uuid.uuid4(),
        event_type=event.EVENT_TYPE,
        schema_version=event.SCHEMA_VERSION,
        stream=f"x-{key}",
        stream_position=1,
        source="academies",
        key=key,
        occurred_at=at,
        actor=CEO,
        correlation_id="corr",
        payload=event.model_dump(mode="json"),
    )


ADOPTED = envelope(
    FrameworkAdopted(
        trust_id="t1",
        framework_id="seed-000-aid",
        version=1,
        based_on_preset="seed-000-aid",
        document=presets()["seed-000-aid"].model_dump(mode="json"),
    ),
    "t1",
)
REGISTERED = envelope(
    AcademyRegistered(
        trust_id="t1",
        academy_id="heron",
        urn="100001",
        name="Heron",
        phase_of_education="primary",
        local_authority="Kent",
        date_joined=dt.date(2020, 9, 1),
        new_to_trust=False,
    ),
    "heron",
)
HELD = envelope(
    MeetingHeld(
        trust_id="t1",
        meeting_id="m1",
        academy_id="heron",
        meeting_type="aim",
        academic_year="2026/27",
        term="autumn",
        held_on=dt.date(2026, 10, 1),
        attendees=[Person(subject="aid@t1", role="improvement_lead")],
        scheme="ofsted-2019",
        focus_areas=["quality_of_education"],
        entitlement_days="1.00",
    ),
    "heron",
)


class NoDeadLetters:
    async def __call__(self, record: Any, reason: str, consumer: str) -> None:
        raise AssertionError(f"dead-lettered: {reason}")


@pytest.fixture
async def service(fresh_db):
    await apply_schema(fresh_db, [*EVENT_SCHEMA, *INBOX_SCHEMA, *SPEC.schema])
    store = PostgresEventStore(fresh_db, "support")
    contracts = ContractSet(ACADEMIES_EVENTS, EVALUATIONS_EVENTS, MEETINGS_EVENTS)
    consumer = IdempotentConsumer(
        FACTS_CONSUMER, fresh_db, projector(store), NoDeadLetters(), contracts
    )
    ports = Ports(
        store,
        PostgresFacts(fresh_db),
        read_tables.PostgresIndex(fresh_db),
        read_tables.PostgresNotes(fresh_db),
    )
    return consumer, ports, fresh_db


async def events(pool) -> list[Any]:
    async with pool.acquire() as conn:
        return await conn.fetch("SELECT event_type, stream, metadata FROM events ORDER BY id")


async def test_the_consumer_grants_and_uses_the_entitlement_once(service):
    consumer, _ports, pool = service
    await consumer.apply_envelopes([REGISTERED, ADOPTED, HELD])
    await consumer.apply_envelopes([REGISTERED, ADOPTED, HELD])  # the inbox stops them
    found = await events(pool)
    assert [(e["event_type"], e["stream"]) for e in found] == [
        ("support.EntitlementGranted", "entitlement-heron+2026/27"),
        ("support.EntitlementUsed", "entitlement-heron+2026/27"),
    ]
    assert {e["metadata"]["causation_id"] for e in found} == {
        str(ADOPTED.event_id),
        str(HELD.event_id),
    }
    replayed = envelope(
        HELD_EVENT := MEETINGS_EVENTS.parse(HELD.event_type, 1, HELD.payload), "heron"
    )
    assert HELD_EVENT is not None
    await consumer.apply_envelopes([replayed])  # a new event id, the same meeting: used once
    assert len(await events(pool)) == 2


def who(role: Role, subject: str, *academies: str) -> Principal:
    return Principal(subject, role, "t1", frozenset(academies))


async def test_twenty_racers_on_postgresql_all_get_a_decided_answer(service):
    consumer, ports, pool = service
    await consumer.apply_envelopes([ADOPTED, REGISTERED])
    ceo, fd = who(Role.CHIEF_EXECUTIVE, "ceo@t1"), who(Role.FINANCE, "fd@t1")
    lead, head = (
        who(Role.IMPROVEMENT_LEAD, "aid@t1", "heron"),
        who(Role.HEADTEACHER, "head@heron", "heron"),
    )
    cause = CausationContext(CEO, "corr")
    await providers.register(
        ports,
        ceo,
        provider.RegisterProvider(
            "p1",
            "t1",
            "Focus",
            "consultant",
            None,
            "c@focus",
            ("attendance",),
            45_000,
            Decimal("10"),
        ),
        DAY,
        cause,
    )
    await providers.record_due_diligence(
        ports,
        fd,
        provider.RecordDueDiligence("p1", "dbs", "passed", DAY, dt.date(2027, 8, 31)),
        DAY,
        cause,
    )
    lines = (budget.Line("consultancy", "Consultancy", 10_000_000),)
    await budgets.propose(ports, lead, "heron", "2026/27", lines, "", DAY, cause)
    for approver in (head, lead, ceo, fd):
        await budgets.agree(ports, approver, "heron", "2026/27", 1, DAY, cause)

    async def one(i: int):
        command = CommissionSupport(
            f"c{i}",
            "heron",
            None,
            "attendance",
            None,
            "p1",
            Decimal("1"),
            45_000,
            "consultancy",
            False,
            DAY,
            dt.date(2026, 12, 18),
        )
        try:
            return await commissioning.commission(ports, lead, command, DAY, cause)
        except FailedPrecondition as refused:
            return refused

    results = await asyncio.gather(*(one(i) for i in range(20)))
    refused = [r for r in results if isinstance(r, FailedPrecondition)]
    assert len(refused) == 10 and all("0.00 days left" in r.message for r in refused)
    async with pool.acquire() as conn:
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM events WHERE event_type = 'support.SupportCommissioned'"
            )
            == 10
        )
        assert (
            await conn.fetchval("SELECT count(*) FROM support_index WHERE kind = 'commission'")
            == 10
        )
    consultant = who(Role.PROVIDER, "c@focus")
    done = next(r for r in results if not isinstance(r, FailedPrecondition))
    cid = done.commission.commission_id
    view = await delivery.log_delivery(
        ports, consultant, delivery.LogDelivery(cid, "d1", DAY, Decimal("1"), "Audit"), DAY, cause
    )
    assert view.commission.status == "delivered" and view.notes == {"d1": "Audit"}

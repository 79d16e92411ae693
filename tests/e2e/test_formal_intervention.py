"""Formal intervention end to end (seed 004, "Trust intervention"): the chief
executive starts one with the written notice to the principal and the chair of
the local governing board, FormalInterventionStarted reaches Kafka with who, why
and the notice; a second is refused while it is open; ending it publishes
FormalInterventionEnded; retries append nothing; a headteacher may do neither."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import asyncpg
import grpc
import pytest
from aiokafka import AIOKafkaConsumer
from chassis.auth import Role
from chassis.envelope import EventEnvelope
from contracts.evaluations.v1 import ACADEMY_TOPIC
from evaluations.application.record import stream_of
from trust.academies.v1 import academies_pb2 as apb
from trust.evaluations.v1 import evaluations_pb2 as epb
from trust_local.clients import eventually

NOTICE = epb.NoticeGiven(issued_on="2026-01-12", reference="letters/2026-01-12-heron.pdf")
REASON = "Inadequate overall; safeguarding not effective"


async def _academy_on_seed_004(clients):
    trust_id = f"fi-{uuid.uuid4().hex[:8]}"
    ceo = clients.caller("ceo@focus", Role.CHIEF_EXECUTIVE, trust_id)
    await clients.academies.CreateTrust(
        apb.CreateTrustRequest(trust_id=trust_id, name="Focus", framework="seed-004-focus"),
        metadata=ceo.metadata,
    )
    academy = await clients.academies.RegisterAcademy(
        apb.RegisterAcademyRequest(
            trust_id=trust_id,
            urn="600001",
            name="Heron Primary",
            phase_of_education="primary",
            local_authority="Kent",
            date_joined="2020-09-01",
        ),
        metadata=ceo.metadata,
    )
    return trust_id, ceo, academy.academy_id


async def _events_in_record(platform, academy_id: str) -> list[str]:
    conn = await asyncpg.connect(platform.postgres.dsn("evaluations"))
    try:
        rows = await conn.fetch(
            "SELECT event_type FROM events WHERE stream = $1 ORDER BY stream_position",
            stream_of(academy_id),
        )
    finally:
        await conn.close()
    return [row["event_type"] for row in rows]


async def _on_kafka(platform, wanted: Callable[[EventEnvelope], bool]) -> EventEnvelope:
    consumer = AIOKafkaConsumer(
        ACADEMY_TOPIC,
        bootstrap_servers=platform.kafka.bootstrap_servers,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        for _ in range(60):
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    envelope = EventEnvelope.from_json_bytes(record.value)
                    if wanted(envelope):
                        return envelope
    finally:
        await consumer.stop()
    raise AssertionError(f"the event never reached {ACADEMY_TOPIC}")


def _of(event_type: str, intervention_id: str) -> Callable[[EventEnvelope], bool]:
    return lambda envelope: (
        envelope.event_type == event_type
        and envelope.payload.get("intervention_id") == intervention_id
    )


async def test_start_refuse_a_second_end_and_retry(platform, clients):
    trust_id, ceo, academy_id = await _academy_on_seed_004(clients)
    head = clients.caller("head@heron", Role.HEADTEACHER, trust_id, [academy_id])
    intervention_id = f"fi-{uuid.uuid4().hex[:8]}"
    start = epb.StartFormalInterventionRequest(
        academy_id=academy_id, reason=REASON, notice=NOTICE, intervention_id=intervention_id
    )
    started = await eventually(  # evaluations learns the academy from Kafka
        lambda: clients.evaluations.StartFormalIntervention(start, metadata=ceo.metadata)
    )
    assert (started.intervention_id, started.status, started.reason) == (
        intervention_id,
        "open",
        REASON,
    )
    # No started_on given: today, in England (within a day of this machine's date).
    assert abs(dt.date.fromisoformat(started.started_on) - dt.date.today()) <= dt.timedelta(1)
    assert (started.started_by.subject, started.started_by.role) == ("ceo@focus", "chief_executive")

    published = await _on_kafka(
        platform, _of("evaluations.FormalInterventionStarted", intervention_id)
    )
    assert published.key == academy_id
    assert (published.actor.subject, published.actor.role) == ("ceo@focus", "chief_executive")
    assert published.payload["reason"] == REASON
    assert published.payload["notice"] == {
        "dated": "2026-01-12",
        "to_roles": ["headteacher", "chair_of_lgb"],
        "reference": "letters/2026-01-12-heron.pdf",
    }

    # One open intervention at a time: a second is refused, naming the open one.
    with pytest.raises(grpc.aio.AioRpcError) as second:
        await clients.evaluations.StartFormalIntervention(
            epb.StartFormalInterventionRequest(
                academy_id=academy_id, reason="again", notice=NOTICE
            ),
            metadata=ceo.metadata,
        )
    assert second.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert intervention_id in second.value.details()

    # A retry with the same id and content answers the same and appends nothing.
    again = await clients.evaluations.StartFormalIntervention(start, metadata=ceo.metadata)
    assert again == started
    assert await _events_in_record(platform, academy_id) == [
        "evaluations.FormalInterventionStarted"
    ]
    with pytest.raises(grpc.aio.AioRpcError) as other:
        await clients.evaluations.StartFormalIntervention(
            epb.StartFormalInterventionRequest(
                academy_id=academy_id,
                reason="other",
                notice=NOTICE,
                intervention_id=intervention_id,
            ),
            metadata=ceo.metadata,
        )
    assert other.value.code() == grpc.StatusCode.ALREADY_EXISTS

    # A headteacher may neither start nor end one.
    for call, request in (
        (clients.evaluations.StartFormalIntervention, start),
        (
            clients.evaluations.EndFormalIntervention,
            epb.EndFormalInterventionRequest(
                academy_id=academy_id, intervention_id=intervention_id, reason="r"
            ),
        ),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as denied:
            await call(request, metadata=head.metadata)
        assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED

    # The record read with the phases: the open intervention, to those who read phases.
    record = await clients.evaluations.GetPhase(
        epb.GetPhaseRequest(academy_id=academy_id), metadata=head.metadata
    )
    assert record.formal_intervention == started and list(record.interventions) == [started]

    end = epb.EndFormalInterventionRequest(
        academy_id=academy_id, intervention_id=intervention_id, reason="Priorities met"
    )
    ended = await clients.evaluations.EndFormalIntervention(end, metadata=ceo.metadata)
    assert (ended.status, ended.end_reason, ended.ended_by.subject) == (
        "ended",
        "Priorities met",
        "ceo@focus",
    )
    closing = await _on_kafka(platform, _of("evaluations.FormalInterventionEnded", intervention_id))
    assert closing.payload["reason"] == "Priorities met"
    assert closing.payload["ended_on"] == ended.ended_on
    assert closing.actor.subject == "ceo@focus"

    assert await clients.evaluations.EndFormalIntervention(end, metadata=ceo.metadata) == ended
    assert await _events_in_record(platform, academy_id) == [
        "evaluations.FormalInterventionStarted",
        "evaluations.FormalInterventionEnded",
    ]
    record = await clients.evaluations.GetPhase(
        epb.GetPhaseRequest(academy_id=academy_id), metadata=ceo.metadata
    )
    assert not record.HasField("formal_intervention")
    assert list(record.interventions) == [ended]

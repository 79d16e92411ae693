"""Evaluations end to end: for every preset, data -> suggestion -> proposal ->
confirmation -> PhaseChanged on Kafka; redelivery changes nothing; access matrix."""

from __future__ import annotations

import uuid

import asyncpg
import grpc
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from chassis.auth import ALL_TRUSTS, Role, TokenService
from chassis.envelope import EventEnvelope
from reporting.entrypoints.rebuild import feed_reader
from trust.academies.v1 import academies_pb2 as apb
from trust.evaluations.v1 import evaluations_pb2 as epb
from trust.reporting.v1 import reporting_pb2 as rpb
from trust_local.clients import eventually
from trust_local.scenario import wait_for_timeline

# preset -> (Progress 8 band submitted, trust evaluation overall grade or None, expected phase)
CASES = {
    "seed-000-aid": ("below", {"overall_effectiveness": "requires_improvement"}, "not_yet_good"),
    "seed-001-carter": ("below", None, "repair"),
    "seed-002-sussex": (
        "average",
        {"overall_effectiveness": "requires_improvement"},
        "increased_need",
    ),
    "seed-003-aspire": ("average", {"overall_effectiveness": "requires_improvement"}, "category_2"),
    "seed-004-focus": (
        "well_below",
        {"overall_effectiveness": "inadequate"},
        "formal_intervention",
    ),
}


async def _new_trust(clients, preset: str):
    trust_id = f"t-{uuid.uuid4().hex[:8]}"
    ceo = clients.caller("ceo@t", Role.CHIEF_EXECUTIVE, trust_id)
    await clients.academies.CreateTrust(
        apb.CreateTrustRequest(trust_id=trust_id, name="T", framework=preset), metadata=ceo.metadata
    )
    ids = []
    for urn in ("400001", "400002"):
        academy = await clients.academies.RegisterAcademy(
            apb.RegisterAcademyRequest(
                trust_id=trust_id,
                urn=urn,
                name=f"Academy {urn}",
                phase_of_education="secondary",
                local_authority="Kent",
                date_joined="2020-09-01",
            ),
            metadata=ceo.metadata,
        )
        ids.append(academy.academy_id)
    return trust_id, ceo, ids


@pytest.mark.parametrize("preset", sorted(CASES))
async def test_data_to_suggestion_to_confirmed_phase_change_on_kafka(platform, clients, preset):
    band, grades, expected = CASES[preset]
    trust_id, ceo, (academy_id, _other) = await _new_trust(clients, preset)
    head = clients.caller("head@a", Role.HEADTEACHER, trust_id, [academy_id])
    lead = clients.caller("aip@t", Role.IMPROVEMENT_LEAD, trust_id, [academy_id])
    trustee = clients.caller("chair@board", Role.TRUSTEE, trust_id)
    score = {"well_above": 0.8, "above": 0.3, "average": 0.0, "below": -0.3, "well_below": -0.9}[
        band
    ]
    submitted = await clients.academies.SubmitData(
        apb.SubmitDataRequest(
            academy_id=academy_id,
            period=apb.Period(academic_year="2025/26", term="summer"),
            return_type="annual_summary",
            values=apb.DataValues(progress8_score=score, progress8_band=band),
        ),
        metadata=head.metadata,
    )
    if grades:
        await eventually(
            lambda: clients.evaluations.JudgeEvaluation(
                epb.JudgeEvaluationRequest(
                    academy_id=academy_id,
                    kind="trust_evaluation",
                    academic_year="2025/26",
                    term="summer",
                    judgements=grades,
                    evidence=["roundtable report"],
                    summary="Where the academy stands",
                ),
                metadata=lead.metadata,
            )
        )

    suggestion = await eventually(
        lambda: clients.evaluations.GetPhaseSuggestion(
            epb.GetPhaseRequest(academy_id=academy_id), metadata=ceo.metadata
        ),
        accept=lambda s: s.suggested_phase == expected,
    )
    assert suggestion.reasons
    proposal = await clients.evaluations.ProposePhase(
        epb.ProposePhaseRequest(
            academy_id=academy_id,
            phase=suggestion.suggested_phase,
            reason="; ".join(suggestion.reasons),
            review="annual",
        ),
        metadata=ceo.metadata,
    )
    change = await clients.evaluations.ConfirmPhase(
        epb.DecideProposalRequest(academy_id=academy_id, proposal_id=proposal.proposal_id),
        metadata=trustee.metadata,
    )
    assert (change.old_phase, change.new_phase) == ("", expected)
    assert (change.proposed_by.subject, change.confirmed_by.subject) == ("ceo@t", "chair@board")

    published = await _phase_changed_on_kafka(platform, proposal.proposal_id)
    assert published.payload["old_phase"] is None and published.payload["new_phase"] == expected
    assert published.payload["framework_version"] == 1
    assert published.actor.subject == "chair@board"

    # A redelivered DataSubmitted changes nothing: the correction made after it stands.
    corrected_band = "well_above"
    await clients.academies.CorrectSubmission(
        apb.CorrectSubmissionRequest(
            academy_id=academy_id,
            submission_id=submitted.submission_id,
            reason="validated results",
            values=apb.DataValues(progress8_score=0.9, progress8_band=corrected_band),
        ),
        metadata=head.metadata,
    )
    await eventually(lambda: _band(platform, academy_id), accept=lambda b: b == corrected_band)
    event_id = await _redeliver(platform, submitted.submission_id)
    await clients.academies.SubmitData(
        apb.SubmitDataRequest(  # a marker behind it on the same key
            academy_id=academy_id,
            period=apb.Period(academic_year="2025/26", term="spring"),
            return_type="termly_kpi",
            values=apb.DataValues(attendance_percent=94),
        ),
        metadata=head.metadata,
    )
    await eventually(lambda: _submissions(platform, academy_id), accept=lambda n: n == 2)
    # The projection upserts DataSubmitted, so only the consumer's inbox keeps the
    # redelivered original from undoing the correction: this is the assertion that bites.
    assert await _band(platform, academy_id) == corrected_band
    assert await _times_processed(platform, event_id) == 1  # recorded once, by the first delivery


async def _query(platform, sql: str, *args):
    conn = await asyncpg.connect(platform.postgres.dsn("evaluations"))
    try:
        return await conn.fetchval(sql, *args)
    finally:
        await conn.close()


async def _band(platform, academy_id: str):
    return await _query(
        platform,
        "SELECT progress8_band FROM submission_facts WHERE academy_id = $1 "
        "AND progress8_band IS NOT NULL",
        academy_id,
    )


async def _submissions(platform, academy_id: str) -> int:
    return await _query(
        platform, "SELECT count(*) FROM submission_facts WHERE academy_id = $1", academy_id
    )


async def _times_processed(platform, event_id) -> int:
    return await _query(
        platform,
        "SELECT count(*) FROM processed_messages WHERE event_id = $1 "
        "AND consumer = 'evaluations.academies-facts'",
        event_id,
    )


async def _phase_changed_on_kafka(platform, proposal_id: str) -> EventEnvelope:
    consumer = AIOKafkaConsumer(
        "evaluations.academy",
        bootstrap_servers=platform.kafka.bootstrap_servers,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        for _ in range(60):
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    envelope = EventEnvelope.from_json_bytes(record.value)
                    if (
                        envelope.event_type == "evaluations.PhaseChanged"
                        and envelope.payload["proposal_id"] == proposal_id
                    ):
                        return envelope
    finally:
        await consumer.stop()
    raise AssertionError("PhaseChanged never reached Kafka")


async def _redeliver(platform, submission_id: str):
    token = TokenService(platform.token_secret).mint("test", Role.SERVICE, ALL_TRUSTS)
    async for envelope in feed_reader(platform.address("academies"), token)():
        if (
            envelope.event_type == "academies.DataSubmitted"
            and envelope.payload["submission_id"] == submission_id
        ):
            producer = AIOKafkaProducer(bootstrap_servers=platform.kafka.bootstrap_servers)
            await producer.start()
            await producer.send_and_wait(
                "academies.academy", envelope.to_json_bytes(), key=envelope.key.encode()
            )
            await producer.stop()
            return envelope.event_id
    raise AssertionError("the submission is not in the academies feed")


async def test_confidential_concerns_reach_only_those_who_may_read_them(platform, clients):
    trust_id, ceo, (academy_id, _) = await _new_trust(clients, "seed-004-focus")
    provider = clients.caller("consultant@focus", Role.PROVIDER, trust_id, [academy_id])
    head = clients.caller("head@a", Role.HEADTEACHER, trust_id, [academy_id])
    await eventually(
        lambda: clients.evaluations.RaiseConcern(
            epb.RaiseConcernRequest(
                academy_id=academy_id, text="Safeguarding records incomplete in Year 9"
            ),
            metadata=provider.metadata,
        )
    )
    listed = await clients.evaluations.ListConcerns(
        epb.ListConcernsRequest(academy_id=academy_id), metadata=ceo.metadata
    )
    assert [c.text for c in listed.concerns] == ["Safeguarding records incomplete in Year 9"]
    with pytest.raises(grpc.aio.AioRpcError) as denied:
        await clients.evaluations.ListConcerns(
            epb.ListConcernsRequest(academy_id=academy_id), metadata=head.metadata
        )
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    # The timeline shows the concern to the chief executive only, and never its text.
    seen_by_ceo = await wait_for_timeline(clients, ceo, academy_id, minimum=2)
    assert any(e.event_type == "evaluations.ConcernRaised" for e in seen_by_ceo)
    assert all("Year 9" not in e.summary for e in seen_by_ceo)
    seen_by_head = await clients.reporting.GetAcademyTimeline(
        rpb.GetAcademyTimelineRequest(academy_id=academy_id), metadata=head.metadata
    )
    assert all(e.event_type != "evaluations.ConcernRaised" for e in seen_by_head.entries)

"""A create call retried with its client-chosen id: the same answer, nothing appended;
the same id with other content is ALREADY_EXISTS."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import grpc
import pytest
from chassis.auth import ALL_TRUSTS, Role, TokenService
from reporting.entrypoints.rebuild import feed_reader
from trust.academies.v1 import academies_pb2 as pb
from trust.evaluations.v1 import evaluations_pb2 as epb
from trust_local.clients import eventually


async def _events(platform, service: str, stream: str, event_type: str | None = None) -> int:
    conn = await asyncpg.connect(platform.postgres.dsn(service))
    try:
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM events WHERE stream = $1 AND ($2::text IS NULL "
                "OR event_type = $2)",
                stream,
                event_type,
            )
        )
    finally:
        await conn.close()


async def _in_feed(platform, event_type: str, key: str, field: str) -> int:
    """How many events of ``event_type`` about ``key`` the academies feed serves,
    once the relay has sequenced them."""
    token = TokenService(platform.token_secret).mint("test", Role.SERVICE, ALL_TRUSTS)
    count = 0
    async for envelope in feed_reader(platform.address("academies"), token)():
        if envelope.event_type == event_type and envelope.payload.get(field) == key:
            count += 1
    return count


async def _refused(call, code: grpc.StatusCode, words: str) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await call
    assert raised.value.code() == code, raised.value.details()
    assert words in (raised.value.details() or ""), raised.value.details()


async def test_a_retried_registration_answers_the_same_academy_and_registers_once(
    platform, clients, trust
):
    academy_id = f"client-{uuid.uuid4().hex[:8]}"
    request = pb.RegisterAcademyRequest(
        trust_id=trust.trust_id,
        urn="200003",
        name="Cedar Academy",
        phase_of_education="secondary",
        local_authority="Kent",
        date_joined="2024-09-01",
        academy_id=academy_id,
    )
    first = await clients.academies.RegisterAcademy(request, metadata=trust.ceo.metadata)
    assert first.academy_id == academy_id
    again = await clients.academies.RegisterAcademy(request, metadata=trust.ceo.metadata)
    assert again == first
    # Whitespace the rules trim is still the same registration.
    request.name = "  Cedar Academy "
    assert await clients.academies.RegisterAcademy(request, metadata=trust.ceo.metadata) == first
    assert await _events(platform, "academies", f"academy-{academy_id}") == 1
    await eventually(
        lambda: _in_feed(platform, "academies.AcademyRegistered", academy_id, "academy_id"),
        accept=lambda count: count >= 1,
    )
    await asyncio.sleep(0.2)  # time for a duplicate, if there were one, to be sequenced too
    assert await _in_feed(platform, "academies.AcademyRegistered", academy_id, "academy_id") == 1

    request.name = "Cedar Academy (renamed)"  # same id, other details: not a retry
    await _refused(
        clients.academies.RegisterAcademy(request, metadata=trust.ceo.metadata),
        grpc.StatusCode.ALREADY_EXISTS,
        f"academy {academy_id} is already registered",
    )
    assert await _events(platform, "academies", f"academy-{academy_id}") == 1


async def test_a_retried_trust_creation_answers_the_same_trust_with_its_creator(
    platform, clients, trust
):
    request = pb.CreateTrustRequest(
        trust_id=trust.trust_id, name="Test Trust", framework="seed-001-carter"
    )
    before = await _events(platform, "academies", f"trust-{trust.trust_id}")
    again = await clients.academies.CreateTrust(request, metadata=trust.ceo.metadata)
    assert again.trust_id == trust.trust_id and again.framework_version == 1
    assert (again.created_by.subject, again.created_by.role) == ("ceo@trust", "chief_executive")
    got = await clients.academies.GetTrust(
        pb.GetTrustRequest(trust_id=trust.trust_id), metadata=trust.ceo.metadata
    )
    assert got.created_by == again.created_by
    assert await _events(platform, "academies", f"trust-{trust.trust_id}") == before
    request.framework = "seed-004-focus"
    await _refused(
        clients.academies.CreateTrust(request, metadata=trust.ceo.metadata),
        grpc.StatusCode.ALREADY_EXISTS,
        "already exists",
    )
    assert await _events(platform, "academies", f"trust-{trust.trust_id}") == before


async def _known_to_evaluations(clients, trust, academy_id: str) -> None:
    await eventually(
        lambda: clients.evaluations.GetPhase(
            epb.GetPhaseRequest(academy_id=academy_id), metadata=trust.ceo.metadata
        )
    )


async def test_retried_judgement_proposal_and_concern_are_answered_again_and_appended_once(
    platform, clients, trust
):
    alder = trust.academy_ids[0]
    stream = f"academy-{alder}"
    lead = trust.caller(Role.IMPROVEMENT_LEAD, [alder])
    await _known_to_evaluations(clients, trust, alder)

    judge = epb.JudgeEvaluationRequest(
        academy_id=alder,
        kind="trust_evaluation",
        academic_year="2026/27",
        term="autumn",
        judgements={"curriculum_and_teaching": "strong_standard"},
        evidence=["visit note"],
        summary="secure",
        evaluation_id=f"eval-{uuid.uuid4().hex[:8]}",
    )
    first = await clients.evaluations.JudgeEvaluation(judge, metadata=lead.metadata)
    assert first.evaluation_id == judge.evaluation_id
    assert first.judged_by.subject == "improvement_lead@trust"
    before = await _events(platform, "evaluations", stream)
    assert await clients.evaluations.JudgeEvaluation(judge, metadata=lead.metadata) == first
    assert await _events(platform, "evaluations", stream) == before
    listed = await clients.evaluations.ListEvaluations(
        epb.ListEvaluationsRequest(academy_id=alder), metadata=lead.metadata
    )
    assert [e.evaluation_id for e in listed.evaluations] == [judge.evaluation_id]
    assert listed.evaluations[0] == first
    judge.judgements["curriculum_and_teaching"] = "needs_attention"
    await _refused(
        clients.evaluations.JudgeEvaluation(judge, metadata=lead.metadata),
        grpc.StatusCode.ALREADY_EXISTS,
        f"evaluation {judge.evaluation_id} already exists",
    )

    propose = epb.ProposePhaseRequest(
        academy_id=alder,
        phase="repair",
        reason="below-average progress",
        review="exceptional",
        proposal_id=f"prop-{uuid.uuid4().hex[:8]}",
    )
    proposed = await clients.evaluations.ProposePhase(propose, metadata=trust.ceo.metadata)
    assert proposed.status == "open" and proposed.proposal_id == propose.proposal_id
    before = await _events(platform, "evaluations", stream)
    # Not "a proposal is already awaiting the board": it is this one, answered again.
    assert await clients.evaluations.ProposePhase(propose, metadata=trust.ceo.metadata) == proposed
    assert await _events(platform, "evaluations", stream) == before
    propose.phase = "improve"
    await _refused(
        clients.evaluations.ProposePhase(propose, metadata=trust.ceo.metadata),
        grpc.StatusCode.ALREADY_EXISTS,
        f"proposal {propose.proposal_id} already exists",
    )
    # After the board decided, a late retry answers the proposal as it now stands.
    propose.phase = "repair"
    board = trust.caller(Role.TRUSTEE)
    await clients.evaluations.ConfirmPhase(
        epb.DecideProposalRequest(academy_id=alder, proposal_id=propose.proposal_id),
        metadata=board.metadata,
    )
    late = await clients.evaluations.ProposePhase(propose, metadata=trust.ceo.metadata)
    assert late.status == "confirmed" and late.proposal_id == propose.proposal_id

    concern = epb.RaiseConcernRequest(
        academy_id=alder, text="Registers incomplete", concern_id=f"c-{uuid.uuid4().hex[:8]}"
    )
    raised = await clients.evaluations.RaiseConcern(concern, metadata=lead.metadata)
    assert raised.concern_id == concern.concern_id and raised.raised_at
    before = await _events(platform, "evaluations", stream)
    assert await clients.evaluations.RaiseConcern(concern, metadata=lead.metadata) == raised
    assert await _events(platform, "evaluations", stream) == before
    concern.text = "Something else"
    await _refused(
        clients.evaluations.RaiseConcern(concern, metadata=lead.metadata),
        grpc.StatusCode.ALREADY_EXISTS,
        f"concern {concern.concern_id} already exists",
    )
    assert await _events(platform, "evaluations", stream) == before

"""Access matrix: every evaluations RPC x every role x own / other academy.

'Allowed' means the call got past authorisation (it may still fail on the
facts, e.g. an unknown proposal); 'denied' means PERMISSION_DENIED.
"""

from __future__ import annotations

import uuid

import grpc
import jwt
import pytest
from chassis.auth import TRUST_WIDE_ROLES, Role
from trust.academies.v1 import academies_pb2 as apb
from trust.evaluations.v1 import evaluations_pb2 as epb
from trust_local.clients import eventually

ROLES = [r for r in Role if r is not Role.SERVICE]
SCOPED = {Role.IMPROVEMENT_LEAD, Role.HEADTEACHER, Role.CHAIR_OF_LGB, Role.PROVIDER}
WIDE = {Role.TRUSTEE, Role.CHIEF_EXECUTIVE}

# RPC -> roles allowed on their own academy (wide roles: every academy of the trust).
ALLOWED = {
    "JudgeEvaluation/trust_evaluation": {Role.CHIEF_EXECUTIVE, Role.IMPROVEMENT_LEAD},
    "JudgeEvaluation/self_evaluation": {Role.HEADTEACHER},
    "ListEvaluations": {
        Role.TRUSTEE,
        Role.CHIEF_EXECUTIVE,
        Role.IMPROVEMENT_LEAD,
        Role.HEADTEACHER,
        Role.CHAIR_OF_LGB,
    },
    "GetPhase": {
        Role.TRUSTEE,
        Role.CHIEF_EXECUTIVE,
        Role.IMPROVEMENT_LEAD,
        Role.HEADTEACHER,
        Role.CHAIR_OF_LGB,
    },
    "GetPhaseSuggestion": {Role.TRUSTEE, Role.CHIEF_EXECUTIVE, Role.IMPROVEMENT_LEAD},
    "ProposePhase": {Role.CHIEF_EXECUTIVE},
    "WithdrawProposal": {Role.CHIEF_EXECUTIVE},
    "ConfirmPhase": {Role.TRUSTEE},
    "RejectProposal": {Role.TRUSTEE},
    "RaiseConcern": {Role.CHIEF_EXECUTIVE, Role.IMPROVEMENT_LEAD, Role.PROVIDER},
    "ListConcerns": {Role.CHIEF_EXECUTIVE, Role.IMPROVEMENT_LEAD},
    "GetJudgementScheme": {
        Role.TRUSTEE,
        Role.CHIEF_EXECUTIVE,
        Role.IMPROVEMENT_LEAD,
        Role.HEADTEACHER,
        Role.CHAIR_OF_LGB,
    },
}
# The board's inbox is trust-wide: who may read it at all (an improvement lead
# sees only their academies' proposals in it).
INBOX_READERS = {Role.TRUSTEE, Role.CHIEF_EXECUTIVE, Role.IMPROVEMENT_LEAD}


def _call(stub, rpc: str, academy_id: str, metadata):
    if rpc.startswith("JudgeEvaluation/"):
        return stub.JudgeEvaluation(
            epb.JudgeEvaluationRequest(
                academy_id=academy_id,
                kind=rpc.split("/")[1],
                academic_year="2026/27",
                term="autumn",
                judgements={"quality_of_education": "good"},
                summary="s",
            ),
            metadata=metadata,
        )
    if rpc in ("ListEvaluations",):
        return stub.ListEvaluations(
            epb.ListEvaluationsRequest(academy_id=academy_id), metadata=metadata
        )
    if rpc in ("GetPhase", "GetPhaseSuggestion"):
        return getattr(stub, rpc)(epb.GetPhaseRequest(academy_id=academy_id), metadata=metadata)
    if rpc == "ProposePhase":
        return stub.ProposePhase(
            epb.ProposePhaseRequest(
                academy_id=academy_id, phase="category_2", reason="r", review="exceptional"
            ),
            metadata=metadata,
        )
    if rpc in ("WithdrawProposal", "ConfirmPhase", "RejectProposal"):
        return getattr(stub, rpc)(
            epb.DecideProposalRequest(
                academy_id=academy_id, proposal_id="no-such-proposal", reason="r"
            ),
            metadata=metadata,
        )
    if rpc == "GetJudgementScheme":
        return stub.GetJudgementScheme(
            # The trust is the caller's own; the academy is what varies.
            epb.GetJudgementSchemeRequest(trust_id=_trust_of(metadata), academy_id=academy_id),
            metadata=metadata,
        )
    if rpc == "RaiseConcern":
        return stub.RaiseConcern(
            epb.RaiseConcernRequest(academy_id=academy_id, text="c"), metadata=metadata
        )
    return stub.ListConcerns(epb.ListConcernsRequest(academy_id=academy_id), metadata=metadata)


def _trust_of(metadata) -> str:
    token = dict(metadata)["authorization"].split()[1]
    return jwt.decode(token, options={"verify_signature": False})["trust"]


@pytest.fixture(scope="module")
def matrix_trust():
    return {}


async def _setup(clients, store):
    if store:
        return store
    trust_id = f"m-{uuid.uuid4().hex[:8]}"
    ceo = clients.caller("ceo@m", Role.CHIEF_EXECUTIVE, trust_id)
    await clients.academies.CreateTrust(
        apb.CreateTrustRequest(trust_id=trust_id, name="M", framework="seed-003-aspire"),
        metadata=ceo.metadata,
    )
    ids = []
    for urn in ("500001", "500002"):
        academy = await clients.academies.RegisterAcademy(
            apb.RegisterAcademyRequest(
                trust_id=trust_id,
                urn=urn,
                name=f"A{urn}",
                phase_of_education="primary",
                local_authority="Kent",
                date_joined="2020-09-01",
            ),
            metadata=ceo.metadata,
        )
        ids.append(academy.academy_id)
    # Wait until evaluations knows both academies (it learns them from Kafka).
    for academy_id in ids:
        await eventually(
            lambda academy_id=academy_id: clients.evaluations.GetPhase(
                epb.GetPhaseRequest(academy_id=academy_id), metadata=ceo.metadata
            )
        )
    store.update(trust_id=trust_id, own=ids[0], other=ids[1])
    return store


@pytest.mark.parametrize("rpc", sorted(ALLOWED))
@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
async def test_access_matrix(clients, matrix_trust, rpc, role):
    setup = await _setup(clients, matrix_trust)
    caller = clients.caller(
        f"{role.value}-{uuid.uuid4().hex[:4]}@m", role, setup["trust_id"], [setup["own"]]
    )
    for where in ("own", "other"):
        expected = role in ALLOWED[rpc] and (where == "own" or role in WIDE)
        try:
            await _call(clients.evaluations, rpc, setup[where], caller.metadata)
            denied = False
        except grpc.aio.AioRpcError as error:
            denied = error.code() == grpc.StatusCode.PERMISSION_DENIED
            if not denied:
                assert error.code() in (
                    grpc.StatusCode.NOT_FOUND,
                    grpc.StatusCode.FAILED_PRECONDITION,
                    grpc.StatusCode.INVALID_ARGUMENT,
                ), f"{rpc} as {role} on {where}: {error.code()} {error.details()}"
        assert denied == (not expected), f"{rpc} as {role} on {where} academy: denied={denied}"


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
async def test_open_proposals_access(clients, matrix_trust, role):
    setup = await _setup(clients, matrix_trust)
    ceo = clients.caller("ceo@m", Role.CHIEF_EXECUTIVE, setup["trust_id"])
    if "proposals" not in setup:  # one open proposal per academy (the matrix may have made it)
        setup["proposals"] = {}
        for where in ("own", "other"):
            record = await clients.evaluations.GetPhase(
                epb.GetPhaseRequest(academy_id=setup[where]), metadata=ceo.metadata
            )
            if not record.open_proposals:
                await clients.evaluations.ProposePhase(
                    epb.ProposePhaseRequest(
                        academy_id=setup[where], phase="category_3", reason="r", review="annual"
                    ),
                    metadata=ceo.metadata,
                )
                record = await clients.evaluations.GetPhase(
                    epb.GetPhaseRequest(academy_id=setup[where]), metadata=ceo.metadata
                )
            [proposal] = record.open_proposals
            setup["proposals"][where] = proposal.proposal_id
    caller = clients.caller(
        f"{role.value}-{uuid.uuid4().hex[:4]}@m", role, setup["trust_id"], [setup["own"]]
    )
    for trust_id in (setup["trust_id"], "another-trust"):
        request = epb.ListOpenProposalsRequest(trust_id=trust_id)
        if role not in INBOX_READERS or trust_id != setup["trust_id"]:
            with pytest.raises(grpc.aio.AioRpcError) as denied:
                await clients.evaluations.ListOpenProposals(request, metadata=caller.metadata)
            assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED, role
            continue
        reply = await clients.evaluations.ListOpenProposals(request, metadata=caller.metadata)
        seen = {p.proposal_id for p in reply.proposals}
        expected = {setup["proposals"]["own"]}
        if role in WIDE:
            expected.add(setup["proposals"]["other"])
        assert seen == expected, f"{role} sees {seen}"


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
async def test_judgement_scheme_of_the_trust_lists_only_academies_in_reach(
    clients, matrix_trust, role
):
    setup = await _setup(clients, matrix_trust)
    caller = clients.caller(f"{role.value}@m", role, setup["trust_id"], [setup["own"]])
    readers = ALLOWED["GetJudgementScheme"]
    for trust_id in (setup["trust_id"], "another-trust"):
        request = epb.GetJudgementSchemeRequest(trust_id=trust_id)
        if role not in readers or trust_id != setup["trust_id"]:
            with pytest.raises(grpc.aio.AioRpcError) as denied:
                await clients.evaluations.GetJudgementScheme(request, metadata=caller.metadata)
            assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED, role
            continue
        reply = await clients.evaluations.GetJudgementScheme(request, metadata=caller.metadata)
        expected = [setup["own"], setup["other"]] if role in WIDE else [setup["own"]]
        assert sorted(a.academy_id for a in reply.academies) == sorted(expected)


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
async def test_who_am_i_answers_every_role_with_only_its_academies(clients, matrix_trust, role):
    setup = await _setup(clients, matrix_trust)
    caller = clients.caller(f"{role.value}@m", role, setup["trust_id"], [setup["own"]])
    me = await clients.academies.WhoAmI(apb.WhoAmIRequest(), metadata=caller.metadata)
    assert (me.subject, me.role) == (f"{role.value}@m", role.value)
    wide = role in TRUST_WIDE_ROLES
    assert me.trust_wide == wide
    expected = [setup["own"], setup["other"]] if wide else [setup["own"]]
    assert sorted(a.academy_id for a in me.academies) == sorted(expected)
    with pytest.raises(grpc.aio.AioRpcError) as unauthenticated:
        await clients.academies.WhoAmI(apb.WhoAmIRequest())
    assert unauthenticated.value.code() == grpc.StatusCode.UNAUTHENTICATED

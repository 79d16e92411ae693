"""Access matrix: every evaluations RPC x every role x own / other academy.

'Allowed' means the call got past authorisation (it may still fail on the
facts, e.g. an unknown proposal); 'denied' means PERMISSION_DENIED.
"""

from __future__ import annotations

import uuid

import grpc
import pytest
from chassis.auth import Role
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
}


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
    if rpc == "RaiseConcern":
        return stub.RaiseConcern(
            epb.RaiseConcernRequest(academy_id=academy_id, text="c"), metadata=metadata
        )
    return stub.ListConcerns(epb.ListConcernsRequest(academy_id=academy_id), metadata=metadata)


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

"""Access matrix: every evaluations RPC x every role x own / other academy (or
trust), generated from the one access policy (access_policy.py).

'Allowed' means the call got past authorisation: it may still fail on the facts
(the examples name a proposal, phase, grade or intervention that does not exist,
or date a notice in the future, so that no allowed call changes anything);
'denied' means PERMISSION_DENIED.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import grpc
import pytest
from chassis.auth import TRUST_WIDE_ROLES, Role
from evaluations.domain.decisions import KINDS
from evaluations.entrypoints.access import ACCESS
from trust.academies.v1 import academies_pb2 as apb
from trust.evaluations.v1 import evaluations_pb2 as epb

from . import access_policy
from .access_matrix import check_cell, trust_with_two_academies

ROLES = [r for r in Role if r is not Role.SERVICE]
WIDE = {Role.TRUSTEE, Role.CHIEF_EXECUTIVE}
SERVICE_NAME = epb.DESCRIPTOR.services_by_name["EvaluationsService"].full_name
RPCS = sorted(m.name for m in epb.DESCRIPTOR.services_by_name["EvaluationsService"].methods)
OTHER_TRUST = "another-trust"
# Past authorisation, an example fails on the facts or answers.


def _kind_for(role: Role) -> str:
    """A kind of evaluation the role may make (the domain's rule), if any."""
    return next((kind for kind, roles in KINDS.items() if role in roles), "trust_evaluation")


# RPC -> request for (trust id, academy id, caller's role): one set of examples.
EXAMPLES: dict[str, Callable[[str, str, Role], Any]] = {
    "JudgeEvaluation": lambda _t, academy_id, role: epb.JudgeEvaluationRequest(
        academy_id=academy_id,
        kind=_kind_for(role),
        academic_year="2026/27",
        term="autumn",
        judgements={"quality_of_education": "no-such-grade"},
        summary="s",
    ),
    "ListEvaluations": lambda _t, academy_id, _r: epb.ListEvaluationsRequest(academy_id=academy_id),
    "GetPhase": lambda _t, academy_id, _r: epb.GetPhaseRequest(academy_id=academy_id),
    "GetPhaseSuggestion": lambda _t, academy_id, _r: epb.GetPhaseRequest(academy_id=academy_id),
    "ProposePhase": lambda _t, academy_id, _r: epb.ProposePhaseRequest(
        academy_id=academy_id, phase="no-such-phase", reason="r", review="exceptional"
    ),
    **{
        rpc: lambda _t, academy_id, _r: epb.DecideProposalRequest(
            academy_id=academy_id, proposal_id="no-such-proposal", reason="r"
        )
        for rpc in ("ConfirmPhase", "RejectProposal", "WithdrawProposal")
    },
    "RaiseConcern": lambda _t, academy_id, _r: epb.RaiseConcernRequest(
        academy_id=academy_id, text=" "
    ),
    "ListConcerns": lambda _t, academy_id, _r: epb.ListConcernsRequest(academy_id=academy_id),
    "ListOpenProposals": lambda trust_id, _a, _r: epb.ListOpenProposalsRequest(trust_id=trust_id),
    "GetJudgementScheme": lambda trust_id, academy_id, _r: epb.GetJudgementSchemeRequest(
        trust_id=trust_id, academy_id=academy_id
    ),
    # A notice dated in the future: refused on the facts, so nothing starts.
    "StartFormalIntervention": lambda _t, academy_id, _r: epb.StartFormalInterventionRequest(
        academy_id=academy_id,
        reason="r",
        notice=epb.NoticeGiven(issued_on="2999-01-01", reference="letter"),
    ),
    "EndFormalIntervention": lambda _t, academy_id, _r: epb.EndFormalInterventionRequest(
        academy_id=academy_id, intervention_id="no-such-intervention", reason="r"
    ),
}


def test_every_rpc_has_a_row_and_an_example():
    assert ACCESS.rpcs() == RPCS
    assert sorted(EXAMPLES) == RPCS


@pytest.fixture(scope="module")
def matrix_trust():
    return {}


async def _setup(clients, store):
    return await trust_with_two_academies(
        clients,
        store,
        "m",
        ("500001", "500002"),
        lambda caller, academy_id: clients.evaluations.GetPhase(
            epb.GetPhaseRequest(academy_id=academy_id), metadata=caller.metadata
        ),
    )


@pytest.mark.parametrize("rpc", RPCS)
@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
async def test_access_matrix(clients, matrix_trust, rpc, role):
    setup = await _setup(clients, matrix_trust)
    full_method = f"{SERVICE_NAME}/{rpc}"
    on_trust = access_policy.row(full_method).target is access_policy.Target.TRUST
    caller = clients.caller(
        f"{role.value}-{uuid.uuid4().hex[:4]}@m", role, setup["trust_id"], [setup["own"]]
    )
    targets = {
        "own": (setup["trust_id"], setup["own"]),
        "other": (OTHER_TRUST if on_trust else setup["trust_id"], setup["other"]),
    }
    for where, (trust_id, academy_id) in targets.items():
        request = EXAMPLES[rpc](trust_id, academy_id, role)
        call = getattr(clients.evaluations, rpc)
        await check_cell(call, request, caller.metadata, full_method, role, where == "own", rpc)


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
async def test_open_proposals_access(clients, matrix_trust, role):
    setup = await _setup(clients, matrix_trust)
    ceo = clients.caller("ceo@m", Role.CHIEF_EXECUTIVE, setup["trust_id"])
    if "proposals" not in setup:  # one open proposal per academy, made by the first role
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
    for trust_id in (setup["trust_id"], OTHER_TRUST):
        request = epb.ListOpenProposalsRequest(trust_id=trust_id)
        if role not in ACCESS.rule("ListOpenProposals").roles or trust_id != setup["trust_id"]:
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
    readers = ACCESS.rule("GetJudgementScheme").roles
    for trust_id in (setup["trust_id"], OTHER_TRUST):
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

"""Access matrix of the academies API, generated from the one access policy
(access_policy.py): every RPC x
every role x own / other academy (own / other trust for trust-scoped rows).

A role outside an RPC's row is PERMISSION_DENIED; a role inside it is not, on its
own academy or trust; a role that does not reach the whole trust is denied on
another academy, and every role on another trust. One set of examples makes the
requests, each free of side effects: a call that gets past access fails on the
facts (a malformed value, an unknown id, an existing trust) or only reads, and
the academies event store is checked to be unchanged.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import asyncpg
import pytest
from academies.application.access import ACCESS
from chassis.auth import Role
from google.protobuf.message import Message
from trust.academies.v1 import academies_pb2 as pb

from . import access_policy
from .access_matrix import check_cell

ROLES = [r for r in Role if r is not Role.SERVICE]
SERVICE = pb.DESCRIPTOR.services_by_name["AcademiesService"]


@dataclass(frozen=True)
class Target:
    trust_id: str
    academy_id: str


# RPC -> the request for a target trust and academy. Each example must stay free of
# side effects when allowed: refused on its values or ids, or a read.
EXAMPLES: dict[str, Callable[[Target], Message]] = {
    "CreateTrust": lambda t: pb.CreateTrustRequest(  # the trust exists: ALREADY_EXISTS
        trust_id=t.trust_id, name="Another name", framework="seed-003-aspire"
    ),
    "GetTrust": lambda t: pb.GetTrustRequest(trust_id=t.trust_id),
    "ChangeFramework": lambda t: pb.ChangeFrameworkRequest(  # not a framework
        trust_id=t.trust_id, framework_yaml="{}"
    ),
    "RegisterAcademy": lambda t: pb.RegisterAcademyRequest(  # a malformed URN
        trust_id=t.trust_id, urn="12345", name="Rowan", date_joined="2024-09-01"
    ),
    "ChangeAcademyDetails": lambda t: pb.ChangeAcademyDetailsRequest(  # nothing changes
        academy_id=t.academy_id
    ),
    "RecordAcademyLeft": lambda t: pb.RecordAcademyLeftRequest(  # before it joined
        academy_id=t.academy_id, date_left="2001-01-01", reason="never"
    ),
    "GetAcademy": lambda t: pb.GetAcademyRequest(academy_id=t.academy_id),
    "ListAcademies": lambda t: pb.ListAcademiesRequest(trust_id=t.trust_id),
    "SubmitData": lambda t: pb.SubmitDataRequest(  # a malformed academic year
        academy_id=t.academy_id,
        period=pb.Period(academic_year="2026-27", term="autumn"),
        return_type="termly_kpi",
        values=pb.DataValues(attendance_percent=95.0),
    ),
    "CorrectSubmission": lambda t: pb.CorrectSubmissionRequest(  # no such submission
        academy_id=t.academy_id,
        submission_id="no-such-submission",
        values=pb.DataValues(attendance_percent=90.0),
        reason="r",
    ),
    "GetSubmission": lambda t: pb.GetSubmissionRequest(
        academy_id=t.academy_id, submission_id="no-such-submission"
    ),
    "ListSubmissions": lambda t: pb.ListSubmissionsRequest(academy_id=t.academy_id),
    "GetReturnsStatus": lambda t: pb.GetReturnsStatusRequest(
        academy_id=t.academy_id, as_of="2027-01-10"
    ),
    "RecordInspection": lambda t: pb.RecordInspectionRequest(  # in the future
        academy_id=t.academy_id,
        inspection_date="2999-01-20",
        scheme="ofsted-2025",
        grades={"inclusion": "expected_standard"},
        safeguarding="met",
    ),
    "ListInspections": lambda t: pb.ListInspectionsRequest(academy_id=t.academy_id),
    "SubmitImprovementPlan": lambda t: pb.SubmitImprovementPlanRequest(  # no priorities
        academy_id=t.academy_id, academic_year="2026/27"
    ),
    "GetImprovementPlan": lambda t: pb.GetImprovementPlanRequest(
        academy_id=t.academy_id, academic_year="2026/27"
    ),
    "SubmitSelfEvaluation": lambda t: pb.SubmitSelfEvaluationRequest(  # a malformed year
        academy_id=t.academy_id, academic_year="2026", summary="s"
    ),
    "WhoAmI": lambda t: pb.WhoAmIRequest(),
}


def test_every_rpc_of_the_service_has_an_access_row_and_an_example():
    rpcs = set(SERVICE.methods_by_name)
    assert rpcs - set(ACCESS.rpcs()) == set(), "RPCs without an access row"
    assert rpcs - set(EXAMPLES) == set(), "RPCs without an example request"
    assert set(ACCESS.rpcs()) - rpcs == set() and set(EXAMPLES) - rpcs == set()


@pytest.fixture(scope="module")
def matrix() -> dict[str, Target]:
    return {}


async def _targets(clients, matrix: dict[str, Target]) -> dict[str, Target]:
    if matrix:
        return matrix
    trust_id = f"am-{uuid.uuid4().hex[:8]}"
    ceo = clients.caller("ceo@am", Role.CHIEF_EXECUTIVE, trust_id)
    await clients.academies.CreateTrust(
        pb.CreateTrustRequest(trust_id=trust_id, name="Matrix Trust", framework="seed-001-carter"),
        metadata=ceo.metadata,
    )
    ids = []
    for urn in ("600001", "600002"):
        academy = await clients.academies.RegisterAcademy(
            pb.RegisterAcademyRequest(
                trust_id=trust_id,
                urn=urn,
                name=f"Academy {urn}",
                phase_of_education="primary",
                local_authority="Kent",
                date_joined="2020-09-01",
            ),
            metadata=ceo.metadata,
        )
        ids.append(academy.academy_id)
    own, other = ids
    matrix.update(
        own=Target(trust_id, own),
        other_academy=Target(trust_id, other),
        other_trust=Target(f"{trust_id}-other", other),
    )
    return matrix


async def _event_count(platform) -> int:
    conn = await asyncpg.connect(platform.postgres.dsn("academies"))
    try:
        return int(await conn.fetchval("SELECT count(*) FROM events"))
    finally:
        await conn.close()


@pytest.mark.parametrize("rpc", sorted(SERVICE.methods_by_name))
@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
async def test_access_matrix(platform, clients, matrix, rpc, role):
    targets = await _targets(clients, matrix)
    own = targets["own"]
    caller = clients.caller(f"{role.value}@am", role, own.trust_id, [own.academy_id])
    full_method = f"{SERVICE.full_name}/{rpc}"
    on_trust = access_policy.row(full_method).target is access_policy.Target.TRUST
    other = targets["other_trust" if on_trust else "other_academy"]
    before = await _event_count(platform)
    for where, target in (("own", own), ("other", other)):
        call = getattr(clients.academies, rpc)
        label = f"{rpc} ({'trust' if on_trust else 'academy'})"
        await check_cell(
            call, EXAMPLES[rpc](target), caller.metadata, full_method, role, where == "own", label
        )
    assert await _event_count(platform) == before, f"{rpc} as {role} changed the event store"

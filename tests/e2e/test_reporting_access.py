"""Access matrix: every reporting RPC x every role x own / other academy,
generated from the one access policy (access_policy.py).

'Allowed' means the call got past authorisation; 'denied' means
PERMISSION_DENIED. Reporting only reads, so every example is side-effect free.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from chassis.auth import Role
from reporting.entrypoints.access import ACCESS
from trust.reporting.v1 import reporting_pb2 as rpb

from . import access_policy
from .access_matrix import check_cell, trust_with_two_academies

ROLES = [r for r in Role if r is not Role.SERVICE]
SERVICE_NAME = rpb.DESCRIPTOR.services_by_name["ReportingService"].full_name
RPCS = sorted(m.name for m in rpb.DESCRIPTOR.services_by_name["ReportingService"].methods)

# RPC -> request for (trust id, academy id): one set of examples.
EXAMPLES: dict[str, Callable[[str, str], Any]] = {
    "GetAcademyTimeline": lambda _t, academy_id: rpb.GetAcademyTimelineRequest(
        academy_id=academy_id, page_size=1
    ),
    "GetLedger": lambda trust_id, academy_id: rpb.GetLedgerRequest(
        trust_id=trust_id, academic_year="2026/27", academy_id=academy_id
    ),
    "GetBoardReport": lambda trust_id, academy_id: rpb.GetBoardReportRequest(
        trust_id=trust_id, academic_year="2026/27", term="autumn", academy_id=academy_id
    ),
    "ListOwnerActions": lambda trust_id, academy_id: rpb.ListOwnerActionsRequest(
        trust_id=trust_id, academy_id=academy_id
    ),
}


def test_every_rpc_has_a_row_and_an_example():
    assert ACCESS.rpcs() == RPCS
    assert sorted(EXAMPLES) == RPCS


@pytest.fixture(scope="module")
def timeline_trust():
    return {}


async def _setup(clients, store):
    return await trust_with_two_academies(
        clients,
        store,
        "r",
        ("600001", "600002"),
        lambda caller, academy_id: clients.reporting.GetAcademyTimeline(
            rpb.GetAcademyTimelineRequest(academy_id=academy_id), metadata=caller.metadata
        ),
    )


@pytest.mark.parametrize("rpc", RPCS)
@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
async def test_access_matrix(clients, timeline_trust, rpc, role):
    setup = await _setup(clients, timeline_trust)
    full_method = f"{SERVICE_NAME}/{rpc}"
    on_trust = access_policy.row(full_method).target is access_policy.Target.TRUST
    caller = clients.caller(f"{role.value}@r", role, setup["trust_id"], [setup["own"]])
    for where in ("own", "other"):
        trust_id = "another-trust" if where == "other" and on_trust else None
        request = EXAMPLES[rpc](trust_id or setup["trust_id"], setup[where])
        call = getattr(clients.reporting, rpc)
        await check_cell(call, request, caller.metadata, full_method, role, where == "own", rpc)

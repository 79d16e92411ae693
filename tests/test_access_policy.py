"""The one access policy (tests/e2e/access_policy.py) against the contracts and the
services' own access tables, without a platform.

- Every RPC of every ``trust.*.v1`` service in the compiled contracts has a row, and
  every row names an RPC that exists: a new RPC without a row fails here.
- Each service's access table (chassis.access, checked by its gRPC bootstrap) agrees
  with the policy cell by cell: role x own / other target, and the kind of target.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
import trust
from academies.application.access import ACCESS as ACADEMIES
from chassis.access import AccessTable, Scope
from chassis.auth import Role
from chassis.feed import FEED_READER_ROLES, FEED_SERVICE_NAME
from evaluations.entrypoints.access import ACCESS as EVALUATIONS
from meetings.entrypoints.access import ACCESS as MEETINGS
from reporting.entrypoints.access import ACCESS as REPORTING
from support.entrypoints.access import ACCESS as SUPPORT

from .e2e.access_policy import COLUMNS, POLICY, Target

TABLES: list[AccessTable] = [ACADEMIES, EVALUATIONS, MEETINGS, SUPPORT, REPORTING]
SCOPES = {Scope.ACADEMY: Target.ACADEMY, Scope.TRUST: Target.TRUST, Scope.CALLER: Target.CALLER}


def contract_rpcs() -> set[str]:
    """``package.Service/Method`` of every RPC of every trust.*.v1 service (the
    compiled contracts, walked as the gateway walks them)."""
    rpcs: set[str] = set()
    for module in pkgutil.walk_packages(trust.__path__, prefix="trust."):
        if module.name.endswith("_pb2") and ".v1." in module.name:
            for service in importlib.import_module(
                module.name
            ).DESCRIPTOR.services_by_name.values():
                rpcs |= {f"{service.full_name}/{method.name}" for method in service.methods}
    return rpcs


def test_every_rpc_of_the_contracts_has_a_row_and_every_row_an_rpc():
    rpcs = contract_rpcs()
    assert {rpc.split("/")[0] for rpc in rpcs} >= {table.service for table in TABLES} | {
        FEED_SERVICE_NAME
    }, "the walk missed a service"
    assert sorted(rpcs - set(POLICY)) == [], "RPCs without a row in tests/e2e/access_policy.py"
    assert sorted(set(POLICY) - rpcs) == [], "rows naming no RPC of the contracts"


def test_every_row_has_a_cell_for_every_role():
    assert set(COLUMNS) == set(Role)
    for name, row in POLICY.items():
        assert set(row.own) == set(Role), name
        assert row.other is None or set(row.other) == set(Role), name
        assert (row.other is None) == (row.target is Target.CALLER), name


CELLS = [
    pytest.param(table, rpc, id=f"{table.service.split('.')[1]}.{rpc}")
    for table in TABLES
    for rpc in table.rpcs()
]


@pytest.mark.parametrize(("table", "rpc"), CELLS)
def test_the_services_access_table_agrees_with_the_policy(table: AccessTable, rpc: str):
    rule = table.rule(rpc)
    row = POLICY[f"{table.service}/{rpc}"]
    assert SCOPES[rule.scope] is row.target, f"{rpc}: the table's target is {rule.scope}"
    disagreements = [
        f"{role.value} on {'own' if on_own else 'other'}: policy "
        f"{'allows' if row.allows(role, on_own) else 'denies'}, table "
        f"{'denies' if rule.denies(role, on_own) else 'allows'}"
        for role in Role
        for on_own in (True, False)
        if row.allows(role, on_own) is not None
        and rule.denies(role, on_own) is not None
        and row.allows(role, on_own) == rule.denies(role, on_own)
    ]
    assert disagreements == [], f"{table.service}/{rpc}"


def test_every_row_of_a_service_table_is_in_the_policy_and_the_reverse():
    for table in TABLES:
        rows = {name.split("/")[1] for name in POLICY if name.split("/")[0] == table.service}
        assert set(table.rpcs()) == rows, table.service


@pytest.mark.parametrize("rpc", ["ReadEvents", "GetHead"])
def test_the_event_feed_readers_agree_with_the_policy(rpc: str):
    row = POLICY[f"{FEED_SERVICE_NAME}/{rpc}"]
    assert {role for role in Role if row.own[role]} == set(FEED_READER_ROLES)
    # Another trust's events: only the platform's own token (every trust) reads them.
    assert row.other is not None
    assert {role for role in Role if row.other[role]} == {Role.SERVICE}

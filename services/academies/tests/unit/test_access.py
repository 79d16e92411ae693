"""The access table: a row for every RPC of the API, checked before any handler."""

from __future__ import annotations

import pytest
from academies.application.access import ACCESS, SERVICE_NAME
from chassis.access import Scope
from chassis.auth import Principal, Role
from chassis.errors import PermissionDenied
from trust.academies.v1 import academies_pb2 as pb

SERVICE = pb.DESCRIPTOR.services_by_name["AcademiesService"]


def test_the_table_names_the_service_and_has_a_row_for_every_rpc_and_no_other():
    assert SERVICE.full_name == SERVICE_NAME
    assert set(ACCESS.rpcs()) == set(SERVICE.methods_by_name)


@pytest.mark.parametrize(
    ("rpc", "role", "allowed"),
    [
        ("CreateTrust", Role.CHIEF_EXECUTIVE, True),
        ("CreateTrust", Role.TRUSTEE, False),
        ("SubmitData", Role.HEADTEACHER, True),
        ("SubmitData", Role.TRUSTEE, False),
        ("RecordInspection", Role.HEADTEACHER, False),
        ("GetAcademy", Role.PROVIDER, False),
        ("GetAcademy", Role.FINANCE, True),
        ("WhoAmI", Role.PROVIDER, True),
    ],
)
def test_the_role_is_checked_from_the_row(rpc, role, allowed):
    caller = Principal("x", role, "t1", frozenset())
    path = f"/{SERVICE_NAME}/{rpc}"
    if allowed:
        assert ACCESS.check(path, caller) is ACCESS.rule(rpc)
    else:
        with pytest.raises(PermissionDenied, match="needs one of the roles"):
            ACCESS.check(path, caller)


def test_every_row_is_scoped_by_what_its_request_names():
    scopes = {rpc: ACCESS.rule(rpc).scope for rpc in ACCESS.rpcs()}
    trust_wide = {"CreateTrust", "GetTrust", "ChangeFramework", "RegisterAcademy", "ListAcademies"}
    assert {rpc for rpc, scope in scopes.items() if scope is Scope.TRUST} == trust_wide
    assert {rpc for rpc, scope in scopes.items() if scope is Scope.CALLER} == {"WhoAmI"}

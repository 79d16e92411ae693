"""What the gateway passes on to a backend: the caller's headers, token and deadline."""

from __future__ import annotations

import base64

import pytest
from chassis.auth import Role, TokenService
from chassis.errors import Unauthenticated
from gateway.adapters.backends import BackendChannels
from gateway.application.forward_call import Forwarder, UnroutedService, caller_metadata
from gateway.domain.routes import RouteTable

SECRET = "unit-test-secret-0123456789abcdef0123456789"
SERVICE = "trust.academies.v1.AcademiesService"


def forwarder() -> Forwarder:
    routes = RouteTable.build({"academies": "127.0.0.1:1"}, [SERVICE])
    return Forwarder(routes, BackendChannels(1024), TokenService(SECRET), 30.0, 120.0)


def test_the_callers_own_headers_pass_and_this_hops_do_not() -> None:
    raw = b"\x00\x01binary"
    metadata = caller_metadata(
        [
            ("Authorization", "Bearer t"),
            ("x-request-id", "r-1"),
            ("x-trace-bin", base64.b64encode(raw).decode().rstrip("=")),
            ("content-type", "application/grpc-web+proto"),
            ("connect-timeout-ms", "500"),
            ("grpc-timeout", "1S"),
            ("traceparent", "00-abc-def-01"),
            ("cookie", "session=1"),
            ("origin", "http://app"),
            ("x-forwarded-for", "6.6.6.6"),
        ],
        "10.1.2.3:5555",
    )
    assert dict(metadata) == {
        "authorization": "Bearer t",
        "x-request-id": "r-1",
        "x-trace-bin": raw,
        "x-forwarded-for": "10.1.2.3",
    }


def test_a_call_needs_a_valid_token_before_any_backend() -> None:
    gateway = forwarder()
    token = TokenService(SECRET).mint("head@school", Role.HEADTEACHER, "t1", ["a1"])
    target = gateway.target(
        SERVICE, "GetAcademy", [("authorization", f"Bearer {token}")], None, None
    )
    assert target.path == f"/{SERVICE}/GetAcademy"
    assert target.backend.name == "academies"
    for headers in ([], [("authorization", "Bearer nonsense")], [("authorization", token)]):
        with pytest.raises(Unauthenticated):
            gateway.target(SERVICE, "GetAcademy", headers, None, None)


def test_an_unrouted_service_is_refused() -> None:
    with pytest.raises(UnroutedService, match=r"trust\.feed\.v1\.EventFeed"):
        forwarder().target("trust.feed.v1.EventFeed", "GetHead", [], None, None)


@pytest.mark.parametrize(
    ("timeout_ms", "seconds"), [(None, 30.0), (1500.0, 1.5), (-5.0, 0.0), (10_000_000.0, 120.0)]
)
def test_the_callers_deadline_goes_with_the_call_within_bounds(
    timeout_ms: float | None, seconds: float
) -> None:
    assert forwarder().timeout(timeout_ms) == seconds

"""The gateway, tried as web and mobile clients would: every protocol, every service.

Three clients, none of them the project's own code:
- native gRPC: grpcio stubs over HTTP/2 (mobile apps, other systems);
- gRPC-Web and Connect in binary: connectrpc's client, as a browser library speaks them;
- Connect JSON: plain HTTP/1.1 POSTs with JSON bodies (curl, fetch).

A reply through the gateway must equal the reply from the service called
directly; an error must keep its status and message; a missing or malformed
token is refused at the edge; a backend that is down is UNAVAILABLE by name
while the others go on answering.
"""

from __future__ import annotations

import asyncio
import json
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import grpc
import httpx
import pytest
from chassis.auth import Role, TokenService
from connectrpc.client import ConnectClient
from connectrpc.compat import google_protobuf_binary_codec
from connectrpc.errors import ConnectError
from connectrpc.method import IdempotencyLevel, MethodInfo, StreamType
from connectrpc.protocol import ProtocolType
from google.protobuf import json_format
from google.protobuf.message import Message
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)
from trust.academies.v1 import academies_pb2 as apb
from trust.evaluations.v1 import evaluations_pb2 as epb
from trust.meetings.v1 import meetings_pb2 as mpb
from trust.reporting.v1 import reporting_pb2 as rpb
from trust.support.v1 import support_pb2 as spb
from trust_local.launcher import Platform, ServiceProcess, start_gateway

from .conftest import TrustFixture


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- the three protocols, behind one small interface -------------------------------------


@dataclass
class Failure:
    code: str  # gRPC's name for the status, e.g. PERMISSION_DENIED
    message: str


Reply = Message | Failure


def _method(service: str, method: str) -> tuple[str, Any, Any]:
    from google.protobuf import descriptor_pool, message_factory

    descriptor = descriptor_pool.Default().FindServiceByName(service).methods_by_name[method]
    return (
        f"/{service}/{method}",
        message_factory.GetMessageClass(descriptor.input_type),
        message_factory.GetMessageClass(descriptor.output_type),
    )


async def call_grpc(
    address: str, service: str, method: str, request: Message, headers: dict[str, str]
) -> Reply:
    path, _, output = _method(service, method)
    async with grpc.aio.insecure_channel(address) as channel:
        call = channel.unary_unary(
            path,
            request_serializer=type(request).SerializeToString,
            response_deserializer=output.FromString,
        )
        try:
            return await call(request, metadata=tuple(headers.items()), timeout=10)
        except grpc.aio.AioRpcError as error:
            return Failure(error.code().name, error.details() or "")


async def call_grpc_web(
    address: str, service: str, method: str, request: Message, headers: dict[str, str]
) -> Reply:
    return await _call_connectrpc(ProtocolType.GRPC_WEB, address, service, method, request, headers)


async def call_connect_proto(
    address: str, service: str, method: str, request: Message, headers: dict[str, str]
) -> Reply:
    return await _call_connectrpc(ProtocolType.CONNECT, address, service, method, request, headers)


async def _call_connectrpc(
    protocol: ProtocolType,
    address: str,
    service: str,
    method: str,
    request: Message,
    headers: dict[str, str],
) -> Reply:
    _, input_class, output = _method(service, method)
    info = MethodInfo(
        name=method,
        service_name=service,
        input=input_class,
        output=output,
        stream_type=StreamType.UNARY,
        idempotency_level=IdempotencyLevel.UNKNOWN,
    )
    async with ConnectClient(
        f"http://{address}",
        protocol=protocol,
        codec=google_protobuf_binary_codec(),
        send_compression=None,
        timeout_ms=10_000,
    ) as client:
        try:
            return await client.execute_unary(request=request, method=info, headers=headers)
        except ConnectError as error:
            return Failure(error.code.name.replace("CANCELED", "CANCELLED"), error.message)


async def call_connect_json(
    address: str, service: str, method: str, request: Message, headers: dict[str, str]
) -> Reply:
    _, _, output = _method(service, method)
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(
            f"http://{address}/{service}/{method}",
            content=json_format.MessageToJson(request),
            headers={"content-type": "application/json", **headers},
        )
    body = response.json()
    if response.status_code != 200:
        return Failure(body["code"].upper(), body.get("message", ""))
    return json_format.ParseDict(body, output())


Caller = Callable[[str, str, str, Message, dict[str, str]], Awaitable[Reply]]
PROTOCOLS: dict[str, Caller] = {
    "grpc": call_grpc,
    "grpc-web": call_grpc_web,
    "connect-proto": call_connect_proto,
    "connect-json": call_connect_json,
}


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


# -- fixtures ----------------------------------------------------------------------------


@pytest.fixture
def gateway(platform: Platform) -> str:
    assert platform.gateway is not None, "the launcher starts the gateway"
    return platform.gateway.address


@pytest.fixture(scope="module")
def gateway_with_meetings_down(platform: Platform) -> Iterator[str]:
    """A second gateway whose meetings backend is an address nobody listens on."""
    backends = {name: service.address for name, service in platform.services.items()}
    backends["meetings"] = f"127.0.0.1:{_free_port()}"
    process: ServiceProcess = start_gateway(
        platform,
        backends,
        name="gateway-meetings-down",
        TRUST_GATEWAY_CORS_ORIGINS='["http://app.example.org"]',
        TRUST_GATEWAY_DEFAULT_TIMEOUT_SECONDS="5",
    )
    yield process.address
    process.stop()


@pytest.fixture
async def world(trust: TrustFixture) -> AsyncIterator[TrustFixture]:
    yield trust


def reads(trust: TrustFixture) -> list[tuple[str, str, Message]]:
    """A read per service, as the chief executive of a fresh trust."""
    academy = trust.academy_ids[0]
    return [
        (
            "trust.academies.v1.AcademiesService",
            "ListAcademies",
            apb.ListAcademiesRequest(trust_id=trust.trust_id),
        ),
        (
            "trust.evaluations.v1.EvaluationsService",
            "ListEvaluations",
            epb.ListEvaluationsRequest(academy_id=academy),
        ),
        (
            "trust.meetings.v1.MeetingsService",
            "ListMeetings",
            mpb.ListMeetingsRequest(trust_id=trust.trust_id, academic_year="2026/27"),
        ),
        (
            "trust.support.v1.SupportService",
            "ListProviders",
            spb.ListProvidersRequest(trust_id=trust.trust_id),
        ),
        (
            "trust.reporting.v1.ReportingService",
            "GetAcademyTimeline",
            rpb.GetAcademyTimelineRequest(academy_id=academy),
        ),
    ]


def direct_address(platform: Platform, service: str) -> str:
    return platform.address(service.split(".")[1])


# -- calls -------------------------------------------------------------------------------


async def settled(platform: Platform, token: str, calls: list[tuple[str, str, Message]]) -> None:
    """Wait until every service has heard of the fresh trust and its read models stop
    changing (they learn of it through Kafka), so that two reads can be compared."""
    last: list[Reply] = []
    for _ in range(100):
        now = [
            await call_grpc(direct_address(platform, svc), svc, method, request, bearer(token))
            for svc, method, request in calls
        ]
        if now == last and not any(isinstance(reply, Failure) for reply in now):
            return
        last = now
        await asyncio.sleep(0.3)
    raise AssertionError(f"the read models did not settle: {last}")


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_call_per_service_answers_as_the_service_does(
    platform: Platform, gateway: str, world: TrustFixture, protocol: str
) -> None:
    token = world.ceo.token
    await settled(platform, token, reads(world))
    for service, method, request in reads(world):
        direct = await call_grpc(
            direct_address(platform, service), service, method, request, bearer(token)
        )
        through = await PROTOCOLS[protocol](gateway, service, method, request, bearer(token))
        assert not isinstance(direct, Failure), (service, method, direct)
        assert through == direct, (protocol, service, method)
    # The token reaches the service: it says who called.
    who = await PROTOCOLS[protocol](
        gateway, "trust.academies.v1.AcademiesService", "WhoAmI", apb.WhoAmIRequest(), bearer(token)
    )
    assert isinstance(who, apb.WhoAmIResponse)
    assert (who.subject, who.role, who.trust_id) == ("ceo@trust", "chief_executive", world.trust_id)


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_write_through_the_gateway_is_the_services_own(
    platform: Platform, gateway: str, world: TrustFixture, protocol: str
) -> None:
    head = world.caller(Role.HEADTEACHER, [world.academy_ids[0]])
    request = apb.SubmitDataRequest(
        academy_id=world.academy_ids[0],
        period=apb.Period(academic_year="2026/27", term="autumn"),
        return_type="termly_kpi",
        values=apb.DataValues(attendance_percent=94.5),
    )
    reply = await PROTOCOLS[protocol](
        gateway, "trust.academies.v1.AcademiesService", "SubmitData", request, bearer(head.token)
    )
    assert isinstance(reply, apb.Submission), reply
    stored = await world.clients.academies.GetSubmission(
        apb.GetSubmissionRequest(
            academy_id=world.academy_ids[0], submission_id=reply.submission_id
        ),
        metadata=head.metadata,
    )
    assert stored.effective.attendance_percent == pytest.approx(94.5)


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_backend_errors_arrive_unchanged(
    platform: Platform, gateway: str, world: TrustFixture, protocol: str
) -> None:
    head = world.caller(Role.HEADTEACHER, [world.academy_ids[0]])
    cases = [
        # Another academy: the service's access rule.
        (apb.GetAcademyRequest(academy_id=world.academy_ids[1]), "GetAcademy"),
        # An impossible attendance: the service's validation.
        (
            apb.SubmitDataRequest(
                academy_id=world.academy_ids[0],
                period=apb.Period(academic_year="2026/27", term="spring"),
                return_type="termly_kpi",
                values=apb.DataValues(attendance_percent=140.0),
            ),
            "SubmitData",
        ),
    ]
    service = "trust.academies.v1.AcademiesService"
    for request, method in cases:
        direct = await call_grpc(
            direct_address(platform, service), service, method, request, bearer(head.token)
        )
        through = await PROTOCOLS[protocol](gateway, service, method, request, bearer(head.token))
        assert isinstance(direct, Failure) and isinstance(through, Failure)
        assert (through.code, through.message) == (direct.code, direct.message)
        assert direct.code in {"PERMISSION_DENIED", "INVALID_ARGUMENT"}


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_no_token_or_a_bad_one_is_refused_at_the_edge(
    gateway_with_meetings_down: str, world: TrustFixture, protocol: str
) -> None:
    # Meetings is down behind this gateway: UNAUTHENTICATED, not UNAVAILABLE,
    # shows that the edge refused the call before trying the backend.
    request = mpb.ListMeetingsRequest(trust_id=world.trust_id, academic_year="2026/27")
    call = PROTOCOLS[protocol]
    service = "trust.meetings.v1.MeetingsService"
    forged = TokenService("another-secret-entirely-0123456789abcdef").mint(
        "x@y", Role.CHIEF_EXECUTIVE, world.trust_id
    )
    for headers, says in (
        ({}, "needs a bearer token"),
        ({"authorization": "Basic abc"}, "must be 'Bearer <token>'"),
        (bearer("not-a-jwt"), "not valid"),
        (bearer(forged), "not valid"),
    ):
        reply = await call(gateway_with_meetings_down, service, "ListMeetings", request, headers)
        assert isinstance(reply, Failure), headers
        assert reply.code == "UNAUTHENTICATED", (headers, reply)
        assert says in reply.message


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_backend_down_is_unavailable_by_name_and_the_others_still_answer(
    gateway_with_meetings_down: str, world: TrustFixture, protocol: str
) -> None:
    call = PROTOCOLS[protocol]
    down = await call(
        gateway_with_meetings_down,
        "trust.meetings.v1.MeetingsService",
        "ListMeetings",
        mpb.ListMeetingsRequest(trust_id=world.trust_id, academic_year="2026/27"),
        bearer(world.ceo.token),
    )
    assert isinstance(down, Failure)
    assert down.code == "UNAVAILABLE"
    assert "meetings service is unavailable" in down.message
    up = await call(
        gateway_with_meetings_down,
        "trust.academies.v1.AcademiesService",
        "ListAcademies",
        apb.ListAcademiesRequest(trust_id=world.trust_id),
        bearer(world.ceo.token),
    )
    assert isinstance(up, apb.ListAcademiesResponse)
    assert len(up.academies) == 2


# -- the edge's own answers ------------------------------------------------------------


async def test_health_says_which_backend_is_down(gateway_with_meetings_down: str) -> None:
    async with grpc.aio.insecure_channel(gateway_with_meetings_down) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        check = health_pb2.HealthCheckRequest
        serving, not_serving = (
            health_pb2.HealthCheckResponse.SERVING,
            health_pb2.HealthCheckResponse.NOT_SERVING,
        )
        assert (await health.Check(check(service=""))).status == serving
        assert (await health.Check(check(service="academies"))).status == serving
        meetings = await health.Check(check(service="trust.meetings.v1.MeetingsService"))
        assert meetings.status == not_serving
        listed = await health.List(health_pb2.HealthListRequest())
        assert listed.statuses["trust.meetings.v1.MeetingsService"].status == not_serving
        assert listed.statuses["trust.reporting.v1.ReportingService"].status == serving
        with pytest.raises(grpc.aio.AioRpcError) as unknown:
            await health.Check(check(service="trust.nothing.v1.Nope"))
        assert unknown.value.code() is grpc.StatusCode.NOT_FOUND


async def test_reflection_lists_and_describes_every_service_behind_it(gateway: str) -> None:
    channel = grpc.insecure_channel(gateway)
    try:
        database = ProtoReflectionDescriptorDatabase(channel)
        services = set(database.get_services())
        assert {
            "trust.academies.v1.AcademiesService",
            "trust.evaluations.v1.EvaluationsService",
            "trust.meetings.v1.MeetingsService",
            "trust.support.v1.SupportService",
            "trust.reporting.v1.ReportingService",
            "grpc.health.v1.Health",
        } <= services
        described = database.FindFileContainingSymbol("trust.support.v1.SupportService")
        assert any(s.name == "SupportService" for s in described.service)
    finally:
        channel.close()


async def test_one_trace_from_the_callers_request_to_the_service(
    platform: Platform, gateway: str, world: TrustFixture
) -> None:
    trace_id = uuid.uuid4().hex
    parent = uuid.uuid4().hex[:16]
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(
            f"http://{gateway}/trust.academies.v1.AcademiesService/ListAcademies",
            json={"trustId": world.trust_id},
            headers={**bearer(world.ceo.token), "traceparent": f"00-{trace_id}-{parent}-01"},
        )
    assert response.status_code == 200

    def spans(service: str) -> list[dict[str, Any]]:
        with open(platform.trace_file(service)) as handle:
            found = [json.loads(line) for line in handle]
        return [s for s in found if s["context"]["trace_id"] == f"0x{trace_id}"]

    for _ in range(100):  # spans are written in batches every 200 ms
        if spans("academies") and len(spans("gateway")) >= 2:
            break
        await asyncio.sleep(0.1)
    gateway_spans = {s["kind"]: s for s in spans("gateway")}
    server, client_span = gateway_spans["SERVER"], gateway_spans["CLIENT"]
    assert server["parent_id"] == f"0x{parent}"  # the caller's span
    assert client_span["parent_id"] == server["context"]["span_id"]
    service_server = next(s for s in spans("academies") if s["kind"] == "SERVER")
    assert service_server["parent_id"] == client_span["context"]["span_id"]


async def test_cors_lets_the_configured_origin_call_and_no_other(
    gateway_with_meetings_down: str,
) -> None:
    url = f"http://{gateway_with_meetings_down}/trust.academies.v1.AcademiesService/WhoAmI"
    async with httpx.AsyncClient(timeout=10) as client:
        allowed = await client.options(
            url,
            headers={
                "origin": "http://app.example.org",
                "access-control-request-method": "POST",
                "access-control-request-headers": "authorization,content-type,connect-protocol-version",
            },
        )
        other = await client.options(
            url,
            headers={
                "origin": "http://evil.example.com",
                "access-control-request-method": "POST",
            },
        )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "http://app.example.org"
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    assert other.status_code == 400
    assert "access-control-allow-origin" not in other.headers


async def test_bad_input_at_the_edge_gets_a_clear_status(gateway: str, world: TrustFixture) -> None:
    base = f"http://{gateway}/trust.academies.v1.AcademiesService"
    headers = {**bearer(world.ceo.token), "content-type": "application/json"}
    async with httpx.AsyncClient(timeout=10) as client:
        typo = await client.post(
            f"{base}/ListAcademies", content=b'{"trustID": "x"}', headers=headers
        )
        not_json = await client.post(f"{base}/ListAcademies", content=b"{not json", headers=headers)
        huge = await client.post(
            f"{base}/ListAcademies",
            content=json.dumps({"trustId": "x" * (5 * 1024 * 1024)}).encode(),
            headers=headers,
        )
        unknown = await client.post(f"{base}/NoSuchMethod", content=b"{}", headers=headers)
        expired_deadline = await client.post(
            f"{base}/ListAcademies",
            json={"trustId": world.trust_id},
            headers={**headers, "connect-timeout-ms": "0"},
        )
    assert typo.status_code == 400 and typo.json()["code"] == "invalid_argument"
    assert 'no field named "trustID"' in typo.json()["message"]
    assert not_json.json()["code"] == "invalid_argument"
    assert huge.json()["code"] == "resource_exhausted"
    assert unknown.status_code == 404
    assert expired_deadline.json()["code"] == "deadline_exceeded"


async def test_the_web_client_is_served_from_the_same_address(gateway: str) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        page = await client.get(f"http://{gateway}/")
    assert page.status_code == 200, "scripts/setup builds the web client (clients/web/dist)"
    assert "text/html" in page.headers["content-type"]


async def test_an_empty_binary_body_is_answered_and_holds_up_no_one(
    gateway: str, world: TrustFixture
) -> None:
    """A message with no fields set is zero bytes in binary (WhoAmIRequest always)."""
    url = f"http://{gateway}/trust.academies.v1.AcademiesService/WhoAmI"
    headers = {**bearer(world.ceo.token), "content-type": "application/proto"}
    async with httpx.AsyncClient(timeout=5) as client:
        empty, other = await asyncio.gather(
            client.post(url, content=b"", headers=headers),
            client.post(
                url, content=b"{}", headers={**headers, "content-type": "application/json"}
            ),
        )
    assert empty.status_code == 200
    assert apb.WhoAmIResponse.FromString(empty.content).trust_id == world.trust_id
    assert other.json()["trustId"] == world.trust_id

"""The backbone as operators and outside clients meet it: a broker that is away at
start, a consumer killed mid-stream, reflection as tools speak it, logs as JSON."""

from __future__ import annotations

import asyncio
import json
import time

import grpc
from chassis.auth import Role
from chassis.relay import RELAY_HEALTH_NAME
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2
from trust_local.clients import eventually
from trust_local.scenario import wait_for_timeline

from .conftest import submit_request


async def test_services_start_and_serve_while_the_broker_is_down_then_catch_up(
    platform, clients, trust
):
    alder = trust.academy_ids[0]
    lead = trust.caller(Role.IMPROVEMENT_LEAD, [alder])
    before = len(await wait_for_timeline(clients, lead, alder, minimum=1))
    platform.kafka.set_broker_down()
    try:
        for name in ("academies", "reporting"):
            await asyncio.to_thread(platform.services[name].restart)
        # Serving and recording with no broker at all.
        await clients.academies.SubmitData(
            submit_request(alder, year="2051/52"), metadata=lead.metadata
        )
        health = health_pb2_grpc.HealthStub(clients.channel("academies"))
        reply = await health.Check(health_pb2.HealthCheckRequest(service=""))
        assert reply.status == health_pb2.HealthCheckResponse.SERVING
    finally:
        platform.kafka.set_broker_up()
    timeline = await wait_for_timeline(clients, lead, alder, minimum=before + 1, timeout=90)
    assert any("2051/52" in entry.summary for entry in timeline)


async def test_a_consumer_killed_with_sigkill_is_back_and_consuming(platform, clients, trust):
    alder = trust.academy_ids[0]
    lead = trust.caller(Role.IMPROVEMENT_LEAD, [alder])
    before = len(await wait_for_timeline(clients, lead, alder, minimum=1))
    reporting = platform.services["reporting"]
    killed_at = time.monotonic()
    reporting.kill()
    await clients.academies.SubmitData(
        submit_request(alder, year="2052/53"), metadata=lead.metadata
    )
    await asyncio.to_thread(reporting.restart)
    await wait_for_timeline(clients, lead, alder, minimum=before + 1, timeout=60)
    back_after = time.monotonic() - killed_at
    # How soon is measured by bench/consumer_restart.py (no timing assertion here);
    # the settings that make it soon are checked in libs/chassis/tests/unit.
    print(f"reporting killed -> consuming again: {back_after:.2f} s")


async def test_reflection_answers_on_v1_as_well_as_v1alpha(platform, clients):
    request = reflection_pb2.ServerReflectionRequest(list_services="")
    for version in ("v1", "v1alpha"):
        call = clients.channel("academies").stream_stream(
            f"/grpc.reflection.{version}.ServerReflection/ServerReflectionInfo",
            request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
            response_deserializer=reflection_pb2.ServerReflectionResponse.FromString,
        )
        replies = [reply async for reply in call(iter([request]))]
        names = {service.name for service in replies[0].list_services_response.service}
        assert "trust.academies.v1.AcademiesService" in names, version


async def test_the_relay_reports_its_health_under_its_own_name(platform, clients):
    health = health_pb2_grpc.HealthStub(clients.channel("evaluations"))
    reply = await health.Check(health_pb2.HealthCheckRequest(service=RELAY_HEALTH_NAME))
    assert reply.status == health_pb2.HealthCheckResponse.SERVING
    with_no_relay = health_pb2_grpc.HealthStub(clients.channel("reporting"))
    try:
        await with_no_relay.Check(health_pb2.HealthCheckRequest(service=RELAY_HEALTH_NAME))
        raise AssertionError("reporting publishes nothing, so it has no relay to report")
    except grpc.aio.AioRpcError as error:
        assert error.code() == grpc.StatusCode.NOT_FOUND


def test_every_line_every_service_logged_is_json(platform):
    for name in platform.services:
        with open(platform.log_file(name)) as handle:
            lines = [line for line in handle.read().splitlines() if line.strip()]
        assert lines, f"{name} logged nothing"
        for line in lines:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                raise AssertionError(f"{name} logged a line that is not JSON: {line!r}") from None
            assert {"ts", "level", "service", "message"} <= set(entry), line
            # Topics are provisioned by the platform; subscribers never try (and fail).
            assert "Failed to create topic" not in entry["message"], line


def _rpcs_with_a_required_field():
    from trust.academies.v1 import academies_pb2
    from trust.common.v1 import validation_pb2
    from trust.evaluations.v1 import evaluations_pb2
    from trust.reporting.v1 import reporting_pb2

    for service_key, module, name in (
        ("academies", academies_pb2, "AcademiesService"),
        ("evaluations", evaluations_pb2, "EvaluationsService"),
        ("reporting", reporting_pb2, "ReportingService"),
    ):
        service = module.DESCRIPTOR.services_by_name[name]
        for method in service.methods:
            required = [
                field.name
                for field in method.input_type.fields
                if field.GetOptions().Extensions[validation_pb2.rules].required
            ]
            if required:
                yield service_key, service.full_name, method, required[0]


async def test_an_empty_request_to_any_rpc_is_invalid_argument_naming_the_missing_field(
    platform, clients, trust
):
    from academies.application.access import ACCESS as ACADEMIES
    from evaluations.entrypoints.access import ACCESS as EVALUATIONS
    from google.protobuf import symbol_database
    from reporting.entrypoints.access import ACCESS as REPORTING

    tables = {"academies": ACADEMIES, "evaluations": EVALUATIONS, "reporting": REPORTING}
    calls = list(_rpcs_with_a_required_field())
    assert len(calls) > 25
    database = symbol_database.Default()
    for service_key, service_name, method, first_required in calls:
        # A caller the access table lets through: the request itself is what is wrong.
        role = sorted(tables[service_key].rule(method.name).roles)[0]
        caller = trust.caller(role, trust.academy_ids[:1])
        request_class = database.GetSymbol(method.input_type.full_name)
        response_class = database.GetSymbol(method.output_type.full_name)
        call = clients.channel(service_key).unary_unary(
            f"/{service_name}/{method.name}",
            request_serializer=request_class.SerializeToString,
            response_deserializer=response_class.FromString,
        )
        try:
            await call(request_class(), metadata=caller.metadata)
            raise AssertionError(f"{method.name} accepted an empty request")
        except grpc.aio.AioRpcError as error:
            assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, (method.name, error.details())
            assert error.details() == f"{first_required} is required", method.name


async def test_a_one_megabyte_summary_is_refused_and_the_relay_goes_on_publishing(
    platform, clients, trust
):
    from trust.evaluations.v1 import evaluations_pb2 as ev

    alder = trust.academy_ids[0]
    head = trust.caller(Role.HEADTEACHER, [alder])
    lead = trust.caller(Role.IMPROVEMENT_LEAD, [alder])
    huge = ev.JudgeEvaluationRequest(
        academy_id=alder,
        kind="self_evaluation",
        academic_year="2026/27",
        term="autumn",
        summary="x" * 1_048_576,
    )
    try:
        await clients.evaluations.JudgeEvaluation(huge, metadata=head.metadata)
        raise AssertionError("a 1 MB summary was accepted")
    except grpc.aio.AioRpcError as error:
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert error.details() == (
            "summary is 1,048,576 characters; the limit is 20,000 characters"
        )
    # The next evaluations event still reaches Kafka and reporting's timeline.
    before = len(await wait_for_timeline(clients, lead, alder, minimum=1))
    await eventually(
        lambda: clients.evaluations.ProposePhase(
            ev.ProposePhaseRequest(
                academy_id=alder, phase="improve", reason="data", review="annual"
            ),
            metadata=trust.ceo.metadata,
        )
    )
    await wait_for_timeline(clients, lead, alder, minimum=before + 1, timeout=60)


def test_the_printed_secret_works_in_the_printed_trust_token_command(platform):
    # A secret starting with '-' would be read as an option by trust-token.
    assert all(c in "0123456789abcdef" for c in platform.token_secret), platform.token_secret
    import subprocess
    import sys

    minted = subprocess.run(
        [
            sys.executable,
            "-m",
            "chassis.token_cli",
            "--secret",
            platform.token_secret,
            "--trust",
            "t",
            "--role",
            "trustee",
            "--subject",
            "s@t",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert minted.stdout.count(".") == 2  # a JWT

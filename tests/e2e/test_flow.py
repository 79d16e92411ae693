"""Register, submit, correct through gRPC; the timeline, the trace, the rebuild."""

from __future__ import annotations

import asyncio
import json

import grpc
from chassis.auth import ALL_TRUSTS, Role, TokenService
from chassis.db import create_pool
from opentelemetry import propagate
from opentelemetry.sdk.trace import TracerProvider
from reporting.adapters.timeline_store import TimelineStore
from reporting.application.rebuild import rebuild_timeline
from reporting.domain.timeline import entry_for
from reporting.entrypoints.rebuild import feed_reader
from trust.academies.v1 import academies_pb2 as pb
from trust_local.scenario import wait_for_timeline

from .conftest import submit_request


async def test_register_submit_correct_shows_on_the_timeline_with_actors_in_one_trace(
    platform, clients, trust
):
    # A client span whose context travels in gRPC metadata, as a web client's would.
    tracer = TracerProvider().get_tracer("test-client")
    academy_id = trust.academy_ids[0]
    head = trust.caller(Role.HEADTEACHER, [academy_id], "head@alder")
    with tracer.start_as_current_span("client flow") as span:
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        trace_id = f"{span.get_span_context().trace_id:032x}"
        traced = (*head.metadata, *carrier.items())
        submitted = await clients.academies.SubmitData(submit_request(academy_id), metadata=traced)
        corrected = await clients.academies.CorrectSubmission(
            pb.CorrectSubmissionRequest(
                academy_id=academy_id,
                submission_id=submitted.submission_id,
                values=pb.DataValues(attendance_percent=96.5),
                reason="late registers",
            ),
            metadata=traced,
        )
    assert [v.values.attendance_percent for v in corrected.history] == [95.0, 96.5]
    assert corrected.effective.attendance_percent == 96.5

    fetched = await clients.academies.GetSubmission(
        pb.GetSubmissionRequest(academy_id=academy_id, submission_id=submitted.submission_id),
        metadata=head.metadata,
    )
    assert [v.revision for v in fetched.history] == [1, 2]
    assert fetched.history[1].recorded_by.subject == "head@alder"

    timeline = await wait_for_timeline(clients, head, academy_id, minimum=3)
    assert [(e.event_type, e.actor.subject, e.actor.role) for e in timeline] == [
        ("academies.AcademyRegistered", "ceo@trust", "chief_executive"),
        ("academies.DataSubmitted", "head@alder", "headteacher"),
        ("academies.SubmissionCorrected", "head@alder", "headteacher"),
    ]

    needed = {
        ("academies", "/trust.academies.v1.AcademiesService/SubmitData"),
        ("academies", "eventstore.append"),
        ("academies", "publish academies.academy"),
        ("reporting", "project academies.DataSubmitted"),
        ("reporting", "project academies.SubmissionCorrected"),
    }
    spans = await _spans_of_trace(platform, trace_id, needed)
    assert needed <= set(spans)


async def _spans_of_trace(
    platform, trace_id: str, needed: set[tuple[str, str]], timeout: float = 15.0
):
    """The trace's (service, span name) pairs, once every needed one is exported
    (each service exports on its own schedule, so wait for the exact spans)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = []
        for service in platform.services:
            try:
                with open(platform.trace_file(service)) as handle:
                    for line in handle:
                        span = json.loads(line)
                        if span["context"]["trace_id"] == f"0x{trace_id}":
                            found.append((service, span["name"]))
            except FileNotFoundError:
                pass
        if needed <= set(found):
            return found
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"trace {trace_id} spans found: {found}")
        await asyncio.sleep(0.2)


async def test_the_timeline_rebuilt_from_the_feeds_equals_the_live_projection(
    platform, clients, trust
):
    academy_id = trust.academy_ids[1]
    lead = trust.caller(Role.IMPROVEMENT_LEAD, [academy_id])
    for term in ("autumn", "spring", "summer"):
        await clients.academies.SubmitData(submit_request(academy_id, term), metadata=lead.metadata)
    await wait_for_timeline(clients, lead, academy_id, minimum=4)

    token = TokenService(platform.token_secret).mint("rebuild", Role.SERVICE, ALL_TRUSTS)
    feeds = {
        name: feed_reader(platform.address(name), token)
        for name in ("academies", "evaluations", "meetings", "support")
    }
    pool = await create_pool(platform.postgres.dsn("reporting"))
    try:
        live_store = TimelineStore()
        # Other tests' events may still be flowing (services react to events with
        # events of their own), so compare at a moment when the live projection has
        # caught up with the feeds it is rebuilt from: retried while it moves on.
        for _ in range(10):
            feed_count = await _timeline_events_in_feed(feeds)
            for _ in range(200):
                async with pool.acquire() as conn:
                    live = await live_store.all_entries(conn)
                if len(live) >= feed_count:
                    break
                await asyncio.sleep(0.05)
            await rebuild_timeline(pool, feeds, schema="rebuild_check")
            async with pool.acquire() as conn:
                rebuilt = await TimelineStore("rebuild_check").all_entries(conn)
                live = await live_store.all_entries(conn)
                # The board's facts too: every version, as known when (positions aside).
                rebuilt_facts = await _board_facts(conn, "rebuild_check", trust.trust_id)
                live_facts = await _board_facts(conn, "public", trust.trust_id)
            if rebuilt == live and rebuilt_facts == live_facts:
                break
        assert rebuilt == live and len(live) >= feed_count
        assert rebuilt_facts == live_facts and len(live_facts) >= 4

        # In place: empty the live model and replay it; readers get the same answers.
        await rebuild_timeline(pool, feeds)
        async with pool.acquire() as conn:
            replayed = await live_store.all_entries(conn)
        # Everything rebuilt before is there again (and whatever arrived since).
        assert set(rebuilt) <= set(replayed)
    finally:
        await pool.close()


async def _board_facts(conn, schema: str, trust_id: str) -> list[tuple]:
    rows = await conn.fetch(
        f"SELECT academy_id, academic_year, kind, key, known_at, event_id, value "
        f"FROM {schema}.board_facts WHERE trust_id = $1 ORDER BY event_id, kind, key",
        trust_id,
    )
    return [tuple(row) for row in rows]


async def _timeline_events_in_feed(feeds) -> int:
    count = 0
    for read in feeds.values():
        async for envelope in read():
            count += entry_for(envelope) is not None  # trust-wide meetings have none
    return count


async def test_health_and_reflection_answer_without_a_token(platform):
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    for service in platform.services:
        async with grpc.aio.insecure_channel(platform.address(service)) as channel:
            reply = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest())
            assert reply.status == health_pb2.HealthCheckResponse.SERVING

"""The staff tool's rebuild, as an operator runs it against a running platform:
``trust-report rebuild --feed service=host:port ... --schema copy`` writes a copy
of every read model from the services' feeds, with a bar per feed on stderr and
one result line on stdout; ``--resume`` continues a copy (nothing left: no event
applied twice); what it cannot do is refused in plain words with exit code 2."""

from __future__ import annotations

import asyncio
import os
import pathlib
import subprocess
import sys

import grpc
import pytest
from chassis.auth import ALL_TRUSTS, Role, TokenService
from chassis.db import create_pool
from chassis.feed import read_feed, read_head
from reporting.adapters.timeline_store import TimelineStore
from trust.feed.v1 import feed_pb2, feed_pb2_grpc
from trust_local.scenario import wait_for_timeline

from .conftest import submit_request

FEEDS = ("academies", "evaluations", "meetings", "support")
TOOL = pathlib.Path(sys.executable).parent / "trust-report"


def _run_tool(platform, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "TRUST_DATABASE_URL": platform.postgres.dsn("reporting"),
        "TRUST_TOKEN_SECRET": platform.token_secret,
        "COLUMNS": "160",  # rich draws its bars for a terminal this wide
    }
    return subprocess.run(
        [str(TOOL), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _feed_args(platform) -> list[str]:
    return [arg for name in FEEDS for arg in ("--feed", f"{name}={platform.address(name)}")]


async def test_the_staff_tool_rebuilds_a_copy_with_bars_and_resumes_it(platform, clients, trust):
    academy_id = trust.academy_ids[0]
    lead = trust.caller(Role.IMPROVEMENT_LEAD, [academy_id])
    for term in ("autumn", "spring"):
        await clients.academies.SubmitData(submit_request(academy_id, term), metadata=lead.metadata)
    await wait_for_timeline(clients, lead, academy_id, minimum=3)

    done = await asyncio.to_thread(
        _run_tool, platform, "rebuild", *_feed_args(platform), "--schema", "tool_copy"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("rebuilt the read models in schema tool_copy from ")
    events = int(done.stdout.split(" from ")[1].split()[0])
    assert events > 0
    for name in FEEDS:  # a bar per feed, finished
        assert name in done.stderr
    assert "100%" in done.stderr

    pool = await create_pool(platform.postgres.dsn("reporting"))
    try:
        async with pool.acquire() as conn:
            live = [
                e for e in await TimelineStore().all_entries(conn) if e.trust_id == trust.trust_id
            ]
            copy = [
                e
                for e in await TimelineStore("tool_copy").all_entries(conn)
                if e.trust_id == trust.trust_id
            ]
            checkpoints = await conn.fetch("SELECT feed FROM tool_copy.rebuild_progress")
    finally:
        await pool.close()
    assert copy == live and len(live) >= 3
    # A checkpoint per feed that had events (academies' at least).
    assert "academies" in {row["feed"] for row in checkpoints} <= set(FEEDS)

    # Resumed: only what the feeds gained since (here perhaps other tests' events).
    resumed = await asyncio.to_thread(
        _run_tool, platform, "rebuild", *_feed_args(platform), "--schema", "tool_copy", "--resume"
    )
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.startswith("rebuilt the read models in schema tool_copy from ")


async def test_the_staff_tool_refuses_what_a_rebuild_cannot_do(platform):
    live_resume = await asyncio.to_thread(
        _run_tool, platform, "rebuild", *_feed_args(platform), "--resume"
    )
    assert live_resume.returncode == 2
    assert "rebuild refused" in live_resume.stderr
    assert "cannot be resumed" in " ".join(live_resume.stderr.split())

    never_started = await asyncio.to_thread(
        _run_tool,
        platform,
        "rebuild",
        *_feed_args(platform),
        "--schema",
        "no_such_copy",
        "--resume",
    )
    assert never_started.returncode == 2
    assert "nothing to resume in schema no_such_copy" in " ".join(never_started.stderr.split())

    bad_feed = await asyncio.to_thread(_run_tool, platform, "rebuild", "--feed", "academies")
    assert bad_feed.returncode == 2
    assert "service=host:port" in bad_feed.stderr


async def test_a_feeds_head_is_where_its_stream_ends_and_only_feed_readers_see_it(platform, trust):
    token = TokenService(platform.token_secret).mint("rebuild", Role.SERVICE, ALL_TRUSTS)
    async with grpc.aio.insecure_channel(platform.address("academies")) as channel:
        # The relay may sequence more events at any moment: the head only grows.
        positions = [e.global_position async for e in read_feed(channel, token)]
        head = await read_head(channel, token)
        assert positions and positions[-1] <= head
        after = [e.global_position async for e in read_feed(channel, token, after_position=head)]
        assert all(position > head for position in after)

        head_teacher = trust.caller(Role.HEADTEACHER, trust.academy_ids[:1])
        stub = feed_pb2_grpc.EventFeedStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await stub.GetHead(feed_pb2.GetHeadRequest(), metadata=head_teacher.metadata)
        assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED

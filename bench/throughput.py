"""End-to-end throughput of each service's main command, against a bare gRPC echo.

    .venv/bin/python bench/throughput.py [--commands 4000] [--clients 32]
        [--only SubmitData,JudgeEvaluation,...] [--py-spy DIR]

Issue 14's targets, on this 2-core machine with everything in one run (client,
services, PostgreSQL with fsync on, the broker): SubmitData through gRPC ->
event store -> relay -> Kafka -> read models at >= 0.25x the calls/s of a bare
grpc.aio unary echo at the same concurrency (bench/yardstick.py, measured in
the same run just before each command), p99 call latency <= 2x the echo's p99,
and p99 time until visible < 1 s.

Each command is sent ``--commands`` times by ``--clients`` concurrent clients,
every call with its own correlation id (x-correlation-id). "Visible" is the
moment a poller (every 5 ms) first sees the command's event in reporting's
academy timeline, the read model at the end of the longest path; the events'
correlation ids are looked up in the owning service's event store afterwards,
so every acknowledged command is matched to its own event (a command whose
event never shows up within 2 minutes is counted as missing).

Commands: academies SubmitData (directly and through the gateway's native
gRPC), evaluations JudgeEvaluation, meetings ScheduleMeeting, support
RequestSupport. With ``--py-spy DIR`` each service process is sampled by
py-spy (installed separately: it is a tool, not a dependency) while the
command runs, and its flame data written to DIR.

It prints figures; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")

import asyncpg
import grpc
from chassis.auth import Role
from trust.academies.v1 import academies_pb2 as apb
from trust.academies.v1 import academies_pb2_grpc
from trust.evaluations.v1 import evaluations_pb2 as epb
from trust.meetings.v1 import meetings_pb2 as mpb
from trust.support.v1 import support_pb2 as spb
from trust_local.clients import PlatformClients, eventually
from trust_local.launcher import Platform, start_platform
from yardstick import EchoProcess, line, measure, percentile

TRUST = "bench-trust"
ACADEMIES = 64
POLL_SECONDS = 0.005
VISIBLE_WITHIN = 120.0


@dataclass(frozen=True)
class Command:
    name: str
    service: str  # owns the event store the command appends to
    call: Callable[[Any, int, tuple[tuple[str, str], ...]], Any]  # (clients, n, metadata)


def _year(n: int) -> str:
    year = 2000 + (n // 3) % 100
    return f"{year}/{(year + 1) % 100:02d}"


def _commands(
    academy_ids: list[str], gateway: academies_pb2_grpc.AcademiesServiceStub | None
) -> list[Command]:
    terms = ("autumn", "spring", "summer")

    def submission(n: int) -> apb.SubmitDataRequest:
        # A distinct (academy, year, term) slot per call: a second one would be refused.
        slot = n // len(academy_ids)
        return apb.SubmitDataRequest(
            academy_id=academy_ids[n % len(academy_ids)],
            return_type="termly_kpi",
            period=apb.Period(academic_year=_year(slot), term=terms[slot % 3]),
            values=apb.DataValues(attendance_percent=95.5, kpis={"exclusions": 1.0}),
        )

    def submit_data(c: PlatformClients, n: int, md: Any) -> Any:
        return c.academies.SubmitData(submission(n), metadata=md)

    def submit_data_via_gateway(c: PlatformClients, n: int, md: Any) -> Any:
        assert gateway is not None
        # Slots 50 years on from the direct calls' (9,600 = 64 academies x 3 terms x 50).
        return gateway.SubmitData(submission(n + 9_600), metadata=md)

    def judge_evaluation(c: PlatformClients, n: int, md: Any) -> Any:
        return c.evaluations.JudgeEvaluation(
            epb.JudgeEvaluationRequest(
                academy_id=academy_ids[n % len(academy_ids)],
                kind="trust_evaluation",
                academic_year="2026/27",
                term=terms[n % 3],
                judgements={"achievement": "expected_standard"},
                evidence=["visits/bench.pdf"],
                summary="A bench visit",
                evaluation_id=f"ev-{n}",
            ),
            metadata=md,
        )

    def schedule_meeting(c: PlatformClients, n: int, md: Any) -> Any:
        when = dt.datetime(2027, 1, 4, 9, 0, tzinfo=dt.UTC) + dt.timedelta(hours=n % 2000)
        return c.meetings.ScheduleMeeting(
            mpb.ScheduleMeetingRequest(
                trust_id=TRUST,
                academy_id=academy_ids[n % len(academy_ids)],
                meeting_type="quality_assurance_review",
                scheduled_for=when.isoformat(),
                reason="An extra review",
                meeting_id=f"mt-{n}",
            ),
            metadata=md,
        )

    def request_support(c: PlatformClients, n: int, md: Any) -> Any:
        return c.support.RequestSupport(
            spb.RequestSupportRequest(
                academy_id=academy_ids[n % len(academy_ids)],
                need_area="attendance",
                days_wanted="2",
                summary="Persistent absence in year 9",
                request_id=f"req-{n}",
            ),
            metadata=md,
        )

    return [
        Command("SubmitData", "academies", submit_data),
        Command("SubmitData via the gateway", "academies", submit_data_via_gateway),
        Command("JudgeEvaluation", "evaluations", judge_evaluation),
        Command("ScheduleMeeting", "meetings", schedule_meeting),
        Command("RequestSupport", "support", request_support),
    ]


class Visibility:
    """Polls reporting's timeline for one source's events and notes when each
    event id is first seen."""

    def __init__(self, reporting: asyncpg.Connection, source: str) -> None:
        self.db = reporting
        self.source = source
        self.seen: dict[uuid.UUID, float] = {}
        self.stopped = asyncio.Event()

    async def start(self) -> asyncio.Task[None]:
        """The poller, from the source's last position seen before any command is sent."""
        low = await self.db.fetchval(
            "SELECT coalesce(max(global_position), 0) FROM timeline_entries "
            "WHERE source_service = $1",
            self.source,
        )
        return asyncio.create_task(self.run(low))

    async def run(self, low: int) -> None:
        # Positions are the source's feed order; partitions may show them out of
        # order, so the poll restarts from the highest position below which all are seen.
        positions: set[int] = set()
        while not self.stopped.is_set():
            rows = await self.db.fetch(
                "SELECT event_id, global_position FROM timeline_entries "
                "WHERE source_service = $1 AND global_position > $2",
                self.source,
                low,
            )
            now = time.perf_counter()
            for row in rows:
                self.seen.setdefault(row["event_id"], now)
                positions.add(row["global_position"])
            while low + 1 in positions:
                positions.discard(low + 1)
                low += 1
            await asyncio.sleep(POLL_SECONDS)


async def _run_command(
    platform: Platform,
    clients: PlatformClients,
    command: Command,
    metadata: tuple[tuple[str, str], ...],
    commands: int,
    clients_count: int,
    echo: EchoProcess,
    py_spy: str | None,
) -> None:
    echo_stats = await echo.measure(commands, clients_count)
    print(line(f"echo (c={clients_count})", echo_stats))

    owner = await asyncpg.connect(platform.postgres.dsn(command.service))
    reporting = await asyncpg.connect(platform.postgres.dsn("reporting"))
    visibility = Visibility(reporting, command.service)
    poller = await visibility.start()
    tag = uuid.uuid4().hex[:8]
    sent: dict[str, float] = {}
    refused: dict[str, int] = {}
    examples: dict[str, str] = {}

    async def call(n: int) -> None:
        correlation = f"bench-{tag}-{n}"
        started = time.perf_counter()
        try:
            await command.call(clients, n, (*metadata, ("x-correlation-id", correlation)))
        except grpc.aio.AioRpcError as error:
            key = error.code().name
            refused[key] = refused.get(key, 0) + 1
            examples.setdefault(key, error.details() or "")
            return
        sent[correlation] = started

    spies = _start_py_spy(platform, command, py_spy)
    cpu_before = _cpu(platform)
    stats = await measure(call, commands, clients_count)
    cpu_after = _cpu(platform)
    _stop_py_spy(spies)
    if refused:
        for code, count in refused.items():
            print(f"    refused x{count}: {code}, e.g. {examples[code][:160]}")

    # Each acknowledged command's event, found by its correlation id.
    deadline = time.perf_counter() + VISIBLE_WITHIN
    while True:
        rows = await owner.fetch(
            "SELECT event_id, metadata->>'correlation_id' AS correlation FROM events "
            "WHERE metadata->>'correlation_id' LIKE $1",
            f"bench-{tag}-%",
        )
        events = {r["correlation"]: r["event_id"] for r in rows}
        missing = [c for c in sent if events.get(c) not in visibility.seen]
        if not missing or time.perf_counter() > deadline:
            break
        await asyncio.sleep(0.2)
    visibility.stopped.set()
    await poller
    for correlation in missing[:5]:
        event_id = events.get(correlation)
        stored = (
            await owner.fetchrow(
                "SELECT global_position, event_type FROM events WHERE event_id = $1", event_id
            )
            if event_id
            else None
        )
        checkpoint = await owner.fetchval("SELECT max(published_position) FROM relay_checkpoints")
        in_timeline = (
            await reporting.fetchval(
                "SELECT count(*) FROM timeline_entries WHERE event_id = $1", event_id
            )
            if event_id
            else None
        )
        print(
            f"    missing {correlation}: event {event_id} stored {dict(stored) if stored else None}, "
            f"relay checkpoint {checkpoint}, in the timeline {in_timeline}"
        )
    to_visible = [
        visibility.seen[events[c]] - t for c, t in sent.items() if events.get(c) in visibility.seen
    ]
    await owner.close()
    await reporting.close()
    print(line(command.name, stats, echo_stats))
    spent = {n: cpu_after[n] - cpu_before.get(n, 0.0) for n in cpu_after}
    busy = ", ".join(
        f"{name} {seconds / commands * 1e6:,.0f}"
        for name, seconds in sorted(spent.items(), key=lambda item: -item[1])
        if seconds / commands >= 20e-6
    )
    print(f"  {'':<38} CPU per command (us): {busy}")
    if to_visible:
        print(
            f"  {'':<38} until visible in the timeline: p50 {percentile(to_visible, 0.5) * 1000:6.0f} ms"
            f"   p99 {percentile(to_visible, 0.99) * 1000:6.0f} ms"
            f"   ({len(to_visible)} of {len(sent)} acknowledged; {len(missing)} missing)"
        )


def _cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _processes(platform: Platform) -> dict[str, list[int]]:
    """Each process's pids: the services, the gateway, PostgreSQL (the postmaster
    and its backends, the client's included), and this process (client and poller)."""
    found: dict[str, list[int]] = {"bench client": [os.getpid()]}
    for name, service in [*platform.services.items(), ("gateway", platform.gateway)]:
        if service is not None and service.process is not None:
            found[name] = [service.process.pid]
    with open(os.path.join(platform.postgres.root_dir, "data", "postmaster.pid")) as handle:
        postmaster = int(handle.readline())
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    if int(handle.read().rsplit(")", 1)[1].split()[1]) == postmaster:
                        children.append(int(entry))
            except OSError:
                continue
    found["postgresql"] = [postmaster, *children]
    return found


def _cpu(platform: Platform) -> dict[str, float]:
    return {
        name: sum(_cpu_seconds(pid) for pid in pids) for name, pids in _processes(platform).items()
    }


def _start_py_spy(platform: Platform, command: Command, directory: str | None) -> list[Any]:
    if directory is None:
        return []
    os.makedirs(directory, exist_ok=True)
    spy = shutil.which("py-spy") or "/tmp/tools/bin/py-spy"
    spies = []
    for name, service in [*platform.services.items(), ("gateway", platform.gateway)]:
        if service is None or service.process is None or name != command.service:
            continue  # the command's own service: sampling costs the machine
        out = os.path.join(directory, f"{command.name.replace(' ', '_')}.{name}.txt")
        spies.append(
            subprocess.Popen(
                [
                    spy,
                    "record",
                    "--pid",
                    str(service.process.pid),
                    "--format",
                    "raw",
                    "--rate",
                    "200",
                    "--nonblocking",
                    "--output",
                    out,
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    return spies


def _stop_py_spy(spies: list[Any]) -> None:
    for spy in spies:
        spy.send_signal(2)
    for spy in spies:
        spy.wait(30)


async def main(
    commands: int, clients_count: int, only: set[str] | None, py_spy: str | None
) -> None:
    print("starting the platform (fsync on) ... ", end="", flush=True)
    platform = await asyncio.to_thread(start_platform, fsync=True, log_level="WARNING")
    print("ready")
    clients = PlatformClients(
        {n: s.address for n, s in platform.services.items()}, platform.token_secret
    )
    assert platform.gateway is not None
    gateway_channel = grpc.aio.insecure_channel(platform.gateway.address)
    echo = EchoProcess()
    try:
        ceo = clients.caller("ceo@bench", Role.CHIEF_EXECUTIVE, TRUST)
        await clients.academies.CreateTrust(
            apb.CreateTrustRequest(trust_id=TRUST, name="Bench", framework="seed-001-carter"),
            metadata=ceo.metadata,
        )
        academy_ids = []
        for i in range(ACADEMIES):
            academy = await clients.academies.RegisterAcademy(
                apb.RegisterAcademyRequest(
                    trust_id=TRUST,
                    urn=f"{300000 + i}",
                    name=f"Academy {i}",
                    phase_of_education="secondary",
                    local_authority="Kent",
                    date_joined="2020-09-01",
                ),
                metadata=ceo.metadata,
            )
            academy_ids.append(academy.academy_id)
        lead = clients.caller("lead@bench", Role.IMPROVEMENT_LEAD, TRUST, academy_ids)
        # Every service knows the last academy before any command is timed.
        last = academy_ids[-1]
        await eventually(
            lambda: clients.support.GetEntitlement(
                spb.GetEntitlementRequest(academy_id=last, academic_year="2026/27"),
                metadata=ceo.metadata,
            ),
            timeout=60,
        )
        print(f"\n{commands} commands per line, {clients_count} concurrent clients, 2 cores")
        gateway = academies_pb2_grpc.AcademiesServiceStub(gateway_channel)
        for command in _commands(academy_ids, gateway):
            if only and command.name not in only:
                continue
            await _run_command(
                platform, clients, command, lead.metadata, commands, clients_count, echo, py_spy
            )
    finally:
        await echo.close()
        await gateway_channel.close(None)
        await clients.close()
        await asyncio.to_thread(platform.stop)


if __name__ == "__main__":
    import uvloop

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--commands", type=int, default=4000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--only", help="comma-separated command names, e.g. SubmitData")
    parser.add_argument("--py-spy", help="a directory for py-spy's samples of each service")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    uvloop.run(main(args.commands, args.clients, only, args.py_spy))

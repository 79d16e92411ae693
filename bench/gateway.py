"""What the gateway adds to a call (issue 13, "Figures in bench/"): latency per
call (p50 / p95 / p99) and calls/s through the gateway, against calling the
service directly, measured side by side in one run.

    .venv/bin/python bench/gateway.py [--calls 1000] [--concurrency 16]
        [--seconds 6] [--rounds 6] [--rpcs WhoAmI,GetAcademy,Check] [--quick]

How it runs: the platform's launcher (trust_local.launcher.start_platform,
fsync off: nothing measured here writes) starts PostgreSQL, the mock Kafka
cluster, the five services and the gateway, each its own OS process, as the
README's demo does. A trust with ``--academies`` academies is made through
academies' gRPC API and a chief executive's token minted with the platform's
secret. Then the same RPC with the same request goes by five paths:

  direct gRPC        grpcio aio stub -> the academies service (HTTP/2): the yardstick
  gw gRPC            the same stub -> the gateway (HTTP/2) -> academies
  gw Connect JSON    httpx.AsyncClient, POST over HTTP/1.1, application/json
                     (the reply read with json.loads, as fetch() would)
  gw Connect proto   connectrpc's ConnectClient, Connect protocol, binary (HTTP/1.1)
  gw gRPC-Web        connectrpc's ConnectClient, gRPC-Web binary (HTTP/1.1), as a
                     browser library speaks it

Before measuring, every path's reply is checked to be the direct reply. A path
that gives none in 3 s is left out of that RPC's figures and said so under its
table, the rest measured: through this gateway (pyvoy 1.3.0 under connectrpc),
a Connect unary request with an empty body, such as WhoAmI's in binary (zero
bytes), gets no reply, and the gateway answers nothing else until that client
gives up.

The RPCs (--rpcs): WhoAmI (academies answers from the token alone, the lightest
forwarded call), GetAcademy (a read of academies' database), ListAcademies (the
trust's academies), and Check: grpc.health.v1 Health/Check with service ""; the
gateway answers that itself, so its rows are the gateway's own floor (the HTTP
server, connectrpc, the middleware) with no backend hop, against academies'
own health Check direct.

Latency: concurrency 1, after a warm-up, ``--calls`` calls per path, in rounds
of ``--batch`` calls: A B C D E, then B C D E A, ... so that drift in the
machine's load (other work on this shared 2-core machine) hits every path alike.
Throughput: ``--concurrency`` callers on one client per path (one HTTP/2
connection for gRPC; a pool of HTTP/1.1 connections otherwise), ``--rounds``
slices of ``--seconds``/``--rounds`` seconds per path, alternated the same way;
calls/s = calls completed / time, errors counted (and printed; there should be
none). During the throughput slices the CPU time of each process is read from
/proc/<pid>/stat: this client, the gateway (its supervisor and the Envoy
process pyvoy runs the app in), academies, PostgreSQL, and the whole machine
(/proc/stat; "other" is what none of those used: other work on the machine).
The launcher hosts the mock Kafka cluster in this process: its threads (rdk:*)
are counted with the four other services ("kafka+4"), not with the client.
Printed as CPU milliseconds per call, the figure least moved by a busy machine.

Everything, the client included, shares this machine's cores: at concurrency
16 the client's own CPU (httpx most of all) is part of what limits calls/s, and
the paths differ in client library as well as in the gateway. The ratio to
direct is the figure to compare across machines and days.

It prints figures; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")

import grpc
import httpx
from chassis.auth import Role, TokenService
from connectrpc.client import ConnectClient
from connectrpc.compat import google_protobuf_binary_codec
from connectrpc.method import IdempotencyLevel, MethodInfo, StreamType
from connectrpc.protocol import ProtocolType
from google.protobuf import descriptor_pool, json_format, message_factory
from google.protobuf.message import Message
from grpc_health.v1 import health_pb2, health_pb2_grpc
from trust.academies.v1 import academies_pb2 as pb
from trust.academies.v1 import academies_pb2_grpc
from trust_local.launcher import Platform, start_platform

ACADEMIES_SERVICE = "trust.academies.v1.AcademiesService"
HEALTH_SERVICE = "grpc.health.v1.Health"
TIMEOUT_SECONDS = 10.0
CHECK_SECONDS = 3.0  # a path's first call, before measuring
CLOCK_TICK = os.sysconf("SC_CLK_TCK")


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


# -- the paths ----------------------------------------------------------------------------

Call = Callable[[], Awaitable[object]]


@dataclass(frozen=True)
class Rpc:
    service: str
    method: str
    request: Message

    @property
    def path(self) -> str:
        return f"/{self.service}/{self.method}"

    @property
    def output(self) -> type[Message]:
        descriptor = descriptor_pool.Default().FindServiceByName(self.service)
        output: type[Message] = message_factory.GetMessageClass(
            descriptor.methods_by_name[self.method].output_type
        )
        return output

    def info(self) -> MethodInfo[Any, Any]:
        return MethodInfo(
            name=self.method,
            service_name=self.service,
            input=type(self.request),
            output=self.output,
            stream_type=StreamType.UNARY,
            idempotency_level=IdempotencyLevel.UNKNOWN,
        )


class Clients:
    """One client of each kind, shared by every RPC measured (connections stay warm)."""

    def __init__(self, direct: str, gateway: str, token: str, concurrency: int) -> None:
        self.headers = {"authorization": f"Bearer {token}"}
        self.metadata = tuple(self.headers.items())
        self.direct = grpc.aio.insecure_channel(direct)
        self.gateway = grpc.aio.insecure_channel(gateway)
        self.url = f"http://{gateway}"
        self.http = httpx.AsyncClient(
            base_url=self.url,
            timeout=TIMEOUT_SECONDS,
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
        )
        self.connect = ConnectClient(
            self.url,
            protocol=ProtocolType.CONNECT,
            codec=google_protobuf_binary_codec(),
            send_compression=None,
            timeout_ms=int(TIMEOUT_SECONDS * 1000),
        )
        self.grpc_web = ConnectClient(
            self.url,
            protocol=ProtocolType.GRPC_WEB,
            codec=google_protobuf_binary_codec(),
            send_compression=None,
            timeout_ms=int(TIMEOUT_SECONDS * 1000),
        )

    async def close(self) -> None:
        await self.direct.close(None)
        await self.gateway.close(None)
        await self.http.aclose()
        await self.connect.close()
        await self.grpc_web.close()

    def stub_call(self, channel: grpc.aio.Channel, rpc: Rpc) -> Call:
        stub: Any = (
            health_pb2_grpc.HealthStub(channel)
            if rpc.service == HEALTH_SERVICE
            else academies_pb2_grpc.AcademiesServiceStub(channel)
        )
        method = getattr(stub, rpc.method)
        request, metadata = rpc.request, self.metadata

        async def call() -> object:
            return await method(request, metadata=metadata, timeout=TIMEOUT_SECONDS)

        return call

    def connect_json_call(self, rpc: Rpc) -> Call:
        body = json_format.MessageToJson(rpc.request, indent=None).encode()
        headers = {"content-type": "application/json", **self.headers}
        http, path = self.http, rpc.path

        async def call() -> object:
            response = await http.post(path, content=body, headers=headers)
            reply = response.json()
            if response.status_code != 200:
                raise RuntimeError(f"HTTP {response.status_code}: {reply}")
            return reply

        return call

    def connect_client_call(self, client: ConnectClient, rpc: Rpc) -> Call:
        info, request, headers = rpc.info(), rpc.request, self.headers

        async def call() -> object:
            return await client.execute_unary(request=request, method=info, headers=headers)

        return call

    def paths(self, rpc: Rpc) -> dict[str, Call]:
        return {
            "direct gRPC": self.stub_call(self.direct, rpc),
            "gw gRPC": self.stub_call(self.gateway, rpc),
            "gw Connect JSON": self.connect_json_call(rpc),
            "gw Connect proto": self.connect_client_call(self.connect, rpc),
            "gw gRPC-Web": self.connect_client_call(self.grpc_web, rpc),
        }


def same_reply(rpc: Rpc, direct: object, through: object) -> bool:
    if isinstance(through, dict):  # Connect JSON
        parsed = rpc.output()
        json_format.ParseDict(through, parsed)
        through = parsed
    if rpc.method == "Check":
        # The gateway answers Check("") itself; the direct reply is academies'.
        return isinstance(through, health_pb2.HealthCheckResponse) and through.status == 1
    return through == direct


async def check_paths(rpc: Rpc, paths: dict[str, Call]) -> list[str]:
    """Every path answers as the service does; a path that does not answer in time
    is left out of the figures (and said so), the others still measured."""
    direct = await paths["direct gRPC"]()
    notes = []
    for name, call in list(paths.items()):
        task = asyncio.ensure_future(call())
        await asyncio.wait({task}, timeout=CHECK_SECONDS)
        if not task.done():
            # (connectrpc's client turns the cancellation into a ConnectError)
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            del paths[name]
            body = "an empty body" if not rpc.request.ByteSize() else "a body"
            notes.append(
                f"{name}: NOT MEASURED, no reply in {CHECK_SECONDS:.0f} s (the request has "
                f"{body}); the gateway answers nothing else meanwhile"
            )
            continue
        reply = task.result()
        if not same_reply(rpc, direct, reply):
            raise SystemExit(f"{name} answered {rpc.method} differently: {reply!r}")
    return notes


# -- CPU, from /proc ----------------------------------------------------------------------


def _ticks(pid: int, stat: str = "/proc/{}/stat") -> int | None:
    try:
        with open(stat.format(pid)) as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)


def _descendants(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        parent = queue.pop()
        found.append(parent)
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{parent}/task/{task}/children") as handle:
                    queue.extend(int(child) for child in handle.read().split())
            except OSError:
                continue
    return found


def _machine_busy() -> int:
    with open("/proc/stat") as handle:
        fields = [int(v) for v in handle.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return sum(fields[:8]) - idle  # user .. steal (guest is counted in user)


def tree_ticks(*roots: int | None) -> Callable[[], dict[int, int]]:
    """CPU ticks of each process in the trees under ``roots`` (as found at each sample)."""

    def sample() -> dict[int, int]:
        pids = [p for root in roots if root for p in _descendants(root)]
        return {p: t for p in pids if (t := _ticks(p)) is not None}

    return sample


def own_thread_ticks(kafka: bool) -> Callable[[], dict[int, int]]:
    """CPU ticks of this process's threads: librdkafka's (the launcher hosts the mock
    Kafka cluster in this process: threads named rdk:*) or the others (the client)."""

    def sample() -> dict[int, int]:
        found = {}
        for task in os.listdir("/proc/self/task"):
            try:
                with open(f"/proc/self/task/{task}/comm") as handle:
                    if handle.read().startswith("rdk:") != kafka:
                        continue
            except OSError:
                continue
            if (ticks := _ticks(int(task), "/proc/self/task/{}/stat")) is not None:
                found[int(task)] = ticks
        return found

    return sample


Sample = tuple[dict[str, dict[int, int]], int]


@dataclass
class CpuMeter:
    """CPU ticks of groups of processes or threads, and of the whole machine."""

    groups: dict[str, Callable[[], dict[int, int]]]

    def sample(self) -> Sample:
        return {name: sample() for name, sample in self.groups.items()}, _machine_busy()

    @staticmethod
    def used(before: Sample, after: Sample) -> dict[str, float]:
        """Seconds of CPU per group between two samples (of what is in both)."""
        used = {
            name: sum(t - before[0][name][p] for p, t in ticks.items() if p in before[0][name])
            / CLOCK_TICK
            for name, ticks in after[0].items()
        }
        used["machine"] = (after[1] - before[1]) / CLOCK_TICK
        return used


# -- measuring ----------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Figures:
    latencies: list[float] = field(default_factory=list)
    calls: int = 0  # throughput: calls completed
    seconds: float = 0.0  # throughput: time the slices took
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)  # seconds, over the slices

    def ms(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000

    @property
    def rate(self) -> float:
        return self.calls / self.seconds if self.seconds else 0.0

    def failed(self, error: BaseException) -> None:
        self.errors += 1
        kind = f"{type(error).__name__}: {str(error)[:120]}"
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1


async def sequential(call: Call, calls: int, figures: Figures | None) -> None:
    for _ in range(calls):
        start = time.perf_counter()
        try:
            await call()
        except Exception as error:
            if figures is not None:
                figures.failed(error)
            continue
        if figures is not None:
            figures.latencies.append(time.perf_counter() - start)


async def concurrent(call: Call, concurrency: int, seconds: float, figures: Figures | None) -> None:
    """``concurrency`` callers, each calling again until ``seconds`` have passed."""
    deadline = time.perf_counter() + seconds
    done = 0
    failed: list[BaseException] = []

    async def caller() -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            try:
                await call()
            except Exception as error:
                failed.append(error)
                continue
            done += 1

    started = time.perf_counter()
    await asyncio.gather(*(caller() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    if figures is not None:
        figures.calls += done
        figures.seconds += elapsed
        for error in failed:
            figures.failed(error)


def rotations(names: Sequence[str], rounds: int) -> list[str]:
    """A B C, B C A, C A B, ...: each path first as often as the others."""
    order: list[str] = []
    for r in range(rounds):
        shift = r % len(names)
        order.extend([*names[shift:], *names[:shift]])
    return order


async def measure_rpc(
    rpc: Rpc, paths: dict[str, Call], args: argparse.Namespace, meter: CpuMeter
) -> dict[str, Figures]:
    names = list(paths)
    figures = {name: Figures() for name in names}
    # Warm-up: the connections (a pool of them for HTTP/1.1), the services' caches.
    for name in names:
        await sequential(paths[name], args.warmup, None)
        await concurrent(paths[name], args.concurrency, 0.3, None)
    # Latency, concurrency 1, in rounds.
    rounds = max(1, -(-args.calls // args.batch))
    for name in rotations(names, rounds):
        remaining = args.calls - len(figures[name].latencies) - figures[name].errors
        await sequential(paths[name], min(args.batch, remaining), figures[name])
    # Throughput, concurrency C, in slices.
    for name in rotations(names, args.rounds):
        before = meter.sample()
        await concurrent(paths[name], args.concurrency, args.seconds / args.rounds, figures[name])
        for group, seconds in CpuMeter.used(before, meter.sample()).items():
            figures[name].cpu[group] = figures[name].cpu.get(group, 0.0) + seconds
    return figures


# -- printing -----------------------------------------------------------------------------


def print_table(title: str, figures: dict[str, Figures], args: argparse.Namespace) -> None:
    direct = figures["direct gRPC"]
    print(f"\n{title}")
    print(
        f"  latency: {args.calls} sequential calls per path (concurrency 1); throughput: "
        f"concurrency {args.concurrency}, {args.rounds} slices of "
        f"{args.seconds / args.rounds:.2f} s per path; ({load_average()} at the end)"
    )
    print(
        f"  {'path':<18}{'p50':>7}{'p95':>7}{'p99':>7}  {'added p50':>9}{'added p99':>10}"
        f"{'p50 x':>7}{'p99 x':>7}  {'calls/s':>8}{'x direct':>9}{'errors':>8}"
    )
    print(f"  {'':<18}{'ms':>7}{'ms':>7}{'ms':>7}  {'ms':>9}{'ms':>10}")
    for name, f in figures.items():
        if name == "direct gRPC":
            added = f"{'-':>9}{'-':>10}{'1.00':>7}{'1.00':>7}"
        else:
            added = (
                f"{f.ms(0.5) - direct.ms(0.5):>+9.2f}{f.ms(0.99) - direct.ms(0.99):>+10.2f}"
                f"{f.ms(0.5) / direct.ms(0.5):>7.2f}{f.ms(0.99) / direct.ms(0.99):>7.2f}"
            )
        ratio = f.rate / direct.rate if direct.rate else 0.0
        print(
            f"  {name:<18}{f.ms(0.5):>7.2f}{f.ms(0.95):>7.2f}{f.ms(0.99):>7.2f}  {added}"
            f"  {f.rate:>8.0f}{ratio:>9.2f}{f.errors:>8}"
        )
    print(
        "  CPU ms per call during the throughput slices (kafka+4: the mock Kafka cluster, "
        "threads of this process, and the 4 other services; other: the rest of the machine; "
        f"busy: % of {os.cpu_count()} cores):"
    )
    groups = ("client", "gateway", "academies", "postgres", "kafka+4")
    print(f"  {'path':<18}" + "".join(f"{g:>10}" for g in groups) + f"{'other':>10}{'busy %':>8}")
    for name, f in figures.items():
        calls = max(f.calls, 1)
        other = f.cpu["machine"] - sum(f.cpu[g] for g in groups)
        busy = 100 * f.cpu["machine"] / (f.seconds * (os.cpu_count() or 1)) if f.seconds else 0
        print(
            f"  {name:<18}"
            + "".join(f"{1000 * f.cpu[g] / calls:>10.3f}" for g in groups)
            + f"{1000 * other / calls:>10.3f}{busy:>8.0f}"
        )
    for name, f in figures.items():
        for kind, count in f.error_kinds.items():
            print(f"  errors, {name}: {count} x {kind}")


# -- the run ------------------------------------------------------------------------------


def postmaster_pid(platform: Platform) -> int | None:
    try:
        with open(os.path.join(platform.postgres.root_dir, "data", "postmaster.pid")) as handle:
            return int(handle.readline())
    except (OSError, ValueError):
        return None


async def make_trust(platform: Platform, tokens: TokenService, academies: int) -> tuple[str, str]:
    """A trust of ``academies`` academies; returns (trust id, the first academy's id)."""
    trust_id = f"bench-gw-{uuid.uuid4().hex[:8]}"
    token = tokens.mint("ceo@bench", Role.CHIEF_EXECUTIVE, trust_id)
    metadata = (("authorization", f"Bearer {token}"),)
    async with grpc.aio.insecure_channel(platform.address("academies")) as channel:
        stub = academies_pb2_grpc.AcademiesServiceStub(channel)
        await stub.CreateTrust(
            pb.CreateTrustRequest(
                trust_id=trust_id, name="Bench Trust", framework="seed-001-carter"
            ),
            metadata=metadata,
        )
        ids = []
        for i in range(academies):
            academy = await stub.RegisterAcademy(
                pb.RegisterAcademyRequest(
                    trust_id=trust_id,
                    urn=f"{400000 + i}",
                    name=f"Academy {i}",
                    phase_of_education="primary",
                    local_authority="Kent",
                    date_joined="2020-09-01",
                ),
                metadata=metadata,
            )
            ids.append(academy.academy_id)
    return trust_id, ids[0]


def rpcs(names: Sequence[str], trust_id: str, academy_id: str) -> list[Rpc]:
    known = {
        "WhoAmI": Rpc(ACADEMIES_SERVICE, "WhoAmI", pb.WhoAmIRequest()),
        "GetAcademy": Rpc(
            ACADEMIES_SERVICE, "GetAcademy", pb.GetAcademyRequest(academy_id=academy_id)
        ),
        "ListAcademies": Rpc(
            ACADEMIES_SERVICE, "ListAcademies", pb.ListAcademiesRequest(trust_id=trust_id)
        ),
        "Check": Rpc(HEALTH_SERVICE, "Check", health_pb2.HealthCheckRequest(service="")),
    }
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"unknown --rpcs {unknown}; known: {', '.join(known)}")
    return [known[n] for n in names]


TITLES = {
    "WhoAmI": "WhoAmI: academies answers from the token (no database), the lightest forwarded call",
    "GetAcademy": "GetAcademy: one academy read from academies' database",
    "ListAcademies": "ListAcademies: the trust's academies read from academies' database",
    "Check": (
        "Health/Check(''): direct is academies' own; through the gateway the gateway "
        "answers it itself (no backend hop: the gateway's floor)"
    ),
}


async def main(args: argparse.Namespace) -> None:
    began = time.perf_counter()
    print(f"command: {shlex.join([sys.executable, *sys.argv])}")
    print(f"machine: {os.cpu_count()} cores, {os.uname().machine}, {load_average()} at the start")
    print(
        "starting the platform (fsync off): PostgreSQL, mock Kafka, 5 services, gateway ... ",
        end="",
        flush=True,
    )
    platform: Platform = await asyncio.to_thread(start_platform, fsync=False, log_level="WARNING")
    print(f"ready in {time.perf_counter() - began:.0f} s")
    clients: Clients | None = None
    try:
        assert platform.gateway is not None and platform.gateway.process is not None
        academies = platform.services["academies"].process
        assert academies is not None
        tokens = TokenService(platform.token_secret)
        trust_id, academy_id = await make_trust(platform, tokens, args.academies)
        token = tokens.mint("ceo@bench", Role.CHIEF_EXECUTIVE, trust_id)
        clients = Clients(
            platform.address("academies"), platform.gateway.address, token, args.concurrency
        )
        gateway_pids = _descendants(platform.gateway.process.pid)
        print(
            f"gateway {platform.gateway.address}: pids {gateway_pids} "
            f"({', '.join(_command(p) for p in gateway_pids)}); academies "
            f"{platform.address('academies')} pid {academies.pid}; trust {trust_id} of "
            f"{args.academies} academies"
        )
        others = [
            s.process.pid for n, s in platform.services.items() if n != "academies" and s.process
        ]
        kafka, services = own_thread_ticks(kafka=True), tree_ticks(*others)
        meter = CpuMeter(
            {
                "client": own_thread_ticks(kafka=False),
                "gateway": tree_ticks(platform.gateway.process.pid),
                "academies": tree_ticks(academies.pid),
                "postgres": tree_ticks(postmaster_pid(platform)),
                "kafka+4": lambda: {**kafka(), **services()},
            }
        )
        for rpc in rpcs(args.rpcs.split(","), trust_id, academy_id):
            paths = clients.paths(rpc)
            notes = await check_paths(rpc, paths)
            started = time.perf_counter()
            figures = await measure_rpc(rpc, paths, args, meter)
            print_table(
                f"{TITLES[rpc.method]} [{time.perf_counter() - started:.0f} s]", figures, args
            )
            for note in notes:
                print(f"  {note}")
        print(f"\nwhole run {time.perf_counter() - began:.0f} s")
    finally:
        if clients is not None:
            await clients.close()
        await asyncio.to_thread(platform.stop)


def _command(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm") as handle:
            return handle.read().strip()
    except OSError:
        return "?"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=1000, help="latency: calls per path")
    parser.add_argument("--batch", type=int, default=25, help="latency: calls per path a round")
    parser.add_argument("--warmup", type=int, default=100, help="sequential calls per path")
    parser.add_argument("--concurrency", type=int, default=16, help="throughput: callers")
    parser.add_argument("--seconds", type=float, default=6.0, help="throughput: per path")
    parser.add_argument("--rounds", type=int, default=6, help="throughput: slices per path")
    parser.add_argument("--rpcs", default="WhoAmI,GetAcademy,Check", help="comma-separated")
    parser.add_argument("--academies", type=int, default=5, help="in the bench's trust")
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke run")
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.calls, arguments.warmup, arguments.seconds, arguments.rounds = 200, 20, 2.0, 4
    try:
        import uvloop
    except ImportError:
        asyncio.run(main(arguments))
    else:
        uvloop.run(main(arguments))

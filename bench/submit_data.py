"""End-to-end benchmark: SubmitData through gRPC -> PostgreSQL (fsync on) ->
Kafka -> the reporting timeline.

    .venv/bin/python bench/submit_data.py [--commands 6000] [--clients 32]

Prints commands/s, p50/p99 call latency, and p50/p99 time until each event is
visible in the reporting timeline (polled from reporting's database every
few milliseconds, so those figures carry up to one poll of extra delay).
Everything runs on this machine: the client, both services, PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time

os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")

import asyncpg
from chassis.auth import Role
from trust.academies.v1 import academies_pb2 as pb
from trust_local.clients import PlatformClients
from trust_local.launcher import start_platform

TRUST = "bench-trust"
ACADEMIES = 64
TERMS = ("autumn", "spring", "summer")
POLL_SECONDS = 0.005


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main(commands: int, clients_count: int) -> None:
    print("starting the platform (fsync on) ... ", end="", flush=True)
    platform = await asyncio.to_thread(start_platform, ("academies", "reporting"), True, "WARNING")
    print("ready")
    clients = PlatformClients(
        {n: s.address for n, s in platform.services.items()}, platform.token_secret
    )
    try:
        ceo = clients.caller("ceo@bench", Role.CHIEF_EXECUTIVE, TRUST)
        await clients.academies.CreateTrust(
            pb.CreateTrustRequest(trust_id=TRUST, name="Bench", framework="seed-001-carter"),
            metadata=ceo.metadata,
        )
        academy_ids = []
        for i in range(ACADEMIES):
            academy = await clients.academies.RegisterAcademy(
                pb.RegisterAcademyRequest(
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

        reporting_db = await asyncpg.connect(platform.postgres.dsn("reporting"))
        while await reporting_db.fetchval("SELECT count(*) FROM timeline_entries") < ACADEMIES:
            await asyncio.sleep(0.05)
        watermark = await reporting_db.fetchval("SELECT max(global_position) FROM timeline_entries")

        slots = [
            (a, year, term) for year in range(2000, 2100) for term in TERMS for a in academy_ids
        ]
        assert commands <= len(slots), f"at most {len(slots)} commands"
        queue: asyncio.Queue = asyncio.Queue()
        for slot in slots[:commands]:
            queue.put_nowait(slot)
        sent_at: dict[tuple[str, str], float] = {}
        latencies: list[float] = []

        async def client() -> None:
            while not queue.empty():
                academy_id, year, term = queue.get_nowait()
                request = pb.SubmitDataRequest(
                    academy_id=academy_id,
                    return_type="termly_kpi",
                    period=pb.Period(academic_year=f"{year}/{(year + 1) % 100:02d}", term=term),
                    values=pb.DataValues(attendance_percent=95.5, kpis={"exclusions": 1.0}),
                )
                start = time.perf_counter()
                await clients.academies.SubmitData(request, metadata=lead.metadata)
                latencies.append(time.perf_counter() - start)
                sent_at[(academy_id, f"{year}/{(year + 1) % 100:02d} {term}")] = start

        visible_at: dict[str, float] = {}
        seen_positions: set[int] = set()
        done = asyncio.Event()

        async def poll_visibility() -> None:
            low = watermark
            while not done.is_set() or len(visible_at) < commands:
                rows = await reporting_db.fetch(
                    "SELECT global_position, academy_id, summary FROM timeline_entries "
                    "WHERE global_position > $1",
                    low,
                )
                now = time.perf_counter()
                for row in rows:
                    if row["global_position"] in seen_positions:
                        continue
                    seen_positions.add(row["global_position"])
                    # "Data submitted for 2001/02 spring (termly_kpi): ..."
                    period = row["summary"].split(" for ", 1)[1].split(" (", 1)[0]
                    visible_at[f"{row['academy_id']}|{period}"] = now
                while low + 1 in seen_positions:
                    low += 1
                if done.is_set() and len(visible_at) >= commands:
                    break
                await asyncio.sleep(POLL_SECONDS)

        poller = asyncio.create_task(poll_visibility())
        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients_count)))
        elapsed = time.perf_counter() - started
        done.set()
        await asyncio.wait_for(poller, 120)
        await reporting_db.close()

        to_visible = [visible_at[f"{a}|{p}"] - t for (a, p), t in sent_at.items()]
        print(
            f"\nSubmitData end to end: {commands} commands, {clients_count} concurrent clients, 2 cores"
        )
        print(f"  throughput           {commands / elapsed:8.0f} commands/s")
        print(
            f"  call latency         p50 {percentile(latencies, 0.5) * 1000:6.1f} ms   "
            f"p99 {percentile(latencies, 0.99) * 1000:6.1f} ms"
        )
        print(
            f"  time to visible      p50 {percentile(to_visible, 0.5) * 1000:6.1f} ms   "
            f"p99 {percentile(to_visible, 0.99) * 1000:6.1f} ms   (timeline in reporting)"
        )
        print(f"  mean call latency    {statistics.mean(latencies) * 1000:6.1f} ms")
    finally:
        await clients.close()
        await asyncio.to_thread(platform.stop)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--commands", type=int, default=6000)
    parser.add_argument("--clients", type=int, default=32)
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.run(main(args.commands, args.clients))
    except ImportError:
        asyncio.run(main(args.commands, args.clients))

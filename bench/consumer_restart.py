"""How soon a consumer killed with SIGKILL is consuming again.

    .venv/bin/python bench/consumer_restart.py [--rounds 8]

Each round kills the reporting service (kill -9: it never leaves its consumer
group), submits one data return, restarts reporting and waits until the
submission is in its timeline. Prints, per round and as median / max:
kill -> process ready (the yardstick: a bare restart, no broker involved) and
kill -> consuming again, and the ratio of the two. A consumer that waited for
the dead member's session to expire at aiokafka's default (10 s) took 14-18 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time

os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")

from chassis.auth import Role
from trust.academies.v1 import academies_pb2 as pb
from trust.reporting.v1 import reporting_pb2
from trust_local.clients import PlatformClients
from trust_local.launcher import start_platform

TRUST = "bench-trust"


async def _timeline_length(clients: PlatformClients, caller: object, academy_id: str) -> int:
    reply = await clients.reporting.GetAcademyTimeline(
        reporting_pb2.GetAcademyTimelineRequest(academy_id=academy_id, page_size=500),
        metadata=caller.metadata,  # type: ignore[attr-defined]
    )
    return len(reply.entries)


async def main(rounds: int) -> None:
    platform = await asyncio.to_thread(start_platform, ("academies", "reporting"), False, "WARNING")
    clients = PlatformClients(
        {n: s.address for n, s in platform.services.items()}, platform.token_secret
    )
    try:
        ceo = clients.caller("ceo@bench", Role.CHIEF_EXECUTIVE, TRUST)
        await clients.academies.CreateTrust(
            pb.CreateTrustRequest(trust_id=TRUST, name="Bench", framework="seed-001-carter"),
            metadata=ceo.metadata,
        )
        academy = await clients.academies.RegisterAcademy(
            pb.RegisterAcademyRequest(
                trust_id=TRUST,
                urn="300000",
                name="Academy",
                phase_of_education="secondary",
                local_authority="Kent",
                date_joined="2020-09-01",
            ),
            metadata=ceo.metadata,
        )
        lead = clients.caller("lead@bench", Role.IMPROVEMENT_LEAD, TRUST, [academy.academy_id])
        reporting = platform.services["reporting"]
        ready_times: list[float] = []
        consuming_times: list[float] = []
        for round_number in range(rounds):
            expected = round_number + 2
            killed_at = time.perf_counter()
            reporting.kill()
            year = 2030 + round_number
            await clients.academies.SubmitData(
                pb.SubmitDataRequest(
                    academy_id=academy.academy_id,
                    return_type="termly_kpi",
                    period=pb.Period(academic_year=f"{year}/{(year + 1) % 100:02d}", term="autumn"),
                    values=pb.DataValues(attendance_percent=95.0),
                ),
                metadata=lead.metadata,
            )
            await asyncio.to_thread(reporting.restart)
            ready_times.append(time.perf_counter() - killed_at)
            while True:
                try:
                    if await _timeline_length(clients, lead, academy.academy_id) >= expected:
                        break
                except Exception:
                    pass
                await asyncio.sleep(0.02)
            consuming_times.append(time.perf_counter() - killed_at)
            print(
                f"round {round_number + 1}: ready after {ready_times[-1]:.2f} s, "
                f"consuming after {consuming_times[-1]:.2f} s"
            )
        ready, consuming = statistics.median(ready_times), statistics.median(consuming_times)
        print(
            f"kill -> ready (yardstick): median {ready:.2f} s, max {max(ready_times):.2f} s\n"
            f"kill -> consuming:         median {consuming:.2f} s, max {max(consuming_times):.2f} s\n"
            f"ratio consuming / ready:   median {consuming / ready:.2f}"
        )
    finally:
        await clients.close()
        platform.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8)
    asyncio.run(main(parser.parse_args().rounds))

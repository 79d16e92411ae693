"""The yardstick the end-to-end benchmarks divide by: a bare grpc.aio unary echo.

Machines here differ by 2x from day to day, so a figure alone says little. Each
benchmark measures, in the same run and at the same concurrency, the standard
health check (grpc_health.v1 Check) served by a grpc.aio server with no
interceptors, no database and no broker, in its own process on uvloop as the
services run, and prints its own figures as ratios to it.

    .venv/bin/python bench/yardstick.py [--calls 4000] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1._async import HealthServicer


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Stats:
    latencies: list[float]  # seconds, one per call
    elapsed: float  # wall time of the whole run

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed

    def ms(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000


async def measure(call: Callable[[int], Awaitable[object]], calls: int, concurrency: int) -> Stats:
    """``calls`` calls, ``concurrency`` at a time (each worker takes the next number)."""
    latencies: list[float] = []
    numbers = iter(range(calls))

    async def worker() -> None:
        for number in numbers:
            start = time.perf_counter()
            await call(number)
            latencies.append(time.perf_counter() - start)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return Stats(latencies, time.perf_counter() - started)


class EchoProcess:
    """The echo server in its own process; ``call`` is one Check through a grpc.aio channel."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        port = int(self.process.stdout.readline())
        self.channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
        self.stub = health_pb2_grpc.HealthStub(self.channel)
        self.request = health_pb2.HealthCheckRequest(service="")

    async def call(self, _number: int) -> object:
        return await self.stub.Check(self.request)

    async def measure(self, calls: int, concurrency: int) -> Stats:
        await measure(self.call, min(calls, 500), concurrency)  # warm up
        return await measure(self.call, calls, concurrency)

    async def close(self) -> None:
        await self.channel.close(None)
        self.process.terminate()
        self.process.wait(10)


async def _serve() -> None:
    server = grpc.aio.server()
    health = HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    await health.set("", health_pb2.HealthCheckResponse.SERVING)
    print(port, flush=True)
    await server.wait_for_termination()


def line(label: str, stats: Stats, echo: Stats | None = None) -> str:
    text = (
        f"  {label:<38} {stats.rate:8.0f} calls/s   p50 {stats.ms(0.5):7.1f} ms   "
        f"p99 {stats.ms(0.99):7.1f} ms"
    )
    if echo is not None:
        text += (
            f"   {stats.rate / echo.rate:5.2f}x the echo's calls/s, "
            f"p99 {stats.ms(0.99) / echo.ms(0.99):5.1f}x the echo's"
        )
    return text


async def _main(calls: int, concurrency: int) -> None:
    echo = EchoProcess()
    try:
        print(line(f"echo (c={concurrency})", await echo.measure(calls, concurrency)))
    finally:
        await echo.close()


if __name__ == "__main__":
    import uvloop

    if sys.argv[1:] == ["--serve"]:
        uvloop.run(_serve())
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--calls", type=int, default=4000)
        parser.add_argument("--concurrency", type=int, default=32)
        args = parser.parse_args()
        uvloop.run(_main(args.calls, args.concurrency))

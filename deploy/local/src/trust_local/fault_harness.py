"""The fault harness: load through the gRPC APIs, a fault at a random moment, then
the platform's guarantees checked for every command (issue 14, "Faults").

One round: the load's clients start (trust_local.fault_load); when a random
share of the round's commands has been issued, the scenario's fault is injected
(trust_local.fault_injection); from the moment the fault is over, the harness
times how long until every event of the commands acknowledged by then is
applied by every consumer that reads it (recovery). When the load is done and
the consumers have caught up, trust_local.fault_check counts what was lost,
duplicated or out of order.

Used by tests/e2e/test_fault_suite.py (one short round of each scenario) and by
bench/faults.py (many rounds, large load, the table for the README).
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field

import asyncpg
import grpc

from trust_local.clients import PlatformClients
from trust_local.fault_check import (
    Consumer,
    Verdict,
    caught_up,
    check_round,
    consumers,
    end_offsets,
    stored_events,
)
from trust_local.fault_injection import Fault
from trust_local.fault_load import Load, stubs_on
from trust_local.fault_world import LoadWorld, build_world, known_everywhere
from trust_local.launcher import Platform, published_topics

COMMAND_SERVICES = ("academies", "evaluations", "meetings", "support")
CATCH_UP_TIMEOUT_SECONDS = 90.0


@dataclass
class RoundResult:
    scenario: str
    fault: str
    verdict: Verdict
    issued: int
    recovery_seconds: float | None  # None: not caught up within the timeout


@dataclass
class ScenarioTotals:
    scenario: str
    rounds: int = 0
    issued: int = 0
    acknowledged: int = 0
    ambiguous: int = 0
    lost: int = 0
    duplicated: int = 0
    order_violations: int = 0
    redelivered: int = 0
    recoveries: list[float] = field(default_factory=list)
    not_recovered: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, result: RoundResult) -> None:
        v = result.verdict
        self.rounds += 1
        self.issued += result.issued
        self.acknowledged += v.acknowledged
        self.ambiguous += v.ambiguous
        self.lost += v.lost
        self.duplicated += v.duplicated
        self.order_violations += v.order_violations
        self.redelivered += v.redelivered_on_topic
        if result.recovery_seconds is None:
            self.not_recovered += 1
        else:
            self.recoveries.append(result.recovery_seconds)
        self.problems += v.problems[: max(0, 10 - len(self.problems))]


class FaultHarness:
    """Clients and a world on a running platform; rounds of scenarios on it."""

    def __init__(self, platform: Platform, seed: int = 14, academies: int = 8) -> None:
        self.platform = platform
        self.rng = random.Random(seed)
        self.academies = academies
        self.readers: list[Consumer] = consumers()
        self.topics = published_topics()
        self._clients: PlatformClients | None = None
        self._gateway_channel: grpc.aio.Channel | None = None
        self.world: LoadWorld | None = None

    async def start(self) -> None:
        platform = self.platform
        self._clients = PlatformClients(
            {name: s.address for name, s in platform.services.items()}, platform.token_secret
        )
        self.world = await build_world(self._clients, self.academies)
        await known_everywhere(self._clients, self.world)

    async def close(self) -> None:
        if self._gateway_channel is not None:
            await self._gateway_channel.close(grace=None)
        if self._clients is not None:
            await self._clients.close()

    def _load(self, commands: int) -> Load:
        assert self._clients is not None and self.world is not None
        direct = stubs_on({name: self._clients.channel(name) for name in COMMAND_SERVICES})
        gateway = None
        if self.platform.gateway is not None:
            if self._gateway_channel is None:
                self._gateway_channel = grpc.aio.insecure_channel(self.platform.gateway.address)
            gateway = stubs_on({name: self._gateway_channel for name in COMMAND_SERVICES})
        return Load(self.world, direct, gateway, commands, random.Random(self.rng.random()))

    async def round(self, scenario: str, fault: Fault, commands: int) -> RoundResult:
        start = await end_offsets(self.platform.kafka.bootstrap_servers, self.topics)
        load = self._load(commands)
        running = asyncio.create_task(load.run())
        trigger = int(commands * self.rng.uniform(0.2, 0.6))
        while load.issued < trigger and not running.done():
            await asyncio.sleep(0.01)
        described = await fault(self.platform, self.rng)
        loop = asyncio.get_running_loop()
        fault_over = loop.time()
        before = [c for c in load.commands if c.outcome == "acknowledged"]
        recovery = asyncio.create_task(self._recovered(before, fault_over))
        await running
        recovery_seconds = await recovery
        # Everything the round issued applied (or the timeout), then the verdict.
        await self._wait_caught_up(load)
        verdict = await check_round(self.platform, load.commands, start, self.readers)
        return RoundResult(scenario, described, verdict, load.issued, recovery_seconds)

    async def _recovered(self, acknowledged: list, since: float) -> float | None:
        loop = asyncio.get_running_loop()
        ids = [c.correlation_id for c in acknowledged]
        while loop.time() - since < CATCH_UP_TIMEOUT_SECONDS:
            try:
                events = await stored_events(self.platform, ids)
                if await caught_up(self.platform, events, self.readers):
                    return loop.time() - since
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                pass  # PostgreSQL may still be starting after a crash
            await asyncio.sleep(0.1)
        return None

    async def _wait_caught_up(self, load: Load) -> None:
        await self._recovered(load.commands, asyncio.get_running_loop().time())


def table(totals: list[ScenarioTotals]) -> str:
    """The issue's table: scenario, acknowledged, lost, duplicated, order violations,
    recovery time (median and worst over the rounds)."""
    header = (
        "| scenario | rounds | commands | acknowledged | ambiguous | lost | duplicated "
        "| order violations | re-sent on topic | recovery p50 / max |"
    )
    lines = [header, "|" + "---|" * 10]
    for t in totals:
        rec = sorted(t.recoveries)
        recovery = (f"{rec[len(rec) // 2]:.2f} / {rec[-1]:.2f} s" if rec else "-") + (
            f" ({t.not_recovered} not)" if t.not_recovered else ""
        )
        lines.append(
            f"| {t.scenario} | {t.rounds} | {t.issued:,} | {t.acknowledged:,} | {t.ambiguous:,} "
            f"| {t.lost} | {t.duplicated} | {t.order_violations} | {t.redelivered:,} | {recovery} |"
        )
    return "\n".join(lines)

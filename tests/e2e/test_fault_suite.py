"""The fault suite, small (issue 14, "Faults"): one short round of every scenario
(kill -9 of each service and the gateway, the broker down, injected broker request
errors, PostgreSQL crashed, a relay's checkpoint moved back, a consumer group's
offsets reset) under load through the gRPC APIs, on a platform of this module's
own. For every acknowledged command: nothing lost, nothing duplicated, nothing
out of order, and every read model caught up. bench/faults.py runs it large."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from trust_local.fault_harness import FaultHarness, ScenarioTotals, table
from trust_local.fault_injection import scenarios
from trust_local.launcher import Platform, start_platform

COMMANDS_PER_ROUND = 40
CLIENTS = 6


@pytest.fixture(scope="module")
def own_platform() -> Iterator[Platform]:
    # Its own: the faults would disturb other tests sharing the session's platform.
    running = start_platform(fsync=False, log_level="WARNING")
    yield running
    running.stop()


async def test_every_fault_scenario_loses_duplicates_and_reorders_nothing(own_platform):
    harness = FaultHarness(own_platform, seed=14, academies=CLIENTS)
    totals: list[ScenarioTotals] = []
    try:
        await harness.start()
        for name, fault in scenarios().items():
            total = ScenarioTotals(name)
            total.add(await harness.round(name, fault, COMMANDS_PER_ROUND))
            totals.append(total)
    finally:
        await harness.close()
    report = table(totals) + "".join(
        f"\n  {t.scenario}: {problem}" for t in totals for problem in t.problems
    )
    assert all(t.acknowledged > 0 for t in totals), report
    assert sum(t.lost for t in totals) == 0, report
    assert sum(t.duplicated for t in totals) == 0, report
    assert sum(t.order_violations for t in totals) == 0, report
    assert sum(t.not_recovered for t in totals) == 0, report

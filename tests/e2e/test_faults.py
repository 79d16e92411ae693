"""Faults: a killed consumer service, a killed producing service. (Poison records on
every consumed topic: test_dead_letters.py.)"""

from __future__ import annotations

import asyncio

from chassis.auth import Role
from trust_local.scenario import wait_for_timeline

from .conftest import submit_request


async def test_a_killed_reporting_service_loses_nothing_and_applies_nothing_twice(
    platform, clients, trust
):
    alder = trust.academy_ids[0]
    lead = trust.caller(Role.IMPROVEMENT_LEAD, [alder])
    reporting = platform.services["reporting"]
    reporting.kill()
    for year in range(2030, 2040):
        await clients.academies.SubmitData(
            submit_request(alder, year=f"{year}/{(year + 1) % 100:02d}"), metadata=lead.metadata
        )
    await asyncio.to_thread(reporting.restart)
    timeline = await wait_for_timeline(clients, lead, alder, minimum=11, timeout=60)
    assert len(timeline) == 11
    assert len({e.event_id for e in timeline}) == 11


async def test_a_killed_academies_service_keeps_every_acknowledged_event(platform, clients, trust):
    birch = trust.academy_ids[1]
    lead = trust.caller(Role.IMPROVEMENT_LEAD, [birch])
    acknowledged = 0
    for year in range(2040, 2045):
        await clients.academies.SubmitData(
            submit_request(birch, year=f"{year}/{(year + 1) % 100:02d}"), metadata=lead.metadata
        )
        acknowledged += 1
    academies = platform.services["academies"]
    academies.kill()  # the relay may not have published them yet
    await asyncio.to_thread(academies.restart)
    timeline = await wait_for_timeline(clients, lead, birch, minimum=1 + acknowledged, timeout=60)
    assert len(timeline) == 1 + acknowledged

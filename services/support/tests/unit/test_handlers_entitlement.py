"""Given the events support consumes (the register, the framework, phases,
formal interventions, meetings held), when the reactor applies them, then each
academy's entitlement is granted, adjusted and used once; and it is read as of
a day by those who reach the academy."""

from __future__ import annotations

import datetime as dt

import pytest
from chassis.errors import NotFound, PermissionDenied
from chassis.paging import page_request
from contracts.support.v1 import EntitlementAdjusted, EntitlementGranted, EntitlementUsed
from support.application import entitlements
from support.application.ports import INDEX_KEY
from support_controls import (
    ACADEMY,
    CHAIR,
    HEAD,
    OTHER_ACADEMY,
    TRUST,
    YEAR,
    academy_registered,
    framework_adopted,
    intervention_ended,
    intervention_started,
    meeting_held,
    phase_changed,
)
from support_world import CEO_P, FINANCE_P, principal, trigger

STREAM = f"entitlement-{ACADEMY}+{YEAR}"
DAY = dt.date(2026, 10, 5)


async def react(world, *events, on=DAY):
    for i, event in enumerate(events):
        await world.reactor.react(event, trigger(on, f"e{i}"))


@pytest.mark.parametrize("first_framework", [True, False])
async def test_granted_once_the_academy_and_the_framework_are_both_known(world, first_framework):
    events = [framework_adopted("seed-000-aid"), academy_registered()]
    await react(world, *(events if first_framework else reversed(events)))
    [granted] = world.events(STREAM)
    assert isinstance(granted, EntitlementGranted)
    assert (granted.total_days, granted.effective_on) == ("6.00", dt.date(2026, 9, 1))
    assert granted.framework_version == 1


async def test_a_meeting_held_grants_the_year_first_and_uses_its_days_once(world):
    await react(
        world, framework_adopted("seed-000-aid"), academy_registered(), on=dt.date(2026, 8, 1)
    )
    assert world.events(STREAM) == []  # 2025/26 was granted, not 2026/27
    await react(world, meeting_held(), meeting_held())
    granted, used = world.events(STREAM)
    assert isinstance(granted, EntitlementGranted) and isinstance(used, EntitlementUsed)
    assert (used.use, used.source_id, used.days, used.beyond_entitlement) == (
        "meeting",
        "m1",
        "1.00",
        False,
    )
    await react(world, meeting_held(academy_id=None, meeting_id="m-trust"))
    assert len(world.events(STREAM)) == 2


async def test_phase_changes_and_formal_intervention_adjust_the_year(world):
    await react(world, framework_adopted("seed-001-carter"), academy_registered())
    await react(world, phase_changed("stabilise"), on=dt.date(2026, 11, 2))
    await react(world, intervention_started(dt.date(2026, 12, 1)))
    await react(world, intervention_ended(dt.date(2027, 3, 1)), on=dt.date(2027, 3, 1))
    await react(world, phase_changed("improve", subject="mathematics"), on=dt.date(2027, 3, 2))
    granted, *adjusted = world.events(STREAM)
    assert isinstance(granted, EntitlementGranted) and granted.total_days == "3.00"
    assert [(a.change, a.total_days, a.effective_on) for a in adjusted] == [  # type: ignore[attr-defined]
        ("phase_changed", "15.00", dt.date(2026, 11, 2)),
        ("formal_intervention_started", "21.00", dt.date(2026, 12, 1)),
        ("formal_intervention_ended", "15.00", dt.date(2027, 3, 1)),
    ]
    assert all(isinstance(a, EntitlementAdjusted) for a in adjusted)


async def test_a_new_framework_version_adjusts_every_open_academy(world):
    await react(world, framework_adopted("seed-001-carter"), academy_registered())
    await react(world, academy_registered(OTHER_ACADEMY))
    await react(world, framework_adopted("seed-000-aid", version=2), on=dt.date(2026, 10, 10))
    [_, adjusted] = world.events(STREAM)
    assert isinstance(adjusted, EntitlementAdjusted)
    assert (adjusted.change, adjusted.total_days, adjusted.framework_version) == (
        "framework_changed",
        "6.00",
        2,
    )
    assert len(world.events(f"entitlement-{OTHER_ACADEMY}+{YEAR}")) == 2


async def test_read_as_of_a_day_by_those_who_reach_the_academy(world):
    await react(world, framework_adopted("seed-000-aid"), academy_registered())
    await react(world, meeting_held(held_on=dt.date(2026, 12, 3), entitlement_days="2.50"))
    head = principal(HEAD, ACADEMY)
    before = await entitlements.get_entitlement(world.ports, head, ACADEMY, None, DAY)
    after = await entitlements.get_entitlement(
        world.ports, head, ACADEMY, YEAR, dt.date(2027, 1, 1)
    )
    assert before.state.used_on(DAY) == 0 and after.state.remaining_on(after.as_of) == 3.5
    with pytest.raises(PermissionDenied, match="outside your scope"):
        await entitlements.get_entitlement(
            world.ports, principal(CHAIR, OTHER_ACADEMY), ACADEMY, None, DAY
        )
    with pytest.raises(NotFound, match="not known to support"):
        await entitlements.get_entitlement(world.ports, CEO_P, "nobody", None, DAY)
    page = page_request(0, "", INDEX_KEY)
    found, token = await entitlements.list_entitlements(
        world.ports, FINANCE_P, TRUST, None, DAY, page
    )
    assert [v.state.academy_id for v in found] == [ACADEMY] and token == ""
    none, _ = await entitlements.list_entitlements(
        world.ports, principal(HEAD, OTHER_ACADEMY), TRUST, None, DAY, page
    )
    assert none == []

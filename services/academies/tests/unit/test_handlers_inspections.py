"""Inspections: given an academy, when an Ofsted inspection is recorded or listed,
then what was decided, on the academy's stream and version."""

from __future__ import annotations

import pytest
from academies.application import inspections, register
from academies.application.inspections import INSPECTION_KEY
from chassis.errors import InvalidArgument, PermissionDenied
from chassis.paging import page_request

from .builders import CEO, HEAD, LEAD, OTHER_HEAD, World, cause, inspection


async def _recorded(world: World, principal=LEAD, **overrides):
    return await inspections.record_inspection(
        world.store, world.academies, principal, inspection(**overrides), cause(principal)
    )


async def test_an_inspection_is_recorded_by_whom_and_moves_the_academys_version():
    world = await World().given_trust_and_academies()
    recorded = await _recorded(world)
    assert (recorded.inspection.scheme, recorded.recorded_by, recorded.number) == (
        "ofsted-2025",
        LEAD.actor,
        1,
    )
    assert world.events()[-1].stream == "academy-a1"
    assert world.academies.rows["a1"].version == 2
    assert (await register.get_academy(world.store, HEAD, "a1")).version == 2


@pytest.mark.parametrize(
    ("principal", "overrides", "error", "message"),
    [
        (LEAD, {"inspection_date": "2026-11-24"}, InvalidArgument, "is in the future"),
        (LEAD, {"grades": {"quality_of_education": "exceptional"}}, InvalidArgument, "not in"),
        (OTHER_HEAD, {}, PermissionDenied, "recording an inspection: academy a1 is outside"),
    ],
)
async def test_an_inspection_is_refused_clearly(principal, overrides, error, message):
    world = await World().given_trust_and_academies()
    before = len(world.events())
    with pytest.raises(error, match=message):
        await _recorded(world, principal, **overrides)
    assert len(world.events()) == before


async def test_inspections_are_listed_by_date_a_page_at_a_time():
    world = await World().given_trust_and_academies()
    for date in ("2026-03-02", "2025-12-01", "2026-01-20"):
        await _recorded(world, CEO, inspection_date=date)
    seen, token = [], ""
    while True:
        found, token = await inspections.list_inspections(
            world.store, HEAD, "a1", page_request(2, token, INSPECTION_KEY)
        )
        seen += [str(i.inspection.inspection_date) for i in found]
        if not token:
            break
    assert seen == ["2025-12-01", "2026-01-20", "2026-03-02"]
    with pytest.raises(PermissionDenied, match="reading an academy's inspections"):
        await inspections.list_inspections(
            world.store, OTHER_HEAD, "a1", page_request(0, "", INSPECTION_KEY)
        )

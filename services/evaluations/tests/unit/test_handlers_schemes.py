"""Given a trust's framework and academies, when its judgement scheme is read,
then the scheme and the areas of each academy the caller reaches."""

from __future__ import annotations

import pytest
from chassis.auth import Principal, Role
from chassis.errors import NotFound, PermissionDenied
from evaluations.application.schemes import judgement_scheme
from evaluations.domain.facts import AcademyFacts

HERON = AcademyFacts("a1", "t1", "Heron", "primary", True)
OTTER = AcademyFacts("a2", "t1", "Otter", "secondary", True)
GONE = AcademyFacts("a3", "t1", "Aspen", "primary", False)
CEO = Principal("ceo", Role.CHIEF_EXECUTIVE, "t1", frozenset())
HEAD = Principal("head", Role.HEADTEACHER, "t1", frozenset({"a1"}))


async def read(world, principal, trust_id="t1", academy_id=""):
    return await judgement_scheme(world.facts, world.facts, principal, trust_id, academy_id)


async def test_the_scheme_in_force_and_the_areas_of_each_open_academy_in_reach(world):
    for academy in (HERON, OTTER, GONE):
        world.academy(academy)
    found = await read(world, CEO)
    assert (found.trust.trust_id, found.trust.framework.scheme.id) == ("t1", "ofsted-2019")
    areas = {academy.academy_id: [a.id for a in areas] for academy, areas in found.academies}
    assert list(areas) == ["a1", "a2"]  # by name; Aspen has left
    assert "sixth_form" in areas["a2"] and "sixth_form" not in areas["a1"]
    assert "early_years" in areas["a1"]
    mine = await read(world, HEAD)
    assert [academy.academy_id for academy, _ in mine.academies] == ["a1"]
    named = await read(world, CEO, academy_id="a2")
    assert [academy.academy_id for academy, _ in named.academies] == ["a2"]


@pytest.mark.parametrize(
    ("principal", "trust_id", "academy_id", "error", "message"),
    [
        (CEO, "t9", "", PermissionDenied, "reading the judgement scheme: trust t9 is not your"),
        (HEAD, "t1", "a2", PermissionDenied, "academy a2 is outside your scope"),
        (CEO, "t1", "a9", NotFound, "academy a9 is not known to evaluations"),
    ],
)
async def test_a_scheme_out_of_reach_is_refused(
    world, principal, trust_id, academy_id, error, message
):
    world.academy(HERON)
    world.academy(OTTER)
    with pytest.raises(error, match=message):
        await read(world, principal, trust_id, academy_id)


async def test_a_trust_without_a_framework_is_not_found(world):
    with pytest.raises(NotFound, match="trust t1 has no framework known to evaluations"):
        await read(world, CEO)

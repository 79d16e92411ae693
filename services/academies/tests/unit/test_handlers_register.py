"""The register: given a trust and its academies, when a register use case runs, then
what was decided, in the stream and the read tables alike."""

from __future__ import annotations

import pytest
from academies.application import register
from academies.domain.academy import ChangeAcademyDetails, RecordAcademyLeft
from chassis.auth import Principal, Role
from chassis.errors import AlreadyExists, InvalidArgument, NotFound, PermissionDenied
from chassis.paging import PageRequest

from .builders import (
    CEO,
    HEAD,
    LEAD,
    OTHER_CEO,
    OTHER_HEAD,
    TRUSTEE,
    World,
    cause,
    register_academy,
)

EVERYTHING = PageRequest(size=50, after=None)


async def test_a_registered_academy_is_recorded_listed_and_holds_its_urn():
    world = World()
    await world.given_trust()
    record = await register.register_academy(
        world.store, world.academies, world.urns, CEO, register_academy(), cause(CEO)
    )
    assert (record.academy.academy_id, record.academy.name, record.version) == (
        "a1",
        "Alder Academy",
        1,
    )
    assert world.events()[-1].stream == "academy-a1"
    assert world.academies.rows["a1"] == record
    assert world.urns.claimed == {("t1", "100001"): "a1"}


async def test_an_academy_without_an_id_gets_a_new_one():
    world = World()
    await world.given_trust()
    record = await world.given_academy(academy_id="")
    assert len(record.academy.academy_id) == 36


async def test_a_retried_registration_answers_the_same_academy_and_appends_nothing():
    world = World()
    await world.given_trust()
    first = await world.given_academy()
    before = len(world.events())
    assert await world.given_academy(name="  Alder Academy ") == first
    assert len(world.events()) == before
    with pytest.raises(AlreadyExists, match="academy a1 is already registered"):
        await world.given_academy(name="Alder Primary")
    assert len(world.events()) == before


@pytest.mark.parametrize(
    ("command", "principal", "error", "message"),
    [
        (register_academy(academy_id="a9"), CEO, AlreadyExists, "URN 100001 is already registered"),
        (register_academy(trust_id="t2"), OTHER_CEO, NotFound, "trust t2 does not exist; create"),
        (register_academy(trust_id="t2"), CEO, PermissionDenied, "trust t2 is not your trust"),
        (register_academy(academy_id="a9", urn="12345"), CEO, InvalidArgument, "six digits"),
        (register_academy(academy_id="bad id!"), CEO, InvalidArgument, "academy_id must be"),
    ],
)
async def test_a_registration_is_refused_clearly_and_records_nothing(
    command, principal, error, message
):
    world = World()
    await world.given_trust()
    await world.given_academy()
    events, urns = len(world.events()), dict(world.urns.claimed)
    with pytest.raises(error, match=message):
        await register.register_academy(
            world.store, world.academies, world.urns, principal, command, cause(principal)
        )
    assert (len(world.events()), world.urns.claimed) == (events, urns)


async def test_details_change_moves_the_version_and_no_change_records_nothing():
    world = await World().given_trust_and_academies()
    command = ChangeAcademyDetails("a1", name="Alder Primary Academy")
    changed = await register.change_details(world.store, world.academies, CEO, command, cause(CEO))
    assert (changed.academy.name, changed.version) == ("Alder Primary Academy", 2)
    assert world.academies.rows["a1"] == changed
    same = await register.change_details(world.store, world.academies, CEO, command, cause(CEO))
    assert same == changed


async def test_an_academy_that_left_frees_its_urn_and_is_listed_only_with_the_left():
    world = await World().given_trust_and_academies()
    command = RecordAcademyLeft("a1", "2026-08-31", "moved to another trust")
    left = await register.record_left(
        world.store, world.academies, world.urns, CEO, command, cause(CEO)
    )
    assert left.academy.date_left is not None and left.version == 2
    assert ("t1", "100001") not in world.urns.claimed
    await world.given_academy(academy_id="a3", name="Cedar Academy")  # takes the URN
    open_ones, _ = await register.list_academies(world.academies, CEO, "t1", False, EVERYTHING)
    assert [r.academy.academy_id for r in open_ones] == ["a2", "a3"]
    every, _ = await register.list_academies(world.academies, CEO, "t1", True, EVERYTHING)
    assert [r.academy.academy_id for r in every] == ["a1", "a2", "a3"]


@pytest.mark.parametrize(
    ("principal", "academy_id", "error", "message"),
    [
        (OTHER_HEAD, "a1", PermissionDenied, "reading an academy: academy a1 is outside your"),
        (OTHER_CEO, "a1", PermissionDenied, "outside your scope"),
        (CEO, "a9", NotFound, "academy a9 is not registered"),
        (CEO, "a+1", InvalidArgument, "not a valid id"),
    ],
)
async def test_an_academy_is_read_within_reach_only(principal, academy_id, error, message):
    world = await World().given_trust_and_academies()
    with pytest.raises(error, match=message):
        await register.get_academy(world.store, principal, academy_id)


async def test_an_academy_is_read_with_its_version_by_those_who_reach_it():
    world = await World().given_trust_and_academies()
    for principal in (HEAD, LEAD, TRUSTEE, CEO):
        found = await register.get_academy(world.store, principal, "a1")
        assert (found.academy.name, found.version) == ("Alder Academy", 1)


async def test_the_list_pages_by_name_and_a_scoped_role_sees_its_own_academies():
    world = await World().given_trust_and_academies()
    first, token = await register.list_academies(
        world.academies, CEO, "t1", False, PageRequest(size=1, after=None)
    )
    assert [r.academy.name for r in first] == ["Alder Academy"] and token
    mine, token = await register.list_academies(
        world.academies, OTHER_HEAD, "t1", False, EVERYTHING
    )
    assert [r.academy.academy_id for r in mine] == ["a2"] and token == ""
    with pytest.raises(PermissionDenied, match="listing academies: trust t1 is not your trust"):
        await register.list_academies(world.academies, OTHER_CEO, "t1", False, EVERYTHING)


async def test_who_am_i_names_the_trust_and_the_open_academies_in_reach():
    world = await World().given_trust_and_academies()
    me = await register.who_am_i(world.store, world.academies, HEAD)
    assert me.trust is not None and me.trust.name == "Test Trust"
    assert [a.academy_id for a in me.academies] == ["a1"] and not me.trust_wide
    ceo = await register.who_am_i(world.store, world.academies, CEO)
    assert [a.name for a in ceo.academies] == ["Alder Academy", "Birch Academy"] and ceo.trust_wide
    stranger = Principal("new@t9", Role.PROVIDER, "t9", frozenset({"a1"}))
    nobody = await register.who_am_i(world.store, world.academies, stranger)
    assert nobody.trust is None and nobody.academies == []

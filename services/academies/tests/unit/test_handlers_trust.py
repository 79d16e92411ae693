"""Trusts: given the store, when a trust use case runs, then what was decided."""

from __future__ import annotations

import pytest
from academies.application import trust
from academies.domain.trust import ChangeFramework
from chassis.auth import Principal, Role
from chassis.errors import AlreadyExists, InvalidArgument, NotFound, PermissionDenied

from .builders import CEO, HEAD, OTHER_CEO, PRESETS, World, cause, create_trust


async def test_a_trust_is_created_on_a_preset_as_version_1_with_its_creator():
    world = World()
    created = await trust.create_trust(world.store, PRESETS, CEO, create_trust(), cause(CEO))
    assert (created.trust_id, created.name, created.framework_version) == ("t1", "Test Trust", 1)
    assert created.based_on_preset == "seed-001-carter"
    assert created.created_by == CEO.actor
    assert [e.event_type for e in world.events()] == [
        "academies.TrustCreated",
        "academies.FrameworkAdopted",
    ]
    assert {e.stream for e in world.events()} == {"trust-t1"}


async def test_a_retried_creation_answers_the_same_trust_and_appends_nothing():
    world = World()
    first = await world.given_trust()
    again = await trust.create_trust(
        world.store, PRESETS, CEO, create_trust(name=" Test Trust "), cause(CEO)
    )
    assert again == first and len(world.events()) == 2
    with pytest.raises(AlreadyExists, match="trust t1 already exists"):
        await trust.create_trust(
            world.store, PRESETS, CEO, create_trust(framework="seed-004-focus"), cause(CEO)
        )
    assert len(world.events()) == 2


@pytest.mark.parametrize(
    ("command", "error", "message"),
    [
        (create_trust(trust_id="t2"), PermissionDenied, "trust t2 is not your trust"),
        (create_trust(framework="made-up"), InvalidArgument, "not a known framework"),
        (create_trust(name=" "), InvalidArgument, "name must not be empty"),
    ],
)
async def test_a_trust_creation_is_refused_clearly(command, error, message):
    world = World()
    with pytest.raises(error, match=message):
        await trust.create_trust(world.store, PRESETS, CEO, command, cause(CEO))
    assert world.events() == []


async def test_an_id_the_stream_grammar_cannot_hold_is_invalid_not_an_internal_error():
    world = World()
    odd = Principal("ceo", Role.CHIEF_EXECUTIVE, "t+1", frozenset())
    with pytest.raises(InvalidArgument, match="holds no '\\+'"):
        await trust.create_trust(
            world.store, PRESETS, odd, create_trust(trust_id="t+1"), cause(odd)
        )


async def test_changing_the_framework_adds_a_version_and_an_unchanged_one_adds_nothing():
    world = World()
    created = await world.given_trust()
    assert created.framework is not None
    document = created.framework.model_dump(mode="json")
    document["entitlements"]["core_days_per_year"] = 4
    command = ChangeFramework("t1", document)
    changed = await trust.change_framework(world.store, CEO, command, cause(CEO))
    assert changed.framework_version == 2 and changed.based_on_preset == "seed-001-carter"
    again = await trust.change_framework(world.store, CEO, command, cause(CEO))
    assert again.framework_version == 2 and len(world.events()) == 3


async def test_the_framework_of_a_missing_or_foreign_trust_is_not_changed():
    world = World()
    with pytest.raises(NotFound, match="trust t1 does not exist"):
        await trust.change_framework(world.store, CEO, ChangeFramework("t1", {}), cause(CEO))
    with pytest.raises(PermissionDenied, match="changing the trust's framework"):
        await trust.change_framework(
            world.store, OTHER_CEO, ChangeFramework("t1", {}), cause(OTHER_CEO)
        )


async def test_a_trust_is_read_by_its_own_people_only():
    world = World()
    created = await world.given_trust()
    assert await trust.get_trust(world.store, HEAD, "t1") == created
    with pytest.raises(PermissionDenied, match="reading a trust: trust t1 is not your trust"):
        await trust.get_trust(world.store, OTHER_CEO, "t1")
    with pytest.raises(NotFound, match="trust t2 does not exist"):
        await trust.get_trust(world.store, OTHER_CEO, "t2")

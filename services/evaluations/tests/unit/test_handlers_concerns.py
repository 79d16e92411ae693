"""Given an academy, when a concern is raised or read, then its text is kept apart
from the event, retries are answered once, and only those in reach read it."""

from __future__ import annotations

import datetime as dt

import pytest
from chassis.auth import Principal, Role
from chassis.envelope import CausationContext
from chassis.errors import AlreadyExists, FailedPrecondition, InvalidArgument, PermissionDenied
from chassis.paging import page_request
from contracts.evaluations.v1 import ConcernRaised
from evaluations.application import concerns
from evaluations.application.ports import CONCERN_KEY
from evaluations.domain.facts import AcademyFacts

HERON = AcademyFacts("a1", "t1", "Heron", "primary", True)
PROVIDER = Principal("consultant", Role.PROVIDER, "t1", frozenset({"a1"}))
LEAD = Principal("aip", Role.IMPROVEMENT_LEAD, "t1", frozenset({"a1"}))
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


def concern(text: str = " Registers incomplete ", concern_id: str = "c1", academy_id: str = "a1"):
    return concerns.RaiseConcern(academy_id, concern_id, text)


async def when_raised(world, command, principal=PROVIDER, now=NOW):
    return await concerns.raise_concern(
        world.store,
        world.facts,
        world.facts,
        world.concerns,
        principal,
        command,
        now,
        CausationContext(principal.actor, "corr"),
    )


async def test_the_text_is_kept_apart_and_the_event_says_only_that_one_was_raised(world):
    world.academy(HERON)
    note = await when_raised(world, concern())
    assert (note.concern_id, note.text, note.raised_by, note.raised_at) == (
        "c1",
        "Registers incomplete",
        PROVIDER.actor,
        NOW,
    )
    assert await world.events("a1") == [
        ConcernRaised(trust_id="t1", academy_id="a1", concern_id="c1")
    ]
    assert world.concerns.notes == {"c1": note}


async def test_a_retried_concern_is_answered_again_and_another_with_its_id_already_exists(world):
    world.academy(HERON)
    first = await when_raised(world, concern())
    later = NOW + dt.timedelta(minutes=1)
    assert await when_raised(world, concern(" Registers incomplete"), now=later) == first
    for other, who in ((concern("Something else"), PROVIDER), (concern(), LEAD)):
        with pytest.raises(AlreadyExists, match="concern c1 already exists"):
            await when_raised(world, other, who)
    assert len(await world.events("a1")) == 1


async def test_an_id_taken_by_another_writer_meanwhile_rolls_the_event_back(world):
    world.academy(HERON)
    world.concerns.taken.add("c1")
    with pytest.raises(AlreadyExists, match="concern c1 already exists"):
        await when_raised(world, concern())
    assert await world.events("a1") == []


@pytest.mark.parametrize(
    ("facts", "command", "error", "message"),
    [
        (HERON, concern(text="  "), InvalidArgument, "the concern must not be empty"),
        (HERON, concern(concern_id="c 1"), InvalidArgument, "concern_id must be"),
        (
            AcademyFacts("a2", "t1", "Otter", "primary", True),
            concern(academy_id="a2"),
            PermissionDenied,
            "raising a concern: academy a2 is outside your scope",
        ),
        (
            AcademyFacts("a1", "t1", "Heron", "primary", False),
            concern(),
            FailedPrecondition,
            "has left the trust",
        ),
    ],
)
async def test_concerns_are_refused_clearly_and_nothing_is_kept(
    world, facts, command, error, message
):
    world.academy(facts)
    with pytest.raises(error, match=message):
        await when_raised(world, command)
    assert await world.events(facts.academy_id) == [] and world.concerns.notes == {}


async def test_concerns_are_read_oldest_first_a_page_at_a_time(world):
    world.academy(HERON)
    for n in range(3):
        await when_raised(world, concern(f"concern {n}", f"c{n}"), LEAD, NOW - dt.timedelta(n))

    async def listed(principal, token=""):
        page = page_request(2, token, CONCERN_KEY)
        return await concerns.list_concerns(
            world.facts, world.facts, world.concerns, principal, "a1", page
        )

    first, token = await listed(LEAD)
    rest, last = await listed(LEAD, token)
    assert [n.text for n in first + rest] == ["concern 2", "concern 1", "concern 0"]
    assert last == ""
    elsewhere = Principal("aip2", Role.IMPROVEMENT_LEAD, "t1", frozenset({"a2"}))
    with pytest.raises(PermissionDenied, match="reading concerns: academy a1 is outside"):
        await listed(elsewhere)

"""Given an academy's record, when the chief executive starts or ends a formal
intervention, then the events and the record GetPhase reads; a retry appends
nothing; a refusal appends nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from chassis.auth import Principal, Role
from chassis.envelope import CausationContext
from chassis.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from contracts.evaluations.v1 import FormalInterventionEnded, FormalInterventionStarted
from evaluations.application import interventions, phases
from evaluations.domain import intervention
from evaluations.domain.facts import AcademyFacts

HERON = AcademyFacts("a1", "t1", "Heron", "primary", True)
CEO = Principal("ceo", Role.CHIEF_EXECUTIVE, "t1", frozenset())
HEAD = Principal("head", Role.HEADTEACHER, "t1", frozenset({"a1"}))
TODAY = dt.date(2026, 11, 23)


def start(intervention_id: str = "i1", **overrides) -> intervention.StartFormalIntervention:
    fields = dict(
        academy_id="a1",
        reason="Inadequate: safeguarding",
        notice=intervention.Notice(dt.date(2026, 11, 20), "letters/heron.pdf"),
        started_on=None,
    )
    return intervention.StartFormalIntervention(
        intervention_id=intervention_id, **{**fields, **overrides}
    )


def end(intervention_id: str = "i1", **overrides) -> intervention.EndFormalIntervention:
    fields = dict(academy_id="a1", reason="Priorities met", ended_on=None)
    return intervention.EndFormalIntervention(
        intervention_id=intervention_id, **{**fields, **overrides}
    )


async def when(world, handler, command, principal=CEO, today=TODAY):
    cause = CausationContext(principal.actor, "corr")
    return await handler(world.store, world.facts, world.facts, principal, command, today, cause)


async def test_started_then_ended_and_read_with_the_phases(world):
    world.academy(HERON, preset="seed-004-focus")
    begun = await when(world, interventions.start, start())
    assert (begun.intervention_id, begun.is_open, begun.started_by) == ("i1", True, CEO.actor)
    assert begun.started.started_on == TODAY
    assert begun.started.notice.to_roles == ["headteacher", "chair_of_lgb"]
    record = await phases.get_phase(world.store, world.facts, world.facts, HEAD, "a1")
    assert record.open_intervention() == begun

    closed = await when(world, interventions.end, end(), today=dt.date(2027, 7, 1))
    assert (closed.is_open, closed.ended_on, closed.ended_by) == (
        False,
        dt.date(2027, 7, 1),
        CEO.actor,
    )
    assert [type(e) for e in await world.events("a1")] == [
        FormalInterventionStarted,
        FormalInterventionEnded,
    ]
    record = await phases.get_phase(world.store, world.facts, world.facts, HEAD, "a1")
    assert record.open_intervention() is None and list(record.interventions) == ["i1"]


async def test_a_retry_with_the_same_id_appends_nothing_and_other_content_already_exists(world):
    world.academy(HERON)
    first = await when(world, interventions.start, start())
    assert await when(world, interventions.start, start()) == first
    await when(world, interventions.end, end())
    assert (await when(world, interventions.end, end())).ended_on == TODAY
    late = await when(world, interventions.start, start())
    assert (late.intervention_id, late.is_open) == ("i1", False)
    assert len(await world.events("a1")) == 2
    with pytest.raises(AlreadyExists, match="formal intervention i1 already exists"):
        await when(world, interventions.start, start(reason="Finance"))


async def test_a_new_id_is_made_when_the_client_gives_none(world):
    world.academy(HERON)
    made = await when(world, interventions.start, start(intervention_id=""))
    assert len(made.intervention_id) == 36


@pytest.mark.parametrize(
    ("handler", "command", "principal", "error", "message"),
    [
        (
            interventions.start,
            start("i2"),
            CEO,
            FailedPrecondition,
            "already under formal intervention i1",
        ),
        (
            interventions.start,
            start("i2", academy_id="a9"),
            CEO,
            NotFound,
            "academy a9 is not known",
        ),
        (
            interventions.start,
            start("i2", notice=intervention.Notice(dt.date(2026, 12, 1), "l")),
            CEO,
            InvalidArgument,
            "notice.issued_on 2026-12-01 is after today",
        ),
        (
            interventions.start,
            start("i2"),
            Principal("ceo@other", Role.CHIEF_EXECUTIVE, "t2", frozenset()),
            PermissionDenied,
            "starting a formal intervention: academy a1 is outside your scope",
        ),
        (interventions.end, end("i9"), CEO, NotFound, "no formal intervention i9"),
        (interventions.end, end(reason=" "), CEO, InvalidArgument, "reason must not be empty"),
        (
            interventions.end,
            end(),
            Principal("ceo@other", Role.CHIEF_EXECUTIVE, "t2", frozenset()),
            PermissionDenied,
            "ending a formal intervention: academy a1 is outside your scope",
        ),
    ],
)
async def test_intervention_decisions_are_refused_clearly_and_append_nothing(
    world, handler, command, principal, error, message
):
    world.academy(HERON)
    await when(world, interventions.start, start())
    before = await world.events("a1")
    with pytest.raises(error, match=message):
        await when(world, handler, command, principal)
    assert await world.events("a1") == before


async def test_an_academy_that_left_cannot_be_put_under_intervention_but_one_can_be_ended(world):
    world.academy(HERON)
    await when(world, interventions.start, start())
    world.facts.academies["a1"] = AcademyFacts("a1", "t1", "Heron", "primary", False)
    with pytest.raises(FailedPrecondition, match="has left the trust"):
        await when(world, interventions.start, start("i2"))
    closed = await when(world, interventions.end, end())
    assert not closed.is_open

"""One contract, two implementations: the facts behave alike on PostgreSQL and
in memory, so a service's handler tests, which use InMemoryFacts, say something
about the service. The recorder runs against both too.

PostgresFacts parses each (trust, version) once per process: each test here
uses trust ids of its own, as a framework version never changes once adopted.
"""

from __future__ import annotations

import datetime as dt

import pytest
from chassis.db import apply_schema
from facts_controls import DAY, PRESETS, adopted, left, phase_changed, registered, started
from trustfacts import postgres
from trustfacts.memory import InMemoryFacts
from trustfacts.model import AcademyFacts, PhaseEvent, TrustFramework
from trustfacts.ports import FactsWriter
from trustfacts.recorder import record_fact


@pytest.fixture(params=["postgres", "memory"])
async def facts(request, fresh_db) -> FactsWriter:
    if request.param == "memory":
        return InMemoryFacts()
    await apply_schema(fresh_db, postgres.SCHEMA)
    return postgres.PostgresFacts(fresh_db)


async def test_the_register_is_kept_changed_and_left_and_read_by_name(facts):
    heron = AcademyFacts("heron", "c1", "Heron", "primary", dt.date(2020, 9, 1))
    await facts.register(heron)
    await facts.register(AcademyFacts("otter", "c1", "Otter", "secondary", dt.date(2021, 9, 1)))
    await facts.register(AcademyFacts("ash", "c1", "Otter", "primary", dt.date(2021, 9, 1)))
    await facts.register(AcademyFacts("elm", "c2", "Elm", "primary", dt.date(2021, 9, 1)))
    await facts.register(AcademyFacts("heron", "c1", "Twice", "primary", dt.date(2022, 9, 1)))
    await facts.change_details("heron", None, "all_through")
    await facts.change_details("ash", "Aspen", None)
    await facts.change_details("nobody", "Ghost", None)
    await facts.leave("otter", dt.date(2027, 1, 31))
    await facts.leave("nobody", dt.date(2027, 1, 31))
    assert await facts.academy("heron") == AcademyFacts(
        "heron", "c1", "Heron", "all_through", dt.date(2020, 9, 1)
    )
    assert await facts.academy("nobody") is None
    assert [a.academy_id for a in await facts.open_academies("c1")] == ["ash", "heron"]
    otter = await facts.academy("otter")
    assert otter is not None and otter.left_on == dt.date(2027, 1, 31)


async def test_a_framework_is_kept_and_a_late_older_one_changes_nothing(facts):
    assert await facts.framework("c3") is None
    aid = TrustFramework("c3", 2, PRESETS["seed-000-aid"], "seed-000-aid")
    assert await facts.adopt(aid)
    assert not await facts.adopt(TrustFramework("c3", 1, PRESETS["seed-004-focus"], "x"))
    assert not await facts.adopt(TrustFramework("c3", 2, PRESETS["seed-004-focus"], "x"))
    assert await facts.framework("c3") == aid
    assert await facts.framework("c3") == aid  # read again (PostgreSQL: parsed once)
    focus = TrustFramework("c3", 3, PRESETS["seed-004-focus"], "seed-004-focus")
    assert await facts.adopt(focus)
    assert await facts.framework("c3") == focus


async def test_the_history_is_read_in_the_order_it_came_whoever_is_registered(facts):
    history = [
        PhaseEvent(DAY, phase="not_yet_good"),
        PhaseEvent(DAY - dt.timedelta(days=3), intervention_id="i1", intervention_open=True),
        PhaseEvent(DAY, intervention_id="i1", intervention_open=False),
    ]
    for event in history:
        await facts.record("unregistered", event)
    assert await facts.history("unregistered") == history
    assert await facts.history("other") == []


async def test_the_recorder_keeps_the_same_facts_on_either(facts):
    on = dt.date(2027, 1, 11)
    for event in (
        phase_changed("not_yet_good", academy_id="heron"),
        registered("heron", trust_id="c4"),
        registered("otter", trust_id="c4"),
        adopted("seed-002-sussex", version=1, trust_id="c4"),
        started("i1", on),
        left("otter", on),
        adopted("seed-000-aid", version=1, trust_id="c4"),  # redelivered, another document
    ):
        await record_fact(facts, event, on)
    assert [a.academy_id for a in await facts.open_academies("c4")] == ["heron"]
    kept = await facts.framework("c4")
    assert kept is not None and kept.based_on_preset == "seed-002-sussex"
    assert await facts.history("heron") == [
        PhaseEvent(on, phase="not_yet_good"),
        PhaseEvent(on, intervention_id="i1", intervention_open=True),
    ]

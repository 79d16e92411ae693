"""Given the events a consumer receives, the facts it keeps (in memory) and what
record_fact says changed: the register, the frameworks (a late older version
changes nothing, an invalid one is poison) and each academy's phases and
formal interventions, whatever order the topics deliver them in."""

from __future__ import annotations

import datetime as dt

import pytest
from chassis.consumer import PoisonMessage
from facts_controls import (
    ACADEMY,
    DAY,
    JOINED,
    PRESETS,
    TRUST,
    adopted,
    details_changed,
    ended,
    envelope,
    left,
    phase_changed,
    registered,
    started,
    withdrawn,
)
from trustfacts.memory import InMemoryFacts
from trustfacts.model import AcademyFacts, PhaseEvent, TrustFramework
from trustfacts.recorder import FactChange, parse_consumed, record_fact

ON = dt.date(2027, 1, 11)  # the day the event happened, as the consumer says


async def given(*events) -> InMemoryFacts:
    facts = InMemoryFacts()
    for event in events:
        await record_fact(facts, event, ON)
    return facts


async def test_a_registration_is_kept_once_and_says_which_academy():
    facts = InMemoryFacts()
    assert await record_fact(facts, registered(), ON) == FactChange(
        "registered", academy_id=ACADEMY
    )
    await record_fact(facts, registered(name="Renamed"), ON)  # redelivered: the first stands
    assert await facts.academy(ACADEMY) == AcademyFacts(ACADEMY, TRUST, "Heron", "primary", JOINED)


async def test_details_change_only_what_they_name():
    facts = await given(registered())
    change = await record_fact(facts, details_changed(phase_of_education="all_through"), ON)
    assert change == FactChange("details", academy_id=ACADEMY)
    found = await facts.academy(ACADEMY)
    assert found is not None and (found.name, found.phase_of_education) == ("Heron", "all_through")


async def test_an_academy_that_left_is_no_longer_open():
    facts = await given(registered(), registered("otter"), left(on=DAY))
    assert [a.academy_id for a in await facts.open_academies(TRUST)] == ["otter"]
    found = await facts.academy(ACADEMY)
    assert found is not None and found.left_on == DAY and not found.is_open


async def test_details_or_leaving_of_an_academy_not_yet_registered_keep_nothing():
    facts = await given(details_changed(name="Ghost"), left())
    assert facts.academies == {}


async def test_an_adopted_framework_is_in_force_and_says_which_trust():
    facts = InMemoryFacts()
    change = await record_fact(facts, adopted("seed-004-focus", version=2), ON)
    expected = TrustFramework(TRUST, 2, PRESETS["seed-004-focus"], "seed-004-focus")
    assert change == FactChange("framework", trust_id=TRUST, framework=expected)
    assert await facts.framework(TRUST) == expected


async def test_an_older_or_the_same_version_arriving_late_changes_nothing():
    facts = await given(adopted("seed-004-focus", version=2))
    assert await record_fact(facts, adopted("seed-000-aid", version=1), ON) is None
    assert await record_fact(facts, adopted("seed-000-aid", version=2), ON) is None
    kept = await facts.framework(TRUST)
    assert kept is not None and kept.based_on_preset == "seed-004-focus"


async def test_a_framework_document_that_does_not_validate_is_poison():
    with pytest.raises(PoisonMessage, match="trust t1 version 3"):
        await record_fact(InMemoryFacts(), adopted(version=3, document={"id": "x"}), ON)


async def test_the_academys_phase_is_recorded_on_the_day_it_changed():
    facts = InMemoryFacts()
    change = await record_fact(facts, phase_changed("not_yet_good"), ON)
    assert change == FactChange("phase", academy_id=ACADEMY)
    assert await facts.history(ACADEMY) == [PhaseEvent(ON, phase="not_yet_good")]


async def test_a_subjects_phase_is_not_the_academys():
    facts = InMemoryFacts()
    assert await record_fact(facts, phase_changed("stabilise", subject="maths"), ON) is None
    assert facts.histories == {}


async def test_interventions_are_recorded_from_their_own_dates():
    start, end = dt.date(2027, 1, 4), dt.date(2027, 4, 30)
    facts = InMemoryFacts()
    assert await record_fact(facts, started("i1", start), ON) == FactChange(
        "intervention_started", academy_id=ACADEMY
    )
    assert await record_fact(facts, ended("i1", end), ON) == FactChange(
        "intervention_ended", academy_id=ACADEMY
    )
    assert await facts.history(ACADEMY) == [
        PhaseEvent(start, intervention_id="i1", intervention_open=True),
        PhaseEvent(end, intervention_id="i1", intervention_open=False),
    ]


async def test_a_phase_that_comes_before_the_registration_is_kept():
    facts = await given(phase_changed("not_yet_good"), registered())
    assert await facts.history(ACADEMY) == [PhaseEvent(ON, phase="not_yet_good")]
    assert await facts.academy(ACADEMY) is not None


async def test_an_event_that_is_not_a_fact_changes_nothing():
    facts = InMemoryFacts()
    assert await record_fact(facts, withdrawn(), ON) is None
    assert facts == InMemoryFacts()


def test_consumed_envelopes_parse_by_their_registry():
    assert parse_consumed(envelope(registered())) == registered()
    assert parse_consumed(envelope(phase_changed("not_yet_good"))) == phase_changed("not_yet_good")
    assert parse_consumed(envelope(registered(), event_type="meetings.MeetingHeld")) is None
    assert parse_consumed(envelope(registered(), schema_version=9)) is None


def test_a_consumed_payload_its_registry_refuses_is_poison():
    bad = envelope(registered(), payload={"trust_id": TRUST, "academy_id": ACADEMY})
    with pytest.raises(PoisonMessage, match=r"academies\.AcademyRegistered"):
        parse_consumed(bad)

"""Example values and builders shared by the meetings unit tests: people, the
academy and its facts, frameworks from the presets, and meetings built from
events (with overrides)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from chassis.aggregate import Recorded
from chassis.envelope import Actor
from contracts.base import EventPayload
from contracts.meetings.v1 import MeetingHeld, MeetingScheduled, NotesDrafted, Person
from meetings.domain import action, meeting
from meetings.domain.calendar import at_local
from meetings.domain.facts import Party, PhaseFact, academy, phase_fact
from trust_frameworks.loader import presets
from trustfacts.model import TrustFramework

PRESETS = presets()
TRUST = "t1"
ACADEMY = "heron"
YEAR = "2026/27"
TODAY = dt.date(2026, 11, 20)

LEAD = Person(subject="aid@trust.example", role="improvement_lead")
OTHER_LEAD = Person(subject="deputy-aid@trust.example", role="improvement_lead")
HEAD = Person(subject="head@heron.example", role="headteacher")
CHAIR = Person(subject="chair@heron.example", role="chair_of_lgb")
VICE_CHAIR = Person(subject="vice-chair@heron.example", role="chair_of_lgb")
PARTNER = Person(subject="partner-head@oak.example", role="provider")
CONSULTANT = Person(subject="consultant@focus.example", role="provider")
CEO = Person(subject="ceo@trust.example", role="chief_executive")
FINANCE = Person(subject="fd@trust.example", role="finance")


def framework(preset: str = "seed-000-aid", version: int = 1) -> TrustFramework:
    return TrustFramework(TRUST, version, PRESETS[preset], preset)


def fact(preset: str, since: dt.date, phase: str, intervention: bool = False) -> PhaseFact:
    return phase_fact(PRESETS[preset], since, phase, intervention)


def heron(*facts: PhaseFact, **overrides: Any) -> Party:
    return academy(TRUST, ACADEMY, facts, **overrides)


def at(day: dt.date, hour: int = 9, minute: int = 30) -> dt.datetime:
    """That time in England on that day."""
    return at_local(day, dt.time(hour, minute))


def recorded(event: EventPayload, by: Person = LEAD) -> Recorded:
    return Recorded(event, Actor(subject=by.subject, role=by.role), None)


def scheduled(**overrides: Any) -> MeetingScheduled:
    fields: dict[str, Any] = dict(
        trust_id=TRUST,
        meeting_id="m1",
        academy_id=ACADEMY,
        meeting_type="aim",
        academic_year=YEAR,
        term="autumn",
        scheduled_for=at(dt.date(2026, 12, 3)),
        duration_minutes=120,
        origin="cadence",
        cadence_slot=2,
        framework_version=1,
    )
    return MeetingScheduled(**{**fields, **overrides})


def held(**overrides: Any) -> MeetingHeld:
    fields: dict[str, Any] = dict(
        trust_id=TRUST,
        meeting_id="m1",
        academy_id=ACADEMY,
        meeting_type="aim",
        academic_year=YEAR,
        term="autumn",
        held_on=dt.date(2026, 12, 3),
        attendees=[LEAD, HEAD, CHAIR],
        scheme="ofsted-2019",
        focus_areas=["quality_of_education"],
        area_judgements={},
        entitlement_days="1.00",
    )
    return MeetingHeld(**{**fields, **overrides})


def drafted(**overrides: Any) -> NotesDrafted:
    fields: dict[str, Any] = dict(
        trust_id=TRUST,
        meeting_id="m1",
        academy_id=ACADEMY,
        notes_id="n1",
        revision=1,
        author=LEAD,
        drafted_on=dt.date(2026, 12, 4),
    )
    return NotesDrafted(**{**fields, **overrides})


def with_events(*events: EventPayload, meeting_id: str = "m1") -> meeting.MeetingState:
    state = meeting.initial(meeting_id)
    for event in events:
        state = meeting.evolve(state, recorded(event))
    return state


def with_action_events(*events: EventPayload, action_id: str = "x1") -> action.ActionState:
    state = action.initial(action_id)
    for event in events:
        state = action.evolve(state, recorded(event))
    return state

"""Shared examples for the handler tests: callers, commands with overrides, and a
world (the in-memory event store and read tables) to run the handlers in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from academies.application import register, trust
from academies.application.streams import AcademyRecord
from academies.domain.academy import RegisterAcademy
from academies.domain.inspection import RecordInspection
from academies.domain.planning import SubmitImprovementPlan, SubmitSelfEvaluation
from academies.domain.submission import CorrectSubmission, SubmitData
from academies.domain.trust import CreateTrust, TrustState
from chassis.auth import Principal, Role
from chassis.envelope import CausationContext, EventEnvelope
from chassis.memory_store import InMemoryEventStore
from contracts.academies.v1 import DataValues, Milestone, Period, Priority, SuccessCriterion
from trust_frameworks.loader import presets

from .fakes import FakeAcademyList, FakeSubmissionIndex, FakeUrnClaims

PRESETS = presets()
TODAY = dt.date(2026, 11, 23)

CEO = Principal("ceo@t1", Role.CHIEF_EXECUTIVE, "t1", frozenset())
TRUSTEE = Principal("chair@t1", Role.TRUSTEE, "t1", frozenset())
HEAD = Principal("head@a1", Role.HEADTEACHER, "t1", frozenset({"a1"}))
LEAD = Principal("aip@t1", Role.IMPROVEMENT_LEAD, "t1", frozenset({"a1"}))
OTHER_HEAD = Principal("head@a2", Role.HEADTEACHER, "t1", frozenset({"a2"}))
OTHER_CEO = Principal("ceo@t2", Role.CHIEF_EXECUTIVE, "t2", frozenset())


def cause(principal: Principal) -> CausationContext:
    return CausationContext(principal.actor, "test")


def create_trust(**overrides) -> CreateTrust:
    fields = dict(trust_id="t1", name="Test Trust", framework="seed-001-carter")
    return CreateTrust(**{**fields, **overrides})


def register_academy(**overrides) -> RegisterAcademy:
    fields = dict(
        trust_id="t1",
        academy_id="a1",
        urn="100001",
        name="Alder Academy",
        phase_of_education="primary",
        local_authority="Kent",
        date_joined="2020-09-01",
        new_to_trust=False,
    )
    return RegisterAcademy(**{**fields, **overrides})


def submit(**overrides) -> SubmitData:
    fields = dict(
        academy_id="a1",
        submission_id="s1",
        period=Period(academic_year="2026/27", term="autumn"),
        return_type="termly_kpi",
        values=DataValues(attendance_percent=95.0),
    )
    return SubmitData(**{**fields, **overrides})


def correct(**overrides) -> CorrectSubmission:
    fields = dict(
        academy_id="a1",
        submission_id="s1",
        values=DataValues(attendance_percent=96.0),
        reason="late registers",
    )
    return CorrectSubmission(**{**fields, **overrides})


def inspection(**overrides) -> RecordInspection:
    fields = dict(
        academy_id="a1",
        inspection_date="2026-01-20",
        scheme="ofsted-2025",
        grades={"inclusion": "expected_standard"},
        safeguarding="met",
        today=TODAY,
    )
    return RecordInspection(**{**fields, **overrides})


def priority(**overrides) -> Priority:
    fields = dict(
        title="Raise attendance",
        owner="deputy head",
        success_criteria=[
            SuccessCriterion(description="fewer absent", measure="absence %", target="below 12%")
        ],
        milestones=[Milestone(description="review", due_on=dt.date(2027, 2, 1), owner="deputy")],
    )
    return Priority(**{**fields, **overrides})


def plan(*priorities: Priority, **overrides) -> SubmitImprovementPlan:
    fields = dict(academy_id="a1", academic_year="2026/27", priorities=list(priorities))
    return SubmitImprovementPlan(**{**fields, **overrides})


def statement(**overrides) -> SubmitSelfEvaluation:
    fields = dict(
        academy_id="a1",
        academic_year="2026/27",
        summary="Improving",
        area_judgements={"achievement": "expected_standard"},
    )
    return SubmitSelfEvaluation(**{**fields, **overrides})


@dataclass
class World:
    """The service's state, in memory: its event store and its read tables."""

    store: InMemoryEventStore = field(default_factory=lambda: InMemoryEventStore("academies"))
    urns: FakeUrnClaims = field(default_factory=FakeUrnClaims)
    academies: FakeAcademyList = field(default_factory=FakeAcademyList)
    submissions: FakeSubmissionIndex = field(default_factory=FakeSubmissionIndex)

    def events(self) -> list[EventEnvelope]:
        return self.store.all_events()

    async def given_trust(self, **overrides) -> TrustState:
        return await trust.create_trust(
            self.store, PRESETS, CEO, create_trust(**overrides), cause(CEO)
        )

    async def given_academy(self, **overrides) -> AcademyRecord:
        return await register.register_academy(
            self.store,
            self.academies,
            self.urns,
            CEO,
            register_academy(**overrides),
            cause(CEO),
        )

    async def given_trust_and_academies(self) -> World:
        """Trust t1 on seed-001-carter with academies a1 (Alder) and a2 (Birch)."""
        await self.given_trust()
        await self.given_academy()
        await self.given_academy(academy_id="a2", urn="100002", name="Birch Academy")
        return self

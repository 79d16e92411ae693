"""Given the services' events, each recorded at a time, when the board's report is
read for a term as at a date, then every line is rated by the trust's
framework's RAG rules with the reasons that produced it, the overall follows
the framework's rule, the change since last term and what was recorded since
are shown, and nothing recorded after the date counts.

The facts are versioned in memory here exactly as the store versions them
(domain/board_facts.py), so these tests need no database."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import uuid
from typing import Any

import pytest
from chassis.auth import Principal, Role
from chassis.envelope import Actor, EventEnvelope
from contracts.academies.v1 import ACADEMIES_EVENTS
from contracts.evaluations.v1 import EVALUATIONS_EVENTS
from contracts.meetings.v1 import MEETINGS_EVENTS
from contracts.support.v1 import SUPPORT_EVENTS
from reporting.application.board_report import BoardQuery, ReportCache, get_board_report
from reporting.domain.board_facts import Fact, fact_changes
from reporting.domain.board_report import (
    BoardReport,
    Spend,
    board_report,
    previous_term,
    term_end,
    with_history,
)
from trust_frameworks.loader import presets
from trust_frameworks.returns import calendar, returns_due

TRUST = "t1"
YEAR = "2026/27"
_positions = itertools.count(1)
REGISTRIES = (ACADEMIES_EVENTS, EVALUATIONS_EVENTS, MEETINGS_EVENTS, SUPPORT_EVENTS)


def at(month: int, day: int, year: int | None = None) -> dt.datetime:
    year = year or (2026 if month >= 9 else 2027)
    return dt.datetime(year, month, day, 12, tzinfo=dt.UTC)


class Facts:
    """Every version of every fact with when it became known, as the store keeps them."""

    def __init__(self) -> None:
        self.versions: list[tuple[dt.datetime, Fact]] = []

    def record(self, event_type: str, when: dt.datetime, **payload: Any) -> None:
        payload = {"trust_id": TRUST, **payload}
        registry = next(r for r in REGISTRIES if r.knows(event_type, 1))
        registry.parse(event_type, 1, payload)  # the published contract holds
        envelope = EventEnvelope(
            event_id=uuid.uuid4(),
            event_type=event_type,
            schema_version=1,
            stream="s",
            stream_position=1,
            global_position=next(_positions),
            source=event_type.split(".")[0],
            key="k",
            occurred_at=when,
            actor=Actor(subject="someone", role="chief_executive"),
            correlation_id="c",
            payload=json.loads(json.dumps(payload, default=str)),
        )
        for change in fact_changes(envelope):
            previous = next(
                (
                    f
                    for _, f in reversed(self.versions)
                    if (f.academy_id, f.kind, f.key) == (change.academy_id, change.kind, change.key)
                ),
                None,
            )
            year = change.academic_year
            if year is None:
                year = previous.academic_year if previous else ""
            value = change.evolve(dict(previous.value) if previous else None)
            self.versions.append(
                (when, Fact(change.academy_id, year, change.kind, change.key, value))
            )

    def known_by(self, when: dt.datetime) -> list[Fact]:
        latest: dict[tuple[str, str, str], Fact] = {}
        for known_at, fact in self.versions:
            if known_at <= when:
                latest[(fact.academy_id, fact.kind, fact.key)] = fact
        return list(latest.values())


PRESET = "seed-004-focus"


@pytest.fixture
def framework():
    return presets()[PRESET]


def a_trust(framework) -> Facts:
    facts = Facts()
    facts.record("academies.TrustCreated", at(9, 1), name="Focus Trust", framework=PRESET)
    facts.record(
        "academies.FrameworkAdopted",
        at(9, 1),
        framework_id=framework.id,
        version=1,
        based_on_preset=PRESET,
        document=framework.model_dump(mode="json"),
    )
    for academy_id, name, phase in (
        ("alder", "Alder Academy", "secondary"),
        ("birch", "Birch Primary", "primary"),
    ):
        facts.record(
            "academies.AcademyRegistered",
            at(9, 1),
            academy_id=academy_id,
            urn="100001" if academy_id == "alder" else "100002",
            name=name,
            phase_of_education=phase,
            local_authority="Kent",
            date_joined="2020-09-01",
            new_to_trust=False,
        )
    return facts


def report(facts: Facts, framework, term: str, as_of: dt.date, **more: Any) -> BoardReport:
    known = facts.known_by(dt.datetime.combine(as_of, dt.time.max, dt.UTC))
    return board_report(TRUST, known, framework, 1, YEAR, term, as_of, more.get("spend", {}))


def row(found: BoardReport, academy_id: str):
    return next(a for a in found.academies if a.academy_id == academy_id)


def line(found: BoardReport, academy_id: str, dimension: str):
    academy = row(found, academy_id)
    return next(r for r in academy.ratings if r.dimension == dimension)


def submitted(facts: Facts, when: dt.datetime, academy_id: str, term: str, **values: Any) -> str:
    submission_id = f"sub-{uuid.uuid4().hex[:6]}"
    facts.record(
        "academies.DataSubmitted",
        when,
        academy_id=academy_id,
        submission_id=submission_id,
        period={"academic_year": YEAR, "term": term, "half_term": 0},
        return_type="termly_kpi",
        values={"kpis": {}, **values},
    )
    return submission_id


def test_attendance_is_rated_against_the_framework_lines_with_its_source(framework):
    facts = a_trust(framework)
    submitted(facts, at(12, 10), "alder", "autumn", attendance_percent=88.5)
    submitted(facts, at(12, 10), "birch", "autumn", attendance_percent=94.0)
    found = report(facts, framework, "autumn", dt.date(2026, 12, 19))
    assert line(found, "alder", "attendance").colour == "red"
    assert line(found, "alder", "attendance").reasons == (
        "88.5% (termly KPI return, autumn 2026/27) is below 90%",
    )
    assert line(found, "birch", "attendance").colour == "amber"
    assert line(found, "birch", "attendance").value == "94%"


def test_an_area_takes_the_trusts_latest_judgement_then_the_schools_then_the_inspection(
    framework,
):
    facts = a_trust(framework)
    facts.record(
        "academies.InspectionRecorded",
        at(9, 5),
        academy_id="alder",
        inspection_date="2024-03-01",
        scheme="ofsted-2019",
        grades={"quality_of_education": "good", "leadership_and_management": "good"},
        safeguarding=None,
    )

    def judged(kind: str, when: dt.datetime, grade: str, term: str = "autumn") -> None:
        facts.record(
            "evaluations.EvaluationJudged",
            when,
            academy_id="alder",
            evaluation_id=f"ev-{uuid.uuid4().hex[:6]}",
            kind=kind,
            academic_year=YEAR,
            term=term,
            scheme="ofsted-2019",
            judgements={"quality_of_education": grade},
            evidence=[],
            summary="",
            framework_version=1,
        )

    judged("self_evaluation", at(10, 1), "outstanding")
    judged("trust_evaluation", at(11, 1), "requires_improvement")
    judged("self_evaluation", at(11, 20), "good")  # the trust's view still stands
    judged("trust_evaluation", at(12, 1), "inadequate", term="spring")  # a later term's
    found = report(facts, framework, "autumn", dt.date(2026, 12, 19))
    quality = line(found, "alder", "quality_of_education")
    assert (quality.colour, quality.value) == ("amber", "requires_improvement")
    assert quality.reasons == ("Requires improvement (trust evaluation, autumn 2026/27)",)
    leadership = line(found, "alder", "leadership_and_management")
    assert leadership.reasons == ("Good (inspection on 2024-03-01)",)
    assert leadership.colour == "green"
    # Early years applies to neither a secondary's report nor is it judged: not rated.
    assert "early_years" not in {r.dimension for r in row(found, "alder").ratings}
    assert line(found, "birch", "early_years").colour == ""


def test_phase_and_formal_intervention(framework):
    facts = a_trust(framework)
    facts.record(
        "evaluations.PhaseChanged",
        at(10, 2),
        academy_id="alder",
        proposal_id="p1",
        subject=None,
        old_phase=None,
        new_phase="additional_support",
        reason="results",
        review="annual",
        proposed_by={"subject": "lead", "role": "improvement_lead"},
        confirmed_by={"subject": "ceo", "role": "chief_executive"},
        framework_version=1,
    )
    found = report(facts, framework, "autumn", dt.date(2026, 12, 19))
    phase = line(found, "alder", "phase")
    assert (phase.colour, phase.value) == ("amber", "additional_support")
    assert row(found, "alder").phase_name == framework.phase("additional_support").name
    facts.record(
        "evaluations.FormalInterventionStarted",
        at(12, 1),
        academy_id="alder",
        intervention_id="i1",
        started_on="2026-12-01",
        reason="safeguarding",
        notice={
            "dated": "2026-12-01",
            "to_roles": ["headteacher", "chair_of_lgb"],
            "reference": "letter-1",
        },
    )
    found = report(facts, framework, "autumn", dt.date(2026, 12, 19))
    assert line(found, "alder", "phase").colour == "red"
    assert line(found, "alder", "phase").reasons == ("formal intervention since 2026-12-01",)


def _action(facts: Facts, action_id: str, raised: dt.datetime, due: str) -> None:
    facts.record(
        "meetings.ActionRaised",
        raised,
        action_id=action_id,
        meeting_id="m1",
        academy_id="alder",
        title="Fix the timetable",
        owner={"subject": "head@alder", "role": "headteacher"},
        raised_on=raised.date().isoformat(),
        due_on=due,
        area=None,
    )


def test_overdue_actions_are_rated_by_the_frameworks_thresholds_as_of_the_date(framework):
    facts = a_trust(framework)
    _action(facts, "a1", at(10, 1), "2026-10-20")
    _action(facts, "a2", at(10, 1), "2026-11-20")
    _action(facts, "a3", at(10, 1), "2026-12-25")
    facts.record(
        "meetings.ActionCompleted",
        at(11, 25),
        action_id="a2",
        meeting_id="m1",
        academy_id="alder",
        completed_on="2026-11-25",
    )
    on_nov_21 = report(facts, framework, "autumn", dt.date(2026, 11, 21))
    actions = line(on_nov_21, "alder", "actions")
    assert (row(on_nov_21, "alder").open_actions, row(on_nov_21, "alder").overdue_actions) == (3, 2)
    assert actions.reasons == ("2 actions overdue (the oldest due 2026-10-20)",)
    assert (framework.rag.overdue_actions_amber, framework.rag.overdue_actions_red) == (1, 3)
    assert actions.colour == "amber"
    on_dec_19 = report(facts, framework, "autumn", dt.date(2026, 12, 19))
    assert (row(on_dec_19, "alder").open_actions, row(on_dec_19, "alder").overdue_actions) == (2, 1)
    assert line(on_dec_19, "alder", "actions").colour == "amber"


def test_a_late_or_missing_return_makes_returns_amber(framework):
    facts = a_trust(framework)
    autumn_end = term_end(framework, YEAR, "autumn")
    due = autumn_end + dt.timedelta(
        days=next(
            d for d in framework.data_drops if d.return_type == "termly_kpi"
        ).due_days_after_period_end
    )
    late = dt.datetime.combine(due + dt.timedelta(days=3), dt.time(12), dt.UTC)
    submitted(facts, late, "alder", "autumn", attendance_percent=96.0)
    found = report(facts, framework, "autumn", due + dt.timedelta(days=10))
    returns = line(found, "alder", "returns")
    assert returns.colour == "amber"
    assert (
        f"termly KPI return for autumn {YEAR} due {due}: returned {late.date()}, 3 days late"
        in (returns.reasons)
    )
    birch = line(found, "birch", "returns")
    assert f"termly KPI return for autumn {YEAR} due {due}: not returned" in birch.reasons


def test_overall_is_the_worst_line_with_its_reasons(framework):
    facts = a_trust(framework)
    submitted(facts, at(12, 10), "alder", "autumn", attendance_percent=88.0)
    found = report(facts, framework, "autumn", dt.date(2026, 12, 19))
    overall = row(found, "alder").overall
    assert overall.colour == "red"
    assert overall.reasons[0] == "the worst line"
    assert any(r.startswith("Attendance: 88%") for r in overall.reasons)


def test_majority_rule_takes_the_commonest_colour_ties_to_the_worse(framework):
    majority = framework.model_copy(
        update={"rag": framework.rag.model_copy(update={"overall": "majority"})}
    )
    facts = a_trust(majority)
    submitted(facts, at(12, 10), "alder", "autumn", attendance_percent=88.0)
    found = report(facts, majority, "autumn", dt.date(2026, 12, 19))
    rated = [r.colour for r in row(found, "alder").ratings if r.colour]
    overall = row(found, "alder").overall
    assert overall.colour == max(set(rated), key=lambda c: (rated.count(c), c == "red"))
    assert overall.reasons[0].startswith(f"most lines are {overall.colour}")


def test_change_since_last_term_and_what_was_recorded_since(framework):
    facts = a_trust(framework)
    first = submitted(facts, at(12, 10), "alder", "autumn", attendance_percent=88.0)
    autumn_end = dt.date(2026, 12, 19)
    assert previous_term(YEAR, "spring") == (YEAR, "autumn")
    submitted(facts, at(3, 20), "alder", "spring", attendance_percent=96.0)
    # In spring the autumn figure is corrected: the board saw 88% in December.
    facts.record(
        "academies.SubmissionCorrected",
        at(2, 2),
        academy_id="alder",
        submission_id=first,
        revision=2,
        values={"kpis": {}, "attendance_percent": 92.0},
        reason="register miscounted",
    )
    spring = report(facts, framework, "spring", dt.date(2027, 3, 27))
    autumn = report(facts, framework, "autumn", autumn_end)
    autumn_now = board_report(
        TRUST, facts.known_by(at(3, 27)), framework, 1, YEAR, "autumn", autumn_end, {}
    )
    spring = with_history(spring, autumn, None)
    assert (row(spring, "alder").previous_colour, row(spring, "alder").overall.colour) == (
        "red",
        row(spring, "alder").overall.colour,
    )
    assert row(spring, "alder").change in {"up", "same"}
    seen = with_history(autumn, None, autumn_now)
    assert line(seen, "alder", "attendance").value == "88%"
    revision = next(r for r in row(seen, "alder").revisions if r.dimension == "attendance")
    assert (revision.then_colour, revision.now_colour) == ("red", "amber")
    assert (revision.then_value, revision.now_value) == ("88%", "92%")
    assert row(seen, "alder").change == "new"


def test_nothing_recorded_after_the_date_counts(framework):
    facts = a_trust(framework)
    submitted(facts, at(12, 22), "alder", "autumn", attendance_percent=80.0)
    found = report(facts, framework, "autumn", dt.date(2026, 12, 19))
    assert line(found, "alder", "attendance").colour == ""
    assert line(found, "alder", "attendance").reasons == ("not returned yet",)


def test_an_academy_that_left_is_not_on_the_report_and_spend_is_carried(framework):
    facts = a_trust(framework)
    facts.record(
        "academies.AcademyLeftTrust",
        at(11, 1),
        academy_id="birch",
        date_left="2026-10-31",
        reason="rebrokered",
    )
    spend = {"alder": Spend(100_00, 60_00, 30_00, 25_00)}
    found = report(facts, framework, "autumn", dt.date(2026, 12, 19), spend=spend)
    assert [a.academy_id for a in found.academies] == ["alder"]
    assert row(found, "alder").spend == Spend(100_00, 60_00, 30_00, 25_00)
    assert found.trust_name == "Focus Trust"
    assert (found.framework_id, found.framework_version) == (framework.id, 1)


def test_entitlement_days_granted_and_used(framework):
    facts = a_trust(framework)
    facts.record(
        "support.EntitlementGranted",
        at(9, 2),
        academy_id="alder",
        academic_year=YEAR,
        framework_id=framework.id,
        framework_version=1,
        phase=None,
        support_tier=None,
        formal_intervention=False,
        core_days="6.00",
        tier_days="0.00",
        formal_intervention_days="0.00",
        package=[],
        total_days="6.00",
        effective_on="2026-09-01",
    )
    for source in ("m1", "m2"):
        facts.record(
            "support.EntitlementUsed",
            at(10, 2),
            academy_id="alder",
            academic_year=YEAR,
            use="meeting",
            source_id=source,
            days="1.50",
            used_on="2026-10-02",
            beyond_entitlement=False,
        )
    found = report(facts, framework, "autumn", dt.date(2026, 12, 19))
    alder = row(found, "alder")
    assert (str(alder.entitlement_days_granted), str(alder.entitlement_days_used)) == (
        "6.00",
        "3.00",
    )


# -- reading fast: the same answers -----------------------------------------------------


def test_the_data_drop_calendar_is_worked_out_once_per_framework_and_year(framework):
    # Given the framework's data drops
    # When its calendar of 2026/27 is asked for twice
    slots = calendar(framework, 2026)
    # Then it is one calendar, in due order, and what an academy owes with nothing sent
    assert calendar(framework, 2026) is slots
    assert list(slots) == sorted(slots, key=lambda s: (s.due_on, s.return_type))
    owed = returns_due(framework, dt.date(2027, 8, 31), dt.date(2020, 9, 1), None, [])
    assert [(d.return_type, d.term, d.half_term, d.due_on) for d in owed] == [
        (s.return_type, s.term, s.half_term, s.due_on) for s in slots
    ]
    assert calendar(framework, 2027)[0].due_on.year == 2027


def a_year_of_facts(framework) -> Facts:
    """Returns (one corrected later), judgements of two terms and an action."""
    facts = a_trust(framework)
    first = submitted(facts, at(12, 10), "alder", "autumn", attendance_percent=88.0)
    submitted(facts, at(1, 20), "birch", "autumn", attendance_percent=97.0)
    submitted(facts, at(3, 30), "alder", "spring", attendance_percent=91.0)
    facts.record(
        "academies.SubmissionCorrected",
        at(4, 2),
        academy_id="alder",
        submission_id=first,
        revision=2,
        values={"kpis": {}, "attendance_percent": 92.0},
        reason="register miscounted",
    )
    for when, term, grade in ((at(11, 1), "autumn", "good"), (at(3, 1), "spring", "inadequate")):
        facts.record(
            "evaluations.EvaluationJudged",
            when,
            academy_id="birch",
            evaluation_id=f"ev-{uuid.uuid4().hex[:6]}",
            kind="trust_evaluation",
            academic_year=YEAR,
            term=term,
            scheme="ofsted-2019",
            judgements={"quality_of_education": grade},
            evidence=[],
            summary="",
            framework_version=1,
        )
    return facts


def test_readings_of_one_request_rate_a_line_once_and_read_the_same(framework):
    # Given a year of facts, read as at a date and as known later (the same
    # versions are the same objects, as the store's readings give them)
    facts = a_year_of_facts(framework)
    as_of = dt.date(2027, 3, 20)
    then, now = facts.known_by(at(3, 20)), facts.known_by(at(8, 1))
    # When both reports are read with one memo, the later one for its lines only
    memo: dict = {}
    shared = board_report(TRUST, then, framework, 1, YEAR, "spring", as_of, {}, memo=memo)
    lines = board_report(
        TRUST, now, framework, 1, YEAR, "spring", as_of, {}, memo=memo, lines_only=True
    )
    # Then each is the report read alone, the lines-only one in its lines
    assert shared == board_report(TRUST, then, framework, 1, YEAR, "spring", as_of, {})
    alone = board_report(TRUST, now, framework, 1, YEAR, "spring", as_of, {})
    assert [(a.academy_id, a.ratings, a.overall) for a in lines.academies] == [
        (a.academy_id, a.ratings, a.overall) for a in alone.academies
    ]
    assert with_history(shared, None, lines) == with_history(shared, None, alone)
    # and what was recorded since shows (the correction, the spring return)
    assert line(with_history(shared, None, lines), "alder", "attendance").value == "88%"
    assert {r.dimension for r in row(with_history(shared, None, lines), "alder").revisions} >= {
        "attendance"
    }


class MemoryBoard:
    """The board facts port over facts versioned in memory."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.reads = 0

    def _at(self, years: Any, when: dt.datetime) -> list[Fact]:
        return [f for f in self.facts.known_by(when) if f.academic_year in {"", *years}]

    async def framework(self, trust_id: str, years: Any, known_by: dt.datetime) -> Fact | None:
        return next((f for f in self._at(years, known_by) if f.kind == "framework"), None)

    async def readings(
        self, trust_id: str, years: Any, known_by: Any, lines_only: Any = ()
    ) -> list[list[Fact]]:
        self.reads += 1
        return [self._at(years, when) for when in known_by]

    async def version(self, trust_id: str) -> tuple[int, ...]:
        return (len(self.facts.versions),)


class NoMoney:
    async def events(self, trust_id: str, academic_year: str) -> list:
        return []

    async def money_events(self, trust_id: str, academic_year: str, known_by: Any) -> list:
        return []

    async def version(self, trust_id: str, academic_year: str) -> tuple[int, ...]:
        return (0,)


async def test_a_report_read_again_is_found_until_something_is_recorded(framework):
    # Given a trust's year and a cache of reports
    facts = a_year_of_facts(framework)
    board, cache = MemoryBoard(facts), ReportCache(4)
    trustee = Principal("trustee@t1", Role.TRUSTEE, TRUST, frozenset())
    query = BoardQuery(TRUST, YEAR, "spring", "2027-03-20")
    now = dt.datetime(2027, 8, 16, 9, tzinfo=dt.UTC)
    # When the same report is read twice
    first = await get_board_report(board, NoMoney(), trustee, query, now, cache)
    again = await get_board_report(board, NoMoney(), trustee, query, now, cache)
    # Then the second is the first, not read again, and what reading without a cache gives
    assert again is first and board.reads == 1
    assert first == await get_board_report(MemoryBoard(facts), NoMoney(), trustee, query, now)
    # When another academy's scope asks, or something is recorded for the trust
    lead = Principal("lead@t1", Role.IMPROVEMENT_LEAD, TRUST, frozenset({"alder"}))
    scoped = await get_board_report(board, NoMoney(), lead, query, now, cache)
    assert [a.academy_id for a in scoped.academies] == ["alder"]
    submitted(facts, at(3, 19), "birch", "spring", attendance_percent=80.0)
    later = await get_board_report(board, NoMoney(), trustee, query, now, cache)
    # Then it is read again, with what was recorded
    assert later is not first and board.reads == 3
    assert line(later, "birch", "attendance").value == "80%"

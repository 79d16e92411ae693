"""The board's termly RAG report, from the facts known at a time. Pure.

For a trust, an academic year, a term and a date: each academy's phase, a
rating per line (the framework's RAG areas that apply to the academy, then
phase, inspection, attendance, Progress 8, the KPIs with lines, overdue
actions, late returns) and overall, each with its reasons; actions open and
overdue; entitlement days; spend against budget; meeting compliance.

"As at" is two things at once, and both are the date: what was known by its
end (the facts given), and the day things are judged on (an action is overdue
if open after its due day; a meeting counts once its day has come). Comparing
the report with the facts known now shows what was recorded since (revisions).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from contracts.money import days
from trust_frameworks.model import Framework
from trust_frameworks.returns import ReturnStatus, SubmittedReturn, returns_due

from reporting.domain import board_facts as kinds
from reporting.domain.board_facts import Fact
from reporting.domain.rag import (
    NOT_RATED,
    Rating,
    actions_rating,
    figure_rating,
    grade_rating,
    inspection_rating,
    overall_rating,
    phase_rating,
    returns_rating,
    severity,
)

TERMS = ("autumn", "spring", "summer")
_SELF = "self_evaluation"
_KIND_NAMES = {
    "self_evaluation": "self-evaluation",
    "trust_evaluation": "trust evaluation",
    "roundtable": "roundtable",
    "external_review": "external review",
}
_RETURN_NAMES = {
    "termly_kpi": "termly KPI return",
    "half_termly_data_drop": "half-termly data drop",
    "annual_summary": "annual summary",
}


@dataclass(frozen=True)
class Compliance:
    meetings_expected: int = 0
    meetings_held: int = 0
    papers_due: int = 0
    papers_on_time: int = 0
    notes_due: int = 0
    notes_on_time: int = 0

    def __add__(self, other: Compliance) -> Compliance:
        return Compliance(
            self.meetings_expected + other.meetings_expected,
            self.meetings_held + other.meetings_held,
            self.papers_due + other.papers_due,
            self.papers_on_time + other.papers_on_time,
            self.notes_due + other.notes_due,
            self.notes_on_time + other.notes_on_time,
        )


@dataclass(frozen=True)
class Spend:
    budget_pence: int = 0
    committed_pence: int = 0
    delivered_pence: int = 0
    invoiced_pence: int = 0


@dataclass(frozen=True)
class Revision:
    dimension: str
    then_colour: str
    now_colour: str
    then_value: str
    now_value: str


@dataclass(frozen=True)
class AcademyReport:
    academy_id: str
    name: str
    phase: str
    phase_name: str
    subject_phases: tuple[tuple[str, str, str], ...]  # subject, phase, its name
    ratings: tuple[Rating, ...]
    overall: Rating
    open_actions: int
    overdue_actions: int
    entitlement_days_granted: Decimal
    entitlement_days_used: Decimal
    spend: Spend
    compliance: Compliance
    change: str = "new"
    previous_colour: str = ""
    revisions: tuple[Revision, ...] = ()


@dataclass(frozen=True)
class BoardReport:
    trust_id: str
    trust_name: str
    academic_year: str
    term: str
    as_of: dt.date
    framework_id: str
    framework_version: int
    phase_label: str
    previous_term: str
    academies: tuple[AcademyReport, ...]
    compliance: Compliance = field(default_factory=Compliance)


# -- the calendar ---------------------------------------------------------------------


def year_start(academic_year: str) -> int:
    return int(academic_year[:4])


def previous_term(academic_year: str, term: str) -> tuple[str, str]:
    index = TERMS.index(term)
    if index:
        return academic_year, TERMS[index - 1]
    start = year_start(academic_year) - 1
    return f"{start}/{(start + 1) % 100:02d}", "summer"


def term_end(framework: Framework, academic_year: str, term: str) -> dt.date:
    return framework.term_calendar.half_term_end(year_start(academic_year), term, 2)


def _term_order(academic_year: str, term: str) -> tuple[int, int]:
    return year_start(academic_year), TERMS.index(term) if term in TERMS else 0


# -- per academy ------------------------------------------------------------------------


@dataclass
class _Academy:
    academy_id: str
    facts: dict[str, list[Fact]] = field(default_factory=dict)

    def of(self, kind: str) -> list[Fact]:
        return self.facts.get(kind, [])

    def one(self, kind: str, key: str = "") -> Mapping[str, Any] | None:
        return next((f.value for f in self.of(kind) if f.key == key), None)


def _by_academy(facts: Iterable[Fact]) -> tuple[dict[str, _Academy], dict[str, Mapping[str, Any]]]:
    academies: dict[str, _Academy] = {}
    trust: dict[str, Mapping[str, Any]] = {}
    for fact in facts:
        if not fact.academy_id:
            trust[fact.kind] = fact.value
            continue
        academy = academies.setdefault(fact.academy_id, _Academy(fact.academy_id))
        academy.facts.setdefault(fact.kind, []).append(fact)
    return academies, trust


def _area_ratings(
    framework: Framework, academy: _Academy, phase_of_education: str, year: str, term: str
) -> list[Rating]:
    upto = _term_order(year, term)
    judgements = sorted(
        (
            f.value
            for f in academy.of(kinds.JUDGEMENT)
            if _term_order(f.value["academic_year"], f.value["term"]) <= upto
        ),
        key=lambda v: (_term_order(v["academic_year"], v["term"]), v["judged_on"]),
    )
    inspections = sorted(
        (f.value for f in academy.of(kinds.INSPECTION)), key=lambda v: v["inspection_date"]
    )
    applicable = {a.id for a in framework.scheme.areas_for(phase_of_education)}
    ratings = []
    for area in framework.rag.areas:
        if area not in applicable:
            continue
        grade, source = _latest_grade(framework, area, judgements, inspections)
        ratings.append(grade_rating(framework, area, grade, source))
    return ratings


def _latest_grade(
    framework: Framework,
    area: str,
    judgements: Sequence[Mapping[str, Any]],
    inspections: Sequence[Mapping[str, Any]],
) -> tuple[str | None, str | None]:
    """The trust's latest view of the area; the school's own if the trust has none
    yet; failing both, the latest inspection on the framework's scheme."""
    on_scheme = [j for j in judgements if area in j["judgements"]]
    trusts = [j for j in on_scheme if j["kind"] != _SELF] or on_scheme
    if trusts:
        j = trusts[-1]
        kind = _KIND_NAMES.get(j["kind"], j["kind"])
        return j["judgements"][area], f"{kind}, {j['term']} {j['academic_year']}"
    for inspection in reversed(inspections):
        if inspection["scheme"] == framework.judgement_scheme and area in inspection["grades"]:
            return inspection["grades"][area], f"inspection on {inspection['inspection_date']}"
    return None, None


def _returns(academy: _Academy, year: str, term: str) -> list[Mapping[str, Any]]:
    """The academy's returns up to the term, oldest period first, latest revision."""
    upto = _term_order(year, term)
    found = [
        f.value
        for f in academy.of(kinds.RETURN)
        if _term_order(f.value["academic_year"], f.value["term"]) <= upto
    ]
    return sorted(
        found,
        key=lambda v: (
            _term_order(v["academic_year"], v["term"]),
            v["half_term"],
            v["submitted_on"],
        ),
    )


def _source(value: Mapping[str, Any]) -> str:
    name = _RETURN_NAMES.get(value["return_type"], value["return_type"])
    corrected = f", corrected {value['corrected_on']}" if value.get("corrected_on") else ""
    return f"{name}, {value['term']} {value['academic_year']}{corrected}"


def _data_ratings(framework: Framework, returns: Sequence[Mapping[str, Any]]) -> list[Rating]:
    rules = framework.rag

    def latest(pick: Any) -> tuple[float | None, str]:
        for value in reversed(returns):
            figure = pick(value["values"])
            if figure is not None:
                return float(figure), _source(value)
        return None, ""

    attendance, from_a = latest(lambda v: v.get("attendance_percent"))
    progress8, from_p = latest(lambda v: v.get("progress8_score"))
    ratings = [
        figure_rating("attendance", "Attendance", attendance, rules.attendance, "%", from_a),
        figure_rating("progress8", "Progress 8", progress8, rules.progress8, "", from_p),
    ]
    for name, lines in rules.kpis.items():
        figure, source = latest(lambda v, name=name: (v.get("kpis") or {}).get(name))
        ratings.append(figure_rating(f"kpi:{name}", name, figure, lines, "", source))
    return ratings


def _late_returns(
    framework: Framework,
    returns: Sequence[Mapping[str, Any]],
    joined: Mapping[str, Any],
    year: str,
    term: str,
    as_of: dt.date,
) -> list[str]:
    """Each return the framework's data-drop calendar asks for in the year up to
    the term that came late or, due by the date, has not come (the calendar's
    own reading: trust_frameworks.returns, as academies applies it)."""
    year_end = dt.date(year_start(year) + 1, 8, 31)
    submitted = [
        SubmittedReturn(
            r["return_type"],
            r["academic_year"],
            r["term"],
            r["half_term"],
            dt.date.fromisoformat(r["submitted_on"]),
        )
        for r in returns
    ]
    left = joined.get("left_on")
    due = returns_due(
        framework,
        min(as_of, year_end),
        dt.date.fromisoformat(str(joined.get("joined_on") or "1900-01-01")),
        dt.date.fromisoformat(left) if left else None,
        submitted,
    )
    late = []
    for found in due:
        if TERMS.index(found.term) > TERMS.index(term):
            continue
        half = f" (half-term {found.half_term})" if found.half_term else ""
        name = f"{_RETURN_NAMES[found.return_type]} for {found.term} {year}{half}"
        if found.status is ReturnStatus.MISSING:
            late.append(f"{name} due {found.due_on}: not returned")
        elif found.status is ReturnStatus.LATE and found.submitted_on is not None:
            days_late = (found.submitted_on - found.due_on).days
            late.append(
                f"{name} due {found.due_on}: returned {found.submitted_on}, {days_late} days late"
            )
    return late


def _actions(academy: _Academy, as_of: dt.date) -> tuple[int, int, str | None]:
    day = as_of.isoformat()
    open_ = [
        a.value
        for a in academy.of(kinds.ACTION)
        if a.value["raised_on"] <= day
        and (a.value["completed_on"] is None or a.value["completed_on"] > day)
    ]
    overdue = sorted(a["due_on"] for a in open_ if a["due_on"] < day)
    return len(open_), len(overdue), overdue[0] if overdue else None


def _compliance(
    framework: Framework, academy: _Academy, year: str, term: str, as_of: dt.date
) -> Compliance:
    upto = TERMS.index(term)
    day = as_of.isoformat()
    expected = held = papers_due = papers_on_time = notes_due = notes_on_time = 0
    for fact in academy.of(kinds.MEETING):
        meeting = fact.value
        if meeting.get("academic_year") != year or TERMS.index(meeting["term"]) > upto:
            continue
        held_on = meeting.get("held_on")
        if held_on and held_on <= day:
            held += 1
            if meeting["origin"] == "cadence":
                expected += 1
        elif (
            meeting["origin"] == "cadence"
            and not meeting["cancelled"]
            and meeting["scheduled_on"] <= day
        ):
            expected += 1
        kind = next((t for t in framework.meeting_types if t.id == meeting["meeting_type"]), None)
        if kind is None or meeting["cancelled"]:
            continue
        meets_on = dt.date.fromisoformat(held_on or meeting["scheduled_on"])
        for paper in kind.papers:
            if meets_on - dt.timedelta(days=paper.lead_time_days) <= as_of:
                papers_due += 1
                papers_on_time += bool(meeting["papers"].get(paper.name))
        if held_on and held_on <= day:
            met = {(d["document"], d["to_role"]) for d in meeting["deadlines"] if d["met"]}
            for deadline in kind.note_deadlines:
                if meets_on + dt.timedelta(days=deadline.within_days) < as_of:
                    notes_due += 1
                    notes_on_time += (deadline.document, deadline.to_role) in met
    return Compliance(expected, held, papers_due, papers_on_time, notes_due, notes_on_time)


def _in_force(phase: Mapping[str, Any], day: str) -> Mapping[str, Any] | None:
    """The phase decided by the day (its history, oldest first)."""
    history = phase.get("history") or [phase]
    return next((h for h in reversed(history) if h["since"] <= day), None)


def _phases(
    framework: Framework, academy: _Academy, as_of: dt.date
) -> tuple[str, str, str | None, tuple[tuple[str, str, str], ...]]:
    def name(phase: str) -> str:
        found = framework.phase(phase)
        return found.name if found else phase

    day = as_of.isoformat()
    decided = {f.key: _in_force(f.value, day) for f in academy.of(kinds.PHASE)}
    subjects = tuple(
        sorted((key, h["phase"], name(h["phase"])) for key, h in decided.items() if key and h)
    )
    whole = decided.get("")
    if whole:
        return whole["phase"], name(whole["phase"]), whole["since"], subjects
    if subjects:  # phased per subject only: the academy reads as its worst subject
        colours = framework.rag.phase_colours
        worst = max(subjects, key=lambda s: severity(colours.get(s[1], NOT_RATED)))
        since = decided[worst[0]]
        return worst[1], worst[2], since["since"] if since else None, subjects
    return "", "", None, subjects


def _intervening(intervention: Mapping[str, Any] | None, as_of: dt.date) -> str | None:
    """When the formal intervention open on the day started (None: none open)."""
    if not intervention:
        return None
    day = as_of.isoformat()
    ended = intervention.get("ended_on")
    if intervention["started_on"] <= day and (ended is None or ended > day):
        return str(intervention["started_on"])
    return None


def academy_report(
    framework: Framework,
    academy: _Academy,
    year: str,
    term: str,
    as_of: dt.date,
    spend: Spend,
) -> AcademyReport:
    details = academy.one(kinds.ACADEMY) or {}
    phase, phase_name, since, subjects = _phases(framework, academy, as_of)
    intervening = _intervening(academy.one(kinds.INTERVENTION), as_of)
    inspections = sorted(
        (
            f.value
            for f in academy.of(kinds.INSPECTION)
            if f.value["inspection_date"] <= as_of.isoformat()
        ),
        key=lambda v: v["inspection_date"],
    )
    last = inspections[-1] if inspections else None
    returns = _returns(academy, year, term)
    open_actions, overdue, oldest = _actions(academy, as_of)
    ratings = [
        *_area_ratings(framework, academy, details.get("phase_of_education", ""), year, term),
        phase_rating(framework, phase or None, since, intervening),
        inspection_rating(
            framework,
            last["inspection_date"] if last else None,
            dict(last["grades"]) if last else {},
            last["safeguarding"] if last else None,
        ),
        *_data_ratings(framework, returns),
        actions_rating(framework, overdue, oldest),
        returns_rating(framework, _late_returns(framework, returns, details, year, term, as_of)),
    ]
    entitlement = next(
        (f.value for f in academy.of(kinds.ENTITLEMENT) if f.academic_year == year), {}
    )
    return AcademyReport(
        academy_id=academy.academy_id,
        name=str(details.get("name", academy.academy_id)),
        phase=phase,
        phase_name=phase_name,
        subject_phases=subjects,
        ratings=tuple(ratings),
        overall=overall_rating(framework, ratings),
        open_actions=open_actions,
        overdue_actions=overdue,
        entitlement_days_granted=days(entitlement.get("total_days", "0")),
        entitlement_days_used=days(entitlement.get("used_days", "0")),
        spend=spend,
        compliance=_compliance(framework, academy, year, term, as_of),
    )


def _in_trust_on(details: Mapping[str, Any] | None, as_of: dt.date) -> bool:
    if not details:
        return False
    day = as_of.isoformat()
    left = details.get("left_on")
    return str(details.get("joined_on", "")) <= day and (left is None or left > day)


def board_report(
    trust_id: str,
    facts: Iterable[Fact],
    framework: Framework,
    framework_version: int,
    year: str,
    term: str,
    as_of: dt.date,
    spend: Mapping[str, Spend],
    academies: frozenset[str] | None = None,
) -> BoardReport:
    """The report from the facts known at the date (the caller reads them so);
    only the ``academies`` given, or every academy in the trust on the date."""
    by_academy, trust = _by_academy(facts)
    reports = [
        academy_report(framework, academy, year, term, as_of, spend.get(academy_id, Spend()))
        for academy_id, academy in by_academy.items()
        if (academies is None or academy_id in academies)
        and _in_trust_on(academy.one(kinds.ACADEMY), as_of)
    ]
    reports.sort(key=lambda r: (r.name.casefold(), r.academy_id))
    total = Compliance()
    for report in reports:
        total = total + report.compliance
    last_year, last_term = previous_term(year, term)
    return BoardReport(
        trust_id=trust_id,
        trust_name=str((trust.get(kinds.TRUST) or {}).get("name", trust_id)),
        academic_year=year,
        term=term,
        as_of=as_of,
        framework_id=framework.id,
        framework_version=framework_version,
        phase_label=framework.phase_label,
        previous_term=f"{last_term} {last_year}",
        academies=tuple(reports),
        compliance=total,
    )


def with_history(
    report: BoardReport, previous: BoardReport | None, now: BoardReport | None
) -> BoardReport:
    """The report with each academy's change since last term's report, and (when
    ``now`` is the same report from what is known today) what was recorded since."""
    before = {a.academy_id: a.overall.colour for a in previous.academies} if previous else {}
    today = {a.academy_id: a for a in now.academies} if now else {}
    academies = []
    for academy in report.academies:
        was = before.get(academy.academy_id, NOT_RATED)
        academies.append(
            replace(
                academy,
                change=_change(was, academy.overall.colour),
                previous_colour=was,
                revisions=_revisions(academy, today.get(academy.academy_id)),
            )
        )
    return replace(report, academies=tuple(academies))


def _change(was: str, now: str) -> str:
    if not was or not now:
        return "new"
    if severity(now) < severity(was):
        return "up"
    if severity(now) > severity(was):
        return "down"
    return "same"


def _revisions(then: AcademyReport, now: AcademyReport | None) -> tuple[Revision, ...]:
    if now is None:
        return ()
    current = {r.dimension: r for r in (*now.ratings, now.overall)}
    found = []
    for rating in (*then.ratings, then.overall):
        later = current.get(rating.dimension)
        if later and (later.colour, later.value) != (rating.colour, rating.value):
            found.append(
                Revision(rating.dimension, rating.colour, later.colour, rating.value, later.value)
            )
    return tuple(found)

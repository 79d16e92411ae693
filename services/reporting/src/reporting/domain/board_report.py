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
from functools import lru_cache
from typing import Any

from contracts.money import days
from contracts.values import academic_year_of, academic_year_start
from trust_frameworks.model import Framework
from trust_frameworks.returns import (
    ReturnStatus,
    Slot,
    SubmittedReturn,
    calendar,
    returns_due,
)

from reporting.domain import board_facts as kinds
from reporting.domain.board_facts import Fact
from reporting.domain.ledger import LedgerEvent, spend_by_academy
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
    with_previous,
)

TERMS = ("autumn", "spring", "summer")
# The kinds of fact no rating line reads (compliance and entitlement do): a
# report only compared with (``lines_only``) needs none of them, so its reading
# can leave them out.
NOT_IN_LINES = frozenset({kinds.MEETING, kinds.ENTITLEMENT})
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

    @property
    def remaining_pence(self) -> int:
        """As the ledger has it: budget - committed."""
        return self.budget_pence - self.committed_pence


@dataclass(frozen=True)
class Revision:
    dimension: str
    then_colour: str
    now_colour: str
    then_value: str
    now_value: str
    label: str = ""


@dataclass(frozen=True)
class OverdueAction:
    action_id: str
    title: str
    owner_subject: str
    owner_role: str
    due_on: str
    days_overdue: int


@dataclass(frozen=True)
class Totals:
    """The trust's sums of the academies' columns."""

    open_actions: int = 0
    overdue_actions: int = 0
    entitlement_days_granted: Decimal = Decimal("0.00")
    entitlement_days_used: Decimal = Decimal("0.00")
    spend: Spend = Spend()


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
    overdue: tuple[OverdueAction, ...] = ()  # most overdue first


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
    framework_name: str = ""
    totals: Totals = field(default_factory=Totals)


# -- spend ---------------------------------------------------------------------------


def academy_spend(
    trust_id: str, academic_year: str, events: Iterable[LedgerEvent]
) -> dict[str, Spend]:
    """Each academy's spend: its rows in the support ledger of the year, summed
    (domain.ledger.spend_by_academy)."""
    return {
        academy_id: Spend(f.budget_pence, f.committed_pence, f.delivered_pence, f.invoiced_pence)
        for academy_id, f in spend_by_academy(trust_id, academic_year, events).items()
    }


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


@lru_cache(maxsize=1024)  # a handful of years and terms, asked of every fact
def _term_order(academic_year: str, term: str) -> tuple[int, int]:
    return year_start(academic_year), TERMS.index(term) if term in TERMS else 0


# -- per academy ------------------------------------------------------------------------

# Lines already rated in one request, keyed by what they were rated from: the
# Fact objects by identity (a version that several readings hold is one
# object) and the framework by identity (alive for the request). Never kept
# beyond the request.
Memo = dict[tuple[Any, ...], Any]
_NONE: tuple[Fact, ...] = ()


@dataclass
class _Academy:
    academy_id: str
    facts: dict[str, list[Fact]] = field(default_factory=dict)

    def of(self, kind: str) -> Sequence[Fact]:
        return self.facts.get(kind, _NONE)

    def one(self, kind: str, key: str = "") -> Mapping[str, Any] | None:
        return next((f.value for f in self.of(kind) if f.key == key), None)


def _by_academy(facts: Iterable[Fact]) -> tuple[dict[str, _Academy], dict[str, Mapping[str, Any]]]:
    academies: dict[str, _Academy] = {}
    trust: dict[str, Mapping[str, Any]] = {}
    current = ""
    by_kind: dict[str, list[Fact]] = {}
    for fact in facts:
        academy_id = fact.academy_id
        if not academy_id:
            trust[fact.kind] = fact.value
            continue
        if academy_id != current:  # the facts come academy by academy
            academy = academies.get(academy_id)
            if academy is None:
                academy = academies[academy_id] = _Academy(academy_id)
            by_kind, current = academy.facts, academy_id
        found = by_kind.get(fact.kind)
        if found is None:
            by_kind[fact.kind] = [fact]
        else:
            found.append(fact)
    return academies, trust


class _Rules:
    """One report's reading of its framework and date, worked out once for all
    its academies."""

    def __init__(
        self, framework: Framework, year: str, term: str, as_of: dt.date, memo: Memo
    ) -> None:
        self.framework = framework
        self.year, self.term, self.as_of = year, term, as_of
        self.day = as_of.isoformat()
        self.upto = _term_order(year, term)
        self.term_index = TERMS.index(term)
        self.memo = memo
        self.key = (id(framework), year, term, as_of)
        self.year_end = dt.date(year_start(year) + 1, 8, 31)
        # Returns sent after this day count for nothing on the date.
        returns_on = min(as_of, self.year_end)
        self.returns_by = returns_on.isoformat()
        # The data-drop calendar as trust_frameworks.returns.returns_due reads it
        # on that day (its year's slots, due date order), worked out once: the
        # slots of the terms up to the report's, the only ones it lists.
        self.returns_on = returns_on
        self.returns_year = academic_year_of(returns_on)
        self.return_slots: tuple[Slot, ...] = tuple(
            slot
            for slot in calendar(framework, academic_year_start(self.returns_year))
            if TERMS.index(slot.term) <= self.term_index
        )
        self._areas: dict[str, frozenset[str]] = {}
        # Per meeting type (the first of an id, as framework.meeting_type reads):
        # each paper's name and the last meeting day for which it is due by the
        # date (the meeting day - its lead time <= the date); each note
        # deadline's document, reader and the day before which a meeting's note
        # is due by the date (the meeting day + its days < the date).
        # A note deadline also says how many days it allows and whether the
        # draft reaches its reader (then the first draft meets it, as meetings
        # counts it; otherwise the circulation).
        self.meeting_types: dict[
            str, tuple[list[tuple[str, str]], list[tuple[str, str, str, int, bool]]]
        ] = {}
        for kind in framework.meeting_types:
            if kind.id in self.meeting_types:
                continue
            papers = [
                (paper.name, (as_of + dt.timedelta(days=paper.lead_time_days)).isoformat())
                for paper in kind.papers
            ]
            notes = [
                (
                    deadline.document,
                    deadline.to_role,
                    (as_of - dt.timedelta(days=deadline.within_days)).isoformat(),
                    deadline.within_days,
                    kind.draft_reaches(deadline.to_role),
                )
                for deadline in kind.note_deadlines
            ]
            self.meeting_types[kind.id] = (papers, notes)

    def areas(self, phase_of_education: str) -> frozenset[str]:
        found = self._areas.get(phase_of_education)
        if found is None:
            scheme = self.framework.scheme
            found = frozenset(a.id for a in scheme.areas_for(phase_of_education))
            self._areas[phase_of_education] = found
        return found


def _area_ratings(rules: _Rules, academy: _Academy, phase_of_education: str) -> list[Rating]:
    upto = rules.upto
    judged = [
        f
        for f in academy.of(kinds.JUDGEMENT)
        if _term_order(f.value["academic_year"], f.value["term"]) <= upto
    ]
    inspected = academy.of(kinds.INSPECTION)
    key = (
        "areas",
        id(rules.framework),
        upto,
        phase_of_education,
        tuple(map(id, judged)),
        tuple(map(id, inspected)),
    )
    found: list[Rating] | None = rules.memo.get(key)
    if found is not None:
        return found
    framework = rules.framework
    judgements = sorted(
        (f.value for f in judged),
        key=lambda v: (_term_order(v["academic_year"], v["term"]), v["judged_on"]),
    )
    inspections = sorted((f.value for f in inspected), key=lambda v: v["inspection_date"])
    applicable = rules.areas(phase_of_education)
    found = []
    for area in framework.rag.areas:
        if area not in applicable:
            continue
        grade, source = _latest_grade(framework, area, judgements, inspections)
        memo_key = ("grade", id(framework), area, grade, source)
        rating = rules.memo.get(memo_key)
        if rating is None:
            rating = rules.memo[memo_key] = grade_rating(framework, area, grade, source)
        found.append(rating)
    rules.memo[key] = found
    return found


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


def _returns(academy: _Academy, upto: tuple[int, int]) -> list[Fact]:
    """The academy's returns up to the term, oldest period first, latest revision."""
    found = [
        f
        for f in academy.of(kinds.RETURN)
        if _term_order(f.value["academic_year"], f.value["term"]) <= upto
    ]
    return sorted(
        found,
        key=lambda f: (
            _term_order(f.value["academic_year"], f.value["term"]),
            f.value["half_term"],
            f.value["submitted_on"],
        ),
    )


def _source(value: Mapping[str, Any]) -> str:
    name = _RETURN_NAMES.get(value["return_type"], value["return_type"])
    corrected = f", corrected {value['corrected_on']}" if value.get("corrected_on") else ""
    return f"{name}, {value['term']} {value['academic_year']}{corrected}"


def _data_ratings(rules: _Rules, returned: Sequence[Fact]) -> list[Rating]:
    key = ("data", id(rules.framework), tuple(map(id, returned)))
    found: list[Rating] | None = rules.memo.get(key)
    if found is None:
        found = rules.memo[key] = _rate_data(rules.framework, [f.value for f in returned])
    return found


def _rate_data(framework: Framework, returns: Sequence[Mapping[str, Any]]) -> list[Rating]:
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


def _returns_rating(rules: _Rules, returned: Sequence[Fact], joined: Mapping[str, Any]) -> Rating:
    # Only returns sent by the date count (returns_due's own reading), so a
    # reading that knows of later ones rates the line the same.
    sent = [f.value for f in returned if f.value["submitted_on"] <= rules.returns_by]
    joined_on, left_on = joined.get("joined_on"), joined.get("left_on")
    key = (
        "returns",
        rules.key,
        joined_on,
        left_on,
        *(
            (r["return_type"], r["academic_year"], r["term"], r["half_term"], r["submitted_on"])
            for r in sent
        ),
    )
    found: Rating | None = rules.memo.get(key)
    if found is None:
        late = _late_returns(rules, sent, joined_on, left_on)
        found = rules.memo[key] = returns_rating(rules.framework, late)
    return found


def _late_returns(
    rules: _Rules, returns: Sequence[Mapping[str, Any]], joined_on: Any, left: Any
) -> list[str]:
    """Each return the framework's data-drop calendar asks for in the year up to
    the term that came late or, due by the date, has not come (the calendar's
    own reading: trust_frameworks.returns, as academies applies it, over the
    slots worked out once per report)."""
    year = rules.year
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
    due = returns_due(
        rules.framework,
        rules.returns_on,
        dt.date.fromisoformat(str(joined_on or "1900-01-01")),
        dt.date.fromisoformat(left) if left else None,
        submitted,
        rules.return_slots,
    )
    late = []
    for found in due:
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


def _actions(academy: _Academy, day: str) -> tuple[int, tuple[OverdueAction, ...]]:
    """The academy's open actions on the day, and the overdue ones, most overdue first."""
    open_ = 0
    overdue = []
    for a in academy.of(kinds.ACTION):
        action = a.value
        if action["raised_on"] <= day:
            completed = action["completed_on"]
            if completed is None or completed > day:
                open_ += 1
                if action["due_on"] < day:
                    overdue.append((a.key, action))
    on = dt.date.fromisoformat(day)
    listed = sorted(
        (
            OverdueAction(
                action_id=key,
                title=action["title"],
                owner_subject=action["owner_subject"],
                owner_role=action["owner_role"],
                due_on=action["due_on"],
                days_overdue=(on - dt.date.fromisoformat(action["due_on"])).days,
            )
            for key, action in overdue
        ),
        key=lambda o: (o.due_on, o.title, o.action_id),
    )
    return open_, tuple(listed)


def _compliance(rules: _Rules, academy: _Academy) -> Compliance:
    upto = rules.term_index
    day = rules.day
    year = rules.year
    types = rules.meeting_types
    expected = held = papers_due = papers_on_time = notes_due = notes_on_time = 0
    for fact in academy.of(kinds.MEETING):
        meeting = fact.value
        if meeting.get("academic_year") != year or TERMS.index(meeting["term"]) > upto:
            continue
        held_on: str | None = meeting.get("held_on")
        was_held = held_on is not None and held_on != "" and held_on <= day
        cancelled = meeting["cancelled"]
        if was_held:
            held += 1
            if meeting["origin"] == "cadence":
                expected += 1
        elif meeting["origin"] == "cadence" and not cancelled and meeting["scheduled_on"] <= day:
            expected += 1
        kind = types.get(meeting["meeting_type"])
        if kind is None or cancelled:
            continue
        papers, notes = kind
        meets_on = held_on or meeting["scheduled_on"]
        for name, due_by in papers:
            if meets_on <= due_by:
                papers_due += 1
                papers_on_time += bool(meeting["papers"].get(name))
        if was_held:
            for document, to_role, before, within_days, by_draft in notes:
                if meets_on < before:
                    notes_due += 1
                    notes_on_time += _note_on_time(
                        meeting, meets_on, document, to_role, within_days, by_draft, day
                    )
    return Compliance(expected, held, papers_due, papers_on_time, notes_due, notes_on_time)


def _note_on_time(
    meeting: Mapping[str, Any],
    held_on: str,
    document: str,
    to_role: str,
    within_days: int,
    by_draft: bool,
    day: str,
) -> bool:
    """Whether a note deadline was met by the date, as meetings judges it: the
    notes reached the reader (the first draft, if the draft reaches them; else
    the circulation) by the date and by the deadline."""
    delivered = meeting.get("drafted_on") if by_draft else meeting.get("circulated_on")
    if delivered is None and "circulated_on" not in meeting:
        # Recorded before the report kept these days: the circulation's own verdict.
        return any(
            d["met"] and (d["document"], d["to_role"]) == (document, to_role)
            for d in meeting.get("deadlines", ())
        )
    if delivered is None or delivered > day:
        return False
    due_on = (dt.date.fromisoformat(held_on) + dt.timedelta(days=within_days)).isoformat()
    return bool(delivered <= due_on)


def _in_force(phase: Mapping[str, Any], day: str) -> Mapping[str, Any] | None:
    """The phase decided by the day (its history, oldest first)."""
    history = phase.get("history") or [phase]
    return next((h for h in reversed(history) if h["since"] <= day), None)


def _phases(
    framework: Framework, academy: _Academy, day: str
) -> tuple[str, str, str | None, tuple[tuple[str, str, str], ...]]:
    def name(phase: str) -> str:
        found = framework.phase(phase)
        return found.name if found else phase

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


def _intervening(intervention: Mapping[str, Any] | None, day: str) -> str | None:
    """When the formal intervention open on the day started (None: none open)."""
    if not intervention:
        return None
    ended = intervention.get("ended_on")
    if intervention["started_on"] <= day and (ended is None or ended > day):
        return str(intervention["started_on"])
    return None


def academy_report(
    rules: _Rules, academy: _Academy, spend: Spend, lines_only: bool = False
) -> AcademyReport:
    framework, day = rules.framework, rules.day
    details = academy.one(kinds.ACADEMY) or {}
    phase, phase_name, since, subjects = _phases(framework, academy, day)
    intervening = _intervening(academy.one(kinds.INTERVENTION), day)
    last: Mapping[str, Any] | None = None
    last_day = ""
    for f in academy.of(kinds.INSPECTION):  # the latest by the date (the last of a day)
        on = f.value["inspection_date"]
        if on <= day and (last is None or on >= last_day):
            last, last_day = f.value, on
    returned = _returns(academy, rules.upto)
    open_actions, overdue_listed = _actions(academy, day)
    overdue = len(overdue_listed)
    oldest = overdue_listed[0].due_on if overdue_listed else None
    memo = rules.memo
    # Lines rated from equal inputs are the same Rating: rated once a request.
    phase_key = ("phase", id(framework), phase, since, intervening)
    phase_line: Rating | None = memo.get(phase_key)
    if phase_line is None:
        phase_line = memo[phase_key] = phase_rating(framework, phase or None, since, intervening)
    # Keyed by the inspection's value object, alive as long as the memo (its Fact is).
    inspection_key = ("inspection", id(framework), id(last))
    inspection_line: Rating | None = memo.get(inspection_key)
    if inspection_line is None:
        inspection_line = memo[inspection_key] = inspection_rating(
            framework,
            last["inspection_date"] if last else None,
            dict(last["grades"]) if last else {},
            last["safeguarding"] if last else None,
            last["scheme"] if last else None,
        )
    actions_key = ("actions", id(framework), overdue, oldest)
    actions_line: Rating | None = memo.get(actions_key)
    if actions_line is None:
        actions_line = memo[actions_key] = actions_rating(framework, overdue, oldest)
    ratings = [
        *_area_ratings(rules, academy, details.get("phase_of_education", "")),
        phase_line,
        inspection_line,
        *_data_ratings(rules, returned),
        actions_line,
        _returns_rating(rules, returned, details),
    ]
    # Every line is one of the memo's Ratings (alive with it), so their
    # identities name them.
    overall_key = ("overall", id(framework), *map(id, ratings))
    overall: Rating | None = memo.get(overall_key)
    if overall is None:
        overall = memo[overall_key] = overall_rating(framework, ratings)
    if lines_only:  # what a report compared with is read for: its lines
        return AcademyReport(
            academy.academy_id,
            str(details.get("name", academy.academy_id)),
            phase,
            phase_name,
            subjects,
            tuple(ratings),
            overall,
            open_actions,
            overdue,
            _NO_DAYS,
            _NO_DAYS,
            spend,
            Compliance(),
        )
    entitlement = next(
        (f.value for f in academy.of(kinds.ENTITLEMENT) if f.academic_year == rules.year), {}
    )
    return AcademyReport(
        academy_id=academy.academy_id,
        name=str(details.get("name", academy.academy_id)),
        phase=phase,
        phase_name=phase_name,
        subject_phases=subjects,
        ratings=tuple(ratings),
        overall=overall,
        open_actions=open_actions,
        overdue_actions=overdue,
        entitlement_days_granted=days(entitlement.get("total_days", "0")),
        entitlement_days_used=days(entitlement.get("used_days", "0")),
        spend=spend,
        compliance=_compliance(rules, academy),
        overdue=overdue_listed,
    )


_NO_DAYS = Decimal("0.00")


def _in_trust_on(details: Mapping[str, Any] | None, day: str) -> bool:
    if not details:
        return False
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
    *,
    memo: Memo | None = None,
    lines_only: bool = False,
) -> BoardReport:
    """The report from the facts known at the date (the caller reads them so);
    only the ``academies`` given, or every academy in the trust on the date.

    ``memo``: lines rated earlier in the same request (other readings of the
    same facts), reused where rated from the same Fact objects. ``lines_only``:
    each academy's lines and overall only (for a report that is only compared
    with, as ``with_history`` does); its compliance and entitlement are left
    at nothing."""
    by_academy, trust = _by_academy(facts)
    rules = _Rules(framework, year, term, as_of, {} if memo is None else memo)
    day = rules.day
    no_spend = Spend()
    reports = [
        academy_report(rules, academy, spend.get(academy_id, no_spend), lines_only)
        for academy_id, academy in by_academy.items()
        if (academies is None or academy_id in academies)
        and _in_trust_on(academy.one(kinds.ACADEMY), day)
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
        framework_name=framework.name,
        totals=_totals(reports),
    )


def _totals(reports: Iterable[AcademyReport]) -> Totals:
    reports = list(reports)
    spends = [r.spend for r in reports]
    return Totals(
        open_actions=sum(r.open_actions for r in reports),
        overdue_actions=sum(r.overdue_actions for r in reports),
        entitlement_days_granted=sum((r.entitlement_days_granted for r in reports), _NO_DAYS),
        entitlement_days_used=sum((r.entitlement_days_used for r in reports), _NO_DAYS),
        spend=Spend(
            sum(s.budget_pence for s in spends),
            sum(s.committed_pence for s in spends),
            sum(s.delivered_pence for s in spends),
            sum(s.invoiced_pence for s in spends),
        ),
    )


def with_history(
    report: BoardReport, previous: BoardReport | None, now: BoardReport | None
) -> BoardReport:
    """The report with each academy's change since last term's report, and (when
    ``now`` is the same report from what is known today) what was recorded since."""
    before = {a.academy_id: a for a in previous.academies} if previous else {}
    today = {a.academy_id: a for a in now.academies} if now else {}
    academies = []
    no_lines: dict[str, str] = {}
    for academy in report.academies:
        last_term = before.get(academy.academy_id)
        was = last_term.overall.colour if last_term else NOT_RATED
        lines = {r.dimension: r.colour for r in last_term.ratings} if last_term else no_lines
        # Built directly, not by ``replace`` (its generic cost, on every academy).
        academies.append(
            AcademyReport(
                academy.academy_id,
                academy.name,
                academy.phase,
                academy.phase_name,
                academy.subject_phases,
                tuple(with_previous(r, lines.get(r.dimension, NOT_RATED)) for r in academy.ratings),
                with_previous(academy.overall, was),
                academy.open_actions,
                academy.overdue_actions,
                academy.entitlement_days_granted,
                academy.entitlement_days_used,
                academy.spend,
                academy.compliance,
                _change(was, academy.overall.colour),
                was,
                _revisions(academy, today.get(academy.academy_id)),
                academy.overdue,
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
                Revision(
                    rating.dimension,
                    rating.colour,
                    later.colour,
                    rating.value,
                    later.value,
                    rating.label,
                )
            )
    return tuple(found)

"""The framework model: one trust's improvement framework as validated data.

Strict pydantic models (unknown keys refused). Cross-references (phases named
by meetings, areas and grades named by RAG rules, meetings counted in the
entitlement) are checked after parsing, each problem with its field path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from trust_frameworks.schemes import SCHEMES, JudgementScheme

Role = Literal[
    "trustee",
    "chief_executive",
    "improvement_lead",
    "headteacher",
    "chair_of_lgb",
    "finance",
    "provider",
]
Colour = Literal["red", "amber", "green"]
Progress8Band = Literal["well_above", "above", "average", "below", "well_below"]
SCHOOL_WEEKS_PER_YEAR = 39
# Ids travel in events (phase ids in PhaseChanged, the framework id in
# FrameworkAdopted): the published contracts allow 64 characters (contracts.limits).
ID_MAX = 64


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Phase(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$", max_length=ID_MAX)
    name: str
    support_tier: str
    less_than_good: bool = Field(description="whether this phase counts as 'less than good'")
    progress8_bands: list[Progress8Band] = Field(
        default_factory=list, description="Progress 8 bands that suggest this phase"
    )
    judgement_grades: list[str] = Field(
        default_factory=list, description="overall grades (of the scheme) that suggest it"
    )
    description: str = ""


class Cadence(_Strict):
    """Exactly one of: a number of meetings per academic year, or an interval."""

    times_per_year: int | None = Field(None, ge=1)
    interval_weeks: int | None = Field(None, ge=1)
    at_least: bool = Field(False, description="a minimum; more may be held")

    @model_validator(mode="after")
    def _one_kind(self) -> Cadence:
        if (self.times_per_year is None) == (self.interval_weeks is None):
            raise ValueError("give exactly one of times_per_year or interval_weeks")
        return self

    def per_year(self) -> int:
        if self.times_per_year is not None:
            return self.times_per_year
        assert self.interval_weeks is not None
        return SCHOOL_WEEKS_PER_YEAR // self.interval_weeks


class AppliesTo(_Strict):
    all_academies: bool = False
    less_than_good: bool = False
    formal_intervention: bool = False
    phases: list[str] = Field(default_factory=list)
    on_request: bool = False


class Paper(_Strict):
    name: str
    provided_by: Role
    lead_time_days: int = Field(ge=0)


class NoteDeadline(_Strict):
    document: str
    to_role: Role
    within_days: int = Field(ge=0)


class MeetingType(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$", max_length=ID_MAX)
    name: str
    cadence: Cadence
    applies_to: AppliesTo
    duration_minutes: int = Field(ge=15, le=8 * 60)
    chair_role: Role
    attendee_roles: list[Role]
    papers: list[Paper] = Field(default_factory=list)
    note_approvers: list[Role] = Field(default_factory=list)
    note_deadlines: list[NoteDeadline] = Field(default_factory=list)
    entitlement_days: float = Field(1.0, ge=0, description="days of entitlement one meeting uses")
    notes_confidential: bool = True
    cite: str = ""

    def draft_reaches(self, role: str) -> bool:
        """Whether the notes' draft goes to ``role`` before they are circulated
        (the headteacher and the note approvers): a note deadline to them is met
        by the first draft; to anyone else, by the circulation."""
        return role in DRAFT_READERS or role in self.note_approvers

    def reads_draft(self, role: str) -> bool:
        """Whether ``role`` may read the notes before they are circulated: the
        chair who drafts them, and those the draft reaches."""
        return role == self.chair_role or self.draft_reaches(role)


# Who reads a meeting's draft notes besides its note approvers (and its chair).
DRAFT_READERS = frozenset({"headteacher"})

NeedArea = Literal[
    "attendance",
    "behaviour",
    "send",
    "curriculum",
    "teaching",
    "personal_development",
    "careers_guidance",
    "leadership",
    "governance",
    "safeguarding",
    "early_years",
    "sixth_form",
    "data_and_assessment",
    "inclusion",
]


class PackageItem(_Strict):
    """One piece of a standard annual package every academy is entitled to
    (seed 002's 'Standard Annual Partnership Academy Improvement Initiatives')."""

    name: str = Field(max_length=200)
    need_area: NeedArea
    days: float = Field(0, ge=0, description="days of the entitlement it uses when delivered")


class Entitlements(_Strict):
    core_days_per_year: float = Field(ge=0)
    includes_meeting_types: list[str] = Field(default_factory=list)
    additional_days_by_tier: dict[str, float] = Field(default_factory=dict)
    formal_intervention_days: float = Field(
        0, ge=0, description="days added for the rest of the year under formal intervention"
    )
    package: list[PackageItem] = Field(default_factory=list)
    provider: str = ""
    cite: str = ""

    def tier_days(self, tier: str | None) -> float:
        return self.additional_days_by_tier.get(tier, 0.0) if tier else 0.0


class BudgetRules(_Strict):
    required_when_less_than_good: bool = False
    required_for_phases: list[str] = Field(default_factory=list)
    approver_roles: list[Role]
    over_commitment: Literal["refuse", "refuse_unless_approved", "allow_with_warning"]
    over_commitment_approver: Role | None = None
    cite: str = ""


class Threshold(_Strict):
    """A figure rated against two lines: amber below (or above) the first, red
    below (or above) the second."""

    amber: float
    red: float
    higher_is_better: bool = True


class RagRules(_Strict):
    grade_colours: dict[str, Colour] = Field(description="scheme grade -> colour for an area")
    areas: list[str] = Field(description="areas reported on the board's RAG report")
    phase_colours: dict[str, Colour] = Field(default_factory=dict)
    overdue_actions_amber: int = Field(1, ge=0)
    overdue_actions_red: int = Field(3, ge=0)
    late_returns_amber: int = Field(1, ge=0)
    # Defaults where a seed is silent: 90% is the DfE's persistent-absence line;
    # a Progress 8 score below -0.5 is the DfE's "below average" band.
    attendance: Threshold = Field(
        default_factory=lambda: Threshold(amber=95.0, red=90.0),
        description="attendance percent: amber below the first figure, red below the second",
    )
    progress8: Threshold = Field(
        default_factory=lambda: Threshold(amber=0.0, red=-0.5),
        description="Progress 8 score: amber below the first figure, red below the second",
    )
    kpis: dict[str, Threshold] = Field(
        default_factory=dict,
        description="a returned KPI's name -> its lines (unlisted: shown, not rated)",
    )
    overall: Literal["worst_area", "majority"] = "worst_area"
    cite: str = ""


class DataDrop(_Strict):
    return_type: Literal["termly_kpi", "half_termly_data_drop", "annual_summary"]
    cadence: Literal["termly", "half_termly", "annual"]
    due_days_after_period_end: int = Field(ge=0, le=120)
    cite: str = ""


class TermCalendar(_Strict):
    """Month-day of the end of each half-term. Term dates vary by local authority
    and year; these defaults (a typical English year) are labelled as such and a
    trust sets its own."""

    autumn: tuple[str, str] = ("10-24", "12-19")
    spring: tuple[str, str] = ("02-13", "03-27")
    summer: tuple[str, str] = ("05-22", "07-17")

    def half_term_end(self, academic_year_start: int, term: str, half: int) -> dt.date:
        month_day = getattr(self, term)[half - 1]
        month, day = (int(part) for part in month_day.split("-"))
        year = academic_year_start if month >= 9 else academic_year_start + 1
        return dt.date(year, month, day)


class Framework(_Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$", max_length=ID_MAX)
    name: str
    version: int = Field(1, ge=1)
    seed: str = Field("", description="the seed document this preset follows")
    judgement_scheme: str
    phase_label: Literal["phase", "category"] = "phase"
    phases: list[Phase] = Field(min_length=1)
    phases_per_subject: bool = False
    entitlements: Entitlements
    meeting_types: list[MeetingType] = Field(default_factory=list)
    budget: BudgetRules
    rag: RagRules
    data_drops: list[DataDrop] = Field(default_factory=list)
    term_calendar: TermCalendar = Field(default_factory=TermCalendar)
    defaults: list[str] = Field(
        default_factory=list, description="labelled defaults where the seed is silent"
    )

    @property
    def scheme(self) -> JudgementScheme:
        return SCHEMES[self.judgement_scheme]

    def phase(self, phase_id: str) -> Phase | None:
        return next((p for p in self.phases if p.id == phase_id), None)

    def budget_required(self, phase_id: str | None) -> bool:
        """Whether an academy in this phase must have an agreed improvement budget
        (seed 000: academies not yet good)."""
        phase = self.phase(phase_id) if phase_id else None
        if phase is None:
            return False
        return phase.id in self.budget.required_for_phases or (
            self.budget.required_when_less_than_good and phase.less_than_good
        )

    def meeting_type(self, meeting_id: str) -> MeetingType | None:
        return next((m for m in self.meeting_types if m.id == meeting_id), None)

    @model_validator(mode="after")
    def _cross_references(self) -> Framework:
        problems = list(_problems(self))
        if problems:
            raise ValueError("; ".join(f"{path}: {message}" for path, message in problems))
        return self


def _duplicates(ids: list[str]) -> set[str]:
    return {i for i in ids if ids.count(i) > 1}


def _problems(f: Framework) -> Iterator[tuple[str, str]]:
    scheme = SCHEMES.get(f.judgement_scheme)
    if scheme is None:
        yield (
            "judgement_scheme",
            f"unknown scheme {f.judgement_scheme!r}; known: {', '.join(SCHEMES)}",
        )
    for dup in sorted(_duplicates([p.id for p in f.phases])):
        yield "phases", f"duplicate phase {dup!r}"
    for dup in sorted(_duplicates([m.id for m in f.meeting_types])):
        yield "meeting_types", f"duplicate meeting type {dup!r}"
    phase_ids = {p.id for p in f.phases}
    tiers = {p.support_tier for p in f.phases}
    for i, phase in enumerate(f.phases):
        for j, grade in enumerate(phase.judgement_grades):
            if scheme and scheme.grade(grade) is None:
                yield f"phases[{i}].judgement_grades[{j}]", f"grade {grade!r} is not on {scheme.id}"
    for i, meeting in enumerate(f.meeting_types):
        for j, named in enumerate(meeting.applies_to.phases):
            if named not in phase_ids:
                yield f"meeting_types[{i}].applies_to.phases[{j}]", f"unknown phase {named!r}"
        cadence = meeting.cadence
        if cadence.times_per_year is not None and cadence.times_per_year > SCHOOL_WEEKS_PER_YEAR:
            yield (
                f"meeting_types[{i}].cadence.times_per_year",
                f"{cadence.times_per_year} a year cannot be met in {SCHOOL_WEEKS_PER_YEAR} school weeks",
            )
        if cadence.interval_weeks is not None and cadence.interval_weeks > SCHOOL_WEEKS_PER_YEAR:
            yield (
                f"meeting_types[{i}].cadence.interval_weeks",
                f"every {cadence.interval_weeks} weeks never happens within an academic year",
            )
        for j, paper in enumerate(meeting.papers):
            if paper.lead_time_days > 60:
                yield f"meeting_types[{i}].papers[{j}].lead_time_days", "more than 60 days ahead"
    meetings = {m.id: m for m in f.meeting_types}
    included_days = 0.0
    for j, meeting_id in enumerate(f.entitlements.includes_meeting_types):
        included = meetings.get(meeting_id)
        if included is None:
            yield (
                f"entitlements.includes_meeting_types[{j}]",
                f"unknown meeting type {meeting_id!r}",
            )
        else:
            included_days += included.cadence.per_year() * included.entitlement_days
    if included_days > f.entitlements.core_days_per_year:
        yield (
            "entitlements.includes_meeting_types",
            f"the included meetings use {included_days:g} days a year but the entitlement is "
            f"{f.entitlements.core_days_per_year:g}: that cadence cannot be met",
        )
    for tier in f.entitlements.additional_days_by_tier:
        if tier not in tiers:
            yield (
                f"entitlements.additional_days_by_tier.{tier}",
                f"no phase has support tier {tier!r}",
            )
    for dup in sorted(_duplicates([item.name for item in f.entitlements.package])):
        yield "entitlements.package", f"duplicate package item {dup!r}"
    for j, named in enumerate(f.budget.required_for_phases):
        if named not in phase_ids:
            yield f"budget.required_for_phases[{j}]", f"unknown phase {named!r}"
    if (
        f.budget.over_commitment == "refuse_unless_approved"
        and not f.budget.over_commitment_approver
    ):
        yield "budget.over_commitment_approver", "needed when over-commitment may be approved"
    if scheme is not None:
        for j, area in enumerate(f.rag.areas):
            if scheme.area(area) is None:
                yield f"rag.areas[{j}]", f"area {area!r} is not in {scheme.id}"
        for grade in f.rag.grade_colours:
            if scheme.grade(grade) is None:
                yield f"rag.grade_colours.{grade}", f"grade {grade!r} is not on {scheme.id}"
        missing = [g.id for g in scheme.grades if g.id not in f.rag.grade_colours]
        if missing:
            yield "rag.grade_colours", f"no colour for {', '.join(missing)}"
    for named in f.rag.phase_colours:
        if named not in phase_ids:
            yield f"rag.phase_colours.{named}", f"unknown phase {named!r}"
    if f.rag.overdue_actions_red < f.rag.overdue_actions_amber:
        yield "rag.overdue_actions_red", "must not be below overdue_actions_amber"
    for dup in sorted(_duplicates([d.return_type for d in f.data_drops])):
        yield "data_drops", f"return type {dup!r} is scheduled twice"

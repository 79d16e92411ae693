"""The two Ofsted judgement schemes a framework can judge against.

National, not per trust, so they are defined here once. Which areas apply
depends on the academy: early years only where it has early years provision,
sixth form only where it has a sixth form.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

# Which phases of education usually have early years or a sixth form. The register
# does not record either yet, so every service infers them the same way from here.
PHASES_WITH_EARLY_YEARS = frozenset({"nursery", "primary", "all_through", "special"})
PHASES_WITH_SIXTH_FORM = frozenset({"secondary", "all_through", "sixteen_plus", "special"})


class AreaApplies(StrEnum):
    ALWAYS = "always"
    EARLY_YEARS = "early_years"
    SIXTH_FORM = "sixth_form"


class Area(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str
    applies: AreaApplies = AreaApplies.ALWAYS


class Grade(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str
    rank: int  # 1 is best
    good_or_better: bool


class JudgementScheme(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str
    in_force_from: str
    areas: tuple[Area, ...]
    grades: tuple[Grade, ...]
    has_overall_grade: bool
    has_safeguarding_judgement: bool

    def area(self, area_id: str) -> Area | None:
        return next((a for a in self.areas if a.id == area_id), None)

    def grade(self, grade_id: str) -> Grade | None:
        return next((g for g in self.grades if g.id == grade_id), None)

    def usual_colour(self, grade_id: str) -> str | None:
        """The RAG colour a grade usually reads as, for an inspection on a scheme
        the trust's framework does not colour (its grade_colours are for its own
        scheme): green at good or better, red at the scheme's lowest grade,
        amber between. None for a grade not on the scheme."""
        grade = self.grade(grade_id)
        if grade is None:
            return None
        if grade.good_or_better:
            return "green"
        return "red" if grade.rank == max(g.rank for g in self.grades) else "amber"

    def areas_for(self, phase_of_education: str) -> list[Area]:
        """The areas that apply to an academy of this phase of education."""
        return self.applicable_areas(
            early_years=phase_of_education in PHASES_WITH_EARLY_YEARS,
            sixth_form=phase_of_education in PHASES_WITH_SIXTH_FORM,
        )

    def applicable_areas(self, early_years: bool, sixth_form: bool) -> list[Area]:
        wanted = {AreaApplies.ALWAYS}
        if early_years:
            wanted.add(AreaApplies.EARLY_YEARS)
        if sixth_form:
            wanted.add(AreaApplies.SIXTH_FORM)
        return [a for a in self.areas if a.applies in wanted]


OFSTED_2019 = JudgementScheme(
    id="ofsted-2019",
    name="Ofsted education inspection framework (2019)",
    in_force_from="2019-09-01",
    areas=(
        Area(id="quality_of_education", name="Quality of education"),
        Area(id="behaviour_and_attitudes", name="Behaviour and attitudes"),
        Area(id="personal_development", name="Personal development"),
        Area(id="leadership_and_management", name="Leadership and management"),
        Area(id="early_years", name="Early years provision", applies=AreaApplies.EARLY_YEARS),
        Area(id="sixth_form", name="Sixth-form provision", applies=AreaApplies.SIXTH_FORM),
        Area(id="overall_effectiveness", name="Overall effectiveness"),
    ),
    grades=(
        Grade(id="outstanding", name="Outstanding", rank=1, good_or_better=True),
        Grade(id="good", name="Good", rank=2, good_or_better=True),
        Grade(id="requires_improvement", name="Requires improvement", rank=3, good_or_better=False),
        Grade(id="inadequate", name="Inadequate", rank=4, good_or_better=False),
    ),
    has_overall_grade=True,
    has_safeguarding_judgement=False,
)

OFSTED_2025 = JudgementScheme(
    id="ofsted-2025",
    name="Ofsted renewed inspection framework: report cards (from 10 November 2025)",
    in_force_from="2025-11-10",
    areas=(
        Area(id="inclusion", name="Inclusion"),
        Area(id="curriculum_and_teaching", name="Curriculum and teaching"),
        Area(id="achievement", name="Achievement"),
        Area(id="attendance_and_behaviour", name="Attendance and behaviour"),
        Area(id="personal_development_and_wellbeing", name="Personal development and well-being"),
        Area(id="leadership_and_governance", name="Leadership and governance"),
        Area(id="early_years", name="Early years", applies=AreaApplies.EARLY_YEARS),
        Area(id="sixth_form", name="Sixth form", applies=AreaApplies.SIXTH_FORM),
    ),
    grades=(
        Grade(id="exceptional", name="Exceptional", rank=1, good_or_better=True),
        Grade(id="strong_standard", name="Strong standard", rank=2, good_or_better=True),
        Grade(id="expected_standard", name="Expected standard", rank=3, good_or_better=True),
        Grade(id="needs_attention", name="Needs attention", rank=4, good_or_better=False),
        Grade(id="urgent_improvement", name="Urgent improvement", rank=5, good_or_better=False),
    ),
    has_overall_grade=False,
    has_safeguarding_judgement=True,  # met / not met
)

SCHEMES = {scheme.id: scheme for scheme in (OFSTED_2019, OFSTED_2025)}
SAFEGUARDING_OUTCOMES = ("met", "not_met")

"""academies service events, schema version 1.

Topics: ``academies.trust`` (key: trust id) and ``academies.academy``
(key: academy id, so one academy's events stay in order).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from contracts.base import EventPayload, EventRegistry

TRUST_TOPIC = "academies.trust"
ACADEMY_TOPIC = "academies.academy"


class Period(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    academic_year: str = Field(description='September to August, e.g. "2026/27"')
    term: str = Field(description="autumn | spring | summer")
    half_term: int = Field(0, description="0 = the whole term, 1 or 2 = that half-term")


class DataValues(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kpis: dict[str, float] = Field(default_factory=dict)
    attendance_percent: float | None = None
    progress8_score: float | None = None
    progress8_band: str | None = Field(
        None, description="well_above | above | average | below | well_below"
    )


class TrustCreated(EventPayload):
    EVENT_TYPE = "academies.TrustCreated"

    name: str
    framework: str


class FrameworkAdopted(EventPayload):
    """A trust's framework, whole, as a new version: on creation (from a preset)
    and on every change. Events that depend on rules name the version in force."""

    EVENT_TYPE = "academies.FrameworkAdopted"

    framework_id: str
    version: int = Field(description="1 on creation, then 2, 3, ...")
    based_on_preset: str
    document: dict[str, Any] = Field(
        description="the framework, per frameworks/framework.schema.json"
    )


class AcademyRegistered(EventPayload):
    EVENT_TYPE = "academies.AcademyRegistered"

    academy_id: str
    urn: str
    name: str
    phase_of_education: str
    local_authority: str
    date_joined: dt.date
    new_to_trust: bool


class AcademyDetailsChanged(EventPayload):
    """Only the fields that changed are set."""

    EVENT_TYPE = "academies.AcademyDetailsChanged"

    academy_id: str
    name: str | None = None
    phase_of_education: str | None = None
    local_authority: str | None = None
    new_to_trust: bool | None = None


class AcademyLeftTrust(EventPayload):
    EVENT_TYPE = "academies.AcademyLeftTrust"

    academy_id: str
    date_left: dt.date
    reason: str


class DataSubmitted(EventPayload):
    EVENT_TYPE = "academies.DataSubmitted"

    academy_id: str
    submission_id: str
    period: Period
    return_type: str = Field(description="termly_kpi | half_termly_data_drop | annual_summary")
    values: DataValues


class SubmissionCorrected(EventPayload):
    """Supersedes the values of an earlier revision; the earlier ones stay readable."""

    EVENT_TYPE = "academies.SubmissionCorrected"

    academy_id: str
    submission_id: str
    revision: int = Field(description="2 for the first correction, then 3, ...")
    values: DataValues
    reason: str


class InspectionRecorded(EventPayload):
    """An Ofsted inspection's published outcome (not the trust's own judgement)."""

    EVENT_TYPE = "academies.InspectionRecorded"

    academy_id: str
    inspection_date: dt.date
    scheme: str = Field(description="ofsted-2019 | ofsted-2025")
    grades: dict[str, str] = Field(description="area id -> grade id on that scheme")
    safeguarding: str | None = Field(None, description="met | not_met (ofsted-2025)")


class SuccessCriterion(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str
    measure: str = Field(description="what is measured, e.g. 'persistent absence %'")
    target: str = Field(description="the value that means success, e.g. 'below 12%'")


class Milestone(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str
    due_on: dt.date
    owner: str


class Priority(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    owner: str
    area: str | None = Field(None, description="inspection area it serves, on the trust's scheme")
    success_criteria: list[SuccessCriterion]
    milestones: list[Milestone]


class ImprovementPlanSubmitted(EventPayload):
    """A plan for an academic year; a later revision supersedes it, history kept."""

    EVENT_TYPE = "academies.ImprovementPlanSubmitted"

    academy_id: str
    academic_year: str
    revision: int
    priorities: list[Priority]
    framework_version: int = Field(description="the trust's framework version in force")


class SelfEvaluationSubmitted(EventPayload):
    """The academy's self-evaluation statement (seed 004 s.12), a new revision each time."""

    EVENT_TYPE = "academies.SelfEvaluationSubmitted"

    academy_id: str
    academic_year: str
    revision: int
    summary: str
    area_judgements: dict[str, str] = Field(default_factory=dict)
    scheme: str
    framework_version: int = Field(description="the trust's framework version in force")


ACADEMIES_EVENTS = EventRegistry(
    TrustCreated,
    FrameworkAdopted,
    AcademyRegistered,
    AcademyDetailsChanged,
    AcademyLeftTrust,
    DataSubmitted,
    SubmissionCorrected,
    InspectionRecorded,
    ImprovementPlanSubmitted,
    SelfEvaluationSubmitted,
)

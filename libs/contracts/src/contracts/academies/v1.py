"""academies service events, schema version 1.

Topics: ``academies.trust`` (key: trust id) and ``academies.academy``
(key: academy id, so one academy's events stay in order).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import Field

from contracts import limits
from contracts.base import ContractModel, EventPayload, EventRegistry
from contracts.rules import (
    AcademicYear,
    AcademicYearRule,
    AreaGrades,
    CheckedInEvent,
    Description,
    HalfTermRule,
    Id,
    KpisRule,
    Name,
    PercentRule,
    Progress8BandRule,
    Reason,
    ReturnType,
    Safeguarding,
    Scheme,
    Summary,
    TermRule,
    Urn,
)

TRUST_TOPIC = "academies.trust"
ACADEMY_TOPIC = "academies.academy"


class Period(ContractModel):
    """A reporting period. Its rules hold in every event; built alone (from a
    request) it is not checked, so the service can refuse it with its own message."""

    academic_year: Annotated[str, CheckedInEvent(AcademicYearRule)] = Field(
        description='September to August, e.g. "2026/27"'
    )
    term: Annotated[str, CheckedInEvent(TermRule)] = Field(description="autumn | spring | summer")
    half_term: Annotated[int, CheckedInEvent(HalfTermRule)] = Field(
        0, description="0 = the whole term, 1 or 2 = that half-term"
    )


class DataValues(ContractModel):
    """Submitted values. Like Period, checked in every event, not when built alone."""

    kpis: Annotated[dict[str, float], CheckedInEvent(KpisRule)] = Field(
        default_factory=dict, description="KPI name -> value"
    )
    attendance_percent: Annotated[float | None, CheckedInEvent(PercentRule | None)] = None
    progress8_score: float | None = None
    progress8_band: Annotated[str | None, CheckedInEvent(Progress8BandRule | None)] = Field(
        None, description="well_above | above | average | below | well_below"
    )


class TrustCreated(EventPayload):
    EVENT_TYPE = "academies.TrustCreated"

    name: Name
    framework: Id = Field(description="the preset the trust was created on")


class FrameworkAdopted(EventPayload):
    """A trust's framework, whole, as a new version: on creation (from a preset)
    and on every change. Events that depend on rules name the version in force."""

    EVENT_TYPE = "academies.FrameworkAdopted"

    framework_id: Id
    version: int = Field(ge=1, description="1 on creation, then 2, 3, ...")
    based_on_preset: Id
    document: dict[str, Any] = Field(
        description="the framework, per frameworks/framework.schema.json"
    )


class AcademyRegistered(EventPayload):
    EVENT_TYPE = "academies.AcademyRegistered"

    academy_id: Id
    urn: Urn = Field(description="the DfE unique reference number: six digits, unique in the trust")
    name: Name
    phase_of_education: Id
    local_authority: Name
    date_joined: dt.date
    new_to_trust: bool


class AcademyDetailsChanged(EventPayload):
    """Only the fields that changed are set."""

    EVENT_TYPE = "academies.AcademyDetailsChanged"

    academy_id: Id
    name: Name | None = None
    phase_of_education: Id | None = None
    local_authority: Name | None = None
    new_to_trust: bool | None = None


class AcademyLeftTrust(EventPayload):
    EVENT_TYPE = "academies.AcademyLeftTrust"

    academy_id: Id
    date_left: dt.date
    reason: Reason


class DataSubmitted(EventPayload):
    EVENT_TYPE = "academies.DataSubmitted"

    academy_id: Id
    submission_id: Id
    period: Period
    return_type: ReturnType = Field(
        description="termly_kpi | half_termly_data_drop | annual_summary"
    )
    values: DataValues


class SubmissionCorrected(EventPayload):
    """Supersedes the values of an earlier revision; the earlier ones stay readable."""

    EVENT_TYPE = "academies.SubmissionCorrected"

    academy_id: Id
    submission_id: Id
    revision: int = Field(ge=2, description="2 for the first correction, then 3, ...")
    values: DataValues
    reason: Reason


class InspectionRecorded(EventPayload):
    """An Ofsted inspection's published outcome (not the trust's own judgement)."""

    EVENT_TYPE = "academies.InspectionRecorded"

    academy_id: Id
    inspection_date: dt.date
    scheme: Scheme = Field(description="ofsted-2019 | ofsted-2025")
    grades: AreaGrades = Field(description="area id -> grade id on that scheme")
    safeguarding: Safeguarding | None = Field(None, description="met | not_met (ofsted-2025)")


class SuccessCriterion(ContractModel):
    description: Description
    measure: Name = Field(description="what is measured, e.g. 'persistent absence %'")
    target: Name = Field(description="the value that means success, e.g. 'below 12%'")


class Milestone(ContractModel):
    description: Description
    due_on: dt.date
    owner: Name


class Priority(ContractModel):
    title: Name
    owner: Name
    area: Id | None = Field(None, description="inspection area it serves, on the trust's scheme")
    success_criteria: list[SuccessCriterion] = Field(max_length=limits.LIST_MAX)
    milestones: list[Milestone] = Field(max_length=limits.LIST_MAX)


class ImprovementPlanSubmitted(EventPayload):
    """A plan for an academic year; a later revision supersedes it, history kept."""

    EVENT_TYPE = "academies.ImprovementPlanSubmitted"

    academy_id: Id
    academic_year: AcademicYear
    revision: int = Field(ge=1, description="1, then one more per revised plan for the year")
    priorities: list[Priority] = Field(max_length=limits.LIST_MAX)
    framework_version: int = Field(ge=1, description="the trust's framework version in force")


class SelfEvaluationSubmitted(EventPayload):
    """The academy's self-evaluation statement (seed 004 s.12), a new revision each time."""

    EVENT_TYPE = "academies.SelfEvaluationSubmitted"

    academy_id: Id
    academic_year: AcademicYear
    revision: int = Field(ge=1, description="1, then one more per statement for the year")
    summary: Summary
    area_judgements: AreaGrades = Field(
        default_factory=dict, description="area id -> grade id on the scheme"
    )
    scheme: Scheme
    framework_version: int = Field(ge=1, description="the trust's framework version in force")


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

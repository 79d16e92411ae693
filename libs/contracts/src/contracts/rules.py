"""The rules the event contracts publish: patterns, enumerations, ranges, maxima.

Each rule is written once, as a type, and reaches both the JSON Schema and
validation from there:

- ``Rule(rule)`` on a payload field: validated by ``rule`` and stated in the
  schema, while the field's Python type stays plain (``str``) for the code
  that fills it from its own, already checked, values.
- ``CheckedInEvent(rule)`` on a field of a value object that the services also
  build from raw requests before their own checks (``Period``, ``DataValues``):
  stated in the schema and enforced when an event carrying the value is made
  or parsed, but not when the value is built on its own, so a service refuses
  a bad request with its own message first.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Any, ForwardRef, Literal, get_args, get_origin

from pydantic import BaseModel, Field, GetCoreSchemaHandler, GetJsonSchemaHandler, TypeAdapter
from pydantic import ValidationError as PydanticValidationError
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from contracts import limits


@dataclass(frozen=True)
class Rule:
    """Validate a field by ``rule`` (a type); the schema states it."""

    rule: Any

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return handler.generate_schema(self.rule)


@dataclass(frozen=True)
class CheckedInEvent:
    """State ``rule`` in the schema; enforce it in the event that carries the value."""

    rule: Any

    @cached_property
    def adapter(self) -> TypeAdapter[Any]:
        return TypeAdapter(self.rule)

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return handler(self.adapter.core_schema)


def _nested(value: Any, where: str) -> Iterator[tuple[BaseModel, str]]:
    if isinstance(value, BaseModel):
        yield value, where
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _nested(item, f"{where}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _nested(item, f"{where}.{key}")


def _may_hold_models(annotation: Any) -> bool:
    """Whether a field of this type can hold a model (Any and unresolved names: yes)."""
    if annotation is Any or isinstance(annotation, str | ForwardRef):
        return True
    if get_origin(annotation) is Literal:
        return False
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_may_hold_models(arg) for arg in get_args(annotation) if arg is not None)


@dataclass(frozen=True)
class _Plan:
    """What checking a model class takes: its fields with rules, and those that may
    hold value objects. Worked out once per class: walking every field of every
    payload on each validation cost consumers more than pydantic's own checks."""

    checked: tuple[tuple[str, tuple[CheckedInEvent, ...]], ...]
    nested: tuple[str, ...]


_plans: dict[type[BaseModel], _Plan] = {}


def _plan(model_class: type[BaseModel]) -> _Plan:
    plan = _plans.get(model_class)
    if plan is None:
        fields = model_class.model_fields.items()
        plan = _plans[model_class] = _Plan(
            checked=tuple(
                (name, rules)
                for name, info in fields
                if (rules := tuple(r for r in info.metadata if isinstance(r, CheckedInEvent)))
            ),
            nested=tuple(name for name, info in fields if _may_hold_models(info.annotation)),
        )
    return plan


def check_values_in(model: BaseModel) -> None:
    """Raise ValueError if a value object in ``model`` breaks a CheckedInEvent rule."""
    pending = [(model, "")]
    while pending:
        current, where = pending.pop()
        plan = _plan(type(current))
        for name, rules in plan.checked:
            value = getattr(current, name)
            for rule in rules:
                try:
                    rule.adapter.validate_python(value, strict=False)
                except PydanticValidationError as error:
                    first = error.errors(include_url=False)[0]
                    path = f"{where}.{name}" if where else name
                    raise ValueError(f"{path}: {first['msg']} (got {value!r})") from None
        for name in plan.nested:
            pending.extend(_nested(getattr(current, name), f"{where}.{name}" if where else name))


# -- the rules ------------------------------------------------------------------

URN_PATTERN = r"^[0-9]{6}$"
ACADEMIC_YEAR_PATTERN = r"^[0-9]{4}/[0-9]{2}$"

TermRule = Literal["autumn", "spring", "summer"]
ReturnTypeRule = Literal["termly_kpi", "half_termly_data_drop", "annual_summary"]
Progress8BandRule = Literal["well_above", "above", "average", "below", "well_below"]
SchemeRule = Literal["ofsted-2019", "ofsted-2025"]
SafeguardingRule = Literal["met", "not_met"]
EvaluationKindRule = Literal["self_evaluation", "trust_evaluation", "roundtable", "external_review"]
ReviewRule = Literal["annual", "exceptional"]
# How a meeting came to be scheduled, and why one was cancelled.
MeetingOriginRule = Literal["cadence", "by_hand"]
CancellationRule = Literal["no_longer_required", "by_hand"]

# The areas support is asked for and commissioned in (the framework's package
# items name the same areas: trust_frameworks.model.NeedArea).
NeedAreaRule = Literal[
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
# Internal providers (seed 001: partner headteachers, lead practitioners, an
# academy in Sustain as a capacity giver) come before external ones.
ProviderKindRule = Literal[
    "partner_headteacher",
    "lead_practitioner",
    "capacity_giver_academy",
    "consultant",
    "national_leader",
    "specialist_leader",
]
INTERNAL_PROVIDER_KINDS = ("partner_headteacher", "lead_practitioner", "capacity_giver_academy")
TriageOutcomeRule = Literal["accepted", "declined", "met_from_entitlement"]
DueDiligenceOutcomeRule = Literal["passed", "failed"]
# Why an entitlement changed during the year; what used some of it.
EntitlementChangeRule = Literal[
    "phase_changed", "formal_intervention_started", "formal_intervention_ended", "framework_changed"
]
EntitlementUseRule = Literal["meeting", "delivery"]

TERMS: tuple[str, ...] = get_args(TermRule)
NEED_AREAS: tuple[str, ...] = get_args(NeedAreaRule)
PROVIDER_KINDS: tuple[str, ...] = get_args(ProviderKindRule)
TRIAGE_OUTCOMES: tuple[str, ...] = get_args(TriageOutcomeRule)
RETURN_TYPES: tuple[str, ...] = get_args(ReturnTypeRule)
PROGRESS8_BANDS: tuple[str, ...] = get_args(Progress8BandRule)
SCHEMES: tuple[str, ...] = get_args(SchemeRule)
SAFEGUARDING_OUTCOMES: tuple[str, ...] = get_args(SafeguardingRule)
EVALUATION_KINDS: tuple[str, ...] = get_args(EvaluationKindRule)
REVIEWS: tuple[str, ...] = get_args(ReviewRule)
MEETING_ORIGINS: tuple[str, ...] = get_args(MeetingOriginRule)
CANCELLATIONS: tuple[str, ...] = get_args(CancellationRule)
# Days of entitlement as a fixed-scale decimal (never a float): "1.00", "0.50".
DAYS_PATTERN = r"^[0-9]{1,3}\.[0-9]{2}$"

AcademicYearRule = Annotated[str, Field(pattern=ACADEMIC_YEAR_PATTERN)]
HalfTermRule = Annotated[int, Field(ge=0, le=2)]
PercentRule = Annotated[float, Field(ge=0, le=100)]

# -- field types ------------------------------------------------------------------

Id = Annotated[str, Field(max_length=limits.ID_MAX)]
Name = Annotated[str, Field(max_length=limits.NAME_MAX)]
Subject = Annotated[str, Field(max_length=limits.SUBJECT_MAX)]
Reason = Annotated[str, Field(max_length=limits.REASON_MAX)]
Description = Annotated[str, Field(max_length=limits.DESCRIPTION_MAX)]
Summary = Annotated[str, Field(max_length=limits.SUMMARY_MAX)]
Reference = Annotated[str, Field(max_length=limits.REFERENCE_MAX)]
Urn = Annotated[str, Field(pattern=URN_PATTERN)]
AcademicYear = Annotated[str, Field(pattern=ACADEMIC_YEAR_PATTERN)]
Term = Annotated[str, Rule(TermRule)]
ReturnType = Annotated[str, Rule(ReturnTypeRule)]
Scheme = Annotated[str, Rule(SchemeRule)]
Safeguarding = Annotated[str, Rule(SafeguardingRule)]
EvaluationKind = Annotated[str, Rule(EvaluationKindRule)]
Review = Annotated[str, Rule(ReviewRule)]
MeetingOrigin = Annotated[str, Rule(MeetingOriginRule)]
Cancellation = Annotated[str, Rule(CancellationRule)]
Days = Annotated[str, Field(pattern=DAYS_PATTERN)]
NeedArea = Annotated[str, Rule(NeedAreaRule)]
ProviderKind = Annotated[str, Rule(ProviderKindRule)]
TriageOutcome = Annotated[str, Rule(TriageOutcomeRule)]
DueDiligenceOutcome = Annotated[str, Rule(DueDiligenceOutcomeRule)]
EntitlementChange = Annotated[str, Rule(EntitlementChangeRule)]
EntitlementUse = Annotated[str, Rule(EntitlementUseRule)]
# Money in integer pence, never a float: up to a billion pounds.
PENCE_MAX = 100_000_000_000
Pence = Annotated[int, Field(ge=0, le=PENCE_MAX)]
SignedPence = Annotated[int, Field(ge=-PENCE_MAX, le=PENCE_MAX)]
# area ids on the scheme in force
AreaIds = Annotated[list[Id], Field(max_length=limits.LIST_MAX)]
# area id -> grade id on the scheme in force
AreaGrades = Annotated[dict[Id, Id], Field(max_length=limits.LIST_MAX)]
KpisRule = Annotated[dict[Id, float], Field(max_length=limits.LIST_MAX)]

"""The schemas as an outside consumer's validator (Python jsonschema) sees them.

Each names its draft and is valid 2020-12; none closes additionalProperties or
uses custom keywords; each example record is valid and tolerates unknown
fields; and the schema and the model refuse the same bad payloads, so the
contract says one thing.
"""

from __future__ import annotations

import copy
import json
import pathlib
from collections.abc import Iterator
from typing import Any, get_args

import pytest
from chassis.envelope import EventEnvelope
from chassis.relay import message_headers
from contracts import limits, messages
from contracts.export import REGISTRIES, file_name, key_of, models, topic_of, topics_of
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

SCHEMA_DIR = pathlib.Path(__file__).resolve().parents[1] / "libs" / "contracts" / "schemas"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
NAMES = [file_name(model) for model in models()]
MODELS = {file_name(model): model for model in models()}


def load(path: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / path).read_text())


def validator(path: str) -> Draft202012Validator:
    return Draft202012Validator(load(path), format_checker=FormatChecker())


def walk(node: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    """Every (path, subschema) in a schema document."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk(value, f"{where}/{i}")


SCHEMA_FILES = [f"{kind}{name}" for kind in ("", "messages/", "headers/") for name in NAMES]


@pytest.mark.parametrize("path", SCHEMA_FILES)
def test_each_schema_names_its_draft_and_is_valid_2020_12(path: str):
    schema = load(path)
    assert schema["$schema"] == DRAFT
    Draft202012Validator.check_schema(schema)
    model = MODELS[path.rsplit("/", 1)[-1]]
    assert f"{model.EVENT_TYPE}:v{model.SCHEMA_VERSION}" in schema["$id"]
    assert schema["title"].startswith(f"{model.EVENT_TYPE} v{model.SCHEMA_VERSION}")


@pytest.mark.parametrize("path", SCHEMA_FILES)
def test_no_schema_closes_additional_properties_or_uses_custom_keywords(path: str):
    for where, node in walk(load(path)):
        if where.endswith("/properties") or where.endswith("/$defs"):
            continue  # property and definition names, not keywords
        assert node.get("additionalProperties", True) is not False, f"{path}{where}"
        custom = [key for key in node if key.startswith("x-")]
        assert not custom, f"{path}{where}: {custom}"


@pytest.mark.parametrize("name", NAMES)
def test_each_example_record_is_valid(name: str):
    example = load(f"examples/{name}")
    for path, instance in (
        (f"messages/{name}", example["value"]),
        (name, example["value"]["payload"]),
        (f"headers/{name}", example["headers"]),
    ):
        errors = [e.message for e in validator(path).iter_errors(instance)]
        assert not errors, f"{path}: {errors}"


@pytest.mark.parametrize("name", NAMES)
def test_example_headers_and_key_agree_with_the_value(name: str):
    example = load(f"examples/{name}")
    value, headers = example["value"], example["headers"]
    model = MODELS[name]
    assert example["topic"] == topic_of(model)
    assert example["key"] == value["key"]
    assert headers["event_id"] == value["event_id"]
    assert headers["event_type"] == value["event_type"] == model.EVENT_TYPE
    assert headers["schema_version"] == str(value["schema_version"])
    assert headers["schema_version"].isascii() and headers["schema_version"].isdigit()
    assert headers["source"] == value["source"] == messages.source_of(model)
    assert "correlation_id" not in headers
    # The relay's own headers for this envelope are the example's (before trace context).
    envelope = EventEnvelope.model_validate(value)
    wire = {name: raw.decode() for name, raw in message_headers(envelope)}
    assert wire == {k: v for k, v in headers.items() if k not in ("traceparent", "tracestate")}
    assert set(wire) | {"traceparent", "tracestate"} == set(messages.HEADER_NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_each_example_is_keyed_by_its_topics_key(name: str):
    example = load(f"examples/{name}")
    payload = example["value"]["payload"]
    field = {"trust id": "trust_id", "academy id": "academy_id", "provider id": "provider_id"}
    assert example["key"] == payload[field[key_of(example["topic"])]]
    described = load(f"messages/{name}")["properties"]["key"]["description"]
    for topic in topics_of(MODELS[name]):
        assert key_of(topic) in described, (topic, described)


def test_the_message_schema_describes_every_envelope_field():
    assert set(messages.ENVELOPE_FIELDS) == set(EventEnvelope.model_fields)
    for name in NAMES:
        schema = load(f"messages/{name}")
        assert set(schema["properties"]) == set(EventEnvelope.model_fields), name
        required = {n for n, f in EventEnvelope.model_fields.items() if f.is_required()}
        assert set(schema["required"]) == required, name


def with_unknown_fields(value: Any, schema: dict[str, Any], root: dict[str, Any]) -> Any:
    """``value`` with a field no schema names in every record (not in maps)."""
    while "$ref" in schema:
        schema = root["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    if isinstance(value, list):
        return [with_unknown_fields(v, schema.get("items", {}), root) for v in value]
    if not isinstance(value, dict):
        return value
    if "anyOf" in schema:
        objects = [s for s in schema["anyOf"] if s.get("type") == "object" or "$ref" in s]
        return with_unknown_fields(value, objects[0], root) if objects else value
    if "properties" not in schema:
        return value
    extended = {
        k: with_unknown_fields(v, schema["properties"].get(k, {}), root) for k, v in value.items()
    }
    return {**extended, "a_field_added_later": {"any": "thing"}}


@pytest.mark.parametrize("name", NAMES)
def test_unknown_fields_are_tolerated_by_schema_and_model(name: str):
    example = load(f"examples/{name}")
    schema = load(f"messages/{name}")
    extended = with_unknown_fields(example["value"], schema, schema)
    assert json.dumps(extended).count("a_field_added_later") >= 3  # envelope, actor, payload
    errors = [e.message for e in validator(f"messages/{name}").iter_errors(extended)]
    assert not errors, errors
    model = MODELS[name]
    parsed = model.model_validate(extended["payload"])
    assert parsed.model_dump(mode="json") == example["value"]["payload"]
    EventEnvelope.model_validate(example["value"])


# (event file, where in the payload, a value the rules refuse)
BAD_VALUES = [
    ("academies.AcademyRegistered.v1.json", "urn", "12345"),
    ("academies.AcademyRegistered.v1.json", "urn", "1234567"),
    ("academies.AcademyRegistered.v1.json", "name", "x" * (limits.NAME_MAX + 1)),
    ("academies.AcademyRegistered.v1.json", "trust_id", "t" * (limits.ID_MAX + 1)),
    ("academies.DataSubmitted.v1.json", "period.academic_year", "2026-27"),
    ("academies.DataSubmitted.v1.json", "period.term", "winter"),
    ("academies.DataSubmitted.v1.json", "period.half_term", 3),
    ("academies.DataSubmitted.v1.json", "return_type", "weekly"),
    ("academies.DataSubmitted.v1.json", "values.attendance_percent", 100.5),
    ("academies.DataSubmitted.v1.json", "values.attendance_percent", -0.1),
    ("academies.DataSubmitted.v1.json", "values.progress8_band", "excellent"),
    ("academies.DataSubmitted.v1.json", "values.kpis", {"k" * (limits.ID_MAX + 1): 1.0}),
    (
        "academies.DataSubmitted.v1.json",
        "values.kpis",
        {f"k{i}": 1.0 for i in range(limits.LIST_MAX + 1)},
    ),
    ("academies.SubmissionCorrected.v1.json", "revision", 1),
    ("academies.SubmissionCorrected.v1.json", "reason", "r" * (limits.REASON_MAX + 1)),
    ("academies.InspectionRecorded.v1.json", "scheme", "ofsted-2030"),
    ("academies.InspectionRecorded.v1.json", "safeguarding", "partly"),
    ("academies.ImprovementPlanSubmitted.v1.json", "revision", 0),
    ("academies.ImprovementPlanSubmitted.v1.json", "academic_year", "2026"),
    (
        "academies.ImprovementPlanSubmitted.v1.json",
        "priorities.0.milestones.0.description",
        "d" * (limits.DESCRIPTION_MAX + 1),
    ),
    ("academies.SelfEvaluationSubmitted.v1.json", "summary", "s" * (limits.SUMMARY_MAX + 1)),
    ("academies.FrameworkAdopted.v1.json", "version", 0),
    ("evaluations.EvaluationJudged.v1.json", "kind", "gossip"),
    ("evaluations.EvaluationJudged.v1.json", "term", "winter"),
    ("evaluations.EvaluationJudged.v1.json", "evidence", ["e"] * (limits.LIST_MAX + 1)),
    ("evaluations.EvaluationJudged.v1.json", "evidence", ["e" * (limits.REFERENCE_MAX + 1)]),
    ("evaluations.PhaseProposed.v1.json", "review", "whenever"),
    ("evaluations.PhaseChanged.v1.json", "confirmed_by.subject", "s" * (limits.SUBJECT_MAX + 1)),
    ("evaluations.FormalInterventionStarted.v1.json", "notice.to_roles", ["r"] * 101),
    ("evaluations.FormalInterventionStarted.v1.json", "notice.reference", "x" * 501),
    ("evaluations.FormalInterventionEnded.v1.json", "reason", "r" * (limits.REASON_MAX + 1)),
    ("meetings.MeetingScheduled.v1.json", "origin", "whim"),
    ("meetings.MeetingScheduled.v1.json", "term", "winter"),
    ("meetings.MeetingScheduled.v1.json", "duration_minutes", 481),
    ("meetings.MeetingScheduled.v1.json", "cadence_slot", 0),
    ("meetings.MeetingCancelled.v1.json", "why", "bored"),
    ("meetings.MeetingHeld.v1.json", "entitlement_days", 1.5),
    ("meetings.MeetingHeld.v1.json", "entitlement_days", "1.5"),
    ("meetings.MeetingHeld.v1.json", "focus_areas", ["a"] * (limits.LIST_MAX + 1)),
    ("meetings.MeetingHeld.v1.json", "attendees.0.subject", "s" * (limits.SUBJECT_MAX + 1)),
    ("meetings.NotesDrafted.v1.json", "revision", 0),
    ("meetings.ActionRaised.v1.json", "title", "t" * (limits.NAME_MAX + 1)),
    ("meetings.PaperSubmitted.v1.json", "reference", "x" * (limits.REFERENCE_MAX + 1)),
    ("support.EntitlementGranted.v1.json", "total_days", "6"),
    ("support.EntitlementGranted.v1.json", "core_days", 6.0),
    ("support.EntitlementGranted.v1.json", "framework_version", 0),
    ("support.EntitlementUsed.v1.json", "use", "lunch"),
    ("support.EntitlementAdjusted.v1.json", "change", "whim"),
    ("support.SupportRequested.v1.json", "need_area", "parking"),
    ("support.SupportRequested.v1.json", "days_wanted", "1.5"),
    ("support.SupportRequestTriaged.v1.json", "outcome", "maybe"),
    ("support.ProviderRegistered.v1.json", "kind", "friend"),
    ("support.ProviderRegistered.v1.json", "specialisms", ["parking"]),
    ("support.ProviderRegistered.v1.json", "day_rate_pence", 0),
    ("support.ProviderRegistered.v1.json", "day_rate_pence", 450.5),
    ("support.DueDiligenceRecorded.v1.json", "outcome", "pending"),
    ("support.InvoiceRecorded.v1.json", "amount_pence", -1),
    ("support.InvoiceRecorded.v1.json", "discrepancy_pence", -100_000_000_001),
    ("support.OverCommitmentApproved.v1.json", "amount_pence", 0),
    ("support.BudgetProposed.v1.json", "lines.0.amount_pence", 100_000_000_001),
    ("support.BudgetAdjusted.v1.json", "revision", 1),
    ("support.BudgetAgreed.v1.json", "approver.subject", "s" * (limits.SUBJECT_MAX + 1)),
    ("support.SupportCommissioned.v1.json", "term", "winter"),
    ("support.SupportDelivered.v1.json", "days", "-1.00"),
]


def _set(payload: dict[str, Any], where: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(payload)
    *parents, last = where.split(".")
    node: Any = changed
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[last] = value
    return changed


@pytest.mark.parametrize(("name", "where", "value"), BAD_VALUES)
def test_schema_and_model_refuse_the_same_bad_values(name: str, where: str, value: Any):
    payload = load(f"examples/{name}")["value"]["payload"]
    schema = validator(name)
    model = MODELS[name]
    assert not list(schema.iter_errors(payload))
    model.model_validate(payload)
    bad = _set(payload, where, value)
    with pytest.raises(ValidationError):
        schema.validate(bad)
    with pytest.raises(ValueError):
        model.model_validate(bad)


# Open on purpose: the framework document has its own schema (frameworks/).
UNBOUNDED = {"academies.FrameworkAdopted.v1.json:/properties/document"}


@pytest.mark.parametrize("name", NAMES)
def test_every_text_list_and_map_has_a_published_maximum(name: str):
    for where, node in walk(load(name)):
        if f"{name}:{where}" in UNBOUNDED or where.endswith("/properties"):
            continue
        kind = node.get("type")
        if kind == "string" and "format" not in node:
            bounded = {"maxLength", "pattern", "enum", "const"} & set(node)
            assert bounded, f"{name}{where}: text without a maximum"
        elif kind == "array":
            assert "maxItems" in node, f"{name}{where}: list without a maximum"
        elif kind == "object" and "properties" not in node:
            assert "maxProperties" in node, f"{name}{where}: map without a maximum"


def _enum_at(name: str, *path: str) -> list[Any]:
    node: Any = load(name)
    for part in path:
        node = node[part]
    if "anyOf" in node:
        node = next(s for s in node["anyOf"] if "enum" in s)
    return list(node["enum"])


def test_the_schemas_carry_the_documented_rules():
    registered = load("academies.AcademyRegistered.v1.json")["properties"]
    assert registered["urn"]["pattern"] == "^[0-9]{6}$"
    data = load("academies.DataSubmitted.v1.json")["$defs"]
    assert data["Period"]["properties"]["academic_year"]["pattern"] == "^[0-9]{4}/[0-9]{2}$"
    half_term = data["Period"]["properties"]["half_term"]
    assert (half_term["minimum"], half_term["maximum"]) == (0, 2)
    assert data["Period"]["properties"]["term"]["enum"] == ["autumn", "spring", "summer"]
    attendance = data["DataValues"]["properties"]["attendance_percent"]["anyOf"][0]
    assert (attendance["minimum"], attendance["maximum"]) == (0, 100)
    assert _enum_at("academies.DataSubmitted.v1.json", "properties", "return_type") == [
        "termly_kpi",
        "half_termly_data_drop",
        "annual_summary",
    ]
    assert _enum_at(
        "academies.DataSubmitted.v1.json", "$defs", "DataValues", "properties", "progress8_band"
    ) == ["well_above", "above", "average", "below", "well_below"]
    for name in (
        "academies.InspectionRecorded.v1.json",
        "academies.SelfEvaluationSubmitted.v1.json",
        "evaluations.EvaluationJudged.v1.json",
    ):
        assert _enum_at(name, "properties", "scheme") == ["ofsted-2019", "ofsted-2025"]
    assert _enum_at("academies.InspectionRecorded.v1.json", "properties", "safeguarding") == [
        "met",
        "not_met",
    ]
    assert _enum_at("evaluations.EvaluationJudged.v1.json", "properties", "kind") == [
        "self_evaluation",
        "trust_evaluation",
        "roundtable",
        "external_review",
    ]
    for name in ("evaluations.PhaseProposed.v1.json", "evaluations.PhaseChanged.v1.json"):
        assert _enum_at(name, "properties", "review") == ["annual", "exceptional"]
    scheduled = "meetings.MeetingScheduled.v1.json"
    assert _enum_at(scheduled, "properties", "origin") == ["cadence", "by_hand"]
    cancelled = "meetings.MeetingCancelled.v1.json"
    assert _enum_at(cancelled, "properties", "why") == ["no_longer_required", "by_hand"]
    held = load("meetings.MeetingHeld.v1.json")["properties"]
    assert held["entitlement_days"]["pattern"] == r"^[0-9]{1,3}\.[0-9]{2}$"
    requested = "support.SupportRequested.v1.json"
    assert _enum_at(requested, "properties", "need_area")[:3] == ["attendance", "behaviour", "send"]
    registered = "support.ProviderRegistered.v1.json"
    assert _enum_at(registered, "properties", "kind")[0] == "partner_headteacher"
    invoice = load("support.InvoiceRecorded.v1.json")["properties"]
    assert invoice["amount_pence"]["type"] == "integer"
    assert (invoice["amount_pence"]["minimum"], invoice["amount_pence"]["maximum"]) == (
        0,
        100_000_000_000,
    )
    assert invoice["discrepancy_pence"]["minimum"] == -100_000_000_000
    assert invoice["days_covered"]["pattern"] == r"^[0-9]{1,3}\.[0-9]{2}$"
    minimum = {
        "academies.SubmissionCorrected.v1.json": 2,
        "academies.ImprovementPlanSubmitted.v1.json": 1,
        "academies.SelfEvaluationSubmitted.v1.json": 1,
    }
    for name, least in minimum.items():
        assert load(name)["properties"]["revision"]["minimum"] == least


def test_the_enumerations_hold_every_value_the_services_use():
    from academies.domain import planning
    from academies.domain import values as academy_values
    from chassis.ids import MAX_ID_LENGTH
    from contracts import rules
    from evaluations.domain import decisions
    from trust_frameworks import model as trust_frameworks_model
    from trust_frameworks.loader import presets
    from trust_frameworks.schemes import SAFEGUARDING_OUTCOMES, SCHEMES

    assert set(academy_values.TERMS) == set(decisions.TERMS) == set(rules.TERMS)
    assert set(academy_values.RETURN_TYPES) == set(rules.RETURN_TYPES)
    assert set(academy_values.PROGRESS8_BANDS) == set(rules.PROGRESS8_BANDS)
    assert set(SCHEMES) == set(rules.SCHEMES)
    assert set(SAFEGUARDING_OUTCOMES) == set(rules.SAFEGUARDING_OUTCOMES)
    assert set(decisions.KINDS) == set(rules.EVALUATION_KINDS)
    assert set(decisions.REVIEWS) == set(rules.REVIEWS)
    assert set(get_args(trust_frameworks_model.NeedArea)) == set(rules.NEED_AREAS)
    # and every id and count the services allow fits the published maxima
    assert MAX_ID_LENGTH <= limits.ID_MAX
    assert academy_values.MAX_KPI_NAME <= limits.ID_MAX
    assert academy_values.MAX_KPIS <= limits.LIST_MAX
    assert planning.MAX_PRIORITIES <= limits.LIST_MAX
    assert all(len(p) <= limits.ID_MAX for p in academy_values.PHASES_OF_EDUCATION)
    for scheme in SCHEMES.values():
        assert len(scheme.id) <= limits.ID_MAX
        assert all(len(a.id) <= limits.ID_MAX for a in scheme.areas)
        assert all(len(g.id) <= limits.ID_MAX for g in scheme.grades)
    for name, framework in presets().items():
        assert len(name) <= limits.ID_MAX and len(framework.id) <= limits.ID_MAX
        assert all(len(p.id) <= limits.ID_MAX for p in framework.phases)
        assert all(len(p.support_tier) <= limits.ID_MAX for p in framework.phases)
        assert all(len(i.name) <= limits.NAME_MAX for i in framework.entitlements.package)
        assert len(framework.entitlements.package) <= limits.LIST_MAX
        assert all(len(r) <= limits.ID_MAX for r in framework.budget.approver_roles)
        for meeting_type in framework.meeting_types:
            assert len(meeting_type.id) <= limits.ID_MAX
            assert all(len(p.name) <= limits.NAME_MAX for p in meeting_type.papers)
            assert all(len(d.document) <= limits.NAME_MAX for d in meeting_type.note_deadlines)


def test_every_published_event_has_a_topic_and_a_registry():
    assert set(REGISTRIES) == {"academies", "evaluations", "meetings", "support"}
    for model in models():
        assert topic_of(model).startswith(messages.source_of(model) + ".")

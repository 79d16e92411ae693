"""The published event contracts: committed JSON Schemas match the models."""

from __future__ import annotations

import json
import pathlib

import jsonschema
from contracts.academies.v1 import ACADEMIES_EVENTS, DataSubmitted, DataValues, Period
from contracts.evaluations.v1 import EVALUATIONS_EVENTS
from contracts.export import REGISTRIES, generated, render, schemas

SCHEMA_DIR = pathlib.Path(__file__).resolve().parents[1] / "libs" / "contracts" / "schemas"


def test_committed_schemas_match_the_models():
    generated_payloads = schemas()
    committed = {p.name: p.read_text() for p in SCHEMA_DIR.glob("*.json")}
    assert set(committed) == set(generated_payloads), "run: .venv/bin/python -m contracts.export"
    for name, schema in generated_payloads.items():
        assert committed[name] == render(schema), (
            f"{name} changed: a published version is never changed in place"
        )


def test_committed_messages_headers_and_examples_match_the_models():
    files = generated()
    committed = {str(p.relative_to(SCHEMA_DIR)): p.read_text() for p in SCHEMA_DIR.rglob("*.json")}
    assert set(committed) == set(files), "run: .venv/bin/python -m contracts.export"
    for path, content in files.items():
        assert committed[path] == render(content), f"{path} changed; run contracts.export"


def test_every_event_carries_the_trust_and_a_type():
    for model in ACADEMIES_EVENTS:
        assert "trust_id" in model.model_fields
        assert model.EVENT_TYPE.startswith("academies.")
    for model in EVALUATIONS_EVENTS:
        assert "trust_id" in model.model_fields
        assert model.EVENT_TYPE.startswith("evaluations.")
    for source, registry in REGISTRIES.items():
        for model in registry:
            assert "trust_id" in model.model_fields
            assert model.EVENT_TYPE.startswith(f"{source}.")


def test_every_meetings_event_names_its_meeting_and_academy_or_none():
    from contracts.meetings.v1 import MEETINGS_EVENTS

    for model in MEETINGS_EVENTS:
        fields = model.model_fields
        assert "meeting_id" in fields or "from_meeting_id" in fields, model.EVENT_TYPE
        # trust-wide meetings say so with an explicit null, never by leaving it out
        assert fields["academy_id"].is_required(), model.EVENT_TYPE
        assert "text" not in fields and "notes" not in fields, "note text never travels"


def test_every_support_event_carries_its_topics_key_and_no_note_text():
    from contracts.export import key_of, topic_of
    from contracts.support.v1 import SUPPORT_EVENTS

    for model in SUPPORT_EVENTS:
        fields = model.model_fields
        key = {"academy id": "academy_id", "provider id": "provider_id"}[key_of(topic_of(model))]
        assert fields[key].is_required() and fields[key].annotation is str, model.EVENT_TYPE
        assert "note" not in fields and "text" not in fields, "a delivery note never travels"
        for name, field in fields.items():
            if name.endswith("_pence"):
                assert field.annotation is int, f"{model.EVENT_TYPE}.{name}: money is pence"


def test_an_event_validates_against_its_published_schema():
    event = DataSubmitted(
        trust_id="t",
        academy_id="a",
        submission_id="s",
        period=Period(academic_year="2026/27", term="autumn"),
        return_type="termly_kpi",
        values=DataValues(attendance_percent=95),
    )
    schema = json.loads((SCHEMA_DIR / "academies.DataSubmitted.v1.json").read_text())
    jsonschema.validate(event.model_dump(mode="json"), schema)


def test_committed_asyncapi_document_matches_the_models():
    from trust_local.asyncapi import OUTPUT, render

    assert OUTPUT.read_text() == render(), "run: .venv/bin/python -m trust_local.asyncapi"

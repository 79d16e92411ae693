"""The compatibility checker: each kind of incompatible change is caught;
an added optional field and documentation changes pass."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from contracts.academies.v1 import DataSubmitted
from contracts.compat import incompatibilities
from contracts.export import payload_schema

PUBLISHED: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "urn:trust-platform:event:x.Happened:v1",
    "type": "object",
    "title": "x.Happened v1",
    "properties": {
        "trust_id": {"type": "string", "maxLength": 64},
        "name": {"type": "string", "maxLength": 200, "description": "the name"},
        "term": {"type": "string", "enum": ["autumn", "spring", "summer"]},
        "year": {"type": "string", "pattern": "^[0-9]{4}/[0-9]{2}$"},
        "count": {"type": "integer", "minimum": 1},
        "percent": {"anyOf": [{"type": "number", "maximum": 100}, {"type": "null"}]},
        "nickname": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
        "period": {"$ref": "#/$defs/Period"},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 10},
        "kind": {"const": "x", "type": "string"},
        "on": {"type": "string", "format": "date"},
    },
    "required": ["trust_id", "name", "term", "year", "count", "period", "tags", "kind", "on"],
    "$defs": {
        "Period": {
            "type": "object",
            "properties": {
                "half_term": {"type": "integer", "minimum": 0, "maximum": 2, "default": 0}
            },
        }
    },
}


def changed(edit: Callable[[dict[str, Any]], None]) -> list[str]:
    new = copy.deepcopy(PUBLISHED)
    edit(new)
    return incompatibilities(PUBLISHED, new)


def props(schema: dict[str, Any]) -> dict[str, Any]:
    return schema["properties"]


def test_the_same_schema_is_compatible():
    assert incompatibilities(PUBLISHED, copy.deepcopy(PUBLISHED)) == []


def test_an_added_optional_field_passes_at_any_depth():
    def edit(s: dict[str, Any]) -> None:
        props(s)["motto"] = {"type": "string", "maxLength": 200}
        s["$defs"]["Period"]["properties"]["week"] = {"type": "integer"}

    assert changed(edit) == []


def test_documentation_changes_pass():
    def edit(s: dict[str, Any]) -> None:
        s["title"] = "renamed"
        props(s)["name"]["description"] = "what the trust calls it"
        props(s)["term"]["examples"] = ["autumn"]
        s["$comment"] = "a note"

    assert changed(edit) == []


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda s: props(s).pop("nickname"), "nickname: property removed"),
        (
            lambda s: props(s).__setitem__("display_name", props(s).pop("name")),
            "name: property removed",
        ),
        (
            lambda s: props(s)["count"].__setitem__("type", "string"),
            "count: type changed from ['integer'] to ['string']",
        ),
        (
            lambda s: (
                props(s).__setitem__("urn", {"type": "string"}),
                s["required"].append("urn"),
            ),
            "urn: new required property",
        ),
        (lambda s: s["required"].append("nickname"), "nickname: optional property made required"),
        (lambda s: s["required"].remove("name"), "name: required property made optional"),
        (
            lambda s: props(s)["term"].__setitem__("enum", ["autumn", "spring"]),
            "term: enum values removed: ['summer']",
        ),
        (
            lambda s: props(s)["term"]["enum"].append("winter"),
            "term: enum values added: ['winter']",
        ),
        (
            lambda s: props(s)["name"].__setitem__("maxLength", 100),
            "name: maxLength tightened from 200 to 100",
        ),
        (
            lambda s: props(s)["name"].__setitem__("maxLength", 300),
            "name: maxLength loosened from 200 to 300",
        ),
        (
            lambda s: props(s)["trust_id"].__setitem__("minLength", 1),
            "trust_id: minLength 1 added (tightened)",
        ),
        (
            lambda s: props(s)["count"].__setitem__("minimum", 2),
            "count: minimum tightened from 1 to 2",
        ),
        (
            lambda s: props(s)["percent"]["anyOf"][0].__setitem__("maximum", 99),
            "percent: maximum tightened from 100 to 99",
        ),
        (
            lambda s: props(s)["tags"].__setitem__("maxItems", 5),
            "tags: maxItems tightened from 10 to 5",
        ),
        (
            lambda s: props(s)["year"].__setitem__("pattern", "^[0-9]{4}/[0-9]{4}$"),
            "year: pattern changed",
        ),
        (
            lambda s: props(s)["name"].__setitem__("pattern", "^[A-Z]"),
            "name: pattern '^[A-Z]' added",
        ),
        (lambda s: props(s)["on"].__setitem__("format", "date-time"), "on: format changed"),
        (lambda s: props(s)["kind"].__setitem__("const", "y"), "kind: const changed"),
        (
            lambda s: props(s).__setitem__("percent", {"type": "number", "maximum": 100}),
            "percent: anyOf changed from 2 to 0 alternatives",
        ),
        (
            lambda s: props(s)["nickname"].__setitem__("default", "none"),
            "nickname: default changed",
        ),
        (
            lambda s: props(s)["tags"]["items"].__setitem__("type", "integer"),
            "tags[]: type changed",
        ),
        (
            lambda s: s["$defs"]["Period"]["properties"]["half_term"].__setitem__("maximum", 1),
            "period.half_term: maximum tightened from 2 to 1",
        ),
        (
            lambda s: s["$defs"]["Period"]["properties"].pop("half_term"),
            "period.half_term: property removed",
        ),
        (
            lambda s: s.__setitem__("additionalProperties", False),
            "(root): closed to unknown properties",
        ),
        (
            lambda s: s.__setitem__("$id", "urn:trust-platform:event:x.Happened:v2"),
            "(root): $id changed",
        ),
        (
            lambda s: props(s)["name"].__setitem__("uniqueItems", True),
            "name: uniqueItems True added",
        ),
    ],
)
def test_each_incompatible_change_is_caught(edit: Callable[[dict[str, Any]], None], expected: str):
    found = changed(edit)
    assert any(problem.startswith(expected) for problem in found), found


def test_a_published_payload_schema_with_an_optional_field_added_is_compatible():
    published = payload_schema(DataSubmitted)
    new = copy.deepcopy(published)
    new["properties"]["note"] = {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None}
    new["$defs"]["DataValues"]["properties"]["pupils_on_roll"] = {"type": "integer"}
    assert incompatibilities(published, new) == []


def test_a_published_payload_schema_with_a_tightened_nested_rule_is_not():
    published = payload_schema(DataSubmitted)
    new = copy.deepcopy(published)
    new["$defs"]["Period"]["properties"]["term"]["enum"].remove("summer")
    assert incompatibilities(published, new) == ["period.term: enum values removed: ['summer']"]

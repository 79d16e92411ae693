"""The payload models: tolerant of unknown fields, frozen, and holding the published rules."""

from __future__ import annotations

from typing import Any

import pydantic
import pytest
from contracts import limits
from contracts.academies.v1 import (
    DataSubmitted,
    DataValues,
    InspectionRecorded,
    Period,
    SubmissionCorrected,
)
from contracts.evaluations.v1 import EvaluationJudged, PhaseProposed


def submitted(**overrides: Any) -> dict[str, Any]:
    return {
        "trust_id": "t",
        "academy_id": "a",
        "submission_id": "s",
        "period": {"academic_year": "2026/27", "term": "autumn", "half_term": 0},
        "return_type": "termly_kpi",
        "values": {"attendance_percent": 95.0, "kpis": {"pa": 12.0}},
        **overrides,
    }


def judged(**overrides: Any) -> dict[str, Any]:
    return {
        "trust_id": "t",
        "academy_id": "a",
        "evaluation_id": "e",
        "kind": "trust_evaluation",
        "academic_year": "2026/27",
        "term": "spring",
        "scheme": "ofsted-2025",
        "judgements": {"achievement": "expected_standard"},
        "summary": "fine",
        "framework_version": 1,
        **overrides,
    }


def test_unknown_fields_are_ignored_at_every_depth_and_not_passed_on():
    data = submitted(added_later="x")
    data["period"] = {**data["period"], "week": 3}
    data["values"] = {**data["values"], "pupils_on_roll": 420}
    event = DataSubmitted.model_validate(data)
    dumped = event.model_dump(mode="json")
    assert "added_later" not in dumped
    assert "week" not in dumped["period"]
    assert "pupils_on_roll" not in dumped["values"]


def test_payloads_and_values_are_frozen():
    event = DataSubmitted.model_validate(submitted())
    with pytest.raises(pydantic.ValidationError):
        event.academy_id = "b"  # type: ignore[misc]
    with pytest.raises(pydantic.ValidationError):
        event.period.term = "spring"  # type: ignore[misc]


def test_period_and_values_built_alone_leave_refusal_to_the_service():
    # The academies service builds these from a request, then refuses bad ones
    # with its own message: building them must not refuse first.
    Period(academic_year="2026-27", term="winter", half_term=3)
    DataValues(attendance_percent=101, progress8_band="excellent")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"period": {"academic_year": "2026-27", "term": "autumn"}}, "period.academic_year"),
        ({"period": {"academic_year": "2026/27", "term": "winter"}}, "period.term"),
        ({"period": {"academic_year": "2026/27", "term": "autumn", "half_term": 3}}, "half_term"),
        ({"values": {"attendance_percent": 100.5}}, "values.attendance_percent"),
        ({"values": {"attendance_percent": -1}}, "values.attendance_percent"),
        ({"values": {"progress8_band": "excellent"}}, "values.progress8_band"),
        ({"values": {"kpis": {"k" * (limits.ID_MAX + 1): 1.0}}}, "values.kpis"),
        ({"values": {"kpis": {f"k{i}": 1.0 for i in range(limits.LIST_MAX + 1)}}}, "values.kpis"),
        ({"return_type": "weekly"}, "return_type"),
        ({"academy_id": "a" * (limits.ID_MAX + 1)}, "academy_id"),
    ],
)
def test_an_event_holds_its_values_to_the_published_rules(change: dict[str, Any], words: str):
    with pytest.raises(pydantic.ValidationError, match=words.replace(".", r"\.")):
        DataSubmitted.model_validate(submitted(**change))


def test_an_event_made_from_values_built_alone_is_checked_too():
    with pytest.raises(pydantic.ValidationError, match=r"period\.term"):
        DataSubmitted(
            trust_id="t",
            academy_id="a",
            submission_id="s",
            period=Period(academic_year="2026/27", term="winter"),
            return_type="termly_kpi",
            values=DataValues(attendance_percent=90),
        )
    with pytest.raises(pydantic.ValidationError, match=r"values\.attendance_percent"):
        SubmissionCorrected(
            trust_id="t",
            academy_id="a",
            submission_id="s",
            revision=2,
            values=DataValues(attendance_percent=120),
            reason="typo",
        )


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "gossip"},
        {"term": "winter"},
        {"scheme": "ofsted-2030"},
        {"academic_year": "2026/2027"},
        {"framework_version": 0},
        {"summary": "x" * (limits.SUMMARY_MAX + 1)},
        {"evidence": ["x" * (limits.REFERENCE_MAX + 1)]},
        {"evidence": ["x"] * (limits.LIST_MAX + 1)},
        {"judgements": {"a" * (limits.ID_MAX + 1): "good"}},
    ],
)
def test_evaluation_rules(change: dict[str, Any]):
    EvaluationJudged.model_validate(judged())
    with pytest.raises(pydantic.ValidationError):
        EvaluationJudged.model_validate(judged(**change))


def test_enumerations_and_revisions():
    base = {
        "trust_id": "t",
        "academy_id": "a",
        "proposal_id": "p",
        "current_phase": None,
        "proposed_phase": "x",
        "reason": "r",
        "review": "annual",
        "framework_version": 1,
    }
    PhaseProposed.model_validate(base)
    with pytest.raises(pydantic.ValidationError):
        PhaseProposed.model_validate({**base, "review": "whenever"})
    inspection = {
        "trust_id": "t",
        "academy_id": "a",
        "inspection_date": "2026-11-18",
        "scheme": "ofsted-2025",
        "grades": {"inclusion": "strong_standard"},
        "safeguarding": "met",
    }
    InspectionRecorded.model_validate(inspection)
    with pytest.raises(pydantic.ValidationError):
        InspectionRecorded.model_validate({**inspection, "safeguarding": "partly"})
    corrected = {
        "trust_id": "t",
        "academy_id": "a",
        "submission_id": "s",
        "values": {"attendance_percent": 90},
        "reason": "r",
    }
    SubmissionCorrected.model_validate({**corrected, "revision": 2})
    with pytest.raises(pydantic.ValidationError):
        SubmissionCorrected.model_validate({**corrected, "revision": 1})

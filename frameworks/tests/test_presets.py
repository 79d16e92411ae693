"""Each seed's preset loads, validates and says what its seed says."""

from __future__ import annotations

import json
import pathlib

import pytest
from trust_frameworks.loader import PRESETS_DIR, presets
from trust_frameworks.model import Framework

PRESETS = presets()


def test_every_seed_has_a_valid_preset():
    assert sorted(PRESETS) == [
        "seed-000-aid",
        "seed-001-carter",
        "seed-002-sussex",
        "seed-003-aspire",
        "seed-004-focus",
    ]


def test_seed_000_three_aims_a_year_papers_a_week_before_within_six_days():
    f = PRESETS["seed-000-aid"]
    aim = f.meeting_type("aim")
    assert aim.cadence.times_per_year == 3 and aim.duration_minutes == 120
    assert {p.lead_time_days for p in aim.papers} == {7}
    assert set(aim.note_approvers) == {"headteacher", "chair_of_lgb"}
    assert f.entitlements.core_days_per_year == 6 and f.entitlements.includes_meeting_types == [
        "aim"
    ]
    iaim = f.meeting_type("interim_aim")
    assert iaim.applies_to.less_than_good and iaim.cadence.times_per_year == 3
    assert set(f.budget.approver_roles) == {
        "headteacher",
        "improvement_lead",
        "chief_executive",
        "finance",
    }
    assert f.budget.required_when_less_than_good


def test_seed_001_four_phases_with_progress8_categories_and_tiers_per_subject():
    f = PRESETS["seed-001-carter"]
    assert [(p.id, p.support_tier, p.progress8_bands) for p in f.phases] == [
        ("sustain", "universal", ["above", "well_above"]),
        ("improve", "targeted", ["average"]),
        ("repair", "intensive", ["below"]),
        ("stabilise", "intervention", ["well_below"]),
    ]
    assert f.phases_per_subject


def test_seed_002_heads_meet_bi_weekly():
    meeting = PRESETS["seed-002-sussex"].meeting_type("heads_executive_meeting")
    assert meeting.cadence.interval_weeks == 2 and meeting.applies_to.all_academies


def test_seed_003_three_categories_from_ofsted_grades():
    f = PRESETS["seed-003-aspire"]
    assert f.phase_label == "category"
    assert [(p.id, p.judgement_grades) for p in f.phases] == [
        ("category_1", ["outstanding", "good"]),
        ("category_2", ["requires_improvement"]),
        ("category_3", ["inadequate"]),
    ]


def test_seed_004_notes_of_visit_in_3_and_7_days_monthly_task_group_six_days():
    f = PRESETS["seed-004-focus"]
    visit = f.meeting_type("consultancy_visit")
    assert [(d.to_role, d.within_days) for d in visit.note_deadlines] == [
        ("headteacher", 3),
        ("chief_executive", 7),
    ]
    assert f.meeting_type("partnership_visit").cadence.at_least
    assert f.meeting_type("task_group").applies_to.formal_intervention
    assert f.entitlements.core_days_per_year == 6
    assert {d.return_type: d.cadence for d in f.data_drops} == {
        "termly_kpi": "termly",
        "half_termly_data_drop": "half_termly",
        "annual_summary": "annual",
    }


@pytest.mark.parametrize("framework_id", sorted(PRESETS))
def test_areas_apply_by_academy(framework_id):
    scheme = PRESETS[framework_id].scheme
    primary = {a.id for a in scheme.applicable_areas(early_years=True, sixth_form=False)}
    assert "early_years" in primary and "sixth_form" not in primary


def test_the_committed_json_schema_matches_the_model():
    committed = json.loads((PRESETS_DIR.parent / "framework.schema.json").read_text())
    assert committed == json.loads(json.dumps(Framework.model_json_schema())), (
        "run: .venv/bin/trust-framework schema > frameworks/framework.schema.json"
    )


def test_presets_cite_their_seed():
    root = pathlib.Path(__file__).resolve().parents[2]
    for framework in PRESETS.values():
        assert framework.seed.startswith("shared/seeds/")
        text = (PRESETS_DIR / f"{framework.id}.yaml").read_text()
        assert text.count("seed 0") >= 3, f"{framework.id} cites its seed too rarely"
        # shared/ stands beside the repository (as in CI); the preset names its own seed.
        seed_file = root.parent / framework.seed
        assert seed_file.is_file(), f"{framework.id} cites a missing seed {framework.seed}"
        assert seed_file.name.startswith(framework.id.split("-")[1] + "_")

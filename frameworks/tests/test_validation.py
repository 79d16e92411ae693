"""Broken framework files are refused with the file, the field path and the fault."""

from __future__ import annotations

import pathlib

import pytest
import yaml
from trust_frameworks.cli import main
from trust_frameworks.loader import PRESETS_DIR, FrameworkError, load_framework


def broken(tmp_path: pathlib.Path, change) -> pathlib.Path:
    data = yaml.safe_load((PRESETS_DIR / "seed-000-aid.yaml").read_text())
    change(data)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def problems(path: pathlib.Path) -> list[str]:
    with pytest.raises(FrameworkError) as raised:
        load_framework(path)
    return raised.value.problems


def test_unknown_area_in_a_rag_rule(tmp_path):
    path = broken(tmp_path, lambda d: d["rag"]["areas"].append("inclusion"))
    assert problems(path) == [f"{path}: rag.areas[6]: area 'inclusion' is not in ofsted-2019"]


def test_duplicate_phase(tmp_path):
    path = broken(tmp_path, lambda d: d["phases"].append(dict(d["phases"][0])))
    assert f"{path}: phases: duplicate phase 'good_or_better'" in problems(path)


def test_cadence_that_cannot_be_met(tmp_path):
    def change(d):
        d["meeting_types"][0]["cadence"] = {"times_per_year": 8}

    found = problems(broken(tmp_path, change))
    assert any(
        "entitlements.includes_meeting_types: the included meetings use 8 days a year "
        "but the entitlement is 6: that cadence cannot be met" in p
        for p in found
    )


def test_meeting_more_often_than_there_are_school_weeks(tmp_path):
    def change(d):
        d["meeting_types"][1]["cadence"] = {"times_per_year": 52}

    found = problems(broken(tmp_path, change))
    assert any(
        "meeting_types[1].cadence.times_per_year: 52 a year cannot be met" in p for p in found
    )


def test_unknown_key_and_wrong_type_name_their_path(tmp_path):
    def change(d):
        d["meeting_types"][0]["cadense"] = 3
        d["entitlements"]["core_days_per_year"] = "six"

    found = problems(broken(tmp_path, change))
    assert any("meeting_types[0].cadense: Extra inputs are not permitted" in p for p in found)
    assert any("entitlements.core_days_per_year:" in p for p in found)


def test_unknown_phase_named_by_a_meeting_and_unknown_scheme(tmp_path):
    path = broken(tmp_path, lambda d: d["meeting_types"][1]["applies_to"].update(phases=["repair"]))
    assert f"{path}: meeting_types[1].applies_to.phases[0]: unknown phase 'repair'" in problems(
        path
    )
    path = broken(tmp_path, lambda d: d.update(judgement_scheme="ofsted-2030"))
    assert any("judgement_scheme: unknown scheme 'ofsted-2030'" in p for p in problems(path))


def test_not_yaml(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("id: [unclosed")
    assert problems(path)[0].startswith(f"{path}: not valid YAML")


def test_validate_command(tmp_path, capsys):
    good = PRESETS_DIR / "seed-004-focus.yaml"
    bad = broken(tmp_path, lambda d: d["rag"]["areas"].append("achievement"))
    assert main(["validate", str(good)]) == 0
    assert main(["validate", str(good), str(bad)]) == 1
    captured = capsys.readouterr()
    assert "seed-004-focus.yaml: ok" in captured.out
    assert "rag.areas[6]: area 'achievement' is not in ofsted-2019" in captured.err

"""Each schema against its published forms (libs/contracts/published/).

Within a version only optional fields may be added; anything else that kept
its version fails here. See contracts.compat and docs/events.md, "Versioning".
"""

from __future__ import annotations

import json
import shutil

from contracts import compat
from contracts.export import (
    PUBLISHED_DIR,
    current,
    incompatible_with_published,
    publish,
    snapshots,
    unpublished,
)


def test_no_schema_changed_incompatibly_since_it_was_published():
    problems = incompatible_with_published()
    assert not problems, "these changes need a new schema version:\n" + "\n".join(problems)


def test_every_schema_is_recorded_as_published():
    missing = unpublished()
    assert not missing, (
        "record the current form of these schemas: "
        ".venv/bin/python -m contracts.export --publish\n" + "\n".join(missing)
    )


def test_each_published_revision_is_compatible_with_the_ones_before():
    for path, forms in snapshots().items():
        for i, later in enumerate(forms[1:], start=2):
            for j, earlier in enumerate(forms[: i - 1], start=1):
                problems = compat.incompatibilities(earlier, later)
                assert not problems, f"{path}: r{i} against r{j}: {problems}"


def test_a_change_that_keeps_its_version_is_caught_against_the_snapshot(tmp_path):
    shutil.copytree(PUBLISHED_DIR, tmp_path / "published")
    snapshot = tmp_path / "published" / "events" / "academies.DataSubmitted.v1.r1.json"
    published = json.loads(snapshot.read_text())
    # As if the published form had allowed a fourth term that the models now refuse.
    published["$defs"]["Period"]["properties"]["term"]["enum"].append("winter")
    snapshot.write_text(json.dumps(published))
    problems = incompatible_with_published(tmp_path / "published")
    assert problems == [
        "academies.DataSubmitted.v1.json (published r1): period.term: enum values removed: "
        "['winter']"
    ]


def test_publishing_appends_a_revision_only_for_a_changed_form(tmp_path):
    target = tmp_path / "published"
    written = publish(target)
    assert len(written) == len(current())
    assert all(path.name.endswith(".r1.json") for path in written)
    assert publish(target) == []
    # An older form that differs only compatibly (no optional field yet) gets an r2.
    snapshot = target / "events" / "evaluations.ConcernRaised.v1.r1.json"
    older = json.loads(snapshot.read_text())
    del older["properties"]["raised_with"]
    snapshot.write_text(json.dumps(older))
    assert [p.name for p in publish(target)] == ["evaluations.ConcernRaised.v1.r2.json"]

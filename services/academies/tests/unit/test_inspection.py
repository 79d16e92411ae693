"""Ofsted inspections: grades validated against the scheme they were made under."""

from __future__ import annotations

import datetime as dt

import pytest
from academies.domain.academy import AcademyState
from academies.domain.inspection import RecordInspection, decide_record
from chassis.errors import InvalidArgument

ACADEMY = AcademyState("a1", "t1", "123456", "Heron", "primary", "Kent", dt.date(2020, 9, 1), False)
TODAY = dt.date(2026, 11, 23)


def record(**overrides) -> RecordInspection:
    fields = dict(
        academy_id="a1",
        inspection_date="2024-03-12",
        scheme="ofsted-2019",
        grades={"overall_effectiveness": "good", "quality_of_education": "good"},
        safeguarding="",
        today=TODAY,
    )
    return RecordInspection(**{**fields, **overrides})


def test_a_2019_inspection_is_recorded_with_its_grades():
    [event] = decide_record(ACADEMY, record())
    assert event.scheme == "ofsted-2019" and event.grades["overall_effectiveness"] == "good"
    assert event.safeguarding is None


def test_a_2025_report_card_needs_safeguarding_and_has_no_overall_grade():
    card = record(
        inspection_date="2026-02-03",
        scheme="ofsted-2025",
        grades={"inclusion": "strong_standard", "achievement": "needs_attention"},
        safeguarding="met",
    )
    assert decide_record(ACADEMY, card)[0].safeguarding == "met"
    with pytest.raises(InvalidArgument, match="needs safeguarding met or not_met"):
        decide_record(
            ACADEMY,
            record(
                inspection_date="2026-02-03",
                scheme="ofsted-2025",
                grades={"inclusion": "strong_standard"},
            ),
        )
    with pytest.raises(InvalidArgument, match="area 'overall_effectiveness' is not in ofsted-2025"):
        decide_record(
            ACADEMY,
            record(
                inspection_date="2026-02-03",
                scheme="ofsted-2025",
                grades={"overall_effectiveness": "good"},
                safeguarding="met",
            ),
        )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"grades": {"quality_of_education": "strong_standard"}},
            "grade 'strong_standard' for quality_of_education is not on ofsted-2019",
        ),
        ({"grades": {"inclusion": "good"}}, "area 'inclusion' is not in ofsted-2019"),
        ({"grades": {}}, "at least one graded area"),
        ({"scheme": "ofsted-2030"}, "scheme must be one of"),
        ({"inspection_date": "2027-01-01"}, "in the future"),
        (
            {
                "inspection_date": "2025-01-01",
                "scheme": "ofsted-2025",
                "grades": {"inclusion": "exceptional"},
                "safeguarding": "met",
            },
            "was not in force",
        ),
        ({"safeguarding": "met"}, "has no separate safeguarding judgement"),
    ],
)
def test_inspections_outside_their_scheme_are_refused(overrides, message):
    with pytest.raises(InvalidArgument, match=message):
        decide_record(ACADEMY, record(**overrides))

"""Given an inspection, when it is rated for the board, then it reads by the
trust framework's grade colours on its own scheme, and by the other scheme's
usual colours (said in the reasons) when Ofsted inspected on the other one."""

from __future__ import annotations

import pytest
from reporting.domain.rag import AMBER, GREEN, NOT_RATED, RED, inspection_rating
from trust_frameworks.loader import presets
from trust_frameworks.schemes import OFSTED_2019, OFSTED_2025

ON_2019 = presets()["seed-000-aid"]  # judges on ofsted-2019
ON_2025 = presets()["seed-001-carter"]  # judges on ofsted-2025


@pytest.mark.parametrize(
    ("scheme", "grade", "colour"),
    [
        (OFSTED_2019, "outstanding", "green"),
        (OFSTED_2019, "good", "green"),
        (OFSTED_2019, "requires_improvement", "amber"),
        (OFSTED_2019, "inadequate", "red"),
        (OFSTED_2025, "expected_standard", "green"),
        (OFSTED_2025, "needs_attention", "amber"),
        (OFSTED_2025, "urgent_improvement", "red"),
        (OFSTED_2025, "good", None),  # not on the scheme
    ],
)
def test_a_grade_reads_as_its_schemes_usual_colour(scheme, grade, colour):
    assert scheme.usual_colour(grade) == colour


def test_an_inspection_on_the_frameworks_own_scheme_uses_its_grade_colours():
    rating = inspection_rating(
        ON_2019,
        "2026-10-01",
        {"quality_of_education": "good", "leadership_and_management": "requires_improvement"},
        None,
        "ofsted-2019",
    )
    assert rating.colour == AMBER
    assert rating.reasons == ("leadership and management: requires improvement on 2026-10-01",)


def test_a_report_card_for_a_trust_on_the_2019_framework_is_rated_and_says_how():
    rating = inspection_rating(
        ON_2019,
        "2026-10-01",
        {"inclusion": "expected_standard", "achievement": "urgent_improvement"},
        "met",
        "ofsted-2025",
    )
    assert rating.colour == RED
    assert rating.reasons[0] == "achievement: urgent improvement on 2026-10-01"
    assert "report cards" in rating.reasons[-1]


def test_a_2019_inspection_for_a_trust_on_report_cards_is_rated_too():
    rating = inspection_rating(
        ON_2025, "2024-05-01", {"overall_effectiveness": "good"}, None, "ofsted-2019"
    )
    assert rating.colour == GREEN


def test_unmet_safeguarding_is_red_whatever_the_grades_and_no_grades_is_not_rated():
    assert (
        inspection_rating(
            ON_2025, "2026-10-01", {"inclusion": "exceptional"}, "not_met", "ofsted-2025"
        ).colour
        == RED
    )
    assert inspection_rating(ON_2025, "2026-10-01", {}, "met", "ofsted-2025").colour == NOT_RATED

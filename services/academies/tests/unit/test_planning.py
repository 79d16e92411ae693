"""Improvement plans and self-evaluations: measurable, dated, owned; revisions kept."""

from __future__ import annotations

import datetime as dt

import pytest
from academies.domain.academy import AcademyState
from academies.domain.planning import (
    SubmitImprovementPlan,
    SubmitSelfEvaluation,
    decide_plan,
    decide_self_evaluation,
)
from chassis.errors import InvalidArgument
from contracts.academies.v1 import Milestone, Priority, SuccessCriterion
from trust_frameworks.schemes import OFSTED_2019

ACADEMY = AcademyState("a1", "t1", "123456", "Heron", "primary", "Kent", dt.date(2020, 9, 1), False)


def priority(**overrides) -> Priority:
    fields = dict(
        title="Raise attendance",
        owner="deputy head",
        area="behaviour_and_attitudes",
        success_criteria=[
            SuccessCriterion(
                description="fewer absent", measure="persistent absence %", target="below 12%"
            )
        ],
        milestones=[
            Milestone(description="first review", due_on=dt.date(2026, 12, 1), owner="deputy head")
        ],
    )
    return Priority(**{**fields, **overrides})


def plan(*priorities) -> SubmitImprovementPlan:
    return SubmitImprovementPlan("a1", "2026/27", list(priorities))


def test_a_plan_is_a_revision_and_a_resubmission_the_next_one():
    [first] = decide_plan(ACADEMY, plan(priority()), 0, OFSTED_2019)
    [second] = decide_plan(
        ACADEMY, plan(priority(title="Raise attendance further")), 1, OFSTED_2019
    )
    assert (first.revision, second.revision) == (1, 2)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (priority(success_criteria=[]), "needs at least one measurable success criterion"),
        (
            priority(
                success_criteria=[SuccessCriterion(description="better", measure="", target="")]
            ),
            "needs a measure and a target",
        ),
        (priority(milestones=[]), "needs at least one dated milestone"),
        (
            priority(
                milestones=[Milestone(description="late", due_on=dt.date(2027, 10, 1), owner="x")]
            ),
            "outside 2026/27",
        ),
        (priority(owner=" "), "owner must not be empty"),
        (priority(area="inclusion"), "area 'inclusion' is not in ofsted-2019"),
    ],
)
def test_a_plan_without_measurable_dated_owned_priorities_is_refused(bad, message):
    with pytest.raises(InvalidArgument, match=message):
        decide_plan(ACADEMY, plan(bad), 0, OFSTED_2019)


def test_an_empty_plan_and_a_malformed_year_are_refused():
    with pytest.raises(InvalidArgument, match="at least one priority"):
        decide_plan(ACADEMY, plan(), 0, OFSTED_2019)
    with pytest.raises(InvalidArgument, match="must look like 2026/27"):
        decide_plan(ACADEMY, SubmitImprovementPlan("a1", "2026", [priority()]), 0, OFSTED_2019)


def test_self_evaluation_judgements_are_on_the_trusts_scheme():
    good = SubmitSelfEvaluation(
        "a1", "2026/27", "Strong curriculum; attendance a concern", {"quality_of_education": "good"}
    )
    assert decide_self_evaluation(ACADEMY, good, 0, OFSTED_2019)[0].revision == 1
    bad = SubmitSelfEvaluation("a1", "2026/27", "x", {"quality_of_education": "strong_standard"})
    with pytest.raises(InvalidArgument, match="not on ofsted-2019"):
        decide_self_evaluation(ACADEMY, bad, 0, OFSTED_2019)


def test_a_plan_records_the_framework_version_in_force():
    [event] = decide_plan(ACADEMY, plan(priority()), 0, OFSTED_2019, framework_version=3)
    assert event.framework_version == 3

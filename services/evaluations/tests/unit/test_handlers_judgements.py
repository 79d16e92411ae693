"""Given the academy's facts and record, when it is judged or its evaluations are
read, then what is appended and answered, or a clear refusal with nothing appended."""

from __future__ import annotations

import pytest
from chassis.auth import Principal, Role
from chassis.envelope import CausationContext
from chassis.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from chassis.paging import page_request
from contracts.evaluations.v1 import EvaluationJudged
from evaluations.application import judgements
from evaluations.domain import decisions
from evaluations.domain.facts import AcademyFacts

HERON = AcademyFacts("a1", "t1", "Heron", "primary", True)
OTTER = AcademyFacts("a2", "t1", "Otter", "secondary", True)
LEAD = Principal("aip", Role.IMPROVEMENT_LEAD, "t1", frozenset({"a1"}))
HEAD = Principal("head", Role.HEADTEACHER, "t1", frozenset({"a1"}))
CEO = Principal("ceo", Role.CHIEF_EXECUTIVE, "t1", frozenset())


def judge(**overrides) -> decisions.JudgeEvaluation:
    fields = dict(
        academy_id="a1",
        evaluation_id="e1",
        kind="trust_evaluation",
        academic_year="2026/27",
        term="autumn",
        judgements={"quality_of_education": "good"},
        evidence=[" visit note 3 ", ""],
        summary=" Securely good ",
    )
    return decisions.JudgeEvaluation(**{**fields, **overrides})


async def when_judged(world, command, principal=LEAD) -> judgements.Judged:
    return await judgements.judge(
        world.store,
        world.facts,
        world.facts,
        principal,
        command,
        CausationContext(principal.actor, "corr"),
    )


async def test_an_improvement_lead_judges_their_academy_and_is_answered_from_the_record(world):
    world.academy(HERON)
    judged = await when_judged(world, judge())
    [event] = await world.events("a1")
    assert isinstance(event, EvaluationJudged) and event == judged.evaluation
    assert (event.scheme, event.framework_version) == ("ofsted-2019", 1)
    assert (event.evidence, event.summary) == (["visit note 3"], "Securely good")
    assert judged.judged_by == LEAD.actor


async def test_an_evaluation_without_an_id_gets_a_new_one(world):
    world.academy(HERON)
    judged = await when_judged(world, judge(evaluation_id=""))
    assert len(judged.evaluation.evaluation_id) == 36


async def test_a_retried_judgement_is_answered_again_and_appended_once(world):
    world.academy(HERON)
    first = await when_judged(world, judge())
    assert await when_judged(world, judge()) == first
    assert len(await world.events("a1")) == 1
    with pytest.raises(AlreadyExists, match="evaluation e1 already exists"):
        await when_judged(world, judge(summary="Requires improvement"))
    assert len(await world.events("a1")) == 1


@pytest.mark.parametrize(
    ("given", "command", "principal", "error", "message"),
    [
        ("nothing", judge(), LEAD, NotFound, "academy a1 is not known to evaluations"),
        ("no framework", judge(), LEAD, FailedPrecondition, "trust t1 has no framework yet"),
        (
            "heron",
            judge(academy_id="a2"),
            LEAD,
            PermissionDenied,
            "judging an academy: academy a2 is outside your scope",
        ),
        ("left", judge(), LEAD, FailedPrecondition, "Heron.*has left the trust"),
        ("heron", judge(), HEAD, PermissionDenied, "a trust_evaluation is made by"),
        ("heron", judge(kind="self_evaluation"), LEAD, PermissionDenied, "made by headteacher"),
        (
            "heron",
            judge(academic_year="2026"),
            LEAD,
            InvalidArgument,
            "academic_year must look like 2026/27, got '2026'",
        ),
        (
            "heron",
            judge(academic_year="2026/28"),
            LEAD,
            InvalidArgument,
            "academic_year '2026/28' must span consecutive years, e.g. 2026/27",
        ),
        (
            "heron",
            judge(term="winter"),
            LEAD,
            InvalidArgument,
            "term must be one of autumn, spring, summer, got 'winter'",
        ),
        ("heron", judge(evaluation_id="a b"), LEAD, InvalidArgument, "evaluation_id must be"),
        ("heron", judge(judgements={"sixth_form": "good"}), LEAD, InvalidArgument, "not apply"),
    ],
)
async def test_judgements_are_refused_clearly_and_append_nothing(
    world, given, command, principal, error, message
):
    if given == "heron":
        world.academy(HERON)
        world.academy(OTTER)
    elif given == "left":
        world.academy(AcademyFacts("a1", "t1", "Heron", "primary", False))
    elif given == "no framework":
        world.facts.academies["a1"] = HERON
    with pytest.raises(error, match=message):
        await when_judged(world, command, principal)
    assert await world.events(command.academy_id) == []


async def test_evaluations_are_listed_in_judged_order_filtered_and_paged(world):
    world.academy(HERON)
    for n, (year, term) in enumerate(
        [("2025/26", "summer"), ("2026/27", "autumn"), ("2026/27", "spring")]
    ):
        await when_judged(world, judge(evaluation_id=f"e{n}", academic_year=year, term=term))
    await when_judged(world, judge(evaluation_id="own", kind="self_evaluation"), HEAD)

    async def listed(principal, token="", **filters):
        page = page_request(2, token, judgements.EVALUATION_KEY)
        return await judgements.list_evaluations(
            world.store, world.facts, world.facts, principal, "a1", page, **filters
        )

    first, token = await listed(CEO)
    rest, last = await listed(CEO, token)
    assert [j.evaluation.evaluation_id for j in first + rest] == ["e0", "e1", "e2", "own"]
    assert last == "" and rest[-1].judged_by == HEAD.actor
    this_year, _ = await listed(HEAD, academic_year="2026/27", kind="trust_evaluation")
    assert [j.evaluation.evaluation_id for j in this_year] == ["e1", "e2"]
    outside = Principal("head2", Role.HEADTEACHER, "t1", frozenset({"a2"}))
    with pytest.raises(PermissionDenied, match="reading evaluations: academy a1 is outside"):
        await listed(outside)

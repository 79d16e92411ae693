"""Given an academy's record, when a phase is proposed, decided or read, then the
events, the board's inbox and the answers; or a clear refusal with nothing appended."""

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
from contracts.evaluations.v1 import (
    EvaluationJudged,
    PhaseChanged,
    PhaseProposalRejected,
    PhaseProposalWithdrawn,
    PhaseProposed,
)
from evaluations.application import phases
from evaluations.application.ports import OPEN_PROPOSAL_KEY
from evaluations.domain import decisions
from evaluations.domain.facts import AcademyFacts, LatestData

HERON = AcademyFacts("a1", "t1", "Heron", "primary", True)
OTTER = AcademyFacts("a2", "t1", "Otter", "secondary", True)
CEO = Principal("ceo", Role.CHIEF_EXECUTIVE, "t1", frozenset())
TRUSTEE = Principal("chair", Role.TRUSTEE, "t1", frozenset())
LEAD = Principal("aip", Role.IMPROVEMENT_LEAD, "t1", frozenset({"a1"}))


def propose(phase: str = "category_2", **overrides) -> decisions.ProposePhase:
    fields = dict(academy_id="a1", proposal_id="p1", phase=phase, reason=" data ", review="annual")
    return decisions.ProposePhase(**{**fields, "subject": None, **overrides})


def decide(proposal_id: str = "p1", reason: str = "new evidence", academy_id: str = "a1"):
    return decisions.DecideProposal(academy_id, proposal_id, reason)


def _deps(world):
    return world.store, world.facts, world.facts, world.view


async def when_proposed(world, command, principal=CEO):
    cause = CausationContext(principal.actor, "corr")
    return await phases.propose(*_deps(world), principal, command, cause)


async def when_decided(world, handler, command, principal=TRUSTEE):
    cause = CausationContext(principal.actor, "corr")
    return await handler(*_deps(world), principal, command, cause)


async def inbox(world, principal=TRUSTEE, token="", size=50):
    page = page_request(size, token, OPEN_PROPOSAL_KEY)
    return await phases.open_proposals(world.view, principal, "t1", page)


async def test_a_proposal_waits_in_the_inbox_and_the_board_confirms_it(world):
    world.academy(HERON)
    proposal = await when_proposed(world, propose())
    assert (proposal.academy_id, proposal.status, proposal.reason) == ("a1", "open", "data")
    assert proposal.proposed_by == CEO.actor
    [waiting], _ = await inbox(world)
    assert (waiting.proposal, waiting.academy_name) == (proposal, "Heron")

    change = await when_decided(world, phases.confirm, decide())
    assert (change.old_phase, change.new_phase) == (None, "category_2")
    assert (change.proposed_by.subject, change.confirmed_by.subject) == ("ceo", "chair")
    assert [type(e) for e in await world.events("a1")] == [PhaseProposed, PhaseChanged]
    assert await inbox(world) == ([], "")
    record = await phases.get_phase(world.store, world.facts, world.facts, LEAD, "a1")
    assert record.phases == {None: "category_2"} and record.changes == (change,)


async def test_a_retried_proposal_is_answered_as_it_now_stands(world):
    world.academy(HERON)
    first = await when_proposed(world, propose())
    assert await when_proposed(world, propose()) == first
    await when_decided(world, phases.confirm, decide())
    late = await when_proposed(world, propose())
    assert (late.proposal_id, late.status) == ("p1", "confirmed")
    assert len(await world.events("a1")) == 2
    with pytest.raises(AlreadyExists, match="proposal p1 already exists"):
        await when_proposed(world, propose("category_3"))


@pytest.mark.parametrize(
    ("handler", "status", "event"),
    [
        (phases.reject, "rejected", PhaseProposalRejected),
        (phases.withdraw, "withdrawn", PhaseProposalWithdrawn),
    ],
)
async def test_a_rejected_or_withdrawn_proposal_leaves_the_inbox(world, handler, status, event):
    world.academy(HERON)
    await when_proposed(world, propose())
    decider = CEO if handler is phases.withdraw else TRUSTEE
    answered = await when_decided(world, handler, decide(), decider)
    assert (answered.proposal_id, answered.academy_id, answered.status) == ("p1", "a1", status)
    assert type((await world.events("a1"))[-1]) is event
    assert await inbox(world) == ([], "")


@pytest.mark.parametrize(
    ("handler", "command", "principal", "error", "message"),
    [
        (phases.confirm, decide("p9"), TRUSTEE, NotFound, "no proposal p9 for academy a1"),
        (
            phases.confirm,
            decide(),
            Principal("ceo", Role.TRUSTEE, "t1", frozenset()),
            PermissionDenied,
            "cannot also confirm",
        ),
        (phases.reject, decide(reason=" "), TRUSTEE, InvalidArgument, "reason must not be empty"),
        (
            phases.withdraw,
            decide(academy_id="a2"),
            Principal("ceo", Role.CHIEF_EXECUTIVE, "t2", frozenset()),
            PermissionDenied,
            "withdrawing a proposal: academy a2 is outside your scope",
        ),
        (
            phases.propose,
            propose("category_3", proposal_id="p2"),
            CEO,
            FailedPrecondition,
            "already awaiting the board",
        ),
        (phases.propose, propose("category_9", proposal_id="p2"), CEO, InvalidArgument, "not in"),
        (
            phases.propose,
            propose(proposal_id="p2", review="whenever"),
            CEO,
            InvalidArgument,
            "review must be annual or exceptional, got 'whenever'",
        ),
    ],
)
async def test_phase_decisions_are_refused_clearly_and_append_nothing(
    world, handler, command, principal, error, message
):
    world.academy(HERON)
    world.academy(OTTER)
    await when_proposed(world, propose())
    before = await world.events("a1")
    with pytest.raises(error, match=message):
        await when_decided(world, handler, command, principal)
    assert await world.events("a1") == before


async def test_the_inbox_is_the_trusts_oldest_first_and_a_lead_sees_their_academies(world):
    world.academy(HERON)
    world.academy(OTTER)
    await when_proposed(world, propose(proposal_id="p1"))
    await when_proposed(world, propose(academy_id="a2", proposal_id="p2"))
    first, token = await inbox(world, size=1)
    rest, last = await inbox(world, token=token, size=1)
    assert [p.proposal.proposal_id for p in first + rest] == ["p1", "p2"] and last == ""
    mine, _ = await inbox(world, LEAD)
    assert [p.proposal.academy_id for p in mine] == ["a1"]
    elsewhere = Principal("chair@other", Role.TRUSTEE, "t9", frozenset())
    with pytest.raises(PermissionDenied, match="reading the open proposals: trust t1 is not"):
        await inbox(world, elsewhere)


async def test_a_suggestion_weighs_the_latest_data_and_the_trust_judgement(world):
    world.academy(HERON, preset="seed-001-carter")
    deps = (world.store, world.facts, world.facts, world.facts)
    nothing = await phases.suggestion(*deps, LEAD, "a1")
    assert nothing.suggestion.phase is None and nothing.current_phase is None
    world.facts.data["a1"] = LatestData("2025/26", "summer", 0, "below", -0.3)
    found = await phases.suggestion(*deps, LEAD, "a1")
    assert (found.academy_id, found.suggestion.phase) == ("a1", "repair")
    assert "Progress 8 band below" in found.suggestion.reasons[0]


async def test_the_suggestion_reads_the_record_the_judgements_are_in(world):
    world.academy(HERON)
    judged = EvaluationJudged(
        trust_id="t1",
        academy_id="a1",
        evaluation_id="e1",
        kind="trust_evaluation",
        academic_year="2026/27",
        term="autumn",
        scheme="ofsted-2019",
        judgements={"overall_effectiveness": "requires_improvement"},
        evidence=[],
        summary="s",
        framework_version=1,
    )
    await world.given("a1", (judged, LEAD.actor))
    found = await phases.suggestion(world.store, world.facts, world.facts, world.facts, CEO, "a1")
    assert found.suggestion.phase == "category_2"

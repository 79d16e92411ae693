"""Plans and self-evaluations: given an academy, when a revision is submitted or the
plan read, then every revision, on the scheme of the trust's framework in force."""

from __future__ import annotations

import pytest
from academies.application import planning
from chassis.errors import InvalidArgument, NotFound, PermissionDenied

from .builders import HEAD, LEAD, OTHER_HEAD, World, cause, plan, priority, statement


async def test_a_plan_is_revised_and_every_revision_is_read_back_with_who_and_when():
    world = await World().given_trust_and_academies()
    first = await planning.submit_plan(world.store, HEAD, plan(priority()), cause(HEAD))
    second = await planning.submit_plan(
        world.store, LEAD, plan(priority(title="Raise attendance further")), cause(LEAD)
    )
    stored = world.events()[-1]
    assert (first.plan.revision, second.plan.revision) == (1, 2)
    assert stored.stream == "plan-a1+2026/27" and stored.key == "a1"
    assert (second.submitted_by, second.submitted_at) == (LEAD.actor, stored.occurred_at)
    assert second.plan.framework_version == 1
    history = await planning.plan_history(world.store, HEAD, "a1", "2026/27")
    assert history == [first, second]


@pytest.mark.parametrize(
    ("principal", "command", "error", "message"),
    [
        (HEAD, plan(), InvalidArgument, "a plan needs at least one priority"),
        (HEAD, plan(priority(), academic_year="2026"), InvalidArgument, "must look like 2026/27"),
        (HEAD, plan(priority(), academy_id="a9"), NotFound, "academy a9 is not registered"),
        (OTHER_HEAD, plan(priority()), PermissionDenied, "submitting an improvement plan"),
    ],
)
async def test_a_plan_is_refused_clearly(principal, command, error, message):
    world = await World().given_trust_and_academies()
    before = len(world.events())
    with pytest.raises(error, match=message):
        await planning.submit_plan(world.store, principal, command, cause(principal))
    assert len(world.events()) == before


async def test_a_plan_not_yet_made_or_out_of_reach_is_not_read():
    world = await World().given_trust_and_academies()
    with pytest.raises(NotFound, match="academy a1 has no improvement plan for 2026/27"):
        await planning.plan_history(world.store, HEAD, "a1", "2026/27")
    with pytest.raises(PermissionDenied, match="reading an improvement plan"):
        await planning.plan_history(world.store, OTHER_HEAD, "a1", "2026/27")


async def test_a_self_evaluation_is_a_revision_on_the_trusts_scheme():
    world = await World().given_trust_and_academies()
    first = await planning.submit_self_evaluation(world.store, HEAD, statement(), cause(HEAD))
    again = await planning.submit_self_evaluation(world.store, HEAD, statement(), cause(HEAD))
    assert (first.statement.revision, again.statement.revision) == (1, 2)
    assert first.statement.scheme == "ofsted-2025" and first.submitted_by == HEAD.actor
    assert world.events()[-1].stream == "sef-a1+2026/27"
    with pytest.raises(InvalidArgument, match="not on ofsted-2025"):
        await planning.submit_self_evaluation(
            world.store, HEAD, statement(area_judgements={"achievement": "good"}), cause(HEAD)
        )

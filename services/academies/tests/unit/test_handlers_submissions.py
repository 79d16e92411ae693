"""Submissions and returns: given academies, when data is submitted, corrected or read,
then what was decided, with each revision's time as stored."""

from __future__ import annotations

import datetime as dt

import pytest
from academies.application import register, submissions
from academies.application.ports import SLOT_KEY
from academies.domain.academy import RecordAcademyLeft
from chassis.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from chassis.paging import PageRequest, page_request
from contracts.academies.v1 import DataValues, Period
from trust_frameworks.returns import ReturnStatus

from .builders import CEO, HEAD, LEAD, OTHER_HEAD, TRUSTEE, World, cause, correct, submit


async def _submitted(world: World, principal=HEAD, **overrides):
    return await submissions.submit_data(
        world.store, world.submissions, principal, submit(**overrides), cause(principal)
    )


async def test_submitted_data_is_recorded_indexed_and_answered_as_stored():
    world = await World().given_trust_and_academies()
    state = await _submitted(world)
    [event] = world.events()[-1:]
    assert (event.stream, event.event_type) == ("submission-s1", "academies.DataSubmitted")
    assert event.key == "a1"
    [revision] = state.revisions
    assert (revision.recorded_by, revision.recorded_at) == (HEAD.actor, event.occurred_at)
    assert world.submissions.indexed["s1"].submitted_at == event.occurred_at
    read = await submissions.get_submission(world.store, HEAD, "a1", "s1")
    assert read == state


async def test_a_retried_submission_is_answered_again_and_other_content_is_refused():
    world = await World().given_trust_and_academies()
    first = await _submitted(world)
    before = len(world.events())
    assert await _submitted(world) == first
    with pytest.raises(AlreadyExists, match="submission s1 already exists"):
        await _submitted(world, values=DataValues(attendance_percent=90.0))
    assert len(world.events()) == before


async def test_a_second_submission_for_the_same_slot_is_refused_and_nothing_is_kept():
    world = await World().given_trust_and_academies()
    await _submitted(world)
    before = len(world.events())
    with pytest.raises(AlreadyExists, match="already has submission s1 for 2026/27 autumn"):
        await _submitted(world, submission_id="s2")
    assert len(world.events()) == before and "s2" not in world.submissions.indexed


@pytest.mark.parametrize(
    ("principal", "command", "error", "message"),
    [
        (OTHER_HEAD, submit(), PermissionDenied, "submitting data: academy a1 is outside"),
        (CEO, submit(academy_id="a9"), NotFound, "academy a9 is not registered"),
        (HEAD, submit(submission_id="bad id!"), InvalidArgument, "submission_id must be"),
        (
            HEAD,
            submit(period=Period(academic_year="2026/2027", term="autumn")),
            InvalidArgument,
            "academic_year must look like 2026/27",
        ),
        (
            HEAD,
            submit(period=Period(academic_year="2026/27", term="winter")),
            InvalidArgument,
            "term must be one of autumn, spring, summer",
        ),
    ],
)
async def test_a_submission_is_refused_clearly(principal, command, error, message):
    world = await World().given_trust_and_academies()
    before = len(world.events())
    with pytest.raises(error, match=message):
        await submissions.submit_data(
            world.store, world.submissions, principal, command, cause(principal)
        )
    assert len(world.events()) == before


async def test_an_academy_that_left_takes_no_data():
    world = await World().given_trust_and_academies()
    left = RecordAcademyLeft("a1", "2026-08-31", "transfer")
    await register.record_left(world.store, world.academies, world.urns, CEO, left, cause(CEO))
    with pytest.raises(FailedPrecondition, match="left the trust"):
        await _submitted(world, principal=CEO)


async def test_a_correction_supersedes_and_keeps_every_revision_with_its_time():
    world = await World().given_trust_and_academies()
    await _submitted(world)
    corrected = await submissions.correct_submission(world.store, LEAD, correct(), cause(LEAD))
    stored = world.events()[-1]
    assert corrected.effective.attendance_percent == 96.0
    assert [r.values.attendance_percent for r in corrected.revisions] == [95.0, 96.0]
    assert (corrected.revisions[1].recorded_by, corrected.revisions[1].recorded_at) == (
        LEAD.actor,
        stored.occurred_at,
    )
    assert await submissions.get_submission(world.store, TRUSTEE, "a1", "s1") == corrected


async def test_a_correction_of_nothing_or_out_of_reach_is_refused():
    world = await World().given_trust_and_academies()
    await _submitted(world)
    with pytest.raises(NotFound, match="no submission s9 for academy a1"):
        await submissions.correct_submission(
            world.store, HEAD, correct(submission_id="s9"), cause(HEAD)
        )
    with pytest.raises(PermissionDenied, match="correcting a submission"):
        await submissions.correct_submission(world.store, OTHER_HEAD, correct(), cause(OTHER_HEAD))
    with pytest.raises(FailedPrecondition, match="does not change any value"):
        await submissions.correct_submission(
            world.store, HEAD, correct(values=DataValues(attendance_percent=95.0)), cause(HEAD)
        )


async def test_a_submission_is_read_only_through_its_own_academy():
    world = await World().given_trust_and_academies()
    await _submitted(world)
    with pytest.raises(NotFound, match="academy a2 has no submission s1"):
        await submissions.get_submission(world.store, CEO, "a2", "s1")
    with pytest.raises(PermissionDenied, match="reading submissions"):
        await submissions.get_submission(world.store, OTHER_HEAD, "a1", "s1")


async def test_submissions_are_listed_by_period_a_page_at_a_time():
    world = await World().given_trust_and_academies()
    for n, (year, term) in enumerate(
        [("2026/27", "summer"), ("2025/26", "spring"), ("2026/27", "autumn")]
    ):
        await _submitted(world, submission_id=f"s{n}", period=Period(academic_year=year, term=term))
    seen, token = [], ""
    while True:
        found, token = await submissions.list_submissions(
            world.store, world.submissions, HEAD, "a1", None, page_request(2, token, SLOT_KEY)
        )
        seen += [(s.period.academic_year, s.period.term) for s in found]
        if not token:
            break
    assert seen == [("2025/26", "spring"), ("2026/27", "autumn"), ("2026/27", "summer")]
    only, _ = await submissions.list_submissions(
        world.store, world.submissions, HEAD, "a1", "2025/26", PageRequest(size=50, after=None)
    )
    assert [s.submission_id for s in only] == ["s1"]


async def test_the_returns_status_applies_the_trusts_calendar_as_of_a_day():
    world = await World().given_trust_and_academies()
    await _submitted(world)  # stored today: on time until 2 January 2027
    status = await submissions.returns_status(
        world.store, world.submissions, HEAD, "a1", dt.date(2027, 4, 20)
    )
    assert (status.academy_id, status.as_of, status.framework_version) == (
        "a1",
        dt.date(2027, 4, 20),
        1,
    )
    termly = {r.term: r.status for r in status.returns if r.return_type == "termly_kpi"}
    assert termly["spring"] is ReturnStatus.MISSING
    assert termly["summer"] is ReturnStatus.NOT_YET_DUE
    assert termly["autumn"] in (ReturnStatus.ON_TIME, ReturnStatus.LATE)
    with pytest.raises(PermissionDenied, match="reading an academy's returns"):
        await submissions.returns_status(
            world.store, world.submissions, OTHER_HEAD, "a1", dt.date(2027, 4, 20)
        )

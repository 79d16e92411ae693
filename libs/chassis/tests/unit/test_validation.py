"""Request limits from the proto contracts: every input bounded, refusals that say why."""

from __future__ import annotations

import pytest
from chassis.errors import InvalidArgument
from chassis.validation import request_types, unbounded_fields, validate_request
from trust.academies.v1 import academies_pb2
from trust.evaluations.v1 import evaluations_pb2
from trust.feed.v1 import feed_pb2
from trust.meetings.v1 import meetings_pb2
from trust.reporting.v1 import reporting_pb2
from trust.support.v1 import support_pb2

SERVICES = [
    module.DESCRIPTOR.services_by_name[name]
    for module, name in (
        (academies_pb2, "AcademiesService"),
        (evaluations_pb2, "EvaluationsService"),
        (reporting_pb2, "ReportingService"),
        (feed_pb2, "EventFeed"),
        (meetings_pb2, "MeetingsService"),
        (support_pb2, "SupportService"),
    )
]


@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.name)
def test_every_text_list_and_map_field_of_every_request_has_a_maximum(service):
    unbounded = [path for request in request_types(service) for path in unbounded_fields(request)]
    assert unbounded == [], "declare (trust.common.v1.rules) for: " + ", ".join(unbounded)


def _refusal(message) -> str:
    with pytest.raises(InvalidArgument) as refused:
        validate_request(message)
    return refused.value.message


def test_an_empty_request_names_the_first_required_field():
    assert _refusal(academies_pb2.SubmitDataRequest()) == "academy_id is required"
    assert _refusal(evaluations_pb2.DecideProposalRequest(academy_id="a")) == (
        "proposal_id is required"
    )
    assert _refusal(academies_pb2.SubmitDataRequest(academy_id="a", return_type="x")) == (
        "period is required"
    )


def test_meetings_requests_name_their_required_fields_and_nested_people():
    assert _refusal(meetings_pb2.HoldMeetingRequest(meeting_id="m", held_on="2026-11-05")) == (
        "attendees is required (at least one entry)"
    )
    raised = meetings_pb2.RaiseActionRequest(
        meeting_id="m", title="t", due_on="2027-01-29", owner=meetings_pb2.Person(subject="h")
    )
    assert _refusal(raised) == "owner.role is required"
    assert _refusal(meetings_pb2.ListMeetingsRequest(trust_id="t")) == "academic_year is required"


def test_text_over_its_limit_names_the_field_and_the_limit():
    judged = evaluations_pb2.JudgeEvaluationRequest(
        academy_id="a", kind="trust_evaluation", summary="x" * 1_048_576
    )
    assert _refusal(judged) == "summary is 1,048,576 characters; the limit is 20,000 characters"


def test_lists_maps_and_their_items_are_bounded():
    many = evaluations_pb2.JudgeEvaluationRequest(
        academy_id="a", kind="k", evidence=[f"doc {n}" for n in range(101)]
    )
    assert _refusal(many) == "evidence has 101 entries; the limit is 100"
    long_item = evaluations_pb2.JudgeEvaluationRequest(
        academy_id="a", kind="k", evidence=["ok", "y" * 501]
    )
    assert _refusal(long_item) == "evidence[1] is 501 characters; the limit is 500 characters"
    long_key = evaluations_pb2.JudgeEvaluationRequest(
        academy_id="a", kind="k", judgements={"z" * 65: "good"}
    )
    assert _refusal(long_key) == "judgements key is 65 characters; the limit is 64 characters"


def test_nested_messages_are_checked_with_their_path():
    plan = academies_pb2.SubmitImprovementPlanRequest(
        academy_id="a",
        academic_year="2026/27",
        priorities=[
            academies_pb2.Priority(title="ok"),
            academies_pb2.Priority(
                title="ok", milestones=[academies_pb2.Milestone(description="d" * 2001)]
            ),
        ],
    )
    assert _refusal(plan) == (
        "priorities[1].milestones[0].description is 2,001 characters; the limit is 2,000 characters"
    )


def test_a_request_within_its_limits_passes():
    validate_request(
        academies_pb2.SubmitDataRequest(
            academy_id="a",
            period=academies_pb2.Period(academic_year="2026/27", term="autumn"),
            return_type="termly_kpi",
        )
    )


def test_a_nul_character_anywhere_is_refused_by_its_path():
    """PostgreSQL cannot store U+0000 in text or jsonb: refused before any query."""
    with pytest.raises(InvalidArgument, match=r"academy_id contains a NUL character \(U\+0000\)"):
        validate_request(academies_pb2.GetAcademyRequest(academy_id="a\x00b"))
    request = meetings_pb2.ListActionsRequest(trust_id="t1", owner_subject="x\x00")
    with pytest.raises(InvalidArgument, match="owner_subject contains a NUL"):
        validate_request(request)

"""Proto <-> domain: every converter, in and out; what goes in comes back out."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, replace

import pytest
from academies.application.register import Caller
from academies.application.streams import (
    AcademyRecord,
    Inspected,
    PlanRevision,
    StatementRevision,
)
from academies.application.submissions import ReturnsStatus
from academies.domain.academy import AcademyState, ChangeAcademyDetails, RecordAcademyLeft
from academies.domain.submission import Revision, SubmissionState
from academies.domain.trust import TrustState
from academies.entrypoints.convert import records, register, values
from chassis.errors import InvalidArgument
from contracts.academies.v1 import (
    DataValues,
    ImprovementPlanSubmitted,
    InspectionRecorded,
    Period,
    SelfEvaluationSubmitted,
)
from trust.academies.v1 import academies_pb2 as pb
from trust_frameworks.returns import DueReturn, ReturnStatus

from .builders import (
    HEAD,
    PRESETS,
    TODAY,
    create_trust,
    inspection,
    plan,
    priority,
    register_academy,
    statement,
    submit,
)

AT = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
ALDER = AcademyState("a1", "t1", "100001", "Alder", "primary", "Kent", dt.date(2020, 9, 1), False)


@pytest.mark.parametrize(
    "period",
    [
        Period(academic_year="2026/27", term="autumn"),
        Period(academic_year="2025/26", term="summer", half_term=2),
    ],
)
def test_a_period_round_trips(period):
    assert values.period_from_proto(values.period_to_proto(period)) == period


@pytest.mark.parametrize(
    "data",
    [
        DataValues(attendance_percent=95.5),
        DataValues(kpis={"reading": 71.0}, progress8_score=-0.25, progress8_band="below"),
        DataValues(attendance_percent=0.0, progress8_score=0.0),  # zero is set, not absent
    ],
)
def test_data_values_round_trip_with_absent_optionals_absent(data):
    message = values.values_to_proto(data)
    assert message.HasField("attendance_percent") == (data.attendance_percent is not None)
    assert values.values_from_proto(message) == data


def test_a_priority_round_trips_and_a_bad_milestone_date_names_its_field():
    assert values.priority_from_proto(values.priority_to_proto(priority())) == priority()
    bad = values.priority_to_proto(priority())
    bad.milestones[0].due_on = "1/2/27"
    with pytest.raises(InvalidArgument, match="milestone 'review' due_on must be an ISO date"):
        values.priority_from_proto(bad)


def test_trust_requests_become_commands_and_a_trust_its_reply():
    command = create_trust()
    assert register.create_trust_from_proto(pb.CreateTrustRequest(**asdict(command))) == command
    changed = register.change_framework_from_proto(
        pb.ChangeFrameworkRequest(trust_id="t1", framework_yaml="a: [1, 2]")
    )
    assert (changed.trust_id, changed.document) == ("t1", {"a": [1, 2]})
    with pytest.raises(InvalidArgument, match="framework_yaml is not valid YAML"):
        register.change_framework_from_proto(pb.ChangeFrameworkRequest(framework_yaml="a: ["))
    document = PRESETS["seed-001-carter"].model_dump(mode="json")
    state = TrustState("t1", "Test Trust", document, 2, "seed-001-carter", HEAD.actor)
    reply = register.trust_to_proto(state)
    assert (reply.framework, reply.framework_version, reply.created_by.subject) == (
        "seed-001-carter",
        2,
        "head@a1",
    )
    assert reply.framework_json and reply.based_on_preset == "seed-001-carter"


def test_register_requests_become_commands():
    command = register_academy()
    assert register.register_from_proto(pb.RegisterAcademyRequest(**asdict(command))) == command
    unset = pb.ChangeAcademyDetailsRequest(academy_id="a1", new_to_trust=False)
    assert register.details_from_proto(unset) == ChangeAcademyDetails("a1", new_to_trust=False)
    left = pb.RecordAcademyLeftRequest(academy_id="a1", date_left="2026-08-31", reason="x")
    assert register.left_from_proto(left) == RecordAcademyLeft("a1", "2026-08-31", "x")


def test_an_academy_and_the_caller_become_replies_built_from_the_state():
    left = AcademyRecord(replace(ALDER, date_left=dt.date(2026, 8, 31)), 3)
    reply = register.academy_to_proto(left)
    assert (reply.status, reply.date_left, reply.date_joined, reply.version) == (
        "left",
        "2026-08-31",
        "2020-09-01",
        3,
    )
    listed = register.academies_to_proto(([AcademyRecord(ALDER, 1)], "next"))
    assert [a.status for a in listed.academies] == ["open"] and listed.next_page_token == "next"
    me = register.caller_to_proto(Caller(HEAD, TrustState("t1", "Test Trust"), [ALDER]))
    assert (me.subject, me.role, me.trust_name, me.trust_wide) == (
        "head@a1",
        "headteacher",
        "Test Trust",
        False,
    )
    assert [(a.academy_id, a.urn) for a in me.academies] == [("a1", "100001")]


def test_submission_requests_become_commands_and_a_submission_its_reply():
    request = pb.SubmitDataRequest(
        academy_id="a1",
        submission_id="s1",
        period=pb.Period(academic_year="2026/27", term="autumn"),
        return_type="termly_kpi",
        values=pb.DataValues(attendance_percent=95.0),
    )
    assert records.submit_from_proto(request) == submit()
    state = SubmissionState(
        "s1",
        "a1",
        "t1",
        Period(academic_year="2026/27", term="autumn"),
        "termly_kpi",
        (Revision(1, DataValues(attendance_percent=95.0), HEAD.actor, AT),),
    )
    reply = records.submission_to_proto(state)
    assert (
        records.submit_from_proto(
            pb.SubmitDataRequest(
                academy_id=reply.academy_id,
                submission_id=reply.submission_id,
                period=reply.period,
                return_type=reply.return_type,
                values=reply.effective,
            )
        )
        == submit()
    )
    [version] = reply.history
    assert (version.recorded_at, version.recorded_by.role) == (
        "2026-11-23T10:00:00+00:00",
        "headteacher",
    )
    page = records.submissions_to_proto(([state], ""))
    assert page.submissions == [reply] and page.next_page_token == ""


def test_as_of_is_today_unless_named_and_the_returns_status_is_built_from_the_state():
    request = pb.GetReturnsStatusRequest(academy_id="a1")
    assert records.as_of_from_proto(request, TODAY) == TODAY
    request.as_of = "2027-01-10"
    assert records.as_of_from_proto(request, TODAY) == dt.date(2027, 1, 10)
    request.as_of = "10/01/2027"
    with pytest.raises(InvalidArgument, match="as_of must be an ISO date"):
        records.as_of_from_proto(request, TODAY)
    due = DueReturn(
        "termly_kpi", "2026/27", "autumn", 0, dt.date(2027, 1, 2), ReturnStatus.ON_TIME, TODAY
    )
    reply = records.returns_to_proto(ReturnsStatus("a1", TODAY, 2, [due]))
    assert (reply.academy_id, reply.as_of, reply.framework_version) == ("a1", "2026-11-23", 2)
    [r] = reply.returns
    assert (r.period.term, r.due_on, r.status, r.submitted_on) == (
        "autumn",
        "2027-01-02",
        "on_time",
        "2026-11-23",
    )


def test_an_inspection_request_becomes_a_command_with_today_and_an_inspection_its_reply():
    request = pb.RecordInspectionRequest(
        academy_id="a1",
        inspection_date="2026-01-20",
        scheme="ofsted-2025",
        grades={"inclusion": "expected_standard"},
        safeguarding="met",
    )
    assert records.inspection_from_proto(request, TODAY) == inspection()
    recorded = InspectionRecorded(
        trust_id="t1",
        academy_id="a1",
        inspection_date=dt.date(2026, 1, 20),
        scheme="ofsted-2025",
        grades={"inclusion": "expected_standard"},
        safeguarding="met",
    )
    reply = records.inspection_to_proto(Inspected(recorded, HEAD.actor, 1))
    reply.ClearField("recorded_by")
    assert (
        records.inspection_from_proto(
            pb.RecordInspectionRequest(**{f.name: v for f, v in reply.ListFields()}), TODAY
        )
        == inspection()
    )
    page = records.inspections_to_proto(([Inspected(recorded, HEAD.actor, 1)], "t"))
    assert page.inspections[0].recorded_by.subject == "head@a1"


def test_plans_and_statements_round_trip_through_their_replies():
    request = pb.SubmitImprovementPlanRequest(
        academy_id="a1",
        academic_year="2026/27",
        priorities=[values.priority_to_proto(priority())],
    )
    command = records.plan_from_proto(request)
    assert command == plan(priority())
    submitted = ImprovementPlanSubmitted(
        trust_id="t1",
        academy_id="a1",
        academic_year="2026/27",
        revision=1,
        priorities=command.priorities,
        framework_version=1,
    )
    reply = records.plan_to_proto(PlanRevision(submitted, HEAD.actor, AT))
    assert reply.submitted_at == "2026-11-23T10:00:00+00:00"
    assert list(reply.priorities) == list(request.priorities)
    history = records.plan_history_to_proto([PlanRevision(submitted, HEAD.actor, AT)] * 2)
    assert history.current == reply and len(history.revisions) == 2
    sef = statement()
    assert records.statement_from_proto(pb.SubmitSelfEvaluationRequest(**asdict(sef))) == sef
    made = SelfEvaluationSubmitted(
        trust_id="t1",
        academy_id="a1",
        academic_year="2026/27",
        revision=1,
        summary="Improving",
        area_judgements={"achievement": "expected_standard"},
        scheme="ofsted-2025",
        framework_version=1,
    )
    back = records.statement_to_proto(StatementRevision(made, HEAD.actor))
    assert (back.summary, dict(back.area_judgements), back.submitted_by.subject) == (
        "Improving",
        {"achievement": "expected_standard"},
        "head@a1",
    )


def test_a_malformed_priority_is_invalid_argument():
    bad = pb.Priority(title="x" * 201, owner="o")
    with pytest.raises(InvalidArgument, match="priorities are malformed"):
        records.plan_from_proto(pb.SubmitImprovementPlanRequest(priorities=[bad]))

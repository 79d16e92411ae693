"""Bad input and access: a clear status, and nothing appended."""

from __future__ import annotations

import datetime
import uuid

import grpc
import pytest
from chassis.auth import Role
from trust.academies.v1 import academies_pb2 as pb

from .conftest import submit_request


async def _event_count(platform) -> int:
    import asyncpg

    conn = await asyncpg.connect(platform.postgres.dsn("academies"))
    try:
        return int(await conn.fetchval("SELECT count(*) FROM events"))
    finally:
        await conn.close()


async def _refused(call, code: grpc.StatusCode, words: str) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await call
    assert raised.value.code() == code, raised.value.details()
    assert words in (raised.value.details() or ""), raised.value.details()


async def test_bad_input_is_refused_clearly_and_appends_nothing(platform, clients, trust):
    academies = clients.academies
    ceo = trust.ceo.metadata
    alder = trust.academy_ids[0]
    head = trust.caller(Role.HEADTEACHER, [alder]).metadata
    submitted = await academies.SubmitData(submit_request(alder), metadata=head)
    before = await _event_count(platform)

    def register(urn: str):
        return academies.RegisterAcademy(
            pb.RegisterAcademyRequest(
                trust_id=trust.trust_id,
                urn=urn,
                name="X",
                phase_of_education="primary",
                local_authority="Kent",
                date_joined="2026-09-01",
            ),
            metadata=ceo,
        )

    await _refused(register("12345"), grpc.StatusCode.INVALID_ARGUMENT, "URN must be six digits")
    await _refused(
        register("200001"), grpc.StatusCode.ALREADY_EXISTS, "URN 200001 is already registered"
    )
    await _refused(
        academies.SubmitData(submit_request("no-such-academy"), metadata=ceo),
        grpc.StatusCode.NOT_FOUND,
        "not registered",
    )
    await _refused(
        academies.SubmitData(submit_request(alder, year="2026/2027"), metadata=head),
        grpc.StatusCode.INVALID_ARGUMENT,
        "academic_year must look like 2026/27",
    )
    await _refused(
        academies.SubmitData(submit_request(alder, term="spring", attendance=101), metadata=head),
        grpc.StatusCode.INVALID_ARGUMENT,
        "attendance_percent must be between 0 and 100",
    )
    await _refused(
        academies.SubmitData(submit_request(alder), metadata=head),
        grpc.StatusCode.ALREADY_EXISTS,
        "correct that one instead",
    )
    contradiction = pb.SubmitDataRequest(
        academy_id=alder,
        period=pb.Period(academic_year="2026/27", term="summer"),
        return_type="termly_kpi",
        values=pb.DataValues(progress8_score=0.4, progress8_band="below"),
    )
    await _refused(
        academies.SubmitData(contradiction, metadata=head),
        grpc.StatusCode.INVALID_ARGUMENT,
        "contradicts",
    )
    await _refused(
        academies.CorrectSubmission(
            pb.CorrectSubmissionRequest(
                academy_id=alder,
                submission_id="missing",
                values=pb.DataValues(attendance_percent=90),
                reason="x",
            ),
            metadata=head,
        ),
        grpc.StatusCode.NOT_FOUND,
        "no submission missing",
    )
    await _refused(
        academies.CorrectSubmission(
            pb.CorrectSubmissionRequest(
                academy_id=alder,
                submission_id=submitted.submission_id,
                values=pb.DataValues(attendance_percent=90),
                reason="",
            ),
            metadata=head,
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        "reason must not be empty",
    )
    assert await _event_count(platform) == before


async def test_access_follows_the_academy_and_the_role(platform, clients, trust):
    academies = clients.academies
    alder, birch = trust.academy_ids
    head = trust.caller(Role.HEADTEACHER, [alder]).metadata
    lead = trust.caller(Role.IMPROVEMENT_LEAD, [birch]).metadata
    trustee = trust.caller(Role.TRUSTEE).metadata
    finance = trust.caller(Role.FINANCE).metadata
    before = await _event_count(platform)

    await _refused(
        academies.SubmitData(submit_request(birch), metadata=head),
        grpc.StatusCode.PERMISSION_DENIED,
        "outside your scope",
    )
    await _refused(
        academies.SubmitData(submit_request(alder), metadata=lead),
        grpc.StatusCode.PERMISSION_DENIED,
        "outside your scope",
    )
    await _refused(
        academies.SubmitData(submit_request(alder), metadata=trustee),
        grpc.StatusCode.PERMISSION_DENIED,
        "needs one of the roles",
    )
    await _refused(
        academies.RegisterAcademy(
            pb.RegisterAcademyRequest(
                trust_id=trust.trust_id, urn="299999", name="Rowan", date_joined="2024-09-01"
            ),
            metadata=head,
        ),
        grpc.StatusCode.PERMISSION_DENIED,
        "needs one of the roles",
    )
    await _refused(
        academies.GetAcademy(pb.GetAcademyRequest(academy_id=birch), metadata=head),
        grpc.StatusCode.PERMISSION_DENIED,
        "outside your scope",
    )
    other_ceo = clients.caller("ceo@other", Role.CHIEF_EXECUTIVE, "another-trust").metadata
    await _refused(
        academies.GetAcademy(pb.GetAcademyRequest(academy_id=alder), metadata=other_ceo),
        grpc.StatusCode.PERMISSION_DENIED,
        "outside your scope",
    )
    await _refused(
        academies.GetAcademy(pb.GetAcademyRequest(academy_id=alder)),
        grpc.StatusCode.UNAUTHENTICATED,
        "needs a bearer token",
    )
    token = trust.caller(Role.CHIEF_EXECUTIVE).token
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    await _refused(
        academies.GetAcademy(
            pb.GetAcademyRequest(academy_id=alder),
            metadata=(("authorization", f"Bearer {tampered}"),),
        ),
        grpc.StatusCode.UNAUTHENTICATED,
        "not valid",
    )
    assert await _event_count(platform) == before

    # What each may do, they can.
    await academies.SubmitData(submit_request(alder), metadata=head)
    await academies.SubmitData(submit_request(birch), metadata=lead)
    listed = await academies.ListAcademies(
        pb.ListAcademiesRequest(trust_id=trust.trust_id), metadata=head
    )
    assert [a.academy_id for a in listed.academies] == [alder]
    listed = await academies.ListAcademies(
        pb.ListAcademiesRequest(trust_id=trust.trust_id), metadata=finance
    )
    assert len(listed.academies) == 2


async def test_an_academy_that_left_keeps_its_history_and_takes_no_data(clients, trust):
    academies = clients.academies
    birch = trust.academy_ids[1]
    changed = await academies.ChangeAcademyDetails(
        pb.ChangeAcademyDetailsRequest(academy_id=birch, name="Birch Primary Academy"),
        metadata=trust.ceo.metadata,
    )
    assert changed.name == "Birch Primary Academy" and changed.version == 2
    left = await academies.RecordAcademyLeft(
        pb.RecordAcademyLeftRequest(
            academy_id=birch, date_left="2026-08-31", reason="moved to another trust"
        ),
        metadata=trust.ceo.metadata,
    )
    assert left.status == "left"
    await _refused(
        academies.SubmitData(submit_request(birch), metadata=trust.ceo.metadata),
        grpc.StatusCode.FAILED_PRECONDITION,
        "left the trust",
    )
    listed = await academies.ListAcademies(
        pb.ListAcademiesRequest(trust_id=trust.trust_id, include_left=True),
        metadata=trust.ceo.metadata,
    )
    assert {a.status for a in listed.academies} == {"open", "left"}


async def test_an_inspection_is_recorded_apart_and_bad_grades_are_refused(platform, clients, trust):
    academies = clients.academies
    alder = trust.academy_ids[0]
    lead = trust.caller(Role.IMPROVEMENT_LEAD, [alder], "aip@trust")
    recorded = await academies.RecordInspection(
        pb.RecordInspectionRequest(
            academy_id=alder,
            inspection_date="2026-01-20",
            scheme="ofsted-2025",
            grades={"inclusion": "expected_standard", "achievement": "needs_attention"},
            safeguarding="met",
        ),
        metadata=lead.metadata,
    )
    assert recorded.recorded_by.subject == "aip@trust"
    before = await _event_count(platform)
    await _refused(
        academies.RecordInspection(
            pb.RecordInspectionRequest(
                academy_id=alder,
                inspection_date="2023-05-01",
                scheme="ofsted-2019",
                grades={"quality_of_education": "exceptional"},
            ),
            metadata=lead.metadata,
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        "grade 'exceptional' for quality_of_education is not on ofsted-2019",
    )
    head = trust.caller(Role.HEADTEACHER, [alder]).metadata
    await _refused(
        academies.RecordInspection(
            pb.RecordInspectionRequest(
                academy_id=alder,
                inspection_date="2023-05-01",
                scheme="ofsted-2019",
                grades={"quality_of_education": "good"},
            ),
            metadata=head,
        ),
        grpc.StatusCode.PERMISSION_DENIED,
        "needs one of the roles",
    )
    assert await _event_count(platform) == before
    listed = await academies.ListInspections(
        pb.ListInspectionsRequest(academy_id=alder), metadata=head
    )
    assert [(i.scheme, dict(i.grades)) for i in listed.inspections] == [
        ("ofsted-2025", {"achievement": "needs_attention", "inclusion": "expected_standard"})
    ]
    academy = await academies.GetAcademy(pb.GetAcademyRequest(academy_id=alder), metadata=head)
    assert academy.version == 2  # registered, inspected


async def test_a_trust_adjusts_its_framework_as_new_versions(platform, clients, trust):
    import json

    import yaml

    academies = clients.academies
    current = await academies.GetTrust(
        pb.GetTrustRequest(trust_id=trust.trust_id), metadata=trust.ceo.metadata
    )
    assert (current.framework, current.framework_version) == ("seed-001-carter", 1)
    document = json.loads(current.framework_json)
    document["entitlements"]["core_days_per_year"] = 4
    changed = await academies.ChangeFramework(
        pb.ChangeFrameworkRequest(trust_id=trust.trust_id, framework_yaml=yaml.safe_dump(document)),
        metadata=trust.ceo.metadata,
    )
    assert changed.framework_version == 2 and changed.based_on_preset == "seed-001-carter"
    before = await _event_count(platform)
    document["phases"].append(dict(document["phases"][0]))
    await _refused(
        academies.ChangeFramework(
            pb.ChangeFrameworkRequest(
                trust_id=trust.trust_id, framework_yaml=yaml.safe_dump(document)
            ),
            metadata=trust.ceo.metadata,
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        "phases: duplicate phase 'sustain'",
    )
    lead = trust.caller(Role.IMPROVEMENT_LEAD, trust.academy_ids).metadata
    await _refused(
        academies.ChangeFramework(
            pb.ChangeFrameworkRequest(trust_id=trust.trust_id, framework_yaml="{}"), metadata=lead
        ),
        grpc.StatusCode.PERMISSION_DENIED,
        "needs one of the roles",
    )
    assert await _event_count(platform) == before


async def test_returns_status_applies_the_trusts_calendar(clients, trust):
    academies = clients.academies
    alder = trust.academy_ids[0]
    head = trust.caller(Role.HEADTEACHER, [alder]).metadata
    await academies.SubmitData(
        submit_request(alder), metadata=head
    )  # autumn 2026/27 termly KPIs, today
    status = await academies.GetReturnsStatus(
        pb.GetReturnsStatusRequest(academy_id=alder, as_of="2027-01-10"), metadata=head
    )
    assert status.framework_version == 1
    by_period = {(r.return_type, r.period.term): r for r in status.returns}
    autumn = by_period[("termly_kpi", "autumn")]
    # Seed 001 preset: due 14 days after the autumn term; submitted today.
    expected = "on_time" if datetime.date.today() <= datetime.date(2027, 1, 2) else "late"
    assert (autumn.due_on, autumn.status) == ("2027-01-02", expected)
    assert by_period[("termly_kpi", "spring")].status == "not_yet_due"
    later = await academies.GetReturnsStatus(
        pb.GetReturnsStatusRequest(academy_id=alder, as_of="2027-04-20"), metadata=head
    )
    assert {(r.period.term, r.status) for r in later.returns if r.return_type == "termly_kpi"} == {
        ("autumn", expected),
        ("spring", "missing"),
        ("summer", "not_yet_due"),
    }
    await _refused(
        academies.GetReturnsStatus(
            pb.GetReturnsStatusRequest(academy_id=alder, as_of="10/01/2027"), metadata=head
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        "as_of must be an ISO date",
    )


async def test_an_improvement_plan_is_revised_with_its_history_kept(clients, trust):
    academies = clients.academies
    alder = trust.academy_ids[0]
    head = trust.caller(Role.HEADTEACHER, [alder], "head@alder").metadata

    def priority(target: str) -> pb.Priority:
        return pb.Priority(
            title="Raise attendance",
            owner="deputy head",
            success_criteria=[
                pb.SuccessCriterion(
                    description="fewer absent", measure="persistent absence %", target=target
                )
            ],
            milestones=[
                pb.Milestone(description="review", due_on="2027-02-01", owner="deputy head")
            ],
        )

    first = await academies.SubmitImprovementPlan(
        pb.SubmitImprovementPlanRequest(
            academy_id=alder, academic_year="2026/27", priorities=[priority("below 14%")]
        ),
        metadata=head,
    )
    second = await academies.SubmitImprovementPlan(
        pb.SubmitImprovementPlanRequest(
            academy_id=alder, academic_year="2026/27", priorities=[priority("below 12%")]
        ),
        metadata=head,
    )
    assert (first.revision, second.revision) == (1, 2)
    history = await academies.GetImprovementPlan(
        pb.GetImprovementPlanRequest(academy_id=alder, academic_year="2026/27"), metadata=head
    )
    assert history.current.priorities[0].success_criteria[0].target == "below 12%"
    assert [r.priorities[0].success_criteria[0].target for r in history.revisions] == [
        "below 14%",
        "below 12%",
    ]
    await _refused(
        academies.SubmitImprovementPlan(
            pb.SubmitImprovementPlanRequest(
                academy_id=alder,
                academic_year="2026/27",
                priorities=[pb.Priority(title="Vague", owner="someone")],
            ),
            metadata=head,
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        "needs at least one measurable success criterion",
    )
    sef = await academies.SubmitSelfEvaluation(
        pb.SubmitSelfEvaluationRequest(
            academy_id=alder,
            academic_year="2026/27",
            summary="Improving",
            area_judgements={"achievement": "expected_standard"},
        ),
        metadata=head,
    )
    assert (sef.revision, sef.scheme) == (1, "ofsted-2025")  # the seed 001 preset's scheme


async def test_hostile_input_is_refused_without_harm(platform, clients, trust):
    academies = clients.academies
    alder = trust.academy_ids[0]
    head = trust.caller(Role.HEADTEACHER, [alder]).metadata
    before = await _event_count(platform)
    too_many = pb.SubmitDataRequest(
        academy_id=alder,
        period=pb.Period(academic_year="2026/27", term="spring"),
        return_type="termly_kpi",
        values=pb.DataValues(kpis={f"k{i}": 1.0 for i in range(500)}),
    )
    await _refused(
        academies.SubmitData(too_many, metadata=head),
        grpc.StatusCode.INVALID_ARGUMENT,
        "values.kpis has 500 entries; the limit is 100",
    )
    not_a_number = pb.SubmitDataRequest(
        academy_id=alder,
        period=pb.Period(academic_year="2026/27", term="spring"),
        return_type="termly_kpi",
        values=pb.DataValues(kpis={"x": float("nan")}),
    )
    await _refused(
        academies.SubmitData(not_a_number, metadata=head),
        grpc.StatusCode.INVALID_ARGUMENT,
        "finite",
    )
    huge = pb.SubmitDataRequest(academy_id="a" * (5 * 1024 * 1024))
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await academies.SubmitData(huge, metadata=head)
    assert raised.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    await _refused(
        academies.SubmitData(pb.SubmitDataRequest(academy_id="x" * 80), metadata=head),
        grpc.StatusCode.INVALID_ARGUMENT,
        "academy_id is 80 characters; the limit is 64 characters",
    )
    await _refused(
        academies.SubmitData(
            pb.SubmitDataRequest(
                academy_id=alder,
                period=pb.Period(academic_year="2026/27", term="summer"),
                return_type="termly_kpi",
                submission_id="bad id!",
            ),
            metadata=head,
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        "submission_id must be up to 64",
    )
    assert await _event_count(platform) == before
    # The service is still healthy and serving.
    academy = await academies.GetAcademy(pb.GetAcademyRequest(academy_id=alder), metadata=head)
    assert academy.academy_id == alder


async def test_a_retried_submission_with_its_id_is_answered_again_and_applied_once(
    platform, clients, trust
):
    academies = clients.academies
    alder = trust.academy_ids[0]
    head = trust.caller(Role.HEADTEACHER, [alder]).metadata
    request = pb.SubmitDataRequest(
        academy_id=alder,
        submission_id=f"mobile-{uuid.uuid4().hex[:8]}",
        period=pb.Period(academic_year="2027/28", term="autumn"),
        return_type="termly_kpi",
        values=pb.DataValues(attendance_percent=95.5),
    )
    first = await academies.SubmitData(request, metadata=head)
    before = await _event_count(platform)
    again = await academies.SubmitData(request, metadata=head)  # the first answer was "lost"
    assert again == first
    assert await _event_count(platform) == before
    request.values.attendance_percent = 90.0  # same id, different content: not a retry
    await _refused(
        academies.SubmitData(request, metadata=head),
        grpc.StatusCode.ALREADY_EXISTS,
        "already exists",
    )

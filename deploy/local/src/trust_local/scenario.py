"""The scripted demo: a trust, its academies, data submitted and corrected.

Every step goes through the services' gRPC APIs with a real token, as a web
or mobile client would. Refusals are part of the script, to show the errors a
user gets.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import pathlib
from collections.abc import Callable
from dataclasses import dataclass, field

import grpc
from chassis.auth import Role
from trust.academies.v1 import academies_pb2 as pb
from trust.evaluations.v1 import evaluations_pb2 as epb
from trust.meetings.v1 import meetings_pb2 as mpb
from trust.reporting.v1 import reporting_pb2

from trust_local.clients import Caller, PlatformClients, eventually
from trust_local.demo_board import show_board
from trust_local.demo_meetings import AID_TRUST, show_aim_cycle, show_note_of_visit
from trust_local.demo_support import SupportShown, show_support

TRUST_ID = "demo-trust"

ACADEMIES = [
    ("100001", "Heron Primary Academy", "primary", "West Sussex", "2019-09-01"),
    ("100002", "Kingfisher Secondary Academy", "secondary", "East Sussex", "2021-04-01"),
    ("100003", "Wren Academy", "secondary", "Brighton and Hove", "2025-09-01"),
]


@dataclass
class DemoResult:
    trust_id: str = TRUST_ID
    academy_ids: list[str] = field(default_factory=list)
    submission_id: str = ""
    timeline: list[reporting_pb2.TimelineEntry] = field(default_factory=list)
    refusals: list[tuple[str, grpc.StatusCode, str]] = field(default_factory=list)
    phase_change: epb.PhaseChange | None = None
    aim: mpb.Meeting | None = None
    note_of_visit: mpb.NotesStatus | None = None
    support: SupportShown | None = None
    board: reporting_pb2.BoardReport | None = None
    files: list[pathlib.Path] = field(default_factory=list)


async def _expect_refusal(
    result: DemoResult, label: str, call: Callable[[], object], say: Callable[[str], None]
) -> None:
    try:
        await call()  # type: ignore[misc]
    except grpc.aio.AioRpcError as error:
        result.refusals.append((label, error.code(), error.details() or ""))
        say(f"  refused as expected: {label}\n    -> {error.code().name}: {error.details()}")
        return
    raise AssertionError(f"{label} should have been refused")


DEFAULT_FRAMEWORK = "seed-004-focus"


async def run_demo(
    clients: PlatformClients,
    say: Callable[[str], None] = print,
    framework: str = DEFAULT_FRAMEWORK,
    out: pathlib.Path | None = None,
) -> DemoResult:
    """Plays the demo; the board pack and the finance export go to ``out``
    (default: ./demo-output)."""
    result = DemoResult()
    ceo = clients.caller("ceo@demo-trust.org", Role.CHIEF_EXECUTIVE, TRUST_ID)
    academies = clients.academies

    say(f"1. The chief executive creates the trust {TRUST_ID!r} on the framework {framework!r}")
    await academies.CreateTrust(
        pb.CreateTrustRequest(trust_id=TRUST_ID, name="Demo Learning Trust", framework=framework),
        metadata=ceo.metadata,
    )

    say("2. The chief executive registers three academies")
    for urn, name, phase, authority, joined in ACADEMIES:
        academy = await academies.RegisterAcademy(
            pb.RegisterAcademyRequest(
                trust_id=TRUST_ID,
                urn=urn,
                name=name,
                phase_of_education=phase,
                local_authority=authority,
                date_joined=joined,
                new_to_trust=joined >= "2025",
            ),
            metadata=ceo.metadata,
        )
        result.academy_ids.append(academy.academy_id)
        say(f"  {academy.name} (URN {academy.urn}) -> {academy.academy_id}")
    heron, kingfisher, _wren = result.academy_ids
    head = clients.caller("head@heron.sch.uk", Role.HEADTEACHER, TRUST_ID, [heron])
    lead = clients.caller(
        "aip@demo-trust.org", Role.IMPROVEMENT_LEAD, TRUST_ID, [heron, kingfisher]
    )
    me = await academies.WhoAmI(pb.WhoAmIRequest(), metadata=head.metadata)
    say(
        f"  WhoAmI for Heron's headteacher: {me.subject} ({me.role}) in {me.trust_name}, "
        f"acting for {', '.join(a.name for a in me.academies)}"
    )

    say("3. Heron's headteacher submits the autumn 2026/27 termly KPIs")
    submission = await academies.SubmitData(
        pb.SubmitDataRequest(
            academy_id=heron,
            period=pb.Period(academic_year="2026/27", term="autumn"),
            return_type="termly_kpi",
            values=pb.DataValues(
                kpis={"persistent_absence_percent": 14.2, "exclusions": 1},
                attendance_percent=93.1,
                progress8_score=-0.31,
                progress8_band="below",
            ),
        ),
        metadata=head.metadata,
    )
    result.submission_id = submission.submission_id
    say(
        f"  submission {submission.submission_id}: attendance {submission.effective.attendance_percent}%"
    )

    say("4. The improvement lead submits Kingfisher's first half-term data drop")
    await academies.SubmitData(
        pb.SubmitDataRequest(
            academy_id=kingfisher,
            period=pb.Period(academic_year="2026/27", term="autumn", half_term=1),
            return_type="half_termly_data_drop",
            values=pb.DataValues(progress8_score=0.62, progress8_band="well_above"),
        ),
        metadata=lead.metadata,
    )

    say("5. Heron's headteacher corrects the attendance figure (the original stays in history)")
    corrected = await academies.CorrectSubmission(
        pb.CorrectSubmissionRequest(
            academy_id=heron,
            submission_id=submission.submission_id,
            values=pb.DataValues(
                kpis={"persistent_absence_percent": 14.2, "exclusions": 1},
                attendance_percent=94.0,
                progress8_score=-0.31,
                progress8_band="below",
            ),
            reason="attendance recalculated after late registers",
        ),
        metadata=head.metadata,
    )
    for version in corrected.history:
        say(
            f"  revision {version.revision}: attendance {version.values.attendance_percent}% "
            f"by {version.recorded_by.subject} ({version.recorded_by.role}) {version.reason}"
        )

    say(
        "6. The improvement lead records Heron's last Ofsted inspection (kept apart from the trust's judgements)"
    )
    inspection = await academies.RecordInspection(
        pb.RecordInspectionRequest(
            academy_id=heron,
            inspection_date="2026-01-20",
            scheme="ofsted-2025",
            grades={
                "inclusion": "expected_standard",
                "curriculum_and_teaching": "needs_attention",
                "achievement": "needs_attention",
                "attendance_and_behaviour": "expected_standard",
                "leadership_and_governance": "expected_standard",
            },
            safeguarding="met",
        ),
        metadata=lead.metadata,
    )
    say(
        f"  {inspection.scheme} on {inspection.inspection_date}: {dict(inspection.grades)}, "
        f"safeguarding {inspection.safeguarding}"
    )

    say("7. Heron's headteacher submits the 2026/27 improvement plan, then revises it")
    plan = pb.SubmitImprovementPlanRequest(
        academy_id=heron,
        academic_year="2026/27",
        priorities=[
            pb.Priority(
                title="Raise attendance",
                owner="deputy headteacher",
                success_criteria=[
                    pb.SuccessCriterion(
                        description="fewer pupils persistently absent",
                        measure="persistent absence %",
                        target="below 14%",
                    )
                ],
                milestones=[
                    pb.Milestone(
                        description="first-response calls in place",
                        due_on="2026-12-01",
                        owner="attendance lead",
                    ),
                    pb.Milestone(
                        description="spring review", due_on="2027-03-20", owner="deputy headteacher"
                    ),
                ],
            )
        ],
    )
    await academies.SubmitImprovementPlan(plan, metadata=head.metadata)
    plan.priorities[0].success_criteria[0].target = "below 12%"
    revised = await academies.SubmitImprovementPlan(plan, metadata=head.metadata)
    for priority in revised.priorities:
        criterion = priority.success_criteria[0]
        say(
            f"  revision {revised.revision}: {priority.title} (owner {priority.owner}): "
            f"{criterion.measure} {criterion.target}; {len(priority.milestones)} milestones"
        )

    as_of = "2027-01-10"
    say(f"8. Heron's returns against the trust's data-drop calendar, as of {as_of}")
    status = await academies.GetReturnsStatus(
        pb.GetReturnsStatusRequest(academy_id=heron, as_of=as_of), metadata=head.metadata
    )
    for due in status.returns:
        period = f"{due.period.academic_year} {due.period.term}"
        period += f" half-term {due.period.half_term}" if due.period.half_term else ""
        submitted = f", submitted {due.submitted_on}" if due.submitted_on else ""
        say(f"  {due.return_type:<22} {period:<30} due {due.due_on}: {due.status}{submitted}")

    say(
        "9. Evaluations: the improvement lead judges Heron, the platform suggests, the board decides"
    )
    trust = await academies.GetTrust(pb.GetTrustRequest(trust_id=TRUST_ID), metadata=ceo.metadata)
    adopted = json.loads(trust.framework_json)
    scheme = await eventually(
        lambda: clients.evaluations.GetJudgementScheme(
            epb.GetJudgementSchemeRequest(trust_id=TRUST_ID, academy_id=heron),
            metadata=lead.metadata,
        )
    )
    heron_areas = scheme.academies[0].area_ids
    say(
        f"  the scheme: {scheme.name}; {len(heron_areas)} of its {len(scheme.areas)} areas "
        f"apply to Heron; grades {', '.join(g.grade_id for g in scheme.grades)}"
    )
    area = heron_areas[0]
    weak_grade = scheme.grades[-2].grade_id
    judged = await eventually(
        lambda: clients.evaluations.JudgeEvaluation(
            epb.JudgeEvaluationRequest(
                academy_id=heron,
                kind="trust_evaluation",
                academic_year="2026/27",
                term="autumn",
                judgements={area: weak_grade},
                evidence=["partnership visit note, 12 Nov"],
                summary="Where Heron stands against the inspection areas: improving, not yet secure",
            ),
            metadata=lead.metadata,
        )
    )
    say(
        f"  {judged.kind} on {judged.scheme} (framework v{judged.framework_version}): {dict(judged.judgements)}"
    )
    suggestion = await clients.evaluations.GetPhaseSuggestion(
        epb.GetPhaseRequest(academy_id=heron), metadata=ceo.metadata
    )
    say(f"  suggested {adopted['phase_label']}: {suggestion.suggested_phase or '(none)'}")
    for reason in suggestion.reasons:
        say(f"    because {reason}")
    phase = suggestion.suggested_phase or adopted["phases"][-1]["id"]
    proposal = await clients.evaluations.ProposePhase(
        epb.ProposePhaseRequest(
            academy_id=heron, phase=phase, reason="; ".join(suggestion.reasons), review="annual"
        ),
        metadata=ceo.metadata,
    )
    say(
        f"  the chief executive proposes {proposal.proposed_phase} (proposal {proposal.proposal_id})"
    )
    board = clients.caller("chair@board.demo-trust.org", Role.TRUSTEE, TRUST_ID)
    inbox = await clients.evaluations.ListOpenProposals(
        epb.ListOpenProposalsRequest(trust_id=TRUST_ID), metadata=board.metadata
    )
    for waiting in inbox.proposals:
        say(
            f"  the board's inbox: {waiting.academy_name} -> {waiting.proposed_phase}, "
            f"proposed by {waiting.proposed_by.subject}"
        )
    change = await clients.evaluations.ConfirmPhase(
        epb.DecideProposalRequest(academy_id=heron, proposal_id=proposal.proposal_id),
        metadata=board.metadata,
    )
    say(
        f"  PhaseChanged: {change.old_phase or '(none)'} -> {change.new_phase}, proposed by "
        f"{change.proposed_by.subject}, confirmed by {change.confirmed_by.subject}, "
        f"framework v{change.framework_version}"
    )
    result.phase_change = change

    say("10. What the platform refuses, and why")
    await _expect_refusal(
        result,
        "a malformed URN",
        lambda: academies.RegisterAcademy(
            pb.RegisterAcademyRequest(
                trust_id=TRUST_ID,
                urn="12AB",
                name="X",
                phase_of_education="primary",
                local_authority="Kent",
                date_joined="2026-09-01",
            ),
            metadata=ceo.metadata,
        ),
        say,
    )
    await _expect_refusal(
        result,
        "a duplicate URN",
        lambda: academies.RegisterAcademy(
            pb.RegisterAcademyRequest(
                trust_id=TRUST_ID,
                urn="100001",
                name="Copy",
                phase_of_education="primary",
                local_authority="Kent",
                date_joined="2026-09-01",
            ),
            metadata=ceo.metadata,
        ),
        say,
    )
    await _expect_refusal(
        result,
        "attendance above 100%",
        lambda: academies.SubmitData(
            pb.SubmitDataRequest(
                academy_id=heron,
                period=pb.Period(academic_year="2026/27", term="spring"),
                return_type="termly_kpi",
                values=pb.DataValues(attendance_percent=104),
            ),
            metadata=head.metadata,
        ),
        say,
    )
    await _expect_refusal(
        result,
        "a malformed period",
        lambda: academies.SubmitData(
            pb.SubmitDataRequest(
                academy_id=heron,
                period=pb.Period(academic_year="2026-2027", term="autumn"),
                return_type="termly_kpi",
                values=pb.DataValues(attendance_percent=95),
            ),
            metadata=head.metadata,
        ),
        say,
    )
    await _expect_refusal(
        result,
        "a headteacher submitting for another academy",
        lambda: academies.SubmitData(
            pb.SubmitDataRequest(
                academy_id=kingfisher,
                period=pb.Period(academic_year="2026/27", term="spring"),
                return_type="termly_kpi",
                values=pb.DataValues(attendance_percent=95),
            ),
            metadata=head.metadata,
        ),
        say,
    )
    await _expect_refusal(
        result,
        "an inspection grade from the wrong scheme",
        lambda: academies.RecordInspection(
            pb.RecordInspectionRequest(
                academy_id=heron,
                inspection_date="2023-05-01",
                scheme="ofsted-2019",
                grades={"quality_of_education": "strong_standard"},
            ),
            metadata=lead.metadata,
        ),
        say,
    )
    await _expect_refusal(
        result,
        "a call without a token",
        lambda: academies.GetAcademy(pb.GetAcademyRequest(academy_id=heron)),
        say,
    )

    await _expect_refusal(
        result,
        "confirming a proposal that was already decided",
        lambda: clients.evaluations.ConfirmPhase(
            epb.DecideProposalRequest(academy_id=heron, proposal_id=proposal.proposal_id),
            metadata=board.metadata,
        ),
        say,
    )

    say("11. Heron's timeline in reporting (projected from Kafka)")
    result.timeline = await wait_for_timeline(clients, ceo, heron, minimum=9)
    for entry in result.timeline:
        say(
            f"  {entry.occurred_at[:19]} {entry.event_type:<32} {entry.actor.subject} ({entry.actor.role})"
        )
        say(f"      {entry.summary}")

    if hasattr(clients, "meetings"):
        today = dt.date.today()
        result.aim = await show_aim_cycle(clients, say, today)
        result.note_of_visit = await show_note_of_visit(clients, say, TRUST_ID, heron, today)
        if hasattr(clients, "support"):
            result.support = await show_support(
                clients, say, AID_TRUST, result.aim.academy_id, today
            )
            result.board, result.files = await show_board(
                clients, say, TRUST_ID, AID_TRUST, today, out or pathlib.Path("demo-output")
            )
    return result


# The register's and the judgements' events; meetings add their own entries to a
# timeline (scheduled by the service itself), which most waits are not about.
RECORD_SOURCES = ("academies", "evaluations")


async def wait_for_timeline(
    clients: PlatformClients,
    caller: Caller,
    academy_id: str,
    minimum: int,
    timeout: float = 30.0,
    sources: tuple[str, ...] | None = RECORD_SOURCES,
) -> list[reporting_pb2.TimelineEntry]:
    """Reporting is eventually consistent: poll until ``minimum`` entries from
    ``sources`` (None: from every service) arrive; returns those entries."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            timeline = await clients.reporting.GetAcademyTimeline(
                reporting_pb2.GetAcademyTimelineRequest(academy_id=academy_id, page_size=500),
                metadata=caller.metadata,
            )
            entries = [
                entry
                for entry in timeline.entries
                if sources is None or entry.source_service in sources
            ]
            if len(entries) >= minimum:
                return entries
        except grpc.aio.AioRpcError as error:
            if error.code() != grpc.StatusCode.NOT_FOUND:
                raise
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"the timeline of {academy_id} did not reach {minimum} entries")
        await asyncio.sleep(0.05)

"""An example Kafka record of every published event: topic, key, headers, value.

Built through the payload models (so each example keeps their rules) and
written to schemas/examples/ by ``python -m contracts.export``; a test
validates each against its message and header schemas. Deterministic, so the
committed files only change when a contract does.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from contracts.academies import v1 as acad
from contracts.base import EventPayload
from contracts.evaluations import v1 as ev
from contracts.meetings import v1 as mt
from contracts.messages import source_of
from contracts.support import v1 as sp

TRUST = "oak-valley"
ACADEMY = "alder-primary"
SUBMISSION = "alder-2026-autumn-kpi"
YEAR = "2026/27"
CEO = {"subject": "ceo@oakvalley.example", "role": "chief_executive"}
HEAD = {"subject": "head@alder.example", "role": "headteacher"}
LEAD = {"subject": "lead@oakvalley.example", "role": "improvement_lead"}
TRUSTEE = {"subject": "chair@oakvalley.example", "role": "trustee"}
CHAIR = {"subject": "chair@alder.example", "role": "chair_of_lgb"}
MEETING = "5b0f8f43-0a7e-5c55-9a41-2f7d1c6b8e21"
NEXT_MEETING = "0c4a3e0d-7d55-5b8e-8e1f-64a6a1f2b9c3"
INTERIM_MEETING = "9e6d2b71-4c3f-5a08-b2d5-7f1e0a9c4d62"
ACTION = "alder-2026-autumn-reading-1"
FINANCE = {"subject": "finance@oakvalley.example", "role": "finance"}
PROVIDER = "birch-attendance-lp"
PROVIDER_ACTOR = {"subject": "s.rowe@birch.example", "role": "provider"}
# The support service's own consumer (entitlements follow other services' events).
SUPPORT = {"subject": "support-entitlements", "role": "service"}
REQUEST = "alder-2026-attendance-request"
COMMISSION = "alder-2026-attendance-support"
INVOICE = "6f1d2b8e-4c7a-5e39-b0a2-8d5c3e9f1a47"

_PRIORITY = acad.Priority(
    title="Reduce persistent absence",
    owner="Deputy headteacher",
    area="behaviour_and_attitudes",
    success_criteria=[
        acad.SuccessCriterion(
            description="Fewer pupils miss one session in ten",
            measure="persistent absence %",
            target="below 12%",
        )
    ],
    milestones=[
        acad.Milestone(
            description="First-term attendance review",
            due_on=dt.date(2026, 12, 11),
            owner="Attendance lead",
        )
    ],
)


def _payloads() -> dict[type[EventPayload], tuple[EventPayload, dict[str, str], str]]:
    """Event model -> (example payload, actor, stream)."""
    submission = f"submission-{SUBMISSION}"
    academy = f"academy-{ACADEMY}"
    return {
        acad.TrustCreated: (
            acad.TrustCreated(
                trust_id=TRUST, name="Oak Valley Learning Trust", framework="seed-004-focus"
            ),
            CEO,
            f"trust-{TRUST}",
        ),
        acad.FrameworkAdopted: (
            acad.FrameworkAdopted(
                trust_id=TRUST,
                framework_id="seed-004-focus",
                version=1,
                based_on_preset="seed-004-focus",
                # Abridged: the real document is the whole framework.
                document={
                    "id": "seed-004-focus",
                    "name": "Focus-Trust academy improvement policy",
                    "version": 1,
                    "judgement_scheme": "ofsted-2019",
                    "phase_label": "category",
                    "phases": [{"id": "self_managing", "name": "Self-managing"}],
                },
            ),
            CEO,
            f"trust-{TRUST}",
        ),
        acad.AcademyRegistered: (
            acad.AcademyRegistered(
                trust_id=TRUST,
                academy_id=ACADEMY,
                urn="141234",
                name="Alder Primary Academy",
                phase_of_education="primary",
                local_authority="Kent",
                date_joined=dt.date(2026, 9, 1),
                new_to_trust=True,
            ),
            CEO,
            academy,
        ),
        acad.AcademyDetailsChanged: (
            acad.AcademyDetailsChanged(
                trust_id=TRUST, academy_id=ACADEMY, name="Alder Church of England Primary Academy"
            ),
            CEO,
            academy,
        ),
        acad.DataSubmitted: (
            acad.DataSubmitted(
                trust_id=TRUST,
                academy_id=ACADEMY,
                submission_id=SUBMISSION,
                period=acad.Period(academic_year=YEAR, term="autumn", half_term=0),
                return_type="termly_kpi",
                values=acad.DataValues(
                    kpis={"persistent_absence_percent": 14.2},
                    attendance_percent=94.6,
                    progress8_score=0.12,
                    progress8_band="average",
                ),
            ),
            HEAD,
            submission,
        ),
        acad.SubmissionCorrected: (
            acad.SubmissionCorrected(
                trust_id=TRUST,
                academy_id=ACADEMY,
                submission_id=SUBMISSION,
                revision=2,
                values=acad.DataValues(
                    kpis={"persistent_absence_percent": 13.8},
                    attendance_percent=94.9,
                    progress8_score=0.12,
                    progress8_band="average",
                ),
                reason="Late registers from the residential trip",
            ),
            HEAD,
            submission,
        ),
        acad.InspectionRecorded: (
            acad.InspectionRecorded(
                trust_id=TRUST,
                academy_id=ACADEMY,
                inspection_date=dt.date(2026, 11, 18),
                scheme="ofsted-2025",
                grades={"achievement": "expected_standard", "inclusion": "strong_standard"},
                safeguarding="met",
            ),
            LEAD,
            academy,
        ),
        acad.ImprovementPlanSubmitted: (
            acad.ImprovementPlanSubmitted(
                trust_id=TRUST,
                academy_id=ACADEMY,
                academic_year=YEAR,
                revision=1,
                priorities=[_PRIORITY],
                framework_version=1,
            ),
            HEAD,
            f"plan-{ACADEMY}-2026-27",
        ),
        acad.SelfEvaluationSubmitted: (
            acad.SelfEvaluationSubmitted(
                trust_id=TRUST,
                academy_id=ACADEMY,
                academic_year=YEAR,
                revision=1,
                summary="Behaviour is calm and orderly; reading in key stage 1 needs attention.",
                area_judgements={"behaviour_and_attitudes": "good", "quality_of_education": "good"},
                scheme="ofsted-2019",
                framework_version=1,
            ),
            HEAD,
            f"sef-{ACADEMY}-2026-27",
        ),
        ev.EvaluationJudged: (
            ev.EvaluationJudged(
                trust_id=TRUST,
                academy_id=ACADEMY,
                evaluation_id="alder-2026-autumn-review",
                kind="trust_evaluation",
                academic_year=YEAR,
                term="autumn",
                scheme="ofsted-2019",
                judgements={"quality_of_education": "good", "leadership_and_management": "good"},
                evidence=["visit note 2026-11-03", "https://docs.example/alder/reading-review"],
                summary="Secure leadership; phonics teaching is consistent across classes.",
                framework_version=1,
            ),
            LEAD,
            academy,
        ),
        ev.PhaseProposed: (
            ev.PhaseProposed(
                trust_id=TRUST,
                academy_id=ACADEMY,
                proposal_id="alder-2026-annual",
                subject=None,
                current_phase=None,
                proposed_phase="self_managing",
                reason="Good on every area at the autumn review",
                review="annual",
                framework_version=1,
            ),
            CEO,
            academy,
        ),
        ev.PhaseProposalWithdrawn: (
            ev.PhaseProposalWithdrawn(
                trust_id=TRUST,
                academy_id=ACADEMY,
                proposal_id="alder-2026-exceptional",
                reason="Proposed before the inspection report was published",
            ),
            CEO,
            academy,
        ),
        ev.PhaseProposalRejected: (
            ev.PhaseProposalRejected(
                trust_id=TRUST,
                academy_id=ACADEMY,
                proposal_id="alder-2026-subject-review",
                reason="The board wants the spring data first",
            ),
            TRUSTEE,
            academy,
        ),
        ev.PhaseChanged: (
            ev.PhaseChanged(
                trust_id=TRUST,
                academy_id=ACADEMY,
                proposal_id="alder-2026-annual",
                old_phase=None,
                new_phase="self_managing",
                reason="Good on every area at the autumn review",
                review="annual",
                proposed_by=ev.ActorRef(**CEO),
                confirmed_by=ev.ActorRef(**TRUSTEE),
                framework_version=1,
            ),
            TRUSTEE,
            academy,
        ),
        ev.ConcernRaised: (
            ev.ConcernRaised(
                trust_id=TRUST,
                academy_id=ACADEMY,
                concern_id="8d3c6f0e-2b1a-4c55-9a8e-3f1d2c4b5a69",
            ),
            LEAD,
            academy,
        ),
        acad.AcademyLeftTrust: (
            acad.AcademyLeftTrust(
                trust_id=TRUST,
                academy_id=ACADEMY,
                date_left=dt.date(2026, 12, 31),
                reason="Transferred to another trust by the Secretary of State",
            ),
            CEO,
            academy,
        ),
        ev.FormalInterventionStarted: (
            ev.FormalInterventionStarted(
                trust_id=TRUST,
                academy_id=ACADEMY,
                intervention_id="alder-2027-intervention",
                started_on=dt.date(2027, 1, 11),
                reason="Safeguarding culture weak; leadership capacity insufficient",
                notice=ev.WrittenNotice(
                    dated=dt.date(2027, 1, 8),
                    to_roles=["headteacher", "chair_of_lgb"],
                    reference="letter CEO/2027/004",
                ),
            ),
            CEO,
            academy,
        ),
        ev.FormalInterventionEnded: (
            ev.FormalInterventionEnded(
                trust_id=TRUST,
                academy_id=ACADEMY,
                intervention_id="alder-2027-intervention",
                ended_on=dt.date(2027, 7, 9),
                reason="Task group satisfied that the priorities are secure",
            ),
            CEO,
            academy,
        ),
        **_meeting_payloads(),
        **_support_payloads(),
    }


def _meeting_payloads() -> dict[type[EventPayload], tuple[EventPayload, dict[str, str], str]]:
    meeting = f"meeting-{MEETING}"
    action = f"action-{ACTION}"
    head = mt.Person(**HEAD)
    lead = mt.Person(**LEAD)
    chair = mt.Person(**CHAIR)
    at = dt.datetime(2026, 11, 3, 9, 30, tzinfo=dt.timezone(dt.timedelta(0)))
    common = {"trust_id": TRUST, "academy_id": ACADEMY, "meeting_id": MEETING}
    return {
        mt.MeetingScheduled: (
            mt.MeetingScheduled(
                **common,
                meeting_type="aim",
                academic_year=YEAR,
                term="autumn",
                scheduled_for=at,
                duration_minutes=120,
                origin="cadence",
                cadence_slot=1,
                framework_version=1,
            ),
            LEAD,
            meeting,
        ),
        mt.MeetingRescheduled: (
            mt.MeetingRescheduled(
                **common,
                old_scheduled_for=at,
                scheduled_for=at + dt.timedelta(days=2),
                term="autumn",
                reason="The headteacher is called to a local authority panel",
            ),
            LEAD,
            meeting,
        ),
        mt.ApologiesGiven: (
            mt.ApologiesGiven(
                **common,
                attendee=chair,
                substitute=mt.Person(subject="vice-chair@alder.example", role="chair_of_lgb"),
            ),
            CHAIR,
            meeting,
        ),
        mt.PaperSubmitted: (
            mt.PaperSubmitted(
                **common,
                paper="headteacher report",
                title="Headteacher's report to the autumn AIM",
                reference="https://docs.example/alder/aim-autumn-head-report",
                submitted_by=head,
                submitted_on=dt.date(2026, 10, 27),
                due_on=dt.date(2026, 10, 29),
            ),
            HEAD,
            meeting,
        ),
        mt.MeetingHeld: (
            mt.MeetingHeld(
                **common,
                meeting_type="aim",
                academic_year=YEAR,
                term="autumn",
                held_on=dt.date(2026, 11, 5),
                attendees=[
                    lead,
                    head,
                    mt.Person(subject="vice-chair@alder.example", role="chair_of_lgb"),
                ],
                scheme="ofsted-2019",
                focus_areas=["quality_of_education", "behaviour_and_attitudes"],
                area_judgements={"quality_of_education": "good"},
                entitlement_days="1.00",
            ),
            LEAD,
            meeting,
        ),
        mt.NotesDrafted: (
            mt.NotesDrafted(
                **common,
                notes_id="b7e2c1f0-3a5d-4e8b-9c61-0d2f4a7e1b35",
                revision=1,
                author=lead,
                drafted_on=dt.date(2026, 11, 6),
            ),
            LEAD,
            meeting,
        ),
        mt.NotesApproved: (
            mt.NotesApproved(
                **common, notes_id="b7e2c1f0-3a5d-4e8b-9c61-0d2f4a7e1b35", approver=head
            ),
            HEAD,
            meeting,
        ),
        mt.NotesCirculated: (
            mt.NotesCirculated(
                **common,
                notes_id="b7e2c1f0-3a5d-4e8b-9c61-0d2f4a7e1b35",
                circulated_on=dt.date(2026, 11, 10),
                deadlines=[],
            ),
            LEAD,
            meeting,
        ),
        mt.ActionRaised: (
            mt.ActionRaised(
                **common,
                action_id=ACTION,
                title="Phonics catch-up groups for year 2",
                owner=head,
                raised_on=dt.date(2026, 11, 5),
                due_on=dt.date(2027, 1, 29),
                area="quality_of_education",
            ),
            LEAD,
            action,
        ),
        mt.ActionCarriedForward: (
            mt.ActionCarriedForward(
                trust_id=TRUST,
                academy_id=ACADEMY,
                action_id=ACTION,
                from_meeting_id=MEETING,
                to_meeting_id=NEXT_MEETING,
                due_on=dt.date(2027, 3, 12),
            ),
            LEAD,
            action,
        ),
        mt.ActionCompleted: (
            mt.ActionCompleted(
                **{**common, "meeting_id": NEXT_MEETING},
                action_id=ACTION,
                completed_on=dt.date(2027, 3, 5),
            ),
            HEAD,
            action,
        ),
        mt.MeetingCancelled: (
            mt.MeetingCancelled(
                trust_id=TRUST,
                academy_id=ACADEMY,
                meeting_id=INTERIM_MEETING,
                why="no_longer_required",
                reason="interim_aim is for academies less than good; from 2027-04-19 Alder is not",
            ),
            LEAD,
            f"meeting-{INTERIM_MEETING}",
        ),
    }


def _support_payloads() -> dict[type[EventPayload], tuple[EventPayload, dict[str, str], str]]:
    """Alder's support in 2026/27 (trust framework seed-004-focus: six core days;
    the budget agreed by the chief executive and finance), from an attendance
    lead practitioner at Birch. Money is in pence, days are decimal text."""
    entitlement = f"entitlement-{ACADEMY}+{YEAR}"
    budget = f"budget-{ACADEMY}+{YEAR}"
    provider = f"provider-{PROVIDER}"
    ceo = sp.Approver(**CEO)
    common = {"trust_id": TRUST, "academy_id": ACADEMY, "academic_year": YEAR}
    commission = {**common, "commission_id": COMMISSION, "provider_id": PROVIDER}
    invoice = {
        **commission,
        "invoice_id": INVOICE,
        "invoice_number": "BIRCH-2027-014",
        "budget_line": "attendance",
        "days_covered": "1.50",
    }
    return {
        sp.EntitlementGranted: (
            sp.EntitlementGranted(
                **common,
                framework_id="seed-004-focus",
                framework_version=1,
                phase="self_managing",
                support_tier="partnership",
                formal_intervention=False,
                core_days="6.00",
                tier_days="0.00",
                formal_intervention_days="0.00",
                package=[],
                total_days="6.00",
                effective_on=dt.date(2026, 9, 1),
            ),
            SUPPORT,
            entitlement,
        ),
        sp.EntitlementUsed: (
            sp.EntitlementUsed(
                **common,
                use="meeting",
                source_id=MEETING,
                days="1.00",
                used_on=dt.date(2026, 11, 5),
                beyond_entitlement=False,
            ),
            SUPPORT,
            entitlement,
        ),
        sp.EntitlementAdjusted: (
            sp.EntitlementAdjusted(
                **common,
                change="formal_intervention_started",
                framework_version=1,
                phase="self_managing",
                support_tier="partnership",
                formal_intervention=True,
                tier_days="0.00",
                formal_intervention_days="5.00",
                previous_total_days="6.00",
                total_days="11.00",
                effective_on=dt.date(2027, 1, 11),
            ),
            SUPPORT,
            entitlement,
        ),
        sp.SupportRequested: (
            sp.SupportRequested(
                trust_id=TRUST,
                academy_id=ACADEMY,
                request_id=REQUEST,
                need_area="attendance",
                subject=None,
                days_wanted="3.00",
                summary="Persistent absence is 14%: help with first-day calling and a year 5 "
                "attendance plan",
                requested_on=dt.date(2026, 11, 23),
            ),
            HEAD,
            f"request-{REQUEST}",
        ),
        sp.SupportRequestTriaged: (
            sp.SupportRequestTriaged(
                trust_id=TRUST,
                academy_id=ACADEMY,
                request_id=REQUEST,
                outcome="accepted",
                reason="Birch's attendance lead practitioner can start in January",
                triaged_on=dt.date(2026, 11, 25),
            ),
            LEAD,
            f"request-{REQUEST}",
        ),
        sp.ProviderRegistered: (
            sp.ProviderRegistered(
                trust_id=TRUST,
                provider_id=PROVIDER,
                name="Sam Rowe, attendance lead practitioner at Birch Academy",
                kind="lead_practitioner",
                internal=True,
                home_academy_id="birch-academy",
                contact_subject=PROVIDER_ACTOR["subject"],
                specialisms=["attendance", "behaviour"],
                day_rate_pence=42_500,
                capacity_days_per_term="8.00",
            ),
            LEAD,
            provider,
        ),
        sp.DueDiligenceRecorded: (
            sp.DueDiligenceRecorded(
                trust_id=TRUST,
                provider_id=PROVIDER,
                check="dbs",
                outcome="passed",
                checked_on=dt.date(2026, 9, 14),
                expires_on=dt.date(2029, 9, 13),
            ),
            FINANCE,
            provider,
        ),
        sp.ConflictOfInterestDeclared: (
            sp.ConflictOfInterestDeclared(
                trust_id=TRUST,
                provider_id=PROVIDER,
                academy_id="elm-primary",
                nature="Spouse is a governor of Elm Primary",
                declared_on=dt.date(2026, 9, 14),
            ),
            PROVIDER_ACTOR,
            provider,
        ),
        sp.ProviderUpdated: (
            sp.ProviderUpdated(
                trust_id=TRUST,
                provider_id=PROVIDER,
                name="Sam Rowe, attendance lead practitioner at Birch Academy",
                contact_subject=PROVIDER_ACTOR["subject"],
                specialisms=["attendance", "behaviour"],
                day_rate_pence=45_000,
                capacity_days_per_term="8.00",
                reason="Day rate agreed with Birch Academy for 2026/27",
            ),
            FINANCE,
            provider,
        ),
        sp.BudgetProposed: (
            sp.BudgetProposed(
                **common,
                revision=1,
                lines=[
                    sp.BudgetLine(
                        line_id="attendance", name="Attendance support", amount_pence=150_000
                    ),
                    sp.BudgetLine(
                        line_id="curriculum", name="Curriculum reviews", amount_pence=200_000
                    ),
                ],
                total_pence=350_000,
                approver_roles=["chief_executive", "finance"],
                reason="The priorities of the 2026/27 improvement plan",
            ),
            FINANCE,
            budget,
        ),
        sp.BudgetAgreed: (
            sp.BudgetAgreed(**common, revision=1, approver=ceo, in_force=True),
            CEO,
            budget,
        ),
        sp.SupportCommissioned: (
            sp.SupportCommissioned(
                **commission,
                request_id=REQUEST,
                need_area="attendance",
                days="3.00",
                day_rate_pence=45_000,
                cost_pence=135_000,
                budget_line="attendance",
                from_entitlement=False,
                starts_on=dt.date(2027, 1, 18),
                ends_on=dt.date(2027, 3, 26),
                term="spring",
            ),
            LEAD,
            budget,
        ),
        sp.ProviderCapacityBooked: (
            sp.ProviderCapacityBooked(**commission, term="spring", days="3.00"),
            LEAD,
            provider,
        ),
        sp.SupportDelivered: (
            sp.SupportDelivered(
                **commission,
                delivery_id="alder-2026-attendance-support-1",
                delivered_on=dt.date(2027, 1, 20),
                days="1.50",
                value_pence=67_500,
                has_note=True,
            ),
            PROVIDER_ACTOR,
            budget,
        ),
        sp.InvoiceRecorded: (
            sp.InvoiceRecorded(
                **invoice,
                amount_pence=70_000,
                invoiced_on=dt.date(2027, 1, 29),
                expected_pence=67_500,
                discrepancy_pence=2_500,
            ),
            FINANCE,
            provider,
        ),
        sp.InvoiceCredited: (
            sp.InvoiceCredited(
                **invoice,
                credit_note_number="BIRCH-CN-2027-003",
                amount_pence=70_000,
                credited_on=dt.date(2027, 2, 3),
                reason="Travel is included in the day rate; to be invoiced again at £675.00",
            ),
            FINANCE,
            provider,
        ),
        sp.OverCommitmentApproved: (
            sp.OverCommitmentApproved(
                **common,
                approval_id="alder-2026-attendance-over-1",
                budget_line="attendance",
                amount_pence=30_000,
                reason="A fourth day costs £450.00 and the attendance line has £150.00 left",
                approver=ceo,
            ),
            CEO,
            budget,
        ),
        sp.CommissionVaried: (
            sp.CommissionVaried(
                **commission,
                previous_days="3.00",
                days="4.00",
                cost_pence=180_000,
                reason="A fourth day to train the new attendance officer",
            ),
            LEAD,
            budget,
        ),
        sp.BudgetAdjusted: (
            sp.BudgetAdjusted(
                **common,
                revision=2,
                lines=[
                    sp.BudgetLine(
                        line_id="attendance", name="Attendance support", amount_pence=150_000
                    ),
                    sp.BudgetLine(
                        line_id="curriculum", name="Curriculum reviews", amount_pence=150_000
                    ),
                    sp.BudgetLine(
                        line_id="governance", name="Governor training", amount_pence=50_000
                    ),
                ],
                total_pence=350_000,
                approver_roles=["chief_executive", "finance"],
                reason="£500.00 of the curriculum reviews moved to training the new governors",
            ),
            FINANCE,
            budget,
        ),
        sp.CommissionCancelled: (
            sp.CommissionCancelled(
                **commission,
                released_days="1.00",
                released_pence=45_000,
                reason="The academy's attendance officer takes over after the spring census",
            ),
            LEAD,
            budget,
        ),
        sp.ProviderCapacityReleased: (
            sp.ProviderCapacityReleased(**commission, term="spring", days="1.00"),
            LEAD,
            provider,
        ),
    }


def _id(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "urn:trust-platform:example:" + ":".join(parts)))


def _hex(text: str, digits: int) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, text).hex[:digits]


# The partition key of an example, by its stream's category: a trust's own
# stream and a provider's are keyed by their id; every other by the academy's.
_KEYS = {"trust": TRUST, "provider": PROVIDER}


def records(
    topic_of: Callable[[type[EventPayload]], str],
) -> dict[type[EventPayload], dict[str, Any]]:
    """Event model -> an example record {description, topic, key, headers, value}."""
    result = {}
    at = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
    positions: dict[str, int] = {}
    stream_positions: dict[tuple[str, str], int] = {}  # streams are per source service
    for model, (payload, actor, stream) in _payloads().items():
        name = f"{model.EVENT_TYPE}.v{model.SCHEMA_VERSION}"
        source = source_of(model)
        positions[source] = positions.get(source, 0) + 1
        stream_positions[source, stream] = stream_positions.get((source, stream), 0) + 1
        at += dt.timedelta(minutes=7)
        trace = _hex(name, 32)
        key = _KEYS.get(stream.partition("-")[0], ACADEMY)
        value = {
            "event_id": _id(name, "event"),
            "event_type": model.EVENT_TYPE,
            "schema_version": model.SCHEMA_VERSION,
            "stream": stream,
            "stream_position": stream_positions[source, stream],
            "global_position": positions[source],
            "source": source,
            "key": key,
            "occurred_at": at.isoformat().replace("+00:00", "Z"),
            "actor": actor,
            "correlation_id": _id(name, "request"),
            "causation_id": None,
            "traceparent": f"00-{trace}-{_hex(name + ':request', 16)}-01",
            "tracestate": None,
            "payload": payload.model_dump(mode="json"),
        }
        headers = {
            "event_id": value["event_id"],
            "event_type": model.EVENT_TYPE,
            "schema_version": str(model.SCHEMA_VERSION),
            "source": source,
            "traceparent": f"00-{trace}-{_hex(name + ':publish', 16)}-01",
        }
        result[model] = {
            "description": (
                f"An example {model.EVENT_TYPE} v{model.SCHEMA_VERSION} record as published on "
                f"{topic_of(model)}: the headers' values are UTF-8 text, the value is the JSON "
                "envelope."
                + (" The framework document is abridged." if model is acad.FrameworkAdopted else "")
            ),
            "topic": topic_of(model),
            "key": key,
            "headers": headers,
            "value": value,
        }
    every = {
        *acad.ACADEMIES_EVENTS,
        *ev.EVALUATIONS_EVENTS,
        *mt.MEETINGS_EVENTS,
        *sp.SUPPORT_EVENTS,
    }
    missing = every - set(result)
    if missing:
        raise LookupError(f"no example for {sorted(m.EVENT_TYPE for m in missing)}")
    return result

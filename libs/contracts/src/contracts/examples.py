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
from contracts.messages import source_of

TRUST = "oak-valley"
ACADEMY = "alder-primary"
SUBMISSION = "alder-2026-autumn-kpi"
YEAR = "2026/27"
CEO = {"subject": "ceo@oakvalley.example", "role": "chief_executive"}
HEAD = {"subject": "head@alder.example", "role": "headteacher"}
LEAD = {"subject": "lead@oakvalley.example", "role": "improvement_lead"}
TRUSTEE = {"subject": "chair@oakvalley.example", "role": "trustee"}

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
    }


def _id(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "urn:trust-platform:example:" + ":".join(parts)))


def _hex(text: str, digits: int) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, text).hex[:digits]


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
        key = TRUST if stream.startswith("trust-") else ACADEMY
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
    missing = {*acad.ACADEMIES_EVENTS, *ev.EVALUATIONS_EVENTS} - set(result)
    if missing:
        raise LookupError(f"no example for {sorted(m.EVENT_TYPE for m in missing)}")
    return result

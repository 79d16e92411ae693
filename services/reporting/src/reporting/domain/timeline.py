"""An academy's timeline: every event about it, with who caused it.

Pure: which academy an event concerns and a one-line summary a person can
read. Events the projection does not know still appear, summarised by type,
so a new event from any service is never silently missing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from chassis.envelope import EventEnvelope


@dataclass(frozen=True)
class TimelineEntry:
    event_id: uuid.UUID
    academy_id: str
    trust_id: str
    event_type: str
    source_service: str
    global_position: int
    occurred_at: dt.datetime
    actor_subject: str
    actor_role: str
    summary: str
    confidential: bool = False


def _period(payload: dict[str, Any]) -> str:
    period = payload.get("period") or {}
    half = period.get("half_term") or 0
    text = f"{period.get('academic_year', '?')} {period.get('term', '?')}"
    return f"{text} half-term {half}" if half else text


def _values(payload: dict[str, Any]) -> str:
    values = payload.get("values") or {}
    parts = []
    if values.get("attendance_percent") is not None:
        parts.append(f"attendance {values['attendance_percent']}%")
    if values.get("progress8_score") is not None:
        parts.append(f"Progress 8 {values['progress8_score']:+.2f}")
    if values.get("progress8_band"):
        parts.append(f"({values['progress8_band'].replace('_', ' ')})")
    if values.get("kpis"):
        parts.append(f"{len(values['kpis'])} KPIs")
    return ", ".join(parts) or "no values"


def summarize(event_type: str, payload: dict[str, Any]) -> str:
    match event_type:
        case "academies.AcademyRegistered":
            return f"Registered {payload['name']} (URN {payload['urn']}), joined {payload['date_joined']}"
        case "academies.AcademyDetailsChanged":
            changed = [
                k
                for k, v in payload.items()
                if k not in ("trust_id", "academy_id") and v is not None
            ]
            return "Details changed: " + ", ".join(changed)
        case "academies.AcademyLeftTrust":
            return f"Left the trust on {payload['date_left']}: {payload['reason']}"
        case "academies.DataSubmitted":
            return f"Data submitted for {_period(payload)} ({payload['return_type']}): {_values(payload)}"
        case "academies.SubmissionCorrected":
            return (
                f"Submission corrected (revision {payload['revision']}): {_values(payload)}"
                f" because {payload['reason']}"
            )
        case "academies.InspectionRecorded":
            grades = ", ".join(
                f"{a.replace('_', ' ')}: {g.replace('_', ' ')}"
                for a, g in payload["grades"].items()
            )
            safeguarding = (
                f"; safeguarding {payload['safeguarding'].replace('_', ' ')}"
                if payload.get("safeguarding")
                else ""
            )
            return f"Ofsted inspection ({payload['scheme']}) on {payload['inspection_date']}: {grades}{safeguarding}"
        case "academies.ImprovementPlanSubmitted":
            titles = "; ".join(p["title"] for p in payload["priorities"])
            return f"Improvement plan {payload['academic_year']} revision {payload['revision']}: {titles}"
        case "academies.SelfEvaluationSubmitted":
            return f"Self-evaluation {payload['academic_year']} revision {payload['revision']}"
        case "evaluations.EvaluationJudged":
            grades = ", ".join(
                f"{a.replace('_', ' ')}: {g.replace('_', ' ')}"
                for a, g in payload["judgements"].items()
            )
            return f"{payload['kind'].replace('_', ' ').capitalize()} {payload['academic_year']} {payload['term']}: {grades}"
        case "evaluations.PhaseProposed":
            subject = f" for {payload['subject']}" if payload.get("subject") else ""
            return f"Proposed{subject}: {payload.get('current_phase') or 'no phase'} -> {payload['proposed_phase']} ({payload['review']} review)"
        case "evaluations.PhaseChanged":
            subject = f" for {payload['subject']}" if payload.get("subject") else ""
            return (
                f"Phase changed{subject}: {payload.get('old_phase') or 'no phase'} -> {payload['new_phase']}, "
                f"confirmed by {payload['confirmed_by']['subject']}"
            )
        case "evaluations.PhaseProposalRejected":
            return f"Proposal rejected: {payload['reason']}"
        case "evaluations.PhaseProposalWithdrawn":
            return f"Proposal withdrawn: {payload['reason']}"
        case "evaluations.ConcernRaised":
            return "A concern was raised with the chief executive (confidential)"
        case _:
            return event_type.split(".", 1)[-1]


# Shown only to roles that may read confidential material (see the API).
CONFIDENTIAL_EVENTS = frozenset({"evaluations.ConcernRaised"})


def entry_for(envelope: EventEnvelope) -> TimelineEntry | None:
    """The timeline entry for ``envelope``, or None if it concerns no academy."""
    academy_id = envelope.payload.get("academy_id")
    if not isinstance(academy_id, str) or not academy_id:
        return None
    return TimelineEntry(
        event_id=envelope.event_id,
        academy_id=academy_id,
        trust_id=str(envelope.payload.get("trust_id", "")),
        event_type=envelope.event_type,
        source_service=envelope.source,
        global_position=envelope.global_position or 0,
        occurred_at=envelope.occurred_at,
        actor_subject=envelope.actor.subject,
        actor_role=envelope.actor.role,
        summary=summarize(envelope.event_type, envelope.payload),
        confidential=envelope.event_type in CONFIDENTIAL_EVENTS,
    )

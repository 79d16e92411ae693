"""An academy's timeline: every event about it, with who caused it.

Pure: which academy an event concerns and a one-line summary a person can
read. Events the projection does not know still appear, summarised by type,
so a new event from any service is never silently missing.

Meetings' summaries say what happened, when and who took part, never what was
said: notes are confidential and no event carries their text; of the free text
a meetings event does carry, only an action's short title (which the contract
marks as not note text) is shown; reasons and paper titles are not. A
trust-wide meeting (no academy) has no academy timeline.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from chassis.auth import Role
from chassis.envelope import EventEnvelope
from contracts.money import pounds as _pounds


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


ENGLAND = ZoneInfo("Europe/London")
# How a role reads in a sentence.
_ROLE_NAMES = {"chair_of_lgb": "chair of the LGB"}


def _words(identifier: str) -> str:
    return identifier.replace("_", " ")


def _role(role: str) -> str:
    return _ROLE_NAMES.get(role, _words(role))


def _person(person: dict[str, Any]) -> str:
    return f"{person['subject']} ({_role(person['role'])})"


def _local(moment: str) -> str:
    """A published instant as England's date and time, e.g. 2026-11-03 09:30."""
    return f"{dt.datetime.fromisoformat(moment).astimezone(ENGLAND):%Y-%m-%d %H:%M}"


def _grades(grades: dict[str, str]) -> str:
    return ", ".join(f"{_words(a)}: {_words(g)}" for a, g in grades.items())


def _deadline(deadline: dict[str, Any]) -> str:
    met = "met" if deadline["met"] else f"missed (delivered {deadline['delivered_on']})"
    return (
        f"{deadline['document']} to the {_role(deadline['to_role'])} by {deadline['due_on']} {met}"
    )


def _meeting(event_type: str, payload: dict[str, Any]) -> str | None:
    """A meetings event's line: no reason, paper title or reference, no note text."""
    match event_type:
        case "meetings.MeetingScheduled":
            how = "by hand"
            if payload["origin"] == "cadence":
                slot = payload.get("cadence_slot")
                how = "by the framework's cadence" + (
                    f" (meeting {slot} of the year)" if slot else ""
                )
            return (
                f"Meeting scheduled: {_words(payload['meeting_type'])} on "
                f"{_local(payload['scheduled_for'])} ({payload['duration_minutes']} minutes), "
                f"{payload['term']} {payload['academic_year']}, {how}"
            )
        case "meetings.MeetingRescheduled":
            return (
                f"Meeting moved from {_local(payload['old_scheduled_for'])} "
                f"to {_local(payload['scheduled_for'])}"
            )
        case "meetings.MeetingCancelled":
            why = "no longer required" if payload["why"] == "no_longer_required" else "by hand"
            return f"Meeting cancelled ({why})"
        case "meetings.ApologiesGiven":
            substitute = payload.get("substitute")
            instead = (
                f"; {_person(substitute)} attends instead" if substitute else "; no substitute"
            )
            return f"Apologies from {_person(payload['attendee'])}{instead}"
        case "meetings.PaperSubmitted":
            late = " (late)" if payload["submitted_on"] > payload["due_on"] else ""
            return (
                f"Paper submitted: {payload['paper']} by {_person(payload['submitted_by'])} "
                f"on {payload['submitted_on']}, due {payload['due_on']}{late}"
            )
        case "meetings.MeetingHeld":
            focus = ", ".join(_words(a) for a in payload["focus_areas"]) or "none"
            judged = (
                f"; judged {_grades(payload['area_judgements'])}"
                if payload.get("area_judgements")
                else ""
            )
            return (
                f"Meeting held: {_words(payload['meeting_type'])} on {payload['held_on']}, "
                f"{len(payload['attendees'])} attending; focus {focus}{judged}; "
                f"{payload['entitlement_days']} entitlement days"
            )
        case "meetings.NotesDrafted":
            return (
                f"Notes drafted (revision {payload['revision']}) by "
                f"{_person(payload['author'])} on {payload['drafted_on']}"
            )
        case "meetings.NotesApproved":
            return f"Notes approved by {_person(payload['approver'])}"
        case "meetings.NotesCirculated":
            deadlines = "; ".join(_deadline(d) for d in payload.get("deadlines") or [])
            return f"Notes circulated on {payload['circulated_on']}" + (
                f": {deadlines}" if deadlines else ""
            )
        case "meetings.ActionRaised":
            area = f" ({_words(payload['area'])})" if payload.get("area") else ""
            return (
                f"Action raised: {payload['title']}{area}, owner {_person(payload['owner'])}, "
                f"due {payload['due_on']}"
            )
        case "meetings.ActionCompleted":
            return f"Action completed on {payload['completed_on']}"
        case "meetings.ActionCarriedForward":
            return f"Action carried forward to a later meeting, due {payload['due_on']}"
    return None


def _support(event_type: str, payload: dict[str, Any]) -> str | None:
    """A support event's line: money and days, never a delivery note (no event
    carries one) nor a conflict's nature."""
    match event_type:
        case "support.EntitlementGranted":
            return (
                f"Entitlement {payload['academic_year']}: {payload['total_days']} days "
                f"(core {payload['core_days']}, tier {payload['tier_days']}, formal intervention "
                f"{payload['formal_intervention_days']}, package items {len(payload['package'])})"
            )
        case "support.EntitlementAdjusted":
            return (
                f"Entitlement {payload['academic_year']} adjusted ({_words(payload['change'])}) "
                f"from {payload['effective_on']}: {payload['previous_total_days']} -> "
                f"{payload['total_days']} days"
            )
        case "support.EntitlementUsed":
            beyond = " (beyond the entitlement)" if payload["beyond_entitlement"] else ""
            return (
                f"{payload['days']} entitlement days used by a {payload['use']} on "
                f"{payload['used_on']}{beyond}"
            )
        case "support.SupportRequested":
            subject = f" ({payload['subject']})" if payload.get("subject") else ""
            return (
                f"Support requested: {_words(payload['need_area'])}{subject}: {payload['summary']}"
            )
        case "support.SupportRequestTriaged":
            why = f": {payload['reason']}" if payload.get("reason") else ""
            return f"Support request {_words(payload['outcome'])}{why}"
        case "support.ConflictOfInterestDeclared":
            return f"Provider {payload['provider_id']} declared a conflict of interest"
        case "support.BudgetProposed" | "support.BudgetAdjusted":
            verb = "proposed" if event_type.endswith("Proposed") else "adjusted"
            return (
                f"Improvement budget {payload['academic_year']} {verb} (revision "
                f"{payload['revision']}): {_pounds(payload['total_pence'])} in "
                f"{len(payload['lines'])} lines"
            )
        case "support.BudgetAgreed":
            in_force = "; now in force" if payload["in_force"] else ""
            return (
                f"Budget revision {payload['revision']} agreed by "
                f"{_person(payload['approver'])}{in_force}"
            )
        case "support.OverCommitmentApproved":
            return (
                f"Over-commitment of {_pounds(payload['amount_pence'])} on line "
                f"{payload['budget_line']} approved by {_person(payload['approver'])}"
            )
        case "support.SupportCommissioned":
            funded = (
                "from the entitlement"
                if payload["from_entitlement"]
                else f"on line {payload['budget_line']}"
            )
            return (
                f"Support commissioned: {_words(payload['need_area'])} from provider "
                f"{payload['provider_id']}, {payload['days']} days at "
                f"{_pounds(payload['day_rate_pence'])} = {_pounds(payload['cost_pence'])} {funded}, "
                f"{payload['starts_on']} to {payload['ends_on']}"
            )
        case "support.CommissionVaried":
            return (
                f"Commission varied: {payload['previous_days']} -> {payload['days']} days "
                f"({_pounds(payload['cost_pence'])}): {payload['reason']}"
            )
        case "support.CommissionCancelled":
            return (
                f"Commission cancelled: {payload['released_days']} days "
                f"({_pounds(payload['released_pence'])}) released: {payload['reason']}"
            )
        case "support.SupportDelivered":
            return (
                f"Support delivered on {payload['delivered_on']}: {payload['days']} days "
                f"({_pounds(payload['value_pence'])})"
            )
        case "support.InvoiceRecorded":
            gap = payload["discrepancy_pence"]
            flag = f"; discrepancy {_pounds(gap)}" if gap else ""
            return (
                f"Invoice {payload['invoice_number']} from provider {payload['provider_id']}: "
                f"{_pounds(payload['amount_pence'])} for {payload['days_covered']} days{flag}"
            )
        case "support.InvoiceCredited":
            return (
                f"Invoice {payload['invoice_number']} credited by {payload['credit_note_number']}: "
                f"{_pounds(payload['amount_pence'])}"
            )
        case "support.ProviderCapacityBooked" | "support.ProviderCapacityReleased":
            return None  # the commission's own line says it; this is the provider's account
    return None


def summarize(event_type: str, payload: dict[str, Any]) -> str:
    try:
        return _summary(event_type, payload)
    except (KeyError, TypeError, ValueError):
        # A payload the line cannot be made from (the consumer checks each event
        # against its contract first, so this is a contract this code predates):
        # the entry still appears, by its type, rather than stop the projection.
        return event_type.split(".", 1)[-1]


def _summary(event_type: str, payload: dict[str, Any]) -> str:
    if event_type.startswith("meetings."):
        line = _meeting(event_type, payload)
        if line is not None:
            return line
    if event_type.startswith("support."):
        line = _support(event_type, payload)
        if line is not None:
            return line
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
        case "evaluations.FormalInterventionStarted":
            notice = payload["notice"]
            to = " and ".join(f"the {_role(r)}" for r in notice["to_roles"]) or "nobody"
            return (
                f"Formal intervention started on {payload['started_on']}: {payload['reason']}; "
                f"written notice dated {notice['dated']} ({notice['reference']}) to {to}"
            )
        case "evaluations.FormalInterventionEnded":
            return f"Formal intervention ended on {payload['ended_on']}: {payload['reason']}"
        case _:
            return event_type.split(".", 1)[-1]


# Shown only to roles that may read confidential material: the chief executive
# and the improvement leads, who may read the concerns themselves in evaluations.
CONFIDENTIAL_EVENTS = frozenset({"evaluations.ConcernRaised"})
CONFIDENTIAL_READERS = frozenset({Role.CHIEF_EXECUTIVE, Role.IMPROVEMENT_LEAD})


# The provider's account of its capacity: the commission's own event is on the
# academy's timeline already.
NOT_ON_TIMELINES = frozenset({"support.ProviderCapacityBooked", "support.ProviderCapacityReleased"})


def entry_for(envelope: EventEnvelope) -> TimelineEntry | None:
    """The timeline entry for ``envelope``, or None if it concerns no academy."""
    if envelope.event_type in NOT_ON_TIMELINES:
        return None
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

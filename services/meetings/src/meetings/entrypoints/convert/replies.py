"""What was decided (or read) -> replies, field by field. Never the notes' text,
except in MeetingNotes (GetNotes, for those who may read it)."""

from __future__ import annotations

import datetime as dt

from chassis.convert import actor_to_proto, date_to_proto, time_to_proto
from contracts.meetings.v1 import Person
from trust.meetings.v1 import meetings_pb2 as pb

from meetings.application.notes import NotesRead
from meetings.application.reads import ComplianceOf
from meetings.application.views import MeetingView, NotesView
from meetings.domain.action import ActionState
from meetings.domain.compliance import TypeCompliance
from meetings.domain.values import days_text


def person_to_proto(person: Person | None) -> pb.Person | None:
    return None if person is None else pb.Person(subject=person.subject, role=person.role)


def notes_status_to_proto(view: NotesView) -> pb.NotesStatus:
    notes = view.notes
    if notes is None:
        return pb.NotesStatus(meeting_id=view.meeting_id)
    return pb.NotesStatus(
        meeting_id=view.meeting_id,
        notes_id=notes.notes_id,
        revision=notes.revision,
        author=person_to_proto(notes.author),
        drafted_on=date_to_proto(notes.drafted_on),
        approvals=[pb.Person(subject=p.subject, role=p.role) for p in notes.approvals],
        awaiting_roles=view.awaiting,
        circulated_on=date_to_proto(notes.circulated_on),
        deadlines=[
            pb.NoteDeadline(
                document=d.document,
                to_role=d.to_role,
                due_on=date_to_proto(d.due_on),
                delivered_on=date_to_proto(d.delivered_on),
                status=d.status.value,
            )
            for d in view.deadlines
        ],
    )


def meeting_to_proto(view: MeetingView) -> pb.Meeting:
    state = view.meeting
    plan, held, cancelled = state.plan, state.held, state.cancelled
    assert plan is not None
    return pb.Meeting(
        meeting_id=state.meeting_id,
        trust_id=plan.trust_id,
        academy_id=plan.academy_id or "",
        meeting_type=plan.meeting_type,
        name=view.type_name,
        academic_year=plan.academic_year,
        term=plan.term,
        scheduled_for=time_to_proto(plan.scheduled_for),
        duration_minutes=plan.duration_minutes,
        origin=plan.origin,
        cadence_slot=plan.cadence_slot or 0,
        status=state.status.value,
        cancelled_why=cancelled.why if cancelled else "",
        cancelled_reason=cancelled.reason if cancelled else "",
        apologies=[
            pb.Apology(
                attendee=person_to_proto(a.attendee), substitute=person_to_proto(a.substitute)
            )
            for a in state.apologies
        ],
        papers=[
            pb.PaperStatus(
                paper=due.paper,
                provided_by=due.provided_by,
                due_on=date_to_proto(due.due_on),
                status=due.status.value,
                submitted_on=date_to_proto(due.submitted_on),
                title=submitted.title if submitted else "",
                reference=submitted.reference if submitted else "",
                submitted_by=person_to_proto(submitted.submitted_by if submitted else None),
            )
            for due, submitted in view.papers
        ],
        held_on=date_to_proto(held.held_on if held else None),
        attendees=[pb.Person(subject=p.subject, role=p.role) for p in held.attendees]
        if held
        else [],
        focus_areas=list(held.focus_areas) if held else [],
        area_judgements=dict(held.area_judgements) if held else {},
        entitlement_days=days_text(held.entitlement_days) if held else "",
        notes=notes_status_to_proto(view.notes),
        framework_version=plan.framework_version,
        scheduled_by=actor_to_proto(view.record.scheduled_by),
    )


def notes_to_proto(read: NotesRead, meeting_id: str) -> pb.MeetingNotes:
    notes = read.notes
    return pb.MeetingNotes(
        meeting_id=meeting_id,
        notes_id=notes.notes_id,
        revision=notes.revision,
        text=read.text,
        author=person_to_proto(notes.author),
        drafted_on=date_to_proto(notes.drafted_on),
        circulated_on=date_to_proto(notes.circulated_on),
    )


def action_to_proto(action: ActionState, as_of: dt.date) -> pb.Action:
    return pb.Action(
        action_id=action.action_id,
        trust_id=action.trust_id,
        academy_id=action.academy_id or "",
        title=action.title,
        owner=person_to_proto(action.owner),
        area=action.area or "",
        raised_on=date_to_proto(action.raised_on),
        due_on=date_to_proto(action.due_on),
        meeting_id=action.meeting_id,
        meeting_ids=list(action.meetings),
        status="completed" if action.completed_on is not None else "open",
        completed_on=date_to_proto(action.completed_on),
        overdue=action.is_overdue(as_of),
    )


def _type_to_proto(found: TypeCompliance, name: str) -> pb.TypeCompliance:
    papers, deadlines = found.papers, found.deadlines
    return pb.TypeCompliance(
        meeting_type=found.meeting_type,
        name=name,
        required=found.required,
        due_to_date=found.due_to_date,
        scheduled=found.scheduled,
        held=found.held,
        cancelled=found.cancelled,
        behind=found.behind,
        papers_on_time=papers.get("on_time", 0),
        papers_late=papers.get("late", 0),
        papers_missing=papers.get("missing", 0),
        papers_not_yet_due=papers.get("not_yet_due", 0),
        notes_circulated=found.notes_circulated,
        notes_awaiting_approval=found.notes_awaiting_approval,
        notes_not_drafted=found.notes_not_drafted,
        deadlines_met=deadlines.get("met", 0),
        deadlines_late=deadlines.get("late", 0),
        deadlines_overdue=deadlines.get("overdue", 0),
        deadlines_not_yet_due=deadlines.get("not_yet_due", 0),
    )


def compliance_to_proto(found: ComplianceOf) -> pb.Compliance:
    result, framework = found.compliance, found.framework

    def name(type_id: str) -> str:
        meeting_type = framework.meeting_type(type_id)
        return meeting_type.name if meeting_type is not None else type_id

    return pb.Compliance(
        trust_id=found.trust_id,
        academy_id=found.academy_id or "",
        academic_year=result.academic_year,
        as_of=date_to_proto(result.as_of),
        framework_version=framework.version,
        meeting_types=[_type_to_proto(t, name(t.meeting_type)) for t in result.types],
        areas=list(result.coverage.areas),
        covered_areas=list(result.coverage.covered),
        area_gaps=list(result.coverage.gaps),
        entitlement_days_used=days_text(result.entitlement_days_used),
        open_actions=len(result.open_actions),
        overdue_actions=[action_to_proto(a, result.as_of) for a in result.overdue_actions],
    )

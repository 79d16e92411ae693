"""Proto <-> Python for reporting: one converter per type, in one place."""

from __future__ import annotations

import datetime as dt

from chassis.convert import actor_to_proto, date_from_proto, date_to_proto, time_to_proto
from chassis.envelope import Actor
from trust.reporting.v1 import reporting_pb2 as pb

from reporting.application.actions import ActionsQuery, OwnerActionsReport
from reporting.application.board_report import BoardQuery
from reporting.application.timeline import TimelinePage
from reporting.domain.actions import OwnerActions, TrackedAction
from reporting.domain.board_report import AcademyReport, BoardReport, Compliance, Totals
from reporting.domain.ledger import Discrepancy, Figures, Ledger, LedgerRow, days_text
from reporting.domain.rag import Rating
from reporting.domain.timeline import TimelineEntry


def entry_to_proto(entry: TimelineEntry) -> pb.TimelineEntry:
    return pb.TimelineEntry(
        event_id=str(entry.event_id),
        event_type=entry.event_type,
        source_service=entry.source_service,
        global_position=entry.global_position,
        occurred_at=time_to_proto(entry.occurred_at),
        actor=actor_to_proto(Actor(subject=entry.actor_subject, role=entry.actor_role)),
        summary=entry.summary,
    )


def timeline_to_proto(found: TimelinePage) -> pb.AcademyTimeline:
    return pb.AcademyTimeline(
        academy_id=found.academy_id,
        entries=[entry_to_proto(e) for e in found.entries],
        next_page_token=found.next_page_token,
    )


def actions_query_from_proto(request: pb.ListOwnerActionsRequest, today: dt.date) -> ActionsQuery:
    return ActionsQuery(
        trust_id=request.trust_id.strip(),
        as_of=date_from_proto(request.as_of, "as_of") if request.as_of.strip() else today,
        academy_id=request.academy_id.strip() or None,
        owner_subject=request.owner_subject.strip() or None,
    )


def owner_action_to_proto(action: TrackedAction, as_of: dt.date) -> pb.OwnerAction:
    return pb.OwnerAction(
        action_id=action.action_id,
        academy_id=action.academy_id,
        title=action.title,
        area=action.area or "",
        raised_on=date_to_proto(action.raised_on),
        due_on=date_to_proto(action.due_on),
        overdue=action.is_overdue(as_of),
    )


def owner_actions_to_proto(found: OwnerActions, as_of: dt.date) -> pb.OwnerActions:
    return pb.OwnerActions(
        owner=actor_to_proto(Actor(subject=found.owner.subject, role=found.owner.role)),
        open=found.open,
        overdue=found.overdue,
        actions=[owner_action_to_proto(a, as_of) for a in found.actions],
    )


def owner_actions_report_to_proto(report: OwnerActionsReport) -> pb.ListOwnerActionsResponse:
    return pb.ListOwnerActionsResponse(
        as_of=date_to_proto(report.as_of),
        owners=[owner_actions_to_proto(o, report.as_of) for o in report.owners],
    )


# -- the support budget ledger ----------------------------------------------------------


def figures_to_proto(figures: Figures) -> pb.LedgerFigures:
    return pb.LedgerFigures(
        budget_pence=figures.budget_pence,
        committed_pence=figures.committed_pence,
        delivered_pence=figures.delivered_pence,
        invoiced_pence=figures.invoiced_pence,
        remaining_pence=figures.remaining_pence,
        committed_days=days_text(figures.committed_days),
        delivered_days=days_text(figures.delivered_days),
        invoiced_days=days_text(figures.invoiced_days),
    )


def ledger_row_to_proto(row: LedgerRow) -> pb.LedgerRow:
    return pb.LedgerRow(
        academy_id=row.academy_id,
        academy_name=row.academy_name,
        budget_line=row.budget_line,
        budget_line_name=row.budget_line_name,
        provider_id=row.provider_id,
        provider_name=row.provider_name,
        figures=figures_to_proto(row.figures),
    )


def discrepancy_to_proto(found: Discrepancy) -> pb.Discrepancy:
    return pb.Discrepancy(
        kind=found.kind,
        academy_id=found.academy_id,
        provider_id=found.provider_id,
        commission_id=found.commission_id,
        invoice_id=found.invoice_id,
        invoice_number=found.invoice_number,
        difference_pence=found.difference_pence,
        detail=found.detail,
    )


def ledger_to_proto(ledger: Ledger) -> pb.Ledger:
    return pb.Ledger(
        trust_id=ledger.trust_id,
        academic_year=ledger.academic_year,
        lines=[ledger_row_to_proto(r) for r in ledger.lines],
        providers=[ledger_row_to_proto(r) for r in ledger.providers],
        totals=figures_to_proto(ledger.totals),
        discrepancies=[discrepancy_to_proto(d) for d in ledger.discrepancies],
    )


# -- the board's report -----------------------------------------------------------------


def board_query_from_proto(request: pb.GetBoardReportRequest) -> BoardQuery:
    return BoardQuery(
        trust_id=request.trust_id.strip(),
        academic_year=request.academic_year.strip(),
        term=request.term.strip(),
        as_of=request.as_of.strip(),
        academy_id=request.academy_id.strip(),
    )


def rating_to_proto(rating: Rating) -> pb.Rating:
    return pb.Rating(
        dimension=rating.dimension,
        label=rating.label,
        colour=rating.colour,
        reasons=list(rating.reasons),
        value=rating.value,
        previous_colour=rating.previous_colour,
    )


def compliance_to_proto(found: Compliance) -> pb.Compliance:
    return pb.Compliance(
        meetings_expected=found.meetings_expected,
        meetings_held=found.meetings_held,
        papers_due=found.papers_due,
        papers_on_time=found.papers_on_time,
        notes_due=found.notes_due,
        notes_on_time=found.notes_on_time,
    )


def academy_report_to_proto(academy: AcademyReport) -> pb.AcademyReport:
    return pb.AcademyReport(
        academy_id=academy.academy_id,
        name=academy.name,
        phase=academy.phase,
        phase_name=academy.phase_name,
        subject_phases=[
            pb.SubjectPhase(subject=s, phase=p, phase_name=n) for s, p, n in academy.subject_phases
        ],
        ratings=[rating_to_proto(r) for r in academy.ratings],
        overall=rating_to_proto(academy.overall),
        change=academy.change,
        previous_colour=academy.previous_colour,
        open_actions=academy.open_actions,
        overdue_actions=academy.overdue_actions,
        entitlement_days_granted=days_text(academy.entitlement_days_granted),
        entitlement_days_used=days_text(academy.entitlement_days_used),
        budget_pence=academy.spend.budget_pence,
        committed_pence=academy.spend.committed_pence,
        delivered_pence=academy.spend.delivered_pence,
        invoiced_pence=academy.spend.invoiced_pence,
        compliance=compliance_to_proto(academy.compliance),
        revisions=[
            pb.Revision(
                dimension=r.dimension,
                then_colour=r.then_colour,
                now_colour=r.now_colour,
                then_value=r.then_value,
                now_value=r.now_value,
                label=r.label,
            )
            for r in academy.revisions
        ],
        remaining_pence=academy.spend.remaining_pence,
        overdue=[
            pb.OverdueAction(
                action_id=o.action_id,
                title=o.title,
                owner_subject=o.owner_subject,
                owner_role=o.owner_role,
                due_on=o.due_on,
                days_overdue=o.days_overdue,
            )
            for o in academy.overdue
        ],
    )


def totals_to_proto(totals: Totals) -> pb.TrustTotals:
    return pb.TrustTotals(
        open_actions=totals.open_actions,
        overdue_actions=totals.overdue_actions,
        entitlement_days_granted=days_text(totals.entitlement_days_granted),
        entitlement_days_used=days_text(totals.entitlement_days_used),
        budget_pence=totals.spend.budget_pence,
        committed_pence=totals.spend.committed_pence,
        delivered_pence=totals.spend.delivered_pence,
        invoiced_pence=totals.spend.invoiced_pence,
        remaining_pence=totals.spend.remaining_pence,
    )


def board_report_to_proto(report: BoardReport) -> pb.BoardReport:
    counts: dict[str, int] = {}
    for academy in report.academies:
        counts[academy.overall.colour] = counts.get(academy.overall.colour, 0) + 1
    return pb.BoardReport(
        trust_id=report.trust_id,
        trust_name=report.trust_name,
        academic_year=report.academic_year,
        term=report.term,
        as_of=date_to_proto(report.as_of),
        framework_id=report.framework_id,
        framework_version=report.framework_version,
        phase_label=report.phase_label,
        previous_term=report.previous_term,
        academies=[academy_report_to_proto(a) for a in report.academies],
        compliance=compliance_to_proto(report.compliance),
        overall=[
            pb.ColourCount(colour=colour, academies=counts[colour])
            for colour in ("red", "amber", "green", "")
            if colour in counts
        ],
        framework_name=report.framework_name,
        totals=totals_to_proto(report.totals),
    )

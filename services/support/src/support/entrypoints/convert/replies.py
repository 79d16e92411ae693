"""What was decided (or read) -> replies, field by field, in one place. Days are
text with two places, money integer pence, dates ISO; a delivery's note only
where the view carries the notes the caller may read."""

from __future__ import annotations

from chassis.convert import date_to_proto
from trust.support.v1 import support_pb2 as pb

from support.application.views import (
    BudgetView,
    CommissionView,
    EntitlementView,
    InvoiceView,
    MatchesView,
    Money,
    ProviderView,
    RequestView,
)
from support.domain.matching import Match
from support.domain.provider import Invoice
from support.domain.values import ZERO, days_text


def entitlement_to_proto(view: EntitlementView) -> pb.Entitlement:
    state, day = view.state, view.as_of
    change = state.in_force_on(day) or state.current
    reply = pb.Entitlement(
        trust_id=view.trust_id,
        academy_id=state.academy_id,
        academic_year=state.academic_year,
        as_of=date_to_proto(day),
        granted=state.granted,
        core_days=days_text(state.core_days if state.granted else ZERO),
        tier_days=days_text(change.tier_days if change else ZERO),
        formal_intervention_days=days_text(change.formal_intervention_days if change else ZERO),
        package=[
            pb.PackageItem(name=i.name, need_area=i.need_area, days=days_text(i.days))
            for i in state.package
        ],
        granted_days=days_text(state.granted_on(day)),
        used_days=days_text(state.used_on(day)),
        remaining_days=days_text(state.remaining_on(day)),
    )
    if change is not None:
        reply.phase = change.phase or ""
        reply.support_tier = change.support_tier or ""
        reply.formal_intervention = change.formal_intervention
        reply.framework_version = change.framework_version
    if not view.brief:
        reply.changes.extend(
            pb.EntitlementChange(
                effective_on=date_to_proto(c.effective_on),
                change=c.change,
                phase=c.phase or "",
                support_tier=c.support_tier or "",
                formal_intervention=c.formal_intervention,
                total_days=days_text(c.total),
            )
            for c in state.changes
        )
        reply.uses.extend(
            pb.EntitlementUse(
                use=u.use,
                source_id=u.source_id,
                days=days_text(u.days),
                used_on=date_to_proto(u.used_on),
            )
            for u in state.uses
        )
    return reply


def request_to_proto(view: RequestView) -> pb.SupportRequest:
    state = view.state
    requested = state.requested
    assert requested is not None
    triaged = state.triaged
    return pb.SupportRequest(
        request_id=state.request_id,
        trust_id=requested.trust_id,
        academy_id=requested.academy_id,
        need_area=requested.need_area,
        subject=requested.subject or "",
        days_wanted=requested.days_wanted or "",
        summary=requested.summary,
        requested_on=date_to_proto(requested.requested_on),
        requested_by=state.requested_by.subject if state.requested_by else "",
        status=state.status,
        triage_reason=triaged.reason if triaged else "",
        triaged_on=date_to_proto(triaged.triaged_on if triaged else None),
        triaged_by=state.triaged_by.subject if state.triaged_by else "",
        commission_ids=list(view.commission_ids),
    )


def provider_to_proto(view: ProviderView) -> pb.Provider:
    state = view.state
    details = state.known()
    return pb.Provider(
        provider_id=state.provider_id,
        trust_id=details.trust_id,
        name=details.name,
        kind=details.kind,
        internal=details.internal,
        home_academy_id=details.home_academy_id or "",
        contact_subject=details.contact_subject,
        specialisms=list(details.specialisms),
        day_rate_pence=details.day_rate_pence,
        capacity_days_per_term=days_text(details.capacity_days_per_term),
        due_diligence=[
            pb.DueDiligenceCheck(
                check=c.check,
                outcome=c.outcome,
                checked_on=date_to_proto(c.checked_on),
                expires_on=date_to_proto(c.expires_on),
            )
            for c in sorted(state.checks.values(), key=lambda c: c.check)
        ],
        due_diligence_valid=state.due_diligence_valid_on(view.today),
        due_diligence_expires_on=date_to_proto(state.due_diligence_expires_on),
        conflicts=[
            pb.Conflict(
                academy_id=c.academy_id, nature=c.nature, declared_on=date_to_proto(c.declared_on)
            )
            for c in sorted(state.conflicts.values(), key=lambda c: c.academy_id)
        ],
        terms=[
            pb.TermCapacity(
                academic_year=year,
                term=term,
                capacity_days=days_text(details.capacity_days_per_term),
                booked_days=days_text(booked),
                left_days=days_text(details.capacity_days_per_term - booked),
            )
            for (year, term), booked in sorted(state.booked.items())
        ],
    )


def match_to_proto(found: Match, view: MatchesView) -> pb.ProviderMatch:
    return pb.ProviderMatch(
        provider=provider_to_proto(ProviderView(found.provider, view.today)),
        rank=found.rank,
        can_commission=found.can_commission,
        reasons=list(found.reasons),
        obstacles=list(found.obstacles),
        capacity_left_days=days_text(found.capacity_left),
    )


def matches_to_proto(view: MatchesView) -> pb.MatchProvidersResponse:
    return pb.MatchProvidersResponse(matches=[match_to_proto(m, view) for m in view.matches])


def money_to_proto(money: Money) -> pb.Money:
    return pb.Money(
        budget_pence=money.budget_pence,
        committed_pence=money.committed_pence,
        delivered_pence=money.delivered_pence,
        invoiced_pence=money.invoiced_pence,
        remaining_pence=money.remaining_pence,
    )


def budget_to_proto(view: BudgetView) -> pb.Budget:
    state = view.state
    pending = state.pending
    reply = pb.Budget(
        trust_id=view.trust_id,
        academy_id=state.academy_id,
        academic_year=state.academic_year,
        required=view.required,
        exists=state.exists,
        revision_in_force=state.in_force,
        lines=[
            pb.BudgetLineFigures(
                line_id=f.line.line_id,
                name=f.line.name,
                amount_pence=f.line.amount_pence,
                over_commitment_approved_pence=f.over_commitment_pence,
                money=money_to_proto(f.money),
            )
            for f in view.lines
        ],
        totals=money_to_proto(view.totals),
        entitlement=money_to_proto(view.entitlement),
    )
    if not view.brief:
        reply.revisions.extend(
            pb.BudgetRevision(
                revision=r.number,
                in_force=r.number == state.in_force,
                pending=pending is not None and r.number == pending.number,
                total_pence=r.total_pence,
                reason=r.reason,
                approver_roles=list(r.approver_roles),
                agreed_by=[pb.Approval(subject=a.subject, role=a.role) for a in r.agreed],
                awaiting_roles=list(r.awaiting),
            )
            for r in state.revisions
        )
        reply.providers.extend(
            pb.ProviderFigures(
                provider_id=p.provider_id,
                provider_name=p.provider_name,
                money=money_to_proto(p.money),
            )
            for p in view.providers
        )
    return reply


def commission_to_proto(view: CommissionView) -> pb.Commission:
    commission = view.commission
    c = commission.commissioned
    notes = view.notes or {}
    reply = pb.Commission(
        commission_id=c.commission_id,
        trust_id=c.trust_id,
        academy_id=c.academy_id,
        academic_year=c.academic_year,
        request_id=c.request_id or "",
        need_area=c.need_area,
        subject=c.subject or "",
        provider_id=c.provider_id,
        provider_name=view.provider_name,
        days=days_text(commission.days),
        day_rate_pence=c.day_rate_pence,
        cost_pence=commission.cost_pence,
        budget_line=c.budget_line or "",
        from_entitlement=c.from_entitlement,
        starts_on=date_to_proto(c.starts_on),
        ends_on=date_to_proto(c.ends_on),
        term=c.term,
        status=commission.status,
        delivered_days=days_text(commission.delivered_days),
        delivered_pence=commission.delivered_pence,
        invoiced_pence=view.invoiced_pence,
        invoice_ids=[i.invoice_id for i in view.invoices],
        commissioned_by=commission.commissioned_by.subject if commission.commissioned_by else "",
    )
    if not view.brief:
        reply.deliveries.extend(
            pb.Delivery(
                delivery_id=d.delivery_id,
                delivered_on=date_to_proto(d.delivered_on),
                days=days_text(d.days),
                value_pence=d.value_pence,
                note=notes.get(d.delivery_id, ""),
                logged_by=d.logged_by.subject if d.logged_by else "",
            )
            for d in commission.deliveries
        )
    return reply


def invoice_to_proto(view: InvoiceView | Invoice) -> pb.Invoice:
    kept = view.invoice if isinstance(view, InvoiceView) else view
    recorded, credited = kept.recorded, kept.credited
    return pb.Invoice(
        invoice_id=recorded.invoice_id,
        trust_id=recorded.trust_id,
        provider_id=recorded.provider_id,
        invoice_number=recorded.invoice_number,
        academy_id=recorded.academy_id,
        academic_year=recorded.academic_year,
        commission_id=recorded.commission_id,
        budget_line=recorded.budget_line or "",
        amount_pence=recorded.amount_pence,
        invoiced_on=date_to_proto(recorded.invoiced_on),
        days_covered=recorded.days_covered,
        expected_pence=recorded.expected_pence,
        discrepancy_pence=recorded.discrepancy_pence,
        credited=credited is not None,
        credit_note_number=credited.credit_note_number if credited else "",
        credited_on=date_to_proto(credited.credited_on if credited else None),
    )

"""Example values and builders shared by the support unit tests: people, the
trust's frameworks from the presets, and states built from events (with
overrides), as Eventide's controls."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from chassis.aggregate import Recorded
from chassis.envelope import Actor
from contracts.academies.v1 import AcademyRegistered, FrameworkAdopted
from contracts.base import EventPayload
from contracts.evaluations.v1 import (
    ActorRef,
    FormalInterventionEnded,
    FormalInterventionStarted,
    PhaseChanged,
    WrittenNotice,
)
from contracts.meetings.v1 import MeetingHeld, Person
from contracts.support.v1 import (
    Approver,
    BudgetAgreed,
    BudgetLine,
    BudgetProposed,
    DueDiligenceRecorded,
    ProviderRegistered,
    SupportCommissioned,
)
from support.domain import budget, entitlement, provider
from support.domain.commission import CommissionSupport, Situation
from trust_frameworks.loader import presets
from trust_frameworks.model import BudgetRules

PRESETS = presets()
TRUST = "t1"
ACADEMY = "heron"
OTHER_ACADEMY = "otter"
YEAR = "2026/27"
TODAY = dt.date(2026, 11, 20)
STARTS = dt.date(2026, 11, 23)

CEO = Actor(subject="ceo@trust.example", role="chief_executive")
LEAD = Actor(subject="aid@trust.example", role="improvement_lead")
HEAD = Actor(subject="head@heron.example", role="headteacher")
CHAIR = Actor(subject="chair@heron.example", role="chair_of_lgb")
FINANCE = Actor(subject="fd@trust.example", role="finance")
TRUSTEE = Actor(subject="trustee@trust.example", role="trustee")
CONSULTANT = Actor(subject="consultant@focus.example", role="provider")
PARTNER = Actor(subject="partner-head@oak.example", role="provider")


def as_approver(actor: Actor) -> Approver:
    return Approver(subject=actor.subject, role=actor.role)


def rules(preset: str = "seed-000-aid") -> BudgetRules:
    return PRESETS[preset].budget


def recorded(event: EventPayload, by: Actor = LEAD) -> Recorded:
    return Recorded(event, by, None)


def registered(**overrides: Any) -> ProviderRegistered:
    fields: dict[str, Any] = dict(
        trust_id=TRUST,
        provider_id="p1",
        name="Focus Consulting",
        kind="consultant",
        internal=False,
        home_academy_id=None,
        contact_subject=CONSULTANT.subject,
        specialisms=["attendance", "curriculum"],
        day_rate_pence=45_000,
        capacity_days_per_term="10.00",
    )
    return ProviderRegistered(**{**fields, **overrides})


def checked(**overrides: Any) -> DueDiligenceRecorded:
    fields: dict[str, Any] = dict(
        trust_id=TRUST,
        provider_id="p1",
        check="dbs",
        outcome="passed",
        checked_on=dt.date(2026, 9, 1),
        expires_on=dt.date(2027, 8, 31),
    )
    return DueDiligenceRecorded(**{**fields, **overrides})


def with_provider(*events: EventPayload, provider_id: str = "p1") -> provider.ProviderState:
    state = provider.initial(provider_id)
    for event in events:
        state = provider.evolve(state, recorded(event))
    return state


def ready_provider(**overrides: Any) -> provider.ProviderState:
    """A registered provider with valid due diligence."""
    provider_id = overrides.get("provider_id", "p1")
    return with_provider(
        registered(**overrides), checked(provider_id=provider_id), provider_id=provider_id
    )


def proposed(*lines: tuple[str, int], **overrides: Any) -> BudgetProposed:
    fields: dict[str, Any] = dict(
        trust_id=TRUST,
        academy_id=ACADEMY,
        academic_year=YEAR,
        revision=1,
        lines=[
            BudgetLine(line_id=line_id, name=line_id.title(), amount_pence=amount)
            for line_id, amount in (lines or (("consultancy", 500_000),))
        ],
        total_pence=sum(amount for _l, amount in lines) if lines else 500_000,
        approver_roles=list(PRESETS["seed-000-aid"].budget.approver_roles),
        reason="",
    )
    return BudgetProposed(**{**fields, **overrides})


def agreed(by: Actor, revision: int = 1, in_force: bool = False) -> BudgetAgreed:
    return BudgetAgreed(
        trust_id=TRUST,
        academy_id=ACADEMY,
        academic_year=YEAR,
        revision=revision,
        approver=as_approver(by),
        in_force=in_force,
    )


def with_budget(*events: EventPayload) -> budget.BudgetState:
    state = budget.initial(f"{ACADEMY}+{YEAR}")
    for event in events:
        state = budget.evolve(state, recorded(event))
    return state


def agreed_budget(*lines: tuple[str, int]) -> budget.BudgetState:
    """Seed 000: revision 1 agreed by its four approvers, in force."""
    return with_budget(
        proposed(*lines),
        agreed(HEAD),
        agreed(LEAD),
        agreed(CEO),
        agreed(FINANCE, in_force=True),
    )


def commissioned(**overrides: Any) -> SupportCommissioned:
    fields: dict[str, Any] = dict(
        trust_id=TRUST,
        commission_id="c1",
        academy_id=ACADEMY,
        academic_year=YEAR,
        request_id=None,
        need_area="attendance",
        provider_id="p1",
        days="5.00",
        day_rate_pence=45_000,
        cost_pence=225_000,
        budget_line="consultancy",
        from_entitlement=False,
        starts_on=STARTS,
        ends_on=dt.date(2027, 3, 31),
        term="autumn",
    )
    return SupportCommissioned(**{**fields, **overrides})


def commission(**overrides: Any) -> CommissionSupport:
    fields: dict[str, Any] = dict(
        commission_id="c1",
        academy_id=ACADEMY,
        request_id=None,
        need_area="attendance",
        subject=None,
        provider_id="p1",
        days=Decimal("5.00"),
        day_rate_pence=45_000,
        budget_line="consultancy",
        from_entitlement=False,
        starts_on=STARTS,
        ends_on=dt.date(2027, 3, 31),
    )
    return CommissionSupport(**{**fields, **overrides})


def situation(preset: str = "seed-000-aid", **overrides: Any) -> Situation:
    fields: dict[str, Any] = dict(trust_id=TRUST, rules=PRESETS[preset].budget)
    return Situation(**{**fields, **overrides})


def basis(preset: str, phase: str | None, intervention: bool = False) -> entitlement.Basis:
    return entitlement.basis_of(PRESETS[preset], 1, phase, intervention)


def granted(preset: str = "seed-000-aid", phase: str | None = None) -> entitlement.EntitlementState:
    state = entitlement.initial(f"{ACADEMY}+{YEAR}")
    [event] = entitlement.decide_grant(state, TRUST, basis(preset, phase), dt.date(2026, 9, 1))
    return entitlement.evolve(state, recorded(event))


def fold_entitlement(
    state: entitlement.EntitlementState, events: list[EventPayload]
) -> entitlement.EntitlementState:
    for event in events:
        state = entitlement.evolve(state, recorded(event))
    return state


def fold_budget(state: budget.BudgetState, events: list[EventPayload]) -> budget.BudgetState:
    for event in events:
        state = budget.evolve(state, recorded(event))
    return state


def fold_provider(
    state: provider.ProviderState, events: list[EventPayload]
) -> provider.ProviderState:
    for event in events:
        state = provider.evolve(state, recorded(event))
    return state


# -- the events support consumes ----------------------------------------------------------


def academy_registered(academy_id: str = ACADEMY, **overrides: Any) -> AcademyRegistered:
    fields: dict[str, Any] = dict(
        trust_id=TRUST,
        academy_id=academy_id,
        urn="100001",
        name=academy_id.title(),
        phase_of_education="primary",
        local_authority="Kent",
        date_joined=dt.date(2020, 9, 1),
        new_to_trust=False,
    )
    return AcademyRegistered(**{**fields, **overrides})


def framework_adopted(preset: str = "seed-000-aid", version: int = 1) -> FrameworkAdopted:
    document = PRESETS[preset].model_dump(mode="json")
    return FrameworkAdopted(
        trust_id=TRUST,
        framework_id=PRESETS[preset].id,
        version=version,
        based_on_preset=preset,
        document=document,
    )


def phase_changed(new_phase: str, old_phase: str | None = None, **overrides: Any) -> PhaseChanged:
    ceo = ActorRef(subject=CEO.subject, role=CEO.role)
    fields: dict[str, Any] = dict(
        trust_id=TRUST,
        academy_id=ACADEMY,
        proposal_id="pp1",
        old_phase=old_phase,
        new_phase=new_phase,
        reason="annual review",
        review="annual",
        proposed_by=ceo,
        confirmed_by=ceo,
        framework_version=1,
    )
    return PhaseChanged(**{**fields, **overrides})


def intervention_started(on: dt.date, intervention_id: str = "fi1") -> FormalInterventionStarted:
    return FormalInterventionStarted(
        trust_id=TRUST,
        academy_id=ACADEMY,
        intervention_id=intervention_id,
        started_on=on,
        reason="safeguarding concerns",
        notice=WrittenNotice(dated=on, to_roles=["headteacher", "chair_of_lgb"], reference="FI-1"),
    )


def intervention_ended(on: dt.date, intervention_id: str = "fi1") -> FormalInterventionEnded:
    return FormalInterventionEnded(
        trust_id=TRUST,
        academy_id=ACADEMY,
        intervention_id=intervention_id,
        ended_on=on,
        reason="improved",
    )


def meeting_held(meeting_id: str = "m1", **overrides: Any) -> MeetingHeld:
    fields: dict[str, Any] = dict(
        trust_id=TRUST,
        meeting_id=meeting_id,
        academy_id=ACADEMY,
        meeting_type="aim",
        academic_year=YEAR,
        term="autumn",
        held_on=dt.date(2026, 12, 3),
        attendees=[Person(subject=LEAD.subject, role=LEAD.role)],
        scheme="ofsted-2019",
        focus_areas=["quality_of_education"],
        entitlement_days="1.00",
    )
    return MeetingHeld(**{**fields, **overrides})

"""support service events, schema version 1.

Topics: ``support.academy`` (key: academy id) for what concerns one academy:
its entitlement, its requests, its improvement budget and the commissions,
deliveries and approvals recorded against it; ``support.provider`` (key:
provider id) for the trust's register of providers (seed 000's "growing
database of expertise"): who they are, their checks and declared conflicts,
the days of their capacity booked each term, and the invoices they send
(an invoice number is unique per provider, so invoices live with the provider).

Money is integer pence (``*_pence``), never a float; days are fixed-scale
decimals with two places (``"1.50"``). A delivery's short note stays in the
support service (``has_note``), as meeting notes stay in meetings.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from contracts import limits
from contracts.base import ContractModel, EventPayload, EventRegistry
from contracts.rules import (
    AcademicYear,
    Days,
    DueDiligenceOutcome,
    EntitlementChange,
    EntitlementUse,
    Id,
    Name,
    NeedArea,
    Pence,
    ProviderKind,
    Reason,
    SignedPence,
    Subject,
    Term,
    TriageOutcome,
)

ACADEMY_TOPIC = "support.academy"
PROVIDER_TOPIC = "support.provider"

_DAYS = 'days as a decimal with two places: "1.50"'


class PackageEntitlement(ContractModel):
    """One item of the framework's standard annual package (seed 002)."""

    name: Name
    need_area: NeedArea
    days: Days = Field(description=_DAYS)


# -- entitlement (stream entitlement-<academy>+<year>) -----------------------------


class EntitlementGranted(EventPayload):
    """The academy's improvement days for the year, from the trust's framework:
    the core days (seed 000: six AID days that include the three AIMs), what its
    phase's support tier adds (seed 001), what formal intervention adds, and the
    standard annual package (seed 002)."""

    EVENT_TYPE = "support.EntitlementGranted"

    academy_id: Id
    academic_year: AcademicYear
    framework_id: Id
    framework_version: int = Field(ge=1)
    phase: Id | None = Field(description="the academy's phase when granted; null if none yet")
    support_tier: Id | None
    formal_intervention: bool
    core_days: Days = Field(description=_DAYS)
    tier_days: Days = Field(description=_DAYS)
    formal_intervention_days: Days = Field(description=_DAYS)
    package: list[PackageEntitlement] = Field(max_length=limits.LIST_MAX)
    total_days: Days = Field(description="core + tier + formal intervention + package")
    effective_on: dt.date


class EntitlementAdjusted(EventPayload):
    """The year's entitlement changed mid-year (a new phase, formal intervention
    started or ended, a new framework version). Days already used stay used: the
    new total is never below them."""

    EVENT_TYPE = "support.EntitlementAdjusted"

    academy_id: Id
    academic_year: AcademicYear
    change: EntitlementChange = Field(
        description="phase_changed | formal_intervention_started | formal_intervention_ended "
        "| framework_changed"
    )
    framework_version: int = Field(ge=1)
    phase: Id | None
    support_tier: Id | None
    formal_intervention: bool
    tier_days: Days = Field(description=_DAYS)
    formal_intervention_days: Days = Field(description=_DAYS)
    previous_total_days: Days = Field(description=_DAYS)
    total_days: Days = Field(description="the year's new total, never below the days used")
    effective_on: dt.date


class EntitlementUsed(EventPayload):
    """Days of the entitlement used: by a meeting held (``MeetingHeld`` says how
    many) or by support delivered that counts against the entitlement."""

    EVENT_TYPE = "support.EntitlementUsed"

    academy_id: Id
    academic_year: AcademicYear
    use: EntitlementUse = Field(description="meeting | delivery")
    source_id: Id = Field(description="the meeting id, or the delivery id")
    days: Days = Field(description=_DAYS)
    used_on: dt.date
    beyond_entitlement: bool = Field(
        description="true if this use took the days used past the days granted"
    )


# -- requests (stream request-<request id>) -----------------------------------------


class SupportRequested(EventPayload):
    """An academy (its headteacher, its improvement lead or the chief executive)
    asked for support in a need area (seed 003: a good academy may ask)."""

    EVENT_TYPE = "support.SupportRequested"

    request_id: Id
    academy_id: Id
    need_area: NeedArea
    subject: Name | None = Field(None, description="the subject, for curriculum support")
    days_wanted: Days | None = Field(None, description=_DAYS)
    summary: Reason = Field(description="what is wanted, in a sentence or two (not confidential)")
    requested_on: dt.date


class SupportRequestTriaged(EventPayload):
    """The academy's improvement lead (or the chief executive) decided, once:
    accepted (to be commissioned), declined (with the reason), or met from the
    entitlement."""

    EVENT_TYPE = "support.SupportRequestTriaged"

    request_id: Id
    academy_id: Id
    outcome: TriageOutcome = Field(description="accepted | declined | met_from_entitlement")
    reason: Reason = Field(description="why; required when declined")
    triaged_on: dt.date


# -- providers (stream provider-<provider id>, topic support.provider) --------------


class ProviderRegistered(EventPayload):
    """A provider joined the trust's register: who it is, what it offers, at what
    day rate, and how many days it can give each term."""

    EVENT_TYPE = "support.ProviderRegistered"

    provider_id: Id
    name: Name
    kind: ProviderKind
    internal: bool = Field(description="the trust's own people and academies, matched first")
    home_academy_id: Id | None = Field(
        None, description="the academy it works in (a partner head, a capacity giver)"
    )
    contact_subject: Subject = Field(
        description="the token subject the provider signs in with; it sees its own commissions"
    )
    specialisms: list[NeedArea] = Field(max_length=limits.LIST_MAX)
    day_rate_pence: Pence = Field(gt=0)
    capacity_days_per_term: Days = Field(description=_DAYS)


class ProviderUpdated(EventPayload):
    """The provider's details as they are from now on: every field that may change,
    changed or not (its kind and home academy are fixed when it is registered)."""

    EVENT_TYPE = "support.ProviderUpdated"

    provider_id: Id
    name: Name
    contact_subject: Subject
    specialisms: list[NeedArea] = Field(max_length=limits.LIST_MAX)
    day_rate_pence: Pence = Field(gt=0)
    capacity_days_per_term: Days = Field(description=_DAYS)
    reason: Reason


class DueDiligenceRecorded(EventPayload):
    """A due-diligence check (DBS, references, insurance, ...) and until when it holds."""

    EVENT_TYPE = "support.DueDiligenceRecorded"

    provider_id: Id
    check: Id = Field(description="dbs | references | insurance | qualifications | ...")
    outcome: DueDiligenceOutcome = Field(description="passed | failed")
    checked_on: dt.date
    expires_on: dt.date


class ConflictOfInterestDeclared(EventPayload):
    """The provider may not be commissioned for this academy."""

    EVENT_TYPE = "support.ConflictOfInterestDeclared"

    provider_id: Id
    academy_id: Id
    nature: Reason = Field(description="the kind of interest, e.g. 'spouse is a governor'")
    declared_on: dt.date


class ProviderCapacityBooked(EventPayload):
    """Days of the provider's capacity in a term taken by a commission (or a
    variation that adds days)."""

    EVENT_TYPE = "support.ProviderCapacityBooked"

    provider_id: Id
    commission_id: Id
    academy_id: Id
    academic_year: AcademicYear
    term: Term
    days: Days = Field(description=_DAYS)


class ProviderCapacityReleased(EventPayload):
    """Days given back: a commission varied down or cancelled."""

    EVENT_TYPE = "support.ProviderCapacityReleased"

    provider_id: Id
    commission_id: Id
    academy_id: Id
    academic_year: AcademicYear
    term: Term
    days: Days = Field(description=_DAYS)


class InvoiceRecorded(EventPayload):
    """Finance recorded the provider's invoice for a commission. Accepted even
    when it does not match the days delivered x the day rate: then
    ``discrepancy_pence`` (amount - expected) is not zero."""

    EVENT_TYPE = "support.InvoiceRecorded"

    invoice_id: Id
    provider_id: Id
    invoice_number: Name
    academy_id: Id
    academic_year: AcademicYear
    commission_id: Id
    budget_line: Id | None = Field(description="null for support met from the entitlement")
    amount_pence: Pence
    invoiced_on: dt.date
    days_covered: Days = Field(description=_DAYS)
    expected_pence: Pence = Field(
        description="the days covered that were delivered and not yet invoiced x the day rate"
    )
    discrepancy_pence: SignedPence = Field(description="amount - expected")


class InvoiceCredited(EventPayload):
    """A credit note reverses the invoice in full."""

    EVENT_TYPE = "support.InvoiceCredited"

    invoice_id: Id
    provider_id: Id
    invoice_number: Name
    credit_note_number: Name
    academy_id: Id
    academic_year: AcademicYear
    commission_id: Id
    budget_line: Id | None
    amount_pence: Pence = Field(description="the invoice's amount, reversed")
    days_covered: Days = Field(description=_DAYS)
    credited_on: dt.date
    reason: Reason


# -- the budget (stream budget-<academy>+<year>) -------------------------------------


class BudgetLine(ContractModel):
    """One line of an improvement budget: what it is for and how much."""

    line_id: Id
    name: Name
    amount_pence: Pence


class Approver(ContractModel):
    """Who agreed or approved: the token subject and the role they acted in."""

    subject: Subject
    role: Id


class BudgetProposed(EventPayload):
    """An improvement budget for the academy's year, by line; in force once every
    approver the framework names has agreed it (seed 000: the headteacher, the
    improvement director, the chief executive and the finance director)."""

    EVENT_TYPE = "support.BudgetProposed"

    academy_id: Id
    academic_year: AcademicYear
    revision: int = Field(ge=1)
    lines: list[BudgetLine] = Field(max_length=limits.LIST_MAX)
    total_pence: Pence
    approver_roles: list[Id] = Field(max_length=limits.LIST_MAX)
    reason: Reason


class BudgetAdjusted(EventPayload):
    """A new revision of the lines, proposed; agreed the same way as the first.
    Until then the revision in force stays."""

    EVENT_TYPE = "support.BudgetAdjusted"

    academy_id: Id
    academic_year: AcademicYear
    revision: int = Field(ge=2)
    lines: list[BudgetLine] = Field(max_length=limits.LIST_MAX)
    total_pence: Pence
    approver_roles: list[Id] = Field(max_length=limits.LIST_MAX)
    reason: Reason


class BudgetAgreed(EventPayload):
    """One approver agreed a revision; ``in_force`` once the last has."""

    EVENT_TYPE = "support.BudgetAgreed"

    academy_id: Id
    academic_year: AcademicYear
    revision: int = Field(ge=1)
    approver: Approver
    in_force: bool


class OverCommitmentApproved(EventPayload):
    """The approver the framework names (e.g. the chief executive) let a budget
    line be committed beyond its amount, by up to ``amount_pence``."""

    EVENT_TYPE = "support.OverCommitmentApproved"

    academy_id: Id
    academic_year: AcademicYear
    approval_id: Id
    budget_line: Id
    amount_pence: Pence = Field(gt=0)
    reason: Reason
    approver: Approver


class SupportCommissioned(EventPayload):
    """Support commissioned from a provider for the academy, against a budget line
    (or the entitlement), answering a request or not."""

    EVENT_TYPE = "support.SupportCommissioned"

    commission_id: Id
    academy_id: Id
    academic_year: AcademicYear
    request_id: Id | None
    need_area: NeedArea
    subject: Name | None = None
    provider_id: Id
    days: Days = Field(description=_DAYS)
    day_rate_pence: Pence = Field(gt=0)
    cost_pence: Pence = Field(description="days x day rate, rounded to the penny")
    budget_line: Id | None = Field(description="null when met from the entitlement")
    from_entitlement: bool
    starts_on: dt.date
    ends_on: dt.date
    term: Term = Field(description="the term whose provider capacity it uses (of starts_on)")


class CommissionVaried(EventPayload):
    """The days changed, with the reason; never below the days delivered."""

    EVENT_TYPE = "support.CommissionVaried"

    commission_id: Id
    academy_id: Id
    academic_year: AcademicYear
    provider_id: Id
    previous_days: Days = Field(description=_DAYS)
    days: Days = Field(description=_DAYS)
    cost_pence: Pence = Field(description="the new cost: days x day rate")
    reason: Reason


class CommissionCancelled(EventPayload):
    """Cancelled: the days not delivered are released, to the budget line and to
    the provider's capacity."""

    EVENT_TYPE = "support.CommissionCancelled"

    commission_id: Id
    academy_id: Id
    academic_year: AcademicYear
    provider_id: Id
    released_days: Days = Field(description=_DAYS)
    released_pence: Pence
    reason: Reason


class SupportDelivered(EventPayload):
    """The provider logged days delivered against its own commission. The short
    note it wrote stays in the support service."""

    EVENT_TYPE = "support.SupportDelivered"

    delivery_id: Id
    commission_id: Id
    academy_id: Id
    academic_year: AcademicYear
    provider_id: Id
    delivered_on: dt.date
    days: Days = Field(description=_DAYS)
    value_pence: Pence = Field(
        description="what these days are worth at the commission's day rate, rounded on the "
        "running total: the deliveries add up to the cost of the days delivered"
    )
    has_note: bool


SUPPORT_EVENTS = EventRegistry(
    EntitlementGranted,
    EntitlementAdjusted,
    EntitlementUsed,
    SupportRequested,
    SupportRequestTriaged,
    ProviderRegistered,
    ProviderUpdated,
    DueDiligenceRecorded,
    ConflictOfInterestDeclared,
    ProviderCapacityBooked,
    ProviderCapacityReleased,
    InvoiceRecorded,
    InvoiceCredited,
    BudgetProposed,
    BudgetAdjusted,
    BudgetAgreed,
    OverCommitmentApproved,
    SupportCommissioned,
    CommissionVaried,
    CommissionCancelled,
    SupportDelivered,
)

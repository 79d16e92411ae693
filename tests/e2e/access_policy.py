"""The access policy of the whole platform, in one table: every RPC of every
``trust.*.v1`` service x every role x the caller's own target or another one.

Written from the domain (/work/shared/domain.md, "Who uses it"; README, each API's
section), not from the services' access tables: tests/test_access_policy.py holds
each service's table against it cell by cell, and the end-to-end access matrices
call every cell through the real services. A new RPC without a row here fails the
suite (tests/test_access_policy.py).

How to read a row: ``target`` says what "own" and "other" are:

- ``ACADEMY``: the request names an academy. Own: an academy the caller's token
  names; other: another academy of the same trust. (Another trust's academy is
  refused to everyone: not a column.)
- ``TRUST``: the request names a trust. Own: the caller's trust; other: another trust.
- ``CALLER``: about the caller only; there is no other.

The provider's columns of the rows marked ``provider=COMMISSION`` or
``provider=PROVIDER_RECORD`` mean its own commission (or its own provider record)
and another provider's, on the same academy: a provider "sees and logs delivery of
their commissions only" (domain.md), whatever academies its token names.

Cells: ``Y`` allowed (the call gets past access; it may still be refused for what
it asks), ``.`` denied (PERMISSION_DENIED). Columns, in this order:

    TR trustee   CE chief executive   IL improvement lead   HT headteacher
    CH chair of the local governing board   FI finance   PR provider
    SV service (the platform's own processes: feeds, no API)

A row marked ``# REVIEW:`` is where the domain, as I read it, says something else
than the service's table; the row follows the code for now and the comment says
what the domain suggests.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from chassis.auth import Role

COLUMNS = (
    Role.TRUSTEE,
    Role.CHIEF_EXECUTIVE,
    Role.IMPROVEMENT_LEAD,
    Role.HEADTEACHER,
    Role.CHAIR_OF_LGB,
    Role.FINANCE,
    Role.PROVIDER,
    Role.SERVICE,
)


class Target(StrEnum):
    ACADEMY = "academy"
    TRUST = "trust"
    CALLER = "caller"


class ProviderTarget(StrEnum):
    """What a provider's own / other columns are about, where not the academy or trust."""

    COMMISSION = "commission"
    PROVIDER_RECORD = "provider record"


@dataclass(frozen=True)
class Row:
    target: Target
    own: dict[Role, bool]
    other: dict[Role, bool] | None  # None: there is no other (Target.CALLER)
    provider: ProviderTarget | None = None

    def allows(self, role: Role, on_own: bool) -> bool | None:
        """Allowed, denied, or None where the row has no such cell."""
        if on_own:
            return self.own[role]
        return None if self.other is None else self.other[role]


def _cells(text: str) -> dict[Role, bool]:
    marks = text.split()
    if len(marks) != len(COLUMNS) or set(marks) - {"Y", "."}:
        raise ValueError(f"a row needs {len(COLUMNS)} cells of Y or '.': {text!r}")
    return {role: mark == "Y" for role, mark in zip(COLUMNS, marks, strict=True)}


def academy(own: str, other: str, provider: ProviderTarget | None = None) -> Row:
    return Row(Target.ACADEMY, _cells(own), _cells(other), provider)


def trust(own: str, other: str, provider: ProviderTarget | None = None) -> Row:
    return Row(Target.TRUST, _cells(own), _cells(other), provider)


def caller(own: str) -> Row:
    return Row(Target.CALLER, _cells(own), None)


COMMISSION, PROVIDER_RECORD = ProviderTarget.COMMISSION, ProviderTarget.PROVIDER_RECORD
NOBODY = ".  .  .  .  .  .  .  ."

A = "trust.academies.v1.AcademiesService/"
E = "trust.evaluations.v1.EvaluationsService/"
M = "trust.meetings.v1.MeetingsService/"
S = "trust.support.v1.SupportService/"
R = "trust.reporting.v1.ReportingService/"
F = "trust.feed.v1.EventFeed/"

# fmt: off
POLICY: dict[str, Row] = {
    # -- academies: the register and the data ------------------- own: TR CE IL HT CH FI PR SV    other: TR CE IL HT CH FI PR SV
    # The chief executive runs the trust's register and framework.
    A + "CreateTrust":           trust(  ".  Y  .  .  .  .  .  .", NOBODY),
    A + "ChangeFramework":       trust(  ".  Y  .  .  .  .  .  .", NOBODY),
    A + "RegisterAcademy":       trust(  ".  Y  .  .  .  .  .  .", NOBODY),
    A + "ChangeAcademyDetails":  academy(".  Y  .  .  .  .  .  .", ".  Y  .  .  .  .  .  ."),
    A + "RecordAcademyLeft":     academy(".  Y  .  .  .  .  .  .", ".  Y  .  .  .  .  .  ."),
    # Reading the register: every person but a provider (their commissions only).
    A + "GetTrust":              trust(  "Y  Y  Y  Y  Y  Y  .  .", NOBODY),
    A + "ListAcademies":         trust(  "Y  Y  Y  Y  Y  Y  .  .", NOBODY),
    A + "GetAcademy":            academy("Y  Y  Y  Y  Y  Y  .  .", "Y  Y  .  .  .  Y  .  ."),
    # REVIEW: the domain names the headteacher as who submits data, a self-evaluation and
    # the plan for their academy; the table lets the improvement lead and the chief
    # executive submit and correct too (on the academy's behalf). Kept as the code has it.
    A + "SubmitData":            academy(".  Y  Y  Y  .  .  .  .", ".  Y  .  .  .  .  .  ."),
    A + "CorrectSubmission":     academy(".  Y  Y  Y  .  .  .  .", ".  Y  .  .  .  .  .  ."),  # REVIEW: as SubmitData
    A + "SubmitImprovementPlan": academy(".  Y  Y  Y  .  .  .  .", ".  Y  .  .  .  .  .  ."),  # REVIEW: as SubmitData
    A + "SubmitSelfEvaluation":  academy(".  Y  Y  Y  .  .  .  .", ".  Y  .  .  .  .  .  ."),  # REVIEW: as SubmitData
    # REVIEW: finance "sets budgets, records invoices, reconciles"; reading an academy's
    # data returns, inspections and improvement plan is beyond that row of the domain, but
    # the table lets every person but a provider read them. Kept as the code has it.
    A + "GetSubmission":         academy("Y  Y  Y  Y  Y  Y  .  .", "Y  Y  .  .  .  Y  .  ."),
    A + "ListSubmissions":       academy("Y  Y  Y  Y  Y  Y  .  .", "Y  Y  .  .  .  Y  .  ."),  # REVIEW: finance, as GetSubmission
    A + "GetReturnsStatus":      academy("Y  Y  Y  Y  Y  Y  .  .", "Y  Y  .  .  .  Y  .  ."),  # REVIEW: finance, as GetSubmission
    A + "ListInspections":       academy("Y  Y  Y  Y  Y  Y  .  .", "Y  Y  .  .  .  Y  .  ."),  # REVIEW: finance, as GetSubmission
    A + "GetImprovementPlan":    academy("Y  Y  Y  Y  Y  Y  .  .", "Y  Y  .  .  .  Y  .  ."),  # REVIEW: finance, as GetSubmission
    # Ofsted's judgement is recorded by those who judge: the executive and the lead.
    A + "RecordInspection":      academy(".  Y  Y  .  .  .  .  .", ".  Y  .  .  .  .  .  ."),
    # REVIEW: the domain gives the platform's own service role no API ("feeds, no API");
    # the table lets any token ask who it is, the service token too. Kept as the code has it.
    A + "WhoAmI":                caller( "Y  Y  Y  Y  Y  Y  Y  Y"),

    # -- evaluations: judgements and phases ---------------------- own: TR CE IL HT CH FI PR SV    other: TR CE IL HT CH FI PR SV
    # The headteacher self-evaluates; the lead and the executive make the trust's
    # evaluations, roundtables and external reviews (which kind is the domain's check).
    E + "JudgeEvaluation":       academy(".  Y  Y  Y  .  .  .  .", ".  Y  .  .  .  .  .  ."),
    # The academy's record: the board, the executive, its lead, head and chair.
    E + "ListEvaluations":       academy("Y  Y  Y  Y  Y  .  .  .", "Y  Y  .  .  .  .  .  ."),
    E + "GetPhase":              academy("Y  Y  Y  Y  Y  .  .  .", "Y  Y  .  .  .  .  .  ."),
    E + "GetPhaseSuggestion":    academy("Y  Y  Y  .  .  .  .  .", "Y  Y  .  .  .  .  .  ."),
    E + "GetJudgementScheme":    trust(  "Y  Y  Y  Y  Y  .  .  .", NOBODY),
    # The chief executive proposes a phase; the board confirms or rejects.
    E + "ProposePhase":          academy(".  Y  .  .  .  .  .  .", ".  Y  .  .  .  .  .  ."),
    E + "WithdrawProposal":      academy(".  Y  .  .  .  .  .  .", ".  Y  .  .  .  .  .  ."),
    E + "ConfirmPhase":          academy("Y  .  .  .  .  .  .  .", "Y  .  .  .  .  .  .  ."),
    E + "RejectProposal":        academy("Y  .  .  .  .  .  .  .", "Y  .  .  .  .  .  .  ."),
    E + "ListOpenProposals":     trust(  "Y  Y  Y  .  .  .  .  .", NOBODY),
    # Concerns are confidential: a consultant (provider) or the lead informs the chief
    # executive (seed 004); only the executive and the academy's leads read them.
    E + "RaiseConcern":          academy(".  Y  Y  .  .  .  Y  .", ".  Y  .  .  .  .  .  ."),
    E + "ListConcerns":          academy(".  Y  Y  .  .  .  .  .", ".  Y  .  .  .  .  .  ."),
    # Formal intervention is the chief executive's decision.
    E + "StartFormalIntervention": academy(".  Y  .  .  .  .  .  .", ".  Y  .  .  .  .  .  ."),
    E + "EndFormalIntervention": academy(".  Y  .  .  .  .  .  .", ".  Y  .  .  .  .  .  ."),

    # -- meetings: monitoring and challenge ---------------------- own: TR CE IL HT CH FI PR SV    other: TR CE IL HT CH FI PR SV
    # The lead chairs an academy's meetings; the executive may run any.
    M + "ScheduleMeeting":       academy(".  Y  Y  .  .  .  .  .", ".  Y  .  .  .  .  .  ."),
    M + "RescheduleMeeting":     academy(".  Y  Y  .  .  .  .  .", ".  Y  .  .  .  .  .  ."),
    M + "CancelMeeting":         academy(".  Y  Y  .  .  .  .  .", ".  Y  .  .  .  .  .  ."),
    M + "CarryForwardAction":    academy(".  Y  Y  .  .  .  .  .", ".  Y  .  .  .  .  .  ."),
    # Anyone a meeting type may name as an attendee (a trustee at seed 004's roundtable,
    # a provider at a visit); finance attends none.
    M + "GiveApologies":         academy("Y  Y  Y  Y  Y  .  Y  .", "Y  Y  .  .  .  .  .  ."),
    # The head brings the headteacher's report; the lead and executive the rest.
    M + "SubmitPaper":           academy(".  Y  Y  Y  .  .  .  .", ".  Y  .  .  .  .  .  ."),
    # REVIEW: the domain's provider "sees and logs delivery of their commissions only";
    # the table lets a provider hold a meeting, draft and circulate its notes and raise
    # actions (seed 004's consultant writes the Note of Visit of the visits it chairs).
    # Kept as the code has it; the domain narrows it to the types it chairs.
    M + "HoldMeeting":           academy(".  Y  Y  .  .  .  Y  .", ".  Y  .  .  .  .  .  ."),
    M + "DraftNotes":            academy(".  Y  Y  .  .  .  Y  .", ".  Y  .  .  .  .  .  ."),  # REVIEW: provider, as HoldMeeting
    M + "CirculateNotes":        academy(".  Y  Y  .  .  .  Y  .", ".  Y  .  .  .  .  .  ."),  # REVIEW: provider, as HoldMeeting
    M + "RaiseAction":           academy(".  Y  Y  .  .  .  Y  .", ".  Y  .  .  .  .  .  ."),  # REVIEW: provider, as HoldMeeting
    # The headteacher and the chair of the LGB approve notes, never the author.
    M + "ApproveNotes":          academy(".  .  .  Y  Y  .  .  .", ".  .  .  .  .  .  .  ."),
    # Notes are confidential: never trustees, finance or providers.
    M + "GetNotes":              academy(".  Y  Y  Y  Y  .  .  .", ".  Y  .  .  .  .  .  ."),
    M + "CompleteAction":        academy(".  Y  Y  Y  .  .  .  .", ".  Y  .  .  .  .  .  ."),
    # REVIEW: a provider reads meetings of any academy its token names (the table:
    # every person); the domain's provider sees its commissions only. Kept as the code has it.
    M + "GetMeeting":            academy("Y  Y  Y  Y  Y  Y  Y  .", "Y  Y  .  .  .  Y  .  ."),
    M + "ListMeetings":          trust(  "Y  Y  Y  Y  Y  Y  Y  .", NOBODY),  # REVIEW: provider, as GetMeeting
    M + "ListActions":           trust(  "Y  Y  Y  Y  Y  .  .  .", NOBODY),
    # Compliance holds no note text: finance reads it too (days of entitlement used).
    M + "GetCompliance":         trust(  "Y  Y  Y  Y  Y  Y  .  .", NOBODY),

    # -- support: entitlement, commissioning, budgets ------------ own: TR CE IL HT CH FI PR SV    other: TR CE IL HT CH FI PR SV
    S + "GetEntitlement":        academy("Y  Y  Y  Y  Y  Y  .  .", "Y  Y  .  .  .  Y  .  ."),
    S + "ListEntitlements":      trust(  "Y  Y  Y  Y  Y  Y  .  .", NOBODY),
    # An academy asks for support; the lead (or the executive) triages and commissions.
    S + "RequestSupport":        academy(".  Y  Y  Y  .  .  .  .", ".  Y  .  .  .  .  .  ."),
    S + "TriageRequest":         academy(".  Y  Y  .  .  .  .  .", ".  Y  .  .  .  .  .  ."),
    S + "GetRequest":            academy("Y  Y  Y  Y  Y  .  .  .", "Y  Y  .  .  .  .  .  ."),
    S + "ListRequests":          trust(  "Y  Y  Y  Y  Y  .  .  .", NOBODY),
    S + "MatchProviders":        academy(".  Y  Y  .  .  .  .  .", ".  Y  .  .  .  .  .  ."),
    S + "CommissionSupport":     academy(".  Y  Y  .  .  .  .  .", ".  Y  .  .  .  .  .  ."),
    S + "VaryCommission":        academy(".  Y  Y  .  .  .  .  .", ".  Y  .  .  .  .  .  ."),
    S + "CancelCommission":      academy(".  Y  Y  .  .  .  .  .", ".  Y  .  .  .  .  .  ."),
    # The register of providers: those who commission, and finance (who pays them).
    S + "RegisterProvider":      trust(  ".  Y  Y  .  .  Y  .  .", NOBODY),
    S + "UpdateProvider":        trust(  ".  Y  Y  .  .  Y  .  .", NOBODY),
    S + "RecordDueDiligence":    trust(  ".  Y  .  .  .  Y  .  .", NOBODY),
    S + "ListProviders":         trust(  "Y  Y  Y  .  .  Y  .  .", NOBODY),
    # A provider declares its own conflicts and reads its own record, never another's.
    S + "DeclareConflict":       trust(  ".  Y  Y  .  .  .  Y  .", NOBODY, PROVIDER_RECORD),
    S + "GetProvider":           trust(  "Y  Y  Y  .  .  Y  Y  .", NOBODY, PROVIDER_RECORD),
    # Budgets: finance sets them; the framework's approvers (head, lead, executive,
    # finance director) agree; the framework narrows who may approve an over-commitment.
    S + "ProposeBudget":         academy(".  Y  Y  Y  .  Y  .  .", ".  Y  .  .  .  Y  .  ."),
    S + "AdjustBudget":          academy(".  Y  Y  Y  .  Y  .  .", ".  Y  .  .  .  Y  .  ."),
    S + "AgreeBudget":           academy(".  Y  Y  Y  .  Y  .  .", ".  Y  .  .  .  Y  .  ."),
    S + "ApproveOverCommitment": academy(".  Y  Y  .  .  Y  .  .", ".  Y  .  .  .  Y  .  ."),
    S + "GetBudget":             academy("Y  Y  Y  Y  Y  Y  .  .", "Y  Y  .  .  .  Y  .  ."),
    S + "ListBudgets":           trust(  "Y  Y  Y  Y  Y  Y  .  .", NOBODY),
    # A provider logs delivery of, and reads, its own commissions only.
    S + "LogDelivery":           academy(".  .  .  .  .  .  Y  .", ".  .  .  .  .  .  .  .", COMMISSION),
    S + "GetCommission":         academy("Y  Y  Y  Y  Y  Y  Y  .", "Y  Y  .  .  .  Y  .  .", COMMISSION),
    S + "ListCommissions":       trust(  "Y  Y  Y  Y  Y  Y  Y  .", NOBODY),
    # Invoices are finance's; the board and the executive read them.
    S + "RecordInvoice":         trust(  ".  .  .  .  .  Y  .  .", NOBODY),
    S + "CreditInvoice":         trust(  ".  .  .  .  .  Y  .  .", NOBODY),
    S + "ListInvoices":          trust(  "Y  Y  .  .  .  Y  .  .", NOBODY),

    # -- reporting: read models ---------------------------------- own: TR CE IL HT CH FI PR SV    other: TR CE IL HT CH FI PR SV
    R + "GetAcademyTimeline":    academy("Y  Y  Y  Y  Y  .  .  .", "Y  Y  .  .  .  .  .  ."),
    # Finance reconciles the ledger; the chair of the LGB does not read the money.
    R + "GetLedger":             trust(  "Y  Y  Y  Y  .  Y  .  .", NOBODY),
    # The board's report: every person but a provider, narrowed to their academies.
    R + "GetBoardReport":        trust(  "Y  Y  Y  Y  Y  Y  .  .", NOBODY),
    R + "ListOwnerActions":      trust(  "Y  Y  Y  Y  Y  .  .  .", NOBODY),

    # -- every service's event feed (chassis.feed) --------------- own: TR CE IL HT CH FI PR SV    other: TR CE IL HT CH FI PR SV
    # The chief executive reads their trust's events; the platform's own rebuilds every
    # trust's. Another trust's events are left out of a trust's feed, not refused.
    F + "ReadEvents":            trust(  ".  Y  .  .  .  .  .  Y", ".  .  .  .  .  .  .  Y"),
    F + "GetHead":               trust(  ".  Y  .  .  .  .  .  Y", ".  .  .  .  .  .  .  Y"),
}
# fmt: on


def row(full_method: str) -> Row:
    """The policy row of ``package.Service/Method``; KeyError names a missing row."""
    try:
        return POLICY[full_method]
    except KeyError:
        raise KeyError(f"{full_method} has no row in tests/e2e/access_policy.py") from None


def denies(full_method: str, role: Role, on_own: bool) -> bool | None:
    """What the policy says of one cell: denied, allowed (False), or None (no cell)."""
    allowed = row(full_method).allows(role, on_own)
    return None if allowed is None else not allowed

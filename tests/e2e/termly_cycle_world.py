"""A whole academic year (2027/28) of one trust, driven through the gRPC APIs of
all five services on a simulated clock, for test_termly_cycle.py (no tests here).

The year is an agenda: dated steps, run in date order, the platform's clock set
to 10:00 UTC of each step's day before it runs (10:00 UTC is the same day in
England all year). Steps are the trust's own work: the trust created on a
preset, three academies registered (Alder, secondary; Birch and Cedar, primary),
an Ofsted inspection of Birch, the autumn phase review (Alder less than good),
the cadence meetings that follow, providers, Alder's budget, a support request
triaged, matched and commissioned, meetings held with papers, notes and actions,
judgements, every data return the preset's calendar asks for (Birch's first one
late), deliveries and invoices, then in spring a correction of Alder's autumn
return, the overdue action completed and a dearer invoice, and in summer the
annual summary and Alder's annual phase review (good again); and in September
2028 Birch placed lower, late in the evening, for the next year's first report.

What the board and finance would read is read at the right moments (each term's
end, and the earlier reports again later) and kept on the ``Year`` for the test
to assert. Services learn of each other through Kafka, so a read that depends on
another service's events waits (``settle``) until it shows them, and the clock
never moves past an event before the consumers that must see it at its date do.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import grpc
from chassis.auth import Role
from contracts.money import days
from meetings.domain.calendar import local_day
from trust.academies.v1 import academies_pb2 as apb
from trust.evaluations.v1 import evaluations_pb2 as epb
from trust.meetings.v1 import meetings_pb2 as mpb
from trust.reporting.v1 import reporting_pb2 as rpb
from trust.support.v1 import support_pb2 as spb
from trust_frameworks.loader import presets
from trust_frameworks.model import Framework
from trust_local.clients import Caller, PlatformClients
from trust_local.launcher import Platform

PRESETS = presets()
YEAR = "2027/28"
TERMS = ("autumn", "spring", "summer")
JOINED = "2015-09-01"
AT = dt.time(10, 0)  # UTC: the same day in England, summer time or not

# Academies: key -> (name, phase of education, URN).
ACADEMIES = {
    "A": ("Alder Academy", "secondary", "301001"),
    "B": ("Birch Primary", "primary", "301002"),
    "C": ("Cedar Primary", "primary", "301003"),
}
# Attendance returned per academy and term (termly KPI return); Alder's autumn
# figure is corrected in spring, Birch's autumn return comes late.
ATTENDANCE = {
    "A": {"autumn": 93.5, "spring": 96.0, "summer": 96.2},
    "B": {"autumn": 96.0, "spring": 95.5, "summer": 95.1},
    "C": {"autumn": 88.0, "spring": 97.0, "summer": 97.3},
}
ALDER_CORRECTED = 96.5
ALDER_P8_AUTUMN = 0.15  # with the autumn termly return
ALDER_P8_ANNUAL = 0.35  # with the annual summary, where the preset asks for one
LATE_TERMLY_ON = dt.date(2028, 1, 5)  # Birch's autumn termly return
LATE_HALF_TERMLY_ON = dt.date(2027, 11, 1)  # Birch's first half-termly drop
CORRECTED_ON = dt.date(2028, 1, 5)
SETUP_ON = dt.date(2027, 9, 6)
COMMISSION_STARTS = dt.date(2027, 9, 20)
SECOND_ACTION_DUE = dt.date(2028, 5, 31)
SECOND_ACTION_DONE = dt.date(2028, 5, 17)
PHASE_REVIEW_ON = dt.date(2028, 6, 14)
NEXT_YEAR = "2028/29"
NEXT_YEAR_ON = dt.date(2028, 9, 11)
LATE_EVENING = dt.time(23, 30)  # UTC: 00:30 the next day in England (BST)

# Money, in pence.
LINES = {"consultancy": 500_000, "internal": 100_000}
RATE_EXTERNAL = 60_000
RATE_INTERNAL = 35_000
MISMATCHED_AMOUNT = 95_000  # for 1.5 days at £600.00: £900.00 expected


@dataclass(frozen=True)
class Case:
    """How the year goes for a preset, in its own words."""

    preset: str
    weak_phase: str  # Alder's from the autumn review: less than good
    good_phase: str  # everyone else's, and Alder's from the summer review
    held_type: str  # Alder's first meeting of it is held in autumn: papers, notes, actions
    added_type: str | None = None  # the cadence type Alder's weak phase brings
    deadline_type: str | None = None  # a type with note deadlines: its first held too
    circulate_after_days: int = 0  # notes circulated this many days after drafting (0: in spring)


CASES = {
    "seed-000-aid": Case(
        "seed-000-aid",
        weak_phase="not_yet_good",
        good_phase="good_or_better",
        held_type="aim",
        added_type="interim_aim",
        deadline_type="interim_aim",  # its brief report, drafted in time, circulated in spring
    ),
    "seed-001-carter": Case(
        "seed-001-carter",
        weak_phase="stabilise",
        good_phase="sustain",
        held_type="quality_assurance_review",
        added_type="academy_intervention_group",
    ),
    "seed-002-sussex": Case(
        "seed-002-sussex",
        weak_phase="increased_need",
        good_phase="standard",
        held_type="annual_review",
    ),
    "seed-003-aspire": Case(
        "seed-003-aspire",
        weak_phase="category_2",
        good_phase="category_1",
        held_type="termly_review",
        added_type="termly_review",  # category 1 has no required meetings at all
    ),
    "seed-004-focus": Case(
        "seed-004-focus",
        weak_phase="formal_intervention",
        good_phase="self_managing",
        held_type="partnership_visit",
        added_type="task_group",
        deadline_type="consultancy_visit",  # the Note of Visit: to the principal in 3 days
        circulate_after_days=7,  # ... and to the chief executive in 7: late
    ),
}


def grades(framework: Framework) -> tuple[str, str, str]:
    """(best, good, weak) on the framework's scheme."""
    if framework.judgement_scheme == "ofsted-2025":
        return "exceptional", "strong_standard", "needs_attention"
    return "outstanding", "good", "requires_improvement"


def weak_area(framework: Framework) -> str:
    """The area Alder is judged weak in (in every preset's RAG areas)."""
    return (
        "curriculum_and_teaching"
        if framework.judgement_scheme == "ofsted-2025"
        else "quality_of_education"
    )


def rag_areas(framework: Framework, phase_of_education: str) -> list[str]:
    """The framework's RAG areas that apply to an academy of that phase of education."""
    applicable = {a.id for a in framework.scheme.areas_for(phase_of_education)}
    return [a for a in framework.rag.areas if a in applicable]


def inspection_of(framework: Framework) -> tuple[str, dict[str, str], str]:
    """Birch's last inspection on the framework's scheme: (date, grades, safeguarding)."""
    _best, good, _weak = grades(framework)
    scheme = framework.scheme
    graded = {a.id: good for a in scheme.areas_for("primary")}
    if scheme.id == "ofsted-2025":
        return "2026-03-10", graded, "met"
    return "2025-06-10", graded, ""


def tier_days(framework: Framework, phase: str) -> float:
    """The days a phase's support tier adds to the year's entitlement."""
    found = framework.phase(phase)
    assert found is not None
    return framework.entitlements.tier_days(found.support_tier)


def term_end(framework: Framework, term: str) -> dt.date:
    return framework.term_calendar.half_term_end(int(YEAR[:4]), term, 2)


def half_term_end(framework: Framework, term: str, half: int) -> dt.date:
    return framework.term_calendar.half_term_end(int(YEAR[:4]), term, half)


def uid() -> str:
    return uuid.uuid4().hex[:8]


def person(caller_subject: str, role: Role) -> mpb.Person:
    return mpb.Person(subject=caller_subject, role=role.value)


async def settle(
    call: Callable[[], Awaitable[Any]], accept: Callable[[Any], bool], timeout: float = 30.0
) -> Any:
    """``call``'s reply once ``accept`` takes it (services learn of each other from
    Kafka); after ``timeout`` the last reply as it is, so that the test's asserts
    say what is missing. NOT_FOUND and FAILED_PRECONDITION are retried."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    last: Any = None
    while True:
        try:
            last = await call()
            if accept(last):
                return last
        except grpc.aio.AioRpcError as error:
            retry = (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.FAILED_PRECONDITION)
            if error.code() not in retry or loop.time() > deadline:
                raise
        if loop.time() > deadline:
            return last
        await asyncio.sleep(0.1)


@dataclass
class Submitted:
    """One data return: which academy, for which period, sent when."""

    academy: str
    return_type: str
    term: str
    half_term: int
    on: dt.date
    values: apb.DataValues
    submission_id: str = ""


@dataclass
class Year:
    platform: Platform
    clients: PlatformClients
    case: Case
    trust_id: str = field(default_factory=lambda: f"year-{uid()}")
    ids: dict[str, str] = field(default_factory=dict)  # academy key -> id
    clock: dt.datetime | None = None
    agenda: list[tuple[dt.date, int, Callable[[], Awaitable[None]]]] = field(default_factory=list)
    _order: Iterator[int] = field(default_factory=itertools.count)
    # What was read, for the test: by name ("autumn", "autumn again", ...).
    reports: dict[str, rpb.BoardReport] = field(default_factory=dict)
    entitlements: dict[tuple[str, str], spb.Entitlement] = field(default_factory=dict)
    ledgers: dict[str, rpb.Ledger] = field(default_factory=dict)
    budgets: dict[str, spb.Budget] = field(default_factory=dict)
    diaries: dict[tuple[str, str], list[mpb.Meeting]] = field(default_factory=dict)
    compliance: dict[tuple[str, str], mpb.Compliance] = field(default_factory=dict)
    returns_status: dict[tuple[str, str], apb.ReturnsStatus] = field(default_factory=dict)
    submissions: list[Submitted] = field(default_factory=list)
    days: dict[str, dt.date] = field(default_factory=dict)  # named days of the year
    made: dict[str, Any] = field(default_factory=dict)  # replies worth keeping
    ready: Callable[[Year, str, rpb.BoardReport], bool] | None = None

    # -- people ---------------------------------------------------------------------

    @property
    def framework(self) -> Framework:
        return PRESETS[self.case.preset]

    def _caller(self, subject: str, role: Role, academies: list[str] | None = None) -> Caller:
        return self.clients.caller(subject, role, self.trust_id, academies or [])

    @property
    def ceo(self) -> Caller:
        return self._caller(f"ceo@{self.trust_id}", Role.CHIEF_EXECUTIVE)

    @property
    def trustee(self) -> Caller:
        return self._caller(f"trustee@{self.trust_id}", Role.TRUSTEE)

    @property
    def finance(self) -> Caller:
        return self._caller(f"finance@{self.trust_id}", Role.FINANCE)

    @property
    def lead(self) -> Caller:
        return self._caller(f"lead@{self.trust_id}", Role.IMPROVEMENT_LEAD, list(self.ids.values()))

    def head(self, key: str) -> Caller:
        return self._caller(f"head-{key}@{self.trust_id}", Role.HEADTEACHER, [self.ids[key]])

    def chair(self, key: str) -> Caller:
        return self._caller(f"chair-{key}@{self.trust_id}", Role.CHAIR_OF_LGB, [self.ids[key]])

    def subject(self, role: Role, key: str = "A") -> str:
        """The token subject of the person in ``role`` (the academy's, where it has one)."""
        if role in (Role.HEADTEACHER, Role.CHAIR_OF_LGB):
            return f"{'head' if role == Role.HEADTEACHER else 'chair'}-{key}@{self.trust_id}"
        if role == Role.PROVIDER:
            return self.made["external"].contact_subject
        name = {
            Role.CHIEF_EXECUTIVE: "ceo",
            Role.IMPROVEMENT_LEAD: "lead",
            Role.TRUSTEE: "trustee",
            Role.FINANCE: "finance",
        }[role]
        return f"{name}@{self.trust_id}"

    def as_role(self, role: str, key: str = "A") -> Caller:
        """Someone in the framework's role, for academy ``key``."""
        found = Role(role)
        if found == Role.HEADTEACHER:
            return self.head(key)
        if found == Role.CHAIR_OF_LGB:
            return self.chair(key)
        if found == Role.PROVIDER:
            return self._caller(self.subject(found), found, [self.ids[key]])
        return {
            Role.CHIEF_EXECUTIVE: self.ceo,
            Role.IMPROVEMENT_LEAD: self.lead,
            Role.FINANCE: self.finance,
            Role.TRUSTEE: self.trustee,
        }[found]

    # -- time -----------------------------------------------------------------------

    def on(self, day: dt.date, step: Callable[[], Awaitable[None]]) -> None:
        """Do ``step`` on ``day`` (steps of one day in the order they were planned)."""
        self.agenda.append((day, next(self._order), step))

    def move_clock(self, day: dt.date, at: dt.time = AT) -> None:
        when = dt.datetime.combine(day, at, dt.UTC)
        if self.clock is not None:
            assert when >= self.clock, f"the clock never goes back: {self.clock} -> {when}"
        if when != self.clock:
            self.platform.set_clock(when)
            self.clock = when

    async def run_agenda(self) -> None:
        """Every step planned, in date order; a step may plan later ones."""
        while self.agenda:
            self.agenda.sort(key=lambda s: (s[0], s[1]))
            day, _order, step = self.agenda.pop(0)
            self.move_clock(day)
            await step()

    # -- reads ----------------------------------------------------------------------

    async def report(
        self, term: str, as_of: dt.date | None = None, academic_year: str = YEAR
    ) -> rpb.BoardReport:
        return await self.clients.reporting.GetBoardReport(
            rpb.GetBoardReportRequest(
                trust_id=self.trust_id,
                academic_year=academic_year,
                term=term,
                as_of=as_of.isoformat() if as_of else "",
            ),
            metadata=self.trustee.metadata,
        )

    async def entitlement(
        self, key: str, as_of: dt.date | None = None, academic_year: str = YEAR
    ) -> spb.Entitlement:
        return await self.clients.support.GetEntitlement(
            spb.GetEntitlementRequest(
                academy_id=self.ids[key],
                academic_year=academic_year,
                as_of=as_of.isoformat() if as_of else "",
            ),
            metadata=self.ceo.metadata,
        )

    async def ledger(self) -> rpb.Ledger:
        return await self.clients.reporting.GetLedger(
            rpb.GetLedgerRequest(trust_id=self.trust_id, academic_year=YEAR),
            metadata=self.finance.metadata,
        )

    async def budget(self, key: str = "A") -> spb.Budget:
        return await self.clients.support.GetBudget(
            spb.GetBudgetRequest(academy_id=self.ids[key], academic_year=YEAR),
            metadata=self.finance.metadata,
        )

    async def diary(self, key: str) -> list[mpb.Meeting]:
        found: list[mpb.Meeting] = []
        token = ""
        while True:
            reply = await self.clients.meetings.ListMeetings(
                mpb.ListMeetingsRequest(
                    trust_id=self.trust_id,
                    academy_id=self.ids[key],
                    academic_year=YEAR,
                    page_size=100,
                    page_token=token,
                ),
                metadata=self.lead.metadata,
            )
            found += list(reply.meetings)
            token = reply.next_page_token
            if not token:
                return found

    def meeting_day(self, meeting: mpb.Meeting) -> dt.date:
        return local_day(dt.datetime.fromisoformat(meeting.scheduled_for))

    def first_of(self, meetings: list[mpb.Meeting], meeting_type: str) -> mpb.Meeting:
        return min(
            (m for m in meetings if m.meeting_type == meeting_type and m.status == "scheduled"),
            key=lambda m: m.scheduled_for,
        )


# -- the year ---------------------------------------------------------------------------


Ready = Callable[["Year", str, rpb.BoardReport], bool]


async def drive_year(
    platform: Platform, clients: PlatformClients, case: Case, ready: Ready | None = None
) -> Year:
    """The whole year; the clock is the real one again afterwards, whatever happens.
    ``ready`` says whether a term's report shows all the term brought (reporting
    learns from Kafka): it is read again until it does, or a while has passed."""
    year = Year(platform, clients, case, ready=ready)
    try:
        year.on(SETUP_ON, lambda: _setup(year))
        await year.run_agenda()
    finally:
        platform.set_clock(None)
    return year


async def _setup(y: Year) -> None:
    """September: the trust on its preset, the register, the autumn phase review, the
    diaries it brings, providers, Alder's budget and the support it asks for."""
    c, f = y.clients, y.framework
    await c.academies.CreateTrust(
        apb.CreateTrustRequest(trust_id=y.trust_id, name=f"Termly {f.id}", framework=f.id),
        metadata=y.ceo.metadata,
    )
    for key, (name, phase_of_education, urn) in ACADEMIES.items():
        academy = await c.academies.RegisterAcademy(
            apb.RegisterAcademyRequest(
                trust_id=y.trust_id,
                urn=urn,
                name=name,
                phase_of_education=phase_of_education,
                local_authority="West Sussex",
                date_joined=JOINED,
            ),
            metadata=y.ceo.metadata,
        )
        y.ids[key] = academy.academy_id
    date, graded, safeguarding = inspection_of(f)
    await c.academies.RecordInspection(
        apb.RecordInspectionRequest(
            academy_id=y.ids["B"],
            inspection_date=date,
            scheme=f.judgement_scheme,
            grades=graded,
            safeguarding=safeguarding,
        ),
        metadata=y.lead.metadata,
    )

    # Support grants each academy its year's days once it knows it and the framework.
    for key in ACADEMIES:
        await settle(lambda key=key: y.entitlement(key), lambda e: e.granted)

    # The autumn phase review: the chief executive proposes, the board confirms.
    for key in ACADEMIES:
        phase = y.case.weak_phase if key == "A" else y.case.good_phase
        await confirm_phase(y, key, phase, "annual review, autumn")
    # The days of Alder's phase (where its tier adds any), and the diaries the
    # cadence asks for.
    if tier_days(f, y.case.weak_phase):
        await settle(lambda: y.entitlement("A"), lambda e: e.phase == y.case.weak_phase)
    added = y.case.added_type
    y.diaries[("setup", "A")] = await settle(
        lambda: y.diary("A"),
        lambda ms: (
            any(m.meeting_type == y.case.held_type for m in ms)
            and (added is None or any(m.meeting_type == added for m in ms))
        ),
    )
    every_academy = any(t.applies_to.all_academies for t in f.meeting_types)
    for key in ("B", "C"):
        y.diaries[("setup", key)] = await settle(
            lambda key=key: y.diary(key), lambda ms: bool(ms) or not every_academy
        )

    await _providers_budget_and_commissions(y)
    _plan_the_year(y)


async def confirm_phase(y: Year, key: str, phase: str, reason: str) -> epb.PhaseChange:
    proposal = await settle(  # evaluations learns the academy from Kafka
        lambda: y.clients.evaluations.ProposePhase(
            epb.ProposePhaseRequest(
                academy_id=y.ids[key],
                phase=phase,
                reason=reason,
                review="annual",
                proposal_id=f"prop-{uid()}",
            ),
            metadata=y.ceo.metadata,
        ),
        lambda p: bool(p.proposal_id),
    )
    return await y.clients.evaluations.ConfirmPhase(
        epb.DecideProposalRequest(academy_id=y.ids[key], proposal_id=proposal.proposal_id),
        metadata=y.trustee.metadata,
    )


async def _providers_budget_and_commissions(y: Year) -> None:
    s, a = y.clients.support, y.ids["A"]
    tag = uid()
    external = await s.RegisterProvider(
        spb.RegisterProviderRequest(
            trust_id=y.trust_id,
            name=f"Rowan Consulting {tag}",
            kind="consultant",
            contact_subject=f"rowan-{tag}@providers",
            specialisms=["attendance", "leadership"],
            day_rate_pence=RATE_EXTERNAL,
            capacity_days_per_term="20",
            provider_id=f"rowan-{tag}",
        ),
        metadata=y.lead.metadata,
    )
    internal = await s.RegisterProvider(
        spb.RegisterProviderRequest(
            trust_id=y.trust_id,
            name=f"Cedar attendance lead {tag}",
            kind="lead_practitioner",
            home_academy_id=y.ids["C"],
            contact_subject=f"cedar-lead-{tag}@providers",
            specialisms=["attendance"],
            day_rate_pence=RATE_INTERNAL,
            capacity_days_per_term="10",
            provider_id=f"cedar-{tag}",
        ),
        metadata=y.lead.metadata,
    )
    for provider in (external, internal):
        for check in ("dbs", "references"):
            await s.RecordDueDiligence(
                spb.RecordDueDiligenceRequest(
                    provider_id=provider.provider_id,
                    check=check,
                    outcome="passed",
                    checked_on="2027-09-01",
                    expires_on="2028-08-31",
                ),
                metadata=y.finance.metadata,
            )
    y.made.update(external=external, internal=internal)

    # Alder's improvement budget, agreed by every approver the framework names.
    await s.ProposeBudget(
        spb.ProposeBudgetRequest(
            academy_id=a,
            academic_year=YEAR,
            lines=[
                spb.BudgetLineInput(line_id=line, name=line.title(), amount_pence=amount)
                for line, amount in LINES.items()
            ],
            reason="Attendance recovery",
        ),
        metadata=y.finance.metadata,
    )
    agreed = None
    for role in y.framework.budget.approver_roles:
        agreed = await s.AgreeBudget(
            spb.AgreeBudgetRequest(academy_id=a, academic_year=YEAR, revision=1),
            metadata=y.as_role(role).metadata,
        )
    y.made["agreed"] = agreed

    # Alder asks for support; the lead accepts it, matches and commissions.
    request = await s.RequestSupport(
        spb.RequestSupportRequest(
            academy_id=a,
            need_area="attendance",
            days_wanted="3.5",
            summary="Persistent absence in years 9 and 10",
            request_id=f"req-{tag}",
        ),
        metadata=y.head("A").metadata,
    )
    triaged = await s.TriageRequest(
        spb.TriageRequestRequest(
            request_id=request.request_id, outcome="accepted", reason="Attendance is the priority"
        ),
        metadata=y.lead.metadata,
    )
    matched = await s.MatchProviders(
        spb.MatchProvidersRequest(request_id=request.request_id, on=COMMISSION_STARTS.isoformat()),
        metadata=y.lead.metadata,
    )
    y.made.update(request=request, triaged=triaged, matched=matched)

    def commission(key: str, provider: spb.Provider, amount: str, line: str, **more: Any):
        return s.CommissionSupport(
            spb.CommissionSupportRequest(
                academy_id=y.ids[key],
                need_area="attendance",
                provider_id=provider.provider_id,
                days=amount,
                day_rate_pence=provider.day_rate_pence,
                budget_line=line,
                starts_on=COMMISSION_STARTS.isoformat(),
                ends_on="2028-03-31",
                commission_id=f"com-{uid()}",
                **more,
            ),
            metadata=y.lead.metadata,
        )

    y.made["c1"] = await commission(
        "A", external, "2.5", "consultancy", request_id=request.request_id
    )
    y.made["c2"] = await commission("A", internal, "1", "internal", request_id=request.request_id)
    y.made["c3"] = await commission("B", external, "1", "", from_entitlement=True)


def _plan_the_year(y: Year) -> None:
    """Every later step, now that the diaries are known."""
    f, case = y.framework, y.case
    setup = y.diaries[("setup", "A")]
    held = y.first_of(setup, case.held_type)
    y.days["held"] = y.meeting_day(held)
    y.days["action due"] = y.days["held"] + dt.timedelta(days=14)
    y.on(y.days["held"], lambda: _hold_the_first_meeting(y, held))
    if case.deadline_type:
        other = y.first_of(setup, case.deadline_type)
        y.days["deadline meeting"] = y.meeting_day(other)
        _plan_notes_with_deadlines(y, other)

    _plan_returns(y)
    y.on(term_end(f, "autumn"), lambda: _read_term(y, "autumn"))
    y.on(CORRECTED_ON, lambda: _spring_follow_up(y))
    y.on(term_end(f, "spring"), lambda: _read_term(y, "spring"))
    y.on(SECOND_ACTION_DONE, lambda: _complete(y, "second action", SECOND_ACTION_DONE))
    y.on(PHASE_REVIEW_ON, lambda: _summer_phase_review(y))
    y.on(term_end(f, "summer"), lambda: _summer_ends(y))
    y.on(NEXT_YEAR_ON, lambda: _next_year(y))


async def _hold_the_first_meeting(y: Year, meeting: mpb.Meeting) -> None:
    """Alder's first meeting of the held type: papers (the last of several late),
    held with its focus, notes drafted, approved and circulated, two actions; the
    autumn judgements; the providers deliver and finance records invoices."""
    m, f, case = y.clients.meetings, y.framework, y.case
    kind = f.meeting_type(case.held_type)
    assert kind is not None
    day = y.days["held"]
    for n, paper in enumerate(kind.papers):
        late = len(kind.papers) > 1 and n == len(kind.papers) - 1
        submitted_on = day - dt.timedelta(days=2 if late else paper.lead_time_days + 1)
        await m.SubmitPaper(
            mpb.SubmitPaperRequest(
                meeting_id=meeting.meeting_id,
                paper=paper.name,
                title=paper.name.capitalize(),
                reference=f"docs/{paper.name.replace(' ', '-')}.pdf",
                submitted_on=submitted_on.isoformat(),
            ),
            metadata=y.as_role(paper.provided_by).metadata,
        )
    chair = y.as_role(kind.chair_role)
    area = weak_area(f)
    _best, _good, weak = grades(f)
    attendees = [person(y.subject(Role(kind.chair_role)), Role(kind.chair_role))]
    attendees += [
        person(y.subject(Role(r)), Role(r))
        for r in ("headteacher", "improvement_lead")
        if r != kind.chair_role
    ]
    y.made["held"] = await m.HoldMeeting(
        mpb.HoldMeetingRequest(
            meeting_id=meeting.meeting_id,
            held_on=day.isoformat(),
            attendees=attendees,
            focus_areas=[area],
            area_judgements={area: weak},
        ),
        metadata=chair.metadata,
    )
    drafted = await m.DraftNotes(
        mpb.DraftNotesRequest(
            meeting_id=meeting.meeting_id, text="Attendance is the worry", notes_id=f"n-{uid()}"
        ),
        metadata=chair.metadata,
    )
    for role in kind.note_approvers:
        await m.ApproveNotes(
            mpb.ApproveNotesRequest(meeting_id=meeting.meeting_id, notes_id=drafted.notes_id),
            metadata=y.as_role(role).metadata,
        )
    y.made["circulated"] = await m.CirculateNotes(
        mpb.CirculateNotesRequest(meeting_id=meeting.meeting_id, notes_id=drafted.notes_id),
        metadata=chair.metadata,
    )
    owner = person(y.subject(Role.HEADTEACHER), Role.HEADTEACHER)
    for name, title, due in (
        ("overdue action", "Attendance recovery plan", y.days["action due"]),
        ("second action", "Curriculum review", SECOND_ACTION_DUE),
    ):
        y.made[name] = await m.RaiseAction(
            mpb.RaiseActionRequest(
                meeting_id=meeting.meeting_id,
                title=title,
                owner=owner,
                due_on=due.isoformat(),
                area=area,
                action_id=f"act-{uid()}",
            ),
            metadata=chair.metadata,
        )
    if days(kind.entitlement_days):  # support counts the days as of the meeting's day
        await settle(lambda: y.entitlement("A"), lambda e: days(e.used_days) > 0)

    await _judge(y, "autumn")
    await _deliver_and_invoice_autumn(y)


async def _judge(y: Year, term: str) -> None:
    """The trust's judgements (the improvement lead); Cedar's own self-evaluation."""
    e, f = y.clients.evaluations, y.framework
    best, good, weak = grades(f)
    area = weak_area(f)

    async def judge(key: str, kind: str, judgements: dict[str, str], caller: Caller) -> None:
        await e.JudgeEvaluation(
            epb.JudgeEvaluationRequest(
                academy_id=y.ids[key],
                kind=kind,
                academic_year=YEAR,
                term=term,
                judgements=judgements,
                evidence=[f"visits/{term}-{key}.pdf"],
                summary=f"{term} {kind} of {ACADEMIES[key][0]}",
                evaluation_id=f"ev-{uid()}",
            ),
            metadata=caller.metadata,
        )

    if term == "autumn":
        alder = {a: (weak if a == area else good) for a in rag_areas(f, "secondary")}
        await judge("A", "trust_evaluation", alder, y.lead)
        await judge("B", "trust_evaluation", {area: good}, y.lead)
        cedar_own = {a: best for a in rag_areas(f, "primary")}
        await judge("C", "self_evaluation", cedar_own, y.head("C"))
        await judge("C", "trust_evaluation", {area: good}, y.lead)
    else:  # spring: Alder's weak area is good now
        await judge("A", "trust_evaluation", {area: good}, y.lead)


async def _deliver_and_invoice_autumn(y: Year) -> None:
    s, day = y.clients.support, y.days["held"].isoformat()
    external, internal = y.made["external"], y.made["internal"]

    def provider(p: spb.Provider, key: str) -> Caller:
        return y.clients.caller(p.contact_subject, Role.PROVIDER, y.trust_id, [y.ids[key]])

    for name, p, key, amount in (
        ("c1", external, "A", "2"),
        ("c2", internal, "A", "1"),
        ("c3", external, "B", "1"),
    ):
        y.made[f"{name} delivered"] = await s.LogDelivery(
            spb.LogDeliveryRequest(
                commission_id=y.made[name].commission_id,
                delivered_on=day,
                days=amount,
                note="Attendance work",
            ),
            metadata=provider(p, key).metadata,
        )
    tag = uid()
    for name, p, number, pence, covered in (
        ("c1", external, f"RC-{tag}-1", 60_000, "1"),
        ("c2", internal, f"CL-{tag}-1", 35_000, "1"),
    ):
        y.made[f"{name} invoice"] = await s.RecordInvoice(
            spb.RecordInvoiceRequest(
                provider_id=p.provider_id,
                invoice_number=number,
                commission_id=y.made[name].commission_id,
                amount_pence=pence,
                invoiced_on=day,
                days_covered=covered,
            ),
            metadata=y.finance.metadata,
        )
    # The board reads the days B's delivery used from support's events.
    await settle(lambda: y.entitlement("B"), lambda e: e.used_days == "1.00")


def _plan_notes_with_deadlines(y: Year, meeting: mpb.Meeting) -> None:
    """A meeting whose type has note deadlines: held on its day, notes drafted two
    days on (the headteacher reads the draft), circulated later."""
    f, case = y.framework, y.case
    kind = f.meeting_type(meeting.meeting_type)
    assert kind is not None and kind.note_deadlines
    day = y.meeting_day(meeting)
    drafted_on = day + dt.timedelta(days=2)
    y.days["notes drafted"] = drafted_on
    chair = y.as_role(kind.chair_role)

    async def draft() -> None:
        attendees = [
            person(y.subject(Role(kind.chair_role)), Role(kind.chair_role)),
            person(y.subject(Role.HEADTEACHER), Role.HEADTEACHER),
        ]
        await y.clients.meetings.HoldMeeting(
            mpb.HoldMeetingRequest(
                meeting_id=meeting.meeting_id,
                held_on=day.isoformat(),
                attendees=attendees,
                focus_areas=[weak_area(f)],
            ),
            metadata=chair.metadata,
        )
        y.made["deadline notes"] = await y.clients.meetings.DraftNotes(
            mpb.DraftNotesRequest(
                meeting_id=meeting.meeting_id,
                text="Brief report",
                drafted_on=drafted_on.isoformat(),
                notes_id=f"n-{uid()}",
            ),
            metadata=chair.metadata,
        )
        await settle(  # support counts the visit's days as of its day
            lambda: y.entitlement("A"),
            lambda e: (
                any(u.source_id == meeting.meeting_id for u in e.uses)
                or not days(kind.entitlement_days)
            ),
        )

    async def circulate() -> None:
        y.made["deadline circulated"] = await y.clients.meetings.CirculateNotes(
            mpb.CirculateNotesRequest(
                meeting_id=meeting.meeting_id, notes_id=y.made["deadline notes"].notes_id
            ),
            metadata=chair.metadata,
        )

    y.on(drafted_on, draft)
    circulate_on = (
        drafted_on + dt.timedelta(days=case.circulate_after_days)
        if case.circulate_after_days
        else CORRECTED_ON
    )
    y.days["notes circulated"] = circulate_on
    y.on(circulate_on, circulate)


def _plan_returns(y: Year) -> None:
    """Every return the preset's data-drop calendar asks for, five days before its
    period ends; Birch's first late. Attendance (and Alder's Progress 8) come with
    the termly KPI return, Progress 8 also with the annual summary."""
    f = y.framework
    for drop in f.data_drops:
        if drop.cadence == "termly":
            periods = [(t, 0, term_end(f, t)) for t in TERMS]
        elif drop.cadence == "half_termly":
            periods = [(t, h, half_term_end(f, t, h)) for t in TERMS for h in (1, 2)]
        else:
            periods = [("summer", 0, term_end(f, "summer"))]
        first = True
        for term, half, ends in periods:
            for key in ACADEMIES:
                on = ends - dt.timedelta(days=5)
                if drop.return_type == "termly_kpi":
                    values = apb.DataValues(attendance_percent=ATTENDANCE[key][term])
                    if key == "A" and term == "autumn":
                        values.progress8_score = ALDER_P8_AUTUMN
                    if key == "B" and term == "autumn":
                        on = LATE_TERMLY_ON
                elif drop.return_type == "half_termly_data_drop":
                    values = apb.DataValues(kpis={"on_track_percent": 80.0})
                    if key == "B" and first:
                        on = LATE_HALF_TERMLY_ON
                else:  # the annual summary: Alder's Progress 8
                    if key != "A":
                        continue
                    values = apb.DataValues(progress8_score=ALDER_P8_ANNUAL, progress8_band="above")
                sent = Submitted(key, drop.return_type, term, half, on, values)
                y.submissions.append(sent)
                y.on(on, lambda sent=sent: _submit(y, sent))
            first = False


async def _submit(y: Year, sent: Submitted) -> None:
    reply = await y.clients.academies.SubmitData(
        apb.SubmitDataRequest(
            academy_id=y.ids[sent.academy],
            period=apb.Period(academic_year=YEAR, term=sent.term, half_term=sent.half_term),
            return_type=sent.return_type,
            values=sent.values,
            submission_id=f"sub-{uid()}",
        ),
        metadata=y.head(sent.academy).metadata,
    )
    sent.submission_id = reply.submission_id


def submission(y: Year, key: str, return_type: str, term: str, half: int = 0) -> Submitted:
    return next(
        s
        for s in y.submissions
        if (s.academy, s.return_type, s.term, s.half_term) == (key, return_type, term, half)
    )


async def _complete(y: Year, name: str, on: dt.date) -> None:
    y.made[f"{name} completed"] = await y.clients.meetings.CompleteAction(
        mpb.CompleteActionRequest(action_id=y.made[name].action_id, completed_on=on.isoformat()),
        metadata=y.head("A").metadata,
    )


def _caught_up(y: Year, term: str, expect: dict[str, Any]) -> Callable[[rpb.BoardReport], bool]:
    """Whether reporting shows what the other services know at the term's end."""

    def check(report: rpb.BoardReport) -> bool:
        rows = {r.academy_id: r for r in report.academies}
        if set(rows) != set(y.ids.values()):
            return False
        for key, academy_id in y.ids.items():
            row = rows[academy_id]
            granted, used = expect["entitlement"][key]
            if (row.entitlement_days_granted, row.entitlement_days_used) != (granted, used):
                return False
            if row.open_actions != expect["open actions"][key]:
                return False
            spend = (row.budget_pence, row.committed_pence, row.delivered_pence, row.invoiced_pence)
            if spend != expect["spend"][key]:
                return False
            if row.compliance.meetings_held != expect["held"][key]:
                return False
            attendance = next(r for r in row.ratings if r.dimension == "attendance")
            if attendance.value != expect["attendance"][key]:
                return False
            if row.phase != expect["phase"][key]:
                return False
        return True

    return check


def spend_by_academy(ledger: rpb.Ledger) -> dict[str, tuple[int, int, int, int]]:
    """The ledger's line rows summed per academy: budget, committed, delivered, invoiced."""
    found: dict[str, tuple[int, int, int, int]] = {}
    for row in ledger.lines:
        was = found.get(row.academy_id, (0, 0, 0, 0))
        f = row.figures
        found[row.academy_id] = (
            was[0] + f.budget_pence,
            was[1] + f.committed_pence,
            was[2] + f.delivered_pence,
            was[3] + f.invoiced_pence,
        )
    return found


async def _read_term(y: Year, term: str) -> None:
    """At a term's end: support's entitlements and budgets, the ledger, the diaries
    and meetings' own compliance, then the board's report once it shows them."""
    day = term_end(y.framework, term)
    for key in ACADEMIES:
        y.entitlements[(term, key)] = await y.entitlement(key, day)
        y.diaries[(term, key)] = await y.diary(key)
        y.compliance[(term, key)] = await y.clients.meetings.GetCompliance(
            mpb.GetComplianceRequest(
                trust_id=y.trust_id,
                academy_id=y.ids[key],
                academic_year=YEAR,
                as_of=day.isoformat(),
            ),
            metadata=y.trustee.metadata,
        )
        y.returns_status[(term, key)] = await y.clients.academies.GetReturnsStatus(
            apb.GetReturnsStatusRequest(academy_id=y.ids[key], as_of=day.isoformat()),
            metadata=y.trustee.metadata,
        )
    y.budgets[term] = await y.budget("A")
    budget_a = y.budgets[term]
    # The ledger once it has every event support published (its figures equal
    # support's own for Alder's lines).
    y.ledgers[term] = await settle(
        y.ledger,
        lambda led: (
            {
                r.budget_line: r.figures.committed_pence
                for r in led.lines
                if r.academy_id == y.ids["A"] and r.budget_line
            }
            == {line.line_id: line.money.committed_pence for line in budget_a.lines}
            and sum(r.figures.invoiced_pence for r in led.lines) == invoiced_so_far(y)
            # Deliveries too: the ledger's consumer goes at its own pace, and a
            # ledger read before the last delivery would make the board's spend,
            # read later, look wrong.
            and sum(r.figures.delivered_pence for r in led.lines) == delivered_so_far(y)
        ),
    )
    held = {key: sum(bool(m.held_on) for m in y.diaries[(term, key)]) for key in ACADEMIES}
    spend = spend_by_academy(y.ledgers[term])
    expect = {
        "entitlement": {
            key: (y.entitlements[(term, key)].granted_days, y.entitlements[(term, key)].used_days)
            for key in ACADEMIES
        },
        "open actions": {key: open_actions(y, key, day) for key in ACADEMIES},
        "spend": {key: spend.get(y.ids[key], (0, 0, 0, 0)) for key in ACADEMIES},
        "held": held,
        "attendance": {key: attendance_value(y, key, term) for key in ACADEMIES},
        "phase": {key: phase_on(y, key, day) for key in ACADEMIES},
    }
    caught_up = _caught_up(y, term, expect)
    ready = y.ready

    def shows_it_all(report: rpb.BoardReport) -> bool:
        return caught_up(report) and (ready is None or ready(y, term, report))

    y.reports[term] = await settle(lambda: y.report(term), shows_it_all)


def delivered_so_far(y: Year) -> int:
    """What support says has been delivered, by the latest word on each commission
    (delivered value only grows)."""
    latest: dict[str, int] = {}
    for made in y.made.values():
        if isinstance(made, spb.Commission):
            latest[made.commission_id] = max(
                latest.get(made.commission_id, 0), made.delivered_pence
            )
    return sum(latest.values())


def invoiced_so_far(y: Year) -> int:
    return sum(
        y.made[name].amount_pence
        for name in ("c1 invoice", "c2 invoice", "c1 dearer invoice")
        if name in y.made
    )


def open_actions(y: Year, key: str, day: dt.date) -> int:
    if key != "A":
        return 0
    done = {
        "overdue action": CORRECTED_ON,
        "second action": SECOND_ACTION_DONE,
    }
    return sum(1 for name, on in done.items() if name in y.made and on > day)


def phase_on(y: Year, key: str, day: dt.date) -> str:
    if key == "A" and day < PHASE_REVIEW_ON:
        return y.case.weak_phase
    return y.case.good_phase


def attendance_value(y: Year, key: str, term: str) -> str:
    """The attendance the report shows for the term: its own return's, or the
    latest before it (as corrected), or nothing."""
    for t in reversed(TERMS[: TERMS.index(term) + 1]):
        sent = submission(y, key, "termly_kpi", t)
        if sent.on <= term_end(y.framework, term):
            figure = sent.values.attendance_percent
            if key == "A" and t == "autumn" and term != "autumn":
                figure = ALDER_CORRECTED
            return f"{figure:g}%"
    return ""


async def _spring_follow_up(y: Year) -> None:
    """January: Alder's autumn return corrected, its overdue action completed, the
    spring judgement, the rest of a commission delivered and a dearer invoice; then
    the autumn report asked again as at the autumn term's end."""
    a = y.ids["A"]
    autumn = submission(y, "A", "termly_kpi", "autumn")
    y.made["correction"] = await y.clients.academies.CorrectSubmission(
        apb.CorrectSubmissionRequest(
            academy_id=a,
            submission_id=autumn.submission_id,
            values=apb.DataValues(
                attendance_percent=ALDER_CORRECTED, progress8_score=ALDER_P8_AUTUMN
            ),
            reason="two registers were counted twice",
        ),
        metadata=y.head("A").metadata,
    )
    await _complete(y, "overdue action", CORRECTED_ON)
    await _judge(y, "spring")
    s, external = y.clients.support, y.made["external"]
    rowan = y.clients.caller(external.contact_subject, Role.PROVIDER, y.trust_id, [a])
    y.made["c1 rest delivered"] = await s.LogDelivery(
        spb.LogDeliveryRequest(
            commission_id=y.made["c1"].commission_id,
            delivered_on=CORRECTED_ON.isoformat(),
            days="0.5",
        ),
        metadata=rowan.metadata,
    )
    y.made["c1 dearer invoice"] = await s.RecordInvoice(
        spb.RecordInvoiceRequest(
            provider_id=external.provider_id,
            invoice_number=f"RC-{uid()}-2",
            commission_id=y.made["c1"].commission_id,
            amount_pence=MISMATCHED_AMOUNT,
            invoiced_on=CORRECTED_ON.isoformat(),
            days_covered="1.5",
        ),
        metadata=y.finance.metadata,
    )
    autumn_end = term_end(y.framework, "autumn")

    def corrected_and_late_seen(report: rpb.BoardReport) -> bool:
        seen = {(r.academy_id, v.dimension) for r in report.academies for v in r.revisions}
        return (a, "attendance") in seen and (y.ids["B"], "attendance") in seen

    y.reports["autumn again"] = await settle(
        lambda: y.report("autumn", autumn_end), corrected_and_late_seen
    )


async def _summer_phase_review(y: Year) -> None:
    """June: Alder is good again (the chief executive proposes, the board confirms)."""
    y.made["summer phase"] = await confirm_phase(
        y, "A", y.case.good_phase, "annual review, summer: good again"
    )
    f = y.framework
    if tier_days(f, y.case.weak_phase) != tier_days(f, y.case.good_phase):
        await settle(lambda: y.entitlement("A"), lambda e: e.phase == y.case.good_phase)
    if y.case.added_type and y.case.added_type != y.case.held_type:
        later = lambda ms: any(  # noqa: E731 - the cadence cancels what is no longer asked
            m.status == "cancelled" for m in ms if m.meeting_type == y.case.added_type
        )
        y.diaries[("phase review", "A")] = await settle(lambda: y.diary("A"), later)


async def _summer_ends(y: Year) -> None:
    await _read_term(y, "summer")
    spring_end = term_end(y.framework, "spring")
    y.reports["spring again"] = await y.report("spring", spring_end)
    # Academies' own reading of Birch's returns as at the autumn term's end.
    y.returns_status[("autumn again", "B")] = await y.clients.academies.GetReturnsStatus(
        apb.GetReturnsStatusRequest(
            academy_id=y.ids["B"], as_of=term_end(y.framework, "autumn").isoformat()
        ),
        metadata=y.trustee.metadata,
    )
    y.budgets["B"] = await y.budget("B")


async def _next_year(y: Year) -> None:
    """September 2028: an exceptional review places Birch lower, confirmed late in
    the evening (23:30 UTC: already the next day in England, on summer time);
    support grants its new year's days; the board's first report of the new year."""
    y.move_clock(NEXT_YEAR_ON, LATE_EVENING)
    y.made["next phase"] = await confirm_phase(
        y, "B", y.case.weak_phase, "exceptional review: new year concerns"
    )
    y.entitlements[("next autumn", "B")] = await settle(
        lambda: y.entitlement("B", academic_year=NEXT_YEAR), lambda e: e.granted
    )
    granted = y.entitlements[("next autumn", "B")].granted_days

    def seen(report: rpb.BoardReport) -> bool:
        row = next(r for r in report.academies if r.academy_id == y.ids["B"])
        return row.entitlement_days_granted == granted

    y.reports["next autumn"] = await settle(
        lambda: y.report("autumn", academic_year=NEXT_YEAR), seen
    )
    # ... and as at the 11th, England's day before the review.
    y.reports["next autumn, the 11th"] = await y.report(
        "autumn", NEXT_YEAR_ON, academic_year=NEXT_YEAR
    )

"""The reference web client (clients/web) in a real headless Chromium, against
the whole platform through the gateway (issue 13).

A fresh trust on seed 000 is set up through the services' gRPC APIs: two
academies, a trust evaluation and a phase for one of them (Alder), its first
AIM held with an action raised, an improvement budget agreed by the framework's
approvers and support commissioned against it. Then, in the browser: the sign-in
page; a trustee sees the academies with their phase and RAG; opens Alder and
finds each section as the APIs give it; finance sees "No access" where its
role may not read; Alder's headteacher submits a termly return, sees it in the
academy's returns, and then sees the platform's refusal of an impossible
attendance figure in its own words. Every expectation is read from the gRPC
APIs, not written here.

The screenshots of the last run are kept in test-artifacts/web-client/ at the
repository's root.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import uuid
from collections.abc import Awaitable
from pathlib import Path
from zoneinfo import ZoneInfo

import grpc
import pytest
from chassis.auth import Role
from contracts.money import pounds
from contracts.values import academic_year_of, term_of
from playwright.async_api import Page, Request, Route, async_playwright
from reporting.staff.board_pack import CHROMIUM_ARGS
from trust.academies.v1 import academies_pb2 as pb
from trust.evaluations.v1 import evaluations_pb2 as epb
from trust.meetings.v1 import meetings_pb2 as mpb
from trust.reporting.v1 import reporting_pb2 as rpb
from trust.support.v1 import support_pb2 as spb
from trust_local.clients import Caller, PlatformClients, eventually

CHROMIUM = Path("/usr/bin/chromium")
LONDON = ZoneInfo("Europe/London")
FRAMEWORK = "seed-000-aid"
# Only that the page has settled is waited for, never a fixed time.
SETTLED = "[...document.querySelectorAll('[data-state]')].every(e => e.dataset.state !== 'loading')"


def _repo_root() -> Path:
    here = Path(__file__).resolve()
    return next(parent for parent in here.parents if (parent / "uv.lock").exists())


ROOT = _repo_root()
WEB_DIST = ROOT / "clients" / "web" / "dist"
ARTEFACTS = ROOT / "test-artifacts" / "web-client"


def day_text(iso: str) -> str:
    """An ISO date as the client shows it: 24 Nov 2026."""
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day:%b %Y}"


def name_of(identifier: str) -> str:
    words = identifier.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


# -- the trust, set up through the services' gRPC APIs ------------------------------------


class WebTrust:
    """A fresh trust on seed 000 with Alder (judged, phased, met, budgeted,
    supported) and Birch (registered only)."""

    def __init__(self, clients: PlatformClients, today: dt.date) -> None:
        self.clients = clients
        self.today = today
        self.year = academic_year_of(today)
        self.term = term_of(today)
        self.trust_id = f"web-{uuid.uuid4().hex[:8]}"
        self.ceo = self.caller("ceo@web.trust", Role.CHIEF_EXECUTIVE)
        self.trustee = self.caller("trustee@web.trust", Role.TRUSTEE)
        self.finance = self.caller("finance@web.trust", Role.FINANCE)
        self.ids: dict[str, str] = {}
        self.phase_names: dict[str, str] = {}

    def caller(self, subject: str, role: Role, academies: list[str] | None = None) -> Caller:
        return self.clients.caller(subject, role, self.trust_id, academies or [])

    @property
    def alder(self) -> str:
        return self.ids["Alder"]

    def lead(self) -> Caller:
        return self.caller("lead@web.trust", Role.IMPROVEMENT_LEAD, [self.alder])

    def head(self) -> Caller:
        return self.caller("head@alder.sch.uk", Role.HEADTEACHER, [self.alder])

    async def setup(self) -> WebTrust:
        academies = self.clients.academies
        trust = await academies.CreateTrust(
            pb.CreateTrustRequest(
                trust_id=self.trust_id, name="Web Client Trust", framework=FRAMEWORK
            ),
            metadata=self.ceo.metadata,
        )
        framework = json.loads(trust.framework_json)
        self.phase_names = {p["id"]: p["name"] for p in framework["phases"]}
        weak = next(p["id"] for p in framework["phases"] if p["less_than_good"])
        for urn, name in (("300001", "Alder Academy"), ("300002", "Birch Academy")):
            academy = await academies.RegisterAcademy(
                pb.RegisterAcademyRequest(
                    trust_id=self.trust_id,
                    urn=urn,
                    name=name,
                    phase_of_education="primary",
                    local_authority="Kent",
                    date_joined="2020-09-01",
                ),
                metadata=self.ceo.metadata,
            )
            self.ids[name.split()[0]] = academy.academy_id
        await self._judge_and_phase(weak)
        await self._hold_the_first_aim()
        await self._budget_and_commission()
        await self._projected()
        return self

    async def _judge_and_phase(self, phase: str) -> None:
        evaluations = self.clients.evaluations
        await eventually(
            lambda: evaluations.JudgeEvaluation(
                epb.JudgeEvaluationRequest(
                    academy_id=self.alder,
                    kind="trust_evaluation",
                    academic_year=self.year,
                    term=self.term,
                    judgements={
                        "quality_of_education": "requires_improvement",
                        "leadership_and_management": "good",
                    },
                    evidence=["visit note"],
                    summary="Reading is improving; mathematics is not yet secure.",
                ),
                metadata=self.lead().metadata,
            )
        )
        proposal = await evaluations.ProposePhase(
            epb.ProposePhaseRequest(
                academy_id=self.alder, phase=phase, reason="The trust's evaluation", review="annual"
            ),
            metadata=self.ceo.metadata,
        )
        await evaluations.ConfirmPhase(
            epb.DecideProposalRequest(academy_id=self.alder, proposal_id=proposal.proposal_id),
            metadata=self.trustee.metadata,
        )

    async def _hold_the_first_aim(self) -> None:
        meetings = self.clients.meetings
        lead = self.lead()

        def listed() -> Awaitable[mpb.ListMeetingsResponse]:
            return meetings.ListMeetings(
                mpb.ListMeetingsRequest(
                    trust_id=self.trust_id, academy_id=self.alder, academic_year=self.year
                ),
                metadata=lead.metadata,
            )

        reply = await eventually(
            listed, accept=lambda r: any(m.meeting_type == "aim" for m in r.meetings)
        )
        aim = next(m for m in reply.meetings if m.meeting_type == "aim")
        held_on = dt.datetime.fromisoformat(aim.scheduled_for).date()
        if held_on > self.today:  # brought forward to today, as a person would
            held_on = self.today
            await meetings.RescheduleMeeting(
                mpb.RescheduleMeetingRequest(
                    meeting_id=aim.meeting_id,
                    scheduled_for=dt.datetime.combine(held_on, dt.time(9, 0), dt.UTC).isoformat(),
                    reason="brought forward",
                ),
                metadata=lead.metadata,
            )
        await meetings.HoldMeeting(
            mpb.HoldMeetingRequest(
                meeting_id=aim.meeting_id,
                held_on=held_on.isoformat(),
                attendees=[
                    mpb.Person(subject="lead@web.trust", role=Role.IMPROVEMENT_LEAD.value),
                    mpb.Person(subject="head@alder.sch.uk", role=Role.HEADTEACHER.value),
                ],
                focus_areas=["quality_of_education"],
            ),
            metadata=lead.metadata,
        )
        await meetings.RaiseAction(
            mpb.RaiseActionRequest(
                meeting_id=aim.meeting_id,
                title="Share the mathematics catch-up plan",
                owner=mpb.Person(subject="head@alder.sch.uk", role=Role.HEADTEACHER.value),
                due_on=(max(held_on, self.today) + dt.timedelta(days=14)).isoformat(),
                area="quality_of_education",
            ),
            metadata=lead.metadata,
        )

    async def _budget_and_commission(self) -> None:
        support = self.clients.support
        proposed = await eventually(
            lambda: support.ProposeBudget(
                spb.ProposeBudgetRequest(
                    academy_id=self.alder,
                    academic_year=self.year,
                    lines=[
                        spb.BudgetLineInput(
                            line_id="consultancy", name="Consultancy", amount_pence=300_000
                        ),
                        spb.BudgetLineInput(line_id="cpd", name="Staff CPD", amount_pence=100_055),
                    ],
                    reason="Alder's improvement budget",
                ),
                metadata=self.finance.metadata,
            )
        )
        pending = proposed.revisions[-1]
        by_role = {
            Role.HEADTEACHER.value: self.head(),
            Role.IMPROVEMENT_LEAD.value: self.lead(),
            Role.CHIEF_EXECUTIVE.value: self.ceo,
            Role.FINANCE.value: self.finance,
        }
        for role in pending.approver_roles:
            await support.AgreeBudget(
                spb.AgreeBudgetRequest(
                    academy_id=self.alder, academic_year=self.year, revision=pending.revision
                ),
                metadata=by_role[role].metadata,
            )
        provider = await support.RegisterProvider(
            spb.RegisterProviderRequest(
                trust_id=self.trust_id,
                name="Willow maths lead",
                kind="lead_practitioner",
                contact_subject="maths@willow.sch.uk",
                specialisms=["curriculum"],
                day_rate_pence=35_000,
                capacity_days_per_term="10",
            ),
            metadata=self.ceo.metadata,
        )
        for check in ("dbs", "references"):
            await support.RecordDueDiligence(
                spb.RecordDueDiligenceRequest(
                    provider_id=provider.provider_id,
                    check=check,
                    outcome="passed",
                    expires_on=(self.today + dt.timedelta(days=365)).isoformat(),
                ),
                metadata=self.finance.metadata,
            )
        await support.CommissionSupport(
            spb.CommissionSupportRequest(
                academy_id=self.alder,
                need_area="curriculum",
                subject="mathematics",
                provider_id=provider.provider_id,
                days="3",
                day_rate_pence=35_000,
                budget_line="consultancy",
                starts_on=self.today.isoformat(),
                ends_on=self.today.isoformat(),
            ),
            metadata=self.lead().metadata,
        )

    def board_report(self, academy_id: str = "") -> Awaitable[rpb.BoardReport]:
        return self.clients.reporting.GetBoardReport(
            rpb.GetBoardReportRequest(
                trust_id=self.trust_id,
                academic_year=self.year,
                term=self.term,
                academy_id=academy_id,
            ),
            metadata=self.trustee.metadata,
        )

    async def _projected(self) -> None:
        """Until what was set up has reached the read models the pages show: the
        board's report (phase, judgement, the open action) and the day the AIM
        used of the entitlement."""

        def settled(report: rpb.BoardReport) -> bool:
            rows = {a.academy_id: a for a in report.academies}
            alder = rows.get(self.alder)
            if alder is None or self.ids["Birch"] not in rows:
                return False
            lines = {r.dimension: r for r in alder.ratings}
            return bool(
                alder.phase
                and lines["quality_of_education"].colour
                and alder.open_actions == 1
                and alder.committed_pence > 0
            )

        await eventually(self.board_report, accept=settled, timeout=60)
        await eventually(
            lambda: self.clients.support.GetEntitlement(
                spb.GetEntitlementRequest(academy_id=self.alder, academic_year=self.year),
                metadata=self.trustee.metadata,
            ),
            accept=lambda e: e.granted and float(e.used_days) > 0,
            timeout=60,
        )


# -- the browser ---------------------------------------------------------------------------


def chromium() -> str:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not at {CHROMIUM}: run scripts/setup (it installs Debian's chromium)",
            pytrace=False,
        )
    return str(CHROMIUM)


class Browser:
    """One page in Chromium that may ask only the gateway for anything; page
    errors and any other request are collected as problems."""

    def __init__(self, page: Page, origin: str) -> None:
        self.page = page
        self.origin = origin.rstrip("/")
        self.problems: list[str] = []
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))

    async def start(self) -> None:
        async def only_the_gateway(route: Route, request: Request) -> None:
            if request.url.startswith(self.origin + "/"):
                await route.continue_()
            else:
                self.problems.append(f"request outside the gateway: {request.url}")
                await route.abort()

        await self.page.route("**/*", only_the_gateway)

    async def shot(self, name: str) -> None:
        await self.page.screenshot(path=ARTEFACTS / f"{name}.png", full_page=True)

    async def settled(self) -> None:
        await self.page.wait_for_function(SETTLED)

    async def sign_in(self, caller: Caller) -> None:
        await self.page.goto(self.origin + "/")
        await self.page.fill("[data-testid=token-input]", caller.token)
        await self.page.click("[data-testid=signin-button]")
        await self.page.wait_for_selector("[data-testid=whoami]")

    async def sign_out(self) -> None:
        await self.page.click("[data-testid=signout]")
        await self.page.wait_for_selector("[data-testid=token-input]")
        assert await self.page.evaluate("sessionStorage.length") == 0

    async def texts(self, selector: str) -> list[str]:
        return [t.strip() for t in await self.page.locator(selector).all_inner_texts()]

    async def text(self, selector: str) -> str:
        return (await self.page.locator(selector).inner_text()).strip()


async def test_the_web_client_in_chromium(request: pytest.FixtureRequest) -> None:
    # Checked before the platform starts: without the build there is nothing to test.
    if not (WEB_DIST / "index.html").is_file():
        pytest.fail(
            f"The web client is not built ({WEB_DIST} has no index.html): run scripts/setup, "
            "which builds clients/web (npm ci && npm run build); CI builds it before the tests.",
            pytrace=False,
        )
    executable = chromium()
    shutil.rmtree(ARTEFACTS, ignore_errors=True)  # only the last run's screenshots
    ARTEFACTS.mkdir(parents=True)
    platform = request.getfixturevalue("platform")
    clients = PlatformClients(
        {name: s.address for name, s in platform.services.items()}, platform.token_secret
    )
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            # The browser's today: the page reads the term and year from it.
            world = await WebTrust(clients, dt.datetime.now(LONDON).date()).setup()
            page = await browser.new_page(viewport={"width": 1280, "height": 900})
            web = Browser(page, platform.web_client_url)
            await web.start()
            await _signs_in(web, world)
            await _lists_the_academies(web, world)
            await _shows_an_academy(web, world)
            await _says_no_access_plainly(web, world)
            await _takes_a_return_and_shows_a_refusal(web, world)
            assert web.problems == [], "the page failed or fetched from outside the gateway"
        finally:
            await browser.close()
            await clients.close()


async def _signs_in(web: Browser, world: WebTrust) -> None:
    page = web.page
    await page.goto(web.origin + "/")
    await page.wait_for_selector("[data-testid=token-input]")
    # A token that is not one is refused with the gateway's own words.
    await page.fill("[data-testid=token-input]", "not-a-token")
    await page.click("[data-testid=signin-button]")
    await page.wait_for_selector("[data-testid=signin-error] q")
    assert "not accepted" in await web.text("[data-testid=signin-error]")
    await web.shot("01-sign-in-refused")
    await web.sign_in(world.trustee)
    me = await world.clients.academies.WhoAmI(pb.WhoAmIRequest(), metadata=world.trustee.metadata)
    assert await web.text("[data-testid=whoami] [data-field=subject]") == me.subject
    assert await web.text("[data-testid=whoami] [data-field=role]") == "Trustee"
    assert me.trust_name in await web.text("[data-testid=whoami] [data-field=scope]")
    assert await page.evaluate("sessionStorage.getItem('trust.token')") == world.trustee.token


async def _lists_the_academies(web: Browser, world: WebTrust) -> None:
    page = web.page
    await page.wait_for_selector("[data-testid=section-academies][data-state=ready]")
    listed = await world.clients.academies.ListAcademies(
        pb.ListAcademiesRequest(trust_id=world.trust_id), metadata=world.trustee.metadata
    )
    report = await world.board_report()
    overall = {a.academy_id: a.overall.colour for a in report.academies}
    assert await web.text("[data-testid=report-period]") == f"{world.term} {world.year}"
    rows = page.locator("[data-testid=academy-row]")
    assert await rows.count() == len(listed.academies) == 2
    for index, academy in enumerate(listed.academies):
        line = rows.nth(index)
        assert await line.get_attribute("data-academy-id") == academy.academy_id
        assert (
            await line.locator("[data-testid=academy-link]").inner_text()
        ).strip() == academy.name
        record = await world.clients.evaluations.GetPhase(
            epb.GetPhaseRequest(academy_id=academy.academy_id), metadata=world.trustee.metadata
        )
        whole = [p.phase for p in record.current if not p.subject]
        expected_phase = world.phase_names[whole[0]] if whole else "No phase yet"
        assert (
            await line.locator("[data-testid=academy-phase]").inner_text()
        ).strip() == expected_phase
        rag = line.locator("[data-testid=academy-rag]")
        assert await rag.get_attribute("data-colour") == (overall[academy.academy_id] or "none")
        shown = (await rag.inner_text()).strip()
        assert shown == (overall[academy.academy_id].capitalize() or "Not rated")
    await web.shot("02-academies-trustee")


async def _shows_an_academy(web: Browser, world: WebTrust) -> None:
    page = web.page
    await page.click(f"[data-academy-id='{world.alder}'] [data-testid=academy-link]")
    await page.wait_for_selector("[data-testid=academy-page]")
    await web.settled()
    clients, reader = world.clients, world.trustee.metadata
    states = await page.eval_on_selector_all(
        "section[data-state]", "all => all.map(s => [s.dataset.testid, s.dataset.state])"
    )
    assert all(state == "ready" for _, state in states), states
    assert await web.text("[data-testid=academy-name]") == "Alder Academy"
    assert await web.text("[data-testid=academy-facts] [data-field=urn]") == "300001"

    # Phase and history (evaluations).
    record = await clients.evaluations.GetPhase(
        epb.GetPhaseRequest(academy_id=world.alder), metadata=reader
    )
    (current,) = record.current
    assert (
        await web.text("[data-testid=phase-facts] [data-field=current_phase]")
        == (world.phase_names[current.phase])
    )
    assert await web.texts("[data-testid=phase-change] [data-field=new_phase]") == [
        world.phase_names[change.new_phase] for change in record.history
    ]

    # The board's RAG lines (reporting).
    report = await world.board_report(world.alder)
    (alder,) = report.academies
    assert await page.get_attribute("[data-testid=overall-rag]", "data-colour") == (
        alder.overall.colour or "none"
    )
    for rating in alder.ratings:
        line = page.locator(f"[data-testid=rag-line][data-dimension='{rating.dimension}']")
        assert await line.locator("[data-colour]").get_attribute("data-colour") == (
            rating.colour or "none"
        )
        assert (await line.locator("[data-field=reasons]").inner_text()).strip() == "; ".join(
            rating.reasons
        )

    # Latest judgements, named by the trust's scheme (evaluations).
    scheme = await clients.evaluations.GetJudgementScheme(
        epb.GetJudgementSchemeRequest(trust_id=world.trust_id, academy_id=world.alder),
        metadata=reader,
    )
    grades = {g.grade_id: g.name for g in scheme.grades}
    evaluations = await clients.evaluations.ListEvaluations(
        epb.ListEvaluationsRequest(academy_id=world.alder), metadata=reader
    )
    for area, grade in evaluations.evaluations[-1].judgements.items():
        shown = await web.text(f"[data-testid=judgement][data-area='{area}'] [data-field=grade]")
        assert shown == grades[grade], area

    # Meetings and open actions (meetings).
    meetings = await clients.meetings.ListMeetings(
        mpb.ListMeetingsRequest(
            trust_id=world.trust_id, academy_id=world.alder, academic_year=world.year
        ),
        metadata=reader,
    )
    assert await web.texts("[data-testid=meeting] [data-field=name]") == [
        m.name for m in meetings.meetings
    ]
    held = [m for m in meetings.meetings if m.status == "held"]
    assert held
    for meeting in held:
        status = await web.text(f"[data-meeting-id='{meeting.meeting_id}'] [data-field=status]")
        assert status == f"Held on {day_text(meeting.held_on)}"
    actions = await clients.meetings.ListActions(
        mpb.ListActionsRequest(trust_id=world.trust_id, academy_id=world.alder), metadata=reader
    )
    assert await web.texts("[data-testid=action] [data-field=title]") == [
        a.title for a in actions.actions
    ]
    assert await web.texts("[data-testid=action] [data-field=due]") == [
        day_text(a.due_on) for a in actions.actions
    ]

    # Support and budget (support).
    entitlement = await clients.support.GetEntitlement(
        spb.GetEntitlementRequest(academy_id=world.alder, academic_year=world.year), metadata=reader
    )
    for name in ("granted_days", "used_days", "remaining_days"):
        shown = await web.text(f"[data-testid=entitlement] [data-field={name}]")
        assert shown == f"{getattr(entitlement, name)} days", name
    budget = await clients.support.GetBudget(
        spb.GetBudgetRequest(academy_id=world.alder, academic_year=world.year), metadata=reader
    )
    for name in ("budget", "committed", "delivered", "invoiced", "remaining"):
        shown = await web.text(f"[data-testid=budget-total] [data-field={name}]")
        assert shown == pounds(getattr(budget.totals, f"{name}_pence")), name
    for line in budget.lines:
        shown = await web.text(
            f"[data-testid=budget-line][data-line-id='{line.line_id}'] [data-field=budget]"
        )
        assert shown == pounds(line.money.budget_pence)
    commissions = await clients.support.ListCommissions(
        spb.ListCommissionsRequest(
            trust_id=world.trust_id, academy_id=world.alder, academic_year=world.year
        ),
        metadata=reader,
    )
    assert await web.texts("[data-testid=commission] [data-field=provider]") == [
        c.provider_name for c in commissions.commissions
    ]
    assert await web.texts("[data-testid=commission] [data-field=cost]") == [
        pounds(c.cost_pence) for c in commissions.commissions
    ]

    # The returns calendar (academies); a trustee is not offered the form.
    status = await clients.academies.GetReturnsStatus(
        pb.GetReturnsStatusRequest(academy_id=world.alder), metadata=reader
    )
    due = [r for r in status.returns if r.period.academic_year == world.year]
    assert await page.locator("[data-testid=return-due]").count() == len(due)
    assert await page.locator("[data-testid=submit-form]").count() == 0
    await web.shot("03-academy-trustee")


async def _says_no_access_plainly(web: Browser, world: WebTrust) -> None:
    """Finance may read the RAG report but not phases or judgements: the pages
    say so where it applies and show the rest."""
    page = web.page
    await web.sign_out()
    await web.sign_in(world.finance)
    await page.wait_for_selector("[data-testid=section-academies][data-state=ready]")
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await world.clients.evaluations.GetPhase(
            epb.GetPhaseRequest(academy_id=world.alder), metadata=world.finance.metadata
        )
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert await web.texts("[data-testid=academy-phase]") == ["No access", "No access"]
    assert await page.locator("[data-testid=academy-rag][data-colour=denied]").count() == 0
    await web.shot("04-academies-finance")
    await page.click(f"[data-academy-id='{world.alder}'] [data-testid=academy-link]")
    # The academy's page first, then its sections done: settled() alone could pass on
    # the list's sections, all ready, before the new page has rendered any.
    await page.wait_for_selector("[data-testid=section-judgements]")
    await web.settled()
    assert await page.get_attribute("[data-testid=section-judgements]", "data-state") == "denied"
    detail = await web.text("[data-testid=section-judgements] [data-testid=problem] q")
    assert "you are finance" in detail
    assert await page.get_attribute("[data-testid=section-support]", "data-state") == "ready"
    await web.shot("05-academy-finance")


async def _takes_a_return_and_shows_a_refusal(web: Browser, world: WebTrust) -> None:
    page = web.page
    head = world.head()
    await web.sign_out()
    await web.sign_in(head)
    await page.goto(f"{web.origin}/#/academy/{world.alder}")
    await page.wait_for_selector("[data-testid=submit-form]")
    await web.settled()
    assert await page.locator("[data-testid=submission]").count() == 0

    # A valid termly return: accepted, and shown in the academy's returns.
    assert await page.input_value("[data-testid=input-term]") == world.term
    assert await page.input_value("[data-testid=input-academic-year]") == world.year
    await page.fill("[data-testid=input-attendance]", "96.4")
    await page.click("[data-testid=submit-button]")
    await page.wait_for_selector("[data-testid=submit-result][data-outcome=accepted]")
    await page.wait_for_selector("[data-testid=submission]")
    await web.settled()
    listed = await world.clients.academies.ListSubmissions(
        pb.ListSubmissionsRequest(academy_id=world.alder), metadata=head.metadata
    )
    (submission,) = listed.submissions
    assert submission.return_type == "termly_kpi"
    assert submission.effective.attendance_percent == pytest.approx(96.4)
    assert (submission.period.academic_year, submission.period.term) == (world.year, world.term)
    assert submission.history[0].recorded_by.subject == "head@alder.sch.uk"
    row = page.locator(f"[data-testid=submission][data-submission-id='{submission.submission_id}']")
    assert (await row.locator("[data-field=attendance]").inner_text()).strip() == (
        f"{submission.effective.attendance_percent:g}%"
    )
    assert (
        await row.locator("[data-field=period]").inner_text()
    ).strip() == f"{world.term} {world.year}"
    await web.shot("06-return-accepted")

    # An impossible attendance figure: the platform's refusal, in its own words.
    wrong = pb.SubmitDataRequest(
        academy_id=world.alder,
        period=pb.Period(academic_year=world.year, term=world.term),
        return_type="termly_kpi",
        values=pb.DataValues(attendance_percent=140),
    )
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await world.clients.academies.SubmitData(wrong, metadata=head.metadata)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    await page.fill("[data-testid=input-attendance]", "140")
    await page.click("[data-testid=submit-button]")
    await page.wait_for_selector("[data-testid=submit-result][data-outcome=refused]")
    assert await web.text("[data-testid=refusal]") == refused.value.details()
    assert "refused this return" in await web.text("[data-testid=submit-result]")
    assert await page.get_attribute("[data-testid=input-attendance]", "aria-invalid") == "true"
    again = await world.clients.academies.ListSubmissions(
        pb.ListSubmissionsRequest(academy_id=world.alder), metadata=head.metadata
    )
    assert len(again.submissions) == 1 and len(again.submissions[0].history) == 1
    await page.locator("[data-testid=submit-form]").scroll_into_view_if_needed()
    await web.shot("07-return-refused")

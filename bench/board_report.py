"""The board's RAG report read (GetBoardReport over gRPC), issue 12: "for a trust
of 120 academies: p99 < 50 ms; and for 2,000 academies across 50 trusts".

    .venv/bin/python bench/board_report.py [--academies 120] [--trusts 50]
        [--academies-total 2000] [--requests 200] [--preset seed-004-focus] [--quick]

How it runs: the platform's launcher (trust_local.launcher.start_platform)
starts PostgreSQL, the mock Kafka cluster and the reporting service as its own
OS process, exactly as ``bench/throughput.py`` does: uvloop, the chassis gRPC
server with its real interceptors (OpenTelemetry, token check, access table,
request limits), its asyncpg pool with the JSON codecs. fsync is off: nothing
measured here commits. The launcher's simulated clock (TRUST_CLOCK_FILE) puts
the service's "now" at 2027-08-16, after the academic year 2026/27, so a past
``as_of`` in that year is legal.

The data: for every academy a year of events of 2026/27, occurred_at spread
over the year (timezone-aware) so "as at" filtering is real: registration, an
inspection, 6 data returns and 1 correction, 4 judgements, 1-2 phase changes
(a few formal interventions), the framework's cadence meetings (about 10 with
papers, held, notes circulated with their deadlines), about 20 actions with
completions and carry-forwards, the entitlement granted and used, a budget
agreed by four approvers with commissions, deliveries and invoices; per trust
its creation, the preset framework adopted (document = model_dump(mode="json"))
and three providers. Every payload is validated by its contract model and
published as that model dumps it, wrapped in an EventEnvelope, and applied by
reporting's own projections (BoardStore().project and LedgerStore().project)
straight into reporting's database, many events per transaction, on
connections with the service's codecs (chassis.db.create_pool), so the rows
are what the consumers write. Then VACUUM ANALYZE, as autovacuum would have.
Only events that the board's facts or the ledger read are generated. Ids are
UUIDs, as the services make them (repeatable here): synthetic ids with long
shared prefixes would slow PostgreSQL's sort of the facts and mislead.
A full run takes about 8 minutes on 2 CPUs, loading the data about 1 of them.

The reads, as a trustee (token minted with the platform's secret): spring
2026/27 as at 2027-03-20 (a past date: three readings of the facts, as at the
date, as at autumn's end, and as known now for revisions) and as at the term's
end (as_of empty: 2027-03-27, also past, also three readings). Scenario A: one
trust of 120 academies. Scenario B: 2,000 academies across 50 trusts (40
each), each trust's report in turn. Each at concurrency 1 and 8 after a
warm-up: p50/p95/p99 and calls/s.

Cold, then warm. The service keeps the last reports read whole
(TRUST_BOARD_REPORT_CACHE, reporting.settings), found again while
nothing is recorded for the trust. Both scenarios run first COLD, the service
started with the cache off (=0): every request does all the work, and these
are the figures that count. Then the service is restarted with a cache big
enough for every report asked here and both run again WARM (cache hits: two
small version reads, no folding, the message converted once).

The yardstick, measured in the same run just before each scenario's cells:
a bare grpc.aio unary echo, the standard health check (grpc_health.v1 Check)
served by an in-process grpc.aio server with no interceptors, at the same
concurrency; the ratios report/echo are what to compare across machines. Also
printed, for context only: the reporting process's own health Check (the
transport and interceptor floor of the service).

Then, unless --no-profile, one request of scenario A's trust is taken apart by
calling the application function (reporting.application.board_report.
get_board_report, no cache) in this process with the same adapters and pool
settings: the framework read, the one query of the three readings (and
PostgreSQL's own execution time from EXPLAIN ANALYZE), the ledger's money
events, the pure folds and the spend, the proto conversion, the time in the
cyclic GC (and the same request with the service's collector settings,
reporting.entrypoints.main.tune_collector: the start-up heap frozen and the
youngest generation collected less often, as the service runs), and
cProfile's top functions.

It prints figures; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import datetime as dt
import gc
import io
import itertools
import os
import pstats
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")

import asyncpg
import grpc
from chassis.auth import Principal, Role, TokenService
from chassis.db import create_pool
from chassis.envelope import Actor, EventEnvelope
from contracts.academies.v1 import ACADEMIES_EVENTS
from contracts.base import EventRegistry
from contracts.evaluations.v1 import EVALUATIONS_EVENTS
from contracts.meetings.v1 import MEETINGS_EVENTS
from contracts.support.v1 import SUPPORT_EVENTS
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1._async import HealthServicer
from reporting.adapters.board_store import BoardStore, PostgresBoard
from reporting.adapters.ledger_store import LedgerStore, PostgresLedger
from reporting.application.board_report import BoardQuery, board_spend, get_board_report
from reporting.domain.board_facts import Fact
from reporting.domain.ledger import LedgerEvent
from reporting.entrypoints import convert
from reporting.entrypoints.main import tune_collector
from trust.reporting.v1 import reporting_pb2, reporting_pb2_grpc
from trust_frameworks.loader import presets
from trust_frameworks.model import Framework
from trust_local.launcher import Platform, start_platform

YEAR = "2026/27"
TERM = "spring"
PAST_AS_OF = "2027-03-20"
NOW = dt.datetime(2027, 8, 16, 9, 0, tzinfo=dt.UTC)
LAST_EVENT_DAY = dt.date(2027, 8, 10)
TERMS = ("autumn", "spring", "summer")
REGISTRIES: tuple[EventRegistry, ...] = (
    ACADEMIES_EVENTS,
    EVALUATIONS_EVENTS,
    MEETINGS_EVENTS,
    SUPPORT_EVENTS,
)
REGISTRY_OF = {model.EVENT_TYPE: registry for registry in REGISTRIES for model in registry}
CONCURRENCY = (1, 8)
CACHE_VARIABLE = "TRUST_BOARD_REPORT_CACHE"  # reporting.settings: the whole-report cache
TARGET_P99_MS = 50.0

Raw = tuple[dt.datetime, str, dict[str, Any]]  # occurred_at, event type, payload


# -- the data ---------------------------------------------------------------------------


def at(day: dt.date, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), dt.UTC)


def money_days(value: float) -> str:
    return f"{value:.2f}"


class Year:
    """One academy's (or trust's) events of the year, in the order they happened."""

    def __init__(self, trust_id: str) -> None:
        self.trust_id = trust_id
        self.raw: list[Raw] = []

    def add(self, when: dt.datetime, event_type: str, **payload: Any) -> None:
        self.raw.append((when, event_type, {"trust_id": self.trust_id, **payload}))

    def in_order(self) -> list[Raw]:
        # Stable: events of one moment keep the order they were decided in.
        return sorted((r for r in self.raw if r[0].date() <= LAST_EVENT_DAY), key=lambda r: r[0])


def trust_year(framework: Framework, trust_id: str, preset: str) -> list[Raw]:
    year = Year(trust_id)
    opened = at(dt.date(2026, 9, 1), 7)
    year.add(opened, "academies.TrustCreated", name=f"Trust {trust_id}", framework=preset)
    year.add(
        opened,
        "academies.FrameworkAdopted",
        framework_id=framework.id,
        version=1,
        based_on_preset=preset,
        document=framework.model_dump(mode="json"),
    )
    for p in range(3):
        year.add(
            opened,
            "support.ProviderRegistered",
            provider_id=f"{trust_id}-p{p}",
            name=f"Provider {p} of {trust_id}",
            kind=("consultant", "partner_headteacher", "national_leader")[p],
            internal=p == 1,
            home_academy_id=None,
            contact_subject=f"provider{p}@{trust_id}",
            specialisms=["curriculum", "leadership"],
            day_rate_pence=60_000 + 5_000 * p,
            capacity_days_per_term="30.00",
        )
    return year.in_order()


def academy_year(
    framework: Framework, trust_id: str, academy_id: str, number: int, rng: random.Random
) -> list[Raw]:
    """A year of one academy's events that the board's report or the ledger read."""
    year = Year(trust_id)
    calendar = framework.term_calendar
    half_end = {(t, h): calendar.half_term_end(2026, t, h) for t in TERMS for h in (1, 2)}
    halves = [(t, h) for t in TERMS for h in (1, 2)]
    education = "secondary" if number % 3 == 0 else "primary"
    scheme = framework.scheme
    areas = [a.id for a in scheme.areas_for(education)]
    grades = [g.id for g in scheme.grades]
    grade_weights = [1, 5, 3, 1][: len(grades)] + [1] * max(0, len(grades) - 4)
    joins_late = number % 40 == 39  # a few academies join in January
    joined = dt.date(2027, 1, 4) if joins_late else dt.date(2015 + number % 10, 9, 1)
    start = dt.date(2027, 1, 4) if joins_late else dt.date(2026, 9, 1)
    person = {"subject": f"head@{academy_id}", "role": "headteacher"}

    def new_id() -> str:  # as the services make them (chassis.ids): a UUID, here repeatable
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    def day_between(first: dt.date, last: dt.date) -> dt.date:
        return first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))

    year.add(
        at(start, 8),
        "academies.AcademyRegistered",
        academy_id=academy_id,
        urn=f"{100000 + number:06d}",
        name=f"{('Alder', 'Birch', 'Cedar', 'Elm', 'Hazel', 'Rowan')[number % 6]} Academy {number}",
        phase_of_education=education,
        local_authority="Kent",
        date_joined=joined.isoformat(),
        new_to_trust=joins_late,
    )
    year.add(
        at(start, 9),
        "academies.InspectionRecorded",
        academy_id=academy_id,
        inspection_date=dt.date(2021 + number % 4, 1 + number % 12, 10).isoformat(),
        scheme=framework.judgement_scheme,
        grades={a: rng.choices(grades, grade_weights)[0] for a in areas},
        safeguarding="met" if framework.judgement_scheme == "ofsted-2025" else None,
    )

    # Six returns (a termly KPI return each term, the first half-term's data drop
    # each term), some late, and one correction of the autumn KPI return.
    submissions: list[tuple[str, str]] = []
    for return_type, (term, half) in [
        *(("termly_kpi", (t, 0)) for t in TERMS),
        *(("half_termly_data_drop", (t, 1)) for t in TERMS),
    ]:
        period_end = half_end[(term, half or 2)]
        late = rng.random() < 0.15
        submitted = period_end + dt.timedelta(
            days=rng.randint(1, 10) if late else -rng.randint(0, 6)
        )
        if submitted < start:
            continue
        submission_id = new_id()
        values: dict[str, Any] = {
            "attendance_percent": round(rng.uniform(87.0, 98.5), 1),
            "kpis": {"exclusions": float(rng.randint(0, 6))},
        }
        if education == "secondary" and return_type == "termly_kpi":
            values["progress8_score"] = round(rng.uniform(-0.8, 0.8), 2)
        year.add(
            at(submitted, 15),
            "academies.DataSubmitted",
            academy_id=academy_id,
            submission_id=submission_id,
            period={"academic_year": YEAR, "term": term, "half_term": half},
            return_type=return_type,
            values=values,
        )
        submissions.append((submission_id, term))
    if submissions and submissions[0][1] == "autumn":
        year.add(
            at(day_between(dt.date(2027, 1, 11), dt.date(2027, 5, 28)), 11),
            "academies.SubmissionCorrected",
            academy_id=academy_id,
            submission_id=submissions[0][0],
            revision=2,
            values={
                "attendance_percent": round(rng.uniform(87.0, 98.5), 1),
                "kpis": {"exclusions": float(rng.randint(0, 6))},
            },
            reason="the register was miscounted",
        )

    # Four judgements: the school's own and the trust's in autumn, the trust's in
    # spring (some recorded after 20 March: revisions), a roundtable in summer.
    for index, (kind, term, first, last) in enumerate(
        (
            ("self_evaluation", "autumn", dt.date(2026, 10, 1), dt.date(2026, 10, 20)),
            ("trust_evaluation", "autumn", dt.date(2026, 11, 2), dt.date(2026, 12, 10)),
            ("trust_evaluation", "spring", dt.date(2027, 2, 22), dt.date(2027, 3, 26)),
            ("roundtable", "summer", dt.date(2027, 6, 7), dt.date(2027, 7, 9)),
        )
    ):
        judged_on = day_between(max(first, start), max(last, start))
        year.add(
            at(judged_on, 16),
            "evaluations.EvaluationJudged",
            academy_id=academy_id,
            evaluation_id=new_id(),
            kind=kind,
            academic_year=YEAR,
            term=term,
            scheme=framework.judgement_scheme,
            judgements={a: rng.choices(grades, grade_weights)[0] for a in areas},
            evidence=[f"doc:{academy_id}/{index}"],
            summary="Strengths and next steps agreed.",
            framework_version=1,
        )

    # One or two phase changes; a few formal interventions.
    phases = [p.id for p in framework.phases]
    phase = rng.choices(phases, [12, 7, 1][: len(phases)] + [1] * max(0, len(phases) - 3))[0]
    changes = [(day_between(start, start + dt.timedelta(days=10)), phase)]
    if rng.random() < 0.5:
        changes.append(
            (day_between(dt.date(2027, 1, 11), dt.date(2027, 5, 21)), rng.choice(phases))
        )
    old: str | None = None
    for index, (on, new) in enumerate(changes):
        year.add(
            at(on, 17),
            "evaluations.PhaseChanged",
            academy_id=academy_id,
            proposal_id=new_id(),
            subject=None,
            old_phase=old,
            new_phase=new,
            reason="annual review of the evidence",
            review="annual" if index == 0 else "exceptional",
            proposed_by={"subject": f"lead@{trust_id}", "role": "improvement_lead"},
            confirmed_by={"subject": f"ceo@{trust_id}", "role": "chief_executive"},
            framework_version=1,
        )
        if new == phases[-1] and old != new:
            year.add(
                at(on, 18),
                "evaluations.FormalInterventionStarted",
                academy_id=academy_id,
                intervention_id=new_id(),
                started_on=on.isoformat(),
                reason="safeguarding and outcomes",
                notice={
                    "dated": on.isoformat(),
                    "to_roles": ["headteacher", "chair_of_lgb"],
                    "reference": f"letter-{academy_id}-{index}",
                },
            )
        old = new

    # The entitlement and the budget, agreed by four approvers.
    year.add(
        at(start, 10),
        "support.EntitlementGranted",
        academy_id=academy_id,
        academic_year=YEAR,
        framework_id=framework.id,
        framework_version=1,
        phase=None,
        support_tier=None,
        formal_intervention=False,
        core_days="6.00",
        tier_days="0.00",
        formal_intervention_days="0.00",
        package=[],
        total_days="6.00",
        effective_on=start.isoformat(),
    )
    lines = [
        {"line_id": "curriculum", "name": "Curriculum", "amount_pence": 400_000},
        {"line_id": "leadership", "name": "Leadership", "amount_pence": 250_000},
    ]
    proposed = start + dt.timedelta(days=14)
    year.add(
        at(proposed, 10),
        "support.BudgetProposed",
        academy_id=academy_id,
        academic_year=YEAR,
        revision=1,
        lines=lines,
        total_pence=sum(int(str(x["amount_pence"])) for x in lines),
        approver_roles=["headteacher", "improvement_lead", "chief_executive", "finance"],
        reason="the year's improvement plan",
    )
    for index, role in enumerate(("headteacher", "improvement_lead", "chief_executive", "finance")):
        year.add(
            at(proposed + dt.timedelta(days=index + 1), 11),
            "support.BudgetAgreed",
            academy_id=academy_id,
            academic_year=YEAR,
            revision=1,
            approver={"subject": f"{role}@{trust_id}", "role": role},
            in_force=index == 3,
        )
    for c, line in enumerate(("curriculum", "leadership")):
        commission_id = new_id()
        provider_id = f"{trust_id}-p{(number + c) % 3}"
        rate = 60_000 + 5_000 * ((number + c) % 3)
        commissioned = day_between(proposed + dt.timedelta(days=7), dt.date(2027, 1, 29))
        year.add(
            at(commissioned, 12),
            "support.SupportCommissioned",
            commission_id=commission_id,
            academy_id=academy_id,
            academic_year=YEAR,
            request_id=None,
            need_area=line,
            subject=None,
            provider_id=provider_id,
            days="3.00",
            day_rate_pence=rate,
            cost_pence=3 * rate,
            budget_line=line,
            from_entitlement=False,
            starts_on=commissioned.isoformat(),
            ends_on=(commissioned + dt.timedelta(days=120)).isoformat(),
            term="autumn" if commissioned < half_end[("autumn", 2)] else "spring",
        )
        delivered_on = commissioned
        for d in range(3):
            delivered_on = delivered_on + dt.timedelta(days=rng.randint(10, 40))
            year.add(
                at(delivered_on, 13),
                "support.SupportDelivered",
                delivery_id=new_id(),
                commission_id=commission_id,
                academy_id=academy_id,
                academic_year=YEAR,
                provider_id=provider_id,
                delivered_on=delivered_on.isoformat(),
                days="1.00",
                value_pence=rate,
                has_note=True,
            )
            if d < 2:
                over = 5_000 if rng.random() < 0.1 else 0
                invoiced_on = delivered_on + dt.timedelta(days=rng.randint(3, 20))
                year.add(
                    at(invoiced_on, 14),
                    "support.InvoiceRecorded",
                    invoice_id=new_id(),
                    provider_id=provider_id,
                    invoice_number=f"INV-{number}-{c}-{d}",
                    academy_id=academy_id,
                    academic_year=YEAR,
                    commission_id=commission_id,
                    budget_line=line,
                    amount_pence=rate + over,
                    invoiced_on=invoiced_on.isoformat(),
                    days_covered="1.00",
                    expected_pence=rate,
                    discrepancy_pence=over,
                )

    # The framework's cadence meetings for every academy, spread over the
    # half-terms; papers, held, notes circulated with their deadlines, days of
    # entitlement used; two actions raised at each, most completed, some carried.
    held: list[tuple[str, dt.date]] = []
    for meeting_type in framework.meeting_types:
        if not meeting_type.applies_to.all_academies:
            continue
        times = meeting_type.cadence.times_per_year or 1
        for slot in range(times):
            term, half = halves[min(5, (2 * slot + 1) * 6 // (2 * times))]
            meets_on = half_end[(term, half)] - dt.timedelta(days=rng.randint(5, 30))
            if meets_on < start:
                continue
            meeting_id = new_id()
            scheduled_at = at(max(start, dt.date(2026, 9, 3)), 9)
            year.add(
                scheduled_at,
                "meetings.MeetingScheduled",
                meeting_id=meeting_id,
                academy_id=academy_id,
                meeting_type=meeting_type.id,
                academic_year=YEAR,
                term=term,
                scheduled_for=at(meets_on, 10).isoformat(),
                duration_minutes=meeting_type.duration_minutes,
                origin="cadence",
                cadence_slot=slot + 1,
                reason=None,
                framework_version=1,
            )
            if rng.random() < 0.05:
                year.add(
                    at(meets_on - dt.timedelta(days=7), 9),
                    "meetings.MeetingCancelled",
                    meeting_id=meeting_id,
                    academy_id=academy_id,
                    why="by_hand",
                    reason="the headteacher is away",
                )
                continue
            for paper in meeting_type.papers:
                due = meets_on - dt.timedelta(days=paper.lead_time_days)
                sent = due + dt.timedelta(
                    days=rng.randint(1, 4) if rng.random() < 0.15 else -rng.randint(0, 3)
                )
                year.add(
                    at(sent, 16),
                    "meetings.PaperSubmitted",
                    meeting_id=meeting_id,
                    academy_id=academy_id,
                    paper=paper.name,
                    title=f"{paper.name} for {meeting_id}",
                    reference=f"doc:{meeting_id}/{paper.name}",
                    submitted_by=person,
                    submitted_on=sent.isoformat(),
                    due_on=due.isoformat(),
                )
            year.add(
                at(meets_on, 17),
                "meetings.MeetingHeld",
                meeting_id=meeting_id,
                academy_id=academy_id,
                meeting_type=meeting_type.id,
                academic_year=YEAR,
                term=term,
                held_on=meets_on.isoformat(),
                attendees=[person, {"subject": f"lead@{trust_id}", "role": "improvement_lead"}],
                scheme=framework.judgement_scheme,
                focus_areas=areas[:2],
                area_judgements={},
                entitlement_days=money_days(meeting_type.entitlement_days),
            )
            if meeting_type.entitlement_days:
                year.add(
                    at(meets_on, 17, 5),
                    "support.EntitlementUsed",
                    academy_id=academy_id,
                    academic_year=YEAR,
                    use="meeting",
                    source_id=meeting_id,
                    days=money_days(meeting_type.entitlement_days),
                    used_on=meets_on.isoformat(),
                    beyond_entitlement=False,
                )
            circulated = meets_on + dt.timedelta(days=rng.randint(1, 10))
            year.add(
                at(circulated, 12),
                "meetings.NotesCirculated",
                meeting_id=meeting_id,
                academy_id=academy_id,
                notes_id=new_id(),
                circulated_on=circulated.isoformat(),
                deadlines=[
                    {
                        "document": d.document,
                        "to_role": d.to_role,
                        "due_on": (meets_on + dt.timedelta(days=d.within_days)).isoformat(),
                        "delivered_on": circulated.isoformat(),
                        "met": circulated <= meets_on + dt.timedelta(days=d.within_days),
                    }
                    for d in meeting_type.note_deadlines
                ],
            )
            held.append((meeting_id, meets_on))
    held.sort(key=lambda m: m[1])
    for index, (meeting_id, raised_on) in enumerate(held):
        for a in range(2):
            action_id = new_id()
            due = raised_on + dt.timedelta(days=rng.randint(14, 60))
            year.add(
                at(raised_on, 17, 30),
                "meetings.ActionRaised",
                action_id=action_id,
                meeting_id=meeting_id,
                academy_id=academy_id,
                title=f"Follow up {a + 1} of {meeting_id}",
                owner=person,
                raised_on=raised_on.isoformat(),
                due_on=due.isoformat(),
                area=areas[a % len(areas)],
            )
            chance = rng.random()
            if chance < 0.75:
                done = raised_on + dt.timedelta(days=rng.randint(5, 80))
                year.add(
                    at(done, 15),
                    "meetings.ActionCompleted",
                    action_id=action_id,
                    meeting_id=meeting_id,
                    academy_id=academy_id,
                    completed_on=done.isoformat(),
                )
            elif chance < 0.85 and index + 1 < len(held):
                to_meeting, next_on = held[index + 1]
                year.add(
                    at(next_on, 17, 40),
                    "meetings.ActionCarriedForward",
                    action_id=action_id,
                    academy_id=academy_id,
                    from_meeting_id=meeting_id,
                    to_meeting_id=to_meeting,
                    due_on=max(due, next_on + dt.timedelta(days=30)).isoformat(),
                )
    return year.in_order()


_positions = itertools.count(1)


def envelope(raw: Raw) -> EventEnvelope:
    """The event as its service would publish it: the payload checked by its
    contract model and dumped as the model dumps it."""
    occurred_at, event_type, payload = raw
    model = REGISTRY_OF[event_type].parse(event_type, 1, payload)
    key = str(payload.get("academy_id") or payload.get("provider_id") or payload["trust_id"])
    return EventEnvelope(
        event_id=uuid.uuid4(),
        event_type=event_type,
        schema_version=1,
        stream=f"{event_type.split('.')[1]}-{key}",
        stream_position=1,
        global_position=next(_positions),
        source=event_type.split(".")[0],
        key=key,
        occurred_at=occurred_at,
        actor=Actor(subject="bench@trust", role="chief_executive"),
        correlation_id="bench",
        payload=model.model_dump(mode="json"),
    )


@dataclass
class Loaded:
    events: int = 0
    seconds: float = 0.0


async def load(
    pool: asyncpg.Pool,
    framework: Framework,
    preset: str,
    trusts: dict[str, list[str]],
    numbers: dict[str, int],
    per_transaction: int = 8,
    workers: int = 3,
) -> Loaded:
    """Generate each trust's and academy's year and run reporting's projections
    over it, ``per_transaction`` academies in a transaction."""
    board, ledger = BoardStore(), LedgerStore()
    loaded = Loaded()
    started = time.perf_counter()
    units: list[tuple[str, list[str]]] = []
    for trust_id, academies in trusts.items():
        units.append((trust_id, []))  # the trust's own events first
        units += [
            (trust_id, academies[i : i + per_transaction])
            for i in range(0, len(academies), per_transaction)
        ]
    queue: asyncio.Queue[tuple[str, list[str]]] = asyncio.Queue()
    # Trust events go first, alone, so every trust has its framework before the
    # academies' events (their order against them does not matter to the facts).
    for unit in units:
        if not unit[1]:
            envelopes = [envelope(r) for r in trust_year(framework, unit[0], preset)]
            async with pool.acquire() as conn, conn.transaction():
                for e in envelopes:
                    await board.project(conn, e)
                    await ledger.project(conn, e)
            loaded.events += len(envelopes)
        else:
            queue.put_nowait(unit)
    total = queue.qsize()

    async def worker() -> None:
        while not queue.empty():
            trust_id, academies = queue.get_nowait()
            envelopes = [
                envelope(r)
                for a in academies
                for r in academy_year(
                    framework, trust_id, a, numbers[a], random.Random(f"{a}:{numbers[a]}")
                )
            ]
            async with pool.acquire() as conn, conn.transaction():
                for e in envelopes:
                    await board.project(conn, e)
                    await ledger.project(conn, e)
            loaded.events += len(envelopes)
            done = total - queue.qsize()
            if done % max(1, total // 10) == 0:
                print(".", end="", flush=True)

    await asyncio.gather(*(worker() for _ in range(workers)))
    loaded.seconds = time.perf_counter() - started
    return loaded


# -- measuring --------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Stats:
    latencies: list[float]
    elapsed: float

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed

    def ms(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000


async def measure(
    call: Callable[[int], Awaitable[object]], requests: int, concurrency: int
) -> Stats:
    """``requests`` calls, ``concurrency`` at a time (each worker takes the next)."""
    latencies: list[float] = []
    numbers = iter(range(requests))

    async def worker() -> None:
        for number in numbers:
            start = time.perf_counter()
            await call(number)
            latencies.append(time.perf_counter() - start)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return Stats(latencies, time.perf_counter() - started)


def row(label: str, concurrency: int, stats: Stats) -> str:
    return (
        f"  {label:<34} c={concurrency:<2} p50 {stats.ms(0.5):7.2f}  p95 {stats.ms(0.95):7.2f}  "
        f"p99 {stats.ms(0.99):7.2f} ms  {stats.rate:8.1f} calls/s"
    )


def ratio(label: str, concurrency: int, report: Stats, echo: Stats) -> str:
    return (
        f"  {label:<34} c={concurrency:<2} p50 {report.ms(0.5) / echo.ms(0.5):6.1f}x  "
        f"p99 {report.ms(0.99) / echo.ms(0.99):6.1f}x  "
        f"throughput {echo.rate / report.rate:6.1f}x lower than the echo"
    )


class Echo:
    """The yardstick: grpc_health.v1 Check on an in-process grpc.aio server."""

    async def start(self) -> None:
        self.server = grpc.aio.server()
        self.health = HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        port = self.server.add_insecure_port("127.0.0.1:0")
        await self.server.start()
        await self.health.set("", health_pb2.HealthCheckResponse.SERVING)
        self.channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
        self.stub = health_pb2_grpc.HealthStub(self.channel)

    async def call(self, _number: int) -> object:
        return await self.stub.Check(health_pb2.HealthCheckRequest(service=""))

    async def stop(self) -> None:
        await self.channel.close(None)
        await self.server.stop(None)


@dataclass
class Reader:
    stub: Any
    metadata: Mapping[str, tuple[tuple[str, str], ...]]  # trust -> bearer metadata

    def request(self, trust_id: str, as_of: str) -> reporting_pb2.GetBoardReportRequest:
        return reporting_pb2.GetBoardReportRequest(
            trust_id=trust_id, academic_year=YEAR, term=TERM, as_of=as_of
        )

    def caller(self, trusts: Sequence[str], as_of: str) -> Callable[[int], Awaitable[object]]:
        requests = [self.request(t, as_of) for t in trusts]

        async def call(number: int) -> object:
            request = requests[number % len(requests)]
            return await self.stub.GetBoardReport(request, metadata=self.metadata[request.trust_id])

        return call


def describe(report: Any) -> str:
    colours = ", ".join(f"{c.colour or 'not rated'} {c.academies}" for c in report.overall)
    revisions = sum(len(a.revisions) for a in report.academies)
    changes: dict[str, int] = {}
    for a in report.academies:
        changes[a.change] = changes.get(a.change, 0) + 1
    return (
        f"as at {report.as_of}: "
        f"{len(report.academies)} academies (overall {colours}); since last term "
        f"{', '.join(f'{k} {v}' for k, v in sorted(changes.items()))}; {revisions} revisions "
        f"recorded since; {report.ByteSize() / 1024:.0f} KiB"
    )


async def scenario(
    title: str,
    reader: Reader,
    trusts: Sequence[str],
    requests: int,
    echo: Echo,
    service_health: Any,
    echo_requests: int,
) -> dict[tuple[str, int], Stats]:
    print(f"\n{title}\n  ({load_average()})")
    variants = ((f"as_of {PAST_AS_OF} (past)", PAST_AS_OF), ("as_of '' (term end, 2027-03-27)", ""))
    for _label, as_of in variants:  # warm-up: every trust, a few times
        call = reader.caller(trusts, as_of)
        await measure(call, max(10, 2 * len(trusts)), 2)
    for _label, as_of in variants:
        sample = reader.request(trusts[0], as_of)
        reply = await reader.stub.GetBoardReport(sample, metadata=reader.metadata[trusts[0]])
        print(f"  {trusts[0]} {describe(reply)}")
    results: dict[tuple[str, int], Stats] = {}
    for concurrency in CONCURRENCY:
        echo_stats = await measure(echo.call, echo_requests, concurrency)
        health_stats = await measure(
            lambda _n: service_health.Check(health_pb2.HealthCheckRequest(service="")),
            echo_requests,
            concurrency,
        )
        for label, as_of in variants:
            results[(label, concurrency)] = await measure(
                reader.caller(trusts, as_of), requests, concurrency
            )
            print(row(label, concurrency, results[(label, concurrency)]))
        print(row("echo yardstick (in-process Check)", concurrency, echo_stats))
        print(row("reporting's own health Check", concurrency, health_stats))
        for label, _as_of in variants:
            print(
                ratio(
                    f"ratio {label.split(' (')[0]}/echo",
                    concurrency,
                    results[(label, concurrency)],
                    echo_stats,
                )
            )
        results[("echo", concurrency)] = echo_stats
    return results


# -- where one request's time goes ------------------------------------------------------


class TimedBoard:
    """reporting's PostgresBoard, timing each read and keeping what it read."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.inner = PostgresBoard(pool, BoardStore())
        self.framework_seconds = 0.0
        self.adopted: Fact | None = None
        self.times: Sequence[dt.datetime] = ()
        self.seconds = 0.0
        self.found: list[list[Fact]] = []

    async def framework(
        self, trust_id: str, years: Sequence[str], known_by: dt.datetime
    ) -> Fact | None:
        start = time.perf_counter()
        self.adopted = await self.inner.framework(trust_id, years, known_by)
        self.framework_seconds += time.perf_counter() - start
        return self.adopted

    async def readings(
        self,
        trust_id: str,
        years: Sequence[str],
        known_by: Sequence[dt.datetime],
        lines_only: Sequence[bool] = (),
    ) -> list[list[Fact]]:
        start = time.perf_counter()
        self.found = await self.inner.readings(trust_id, years, known_by, lines_only)
        self.seconds += time.perf_counter() - start
        self.times = known_by
        return self.found

    async def version(self, trust_id: str) -> tuple[int, ...]:
        return await self.inner.version(trust_id)


class TimedLedger:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.inner = PostgresLedger(pool, LedgerStore())
        self.seconds = 0.0
        self.found: Sequence[LedgerEvent] = ()

    async def events(self, trust_id: str, academic_year: str) -> Sequence[LedgerEvent]:
        return await self.inner.events(trust_id, academic_year)

    async def money_events(
        self, trust_id: str, academic_year: str, known_by: dt.datetime
    ) -> Sequence[LedgerEvent]:
        start = time.perf_counter()
        self.found = await self.inner.money_events(trust_id, academic_year, known_by)
        self.seconds += time.perf_counter() - start
        return self.found

    async def version(self, trust_id: str, academic_year: str) -> tuple[int, ...]:
        return await self.inner.version(trust_id, academic_year)


class MemoryBoard:
    def __init__(self, timed: TimedBoard) -> None:
        self.timed = timed

    async def framework(
        self, trust_id: str, years: Sequence[str], known_by: dt.datetime
    ) -> Fact | None:
        return self.timed.adopted

    async def readings(
        self,
        trust_id: str,
        years: Sequence[str],
        known_by: Sequence[dt.datetime],
        lines_only: Sequence[bool] = (),
    ) -> list[list[Fact]]:
        return self.timed.found

    async def version(self, trust_id: str) -> tuple[int, ...]:
        return (0,)


class MemoryLedger:
    def __init__(self, found: Sequence[LedgerEvent]) -> None:
        self.found = found

    async def events(self, trust_id: str, academic_year: str) -> Sequence[LedgerEvent]:
        return self.found

    async def money_events(
        self, trust_id: str, academic_year: str, known_by: dt.datetime
    ) -> Sequence[LedgerEvent]:
        return self.found

    async def version(self, trust_id: str, academic_year: str) -> tuple[int, ...]:
        return (0,)


# The query BoardStore.readings runs for three times (adapters/board_store.py).
READINGS_SQL = BoardStore().readings_query(3, 0b101)  # today's and last term's: lines only


class GcClock:
    """Time this process spends in the cyclic garbage collector."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._started = 0.0

    def __call__(self, phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started


def load_average() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} CPUs"


def median_ms(samples: Sequence[float]) -> float:
    return percentile(samples, 0.5) * 1000


async def profile(dsn: str, trust_id: str, now: dt.datetime, runs: int) -> None:
    print(f"\nWhere one request's time goes: {trust_id}, as_of {PAST_AS_OF}, medians of {runs}")
    print("  (the application function called in this process: same adapters, same pool set-up)")
    pool = await create_pool(dsn, min_size=2, max_size=2)
    principal = Principal("trustee@bench", Role.TRUSTEE, trust_id, frozenset())
    query = BoardQuery(trust_id, YEAR, TERM, PAST_AS_OF)
    totals: list[float] = []
    framework_reads: list[float] = []
    reads: list[float] = []
    ledger_reads: list[float] = []
    folds: list[float] = []
    ledger_folds: list[float] = []
    protos: list[float] = []
    wires: list[float] = []
    parses: list[float] = []
    collecting: list[float] = []
    rows_per_reading: list[int] = []
    distinct = 0
    gc_clock = GcClock()
    gc.callbacks.append(gc_clock)
    try:
        for _ in range(runs):
            board, ledger = TimedBoard(pool), TimedLedger(pool)
            in_gc = gc_clock.seconds
            start = time.perf_counter()
            report = await get_board_report(board, ledger, principal, query, now)
            totals.append(time.perf_counter() - start)
            collecting.append(gc_clock.seconds - in_gc)
            framework_reads.append(board.framework_seconds)
            reads.append(board.seconds)
            ledger_reads.append(ledger.seconds)
            rows_per_reading = [len(f) for f in board.found]
            distinct = len({id(f) for found in board.found for f in found})
            start = time.perf_counter()
            await get_board_report(
                MemoryBoard(board), MemoryLedger(ledger.found), principal, query, now
            )
            folds.append(time.perf_counter() - start)
            start = time.perf_counter()
            board_spend(trust_id, YEAR, ledger.found, board.times[1])
            ledger_folds.append(time.perf_counter() - start)
            start = time.perf_counter()
            message = convert.board_report_to_proto(report)
            protos.append(time.perf_counter() - start)
            start = time.perf_counter()
            wire = message.SerializeToString()
            wires.append(time.perf_counter() - start)
            start = time.perf_counter()
            reporting_pb2.BoardReport.FromString(wire)
            parses.append(time.perf_counter() - start)
        # The same with the service's collector settings (reporting.entrypoints.
        # main.tune_collector: the heap as it stands frozen, the youngest
        # generation collected less often), as the service runs.
        frozen: list[float] = []
        frozen_gc: list[float] = []
        thresholds = gc.get_threshold()
        tune_collector()
        try:
            for _ in range(runs):
                in_gc = gc_clock.seconds
                start = time.perf_counter()
                await get_board_report(TimedBoard(pool), TimedLedger(pool), principal, query, now)
                frozen.append(time.perf_counter() - start)
                frozen_gc.append(gc_clock.seconds - in_gc)
        finally:
            gc.unfreeze()
            gc.set_threshold(*thresholds)
        times = board.times
        arguments = (trust_id, ["", "2025/26", YEAR], *times, max(times))
        async with pool.acquire() as conn:
            raw: list[float] = []
            for _ in range(runs):
                start = time.perf_counter()
                rows = await conn.fetch(READINGS_SQL, *arguments)
                raw.append(time.perf_counter() - start)
            plans = [
                await conn.fetch("EXPLAIN (ANALYZE, BUFFERS) " + READINGS_SQL, *arguments)
                for _ in range(runs)
            ]
            plans.sort(key=lambda p: float(p[-1][0].split()[-2]))
            plan = plans[len(plans) // 2]
            value_bytes = await conn.fetchval(
                "SELECT sum(pg_column_size(value)) FROM (" + READINGS_SQL + ") picked",
                *arguments,
            )
            versions = await conn.fetchval(
                "SELECT count(*) FROM board_facts WHERE trust_id = $1", trust_id
            )
        print(f"  {load_average()}")
        print(f"  get_board_report total         {median_ms(totals):7.1f} ms")
        print(f"    of which in the cyclic GC    {median_ms(collecting):7.1f} ms")
        print(
            f"  with the service's GC settings {median_ms(frozen):7.1f} ms   "
            f"(of which in the cyclic GC {median_ms(frozen_gc):.1f} ms)"
        )
        print(f"  the framework known now        {median_ms(framework_reads):7.1f} ms")
        print(
            f"  board facts, 3 readings, 1 SQL {median_ms(reads):7.1f} ms   "
            f"(facts per reading, now/then/last term: {rows_per_reading}; {distinct} versions "
            f"read of the trust's {versions})"
        )
        print(
            f"  ledger money events read       {median_ms(ledger_reads):7.1f} ms   ({len(ledger.found)} events known by the date)"
        )
        print(
            f"  pure Python (3 folds + spend)  {median_ms(folds):7.1f} ms   (same call on the facts in memory)"
        )
        print(f"    of which spend               {median_ms(ledger_folds):7.1f} ms")
        print(f"  to proto (convert)             {median_ms(protos):7.1f} ms")
        print(
            f"  SerializeToString              {median_ms(wires):7.2f} ms   ({len(wire) / 1024:.0f} KiB)"
        )
        print(f"  client FromString              {median_ms(parses):7.2f} ms")
        print(
            f"  the readings' SQL alone        {median_ms(raw):7.1f} ms   "
            f"(conn.fetch, {len(rows)} rows, {(value_bytes or 0) / 1024:.0f} KiB of values; "
            "the codec's json.loads included)"
        )
        print(f"  EXPLAIN ANALYZE (the median of {runs} by execution time):")
        for line in plan:
            print(f"    {line[0]}")

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(runs):
            await get_board_report(TimedBoard(pool), TimedLedger(pool), principal, query, now)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(22)
        print(f"\n  cProfile, {runs} calls of get_board_report, by own time:")
        for line in out.getvalue().splitlines():
            if line.strip():
                print(f"    {line}")
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        print(f"\n  cProfile, {runs} calls, by cumulative time:")
        for line in out.getvalue().splitlines():
            if line.strip():
                print(f"    {line}")
    finally:
        gc.callbacks.remove(gc_clock)
        await pool.close()


# -- the run ----------------------------------------------------------------------------


def layout(prefix: str, trusts: int, academies: int) -> dict[str, list[str]]:
    """Trust ids -> academy ids (UUIDs, as academies makes them; repeatable)."""
    each, extra = divmod(academies, trusts)
    return {
        f"{prefix}{t:02d}": [
            str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench:{prefix}{t:02d}/{i}"))
            for i in range(each + (t < extra))
        ]
        for t in range(trusts)
    }


async def main(args: argparse.Namespace) -> None:
    framework = presets()[args.preset]
    one = layout("trust-a", 1, args.academies)
    many = layout("trust-b", args.trusts, args.academies_total)
    numbers = {a: n for n, a in enumerate(a for t in (one, many) for g in t.values() for a in g)}

    print("starting the platform: PostgreSQL, mock Kafka, reporting ... ", end="", flush=True)
    # Cold first: the service keeps no whole reports (every read does all the work).
    os.environ[CACHE_VARIABLE] = "0"
    # No gateway: the reads go to reporting itself, as the yardstick does.
    platform: Platform = await asyncio.to_thread(
        start_platform, ("reporting",), False, "WARNING", False
    )
    platform.set_clock(NOW)
    print("ready")
    dsn = platform.postgres.dsn("reporting")
    tokens = TokenService(platform.token_secret)
    channel = grpc.aio.insecure_channel(platform.address("reporting"))
    echo = Echo()
    try:
        pool = await create_pool(dsn, min_size=3, max_size=3)
        try:
            print(
                f"loading {len(numbers)} academies' years ({args.preset}) through reporting's "
                "projections ",
                end="",
                flush=True,
            )
            loaded = await load(pool, framework, args.preset, {**one, **many}, numbers)
            async with pool.acquire() as conn:
                await conn.execute("VACUUM ANALYZE board_facts")
                await conn.execute("VACUUM ANALYZE ledger_events")
                versions = await conn.fetchval("SELECT count(*) FROM board_facts")
                facts = await conn.fetchval(
                    "SELECT count(*) FROM (SELECT DISTINCT trust_id, academy_id, kind, key "
                    "FROM board_facts) f"
                )
                ledger_rows = await conn.fetchval("SELECT count(*) FROM ledger_events")
                size = await conn.fetchval(
                    "SELECT pg_size_pretty(pg_total_relation_size('board_facts'))"
                )
        finally:
            await pool.close()
        print(
            f"\nloaded {loaded.events} events in {loaded.seconds:.0f} s "
            f"({loaded.events / loaded.seconds:.0f} events/s): {facts} board facts in "
            f"{versions} versions ({size} with its index), {ledger_rows} ledger events; "
            f"{len(one)} + {len(many)} trusts"
        )

        metadata = {
            t: (("authorization", f"Bearer {tokens.mint('trustee@bench', Role.TRUSTEE, t)}"),)
            for t in (*one, *many)
        }
        reader = Reader(reporting_pb2_grpc.ReportingServiceStub(channel), metadata)
        service_health = health_pb2_grpc.HealthStub(channel)
        await echo.start()
        echo_requests = 300 if args.quick else 2000
        titles = (
            f"Scenario A: one trust of {args.academies} academies, {TERM} {YEAR}, "
            f"{args.requests} requests a cell",
            f"Scenario B: {args.academies_total} academies across {args.trusts} trusts "
            f"({args.academies_total // args.trusts} each), each trust's report in turn, "
            f"{args.requests} requests a cell",
        )
        groups = (list(one), list(many))
        cold = [
            await scenario(
                f"{title}; COLD (no report cache: {CACHE_VARIABLE}=0)",
                reader,
                trusts,
                args.requests,
                echo,
                service_health,
                echo_requests,
            )
            for title, trusts in zip(titles, groups, strict=True)
        ]
        # Warm: the same service restarted keeping enough whole reports for
        # every request here (the warm-up reads each once).
        service = platform.services["reporting"]
        service.env[CACHE_VARIABLE] = str(4 * (len(one) + len(many)))
        await asyncio.to_thread(service.restart)
        warm = [
            await scenario(
                f"{title}; WARM (report cache hits: {CACHE_VARIABLE}="
                f"{service.env[CACHE_VARIABLE]})",
                reader,
                trusts,
                args.requests,
                echo,
                service_health,
                echo_requests,
            )
            for title, trusts in zip(titles, groups, strict=True)
        ]
        past = f"as_of {PAST_AS_OF} (past)"
        print(
            f"\nissue 12 target, p99 < {TARGET_P99_MS:.0f} ms for {args.academies} academies "
            f"at concurrency 1 (past as_of; figures only, no assertion): cold p99 "
            f"{cold[0][(past, 1)].ms(0.99):.1f} ms, warm p99 {warm[0][(past, 1)].ms(0.99):.1f} ms"
        )
        if not args.no_profile:
            await profile(dsn, next(iter(one)), NOW, 5 if args.quick else 20)
    finally:
        if hasattr(echo, "server"):
            await echo.stop()
        await channel.close(None)
        await asyncio.to_thread(platform.stop)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--academies", type=int, default=120, help="scenario A's trust")
    parser.add_argument("--trusts", type=int, default=50, help="scenario B's trusts")
    parser.add_argument("--academies-total", type=int, default=2000, help="scenario B's academies")
    parser.add_argument(
        "--requests", type=int, default=200, help="per cell (scenario B: spread over its trusts)"
    )
    parser.add_argument("--preset", default="seed-004-focus", help="the trusts' framework")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke run")
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.academies, arguments.trusts = 12, 3
        arguments.academies_total, arguments.requests = 30, 20
    try:
        import uvloop
    except ImportError:
        asyncio.run(main(arguments))
    else:
        uvloop.run(main(arguments))

"""Benchmark: rebuild every reporting read model from the services' feeds, against
PostgreSQL's own COPY of the same rows, measured in the same run.

    .venv/bin/python bench/rebuild.py [--events 1000000] [--batch-size 5000] [--from-json]
                                      [--profile FILE]

1. Generates ``--events`` events of many trusts' years across the four services
   (data returns and corrections, inspections, plans; judgements, phase changes,
   concerns, interventions; meetings with papers, apologies, notes and actions
   carried forward or completed, trust-wide meetings too; entitlements and their
   use, budgets, requests, commissions, deliveries, invoices and credit notes),
   every payload made from the published contracts' examples.
2. Serves them from memory: an in-process feed reader per service, no gRPC (a
   real rebuild reads the same envelopes over ``EventFeed.ReadEvents``). By
   default the envelopes are already decoded; with ``--from-json`` the reader
   decodes each one's JSON as ``chassis.feed.read_feed`` does, inside the timing.
3. Rebuilds into a fresh schema of a local PostgreSQL (started here, fsync on,
   as ``libs/localinfra`` starts it for the tests) and times it.
4. Checks the row counts, and that one trust's rows are identical to the live
   stores' ``project`` applied to that trust's events one by one.
5. The yardstick: the rows the rebuild wrote are read back and COPYed
   (asyncpg ``copy_records_to_table``, one COPY per table) into plain tables
   of the same columns (no keys, no indexes) in one transaction, timed.

Prints both rates in events/s (and rows/s), the ratio rebuild/COPY, and for
each the CPU per event of this process (with its children) and of the PostgreSQL
cluster (read from /proc), which say where the machine's cores went whatever
else ran on it. No assertion about time: the figures are for people to read.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import datetime as dt
import functools
import gc
import os
import random
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")

import asyncpg
import uvloop
from chassis.db import create_pool
from chassis.envelope import Actor, EventEnvelope
from contracts.examples import records
from localinfra import start_postgres
from reporting.adapters.actions_store import ActionsStore
from reporting.adapters.board_store import BoardStore
from reporting.adapters.ledger_store import LedgerStore
from reporting.adapters.rebuild_writer import (
    ACTION_COLUMNS,
    BOARD_COLUMNS,
    LEDGER_COLUMNS,
    TIMELINE_COLUMNS,
    RebuildWriter,
)
from reporting.adapters.timeline_store import TimelineStore
from reporting.application.rebuild import LIVE_CONTRACTS, FeedReader, Projection, rebuild
from reporting.domain.board_facts import BOARD_EVENTS
from reporting.domain.ledger import LEDGER_EVENTS

FEEDS = ("academies", "evaluations", "meetings", "support")
TEMPLATES: dict[str, dict[str, Any]] = {
    model.EVENT_TYPE: record["value"]["payload"] for model, record in records(lambda _m: "").items()
}
TERMS = (("autumn", 9, 6), ("spring", 1, 8), ("summer", 4, 20))  # name, month, day it starts
ACADEMIES_PER_TRUST = 40
YEARS = 4
EVENTS_PER_ACADEMY_YEAR = 125  # about, with the mix below
PROVIDERS_PER_TRUST = 5
SAMPLE_TRUST = "trust-000"

CEO = {"subject": "ceo", "role": "chief_executive"}
HEAD = {"subject": "head", "role": "headteacher"}
LEAD = {"subject": "lead", "role": "improvement_lead"}
FINANCE = {"subject": "finance", "role": "finance"}
SERVICE = {"subject": "support-entitlements", "role": "service"}
GRADES = ("outstanding", "good", "requires_improvement", "inadequate")
BANDS = ("well_above", "above", "average", "below", "well_below")
PHASES = ("self_managing", "supported", "intensive")


class Full(Exception):
    """The feeds hold as many events as asked for."""


class Story:
    """Many trusts' years, told as the four services' feeds (deterministic)."""

    def __init__(self, limit: int, seed: int = 12) -> None:
        self.feeds: dict[str, list[EventEnvelope]] = {name: [] for name in FEEDS}
        self.expected: Counter[str] = Counter()  # rows each read model should hold
        self._limit = limit
        self._count = 0
        self._rng = random.Random(seed)
        self._now = dt.datetime(2021, 9, 1, 7, tzinfo=dt.UTC)
        self._open_actions: dict[str, list[str]] = {}
        self._phase: dict[str, str] = {}

    # -- the envelope ---------------------------------------------------------------

    def emit(self, event_type: str, actor: dict[str, str], **changes: Any) -> None:
        if self._count >= self._limit:
            raise Full
        source = event_type.split(".", 1)[0]
        feed = self.feeds[source]
        payload = {**TEMPLATES[event_type], **changes}
        key = str(payload.get("academy_id") or payload.get("provider_id") or payload["trust_id"])
        self._now += dt.timedelta(seconds=self._rng.randint(1, 20))
        feed.append(
            EventEnvelope.model_construct(
                event_id=self._uuid(),
                event_type=event_type,
                schema_version=1,
                stream=f"{source}-{key}",
                stream_position=len(feed) + 1,
                global_position=len(feed) + 1,
                source=source,
                key=key,
                occurred_at=self._now,
                actor=Actor.model_construct(subject=actor["subject"], role=actor["role"]),
                correlation_id=str(self._count),
                causation_id=None,
                traceparent=None,
                tracestate=None,
                payload=payload,
            )
        )
        self._count += 1
        self._expect(event_type, payload)

    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self._rng.getrandbits(128), version=4)

    def _expect(self, event_type: str, payload: dict[str, Any]) -> None:
        """Counted by the plain rules of each model, not by the projections."""
        academy = payload.get("academy_id")
        if academy and not event_type.startswith("support.ProviderCapacity"):
            self.expected["timeline"] += 1
        if event_type in LEDGER_EVENTS:
            self.expected["ledger"] += 1
        if event_type in BOARD_EVENTS and (academy or not event_type.startswith("meetings.")):
            self.expected["board"] += 1
        if event_type == "meetings.ActionRaised" and academy:
            self.expected["actions"] += 1

    # -- the story -----------------------------------------------------------------

    def tell(self) -> None:
        per_trust = ACADEMIES_PER_TRUST * YEARS * EVENTS_PER_ACADEMY_YEAR
        trusts = [f"trust-{n:03d}" for n in range(max(1, round(self._limit / per_trust)))]
        try:
            for trust in trusts:
                self._trust_joins(trust)
            for year in range(2021, 2100):
                label = f"{year}/{(year + 1) % 100:02d}"
                for term, month, day in TERMS:
                    start = dt.datetime(year + (month < 9), month, day, 7, tzinfo=dt.UTC)
                    self._now = max(self._now, start)
                    for trust in trusts:
                        self._term(trust, label, term)
        except Full:
            return

    def _trust_joins(self, trust: str) -> None:
        self.emit("academies.TrustCreated", CEO, trust_id=trust, name=f"Trust {trust}")
        self.emit("academies.FrameworkAdopted", CEO, trust_id=trust)
        for n in range(ACADEMIES_PER_TRUST):
            academy = f"{trust}-academy-{n:02d}"
            phase = self._rng.choice(("primary", "secondary", "all_through"))
            self.emit(
                "academies.AcademyRegistered",
                CEO,
                trust_id=trust,
                academy_id=academy,
                urn=f"{100000 + self._count}",
                name=academy,
                phase_of_education=phase,
            )
        for n in range(PROVIDERS_PER_TRUST):
            provider = f"{trust}-provider-{n}"
            self.emit(
                "support.ProviderRegistered",
                LEAD,
                trust_id=trust,
                provider_id=provider,
                name=provider,
            )

    def _term(self, trust: str, year: str, term: str) -> None:
        self._trust_meeting(trust, year, term)
        for n in range(ACADEMIES_PER_TRUST):
            ids = {"trust_id": trust, "academy_id": f"{trust}-academy-{n:02d}"}
            self._data(ids, year, term)
            self._evaluation(ids, year, term)
            for slot in (1, 2):
                self._meeting(ids, year, term, slot)
            self._support(ids, year, term)

    def _values(self) -> dict[str, Any]:
        rng = self._rng
        return {
            "kpis": {"persistent_absence_percent": round(rng.uniform(5, 25), 1)},
            "attendance_percent": round(rng.uniform(88, 98), 1),
            "progress8_score": round(rng.uniform(-1, 1), 2),
            "progress8_band": rng.choice(BANDS),
        }

    def _data(self, ids: dict[str, str], year: str, term: str) -> None:
        """Data returns (a termly one and a half-term's drop), corrections, plans, inspections."""
        emit, rng = self.emit, self._rng
        kpi = f"{ids['academy_id']}-{year}-{term}-kpi".replace("/", "-")
        period = {"academic_year": year, "term": term, "half_term": 0}
        emit(
            "academies.DataSubmitted",
            HEAD,
            **ids,
            submission_id=kpi,
            period=period,
            values=self._values(),
        )
        emit(
            "academies.DataSubmitted",
            HEAD,
            **ids,
            submission_id=f"{kpi}-drop",
            period={**period, "half_term": 1},
            return_type="half_termly_data_drop",
            values=self._values(),
        )
        if rng.random() < 0.3:
            emit(
                "academies.SubmissionCorrected",
                HEAD,
                **ids,
                submission_id=kpi,
                values=self._values(),
            )
        if term == "autumn":
            emit("academies.ImprovementPlanSubmitted", HEAD, **ids, academic_year=year)
            emit("academies.SelfEvaluationSubmitted", HEAD, **ids, academic_year=year)
        if rng.random() < 0.08:
            emit(
                "academies.InspectionRecorded",
                LEAD,
                **ids,
                inspection_date=self._now.date().isoformat(),
            )
        if rng.random() < 0.01:
            emit("academies.AcademyDetailsChanged", CEO, **ids, name=f"renamed {self._count}")

    def _evaluation(self, ids: dict[str, str], year: str, term: str) -> None:
        """The term's judgement; phase changes in the summer; concerns; interventions."""
        emit, rng = self.emit, self._rng
        academy = ids["academy_id"]
        grades = {area: rng.choice(GRADES) for area in ("quality_of_education", "leadership")}
        emit(
            "evaluations.EvaluationJudged",
            LEAD,
            **ids,
            academic_year=year,
            term=term,
            evaluation_id=f"{academy}-{year}-{term}".replace("/", "-"),
            judgements=grades,
        )
        if term == "summer" and rng.random() < 0.3:
            old = self._phase.get(academy)
            new = self._phase[academy] = rng.choice([p for p in PHASES if p != old])
            proposal = f"{academy}-{year}-annual".replace("/", "-")
            emit(
                "evaluations.PhaseProposed",
                CEO,
                **ids,
                proposal_id=proposal,
                current_phase=old,
                proposed_phase=new,
            )
            emit(
                "evaluations.PhaseChanged",
                CEO,
                **ids,
                proposal_id=proposal,
                old_phase=old,
                new_phase=new,
            )
        if rng.random() < 0.03:
            emit("evaluations.ConcernRaised", LEAD, **ids, concern_id=str(self._uuid()))
        if rng.random() < 0.01:
            emit("evaluations.FormalInterventionStarted", CEO, **ids)
            emit("evaluations.FormalInterventionEnded", CEO, **ids)

    def _meeting(self, ids: dict[str, str], year: str, term: str, slot: int) -> None:
        """A meeting with its papers, apologies, notes and actions, and the entitlement
        day it uses; now and then one cancelled instead."""
        emit, rng = self.emit, self._rng
        meeting = {**ids, "meeting_id": f"{ids['academy_id']}-{year}-{term}-{slot}"}
        on = self._now.date() + dt.timedelta(days=14 * slot)
        at, held = f"{on.isoformat()}T09:30:00Z", on.isoformat()
        emit(
            "meetings.MeetingScheduled",
            LEAD,
            **meeting,
            academic_year=year,
            term=term,
            scheduled_for=at,
            cadence_slot=slot,
        )
        if rng.random() < 0.05:
            emit("meetings.MeetingCancelled", LEAD, **meeting, why="by_hand")
            return
        if rng.random() < 0.15:
            emit("meetings.MeetingRescheduled", LEAD, **meeting, old_scheduled_for=at, term=term)
        for paper in ("headteacher report", "data summary"):
            submitted = str(on - dt.timedelta(days=rng.randint(1, 9)))
            emit(
                "meetings.PaperSubmitted",
                HEAD,
                **meeting,
                paper=paper,
                submitted_on=submitted,
                due_on=str(on - dt.timedelta(days=5)),
            )
        if rng.random() < 0.4:
            emit("meetings.ApologiesGiven", HEAD, **meeting)
        emit("meetings.MeetingHeld", LEAD, **meeting, academic_year=year, term=term, held_on=held)
        emit(
            "support.EntitlementUsed",
            SERVICE,
            **ids,
            academic_year=year,
            source_id=meeting["meeting_id"],
            used_on=held,
        )
        emit("meetings.NotesDrafted", LEAD, **meeting, drafted_on=held)
        emit("meetings.NotesApproved", HEAD, **meeting)
        emit("meetings.NotesCirculated", LEAD, **meeting, circulated_on=held)
        self._actions(meeting, on)

    def _actions(self, meeting: dict[str, str], on: dt.date) -> None:
        """The last meeting's open actions completed or carried here; two new ones."""
        emit, academy = self.emit, meeting["academy_id"]
        still_open = []
        for action in self._open_actions.get(academy, []):
            ids = {"trust_id": meeting["trust_id"], "academy_id": academy, "action_id": action}
            if self._rng.random() < 0.6:
                emit(
                    "meetings.ActionCompleted",
                    HEAD,
                    **ids,
                    meeting_id=meeting["meeting_id"],
                    completed_on=str(on),
                )
            else:
                emit(
                    "meetings.ActionCarriedForward",
                    LEAD,
                    **ids,
                    from_meeting_id="earlier",
                    to_meeting_id=meeting["meeting_id"],
                    due_on=str(on + dt.timedelta(42)),
                )
                still_open.append(action)
        for n in (1, 2):
            action = f"{meeting['meeting_id']}-action-{n}"
            emit(
                "meetings.ActionRaised",
                LEAD,
                **meeting,
                action_id=action,
                title=action,
                raised_on=str(on),
                due_on=str(on + dt.timedelta(35)),
            )
            still_open.append(action)
        self._open_actions[academy] = still_open

    def _trust_meeting(self, trust: str, year: str, term: str) -> None:
        """The heads' executive meeting: trust-wide (no academy), so in no academy's models."""
        meeting = {"trust_id": trust, "academy_id": None, "meeting_id": f"{trust}-{year}-{term}"}
        when = {"academic_year": year, "term": term, "meeting_type": "heads_executive"}
        self.emit("meetings.MeetingScheduled", CEO, **meeting, **when)
        self.emit("meetings.MeetingHeld", CEO, **meeting, **when, held_on=str(self._now.date()))
        self.emit("meetings.ActionRaised", CEO, **meeting, action_id=f"{trust}-{year}-{term}-x")

    def _support(self, ids: dict[str, str], year: str, term: str) -> None:
        """Entitlement and budget each autumn; a request commissioned, delivered and
        invoiced each term; now and then a variation, a credit note, an over-commitment."""
        emit, rng = self.emit, self._rng
        money = {**ids, "academic_year": year}
        if term == "autumn":
            emit("support.EntitlementGranted", SERVICE, **money)
            emit("support.BudgetProposed", FINANCE, **money)
            emit("support.BudgetAgreed", CEO, **money)
        if rng.random() < 0.05:
            emit("support.EntitlementAdjusted", SERVICE, **money)
        name = f"{ids['academy_id']}-{year}-{term}".replace("/", "-")
        provider = f"{ids['trust_id']}-provider-{rng.randrange(PROVIDERS_PER_TRUST)}"
        work = {**money, "commission_id": f"{name}-commission", "provider_id": provider}
        emit("support.SupportRequested", HEAD, **ids, request_id=f"{name}-request")
        emit("support.SupportRequestTriaged", LEAD, **ids, request_id=f"{name}-request")
        emit("support.SupportCommissioned", LEAD, **work, request_id=f"{name}-request", term=term)
        emit("support.ProviderCapacityBooked", LEAD, **work, term=term)
        if rng.random() < 0.1:
            emit("support.CommissionVaried", LEAD, **work)
        for n in (1, 2):
            emit("support.SupportDelivered", FINANCE, **work, delivery_id=f"{name}-delivery-{n}")
        invoice = {**work, "invoice_id": str(self._uuid()), "invoice_number": f"INV-{self._count}"}
        emit("support.InvoiceRecorded", FINANCE, **invoice)
        if rng.random() < 0.1:
            emit("support.InvoiceCredited", FINANCE, **invoice, credit_note_number=f"CN-{name}")
        if rng.random() < 0.05:
            emit("support.OverCommitmentApproved", CEO, **money, approval_id=f"{name}-over")


# -- serving the feeds -------------------------------------------------------------


def memory_reader(events: Sequence[EventEnvelope]) -> FeedReader:
    """A feed in memory; its positions are 1, 2, 3... so a position is an index."""

    async def read(after_position: int = 0) -> AsyncIterator[EventEnvelope]:
        for envelope in events[after_position:]:
            yield envelope

    return read


def json_reader(events: Sequence[bytes]) -> FeedReader:
    """A feed of JSON envelopes, decoded as ``chassis.feed.read_feed`` decodes them."""

    async def read(after_position: int = 0) -> AsyncIterator[EventEnvelope]:
        for data in events[after_position:]:
            yield EventEnvelope.from_json_bytes(data)

    return read


# -- the checks --------------------------------------------------------------------

_ORDER = {
    "timeline_entries": "event_id",
    "ledger_events": "event_id",
    "owner_actions": "action_id",
    "board_facts": "trust_id, academy_id, kind, key, position",  # versions in their order
    "board_facts_current": "trust_id, academy_id, kind, key, academic_year",
}
_COLUMNS = {
    "timeline_entries": TIMELINE_COLUMNS,
    "ledger_events": LEDGER_COLUMNS,
    "owner_actions": ACTION_COLUMNS,
    "board_facts": BOARD_COLUMNS,
    # Each fact's current version, kept with the history (reporting's board_store).
    "board_facts_current": (*BOARD_COLUMNS, "position"),
}
# Compared between live and rebuilt: positions aside (each copy numbers its own).
_COMPARED = {**_COLUMNS, "board_facts_current": BOARD_COLUMNS}


async def rows_of(
    conn: asyncpg.Connection, schema: str, table: str, trusts: Sequence[str] | None = None
) -> list[tuple[Any, ...]]:
    """A table's rows (positions aside; jsonb as its text), in a comparable order."""
    columns = ", ".join(f"{c}::text" if c in ("payload", "value") else c for c in _COMPARED[table])
    where = "" if trusts is None else "WHERE trust_id = ANY($1::text[])"
    rows = await conn.fetch(
        f"SELECT {columns} FROM {schema}.{table} {where} ORDER BY {_ORDER[table]}",
        *([] if trusts is None else [list(trusts)]),
    )
    return [tuple(row.values()) for row in rows]


async def project_live(pool: asyncpg.Pool, schema: str, envelopes: Iterator[EventEnvelope]) -> None:
    """The live projections, event by event, as their consumers apply them."""
    stores = (TimelineStore(schema), ActionsStore(schema), LedgerStore(schema), BoardStore(schema))
    async with pool.acquire() as conn, conn.transaction():
        # An empty copy, finished: the live model's tables with their keys and indexes.
        writer = RebuildWriter(schema)
        await writer.create_fresh(conn)
        await writer.finish(conn)
        for envelope in envelopes:
            if not LIVE_CONTRACTS.knows_type(envelope.event_type):
                continue
            checked = LIVE_CONTRACTS.normalise(envelope)
            for store in stores:
                await store.project(conn, checked)


def sample(story: Story, trust: str) -> Iterator[EventEnvelope]:
    for name in FEEDS:
        yield from (e for e in story.feeds[name] if e.payload.get("trust_id") == trust)


async def check(pool: asyncpg.Pool, story: Story, schema: str) -> None:
    async with pool.acquire() as conn:
        counts = {
            "timeline": await conn.fetchval(f"SELECT count(*) FROM {schema}.timeline_entries"),
            "ledger": await conn.fetchval(f"SELECT count(*) FROM {schema}.ledger_events"),
            "board": await conn.fetchval(f"SELECT count(*) FROM {schema}.board_facts"),
            "actions": await conn.fetchval(f"SELECT count(*) FROM {schema}.owner_actions"),
        }
    wrong = {k: (counts[k], story.expected[k]) for k in counts if counts[k] != story.expected[k]}
    print(f"row counts: {counts}" + (f"  MISMATCH (got, expected): {wrong}" if wrong else "  ok"))
    started = time.perf_counter()
    await project_live(pool, "live_sample", sample(story, SAMPLE_TRUST))
    same = True
    async with pool.acquire() as conn:
        for table in _ORDER:
            live = await rows_of(conn, "live_sample", table)
            rebuilt = await rows_of(conn, schema, table, [SAMPLE_TRUST])
            same = same and live == rebuilt and bool(live)
            print(f"  {SAMPLE_TRUST} {table}: {len(live)} live rows, identical: {live == rebuilt}")
    took = time.perf_counter() - started
    print(f"sample identical to the live projections: {same} (live projection took {took:.1f} s)")


# -- the yardstick -----------------------------------------------------------------


def cluster_cpu(root_dir: str) -> float:
    """CPU seconds the PostgreSQL cluster has used so far: the postmaster, the
    children it reaped, and the live ones (read from /proc; Linux only)."""
    with open(os.path.join(root_dir, "data", "postmaster.pid")) as pid_file:
        master = int(pid_file.readline())
    ticks = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:  # gone since listed
            continue
        if int(pid) == master:
            ticks += sum(int(n) for n in fields[11:15])  # its own, and its reaped children's
        elif int(fields[1]) == master:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


async def copy_yardstick(dsn: str, schema: str, server: Callable[[], float]) -> Timing:
    """COPY the rows the rebuild wrote into plain tables of the same columns:
    wall seconds, this process's and the server's CPU seconds, and the rows."""
    conn = await asyncpg.connect(dsn)
    try:
        tables: dict[str, list[tuple[Any, ...]]] = {}
        for table, columns in _COLUMNS.items():
            await conn.execute(f"DROP TABLE IF EXISTS yardstick_{table}")
            # Same columns and defaults (the facts' position from a sequence), no keys, no indexes.
            await conn.execute(
                f"CREATE TABLE yardstick_{table} (LIKE {schema}.{table} INCLUDING DEFAULTS)"
            )
            rows = await conn.fetch(f"SELECT {', '.join(columns)} FROM {schema}.{table}")
            tables[table] = [tuple(r.values()) for r in rows]
        with Timer(server) as timer:
            async with conn.transaction():
                for table, rows in tables.items():
                    await conn.copy_records_to_table(
                        f"yardstick_{table}", records=rows, columns=_COLUMNS[table]
                    )
        return timer.timing(sum(len(r) for r in tables.values()))
    finally:
        await conn.close()


# -- the run -----------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    """What one timed step took: wall seconds, CPU seconds of this process (and its
    children), of the PostgreSQL cluster, and how many (events or rows) it did."""

    wall: float
    cpu: float
    server: float
    count: int


class Timer:
    """Wall clock, this process's CPU (with its reaped children's) and the server's."""

    def __init__(self, server: Callable[[], float]) -> None:
        self._server = server

    def __enter__(self) -> Timer:
        self._began = (time.perf_counter(), _own_cpu(), self._server())
        return self

    def __exit__(self, *_exc: object) -> None:
        wall, cpu, server = self._began
        self._took = (time.perf_counter() - wall, _own_cpu() - cpu, self._server() - server)

    def timing(self, count: int) -> Timing:
        return Timing(*self._took, count)


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def printer(every: int) -> Callable[[str, int, int | None], None]:
    last: dict[str, int] = {}

    def progress(feed: str, done: int, _total: int | None) -> None:
        if done - last.get(feed, -every) >= every:
            last[feed] = done
            print(f"  {feed}: {done:,} events", flush=True)

    return progress


@dataclass(frozen=True)
class Options:
    events: int
    batch_size: int
    from_json: bool
    profile: str | None
    breakdown: bool


def cpu_breakdown(story: Story) -> tuple[float, float]:
    """CPU microseconds per event with no database: the live consumers' contract
    check alone, then the whole projection (the check included)."""
    envelopes = [e for name in FEEDS for e in story.feeds[name]]
    began = time.process_time()
    for envelope in envelopes:
        LIVE_CONTRACTS.normalise(envelope)
    check = time.process_time() - began
    projection = Projection()
    began = time.process_time()
    for n, envelope in enumerate(envelopes, 1):
        projection.apply(envelope)
        if n % 5000 == 0:
            projection.take()
    whole = time.process_time() - began
    return check / len(envelopes) * 1e6, whole / len(envelopes) * 1e6


async def timed_rebuild(
    pool: asyncpg.Pool,
    readers: dict[str, FeedReader],
    options: Options,
    server: Callable[[], float],
) -> Timing:
    """The rebuild into schema ``rebuilt``, timed; its count is the events read."""
    profiler = cProfile.Profile() if options.profile else None
    if profiler:
        profiler.enable()
    with Timer(server) as timer:
        count = await rebuild(
            pool, readers, "rebuilt", batch_size=options.batch_size, progress=printer(250_000)
        )
    if profiler and options.profile:
        profiler.disable()
        profiler.dump_stats(options.profile)
    return timer.timing(count)


def feed_readers(story: Story, from_json: bool) -> dict[str, FeedReader]:
    if from_json:
        return {n: json_reader([e.to_json_bytes() for e in f]) for n, f in story.feeds.items()}
    return {name: memory_reader(f) for name, f in story.feeds.items()}


async def run(options: Options) -> None:
    started = time.perf_counter()
    story = Story(options.events)
    story.tell()
    total = sum(len(f) for f in story.feeds.values())
    sizes = ", ".join(f"{name} {len(f):,}" for name, f in story.feeds.items())
    print(f"generated {total:,} events in {time.perf_counter() - started:.1f} s: {sizes}")
    # The story stands in for the services' event stores, not the rebuild's memory:
    # out of the collector's sight, as a feed's envelopes come and go in a real one.
    gc.freeze()
    readers = feed_readers(story, options.from_json)
    cluster = await asyncio.to_thread(start_postgres)
    server = functools.partial(cluster_cpu, cluster.root_dir)
    try:
        dsn = cluster.create_database("reporting")
        pool = await create_pool(dsn)
        try:
            rebuilt = await timed_rebuild(pool, readers, options, server)
            await check(pool, story, "rebuilt")
        finally:
            await pool.close()
        copied = await copy_yardstick(dsn, "rebuilt", server)
    finally:
        cluster.stop()
    report(rebuilt, copied, options.from_json)
    if options.breakdown:
        check_us, whole_us = cpu_breakdown(story)
        print(
            f"CPU per event with no database: the projection {whole_us:.1f} us, of which the "
            f"live consumers' contract check {check_us:.1f} us and the read models' own "
            f"functions and rows {whole_us - check_us:.1f} us"
        )


def report(rebuilt: Timing, copied: Timing, from_json: bool) -> None:
    events, rows = rebuilt.count, copied.count
    how = "decoding JSON in the reader" if from_json else "envelopes already decoded"
    print(f"events: {events:,}; rows written: {rows:,} ({rows / events:.2f} per event)")
    for name, timing in (("rebuild", rebuilt), ("COPY of the same rows", copied)):
        print(
            f"{name}: {timing.wall:.1f} s = {events / timing.wall:,.0f} events/s "
            f"({rows / timing.wall:,.0f} rows/s) = {timing.wall / events * 1e6:.1f} us per event; "
            f"CPU per event: this process {timing.cpu / events * 1e6:.1f} us, "
            f"PostgreSQL {timing.server / events * 1e6:.1f} us"
        )
    print(f"  (rebuild {how})")
    print(f"ratio rebuild/COPY: {copied.wall / rebuilt.wall:.2f} (target >= 0.5)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--from-json", action="store_true", help="decode JSON in the reader")
    parser.add_argument("--profile", help="write the rebuild's cProfile stats to this file")
    parser.add_argument(
        "--breakdown", action="store_true", help="then time the projection with no database"
    )
    args = parser.parse_args()
    options = Options(args.events, args.batch_size, args.from_json, args.profile, args.breakdown)
    uvloop.run(run(options))  # as the services run


if __name__ == "__main__":
    main()

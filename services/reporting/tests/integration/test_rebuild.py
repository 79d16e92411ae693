"""Given varied events of every service, when the read models are rebuilt from
the services' feeds, then every table equals what reporting's live consumers
(bootstrap's, with their contracts and topics) projected from the same events
one by one, positions aside; a rebuild stopped part way resumes after its
checkpoints and applies no event twice; a finished copy catches up; the live
schema is rebuilt in place, and only from scratch."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import pytest
from chassis.consumer import INBOX_SCHEMA
from chassis.db import apply_schema
from chassis.envelope import Actor, EventEnvelope
from chassis.runtime import ServiceContext
from chassis.settings import ServiceSettings
from contracts.academies import v1 as acad
from contracts.base import EventPayload
from contracts.evaluations import v1 as ev
from contracts.examples import records
from contracts.meetings import v1 as mt
from contracts.support import v1 as sp
from reporting.adapters.actions_store import ActionsStore
from reporting.adapters.board_store import BoardStore
from reporting.adapters.ledger_store import LedgerStore
from reporting.adapters.timeline_store import TimelineStore
from reporting.application.rebuild import FeedReader, RebuildRefused, rebuild, rebuild_timeline
from reporting.bootstrap import SPEC

TRUST, OTHER_TRUST = "oak", "elm"
FEEDS = ("academies", "evaluations", "meetings", "support")
# Every payload starts from the contracts' own example and goes through its model.
EXAMPLES: dict[type[EventPayload], dict[str, Any]] = {
    model: record["value"]["payload"] for model, record in records(lambda _m: "").items()
}
T0 = dt.datetime(2026, 9, 7, 8, tzinfo=dt.UTC)
LEAD = Actor(subject="lead", role="improvement_lead")
# support's provider topic (key: provider); every other support event is the academy's.
PROVIDER_EVENTS = {
    m.EVENT_TYPE
    for m in (
        sp.ProviderRegistered,
        sp.ProviderUpdated,
        sp.DueDiligenceRecorded,
        sp.ConflictOfInterestDeclared,
        sp.ProviderCapacityBooked,
        sp.ProviderCapacityReleased,
        sp.InvoiceRecorded,
        sp.InvoiceCredited,
    )
}
TRUST_EVENTS = {acad.TrustCreated.EVENT_TYPE, acad.FrameworkAdopted.EVENT_TYPE}


class FeedGone(ConnectionError):
    pass


@dataclass
class Feeds:
    """The services' feeds in memory (positions 1, 2, 3... per service)."""

    events: dict[str, list[EventEnvelope]] = field(
        default_factory=lambda: {name: [] for name in FEEDS}
    )
    _clock: itertools.count[int] = field(default_factory=itertools.count)

    def add(self, model: type[EventPayload], **changes: Any) -> None:
        payload = model.model_validate({**EXAMPLES[model], "trust_id": TRUST, **changes})
        self.raw(model.EVENT_TYPE, payload.model_dump(mode="json"))

    def raw(self, event_type: str, payload: dict[str, Any], version: int = 1) -> None:
        source = event_type.split(".", 1)[0]
        feed = self.events[source]
        feed.append(
            EventEnvelope(
                event_id=uuid.uuid4(),
                event_type=event_type,
                schema_version=version,
                stream=f"{source}-s",
                stream_position=len(feed) + 1,
                global_position=len(feed) + 1,
                source=source,
                key=str(payload.get("academy_id") or payload.get("trust_id")),
                occurred_at=T0 + dt.timedelta(hours=next(self._clock)),
                actor=LEAD,
                correlation_id="c",
                payload=payload,
            )
        )

    def reader(
        self, name: str, fail_after: int | None = None, asked: list[int] | None = None
    ) -> FeedReader:
        events = self.events[name]

        async def read(after_position: int = 0) -> AsyncIterator[EventEnvelope]:
            if asked is not None:
                asked.append(after_position)
            for n, envelope in enumerate(events[after_position:]):
                if fail_after is not None and n == fail_after:
                    raise FeedGone(f"the {name} feed went away")
                yield envelope

        return read

    def readers(self, **fail_after: int) -> dict[str, FeedReader]:
        return {name: self.reader(name, fail_after.get(name)) for name in FEEDS}

    def total(self) -> int:
        return sum(len(feed) for feed in self.events.values())


def story() -> Feeds:
    """Two trusts' academies through every service, with the awkward cases:
    corrections (a fact's year kept), versions of one fact, a confidential
    concern, a trust-wide meeting, a raise delivered twice, an event type no
    contract names, a version with no contract, a payload its contract refuses."""
    f = Feeds()
    a1, a2 = {"academy_id": "a1"}, {"academy_id": "a2"}
    f.add(acad.TrustCreated)
    f.add(acad.FrameworkAdopted)
    f.add(acad.AcademyRegistered, **a1, urn="100001", name="Alder")
    f.add(acad.AcademyRegistered, **a2, urn="100002", name="Birch")
    f.add(acad.DataSubmitted, **a1, submission_id="s1")
    f.add(acad.AcademyDetailsChanged, **a1, name="Alder CE")
    f.add(acad.SubmissionCorrected, **a1, submission_id="s1", revision=2)
    f.add(acad.InspectionRecorded, **a2)
    f.add(acad.ImprovementPlanSubmitted, **a1)
    f.add(acad.TrustCreated, trust_id=OTHER_TRUST, name="Elm Trust")
    f.add(acad.AcademyRegistered, trust_id=OTHER_TRUST, academy_id="b1", urn="100003")
    f.add(acad.DataSubmitted, trust_id=OTHER_TRUST, academy_id="b1", submission_id="s2")
    f.raw("academies.AcademyTwinned", {"trust_id": TRUST, "academy_id": "a1"})
    f.raw("academies.DataSubmitted", {**EXAMPLES[acad.DataSubmitted], "trust_id": TRUST}, 9)
    f.add(acad.AcademyLeftTrust, **a2)

    f.add(ev.EvaluationJudged, **a1)
    f.add(ev.PhaseProposed, **a1)
    f.add(ev.PhaseChanged, **a1)
    f.add(ev.ConcernRaised, **a1)
    f.add(ev.FormalInterventionStarted, **a2)
    f.add(ev.FormalInterventionEnded, **a2)
    f.add(ev.PhaseChanged, **a1, old_phase="self_managing", new_phase="supported")
    broken = {k: v for k, v in EXAMPLES[ev.EvaluationJudged].items() if k != "academic_year"}
    f.raw("evaluations.EvaluationJudged", {**broken, "trust_id": TRUST})

    m1, m2, m3 = ({**a1, "meeting_id": m} for m in ("m1", "m2", "m3"))
    f.add(mt.MeetingScheduled, **m1)
    f.add(mt.MeetingRescheduled, **m1)
    f.add(mt.PaperSubmitted, **m1, paper="head report")
    f.add(mt.PaperSubmitted, **m1, paper="data", submitted_on="2026-11-01", due_on="2026-10-29")
    f.add(mt.ApologiesGiven, **m1)
    f.add(mt.MeetingHeld, **m1)
    f.add(mt.NotesDrafted, **m1)
    f.add(mt.NotesApproved, **m1)
    f.add(mt.NotesCirculated, **m1)
    f.add(mt.ActionRaised, **m1, action_id="x1")
    f.add(mt.ActionRaised, **m1, action_id="x2", title="Second")
    f.add(mt.MeetingScheduled, **m2, scheduled_for="2027-01-12T09:30:00Z", term="spring")
    f.add(mt.ActionCarriedForward, **a1, action_id="x1", from_meeting_id="m1", to_meeting_id="m2")
    f.add(mt.ActionCompleted, **m2, action_id="x2")
    f.add(mt.MeetingHeld, **m2, term="spring", held_on="2027-01-12")
    f.add(mt.ActionRaised, **m1, action_id="x1")  # delivered again: changes nothing
    f.add(mt.MeetingScheduled, **m3)
    f.add(mt.MeetingCancelled, **m3)
    wide = {"academy_id": None, "meeting_id": "t1"}
    f.add(mt.MeetingScheduled, **wide, meeting_type="heads_executive")
    f.add(mt.MeetingHeld, **wide, meeting_type="heads_executive")
    f.add(mt.ActionRaised, **wide, action_id="x3")
    f.add(mt.ActionCompleted, **wide, action_id="x3")

    money = {**a1, "academic_year": "2026/27"}
    f.add(sp.ProviderRegistered)
    f.add(sp.EntitlementGranted, **money)
    f.add(sp.EntitlementUsed, **money)
    f.add(sp.EntitlementUsed, **money, days="0.50")
    f.add(sp.EntitlementAdjusted, **money)
    f.add(sp.BudgetProposed, **money)
    f.add(sp.BudgetAgreed, **money)
    f.add(sp.SupportCommissioned, **money)
    f.add(sp.ProviderCapacityBooked, **money)
    f.add(sp.SupportDelivered, **money)
    f.add(sp.InvoiceRecorded, **money)
    f.add(sp.InvoiceCredited, **money)
    f.add(sp.CommissionVaried, **money)
    f.add(sp.OverCommitmentApproved, **money)
    f.add(sp.EntitlementUsed, **money, days="1.50")
    return f


def more(f: Feeds) -> None:
    """Later events about facts and actions already there: a resumed copy needs
    their latest versions (and the actions) back from the database."""
    a1 = {"academy_id": "a1"}
    f.add(acad.SubmissionCorrected, **a1, submission_id="s1", revision=3)
    f.add(mt.PaperSubmitted, **a1, meeting_id="m1", paper="minutes")
    f.add(mt.ActionCompleted, **a1, meeting_id="m2", action_id="x1")
    f.add(sp.EntitlementUsed, **a1, academic_year="2026/27", days="2.00")


# -- the live projections: reporting's own consumers, fed as Kafka feeds them ------


@dataclass
class Record:
    """A Kafka record as the consumers read it (chassis.consumer.Record)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Sequence[tuple[str, bytes]]


def topic_of(envelope: EventEnvelope) -> str:
    service, payload = envelope.source, envelope.payload
    if service == "academies":
        return "academies.trust" if envelope.event_type in TRUST_EVENTS else "academies.academy"
    if service == "meetings":
        return "meetings.academy" if payload.get("academy_id") else "meetings.trust"
    if service == "support":
        return "support.provider" if envelope.event_type in PROVIDER_EVENTS else "support.academy"
    return f"{service}.academy"


async def project_live(pool: asyncpg.Pool, events: list[EventEnvelope]) -> list[str]:
    """Each live consumer applies the events of its topics; returns the dead letters."""
    letters: list[str] = []

    async def dead_letter(record: Any, reason: str, consumer: str) -> None:
        letters.append(f"{consumer}: {reason}")

    context = ServiceContext(ServiceSettings(), pool, None, None, dead_letter)  # type: ignore[arg-type]
    await apply_schema(pool, [*INBOX_SCHEMA, *SPEC.schema])
    for spec in SPEC.consumers(context):
        batch = [
            Record(topic_of(e), 0, n, e.key.encode(), e.to_json_bytes(), [])
            for n, e in enumerate(events)
            if topic_of(e) in spec.topics
        ]
        await spec.consumer.process_records(batch)
    return letters


def everything(f: Feeds) -> list[EventEnvelope]:
    return [e for name in FEEDS for e in f.events[name]]


async def read_models(pool: asyncpg.Pool, schema: str) -> dict[str, list[Any]]:
    """Every row of the four models, in a stable order, positions aside."""
    async with pool.acquire() as conn:
        return {
            "timeline": await TimelineStore(schema).all_entries(conn),
            "actions": await ActionsStore(schema).all_actions(conn),
            "ledger": await LedgerStore(schema).all_events(conn),
            "board": await BoardStore(schema).all_versions(conn),
            "board_current": await BoardStore(schema).all_current(conn),
        }


async def indexes(pool: asyncpg.Pool, schema: str) -> set[tuple[str, str, str]]:
    """The read models' indexes (keys' included): table, name and definition, the
    schema's name taken out of it; the rebuild's own bookkeeping tables aside."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = $1 "
            "AND tablename NOT LIKE 'rebuild%' AND tablename <> 'processed_messages'",
            schema,
        )
    return {(r[0], r[1], r[2].replace(f" {schema}.", " ")) for r in rows}


async def checkpoints(pool: asyncpg.Pool, schema: str) -> dict[str, tuple[int, int]]:
    async with pool.acquire() as conn:
        rows = await conn.fetch(f"SELECT feed, position, events FROM {schema}.rebuild_progress")
    return {r["feed"]: (r["position"], r["events"]) for r in rows}


# -- the tests ----------------------------------------------------------------------


async def test_a_rebuild_is_identical_to_the_live_projections(fresh_db):
    feeds = story()
    letters = await project_live(fresh_db, everything(feeds))
    seen: list[tuple[str, int, int]] = []

    count = await rebuild(
        fresh_db,
        feeds.readers(),
        "rebuilt",
        batch_size=4,
        progress=lambda feed, done, position: seen.append((feed, done, position)),
    )

    live, rebuilt = await read_models(fresh_db, "public"), await read_models(fresh_db, "rebuilt")
    assert rebuilt == live
    assert count == feeds.total()
    # Loaded first, indexed after: the copy ends with every key and index of the live model.
    assert await indexes(fresh_db, "rebuilt") == await indexes(fresh_db, "public")
    # Each fact's current version (per year) is its latest in the history.
    async with fresh_db.acquire() as conn:
        assert live["board_current"] == await BoardStore().latest_in_history(conn)
    assert all(live.values()) and any(e.confidential for e in live["timeline"])
    assert {a.action_id for a in live["actions"]} == {"x1", "x2"}  # not the trust-wide x3
    # The version without a contract and the refused payload went to dead letters
    # (the type no contract names is skipped): left out of the copy too.
    assert any("v9" in letter for letter in letters)
    assert any("academic_year" in letter for letter in letters)
    # Each feed reported from the start, batch by batch, to its last event's position.
    last = {feed: (done, position) for feed, done, position in seen}
    assert last == {name: (len(feeds.events[name]),) * 2 for name in FEEDS}
    assert [(d, p) for f, d, p in seen if f == "meetings"][:2] == [(0, 0), (4, 4)]
    assert await checkpoints(fresh_db, "rebuilt") == {
        name: (len(feeds.events[name]), len(feeds.events[name])) for name in FEEDS
    }


async def test_a_rebuild_stopped_part_way_resumes_after_its_checkpoints(fresh_db):
    feeds = story()
    await project_live(fresh_db, everything(feeds))

    with pytest.raises(FeedGone):
        await rebuild(fresh_db, feeds.readers(meetings=12), "rebuilt", batch_size=5)

    # Two whole batches of meetings committed with their checkpoint; the third,
    # half read, did not; support never started.
    done_before = len(feeds.events["academies"]) + len(feeds.events["evaluations"]) + 10
    assert await checkpoints(fresh_db, "rebuilt") == {
        "academies": (len(feeds.events["academies"]),) * 2,
        "evaluations": (len(feeds.events["evaluations"]),) * 2,
        "meetings": (10, 10),
    }
    asked: dict[str, list[int]] = {name: [] for name in FEEDS}
    readers = {name: feeds.reader(name, asked=asked[name]) for name in FEEDS}

    count = await rebuild(fresh_db, readers, "rebuilt", resume=True, batch_size=5)

    assert asked == {
        "academies": [len(feeds.events["academies"])],
        "evaluations": [len(feeds.events["evaluations"])],
        "meetings": [10],
        "support": [0],
    }
    assert count == feeds.total() - done_before  # each event read once in all
    live, rebuilt = await read_models(fresh_db, "public"), await read_models(fresh_db, "rebuilt")
    assert rebuilt == live  # a version or an entry applied twice would show here
    assert await indexes(fresh_db, "rebuilt") == await indexes(fresh_db, "public")


async def test_resuming_a_finished_copy_catches_up_with_what_the_feeds_gained(fresh_db):
    feeds = story()
    await rebuild(fresh_db, feeds.readers(), "rebuilt", batch_size=3)
    before = feeds.total()
    more(feeds)
    await project_live(fresh_db, everything(feeds))

    count = await rebuild(fresh_db, feeds.readers(), "rebuilt", resume=True, batch_size=3)

    assert count == feeds.total() - before
    live, rebuilt = await read_models(fresh_db, "public"), await read_models(fresh_db, "rebuilt")
    assert rebuilt == live  # caught up batch by batch, its indexes and current versions kept
    assert await indexes(fresh_db, "rebuilt") == await indexes(fresh_db, "public")
    assert next(a for a in rebuilt["actions"] if a.action_id == "x1").completed_on is not None


async def test_the_live_schema_is_rebuilt_in_place_from_scratch_only(fresh_db):
    feeds = story()
    await project_live(fresh_db, everything(feeds))
    live = await read_models(fresh_db, "public")

    assert await rebuild_timeline(fresh_db, feeds.readers()) == feeds.total()

    assert await read_models(fresh_db, "public") == live
    with pytest.raises(RebuildRefused, match="cannot be resumed"):
        await rebuild(fresh_db, feeds.readers(), "public", resume=True)


async def test_in_place_a_failure_leaves_the_live_model_as_it_was(fresh_db):
    feeds = story()
    await project_live(fresh_db, everything(feeds))
    live = await read_models(fresh_db, "public")

    with pytest.raises(FeedGone):
        await rebuild(fresh_db, feeds.readers(support=3), batch_size=2)

    assert await read_models(fresh_db, "public") == live


async def test_one_rebuild_of_a_schema_at_a_time(fresh_db):
    feeds, started, go_on = story(), asyncio.Event(), asyncio.Event()
    read_academies = feeds.reader("academies")

    async def slow_academies(after_position: int = 0) -> AsyncIterator[EventEnvelope]:
        started.set()
        await go_on.wait()
        async for envelope in read_academies(after_position):
            yield envelope

    first = asyncio.create_task(
        rebuild(fresh_db, {**feeds.readers(), "academies": slow_academies}, "rebuilt")
    )
    await started.wait()
    with pytest.raises(RebuildRefused, match="a rebuild of schema rebuilt is running already"):
        await rebuild(fresh_db, feeds.readers(), "rebuilt")
    go_on.set()
    assert await first == feeds.total()


async def test_resuming_needs_a_copy_to_resume(fresh_db):
    with pytest.raises(RebuildRefused, match="nothing to resume in schema never_built"):
        await rebuild(fresh_db, story().readers(), "never_built", resume=True)


async def test_a_database_from_before_the_current_versions_gets_them_from_its_history(fresh_db):
    await project_live(fresh_db, everything(story()))
    async with fresh_db.acquire() as conn:
        current = await BoardStore().all_current(conn)
        await conn.execute("DROP TABLE board_facts_current")

    await apply_schema(fresh_db, SPEC.schema)  # as the service does as it starts

    async with fresh_db.acquire() as conn:
        assert await BoardStore().all_current(conn) == current
        assert current == await BoardStore().latest_in_history(conn)
        await apply_schema(fresh_db, SPEC.schema)  # again: nothing changes
        assert await BoardStore().all_current(conn) == current


async def test_an_event_applied_again_adds_no_version_and_changes_no_current_one(fresh_db):
    feeds = story()
    await project_live(fresh_db, everything(feeds))
    corrected = next(
        e for e in feeds.events["academies"] if e.event_type == acad.SubmissionCorrected.EVENT_TYPE
    )
    async with fresh_db.acquire() as conn:
        before = await read_models(fresh_db, "public")

        async with conn.transaction():
            await BoardStore().project(conn, corrected)

        assert await read_models(fresh_db, "public") == before

"""One contract, two implementations: the concern notes and the proposal view
behave alike on PostgreSQL and in memory (so the handlers' unit tests, which
use the memory ones, say something about the service)."""

from __future__ import annotations

import datetime as dt

import pytest
from chassis.db import apply_schema
from chassis.envelope import Actor, CausationContext, new_events
from chassis.eventstore import SCHEMA as EVENT_SCHEMA
from chassis.eventstore import PostgresEventStore
from chassis.memory_store import InMemoryEventStore
from contracts.evaluations.v1 import PhaseProposalRejected, PhaseProposed
from evaluations.adapters import concern_notes, facts_store, proposal_view
from evaluations.adapters.memory import MemoryConcerns, MemoryFacts, MemoryProposalView
from evaluations.application.ports import ConcernNote
from evaluations.application.record import stream_of
from evaluations.domain.facts import AcademyFacts

T0 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
LEAD = Actor(subject="aip", role="improvement_lead")
CEO = CausationContext(Actor(subject="ceo", role="chief_executive"), "corr")


@pytest.fixture(params=["postgres", "memory"])
async def ports(request, fresh_db):
    """(event store, concerns, proposal view, connection for writes)"""
    heron = AcademyFacts("a1", "t1", "Heron", "primary", True)
    if request.param == "memory":
        facts = MemoryFacts(academies={"a1": heron})
        return InMemoryEventStore(), MemoryConcerns(), MemoryProposalView(facts)
    await apply_schema(
        fresh_db,
        [*EVENT_SCHEMA, *facts_store.SCHEMA, *concern_notes.SCHEMA, *proposal_view.SCHEMA],
    )
    async with fresh_db.acquire() as conn:
        await conn.execute(
            "INSERT INTO academy_facts VALUES ('a1', 't1', 'Heron', 'primary', true)"
        )
    return (
        PostgresEventStore(fresh_db, "evaluations"),
        concern_notes.PostgresConcerns(fresh_db),
        proposal_view.PostgresProposalView(fresh_db),
    )


def note(n: int, academy_id: str = "a1") -> ConcernNote:
    return ConcernNote(f"c{n}", academy_id, "t1", f"concern {n}", LEAD, T0 + dt.timedelta(n))


async def test_concerns_are_kept_once_found_by_id_and_paged_oldest_first(ports):
    store, concerns, _view = ports
    async with store.transaction() as session:
        for n in (2, 0, 1):
            assert await concerns.save(session.conn, note(n))
        assert await concerns.save(session.conn, note(3, academy_id="a2"))
    async with store.transaction() as session:
        assert not await concerns.save(session.conn, note(0))
    assert await concerns.find("c1") == note(1)
    assert await concerns.find("c9") is None
    first = await concerns.page("a1", None, 2)
    assert [n.concern_id for n in first] == ["c0", "c1"]
    after = (first[-1].raised_at, first[-1].concern_id)
    assert [n.concern_id for n in await concerns.page("a1", after, 2)] == ["c2"]


async def test_the_view_lists_open_proposals_with_names_until_they_are_decided(ports):
    store, _concerns, view = ports
    for n, academy_id in enumerate(("a1", "a2")):
        proposed = PhaseProposed(
            trust_id="t1",
            academy_id=academy_id,
            proposal_id=f"p{n}",
            current_phase=None,
            proposed_phase="category_2",
            reason="data",
            review="annual",
            framework_version=1,
        )
        async with store.transaction() as session:
            appended = await session.append(
                stream_of(academy_id), 0, new_events([proposed], academy_id), CEO
            )
            await view.record(session.conn, appended)
    listed = await view.open_proposals("t1", None, None, 10)
    assert [(p.proposal.proposal_id, p.academy_name) for p in listed] == [
        ("p0", "Heron"),
        ("p1", ""),
    ]
    assert listed[0].proposal.proposed_by == CEO.actor and listed[0].proposal.status == "open"
    assert [p.proposal.proposal_id for p in await view.open_proposals("t1", ["a2"], None, 10)] == [
        "p1"
    ]
    assert await view.open_proposals("t9", None, None, 10) == []
    first = listed[0]
    after = (first.proposed_at, first.proposal.academy_id, first.proposal.proposal_id)
    assert [p.proposal.proposal_id for p in await view.open_proposals("t1", None, after, 10)] == [
        "p1"
    ]
    rejected = PhaseProposalRejected(
        trust_id="t1", academy_id="a1", proposal_id="p0", reason="not yet"
    )
    async with store.transaction() as session:
        appended = await session.append(stream_of("a1"), 1, new_events([rejected], "a1"), CEO)
        await view.record(session.conn, appended)
    assert [p.proposal.proposal_id for p in await view.open_proposals("t1", None, None, 10)] == [
        "p1"
    ]

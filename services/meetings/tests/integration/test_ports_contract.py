"""One contract, two implementations: the meeting list, the action list and the
notes' text behave alike on PostgreSQL and in memory (so the handlers' unit
tests, which use the memory ones, say something about the service). The facts'
contract is trustfacts' (libs/trustfacts/tests/contract/test_facts_contract.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from chassis.db import apply_schema
from chassis.eventstore import SCHEMA as EVENT_SCHEMA
from chassis.eventstore import PostgresEventStore
from chassis.memory_store import InMemoryEventStore
from contracts.meetings.v1 import Person
from meetings.adapters import read_tables
from meetings.adapters.memory import MemoryActionList, MemoryMeetingList, MemoryNotes
from meetings.application.ports import ActionQuery, MeetingRow, NotesText, Ports
from meetings.domain.action import ActionState
from trustfacts.memory import InMemoryFacts
from trustfacts.postgres import SCHEMA as FACTS_SCHEMA
from trustfacts.postgres import PostgresFacts

UTC = dt.UTC
HEAD = Person(subject="head@heron", role="headteacher")
DAY = dt.date(2026, 12, 3)


@pytest.fixture(params=["postgres", "memory"])
async def ports(request, fresh_db) -> Ports:
    if request.param == "memory":
        return Ports(
            InMemoryEventStore(),
            InMemoryFacts(),
            MemoryMeetingList(),
            MemoryActionList(),
            MemoryNotes(),
        )
    await apply_schema(fresh_db, [*EVENT_SCHEMA, *FACTS_SCHEMA, *read_tables.SCHEMA])
    return Ports(
        PostgresEventStore(fresh_db, "meetings"),
        PostgresFacts(fresh_db),
        read_tables.PostgresMeetingList(fresh_db),
        read_tables.PostgresActionList(fresh_db),
        read_tables.PostgresNotes(fresh_db),
    )


def row(meeting_id: str, hour: int, academy_id: str | None = "heron", status: str = "scheduled"):
    at = dt.datetime(2026, 12, 3, hour, 0, tzinfo=UTC)
    return MeetingRow(meeting_id, "t1", academy_id, "aim", "2026/27", at, status)


async def test_the_meeting_list_keeps_each_id_for_one_party_and_pages_by_time(ports):
    async with ports.store.transaction() as session:
        for meeting in (row("m2", 11), row("m1", 10, status="held"), row("m3", 9, academy_id=None)):
            assert await ports.meetings.save(session.conn, meeting)
        assert await ports.meetings.save(session.conn, row("m2", 12))  # moved
        assert not await ports.meetings.save(session.conn, row("m1", 10, academy_id="otter"))
    assert await ports.meetings.locate("m2") == row("m2", 12)
    assert await ports.meetings.of_party("t1", "heron", "2026/27") == ["m1", "m2"]
    assert await ports.meetings.of_party("t1", None, "2026/27") == ["m3"]
    first = await ports.meetings.page("t1", "heron", "2026/27", None, None, 1)
    after = (first[0].scheduled_for, first[0].meeting_id)
    assert [
        r.meeting_id for r in await ports.meetings.page("t1", "heron", "2026/27", None, after, 5)
    ] == ["m2"]
    assert [
        r.meeting_id for r in await ports.meetings.page("t1", "heron", "2026/27", "held", None, 5)
    ] == ["m1"]


def action(action_id: str, due: int, academy_id: str | None = "heron", done: int | None = None):
    return ActionState(
        action_id,
        "t1",
        academy_id,
        f"action {action_id}",
        HEAD,
        "quality_of_education",
        DAY,
        DAY + dt.timedelta(days=due),
        ("m1",),
        DAY + dt.timedelta(days=done) if done is not None else None,
    )


async def test_the_action_list_by_due_date_open_overdue_completed_and_in_reach(ports):
    async with ports.store.transaction() as session:
        for found in (
            action("x1", 10),
            action("x2", 5, done=3),
            action("x3", 20, academy_id="otter"),
            action("x4", 1, academy_id=None),
        ):
            assert await ports.actions.save(session.conn, found)
        assert not await ports.actions.save(session.conn, action("x1", 10, academy_id="otter"))
    assert await ports.actions.find("x2") == action("x2", 5, done=3)

    async def ids(status: str, days: int, academy_id=None, owner=None, only=None, after=None):
        query = ActionQuery("t1", academy_id, owner, only, status, DAY + dt.timedelta(days=days))
        return [a.action_id for a in await ports.actions.page(query, after, 10)]

    assert await ids("open", 4) == ["x4", "x1", "x3"]
    assert await ids("overdue", 11) == ["x4", "x1"]
    assert await ids("completed", 4) == ["x2"] and await ids("completed", 2) == []
    assert await ids("all", 0, academy_id="heron") == ["x2", "x1"]
    assert await ids("open", 4, only=frozenset({"heron"})) == ["x4", "x1"]
    assert await ids("open", 4, owner="someone@else") == []
    assert await ids("all", 0, after=(DAY + dt.timedelta(days=5), "x2")) == ["x1", "x3"]
    assert [a.action_id for a in await ports.actions.of_party("t1", None)] == ["x4"]


async def test_a_drafts_text_is_kept_once_by_its_id(ports):
    text = NotesText("n1", "m1", "confidential", HEAD, DAY)
    async with ports.store.transaction() as session:
        assert await ports.notes.save(session.conn, text)
        assert not await ports.notes.save(session.conn, NotesText("n1", "m2", "x", HEAD, DAY))
    assert await ports.notes.find("n1") == text and await ports.notes.find("n2") is None

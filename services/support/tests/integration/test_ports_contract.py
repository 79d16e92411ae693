"""One contract, two implementations: the index and the delivery notes behave
alike on PostgreSQL and in memory (so the handlers' unit tests, which use the
memory ones, say something about the service)."""

from __future__ import annotations

import pytest
from chassis.db import apply_schema
from support.adapters import read_tables
from support.adapters.memory import MemoryIndex, MemoryNotes
from support.application.ports import (
    COMMISSION,
    PROVIDER,
    DeliveryNote,
    IndexQuery,
    IndexRow,
    every_row,
    index_key,
)


@pytest.fixture(params=["postgres", "memory"])
async def tables(request, fresh_db):
    if request.param == "memory":
        yield MemoryIndex(), MemoryNotes(), None
        return
    await apply_schema(fresh_db, read_tables.SCHEMA)
    conn = await fresh_db.acquire()
    yield read_tables.PostgresIndex(fresh_db), read_tables.PostgresNotes(fresh_db), conn
    await fresh_db.release(conn)


def commission(commission_id: str, academy_id: str = "heron", **overrides) -> IndexRow:
    fields = dict(
        kind=COMMISSION,
        entity_id=commission_id,
        trust_id="t1",
        academy_id=academy_id,
        academic_year="2026/27",
        provider_id="p1",
        request_id=None,
        status="active",
        tags=(),
        sort_key="2026-11-23",
    )
    return IndexRow(**{**fields, **overrides})


async def test_a_row_is_kept_updated_and_never_taken_by_another_owner(tables):
    index, _notes, conn = tables
    assert await index.save(conn, commission("c1"))
    assert await index.save(conn, commission("c1", status="cancelled"))
    assert (await index.find(COMMISSION, "c1")) == commission("c1", status="cancelled")
    assert not await index.save(conn, commission("c1", academy_id="otter"))
    assert not await index.save(conn, commission("c1", provider_id="p2"))
    assert await index.find(COMMISSION, "c1") == commission("c1", status="cancelled")
    assert await index.find(PROVIDER, "c1") is None


async def test_pages_in_key_order_with_every_filter(tables):
    index, _notes, conn = tables
    rows = [
        commission("c3", sort_key="2026-09-01"),
        commission("c1", request_id="r1"),
        commission("c2", academy_id="otter", provider_id="p2", status="delivered"),
        commission("c4", academic_year="2027/28", sort_key="2027-09-01"),
        commission("c5", trust_id="t2"),
        IndexRow(
            PROVIDER,
            "p1",
            "t1",
            provider_id="p1",
            tags=("attendance", "contact:x"),
            sort_key="Focus",
        ),
    ]
    for row in rows:
        assert await index.save(conn, row)

    async def ids(**wanted) -> list[str]:
        query = IndexQuery(wanted.pop("kind", COMMISSION), wanted.pop("trust_id", "t1"), **wanted)
        return [r.entity_id for r in await index.page(query, None, 10)]

    assert await ids() == ["c3", "c1", "c2", "c4"]
    assert await ids(academy_id="otter") == ["c2"]
    assert await ids(only=frozenset({"heron"})) == ["c3", "c1", "c4"]
    assert await ids(academic_year="2027/28") == ["c4"]
    assert await ids(provider_id="p2") == ["c2"]
    assert await ids(providers=frozenset({"p1"})) == ["c3", "c1", "c4"]
    assert await ids(request_id="r1") == ["c1"]
    assert await ids(status="delivered") == ["c2"]
    assert await ids(trust_id="t2") == ["c5"]
    assert await ids(kind=PROVIDER, tag="attendance") == ["p1"]
    assert await ids(kind=PROVIDER, tag="send") == []
    query = IndexQuery(COMMISSION, "t1")
    first = await index.page(query, None, 2)
    rest = await index.page(query, index_key(first[-1]), 10)
    assert [r.entity_id for r in first + rest] == ["c3", "c1", "c2", "c4"]
    assert [r.entity_id for r in await every_row(index, query, batch=1)] == ["c3", "c1", "c2", "c4"]


async def test_a_delivery_note_is_kept_once(tables):
    _index, notes, conn = tables
    note = DeliveryNote("d1", "c1", "Attendance audit with the SLT", "consultant@focus")
    assert await notes.save(conn, note)
    assert not await notes.save(conn, DeliveryNote("d1", "c1", "again", "x"))
    assert await notes.of_commission("c1") == {"d1": note}
    assert await notes.of_commission("c2") == {}

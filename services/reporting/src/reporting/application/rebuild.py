"""Rebuild the timeline (and the actions per owner, the support ledger's events
and the board's facts) from the services' event feeds (not from Kafka).

Into a fresh schema (to compare with the live model), or in place: the live
tables are emptied and refilled inside one transaction, so readers see either
the old or the new model, and live consumers wait for the lock, then find
their events already there (timeline inserts are keyed by event id; an
action's fold changes nothing for an event it already reflects; the ledger's
events are keyed by event id).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping

import asyncpg
from chassis.envelope import EventEnvelope

from reporting.adapters.actions_store import ActionsStore, actions_schema_statements
from reporting.adapters.board_store import BoardStore, board_schema_statements
from reporting.adapters.ledger_store import LedgerStore
from reporting.adapters.ledger_store import schema_statements as ledger_schema_statements
from reporting.adapters.timeline_store import LIVE_SCHEMA, TimelineStore, schema_statements

FeedReader = Callable[[], AsyncIterator[EventEnvelope]]

_BATCH = 1000


async def rebuild_timeline(
    pool: asyncpg.Pool, feeds: Mapping[str, FeedReader], schema: str = LIVE_SCHEMA
) -> int:
    """Replay every feed into ``schema``; returns the number of events read."""
    store = TimelineStore(schema)
    actions = ActionsStore(schema)  # actions per owner, from meetings' events
    ledger = LedgerStore(schema)  # the support ledger, from support's and academies' events
    board = BoardStore(schema)  # the board's facts, from every service's events
    count = 0
    async with pool.acquire() as conn, conn.transaction():
        if schema != LIVE_SCHEMA:
            await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        for statement in schema_statements(schema):
            await conn.execute(statement)
        for statement in actions_schema_statements(schema):
            await conn.execute(statement)
        for statement in ledger_schema_statements(schema):
            await conn.execute(statement)
        for statement in board_schema_statements(schema):
            await conn.execute(statement)
        await conn.execute(f"TRUNCATE {schema}.timeline_entries")
        await conn.execute(f"TRUNCATE {actions.table}")
        await conn.execute(f"TRUNCATE {ledger.table}")
        await conn.execute(f"TRUNCATE {board.table}")
        for read in feeds.values():
            async for envelope in read():
                await store.project(conn, envelope)
                await actions.project(conn, envelope)
                await ledger.project(conn, envelope)
                await board.project(conn, envelope)
                count += 1
    return count

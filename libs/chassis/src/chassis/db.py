"""asyncpg pools with JSON codecs, and idempotent schema setup."""

from __future__ import annotations

import json
from collections.abc import Iterable

import asyncpg


async def _init_connection(conn: asyncpg.Connection) -> None:
    for type_name in ("json", "jsonb"):
        await conn.set_type_codec(
            type_name, encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
        )


async def _release_reset(conn: asyncpg.Connection) -> None:
    """On release, only end a transaction left open. The default reset query
    (RESET ALL, UNLISTEN, advisory unlock, ...) is a round trip per release
    for session state these services never set."""
    if conn.is_in_transaction():
        await conn.execute("ROLLBACK")


async def create_pool(dsn: str, min_size: int = 2, max_size: int = 10) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        dsn, min_size=min_size, max_size=max_size, init=_init_connection, reset=_release_reset
    )
    assert pool is not None
    return pool


async def apply_schema(pool: asyncpg.Pool, statements: Iterable[str]) -> None:
    """Run idempotent DDL (CREATE ... IF NOT EXISTS) under an advisory lock,
    so several processes starting together do not race on the catalog."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(7061501)")
        for statement in statements:
            await conn.execute(statement)

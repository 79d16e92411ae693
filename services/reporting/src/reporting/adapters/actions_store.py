"""The actions read model in PostgreSQL: one row per action.

The projection runs in the consumer's transaction: it locks the action's row,
folds the event onto it (domain/actions.py, idempotent) and upserts the result,
so a redelivered event, or one a rebuild already applied, changes nothing. Like
the timeline, the live model is in ``public`` and a rebuild may write a copy to
another schema.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Set

import asyncpg
from chassis.envelope import EventEnvelope

from reporting.adapters.timeline_store import LIVE_SCHEMA, insert_into, qualified
from reporting.domain.actions import Owner, TrackedAction, event_of, evolve

TABLE = "owner_actions"
# The columns the projection writes, in its order; the rebuild COPYs the same rows.
COLUMNS = (
    "action_id",
    "trust_id",
    "academy_id",
    "title",
    "area",
    "owner_subject",
    "owner_role",
    "raised_on",
    "due_dates",
    "meetings",
    "completed_on",
)
_COLUMNS = ", ".join(COLUMNS)


def action_row(action: TrackedAction) -> tuple[object, ...]:
    return (
        action.action_id,
        action.trust_id,
        action.academy_id,
        action.title,
        action.area,
        action.owner.subject,
        action.owner.role,
        action.raised_on,
        list(action.due_dates),
        list(action.meetings),
        action.completed_on,
    )


def actions_schema_statements(schema: str = LIVE_SCHEMA) -> list[str]:
    table = _table(schema)
    return [
        f"CREATE SCHEMA IF NOT EXISTS {schema}",
        f"""
        CREATE TABLE IF NOT EXISTS {table} (
            action_id     text PRIMARY KEY,
            trust_id      text NOT NULL,
            academy_id    text NOT NULL,
            title         text NOT NULL,
            area          text,
            owner_subject text NOT NULL,
            owner_role    text NOT NULL,
            raised_on     date NOT NULL,
            due_dates     date[] NOT NULL,
            meetings      text[] NOT NULL,
            completed_on  date
        )
        """,
        f"CREATE INDEX IF NOT EXISTS owner_actions_by_trust ON {table} "
        "(trust_id, academy_id, owner_subject)",
    ]


def _table(schema: str) -> str:
    return qualified(schema, TABLE)


def _action(row: asyncpg.Record) -> TrackedAction:
    return TrackedAction(
        action_id=row["action_id"],
        trust_id=row["trust_id"],
        academy_id=row["academy_id"],
        title=row["title"],
        owner=Owner(row["owner_subject"], row["owner_role"]),
        raised_on=row["raised_on"],
        due_dates=tuple(row["due_dates"]),
        meetings=tuple(row["meetings"]),
        area=row["area"],
        completed_on=row["completed_on"],
    )


class ActionsStore:
    def __init__(self, schema: str = LIVE_SCHEMA) -> None:
        self.schema = schema
        self.table = _table(schema)

    async def project(self, conn: asyncpg.Connection, envelope: EventEnvelope) -> None:
        event = event_of(envelope.event_type, envelope.payload)
        if event is None:
            return
        row = await conn.fetchrow(
            f"SELECT {_COLUMNS} FROM {self.table} WHERE action_id = $1 FOR UPDATE",
            event.action_id,
        )
        before = _action(row) if row is not None else None
        after = evolve(before, event)
        if after is None or after == before:
            return
        await conn.execute(
            insert_into(self.table, COLUMNS)
            + " ON CONFLICT (action_id) DO UPDATE SET due_dates = EXCLUDED.due_dates, "
            "meetings = EXCLUDED.meetings, completed_on = EXCLUDED.completed_on",
            *action_row(after),
        )

    async def open_on(
        self,
        conn: asyncpg.Connection,
        trust_id: str,
        as_of: dt.date,
        academies: Set[str] | None,
        owner_subject: str | None,
    ) -> list[TrackedAction]:
        """The trust's actions open on ``as_of``, in ``academies`` (None: every
        one), of ``owner_subject`` if named."""
        rows = await conn.fetch(
            f"SELECT {_COLUMNS} FROM {self.table} WHERE trust_id = $1 AND raised_on <= $2 "
            "AND (completed_on IS NULL OR completed_on > $2) "
            "AND ($3::text[] IS NULL OR academy_id = ANY($3::text[])) "
            "AND ($4::text IS NULL OR owner_subject = $4)",
            trust_id,
            as_of,
            None if academies is None else sorted(academies),
            owner_subject,
        )
        return [_action(row) for row in rows]

    async def all_actions(self, conn: asyncpg.Connection) -> list[TrackedAction]:
        rows = await conn.fetch(f"SELECT {_COLUMNS} FROM {self.table} ORDER BY action_id")
        return [_action(row) for row in rows]


class PostgresActions:
    """The actions port (application.actions.ActionsPort) on the live model."""

    def __init__(self, pool: asyncpg.Pool, store: ActionsStore) -> None:
        self._pool = pool
        self._store = store

    async def open_on(
        self,
        trust_id: str,
        as_of: dt.date,
        academies: Set[str] | None,
        owner_subject: str | None,
    ) -> list[TrackedAction]:
        async with self._pool.acquire() as conn:
            return await self._store.open_on(conn, trust_id, as_of, academies, owner_subject)

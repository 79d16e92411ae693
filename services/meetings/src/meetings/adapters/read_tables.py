"""The meetings service's own read tables on PostgreSQL (application/ports.py):
the meeting list, the action list and the notes' confidential text.

Writes take the event store's session connection, so they commit with the
events they reflect; reads use the pool (the API) or the consumer's connection.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg
from chassis.connection import Connector
from contracts.meetings.v1 import Person

from meetings.application.ports import ActionQuery, MeetingRow, NotesText
from meetings.domain.action import ActionState

SCHEMA = [
    """
    CREATE TABLE IF NOT EXISTS meeting_list (
        meeting_id text PRIMARY KEY, trust_id text NOT NULL, academy_id text,
        meeting_type text NOT NULL, academic_year text NOT NULL,
        scheduled_for timestamptz NOT NULL, status text NOT NULL
    )
    """,
    "CREATE INDEX IF NOT EXISTS meeting_list_party ON meeting_list "
    "(trust_id, academy_id, academic_year, scheduled_for, meeting_id)",
    """
    CREATE TABLE IF NOT EXISTS action_list (
        action_id text PRIMARY KEY, trust_id text NOT NULL, academy_id text,
        title text NOT NULL, owner_subject text NOT NULL, owner_role text NOT NULL,
        area text, raised_on date NOT NULL, due_on date NOT NULL,
        meeting_ids text[] NOT NULL, completed_on date
    )
    """,
    "CREATE INDEX IF NOT EXISTS action_list_due ON action_list (trust_id, due_on, action_id)",
    # Confidential: the only place the notes' text is kept (never in an event).
    """
    CREATE TABLE IF NOT EXISTS meeting_notes (
        notes_id text PRIMARY KEY, meeting_id text NOT NULL, text text NOT NULL,
        author_subject text NOT NULL, author_role text NOT NULL, drafted_on date NOT NULL,
        kept_at timestamptz NOT NULL DEFAULT now()
    )
    """,
]

_SAME_PARTY = "{table}.trust_id = EXCLUDED.trust_id AND {table}.academy_id IS NOT DISTINCT FROM EXCLUDED.academy_id"


def _meeting(row: Any) -> MeetingRow:
    return MeetingRow(**dict(row.items()))


class PostgresMeetingList:
    def __init__(self, source: asyncpg.Pool | asyncpg.Connection) -> None:
        self._connect = Connector(source)

    async def locate(self, meeting_id: str) -> MeetingRow | None:
        async with self._connect() as conn:
            row = await conn.fetchrow(
                "SELECT * FROM meeting_list WHERE meeting_id = $1", meeting_id
            )
        return _meeting(row) if row else None

    async def save(self, conn: asyncpg.Connection, row: MeetingRow) -> bool:
        kept = await conn.fetchval(
            "INSERT INTO meeting_list VALUES ($1, $2, $3, $4, $5, $6, $7) "
            "ON CONFLICT (meeting_id) DO UPDATE SET meeting_type = EXCLUDED.meeting_type, "
            "academic_year = EXCLUDED.academic_year, scheduled_for = EXCLUDED.scheduled_for, "
            f"status = EXCLUDED.status WHERE {_SAME_PARTY.format(table='meeting_list')} "
            "RETURNING true",
            row.meeting_id,
            row.trust_id,
            row.academy_id,
            row.meeting_type,
            row.academic_year,
            row.scheduled_for,
            row.status,
        )
        return bool(kept)

    async def of_party(
        self, trust_id: str, academy_id: str | None, academic_year: str
    ) -> list[str]:
        async with self._connect() as conn:
            rows = await conn.fetch(
                "SELECT meeting_id FROM meeting_list WHERE trust_id = $1 "
                "AND academy_id IS NOT DISTINCT FROM $2 AND academic_year = $3 "
                "ORDER BY scheduled_for, meeting_id",
                trust_id,
                academy_id,
                academic_year,
            )
        return [row["meeting_id"] for row in rows]

    async def page(
        self,
        trust_id: str,
        academy_id: str | None,
        academic_year: str,
        status: str | None,
        after: Sequence[object] | None,
        limit: int,
    ) -> list[MeetingRow]:
        at, meeting_id = after if after is not None else (None, None)
        async with self._connect() as conn:
            rows = await conn.fetch(
                "SELECT * FROM meeting_list WHERE trust_id = $1 "
                "AND academy_id IS NOT DISTINCT FROM $2 AND academic_year = $3 "
                "AND ($4::text IS NULL OR status = $4) AND ($5::timestamptz IS NULL "
                "OR (scheduled_for, meeting_id) > ($5::timestamptz, $6::text)) "
                "ORDER BY scheduled_for, meeting_id LIMIT $7",
                trust_id,
                academy_id,
                academic_year,
                status,
                at,
                meeting_id,
                limit,
            )
        return [_meeting(row) for row in rows]


def _action(row: Any) -> ActionState:
    return ActionState(
        action_id=row["action_id"],
        trust_id=row["trust_id"],
        academy_id=row["academy_id"],
        title=row["title"],
        owner=Person(subject=row["owner_subject"], role=row["owner_role"]),
        area=row["area"],
        raised_on=row["raised_on"],
        due_on=row["due_on"],
        meetings=tuple(row["meeting_ids"]),
        completed_on=row["completed_on"],
    )


# The statuses as of a day ($6), as ActionState.is_open_on / is_overdue say.
_OPEN = "raised_on <= $6::date AND (completed_on IS NULL OR completed_on > $6::date)"
_STATUS = {
    "open": _OPEN,
    "overdue": f"{_OPEN} AND due_on < $6",
    "completed": "completed_on IS NOT NULL AND completed_on <= $6",
    "all": "$6::date IS NOT NULL",  # every one (the parameter must still be typed)
}


class PostgresActionList:
    def __init__(self, source: asyncpg.Pool | asyncpg.Connection) -> None:
        self._connect = Connector(source)

    async def find(self, action_id: str) -> ActionState | None:
        async with self._connect() as conn:
            row = await conn.fetchrow("SELECT * FROM action_list WHERE action_id = $1", action_id)
        return _action(row) if row else None

    async def save(self, conn: asyncpg.Connection, action: ActionState) -> bool:
        assert action.owner is not None
        kept = await conn.fetchval(
            "INSERT INTO action_list VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
            "ON CONFLICT (action_id) DO UPDATE SET due_on = EXCLUDED.due_on, "
            "meeting_ids = EXCLUDED.meeting_ids, completed_on = EXCLUDED.completed_on "
            f"WHERE {_SAME_PARTY.format(table='action_list')} RETURNING true",
            action.action_id,
            action.trust_id,
            action.academy_id,
            action.title,
            action.owner.subject,
            action.owner.role,
            action.area,
            action.raised_on,
            action.due_on,
            list(action.meetings),
            action.completed_on,
        )
        return bool(kept)

    async def of_party(self, trust_id: str, academy_id: str | None) -> list[ActionState]:
        async with self._connect() as conn:
            rows = await conn.fetch(
                "SELECT * FROM action_list WHERE trust_id = $1 "
                "AND academy_id IS NOT DISTINCT FROM $2 ORDER BY due_on, action_id",
                trust_id,
                academy_id,
            )
        return [_action(row) for row in rows]

    async def page(
        self, query: ActionQuery, after: Sequence[object] | None, limit: int
    ) -> list[ActionState]:
        due_on, action_id = after if after is not None else (None, None)
        only = sorted(query.only) if query.only is not None else None
        async with self._connect() as conn:
            rows = await conn.fetch(
                "SELECT * FROM action_list WHERE trust_id = $1 "
                "AND ($2::text IS NULL OR academy_id = $2) "
                "AND ($2::text IS NOT NULL OR $3::text[] IS NULL OR academy_id IS NULL "
                "OR academy_id = ANY($3::text[])) "
                "AND ($4::text IS NULL OR owner_subject = $4) "
                f"AND {_STATUS[query.status]} "
                "AND ($7::date IS NULL OR (due_on, action_id) > ($7::date, $8::text)) "
                "ORDER BY due_on, action_id LIMIT $5",
                query.trust_id,
                query.academy_id,
                only,
                query.owner_subject,
                limit,
                query.as_of,
                due_on,
                action_id,
            )
        return [_action(row) for row in rows]


class PostgresNotes:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def find(self, notes_id: str) -> NotesText | None:
        async with self._pool.acquire() as conn:
            row = await conn.fetchrow("SELECT * FROM meeting_notes WHERE notes_id = $1", notes_id)
        if row is None:
            return None
        return NotesText(
            notes_id=row["notes_id"],
            meeting_id=row["meeting_id"],
            text=row["text"],
            author=Person(subject=row["author_subject"], role=row["author_role"]),
            drafted_on=row["drafted_on"],
        )

    async def save(self, conn: asyncpg.Connection, notes: NotesText) -> bool:
        kept = await conn.fetchval(
            "INSERT INTO meeting_notes (notes_id, meeting_id, text, author_subject, "
            "author_role, drafted_on) VALUES ($1, $2, $3, $4, $5, $6) "
            "ON CONFLICT (notes_id) DO NOTHING RETURNING true",
            notes.notes_id,
            notes.meeting_id,
            notes.text,
            notes.author.subject,
            notes.author.role,
            notes.drafted_on,
        )
        return bool(kept)

"""The academies service's own read tables on PostgreSQL (the ports in
application/ports.py). Writes go through the event store's session, so they
commit with the events they reflect; reads take a connection of their own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

import asyncpg
from chassis.aggregate import Session
from chassis.paging import PageRequest
from contracts.academies.v1 import DataSubmitted
from trust_frameworks.returns import SubmittedReturn

from academies.application.ports import Slot
from academies.application.streams import AcademyRecord
from academies.domain.academy import AcademyState

SCHEMA = [
    """
    CREATE TABLE IF NOT EXISTS academy_view (
        academy_id         text PRIMARY KEY,
        trust_id           text NOT NULL,
        urn                text NOT NULL,
        name               text NOT NULL,
        phase_of_education text NOT NULL,
        local_authority    text NOT NULL,
        date_joined        date NOT NULL,
        new_to_trust       boolean NOT NULL,
        date_left          date,
        version            bigint NOT NULL
    )
    """,
    "CREATE INDEX IF NOT EXISTS academy_view_trust ON academy_view (trust_id, name)",
    # Set validation: a URN is registered once among a trust's open academies.
    """
    CREATE TABLE IF NOT EXISTS academy_urns (
        trust_id   text NOT NULL,
        urn        text NOT NULL,
        academy_id text NOT NULL,
        PRIMARY KEY (trust_id, urn)
    )
    """,
    # One submission per academy, period and return type; later ones are corrections.
    """
    CREATE TABLE IF NOT EXISTS submission_index (
        submission_id text PRIMARY KEY,
        academy_id    text NOT NULL,
        trust_id      text NOT NULL,
        academic_year text NOT NULL,
        term          text NOT NULL,
        half_term     int NOT NULL,
        return_type   text NOT NULL,
        submitted_at  timestamptz NOT NULL,
        UNIQUE (academy_id, academic_year, term, half_term, return_type)
    )
    """,
]


class PostgresUrnClaims:
    async def claim(self, session: Session, trust_id: str, urn: str, academy_id: str) -> bool:
        claimed = await session.conn.fetchval(
            "INSERT INTO academy_urns (trust_id, urn, academy_id) VALUES ($1, $2, $3) "
            "ON CONFLICT DO NOTHING RETURNING true",
            trust_id,
            urn,
            academy_id,
        )
        return bool(claimed)

    async def release(self, session: Session, trust_id: str, urn: str) -> None:
        await session.conn.execute(
            "DELETE FROM academy_urns WHERE trust_id = $1 AND urn = $2", trust_id, urn
        )


def _academy_from_row(row: Any) -> AcademyRecord:
    academy = AcademyState(
        academy_id=row["academy_id"],
        trust_id=row["trust_id"],
        urn=row["urn"],
        name=row["name"],
        phase_of_education=row["phase_of_education"],
        local_authority=row["local_authority"],
        date_joined=row["date_joined"],
        new_to_trust=row["new_to_trust"],
        date_left=row["date_left"],
    )
    return AcademyRecord(academy, row["version"])


class PostgresAcademyList:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def save(self, session: Session, record: AcademyRecord) -> None:
        academy = record.academy
        await session.conn.execute(
            """
            INSERT INTO academy_view (academy_id, trust_id, urn, name, phase_of_education,
                local_authority, date_joined, new_to_trust, date_left, version)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (academy_id) DO UPDATE SET name = EXCLUDED.name,
                phase_of_education = EXCLUDED.phase_of_education,
                local_authority = EXCLUDED.local_authority, new_to_trust = EXCLUDED.new_to_trust,
                date_left = EXCLUDED.date_left, version = EXCLUDED.version
            """,
            academy.academy_id,
            academy.trust_id,
            academy.urn,
            academy.name,
            academy.phase_of_education,
            academy.local_authority,
            academy.date_joined,
            academy.new_to_trust,
            academy.date_left,
            record.version,
        )

    async def page(
        self,
        trust_id: str,
        include_left: bool,
        only: Collection[str] | None,
        page: PageRequest,
    ) -> list[AcademyRecord]:
        after_name, after_id = page.after if page.after is not None else (None, None)
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(
                "SELECT * FROM academy_view WHERE trust_id = $1 AND ($2 OR date_left IS NULL) "
                "AND ($3::text[] IS NULL OR academy_id = ANY($3::text[])) "
                "AND ($4::text IS NULL OR (name, academy_id) > ($4::text, $5::text)) "
                "ORDER BY name, academy_id LIMIT $6",
                trust_id,
                include_left,
                None if only is None else sorted(only),
                after_name,
                after_id,
                page.fetch,
            )
        return [_academy_from_row(row) for row in rows]


class PostgresSubmissionIndex:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def claim_slot(
        self, session: Session, submitted: DataSubmitted, submitted_at: dt.datetime
    ) -> str | None:
        period = submitted.period
        slot = (
            submitted.academy_id,
            period.academic_year,
            period.term,
            period.half_term,
            submitted.return_type,
        )
        inserted = await session.conn.fetchval(
            "INSERT INTO submission_index (submission_id, trust_id, submitted_at, academy_id, "
            "academic_year, term, half_term, return_type) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING true",
            submitted.submission_id,
            submitted.trust_id,
            submitted_at,
            *slot,
        )
        if inserted:
            return None
        return str(
            await session.conn.fetchval(
                "SELECT submission_id FROM submission_index WHERE submission_id = $1 OR "
                "(academy_id = $2 AND academic_year = $3 AND term = $4 AND half_term = $5 "
                "AND return_type = $6) LIMIT 1",
                submitted.submission_id,
                *slot,
            )
        )

    async def slots(
        self, academy_id: str, academic_year: str | None, page: PageRequest
    ) -> list[Slot]:
        year, term_order, half_term, return_type = page.after or (None, None, None, None)
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(
                "SELECT * FROM (SELECT submission_id, academic_year, term, "
                "array_position(ARRAY['autumn','spring','summer'], term) AS term_order, "
                "half_term, return_type FROM submission_index WHERE academy_id = $1 "
                "AND ($2::text IS NULL OR academic_year = $2)) AS slot "
                "WHERE $3::text IS NULL OR (academic_year, term_order, half_term, return_type) "
                "> ($3::text, $4::int, $5::int, $6::text) "
                "ORDER BY academic_year, term_order, half_term, return_type LIMIT $7",
                academy_id,
                academic_year,
                year,
                term_order,
                half_term,
                return_type,
                page.fetch,
            )
        return [
            Slot(
                row["submission_id"],
                row["academic_year"],
                row["term"],
                row["half_term"],
                row["return_type"],
            )
            for row in rows
        ]

    async def submitted_returns(self, academy_id: str) -> list[SubmittedReturn]:
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(
                "SELECT return_type, academic_year, term, half_term, submitted_at "
                "FROM submission_index WHERE academy_id = $1",
                academy_id,
            )
        return [
            SubmittedReturn(
                row["return_type"],
                row["academic_year"],
                row["term"],
                row["half_term"],
                row["submitted_at"].date(),
            )
            for row in rows
        ]

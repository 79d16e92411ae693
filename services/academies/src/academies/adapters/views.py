"""The academies service's own read tables, updated in the same transaction
as the events they reflect (so reads right after a write see it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import asyncpg
from contracts.academies.v1 import Period

from academies.domain.academy import AcademyState

# Page keys of the lists these tables serve (see chassis.paging).
ACADEMY_KEY = (str, str)  # name, academy_id
SUBMISSION_KEY = (str, int, int, str)  # academic_year, term order, half_term, return_type

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


def academy_from_row(row: Any) -> AcademyState:
    return AcademyState(
        academy_id=row["academy_id"],
        trust_id=row["trust_id"],
        urn=row["urn"],
        name=row["name"],
        phase_of_education=row["phase_of_education"],
        local_authority=row["local_authority"],
        date_joined=row["date_joined"],
        new_to_trust=row["new_to_trust"],
        date_left=row["date_left"],
        version=row["version"],
    )


async def fetch_academy(conn: asyncpg.Connection, academy_id: str) -> AcademyState | None:
    row = await conn.fetchrow("SELECT * FROM academy_view WHERE academy_id = $1", academy_id)
    return academy_from_row(row) if row else None


def academy_key(academy: AcademyState) -> tuple[str, str]:
    return academy.name, academy.academy_id


async def list_academies(
    conn: asyncpg.Connection,
    trust_id: str,
    include_left: bool,
    only: Sequence[str] | None = None,
    after: Sequence[object] | None = None,
    limit: int | None = None,
) -> list[AcademyState]:
    """The trust's academies by name (only those in ``only`` when given), after
    the ``academy_key`` ``after``, at most ``limit`` of them."""
    after_name, after_id = after if after is not None else (None, None)
    rows = await conn.fetch(
        "SELECT * FROM academy_view WHERE trust_id = $1 AND ($2 OR date_left IS NULL) "
        "AND ($3::text[] IS NULL OR academy_id = ANY($3::text[])) "
        "AND ($4::text IS NULL OR (name, academy_id) > ($4::text, $5::text)) "
        "ORDER BY name, academy_id LIMIT $6",
        trust_id,
        include_left,
        None if only is None else list(only),
        after_name,
        after_id,
        limit,
    )
    return [academy_from_row(row) for row in rows]


async def claim_urn(conn: asyncpg.Connection, trust_id: str, urn: str, academy_id: str) -> bool:
    claimed = await conn.fetchval(
        "INSERT INTO academy_urns (trust_id, urn, academy_id) VALUES ($1, $2, $3) "
        "ON CONFLICT DO NOTHING RETURNING true",
        trust_id,
        urn,
        academy_id,
    )
    return bool(claimed)


async def release_urn(conn: asyncpg.Connection, trust_id: str, urn: str) -> None:
    await conn.execute("DELETE FROM academy_urns WHERE trust_id = $1 AND urn = $2", trust_id, urn)


async def save_academy(conn: asyncpg.Connection, academy: AcademyState) -> None:
    await conn.execute(
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
        academy.version,
    )


async def index_submission(
    conn: asyncpg.Connection,
    submission_id: str,
    academy_id: str,
    trust_id: str,
    period: Period,
    return_type: str,
    submitted_at: dt.datetime,
) -> str | None:
    """Record the submission; returns the id of an existing one for the same slot, if any."""
    inserted = await conn.fetchval(
        "INSERT INTO submission_index (submission_id, academy_id, trust_id, academic_year, "
        "term, half_term, return_type, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
        "ON CONFLICT DO NOTHING RETURNING true",
        submission_id,
        academy_id,
        trust_id,
        period.academic_year,
        period.term,
        period.half_term,
        return_type,
        submitted_at,
    )
    if inserted:
        return None
    return str(
        await conn.fetchval(
            "SELECT submission_id FROM submission_index WHERE submission_id = $1 OR "
            "(academy_id = $2 AND academic_year = $3 AND term = $4 AND half_term = $5 "
            "AND return_type = $6) LIMIT 1",
            submission_id,
            academy_id,
            period.academic_year,
            period.term,
            period.half_term,
            return_type,
        )
    )


async def submitted_returns(conn: asyncpg.Connection, academy_id: str) -> list[Any]:
    """Each return's original submission time (corrections do not move it)."""
    return list(
        await conn.fetch(
            "SELECT return_type, academic_year, term, half_term, submitted_at "
            "FROM submission_index WHERE academy_id = $1",
            academy_id,
        )
    )


def submission_key(row: Any) -> tuple[str, int, int, str]:
    return row["academic_year"], row["term_order"], row["half_term"], row["return_type"]


async def submission_slots(
    conn: asyncpg.Connection,
    academy_id: str,
    academic_year: str | None,
    after: Sequence[object] | None = None,
    limit: int | None = None,
) -> list[Any]:
    """The academy's submissions by period then return type (one per slot), after the
    ``submission_key`` ``after``, at most ``limit``: rows with submission_id and the key."""
    year, term_order, half_term, return_type = after if after is not None else (None,) * 4
    return list(
        await conn.fetch(
            "SELECT * FROM (SELECT submission_id, academic_year, "
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
            limit,
        )
    )

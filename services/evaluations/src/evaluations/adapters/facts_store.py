"""Evaluations' own copy of what it needs from the register, fed by academies events.

Updated by an idempotent consumer (never by reading the academies database).
"""

from __future__ import annotations

import asyncpg
from chassis.consumer import PoisonMessage
from chassis.envelope import EventEnvelope
from contracts.academies.v1 import (
    ACADEMIES_EVENTS,
    AcademyDetailsChanged,
    AcademyLeftTrust,
    AcademyRegistered,
    DataSubmitted,
    FrameworkAdopted,
    SubmissionCorrected,
)
from contracts.base import UnknownEventType
from contracts.values import TERMS
from pydantic import ValidationError
from trust_frameworks.model import Framework

from evaluations.domain.facts import AcademyFacts, LatestData, TrustFramework

SCHEMA = [
    """
    CREATE TABLE IF NOT EXISTS academy_facts (
        academy_id text PRIMARY KEY, trust_id text NOT NULL, name text NOT NULL,
        phase_of_education text NOT NULL, is_open boolean NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS trust_frameworks (
        trust_id text PRIMARY KEY, version int NOT NULL, document jsonb NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS submission_facts (
        submission_id text PRIMARY KEY, academy_id text NOT NULL, academic_year text NOT NULL,
        term_order int NOT NULL, term text NOT NULL, half_term int NOT NULL,
        progress8_band text, progress8_score double precision
    )
    """,
    "CREATE INDEX IF NOT EXISTS submission_facts_latest ON submission_facts "
    "(academy_id, academic_year DESC, term_order DESC, half_term DESC)",
]


def _term_order(term: str) -> int:
    """Autumn 1, spring 2, summer 3: the school year's order (contracts.values)."""
    return TERMS.index(term) + 1


async def project_academies_event(conn: asyncpg.Connection, envelope: EventEnvelope) -> None:
    """Apply one academies event to the facts (inside the consumer's transaction)."""
    if not ACADEMIES_EVENTS.knows(envelope.event_type, envelope.schema_version):
        return  # a newer event this version does not need
    try:
        event = ACADEMIES_EVENTS.parse(
            envelope.event_type, envelope.schema_version, envelope.payload
        )
    except (ValidationError, UnknownEventType) as error:
        raise PoisonMessage(f"{envelope.event_type}: {error}") from error
    if isinstance(event, FrameworkAdopted):
        await conn.execute(
            "INSERT INTO trust_frameworks (trust_id, version, document) VALUES ($1, $2, $3) "
            "ON CONFLICT (trust_id) DO UPDATE SET version = EXCLUDED.version, "
            "document = EXCLUDED.document WHERE trust_frameworks.version < EXCLUDED.version",
            event.trust_id,
            event.version,
            event.document,
        )
    elif isinstance(event, AcademyRegistered):
        await conn.execute(
            "INSERT INTO academy_facts VALUES ($1, $2, $3, $4, true) ON CONFLICT DO NOTHING",
            event.academy_id,
            event.trust_id,
            event.name,
            event.phase_of_education,
        )
    elif isinstance(event, AcademyDetailsChanged):
        await conn.execute(
            "UPDATE academy_facts SET name = coalesce($2, name), "
            "phase_of_education = coalesce($3, phase_of_education) WHERE academy_id = $1",
            event.academy_id,
            event.name,
            event.phase_of_education,
        )
    elif isinstance(event, AcademyLeftTrust):
        await conn.execute(
            "UPDATE academy_facts SET is_open = false WHERE academy_id = $1", event.academy_id
        )
    elif isinstance(event, DataSubmitted):
        await conn.execute(
            # An upsert: events of one academy arrive in order, and the consumer's
            # inbox (not this statement) is what keeps a redelivery from undoing
            # a later correction.
            "INSERT INTO submission_facts VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
            "ON CONFLICT (submission_id) DO UPDATE SET progress8_band = EXCLUDED.progress8_band, "
            "progress8_score = EXCLUDED.progress8_score",
            event.submission_id,
            event.academy_id,
            event.period.academic_year,
            _term_order(event.period.term),
            event.period.term,
            event.period.half_term,
            event.values.progress8_band,
            event.values.progress8_score,
        )
    elif isinstance(event, SubmissionCorrected):
        await conn.execute(
            "UPDATE submission_facts SET progress8_band = $2, progress8_score = $3 "
            "WHERE submission_id = $1",
            event.submission_id,
            event.values.progress8_band,
            event.values.progress8_score,
        )


async def academy(conn: asyncpg.Connection, academy_id: str) -> AcademyFacts | None:
    row = await conn.fetchrow("SELECT * FROM academy_facts WHERE academy_id = $1", academy_id)
    return AcademyFacts(**dict(row.items())) if row else None


# A framework version never changes once adopted, so each is parsed once per process.
_PARSED: dict[tuple[str, int], Framework] = {}
_PARSED_LIMIT = 512


async def open_academies(conn: asyncpg.Connection, trust_id: str) -> list[AcademyFacts]:
    """The trust's open academies, by name."""
    rows = await conn.fetch(
        "SELECT * FROM academy_facts WHERE trust_id = $1 AND is_open ORDER BY name, academy_id",
        trust_id,
    )
    return [AcademyFacts(**dict(row.items())) for row in rows]


async def trust_framework(conn: asyncpg.Connection, trust_id: str) -> TrustFramework | None:
    version = await conn.fetchval(
        "SELECT version FROM trust_frameworks WHERE trust_id = $1", trust_id
    )
    if version is None:
        return None
    framework = _PARSED.get((trust_id, version))
    if framework is None:
        document = await conn.fetchval(
            "SELECT document FROM trust_frameworks WHERE trust_id = $1 AND version = $2",
            trust_id,
            version,
        )
        if document is None:
            return await trust_framework(conn, trust_id)  # changed in between: read again
        framework = Framework.model_validate(document)
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.clear()
        _PARSED[(trust_id, version)] = framework
    return TrustFramework(trust_id, version, framework)


async def latest_data(conn: asyncpg.Connection, academy_id: str) -> LatestData | None:
    """The latest period's effective Progress 8 values (corrections applied)."""
    row = await conn.fetchrow(
        "SELECT academic_year, term, half_term, progress8_band, progress8_score "
        "FROM submission_facts WHERE academy_id = $1 AND progress8_band IS NOT NULL "
        "ORDER BY academic_year DESC, term_order DESC, half_term DESC LIMIT 1",
        academy_id,
    )
    return LatestData(**dict(row.items())) if row else None


class PostgresFacts:
    """The register facts, frameworks and latest data (the ports of the same name)."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def academy(self, academy_id: str) -> AcademyFacts | None:
        async with self._pool.acquire() as conn:
            return await academy(conn, academy_id)

    async def open_academies(self, trust_id: str) -> list[AcademyFacts]:
        async with self._pool.acquire() as conn:
            return await open_academies(conn, trust_id)

    async def framework(self, trust_id: str) -> TrustFramework | None:
        async with self._pool.acquire() as conn:
            return await trust_framework(conn, trust_id)

    async def latest(self, academy_id: str) -> LatestData | None:
        async with self._pool.acquire() as conn:
            return await latest_data(conn, academy_id)

"""The facts on PostgreSQL (ports.FactsWriter): a consuming service's own copy
of what it needs from the register, the trusts' frameworks and evaluations'
phase decisions, in its own database.

Written by the idempotent consumer in its transaction (give it the consumer's
connection), never by reading another service's database; an API reads it on
the pool. ``SCHEMA`` goes into the service's schema list.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
from chassis.connection import Connector
from trust_frameworks.model import Framework

from trustfacts.model import AcademyFacts, PhaseEvent, TrustFramework

SCHEMA = [
    """
    CREATE TABLE IF NOT EXISTS academy_facts (
        academy_id text PRIMARY KEY, trust_id text NOT NULL, name text NOT NULL,
        phase_of_education text NOT NULL, joined_on date NOT NULL, left_on date
    )
    """,
    "CREATE INDEX IF NOT EXISTS academy_facts_trust ON academy_facts (trust_id, name)",
    """
    CREATE TABLE IF NOT EXISTS trust_frameworks (
        trust_id text PRIMARY KEY, version int NOT NULL, based_on_preset text NOT NULL,
        document jsonb NOT NULL
    )
    """,
    # Each academy's phase changes and formal interventions, in the order they came.
    """
    CREATE TABLE IF NOT EXISTS phase_history (
        position bigserial PRIMARY KEY, academy_id text NOT NULL, on_day date NOT NULL,
        phase text, intervention_id text, intervention_open boolean NOT NULL
    )
    """,
    "CREATE INDEX IF NOT EXISTS phase_history_academy ON phase_history (academy_id, position)",
]

# A framework version never changes once adopted, so each is parsed once per process.
_PARSED: dict[tuple[str, int], Framework] = {}
_PARSED_LIMIT = 512


def _academy(row: Any) -> AcademyFacts:
    return AcademyFacts(**dict(row.items()))


class PostgresFacts:
    """The facts, read and written on the pool (an API) or on the consumer's
    connection (its transaction)."""

    def __init__(self, source: asyncpg.Pool | asyncpg.Connection) -> None:
        self._connect = Connector(source)

    async def academy(self, academy_id: str) -> AcademyFacts | None:
        async with self._connect() as conn:
            row = await conn.fetchrow(
                "SELECT * FROM academy_facts WHERE academy_id = $1", academy_id
            )
        return _academy(row) if row else None

    async def open_academies(self, trust_id: str) -> list[AcademyFacts]:
        async with self._connect() as conn:
            rows = await conn.fetch(
                "SELECT * FROM academy_facts WHERE trust_id = $1 AND left_on IS NULL "
                "ORDER BY name, academy_id",
                trust_id,
            )
        return [_academy(row) for row in rows]

    async def framework(self, trust_id: str) -> TrustFramework | None:
        async with self._connect() as conn:
            row = await conn.fetchrow(
                "SELECT version, based_on_preset FROM trust_frameworks WHERE trust_id = $1",
                trust_id,
            )
            if row is None:
                return None
            version, preset = row["version"], row["based_on_preset"]
            framework = _PARSED.get((trust_id, version))
            if framework is None:
                document = await conn.fetchval(
                    "SELECT document FROM trust_frameworks WHERE trust_id = $1 AND version = $2",
                    trust_id,
                    version,
                )
                if document is None:  # a newer version came in between: read again
                    return await self.framework(trust_id)
                framework = Framework.model_validate(document)
                if len(_PARSED) >= _PARSED_LIMIT:
                    _PARSED.clear()
                _PARSED[(trust_id, version)] = framework
        return TrustFramework(trust_id, version, framework, preset)

    async def history(self, academy_id: str) -> list[PhaseEvent]:
        async with self._connect() as conn:
            rows = await conn.fetch(
                "SELECT on_day, phase, intervention_id, intervention_open FROM phase_history "
                "WHERE academy_id = $1 ORDER BY position",
                academy_id,
            )
        return [
            PhaseEvent(r["on_day"], r["phase"], r["intervention_id"], r["intervention_open"])
            for r in rows
        ]

    # -- the consumer's writes ------------------------------------------------------

    async def adopt(self, framework: TrustFramework) -> bool:
        async with self._connect() as conn:
            kept = await conn.fetchval(
                "INSERT INTO trust_frameworks (trust_id, version, based_on_preset, document) "
                "VALUES ($1, $2, $3, $4) ON CONFLICT (trust_id) DO UPDATE SET "
                "version = EXCLUDED.version, based_on_preset = EXCLUDED.based_on_preset, "
                "document = EXCLUDED.document WHERE trust_frameworks.version < EXCLUDED.version "
                "RETURNING true",
                framework.trust_id,
                framework.version,
                framework.based_on_preset,
                framework.framework.model_dump(mode="json"),
            )
        return bool(kept)

    async def register(self, academy: AcademyFacts) -> None:
        async with self._connect() as conn:
            await conn.execute(
                "INSERT INTO academy_facts VALUES ($1, $2, $3, $4, $5, $6) "
                "ON CONFLICT (academy_id) DO NOTHING",
                academy.academy_id,
                academy.trust_id,
                academy.name,
                academy.phase_of_education,
                academy.joined_on,
                academy.left_on,
            )

    async def change_details(
        self, academy_id: str, name: str | None, phase_of_education: str | None
    ) -> None:
        async with self._connect() as conn:
            await conn.execute(
                "UPDATE academy_facts SET name = coalesce($2, name), "
                "phase_of_education = coalesce($3, phase_of_education) WHERE academy_id = $1",
                academy_id,
                name,
                phase_of_education,
            )

    async def leave(self, academy_id: str, left_on: dt.date) -> None:
        async with self._connect() as conn:
            await conn.execute(
                "UPDATE academy_facts SET left_on = $2 WHERE academy_id = $1", academy_id, left_on
            )

    async def record(self, academy_id: str, event: PhaseEvent) -> None:
        async with self._connect() as conn:
            await conn.execute(
                "INSERT INTO phase_history (academy_id, on_day, phase, intervention_id, "
                "intervention_open) VALUES ($1, $2, $3, $4, $5)",
                academy_id,
                event.on,
                event.phase,
                event.intervention_id,
                event.intervention_open,
            )

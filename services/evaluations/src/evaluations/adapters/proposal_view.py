"""Every phase proposal of every academy, for the board's trust-wide inbox.

Evaluations' own read table, written in the same transaction as the events it
reflects (so the inbox shows a proposal as soon as the call that made it has
answered). When the table is first created it is filled from the event store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import asyncpg
from chassis.envelope import Actor, EventEnvelope
from contracts.evaluations.v1 import (
    PhaseChanged,
    PhaseProposalRejected,
    PhaseProposalWithdrawn,
    PhaseProposed,
)

from evaluations.application.ports import OpenProposal
from evaluations.domain.state import Proposal

_DECIDED = {
    PhaseChanged.EVENT_TYPE: "confirmed",
    PhaseProposalRejected.EVENT_TYPE: "rejected",
    PhaseProposalWithdrawn.EVENT_TYPE: "withdrawn",
}

_DECIDED_TYPES = ", ".join(f"'{event_type}'" for event_type in _DECIDED)

SCHEMA = [
    # Created and filled from the events already stored, once.
    f"""
    DO $$
    BEGIN
        IF to_regclass('proposal_view') IS NULL THEN
            CREATE TABLE proposal_view (
                academy_id       text NOT NULL,
                proposal_id      text NOT NULL,
                trust_id         text NOT NULL,
                subject          text,
                current_phase    text,
                proposed_phase   text NOT NULL,
                reason           text NOT NULL,
                review           text NOT NULL,
                status           text NOT NULL,
                proposed_by      text NOT NULL,
                proposed_by_role text NOT NULL,
                proposed_at      timestamptz NOT NULL,
                PRIMARY KEY (academy_id, proposal_id)
            );
            CREATE INDEX proposal_view_open ON proposal_view
                (trust_id, proposed_at, academy_id, proposal_id) WHERE status = 'open';
            INSERT INTO proposal_view
            SELECT p.payload->>'academy_id', p.payload->>'proposal_id', p.payload->>'trust_id',
                   p.payload->>'subject', p.payload->>'current_phase',
                   p.payload->>'proposed_phase', p.payload->>'reason', p.payload->>'review',
                   coalesce((
                       SELECT CASE d.event_type
                                WHEN '{PhaseChanged.EVENT_TYPE}' THEN 'confirmed'
                                WHEN '{PhaseProposalRejected.EVENT_TYPE}' THEN 'rejected'
                                ELSE 'withdrawn' END
                       FROM events d
                       WHERE d.stream = p.stream AND d.stream_position > p.stream_position
                         AND d.event_type IN ({_DECIDED_TYPES})
                         AND d.payload->>'proposal_id' = p.payload->>'proposal_id'
                       ORDER BY d.stream_position LIMIT 1), 'open'),
                   p.metadata->'actor'->>'subject', p.metadata->'actor'->>'role', p.occurred_at
            FROM events p
            WHERE p.event_type = '{PhaseProposed.EVENT_TYPE}'
            ON CONFLICT DO NOTHING;
        END IF;
    END
    $$
    """,
]


async def apply(conn: asyncpg.Connection, appended: Sequence[EventEnvelope]) -> None:
    """Reflect evaluations' own events just appended (inside the same transaction)."""
    for envelope in appended:
        payload = envelope.payload
        if envelope.event_type == PhaseProposed.EVENT_TYPE:
            await conn.execute(
                "INSERT INTO proposal_view VALUES "
                "($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $10, $11) ON CONFLICT DO NOTHING",
                payload["academy_id"],
                payload["proposal_id"],
                payload["trust_id"],
                payload.get("subject"),
                payload.get("current_phase"),
                payload["proposed_phase"],
                payload["reason"],
                payload["review"],
                envelope.actor.subject,
                envelope.actor.role,
                envelope.occurred_at,
            )
        elif envelope.event_type in _DECIDED:
            await conn.execute(
                "UPDATE proposal_view SET status = $3 WHERE academy_id = $1 AND proposal_id = $2",
                payload["academy_id"],
                payload["proposal_id"],
                _DECIDED[envelope.event_type],
            )


def open_proposal_key(row: Any) -> tuple[dt.datetime, str, str]:
    """The row's page key (application.ports.open_proposal_key, on a row)."""
    return row["proposed_at"], row["academy_id"], row["proposal_id"]


async def open_proposals(
    conn: asyncpg.Connection,
    trust_id: str,
    only: Sequence[str] | None,
    after: Sequence[object] | None,
    limit: int,
) -> list[asyncpg.Record]:
    """The trust's open proposals, oldest first (only those academies' when ``only``),
    after the ``open_proposal_key`` ``after``, at most ``limit``, with academy names."""
    at, academy_id, proposal_id = after if after is not None else (None, None, None)
    return list(
        await conn.fetch(
            "SELECT p.*, coalesce(f.name, '') AS academy_name FROM proposal_view p "
            "LEFT JOIN academy_facts f USING (academy_id) "
            "WHERE p.trust_id = $1 AND p.status = 'open' "
            "AND ($2::text[] IS NULL OR p.academy_id = ANY($2::text[])) "
            "AND ($3::timestamptz IS NULL OR (p.proposed_at, p.academy_id, p.proposal_id) "
            "> ($3::timestamptz, $4::text, $5::text)) "
            "ORDER BY p.proposed_at, p.academy_id, p.proposal_id LIMIT $6",
            trust_id,
            None if only is None else list(only),
            at,
            academy_id,
            proposal_id,
            limit,
        )
    )


def _open_proposal(row: Any) -> OpenProposal:
    proposal = Proposal(
        proposal_id=row["proposal_id"],
        academy_id=row["academy_id"],
        subject=row["subject"],
        current_phase=row["current_phase"],
        proposed_phase=row["proposed_phase"],
        reason=row["reason"],
        review=row["review"],
        proposed_by=Actor(subject=row["proposed_by"], role=row["proposed_by_role"]),
        status=row["status"],
    )
    return OpenProposal(proposal, row["academy_name"], row["proposed_at"])


class PostgresProposalView:
    """The proposal view port (application.ports.ProposalViewPort) on PostgreSQL."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def record(self, conn: asyncpg.Connection, appended: Sequence[EventEnvelope]) -> None:
        await apply(conn, appended)

    async def open_proposals(
        self,
        trust_id: str,
        only: Sequence[str] | None,
        after: Sequence[object] | None,
        limit: int,
    ) -> list[OpenProposal]:
        async with self._pool.acquire() as conn:
            rows = await open_proposals(conn, trust_id, only, after, limit)
        return [_open_proposal(row) for row in rows]

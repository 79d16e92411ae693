"""Use cases of evaluations: authorise, load the academy's record, decide, append."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence

import asyncpg
from chassis.auth import Principal, Role
from chassis.envelope import CausationContext, EventEnvelope, new_events
from chassis.errors import FailedPrecondition, NotFound
from chassis.eventstore import PostgresEventStore
from chassis.ids import client_or_new_id
from contracts.academies.v1 import ACADEMY_TOPIC as ACADEMIES_ACADEMY_TOPIC
from contracts.academies.v1 import TRUST_TOPIC as ACADEMIES_TRUST_TOPIC
from contracts.base import EventPayload
from contracts.evaluations.v1 import ACADEMY_TOPIC, EVALUATIONS_EVENTS

from evaluations.adapters import facts_store
from evaluations.domain import decisions
from evaluations.domain.facts import AcademyFacts, TrustFramework
from evaluations.domain.state import EvaluationState, evolve
from evaluations.domain.suggestion import Suggestion, suggest

READ_ROLES = (
    Role.TRUSTEE,
    Role.CHIEF_EXECUTIVE,
    Role.IMPROVEMENT_LEAD,
    Role.HEADTEACHER,
    Role.CHAIR_OF_LGB,
)
SUGGESTION_ROLES = (Role.TRUSTEE, Role.CHIEF_EXECUTIVE, Role.IMPROVEMENT_LEAD)
PROPOSE_ROLES = (Role.CHIEF_EXECUTIVE,)
CONFIRM_ROLES = (Role.TRUSTEE,)
# Concerns are confidential: the chief executive, and the improvement leads of
# the academy, may read them (seed 004: a consultant informs the chief executive).
CONCERN_READERS = (Role.CHIEF_EXECUTIVE, Role.IMPROVEMENT_LEAD)
CONCERN_RAISERS = (Role.IMPROVEMENT_LEAD, Role.PROVIDER, Role.CHIEF_EXECUTIVE)
JUDGE_ROLES = tuple({role for roles in decisions.KINDS.values() for role in roles})

CONSUMED_TOPICS = (ACADEMIES_TRUST_TOPIC, ACADEMIES_ACADEMY_TOPIC)
TOPICS = (ACADEMY_TOPIC,)


def stream_of(academy_id: str) -> str:
    return f"academy-{academy_id}"


def topic_for(_envelope: EventEnvelope) -> str:
    return ACADEMY_TOPIC


class EvaluationsService:
    def __init__(self, store: PostgresEventStore) -> None:
        self._store = store
        self._pool = store.pool

    async def _context(
        self, conn: asyncpg.Connection, principal: Principal, academy_id: str, action: str
    ) -> tuple[AcademyFacts, TrustFramework]:
        academy = await facts_store.academy(conn, academy_id)
        if academy is None:
            raise NotFound(f"academy {academy_id} is not known to evaluations (not registered?)")
        principal.require_academy(academy.trust_id, academy_id, action)
        trust = await facts_store.trust_framework(conn, academy.trust_id)
        if trust is None:
            raise FailedPrecondition(f"trust {academy.trust_id} has no framework yet")
        return academy, trust

    async def _state(self, conn: asyncpg.Connection, academy_id: str) -> EvaluationState:
        state = EvaluationState(academy_id)
        for envelope in await self._store.load(stream_of(academy_id), conn):
            event = EVALUATIONS_EVENTS.parse(
                envelope.event_type, envelope.schema_version, envelope.payload
            )
            state = evolve(state, event, envelope.actor)
        return state

    async def _decide_and_append(
        self,
        principal: Principal,
        academy_id: str,
        action: str,
        decide: Callable[[AcademyFacts, TrustFramework, EvaluationState], list[EventPayload]],
        correlation_id: str,
        after: Callable[[asyncpg.Connection, AcademyFacts], Awaitable[None]] | None = None,
    ) -> list[EventPayload]:
        async with self._pool.acquire() as conn, conn.transaction():
            academy, trust = await self._context(conn, principal, academy_id, action)
            state = await self._state(conn, academy_id)
            events = decide(academy, trust, state)
            await self._store.append(
                conn,
                stream_of(academy_id),
                state.version,
                new_events(events, academy_id),
                CausationContext(principal.actor, correlation_id or str(uuid.uuid4())),
            )
            if after is not None:
                await after(conn, academy)
        return events

    async def judge(
        self, principal: Principal, command: decisions.JudgeEvaluation, correlation_id: str = ""
    ) -> EventPayload:
        principal.require_role(JUDGE_ROLES, "judging an academy")
        command = decisions.JudgeEvaluation(
            **{
                **command.__dict__,
                "evaluation_id": client_or_new_id(command.evaluation_id, "evaluation_id"),
            }
        )
        [event] = await self._decide_and_append(
            principal,
            command.academy_id,
            "judging an academy",
            lambda academy, trust, _state: decisions.decide_judge(
                academy, trust, principal, command
            ),
            correlation_id,
        )
        return event

    async def propose(
        self, principal: Principal, command: decisions.ProposePhase, correlation_id: str = ""
    ) -> EventPayload:
        principal.require_role(PROPOSE_ROLES, "proposing a phase")
        command = decisions.ProposePhase(
            **{
                **command.__dict__,
                "proposal_id": client_or_new_id(command.proposal_id, "proposal_id"),
            }
        )
        [event] = await self._decide_and_append(
            principal,
            command.academy_id,
            "proposing a phase",
            lambda academy, trust, state: decisions.decide_propose(academy, trust, state, command),
            correlation_id,
        )
        return event

    async def confirm(
        self, principal: Principal, command: decisions.DecideProposal, correlation_id: str = ""
    ) -> EventPayload:
        principal.require_role(CONFIRM_ROLES, "confirming a phase")
        [event] = await self._decide_and_append(
            principal,
            command.academy_id,
            "confirming a phase",
            lambda academy, trust, state: decisions.decide_confirm(
                academy, trust, state, principal, command
            ),
            correlation_id,
        )
        return event

    async def reject(
        self, principal: Principal, command: decisions.DecideProposal, correlation_id: str = ""
    ) -> EventPayload:
        principal.require_role(CONFIRM_ROLES, "rejecting a proposal")
        [event] = await self._decide_and_append(
            principal,
            command.academy_id,
            "rejecting a proposal",
            lambda academy, _trust, state: decisions.decide_reject(
                state, academy.trust_id, command
            ),
            correlation_id,
        )
        return event

    async def withdraw(
        self, principal: Principal, command: decisions.DecideProposal, correlation_id: str = ""
    ) -> EventPayload:
        principal.require_role(PROPOSE_ROLES, "withdrawing a proposal")
        [event] = await self._decide_and_append(
            principal,
            command.academy_id,
            "withdrawing a proposal",
            lambda academy, _trust, state: decisions.decide_withdraw(
                state, academy.trust_id, command
            ),
            correlation_id,
        )
        return event

    async def raise_concern(
        self, principal: Principal, academy_id: str, text: str, correlation_id: str = ""
    ) -> EventPayload:
        principal.require_role(CONCERN_RAISERS, "raising a concern")
        concern_id = str(uuid.uuid4())

        async def keep_text(conn: asyncpg.Connection, academy: AcademyFacts) -> None:
            await facts_store.save_concern(
                conn,
                concern_id,
                academy_id,
                academy.trust_id,
                text.strip(),
                principal.subject,
                principal.role.value,
            )

        [event] = await self._decide_and_append(
            principal,
            academy_id,
            "raising a concern",
            lambda academy, _trust, _state: decisions.decide_concern(
                academy, academy_id, concern_id, text
            ),
            correlation_id,
            after=keep_text,
        )
        return event

    # -- reads ---------------------------------------------------------------------

    async def record(
        self, principal: Principal, academy_id: str, roles: Sequence[Role], action: str
    ) -> EvaluationState:
        """The academy's evaluation record, for a caller in ``roles`` who reaches it."""
        principal.require_role(roles, action)
        async with self._pool.acquire() as conn:
            await self._context(conn, principal, academy_id, action)
            state = await self._state(conn, academy_id)
        return state

    async def suggestion(
        self, principal: Principal, academy_id: str
    ) -> tuple[Suggestion, EvaluationState]:
        principal.require_role(SUGGESTION_ROLES, "reading a phase suggestion")
        async with self._pool.acquire() as conn:
            _academy, trust = await self._context(
                conn, principal, academy_id, "reading a suggestion"
            )
            state = await self._state(conn, academy_id)
            data = await facts_store.latest_data(conn, academy_id)
        return suggest(trust.framework, data, list(state.judgements)), state

    async def concerns(self, principal: Principal, academy_id: str) -> list[asyncpg.Record]:
        principal.require_role(CONCERN_READERS, "reading concerns")
        async with self._pool.acquire() as conn:
            await self._context(conn, principal, academy_id, "reading concerns")
            return await facts_store.concerns(conn, academy_id)

"""Use cases of evaluations: authorise, load the academy's record, decide, append."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import asyncpg
from chassis.auth import TRUST_WIDE_ROLES, Principal, Role
from chassis.envelope import Actor, CausationContext, EventEnvelope, new_events
from chassis.errors import AlreadyExists, FailedPrecondition, NotFound
from chassis.eventstore import PostgresEventStore
from chassis.ids import client_or_new_id
from chassis.paging import PageRequest
from contracts.academies.v1 import ACADEMY_TOPIC as ACADEMIES_ACADEMY_TOPIC
from contracts.academies.v1 import TRUST_TOPIC as ACADEMIES_TRUST_TOPIC
from contracts.base import EventPayload
from contracts.evaluations.v1 import ACADEMY_TOPIC, EVALUATIONS_EVENTS, EvaluationJudged
from trust_frameworks.schemes import Area

from evaluations.adapters import facts_store, proposal_view
from evaluations.domain import decisions
from evaluations.domain.facts import AcademyFacts, TrustFramework, applicable_areas
from evaluations.domain.state import EvaluationState, Proposal, evolve
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
# The board's inbox of open proposals: trustees and the chief executive see the
# whole trust's; an improvement lead sees their academies'.
INBOX_ROLES = (Role.TRUSTEE, Role.CHIEF_EXECUTIVE, Role.IMPROVEMENT_LEAD)
JUDGE_ROLES = tuple({role for roles in decisions.KINDS.values() for role in roles})

CONSUMED_TOPICS = (ACADEMIES_TRUST_TOPIC, ACADEMIES_ACADEMY_TOPIC)
TOPICS = (ACADEMY_TOPIC,)


def stream_of(academy_id: str) -> str:
    return f"academy-{academy_id}"


def topic_for(_envelope: EventEnvelope) -> str:
    return ACADEMY_TOPIC


@dataclass(frozen=True)
class SchemeInForce:
    """The trust's framework in force, and the scheme's areas that apply to each academy."""

    trust: TrustFramework
    academies: list[tuple[AcademyFacts, list[Area]]]


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

    async def _append(
        self,
        conn: asyncpg.Connection,
        principal: Principal,
        state: EvaluationState,
        events: list[EventPayload],
        correlation_id: str,
    ) -> EvaluationState:
        """Append to the academy's stream, keep the proposal view in step (same
        transaction), and return the state with the events folded in."""
        appended = await self._store.append(
            conn,
            stream_of(state.academy_id),
            state.version,
            new_events(events, state.academy_id),
            CausationContext(principal.actor, correlation_id or str(uuid.uuid4())),
        )
        await proposal_view.apply(conn, appended)
        for event in events:
            state = evolve(state, event, principal.actor)
        return state

    async def _decide_and_append(
        self,
        principal: Principal,
        academy_id: str,
        action: str,
        decide: Callable[[AcademyFacts, TrustFramework, EvaluationState], list[EventPayload]],
        correlation_id: str,
    ) -> tuple[list[EventPayload], EvaluationState]:
        """The events decided (none for a retried call) and the academy's record after them."""
        async with self._pool.acquire() as conn, conn.transaction():
            academy, trust = await self._context(conn, principal, academy_id, action)
            state = await self._state(conn, academy_id)
            events = decide(academy, trust, state)
            if events:
                state = await self._append(conn, principal, state, events, correlation_id)
        return events, state

    async def judge(
        self, principal: Principal, command: decisions.JudgeEvaluation, correlation_id: str = ""
    ) -> tuple[EvaluationJudged, Actor]:
        """The evaluation judged (or, for a retried call with its id, judged before)
        and who judged it."""
        principal.require_role(JUDGE_ROLES, "judging an academy")
        command = replace(
            command, evaluation_id=client_or_new_id(command.evaluation_id, "evaluation_id")
        )

        def decide(
            academy: AcademyFacts, trust: TrustFramework, state: EvaluationState
        ) -> list[EventPayload]:
            if decisions.repeated_judgement(state, principal, command) is not None:
                return []  # a retried call (the answer was lost): same answer, nothing new
            return decisions.decide_judge(academy, trust, principal, command)

        _events, state = await self._decide_and_append(
            principal, command.academy_id, "judging an academy", decide, correlation_id
        )
        judged = state.judgement(command.evaluation_id)
        assert judged is not None
        return judged, state.judged_by[command.evaluation_id]

    async def propose(
        self, principal: Principal, command: decisions.ProposePhase, correlation_id: str = ""
    ) -> Proposal:
        """The proposal made (or, for a retried call with its id, made before, as it is now)."""
        principal.require_role(PROPOSE_ROLES, "proposing a phase")
        command = replace(command, proposal_id=client_or_new_id(command.proposal_id, "proposal_id"))

        def decide(
            academy: AcademyFacts, trust: TrustFramework, state: EvaluationState
        ) -> list[EventPayload]:
            if decisions.repeated_proposal(state, command) is not None:
                return []  # a retried call (the answer was lost): same proposal, nothing new
            return decisions.decide_propose(academy, trust, state, command)

        _events, state = await self._decide_and_append(
            principal, command.academy_id, "proposing a phase", decide, correlation_id
        )
        return state.proposals[command.proposal_id]

    async def confirm(
        self, principal: Principal, command: decisions.DecideProposal, correlation_id: str = ""
    ) -> EventPayload:
        principal.require_role(CONFIRM_ROLES, "confirming a phase")
        [event], _state = await self._decide_and_append(
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
        [event], _state = await self._decide_and_append(
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
        [event], _state = await self._decide_and_append(
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
        self,
        principal: Principal,
        academy_id: str,
        text: str,
        concern_id: str = "",
        correlation_id: str = "",
    ) -> asyncpg.Record:
        """The concern kept (or, for a retried call with its id, kept before).

        Its text stays in this database; the event says only that it was raised.
        A retry is the same id, academy and text from the same person.
        """
        principal.require_role(CONCERN_RAISERS, "raising a concern")
        client_chosen_id = bool(concern_id.strip())
        concern_id = client_or_new_id(concern_id, "concern_id")
        action = "raising a concern"
        async with self._pool.acquire() as conn, conn.transaction():
            academy, _trust = await self._context(conn, principal, academy_id, action)
            if client_chosen_id:  # a fresh uuid4 cannot exist yet; a client's id may
                existing = await facts_store.concern(conn, concern_id)
                if existing is not None:
                    if (
                        existing["academy_id"] == academy_id
                        and existing["text"] == text.strip()
                        and existing["raised_by"] == principal.subject
                    ):
                        return existing  # a retried call (the answer was lost): nothing new
                    raise AlreadyExists(f"concern {concern_id} already exists")
            state = await self._state(conn, academy_id)
            events = decisions.decide_concern(academy, academy_id, concern_id, text)
            await self._append(conn, principal, state, events, correlation_id)
            kept = await facts_store.save_concern(
                conn,
                concern_id,
                academy_id,
                academy.trust_id,
                text.strip(),
                principal.subject,
                principal.role.value,
            )
            if kept is None:  # raised with the same id at the same moment elsewhere
                raise AlreadyExists(f"concern {concern_id} already exists")
        return kept

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

    async def concerns(
        self, principal: Principal, academy_id: str, page: PageRequest
    ) -> tuple[list[asyncpg.Record], str]:
        """A page of the academy's concerns, oldest first, and the next page's token."""
        principal.require_role(CONCERN_READERS, "reading concerns")
        async with self._pool.acquire() as conn:
            await self._context(conn, principal, academy_id, "reading concerns")
            rows = await facts_store.concerns(conn, academy_id, page.after, page.fetch)
        return page.cut(rows, key=facts_store.concern_key)

    async def open_proposals(
        self, principal: Principal, trust_id: str, page: PageRequest
    ) -> tuple[list[asyncpg.Record], str]:
        """A page of the trust's open proposals (the board's inbox), oldest first."""
        action = "reading the open proposals"
        principal.require_role(INBOX_ROLES, action)
        principal.require_trust(trust_id, action)
        only = None if principal.role in TRUST_WIDE_ROLES else sorted(principal.academies)
        async with self._pool.acquire() as conn:
            rows = await proposal_view.open_proposals(conn, trust_id, only, page.after, page.fetch)
        return page.cut(rows, key=proposal_view.open_proposal_key)

    async def judgement_scheme(
        self, principal: Principal, trust_id: str, academy_id: str = ""
    ) -> SchemeInForce:
        """The trust's scheme in force, and which of its areas apply to the academy
        (or to every open academy of the trust the caller reaches)."""
        action = "reading the judgement scheme"
        principal.require_role(READ_ROLES, action)
        principal.require_trust(trust_id, action)
        async with self._pool.acquire() as conn:
            if academy_id:
                academy, trust = await self._context(conn, principal, academy_id, action)
                academies = [academy]
            else:
                found = await facts_store.trust_framework(conn, trust_id)
                if found is None:
                    raise NotFound(
                        f"trust {trust_id} has no framework known to evaluations (not created?)"
                    )
                trust = found
                academies = [
                    a
                    for a in await facts_store.open_academies(conn, trust_id)
                    if principal.reaches(a.trust_id, a.academy_id)
                ]
        scheme = trust.framework.scheme
        return SchemeInForce(trust, [(a, applicable_areas(scheme, a)) for a in academies])

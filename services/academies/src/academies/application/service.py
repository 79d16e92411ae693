"""Use cases of the academies service: authorise, load, decide, append.

Each command runs in one transaction: the events and the service's own read
tables commit together or not at all, so a refused command appends nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import asyncpg
from chassis.auth import TRUST_WIDE_ROLES, Principal, Role
from chassis.envelope import Actor, CausationContext, EventEnvelope, new_events
from chassis.errors import AlreadyExists, NotFound
from chassis.eventstore import PostgresEventStore
from chassis.ids import client_or_new_id
from chassis.paging import PageRequest
from contracts.academies.v1 import (
    ACADEMIES_EVENTS,
    AcademyLeftTrust,
    AcademyRegistered,
    DataSubmitted,
    InspectionRecorded,
    TrustCreated,
)
from contracts.base import EventPayload
from trust_frameworks.model import Framework
from trust_frameworks.schemes import JudgementScheme

from academies.adapters import views
from academies.application.streams import (
    academy_stream,
    plan_stream,
    self_evaluation_stream,
    submission_stream,
    trust_stream,
)
from academies.domain import academy as academy_rules
from academies.domain import inspection as inspection_rules
from academies.domain import planning
from academies.domain import returns as returns_rules
from academies.domain import submission as submission_rules
from academies.domain import trust as trust_rules

REGISTER_ROLES = (Role.CHIEF_EXECUTIVE,)
INSPECTION_ROLES = (Role.CHIEF_EXECUTIVE, Role.IMPROVEMENT_LEAD)
SUBMIT_ROLES = (Role.HEADTEACHER, Role.IMPROVEMENT_LEAD, Role.CHIEF_EXECUTIVE)
READ_ROLES = (
    Role.TRUSTEE,
    Role.CHIEF_EXECUTIVE,
    Role.IMPROVEMENT_LEAD,
    Role.HEADTEACHER,
    Role.CHAIR_OF_LGB,
    Role.FINANCE,
)


def _parse(envelope: EventEnvelope) -> EventPayload:
    return ACADEMIES_EVENTS.parse(envelope.event_type, envelope.schema_version, envelope.payload)


def _fold_trust(
    state: trust_rules.TrustState | None, events: Sequence[EventPayload], actor: Actor
) -> trust_rules.TrustState:
    for event in events:
        state = trust_rules.evolve(state, event, actor)
    assert state is not None
    return state


@dataclass(frozen=True)
class Caller:
    """Who a token says the caller is, and the open academies they may act for."""

    principal: Principal
    trust: trust_rules.TrustState | None
    academies: list[academy_rules.AcademyState]

    @property
    def trust_wide(self) -> bool:
        return self.principal.role in TRUST_WIDE_ROLES


INSPECTION_KEY = (dt.date, int)


def inspection_key(found: tuple[InspectionRecorded, EventEnvelope]) -> tuple[dt.date, int]:
    """Inspections are listed by date (then by when they were recorded)."""
    event, envelope = found
    return event.inspection_date, envelope.stream_position


def _scheme(trust: trust_rules.TrustState) -> JudgementScheme:
    assert trust.framework is not None  # checked before deciding
    return trust.framework.scheme


class AcademiesService:
    def __init__(self, store: PostgresEventStore, presets: Mapping[str, Framework]) -> None:
        self._store = store
        self._presets = dict(presets)
        self._pool = store.pool

    def _cause(self, principal: Principal, correlation_id: str) -> CausationContext:
        return CausationContext(principal.actor, correlation_id or str(uuid.uuid4()))

    # -- trust -----------------------------------------------------------------

    async def create_trust(
        self, principal: Principal, command: trust_rules.CreateTrust, correlation_id: str = ""
    ) -> trust_rules.TrustState:
        principal.require_role(REGISTER_ROLES, "creating a trust")
        principal.require_trust(command.trust_id, "creating a trust")
        async with self._pool.acquire() as conn, conn.transaction():
            envelopes = await self._store.load(trust_stream(command.trust_id), conn)
            state = self._trust_from(envelopes)
            if state is not None:
                created = _parse(envelopes[0])
                if isinstance(created, TrustCreated) and trust_rules.is_retry_of(created, command):
                    return state  # a retried call (the answer was lost): same trust, nothing new
            events = trust_rules.decide_create(state, command, self._presets)
            await self._store.append(
                conn,
                trust_stream(command.trust_id),
                0,
                new_events(events, command.trust_id),
                self._cause(principal, correlation_id),
            )
        return _fold_trust(None, events, principal.actor)

    async def change_framework(
        self, principal: Principal, command: trust_rules.ChangeFramework, correlation_id: str = ""
    ) -> trust_rules.TrustState:
        principal.require_role(REGISTER_ROLES, "changing the trust's framework")
        principal.require_trust(command.trust_id, "changing the trust's framework")
        async with self._pool.acquire() as conn, conn.transaction():
            state = await self._load_trust(conn, command.trust_id)
            events = trust_rules.decide_change_framework(state, command)
            if not events:
                assert state is not None
                return state
            assert state is not None
            await self._store.append(
                conn,
                trust_stream(command.trust_id),
                state.version,
                new_events(events, command.trust_id),
                self._cause(principal, correlation_id),
            )
        return _fold_trust(state, events, principal.actor)

    async def get_trust(self, principal: Principal, trust_id: str) -> trust_rules.TrustState:
        principal.require_role(READ_ROLES, "reading a trust")
        principal.require_trust(trust_id, "reading a trust")
        async with self._pool.acquire() as conn:
            state = await self._load_trust(conn, trust_id)
        if state is None:
            raise NotFound(f"trust {trust_id} does not exist")
        return state

    async def _load_trust(
        self, conn: asyncpg.Connection, trust_id: str
    ) -> trust_rules.TrustState | None:
        return self._trust_from(await self._store.load(trust_stream(trust_id), conn))

    @staticmethod
    def _trust_from(envelopes: Sequence[EventEnvelope]) -> trust_rules.TrustState | None:
        state = None
        for envelope in envelopes:
            state = trust_rules.evolve(state, _parse(envelope), envelope.actor)
        return state

    # -- academies -------------------------------------------------------------

    async def register_academy(
        self, principal: Principal, command: academy_rules.RegisterAcademy, correlation_id: str = ""
    ) -> academy_rules.AcademyState:
        principal.require_role(REGISTER_ROLES, "registering an academy")
        principal.require_trust(command.trust_id, "registering an academy")
        client_chosen_id = bool(command.academy_id.strip())
        academy_id = client_or_new_id(command.academy_id, "academy_id")
        command = replace(command, academy_id=academy_id)
        async with self._pool.acquire() as conn, conn.transaction():
            if await self._load_trust(conn, command.trust_id) is None:
                raise NotFound(f"trust {command.trust_id} does not exist; create it first")
            existing = await views.fetch_academy(conn, academy_id)
            if existing is not None and client_chosen_id:  # a fresh uuid4 cannot exist yet
                [registered, *_] = await self._store.load(academy_stream(academy_id), conn)
                first = _parse(registered)
                if isinstance(first, AcademyRegistered) and academy_rules.is_retry_of(
                    first, command
                ):
                    return existing  # a retried call (the answer was lost): nothing new
            events = academy_rules.decide_register(existing, command)
            await self._store.append(
                conn,
                academy_stream(academy_id),
                0,
                new_events(events, academy_id),
                self._cause(principal, correlation_id),
            )
            state = academy_rules.evolve(None, events[0])
            assert state is not None
            if not await views.claim_urn(conn, state.trust_id, state.urn, academy_id):
                raise AlreadyExists(
                    f"URN {state.urn} is already registered in trust {state.trust_id}"
                )
            state = academy_rules.AcademyState(**{**state.__dict__, "version": 1})
            await views.save_academy(conn, state)
        return state

    async def change_details(
        self,
        principal: Principal,
        command: academy_rules.ChangeAcademyDetails,
        correlation_id: str = "",
    ) -> academy_rules.AcademyState:
        principal.require_role(REGISTER_ROLES, "changing an academy's details")
        return await self._change_academy(
            principal,
            command.academy_id,
            lambda s: academy_rules.decide_change_details(s, command),
            "changing an academy's details",
            correlation_id,
        )

    async def record_left(
        self,
        principal: Principal,
        command: academy_rules.RecordAcademyLeft,
        correlation_id: str = "",
    ) -> academy_rules.AcademyState:
        principal.require_role(REGISTER_ROLES, "recording that an academy left")
        return await self._change_academy(
            principal,
            command.academy_id,
            lambda s: academy_rules.decide_leave(s, command),
            "recording that an academy left",
            correlation_id,
        )

    async def record_inspection(
        self,
        principal: Principal,
        command: inspection_rules.RecordInspection,
        correlation_id: str = "",
    ) -> InspectionRecorded:
        principal.require_role(INSPECTION_ROLES, "recording an inspection")
        decided: list[EventPayload] = []

        def decide(state: academy_rules.AcademyState) -> list[EventPayload]:
            decided[:] = inspection_rules.decide_record(state, command)
            return decided

        await self._change_academy(
            principal, command.academy_id, decide, "recording an inspection", correlation_id
        )
        [recorded] = decided
        assert isinstance(recorded, InspectionRecorded)
        return recorded

    async def list_inspections(
        self, principal: Principal, academy_id: str, page: PageRequest
    ) -> tuple[list[tuple[InspectionRecorded, EventEnvelope]], str]:
        """The academy's inspections by date (a page of them), and the next page's token."""
        await self.get_academy(principal, academy_id)  # existence and scope
        result = []
        for envelope in await self._store.load(academy_stream(academy_id)):
            event = _parse(envelope)
            if isinstance(event, InspectionRecorded):
                result.append((event, envelope))
        return page.select(result, key=inspection_key)

    async def returns_status(
        self, principal: Principal, academy_id: str, as_of: dt.date
    ) -> tuple[list[returns_rules.DueReturn], int]:
        """The academy's returns for the academic year holding ``as_of``, and the
        version of the trust's framework whose calendar was applied."""
        academy = await self.get_academy(principal, academy_id)
        async with self._pool.acquire() as conn:
            trust = await self._load_trust(conn, academy.trust_id)
            rows = await views.submitted_returns(conn, academy_id)
        if trust is None or trust.framework is None:
            raise NotFound(f"trust {academy.trust_id} has no framework")
        submitted = [
            returns_rules.SubmittedReturn(
                r["return_type"],
                r["academic_year"],
                r["term"],
                r["half_term"],
                r["submitted_at"].date(),
            )
            for r in rows
        ]
        due = returns_rules.returns_due(
            trust.framework, as_of, academy.date_joined, academy.date_left, submitted
        )
        return due, trust.framework_version

    async def submit_plan(
        self,
        principal: Principal,
        command: planning.SubmitImprovementPlan,
        correlation_id: str = "",
    ) -> EventEnvelope:
        principal.require_role(SUBMIT_ROLES, "submitting an improvement plan")
        stream = plan_stream(command.academy_id, command.academic_year)
        return await self._append_revision(
            principal,
            command.academy_id,
            stream,
            correlation_id,
            "submitting an improvement plan",
            lambda academy, revision, trust: planning.decide_plan(
                academy, command, revision, _scheme(trust), trust.framework_version
            ),
        )

    async def submit_self_evaluation(
        self, principal: Principal, command: planning.SubmitSelfEvaluation, correlation_id: str = ""
    ) -> EventEnvelope:
        principal.require_role(SUBMIT_ROLES, "submitting a self-evaluation")
        stream = self_evaluation_stream(command.academy_id, command.academic_year)
        return await self._append_revision(
            principal,
            command.academy_id,
            stream,
            correlation_id,
            "submitting a self-evaluation",
            lambda academy, revision, trust: planning.decide_self_evaluation(
                academy, command, revision, _scheme(trust), trust.framework_version
            ),
        )

    async def plan_history(
        self, principal: Principal, academy_id: str, academic_year: str
    ) -> list[EventEnvelope]:
        await self.get_academy(principal, academy_id)
        envelopes = await self._store.load(plan_stream(academy_id, academic_year))
        if not envelopes:
            raise NotFound(f"academy {academy_id} has no improvement plan for {academic_year}")
        return envelopes

    async def _append_revision(
        self,
        principal: Principal,
        academy_id: str,
        stream: str,
        correlation_id: str,
        action: str,
        decide: Callable[
            [academy_rules.AcademyState, int, trust_rules.TrustState], list[EventPayload]
        ],
    ) -> EventEnvelope:
        """Append the next revision of a document stream (plan, self-evaluation)."""
        async with self._pool.acquire() as conn, conn.transaction():
            academy = await views.fetch_academy(conn, academy_id)
            if academy is None:
                raise NotFound(f"academy {academy_id} is not registered")
            principal.require_academy(academy.trust_id, academy_id, action)
            trust = await self._load_trust(conn, academy.trust_id)
            if trust is None or trust.framework is None:
                raise NotFound(f"trust {academy.trust_id} has no framework")
            revision = await self._store.stream_version(conn, stream)
            events = decide(academy, revision, trust)
            [appended] = await self._store.append(
                conn,
                stream,
                revision,
                new_events(events, academy_id),
                self._cause(principal, correlation_id),
            )
        return appended

    async def _change_academy(
        self,
        principal: Principal,
        academy_id: str,
        decide: Callable[[academy_rules.AcademyState], list[EventPayload]],
        action: str,
        correlation_id: str,
    ) -> academy_rules.AcademyState:
        async with self._pool.acquire() as conn, conn.transaction():
            state = await views.fetch_academy(conn, academy_id)
            if state is None:
                raise NotFound(f"academy {academy_id} is not registered")
            principal.require_academy(state.trust_id, academy_id, action)
            events: list[EventPayload] = decide(state)
            if not events:
                return state
            await self._store.append(
                conn,
                academy_stream(academy_id),
                state.version,
                new_events(events, academy_id),
                self._cause(principal, correlation_id),
            )
            new_state: academy_rules.AcademyState | None = state
            for event in events:
                new_state = academy_rules.evolve(new_state, event)
                if isinstance(event, AcademyLeftTrust):
                    await views.release_urn(conn, state.trust_id, state.urn)
            assert new_state is not None
            new_state = academy_rules.AcademyState(
                **{**new_state.__dict__, "version": state.version + len(events)}
            )
            await views.save_academy(conn, new_state)
        return new_state

    async def get_academy(
        self, principal: Principal, academy_id: str
    ) -> academy_rules.AcademyState:
        principal.require_role(READ_ROLES, "reading an academy")
        async with self._pool.acquire() as conn:
            state = await views.fetch_academy(conn, academy_id)
        if state is None:
            raise NotFound(f"academy {academy_id} is not registered")
        principal.require_academy(state.trust_id, academy_id, "reading an academy")
        return state

    async def list_academies(
        self, principal: Principal, trust_id: str, include_left: bool, page: PageRequest
    ) -> tuple[list[academy_rules.AcademyState], str]:
        """A page of the academies the caller reaches, by name, and the next page's token."""
        principal.require_role(READ_ROLES, "listing academies")
        principal.require_trust(trust_id, "listing academies")
        return await self._reachable_academies(principal, trust_id, include_left, page)

    async def _reachable_academies(
        self, principal: Principal, trust_id: str, include_left: bool, page: PageRequest
    ) -> tuple[list[academy_rules.AcademyState], str]:
        only = None if principal.role in TRUST_WIDE_ROLES else sorted(principal.academies)
        async with self._pool.acquire() as conn:
            academies = await views.list_academies(
                conn, trust_id, include_left, only, page.after, page.fetch
            )
        return page.cut(academies, key=views.academy_key)

    async def who_am_i(self, principal: Principal) -> Caller:
        """The caller as their token says, with their trust and the open academies
        they may act for (any role may ask about itself)."""
        async with self._pool.acquire() as conn:
            trust = await self._load_trust(conn, principal.trust_id)
        academies: list[academy_rules.AcademyState] = []
        if trust is not None:
            page = PageRequest(size=1000, after=None)
            while True:
                chunk, token = await self._reachable_academies(
                    principal, principal.trust_id, False, page
                )
                academies.extend(chunk)
                if not token:
                    break
                page = PageRequest(size=page.size, after=views.academy_key(chunk[-1]))
        return Caller(principal, trust, academies)

    # -- submissions -------------------------------------------------------------

    async def submit_data(
        self, principal: Principal, command: submission_rules.SubmitData, correlation_id: str = ""
    ) -> submission_rules.SubmissionState:
        principal.require_role(SUBMIT_ROLES, "submitting data")
        client_chosen_id = bool(command.submission_id.strip())
        submission_id = client_or_new_id(command.submission_id, "submission_id")
        command = submission_rules.SubmitData(
            **{**command.__dict__, "submission_id": submission_id}
        )
        async with self._pool.acquire() as conn, conn.transaction():
            academy = await views.fetch_academy(conn, command.academy_id)
            if academy is not None:
                principal.require_academy(academy.trust_id, academy.academy_id, "submitting data")
            existing = None
            if client_chosen_id:  # a fresh uuid4 cannot exist yet; a client's id may
                existing, _ = await self._load_submission(conn, submission_id)
                if existing is not None and submission_rules.is_retry_of(existing, command):
                    return (
                        existing  # a retried call (the answer was lost): same answer, nothing new
                    )
            events = submission_rules.decide_submit(academy, existing, command)
            appended = await self._store.append(
                conn,
                submission_stream(submission_id),
                0,
                new_events(events, command.academy_id),
                self._cause(principal, correlation_id),
            )
            submitted = events[0]
            assert isinstance(submitted, DataSubmitted)
            clash = await views.index_submission(
                conn,
                submission_id,
                command.academy_id,
                submitted.trust_id,
                submitted.period,
                submitted.return_type,
                appended[0].occurred_at,
            )
            if clash is not None:
                raise AlreadyExists(
                    f"academy {command.academy_id} already has submission {clash} for "
                    f"{command.period.academic_year} {command.period.term}"
                    f"{' half-term ' + str(command.period.half_term) if command.period.half_term else ''}"
                    f" ({command.return_type}); correct that one instead"
                    if clash != submission_id
                    else f"submission {submission_id} already exists"
                )
        state = submission_rules.evolve(None, submitted, principal.actor, appended[0].occurred_at)
        assert state is not None
        return state

    async def correct_submission(
        self,
        principal: Principal,
        command: submission_rules.CorrectSubmission,
        correlation_id: str = "",
    ) -> submission_rules.SubmissionState:
        principal.require_role(SUBMIT_ROLES, "correcting a submission")
        async with self._pool.acquire() as conn, conn.transaction():
            academy = await views.fetch_academy(conn, command.academy_id)
            if academy is not None:
                principal.require_academy(
                    academy.trust_id, academy.academy_id, "correcting a submission"
                )
            submission, envelopes = await self._load_submission(conn, command.submission_id)
            events = submission_rules.decide_correct(academy, submission, command)
            appended = await self._store.append(
                conn,
                submission_stream(command.submission_id),
                len(envelopes),
                new_events(events, command.academy_id),
                self._cause(principal, correlation_id),
            )
        state = submission_rules.evolve(
            submission, events[0], principal.actor, appended[0].occurred_at
        )
        assert state is not None
        return state

    async def get_submission(
        self, principal: Principal, academy_id: str, submission_id: str
    ) -> submission_rules.SubmissionState:
        principal.require_role(READ_ROLES, "reading submissions")
        async with self._pool.acquire() as conn:
            academy = await views.fetch_academy(conn, academy_id)
            if academy is None:
                raise NotFound(f"academy {academy_id} is not registered")
            principal.require_academy(academy.trust_id, academy_id, "reading submissions")
            submission, _ = await self._load_submission(conn, submission_id)
        if submission is None or submission.academy_id != academy_id:
            raise NotFound(f"academy {academy_id} has no submission {submission_id}")
        return submission

    async def list_submissions(
        self,
        principal: Principal,
        academy_id: str,
        academic_year: str | None,
        page: PageRequest,
    ) -> tuple[list[submission_rules.SubmissionState], str]:
        """A page of the academy's submissions by period, and the next page's token."""
        principal.require_role(READ_ROLES, "reading submissions")
        async with self._pool.acquire() as conn:
            academy = await views.fetch_academy(conn, academy_id)
            if academy is None:
                raise NotFound(f"academy {academy_id} is not registered")
            principal.require_academy(academy.trust_id, academy_id, "reading submissions")
            slots = await views.submission_slots(
                conn, academy_id, academic_year, page.after, page.fetch
            )
            shown, token = page.cut(slots, key=views.submission_key)
            result = []
            for slot in shown:
                submission, _ = await self._load_submission(conn, slot["submission_id"])
                if submission is not None:
                    result.append(submission)
        return result, token

    async def _load_submission(
        self, conn: asyncpg.Connection, submission_id: str
    ) -> tuple[submission_rules.SubmissionState | None, list[EventEnvelope]]:
        envelopes = await self._store.load(submission_stream(submission_id), conn)
        state = None
        for envelope in envelopes:
            state = submission_rules.evolve(
                state, _parse(envelope), envelope.actor, envelope.occurred_at
            )
        return state, envelopes

"""Phase reviews: the chief executive proposes, the board confirms or rejects,
the proposer may withdraw; the academy's phases, a suggestion from the evidence,
and the board's inbox of open proposals.

Every write keeps the proposal view (the inbox) in step in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from chassis.access import Access
from chassis.aggregate import Decided, EventStore, Session, execute, read
from chassis.auth import TRUST_WIDE_ROLES, Principal
from chassis.envelope import CausationContext
from chassis.ids import client_or_new_id
from chassis.paging import PageRequest
from contracts.base import EventPayload
from contracts.evaluations.v1 import PhaseChanged

from evaluations.application.ports import (
    AcademyFactsPort,
    LatestDataPort,
    OpenProposal,
    ProposalViewPort,
    TrustFrameworksPort,
    open_proposal_key,
)
from evaluations.application.record import EVALUATION_RECORD, academy_in_reach
from evaluations.domain import decisions
from evaluations.domain.facts import AcademyFacts, TrustFramework
from evaluations.domain.state import EvaluationState, Proposal
from evaluations.domain.suggestion import Suggestion, suggest
from evaluations.entrypoints.access import ACCESS

Decide = Callable[[AcademyFacts, TrustFramework, EvaluationState], list[EventPayload]]


@dataclass(frozen=True)
class SuggestionFor:
    academy_id: str
    suggestion: Suggestion
    current_phase: str | None  # the academy's as a whole; None before its first


async def _decide(
    store: EventStore,
    academies: AcademyFactsPort,
    frameworks: TrustFrameworksPort,
    view: ProposalViewPort,
    principal: Principal,
    rule: Access,
    academy_id: str,
    decide: Decide,
    cause: CausationContext,
) -> EvaluationState:
    """The academy's record after ``decide`` (nothing appended when it decides nothing)."""
    academy, trust = await academy_in_reach(academies, frameworks, principal, rule, academy_id)

    async def keep_view(session: Session, decided: Decided[EvaluationState]) -> None:
        await view.record(session.conn, decided.envelopes)

    decided = await execute(
        store,
        EVALUATION_RECORD,
        [academy_id],
        lambda loaded: decide(academy, trust, loaded.state),
        academy_id,
        cause,
        after=keep_view,
    )
    return decided.state


async def propose(
    store: EventStore,
    academies: AcademyFactsPort,
    frameworks: TrustFrameworksPort,
    view: ProposalViewPort,
    principal: Principal,
    command: decisions.ProposePhase,
    cause: CausationContext,
) -> Proposal:
    """The proposal made (or, for a retried call with its id, made before, as it is now)."""
    command = replace(command, proposal_id=client_or_new_id(command.proposal_id, "proposal_id"))

    def decide(
        academy: AcademyFacts, trust: TrustFramework, state: EvaluationState
    ) -> list[EventPayload]:
        if decisions.repeated_proposal(state, command) is not None:
            return []  # a retried call (the answer was lost): same proposal, nothing new
        return decisions.decide_propose(academy, trust, state, command)

    state = await _decide(
        store,
        academies,
        frameworks,
        view,
        principal,
        ACCESS.rule("ProposePhase"),
        command.academy_id,
        decide,
        cause,
    )
    return state.proposals[command.proposal_id]


async def confirm(
    store: EventStore,
    academies: AcademyFactsPort,
    frameworks: TrustFrameworksPort,
    view: ProposalViewPort,
    principal: Principal,
    command: decisions.DecideProposal,
    cause: CausationContext,
) -> PhaseChanged:
    """The phase change the board confirmed."""
    state = await _decide(
        store,
        academies,
        frameworks,
        view,
        principal,
        ACCESS.rule("ConfirmPhase"),
        command.academy_id,
        lambda academy, trust, state: decisions.decide_confirm(
            academy, trust, state, principal, command
        ),
        cause,
    )
    return state.changes[-1]


async def reject(
    store: EventStore,
    academies: AcademyFactsPort,
    frameworks: TrustFrameworksPort,
    view: ProposalViewPort,
    principal: Principal,
    command: decisions.DecideProposal,
    cause: CausationContext,
) -> Proposal:
    """The proposal as the board left it: rejected."""
    deps = (store, academies, frameworks, view)
    return await _close(*deps, principal, "RejectProposal", decisions.decide_reject, command, cause)


async def withdraw(
    store: EventStore,
    academies: AcademyFactsPort,
    frameworks: TrustFrameworksPort,
    view: ProposalViewPort,
    principal: Principal,
    command: decisions.DecideProposal,
    cause: CausationContext,
) -> Proposal:
    """The proposal as its proposer left it: withdrawn."""
    deps = (store, academies, frameworks, view)
    return await _close(
        *deps, principal, "WithdrawProposal", decisions.decide_withdraw, command, cause
    )


async def _close(
    store: EventStore,
    academies: AcademyFactsPort,
    frameworks: TrustFrameworksPort,
    view: ProposalViewPort,
    principal: Principal,
    rpc: str,
    decide_close: Callable[[EvaluationState, str, decisions.DecideProposal], list[EventPayload]],
    command: decisions.DecideProposal,
    cause: CausationContext,
) -> Proposal:
    state = await _decide(
        store,
        academies,
        frameworks,
        view,
        principal,
        ACCESS.rule(rpc),
        command.academy_id,
        lambda academy, _trust, state: decide_close(state, academy.trust_id, command),
        cause,
    )
    return state.proposals[command.proposal_id]


# -- reads ---------------------------------------------------------------------


async def get_phase(
    store: EventStore,
    academies: AcademyFactsPort,
    frameworks: TrustFrameworksPort,
    principal: Principal,
    academy_id: str,
) -> EvaluationState:
    """The academy's record: current phases, their history, open proposals, and
    its formal interventions (the open one, if any, and every one before)."""
    await academy_in_reach(academies, frameworks, principal, ACCESS.rule("GetPhase"), academy_id)
    return (await read(store, EVALUATION_RECORD, academy_id)).state


async def suggestion(
    store: EventStore,
    academies: AcademyFactsPort,
    frameworks: TrustFrameworksPort,
    data: LatestDataPort,
    principal: Principal,
    academy_id: str,
) -> SuggestionFor:
    """A phase suggested by the latest Progress 8 band and trust judgement, with why."""
    _academy, trust = await academy_in_reach(
        academies, frameworks, principal, ACCESS.rule("GetPhaseSuggestion"), academy_id
    )
    state = (await read(store, EVALUATION_RECORD, academy_id)).state
    latest = await data.latest(academy_id)
    found = suggest(trust.framework, latest, list(state.judgements))
    return SuggestionFor(academy_id, found, state.phases.get(None))


async def open_proposals(
    view: ProposalViewPort, principal: Principal, trust_id: str, page: PageRequest
) -> tuple[list[OpenProposal], str]:
    """A page of the trust's open proposals (the board's inbox), oldest first; a
    caller whose reach is not the whole trust sees their academies' only."""
    ACCESS.rule("ListOpenProposals").require_trust(principal, trust_id)
    only = None if principal.role in TRUST_WIDE_ROLES else sorted(principal.academies)
    found = await view.open_proposals(trust_id, only, page.after, page.fetch)
    return page.cut(found, key=open_proposal_key)

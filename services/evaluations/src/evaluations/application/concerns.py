"""Confidential concerns: raised by an improvement lead, a provider or the chief
executive; read by the chief executive and the academy's improvement leads.

The text stays in evaluations' database (written in the same transaction as
the event); the event says only that a concern was raised.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from chassis.aggregate import Decided, EventStore, Session, execute
from chassis.auth import Principal
from chassis.envelope import CausationContext
from chassis.errors import AlreadyExists
from chassis.ids import client_or_new_id
from chassis.paging import PageRequest

from evaluations.application.ports import (
    AcademyFactsPort,
    ConcernNote,
    ConcernsPort,
    TrustFrameworksPort,
    concern_key,
)
from evaluations.application.record import EVALUATION_RECORD, academy_in_reach
from evaluations.domain import decisions
from evaluations.domain.state import EvaluationState
from evaluations.entrypoints.access import ACCESS


@dataclass(frozen=True)
class RaiseConcern:
    academy_id: str
    concern_id: str  # client-chosen (a retry names it again), or empty for a new one
    text: str


async def raise_concern(
    store: EventStore,
    academies: AcademyFactsPort,
    frameworks: TrustFrameworksPort,
    concerns: ConcernsPort,
    principal: Principal,
    command: RaiseConcern,
    now: dt.datetime,
    cause: CausationContext,
) -> ConcernNote:
    """The concern kept (or, for a retried call with its id, kept before).

    A retry is the same id, academy and text from the same person; the id with
    anything else is ALREADY_EXISTS.
    """
    client_chosen = bool(command.concern_id.strip())
    concern_id = client_or_new_id(command.concern_id, "concern_id")
    academy, _trust = await academy_in_reach(
        academies, frameworks, principal, ACCESS.rule("RaiseConcern"), command.academy_id
    )
    if client_chosen:  # a fresh uuid4 cannot exist yet; a client's id may
        existing = await concerns.find(concern_id)
        if existing is not None:
            if (
                existing.academy_id == command.academy_id
                and existing.text == command.text.strip()
                and existing.raised_by.subject == principal.subject
            ):
                return existing  # a retried call (the answer was lost): nothing new
            raise AlreadyExists(f"concern {concern_id} already exists")
    note = ConcernNote(
        concern_id=concern_id,
        academy_id=command.academy_id,
        trust_id=academy.trust_id,
        text=command.text.strip(),
        raised_by=principal.actor,
        raised_at=now,
    )

    async def keep_text(session: Session, _decided: Decided[EvaluationState]) -> None:
        if not await concerns.save(session.conn, note):
            # raised with the same id at the same moment elsewhere
            raise AlreadyExists(f"concern {concern_id} already exists")

    await execute(
        store,
        EVALUATION_RECORD,
        [command.academy_id],
        lambda _loaded: decisions.decide_concern(
            academy, command.academy_id, concern_id, command.text
        ),
        command.academy_id,
        cause,
        after=keep_text,
    )
    return note


async def list_concerns(
    academies: AcademyFactsPort,
    frameworks: TrustFrameworksPort,
    concerns: ConcernsPort,
    principal: Principal,
    academy_id: str,
    page: PageRequest,
) -> tuple[list[ConcernNote], str]:
    """A page of the academy's concerns, oldest first, and the next page's token."""
    await academy_in_reach(
        academies, frameworks, principal, ACCESS.rule("ListConcerns"), academy_id
    )
    found = await concerns.page(academy_id, page.after, page.fetch)
    return page.cut(found, key=concern_key)

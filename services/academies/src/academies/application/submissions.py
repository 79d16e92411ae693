"""Data submitted for a period, corrections that supersede it, and the returns calendar.

A submission is its own stream; the submission index (one per academy, period
and return type) is written in the same transaction, so a second submission
for a slot is refused and nothing of it is kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from chassis.access import Access
from chassis.aggregate import Decided, EventStore, Loaded, Session, execute, load, read
from chassis.auth import Principal
from chassis.envelope import CausationContext
from chassis.errors import AlreadyExists, NotFound
from chassis.ids import client_or_new_id
from chassis.paging import PageRequest
from contracts.academies.v1 import DataSubmitted
from contracts.base import EventPayload
from trust_frameworks.returns import DueReturn, returns_due

from academies.application.access import ACCESS
from academies.application.ports import SubmissionIndex
from academies.application.register import academy_in_reach
from academies.application.streams import ACADEMY, SUBMISSION
from academies.application.trust import framework_in_force
from academies.domain import submission as submission_rules
from academies.domain.academy import AcademyState
from academies.domain.submission import CorrectSubmission, SubmissionState, SubmitData

SUBMIT = ACCESS.rule("SubmitData")
CORRECT = ACCESS.rule("CorrectSubmission")
GET = ACCESS.rule("GetSubmission")
LIST = ACCESS.rule("ListSubmissions")
RETURNS = ACCESS.rule("GetReturnsStatus")


async def _academy(
    store: EventStore, rule: Access, principal: Principal, academy_id: str
) -> AcademyState | None:
    """The academy, checked in the caller's reach when it is registered (when it is
    not, the rules refuse the submission)."""
    academy = (await read(store, ACADEMY, academy_id)).state.academy
    if academy is not None:
        rule.require_academy(principal, academy.trust_id, academy.academy_id)
    return academy


def _as_stored(decided: Decided[SubmissionState | None]) -> SubmissionState:
    """The submission with each new revision's time as stored (a revision's number
    is its position in the stream)."""
    assert decided.state is not None  # decided on, or made, a submission
    stored_at = {envelope.stream_position: envelope.occurred_at for envelope in decided.envelopes}
    revisions = tuple(
        replace(revision, recorded_at=stored_at.get(revision.revision, revision.recorded_at))
        for revision in decided.state.revisions
    )
    return replace(decided.state, revisions=revisions)


def _taken(submitted: DataSubmitted, holder: str) -> str:
    if holder == submitted.submission_id:
        return f"submission {holder} already exists"
    period = submitted.period
    half = f" half-term {period.half_term}" if period.half_term else ""
    return (
        f"academy {submitted.academy_id} already has submission {holder} for "
        f"{period.academic_year} {period.term}{half} ({submitted.return_type}); "
        "correct that one instead"
    )


async def submit_data(
    store: EventStore,
    index: SubmissionIndex,
    principal: Principal,
    command: SubmitData,
    cause: CausationContext,
) -> SubmissionState:
    submission_id = client_or_new_id(command.submission_id, "submission_id")
    command = replace(command, submission_id=submission_id)
    academy = await _academy(store, SUBMIT, principal, command.academy_id)

    def decide(loaded: Loaded[SubmissionState | None]) -> list[EventPayload]:
        existing = loaded.state
        if existing is not None and submission_rules.is_retry_of(existing, command):
            return []  # a retried call (the answer was lost): the same answer, nothing new
        return submission_rules.decide_submit(academy, existing, command)

    async def claim_slot(session: Session, decided: Decided[SubmissionState | None]) -> None:
        if not decided.events:
            return
        [submitted], [envelope] = decided.events, decided.envelopes
        holder = await index.claim_slot(session, submitted, envelope.occurred_at)
        if holder is not None:
            raise AlreadyExists(_taken(submitted, holder))

    decided = await execute(
        store, SUBMISSION, [submission_id], decide, command.academy_id, cause, claim_slot
    )
    return _as_stored(decided)


async def correct_submission(
    store: EventStore, principal: Principal, command: CorrectSubmission, cause: CausationContext
) -> SubmissionState:
    academy = await _academy(store, CORRECT, principal, command.academy_id)
    decided = await execute(
        store,
        SUBMISSION,
        [command.submission_id],
        lambda loaded: submission_rules.decide_correct(academy, loaded.state, command),
        command.academy_id,
        cause,
    )
    return _as_stored(decided)


async def get_submission(
    store: EventStore, principal: Principal, academy_id: str, submission_id: str
) -> SubmissionState:
    await academy_in_reach(store, GET, principal, academy_id)
    submission = (await read(store, SUBMISSION, submission_id)).state
    if submission is None or submission.academy_id != academy_id:
        raise NotFound(f"academy {academy_id} has no submission {submission_id}")
    return submission


async def list_submissions(
    store: EventStore,
    index: SubmissionIndex,
    principal: Principal,
    academy_id: str,
    academic_year: str | None,
    page: PageRequest,
) -> tuple[list[SubmissionState], str]:
    """A page of the academy's submissions by period, and the next page's token."""
    await academy_in_reach(store, LIST, principal, academy_id)
    slots, token = page.cut(
        await index.slots(academy_id, academic_year, page), key=lambda slot: slot.key
    )
    async with store.transaction() as session:
        found = [(await load(session, SUBMISSION, slot.submission_id)).state for slot in slots]
    return [submission for submission in found if submission is not None], token


@dataclass(frozen=True)
class ReturnsStatus:
    """The trust's data-drop calendar applied to an academy as of a day."""

    academy_id: str
    as_of: dt.date
    framework_version: int  # whose calendar was applied
    returns: list[DueReturn]


async def returns_status(
    store: EventStore,
    index: SubmissionIndex,
    principal: Principal,
    academy_id: str,
    as_of: dt.date,
) -> ReturnsStatus:
    """The academy's returns for the academic year holding ``as_of``."""
    academy = (await academy_in_reach(store, RETURNS, principal, academy_id)).academy
    framework, version = await framework_in_force(store, academy.trust_id)
    submitted = await index.submitted_returns(academy_id)
    due = returns_due(framework, as_of, academy.date_joined, academy.date_left, submitted)
    return ReturnsStatus(academy.academy_id, as_of, version, due)

"""A data submission for a period, and the corrections that supersede it.

A correction never overwrites: it is a new revision, and every revision
stays readable. The effective values are the latest revision's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from chassis.envelope import Actor
from chassis.errors import AlreadyExists, FailedPrecondition, NotFound
from contracts.academies.v1 import DataSubmitted, DataValues, Period, SubmissionCorrected
from contracts.base import EventPayload

from academies.domain import values
from academies.domain.academy import AcademyState, require_open


@dataclass(frozen=True)
class Revision:
    revision: int
    values: DataValues
    recorded_by: Actor
    recorded_at: dt.datetime | None  # None for a revision just decided, until it is stored
    reason: str = ""


@dataclass(frozen=True)
class SubmissionState:
    submission_id: str
    academy_id: str
    trust_id: str
    period: Period
    return_type: str
    revisions: tuple[Revision, ...]

    @property
    def effective(self) -> DataValues:
        return self.revisions[-1].values


@dataclass(frozen=True)
class SubmitData:
    academy_id: str
    submission_id: str
    period: Period
    return_type: str
    values: DataValues


@dataclass(frozen=True)
class CorrectSubmission:
    academy_id: str
    submission_id: str
    values: DataValues
    reason: str


def evolve(
    state: SubmissionState | None, event: EventPayload, actor: Actor, at: dt.datetime | None
) -> SubmissionState | None:
    if isinstance(event, DataSubmitted):
        return SubmissionState(
            submission_id=event.submission_id,
            academy_id=event.academy_id,
            trust_id=event.trust_id,
            period=event.period,
            return_type=event.return_type,
            revisions=(Revision(1, event.values, actor, at),),
        )
    if isinstance(event, SubmissionCorrected) and state is not None:
        revision = Revision(event.revision, event.values, actor, at, event.reason)
        return SubmissionState(
            state.submission_id,
            state.academy_id,
            state.trust_id,
            state.period,
            state.return_type,
            (*state.revisions, revision),
        )
    return state


def is_retry_of(existing: SubmissionState, command: SubmitData) -> bool:
    """Whether ``command`` repeats the original submission exactly (a client retry)."""
    return (
        existing.academy_id == command.academy_id
        and existing.period == command.period
        and existing.return_type == command.return_type
        and existing.revisions[0].values == command.values
    )


def decide_submit(
    academy: AcademyState | None, existing: SubmissionState | None, command: SubmitData
) -> list[EventPayload]:
    open_academy = require_open(academy, command.academy_id)
    if existing is not None:
        raise AlreadyExists(f"submission {command.submission_id} already exists")
    period = values.require_period(command.period)
    return [
        DataSubmitted(
            trust_id=open_academy.trust_id,
            academy_id=open_academy.academy_id,
            submission_id=command.submission_id,
            period=period,
            return_type=values.require_return_type(command.return_type, period),
            values=values.require_values(command.values),
        )
    ]


def decide_correct(
    academy: AcademyState | None, submission: SubmissionState | None, command: CorrectSubmission
) -> list[EventPayload]:
    open_academy = require_open(academy, command.academy_id)
    if submission is None or submission.academy_id != command.academy_id:
        raise NotFound(
            f"there is no submission {command.submission_id} for academy {command.academy_id} "
            "to correct"
        )
    corrected = values.require_values(command.values)
    if corrected == submission.effective:
        raise FailedPrecondition("the correction does not change any value")
    return [
        SubmissionCorrected(
            trust_id=open_academy.trust_id,
            academy_id=open_academy.academy_id,
            submission_id=submission.submission_id,
            revision=len(submission.revisions) + 1,
            values=corrected,
            reason=values.require_text(command.reason, "reason", values.REASON_MAX),
        )
    ]

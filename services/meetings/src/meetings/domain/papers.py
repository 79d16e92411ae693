"""A meeting's papers (seed 000: agenda, previous report, headteacher report and
latest data "one week prior to the AIM"): each submitted by the role that
provides it, and on time, late or missing as of a date from its lead time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from chassis.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from contracts import limits
from contracts.base import EventPayload
from contracts.meetings.v1 import PaperSubmitted, Person
from trust_frameworks.model import MeetingType
from trustfacts.model import TrustFramework

from meetings.domain.meeting import MeetingState, meeting_type_of, require_plan, require_scheduled
from meetings.domain.values import require_person, require_text


@dataclass(frozen=True)
class SubmitPaper:
    meeting_id: str
    paper: str
    title: str
    reference: str
    submitted_by: Person
    submitted_on: dt.date


def decide_submit_paper(
    state: MeetingState,
    framework: TrustFramework,
    command: SubmitPaper,
    today: dt.date | None = None,
) -> list[EventPayload]:
    """``today``: when given, a paper cannot be dated after it."""
    plan = require_scheduled(state, "submitting a paper")
    meeting_type = meeting_type_of(framework, plan)
    wanted = next((p for p in meeting_type.papers if p.name == command.paper), None)
    if wanted is None:
        names = ", ".join(p.name for p in meeting_type.papers)
        raise InvalidArgument(
            f"the {meeting_type.id} has no paper {command.paper!r}"
            + (f"; its papers: {names}" if names else "; it has no papers")
        )
    require_person(command.submitted_by, "submitted_by")
    if command.submitted_by.role != wanted.provided_by:
        raise PermissionDenied(
            f"the {wanted.name} is provided by the {wanted.provided_by}; "
            f"you are {command.submitted_by.role}"
        )
    if today is not None and command.submitted_on > today:
        raise InvalidArgument(f"submitted_on {command.submitted_on} is in the future")
    earlier = state.paper(wanted.name)
    if earlier is not None:
        raise FailedPrecondition(
            f"the {wanted.name} was already submitted on {earlier.submitted_on}"
        )
    return [
        PaperSubmitted(
            trust_id=plan.trust_id,
            meeting_id=state.meeting_id,
            academy_id=plan.academy_id,
            paper=wanted.name,
            title=require_text(command.title, "title", limits.NAME_MAX),
            reference=require_text(command.reference, "reference", limits.REFERENCE_MAX),
            submitted_by=command.submitted_by,
            submitted_on=command.submitted_on,
            due_on=plan.day - dt.timedelta(days=wanted.lead_time_days),
        )
    ]


class PaperStatus(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"  # due and not submitted
    NOT_YET_DUE = "not_yet_due"


@dataclass(frozen=True)
class PaperDue:
    paper: str
    provided_by: str
    due_on: dt.date
    status: PaperStatus
    submitted_on: dt.date | None


def papers_due(state: MeetingState, meeting_type: MeetingType, as_of: dt.date) -> list[PaperDue]:
    """Each of the type's papers as of a date: the due day is the meeting's day
    less its lead time, and that day itself is still on time."""
    plan = require_plan(state)
    result = []
    for wanted in meeting_type.papers:
        submitted = state.paper(wanted.name)
        if submitted is not None and submitted.submitted_on > as_of:
            submitted = None  # not yet, as of that date
        due_on = plan.day - dt.timedelta(days=wanted.lead_time_days)
        if submitted is not None:
            on_time = submitted.submitted_on <= due_on
            status = PaperStatus.ON_TIME if on_time else PaperStatus.LATE
        else:
            status = PaperStatus.MISSING if as_of > due_on else PaperStatus.NOT_YET_DUE
        result.append(
            PaperDue(
                wanted.name,
                wanted.provided_by,
                due_on,
                status,
                submitted.submitted_on if submitted else None,
            )
        )
    return result

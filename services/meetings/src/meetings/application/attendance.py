"""Who comes and what was covered: apologies (with a named substitute), papers
submitted by the role that provides them, and the meeting held, with its
attendees, focus areas on the trust's scheme and summary judgements."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from chassis.auth import Principal
from chassis.envelope import CausationContext
from chassis.errors import FailedPrecondition, PermissionDenied
from contracts.meetings.v1 import Person

from meetings.application.ports import Ports
from meetings.application.reach import (
    RUNS_MEETINGS,
    meeting_in_reach,
    on_meeting,
    person,
    require_runs,
)
from meetings.application.views import MeetingView, meeting_view
from meetings.domain import attendance, papers
from meetings.domain.facts import applicable_areas
from meetings.entrypoints.access import ACCESS


async def give_apologies(
    ports: Ports,
    principal: Principal,
    meeting_id: str,
    attendee: Person,
    substitute: Person | None,
    today: dt.date,
    cause: CausationContext,
) -> MeetingView:
    """One gives one's own apologies; those who run the meeting record anyone's."""
    where = await meeting_in_reach(ports, principal, ACCESS.rule("GiveApologies"), meeting_id)
    if principal.role not in RUNS_MEETINGS and attendee != person(principal):
        raise PermissionDenied(
            f"giving apologies: you give your own ({principal.subject} as {principal.role}); "
            "the chair records anyone else's"
        )
    record = await on_meeting(
        ports,
        where,
        lambda state: attendance.decide_apologies(state, where.framework, attendee, substitute),
        cause,
    )
    return meeting_view(record, where.framework, today)


@dataclass(frozen=True)
class SubmitPaper:
    meeting_id: str
    paper: str
    title: str
    reference: str
    submitted_on: dt.date | None  # None: today


async def submit_paper(
    ports: Ports,
    principal: Principal,
    command: SubmitPaper,
    today: dt.date,
    cause: CausationContext,
) -> MeetingView:
    """Submitted by the caller, in the role the meeting type names for the paper."""
    where = await meeting_in_reach(ports, principal, ACCESS.rule("SubmitPaper"), command.meeting_id)
    submitted = papers.SubmitPaper(
        meeting_id=command.meeting_id,
        paper=command.paper,
        title=command.title,
        reference=command.reference,
        submitted_by=person(principal),
        submitted_on=command.submitted_on or today,
    )
    record = await on_meeting(
        ports,
        where,
        lambda state: papers.decide_submit_paper(state, where.framework, submitted, today),
        cause,
    )
    return meeting_view(record, where.framework, today)


async def hold(
    ports: Ports,
    principal: Principal,
    command: attendance.HoldMeeting,
    today: dt.date,
    cause: CausationContext,
) -> MeetingView:
    """Recorded by those who run the meeting (a provider: the visits it chairs)."""
    where = await meeting_in_reach(ports, principal, ACCESS.rule("HoldMeeting"), command.meeting_id)
    require_runs(principal, where.meeting_type, "holding a meeting")
    academy = where.academy
    if academy is not None and academy.left_on is not None and command.held_on > academy.left_on:
        raise FailedPrecondition(
            f"academy {academy.academy_id} left the trust on {academy.left_on}; "
            f"a meeting on {command.held_on} cannot be held for it"
        )
    areas = applicable_areas(where.framework.scheme, academy) if academy is not None else None
    record = await on_meeting(
        ports,
        where,
        lambda state: attendance.decide_hold(state, where.framework, command, today, areas),
        cause,
    )
    return meeting_view(record, where.framework, today)

"""Reading the diary: one meeting, an academy's (or the trust's trust-wide)
meetings of a year a page at a time, and compliance with the cadence as of a
date. Schedules and compliance never carry the notes' text."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from chassis.auth import Principal
from chassis.errors import InvalidArgument
from chassis.paging import PageRequest
from contracts import values
from trustfacts.model import TrustFramework

from meetings.application.ports import MEETING_STATUSES, Ports, meeting_key
from meetings.application.reach import meeting_in_reach, party_in_reach
from meetings.application.streams import load_meetings
from meetings.application.views import MeetingView, meeting_view
from meetings.domain.compliance import Compliance, compliance
from meetings.domain.facts import applicable_areas
from meetings.domain.schedule import required_meetings
from meetings.entrypoints.access import ACCESS


def _year(academic_year: str) -> str:
    try:
        values.academic_year_start(academic_year)
    except ValueError as error:
        raise InvalidArgument(str(error)) from None
    return academic_year


async def get_meeting(
    ports: Ports, principal: Principal, meeting_id: str, today: dt.date
) -> MeetingView:
    where = await meeting_in_reach(ports, principal, ACCESS.rule("GetMeeting"), meeting_id)
    [record] = await load_meetings(ports.store, where.academy_id, [meeting_id])
    return meeting_view(record, where.framework, today)


@dataclass(frozen=True)
class ListMeetings:
    trust_id: str
    academy_id: str | None  # None: the trust-wide meetings
    academic_year: str
    status: str | None  # None: every status


async def list_meetings(
    ports: Ports, principal: Principal, query: ListMeetings, page: PageRequest, today: dt.date
) -> tuple[list[MeetingView], str]:
    """A page of the party's meetings of the year by scheduled time, and the
    next page's token."""
    found = await party_in_reach(
        ports.facts, principal, ACCESS.rule("ListMeetings"), query.trust_id, query.academy_id
    )
    if query.status is not None and query.status not in MEETING_STATUSES:
        raise InvalidArgument(
            f"status must be one of {', '.join(MEETING_STATUSES)}, got {query.status!r}"
        )
    rows = await ports.meetings.page(
        query.trust_id,
        query.academy_id,
        _year(query.academic_year),
        query.status,
        page.after,
        page.fetch,
    )
    shown, token = page.cut(rows, key=meeting_key)
    records = await load_meetings(ports.store, query.academy_id, [row.meeting_id for row in shown])
    return [meeting_view(r, found.framework, today) for r in records], token


@dataclass(frozen=True)
class ComplianceOf:
    trust_id: str
    academy_id: str | None
    framework: TrustFramework
    compliance: Compliance


async def get_compliance(
    ports: Ports,
    principal: Principal,
    trust_id: str,
    academy_id: str | None,
    academic_year: str,
    as_of: dt.date,
) -> ComplianceOf:
    """The year's required meetings (as the facts stand) against those in the
    diary and held, papers and notes on time, area coverage, and actions."""
    found = await party_in_reach(
        ports.facts, principal, ACCESS.rule("GetCompliance"), trust_id, academy_id
    )
    year = _year(academic_year)
    ids = await ports.meetings.of_party(trust_id, academy_id, year)
    meetings = [r.meeting for r in await load_meetings(ports.store, academy_id, ids)]
    actions = await ports.actions.of_party(trust_id, academy_id)
    areas = (
        sorted(applicable_areas(found.framework.scheme, found.academy))
        if found.academy is not None
        else None
    )
    result = compliance(
        found.framework,
        year,
        as_of,
        required_meetings(found.framework, found.party, year),
        meetings,
        actions,
        areas,
    )
    return ComplianceOf(trust_id, academy_id, found.framework, result)

"""Given the cadence's meetings, when the diary is read, then one meeting, a
year's meetings a page at a time by time (of one status when asked), and
compliance as of a date; out of scope is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from chassis.errors import InvalidArgument, NotFound, PermissionDenied
from chassis.paging import page_request
from meetings.application import attendance, reads
from meetings.application.ports import MEETING_KEY
from meetings.domain import attendance as rules
from meetings_controls import ACADEMY, CEO, CHAIR, HEAD, LEAD, TRUST, YEAR
from meetings_world import cause, principal

LEAD_P, TRUSTEE_P = principal(LEAD, ACADEMY), principal(CEO.model_copy(update={"role": "trustee"}))
TODAY = dt.date(2026, 11, 20)


@pytest.fixture
async def ltg(world):
    """A seed 000 academy, less than good since before the year: AIMs and iAIMs."""
    world.trust("seed-000-aid")
    world.academy()
    world.phase(dt.date(2026, 6, 1), "not_yet_good")
    await world.register()
    return world


async def listed(world, who, status=None, size=0, academy_id=ACADEMY):
    query = reads.ListMeetings(TRUST, academy_id, YEAR, status)
    seen, token = [], ""
    while True:
        page = page_request(size, token, MEETING_KEY)
        found, token = await reads.list_meetings(world.ports, who, query, page, TODAY)
        seen += found
        if not token:
            return seen


async def test_the_years_meetings_by_time_a_page_at_a_time_and_of_one_status(ltg):
    everything = await listed(ltg, TRUSTEE_P, size=4)
    assert [v.meeting.plan.meeting_type for v in everything] == ["aim", "interim_aim"] * 3
    days = [v.meeting.plan.scheduled_for for v in everything]
    assert days == sorted(days)
    first = everything[0].meeting
    command = rules.HoldMeeting(first.meeting_id, first.plan.day, [LEAD, HEAD, CHAIR], [], {})
    await attendance.hold(ltg.ports, LEAD_P, command, TODAY, cause(LEAD_P))
    assert [v.meeting.meeting_id for v in await listed(ltg, LEAD_P, "held")] == [first.meeting_id]
    assert len(await listed(ltg, LEAD_P, "scheduled")) == 5
    with pytest.raises(InvalidArgument, match="status must be one of scheduled, held, cancelled"):
        await listed(ltg, LEAD_P, "postponed")
    one = await reads.get_meeting(ltg.ports, TRUSTEE_P, first.meeting_id, TODAY)
    assert one.meeting.held is not None and one.record.scheduled_by.role == "service"


async def test_reads_are_refused_out_of_scope(ltg):
    elsewhere = principal(HEAD, "otter")
    with pytest.raises(PermissionDenied, match="listing meetings: academy heron is outside"):
        await listed(ltg, elsewhere)
    with pytest.raises(PermissionDenied, match="trust t1 is not your trust"):
        await listed(ltg, principal(CEO, trust_id="t2"))
    meeting_id = ltg.rows()[0].meeting_id
    with pytest.raises(PermissionDenied, match="reading a meeting: academy heron is outside"):
        await reads.get_meeting(ltg.ports, elsewhere, meeting_id, TODAY)
    with pytest.raises(NotFound, match="there is no meeting m9"):
        await reads.get_meeting(ltg.ports, LEAD_P, "m9", TODAY)
    with pytest.raises(InvalidArgument, match="academic_year must look like 2026/27"):
        await reads.get_compliance(ltg.ports, LEAD_P, TRUST, ACADEMY, "2026", TODAY)


async def test_compliance_as_of_a_date(ltg):
    aim = ltg.rows(meeting_type="aim")[0]
    command = rules.HoldMeeting(
        aim.meeting_id, aim.scheduled_for.date(), [LEAD, HEAD], ["quality_of_education"], {}
    )
    await attendance.hold(ltg.ports, LEAD_P, command, TODAY, cause(LEAD_P))
    found = await reads.get_compliance(ltg.ports, TRUSTEE_P, TRUST, ACADEMY, YEAR, TODAY)
    result = found.compliance
    by_type = {t.meeting_type: t for t in result.types}
    assert (by_type["aim"].required, by_type["aim"].held, by_type["aim"].scheduled) == (3, 1, 3)
    assert by_type["aim"].papers["missing"] == 4  # none submitted a week before the first
    assert by_type["interim_aim"].behind == 1  # the autumn one was due on 16 November
    assert result.coverage.covered == ("quality_of_education",)
    assert "sixth_form" not in result.coverage.areas  # a primary academy
    assert str(result.entitlement_days_used) == "1.00"
    assert found.framework.version == 1

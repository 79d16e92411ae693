"""Proto <-> the meetings service, one converter per type: requests become the
commands they name (malformed ids, dates and times refused with the field),
and what was decided becomes the reply field by field, both ways where a type
travels both ways."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from chassis.envelope import Actor
from chassis.errors import InvalidArgument
from contracts.meetings.v1 import ApologiesGiven, NotesApproved, PaperSubmitted
from meetings.application.notes import NotesRead
from meetings.application.reads import ComplianceOf
from meetings.application.streams import MeetingRecord
from meetings.application.views import meeting_view, notes_view
from meetings.domain.action import ActionState
from meetings.domain.compliance import compliance
from meetings.entrypoints.convert import replies, requests
from meetings_controls import (
    ACADEMY,
    CHAIR,
    HEAD,
    LEAD,
    PARTNER,
    TRUST,
    YEAR,
    at,
    drafted,
    framework,
    held,
    scheduled,
    with_events,
)
from trust.meetings.v1 import meetings_pb2 as pb

AID = framework("seed-000-aid")
DAY = dt.date(2026, 12, 3)


def test_a_person_goes_to_proto_and_back():
    proto = replies.person_to_proto(HEAD)
    assert proto == pb.Person(subject=HEAD.subject, role="headteacher")
    assert requests.person_from_proto(proto) == HEAD
    assert replies.person_to_proto(None) is None


def test_requests_become_commands():
    schedule = requests.schedule_from_proto(
        pb.ScheduleMeetingRequest(
            trust_id=TRUST,
            meeting_type="interim_aim",
            scheduled_for="2026-12-08T09:30:00Z",
            reason="asked",
        )
    )
    assert (schedule.academy_id, schedule.meeting.meeting_id) == (None, "")
    assert schedule.meeting.scheduled_for == dt.datetime(2026, 12, 8, 9, 30, tzinfo=dt.UTC)
    assert schedule.meeting.duration_minutes is None
    apologies = requests.apologies_from_proto(
        pb.GiveApologiesRequest(
            meeting_id="m1",
            attendee=replies.person_to_proto(HEAD),
            substitute=replies.person_to_proto(PARTNER),
        )
    )
    assert apologies == ("m1", HEAD, PARTNER)
    no_substitute = pb.GiveApologiesRequest(
        meeting_id="m1", attendee=pb.Person(subject="s", role="r")
    )
    assert requests.apologies_from_proto(no_substitute)[2] is None
    hold = requests.hold_from_proto(
        pb.HoldMeetingRequest(
            meeting_id="m1",
            held_on="2026-12-03",
            attendees=[replies.person_to_proto(LEAD)],
            focus_areas=[" quality_of_education "],
            area_judgements={"quality_of_education": "good"},
        )
    )
    assert (hold.held_on, hold.attendees, hold.focus_areas) == (
        DAY,
        [LEAD],
        ["quality_of_education"],
    )
    draft = requests.draft_from_proto(pb.DraftNotesRequest(meeting_id="m1", text="t"))
    assert (draft.notes_id, draft.drafted_on) == ("", None)
    raised = requests.raise_from_proto(
        pb.RaiseActionRequest(
            meeting_id="m1", title="t", owner=replies.person_to_proto(HEAD), due_on="2027-01-29"
        )
    )
    assert (raised.area, raised.due_on, raised.owner) == (None, dt.date(2027, 1, 29), HEAD)
    query = requests.actions_query_from_proto(pb.ListActionsRequest(trust_id=TRUST), DAY)
    assert (query.academy_id, query.status, query.as_of) == (None, "open", DAY)


@pytest.mark.parametrize(
    ("convert", "request_", "message"),
    [
        (
            requests.cancel_from_proto,
            pb.CancelMeetingRequest(meeting_id="m 1"),
            "meeting_id must be",
        ),
        (
            requests.schedule_from_proto,
            pb.ScheduleMeetingRequest(trust_id="t1", scheduled_for="8 December"),
            "scheduled_for must be an RFC 3339 time",
        ),
        (
            requests.hold_from_proto,
            pb.HoldMeetingRequest(meeting_id="m1", held_on="03/12/2026"),
            r"held_on must be an ISO date \(YYYY-MM-DD\)",
        ),
        (
            requests.carry_from_proto,
            pb.CarryForwardActionRequest(action_id="x1", to_meeting_id="m+2"),
            "to_meeting_id must be",
        ),
        (
            requests.approve_from_proto,
            pb.ApproveNotesRequest(meeting_id="m1"),
            "notes_id is required",
        ),
    ],
)
def test_malformed_ids_dates_and_times_are_refused_naming_the_field(convert, request_, message):
    with pytest.raises(InvalidArgument, match=message):
        convert(request_)


def test_a_meeting_and_its_papers_apologies_and_notes_status():
    state = with_events(
        scheduled(),
        ApologiesGiven(
            trust_id=TRUST, meeting_id="m1", academy_id=ACADEMY, attendee=CHAIR, substitute=None
        ),
        PaperSubmitted(
            trust_id=TRUST,
            meeting_id="m1",
            academy_id=ACADEMY,
            paper="agenda",
            title="Agenda",
            reference="doc/1",
            submitted_by=LEAD,
            submitted_on=dt.date(2026, 11, 20),
            due_on=dt.date(2026, 11, 26),
        ),
        held(),
        drafted(),
        NotesApproved(
            trust_id=TRUST, meeting_id="m1", academy_id=ACADEMY, notes_id="n1", approver=HEAD
        ),
    )
    scheduler = Actor(subject="meetings-scheduler", role="service")
    proto = replies.meeting_to_proto(meeting_view(MeetingRecord(state, scheduler), AID, DAY))
    assert (proto.meeting_id, proto.academy_id, proto.name, proto.status) == (
        "m1",
        ACADEMY,
        "Academy Improvement Meeting (AIM)",
        "held",
    )
    assert proto.scheduled_for == "2026-12-03T09:30:00+00:00"
    assert (proto.origin, proto.cadence_slot, proto.framework_version) == ("cadence", 2, 1)
    assert proto.scheduled_by.subject == "meetings-scheduler"
    assert [a.attendee.subject for a in proto.apologies] == [CHAIR.subject]
    assert not proto.apologies[0].HasField("substitute")
    papers = {p.paper: p for p in proto.papers}
    assert (
        papers["agenda"].status,
        papers["agenda"].title,
        papers["agenda"].submitted_by.role,
    ) == (
        "on_time",
        "Agenda",
        "improvement_lead",
    )
    assert papers["headteacher report"].status == "missing"
    assert (proto.held_on, proto.entitlement_days, list(proto.focus_areas)) == (
        "2026-12-03",
        "1.00",
        ["quality_of_education"],
    )
    assert (proto.notes.notes_id, list(proto.notes.awaiting_roles)) == ("n1", ["chair_of_lgb"])
    assert [p.subject for p in proto.notes.approvals] == [HEAD.subject]
    empty = replies.notes_status_to_proto(notes_view(with_events(scheduled()), None, DAY))
    assert empty == pb.NotesStatus(meeting_id="m1")


def test_the_notes_text_only_in_meeting_notes():
    state = with_events(scheduled(), held(), drafted())
    assert state.notes is not None
    proto = replies.notes_to_proto(NotesRead(state.notes, "the text"), "m1")
    assert (proto.text, proto.revision, proto.author.subject, proto.circulated_on) == (
        "the text",
        1,
        LEAD.subject,
        "",
    )


def test_an_action_and_compliance():
    open_one = ActionState(
        "x1",
        TRUST,
        ACADEMY,
        "Attendance plan",
        HEAD,
        None,
        DAY,
        dt.date(2027, 1, 10),
        ("m1",),
    )
    proto = replies.action_to_proto(open_one, dt.date(2027, 1, 11))
    assert (proto.status, proto.overdue, proto.area, list(proto.meeting_ids)) == (
        "open",
        True,
        "",
        ["m1"],
    )
    state = with_events(scheduled(scheduled_for=at(DAY)), held())
    found = compliance(AID, YEAR, dt.date(2027, 1, 11), [], [state], [open_one])
    reply = replies.compliance_to_proto(ComplianceOf(TRUST, ACADEMY, AID, found))
    [aim] = reply.meeting_types
    assert (aim.name, aim.held, aim.papers_missing, aim.notes_not_drafted) == (
        "Academy Improvement Meeting (AIM)",
        1,
        4,
        1,
    )
    assert (reply.entitlement_days_used, reply.open_actions) == ("1.00", 1)
    assert [a.action_id for a in reply.overdue_actions] == ["x1"]
    assert Decimal(reply.entitlement_days_used) == Decimal("1.00")

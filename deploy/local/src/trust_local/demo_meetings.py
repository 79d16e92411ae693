"""The demo's meetings part: a seed 000 AIM cycle, and a seed 004 Note of Visit.

Everything goes through the meetings service's gRPC API as a client would. The
meetings themselves were scheduled by the service from the framework's cadence
when the academy was registered; the demo takes the year's first one through
its whole cycle. Dates are chosen relative to today so the demo runs any day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

import grpc
from chassis.auth import Role
from contracts.values import academic_year_of
from trust.academies.v1 import academies_pb2 as pb
from trust.meetings.v1 import meetings_pb2 as mpb

from trust_local.clients import Caller, PlatformClients, eventually

AID_TRUST = "demo-aid-trust"
NOTE_TEXT = "Reading data discussed; the confidential part of the conversation stays here."

Say = Callable[[str], None]


def _person(subject: str, role: Role) -> mpb.Person:
    return mpb.Person(subject=subject, role=role.value)


async def _year_meetings(
    clients: PlatformClients, caller: Caller, trust_id: str, academy_id: str, year: str
) -> list[mpb.Meeting]:
    def listed() -> Awaitable[mpb.ListMeetingsResponse]:
        return clients.meetings.ListMeetings(
            mpb.ListMeetingsRequest(trust_id=trust_id, academy_id=academy_id, academic_year=year),
            metadata=caller.metadata,
        )

    reply = await eventually(listed, accept=lambda r: len(r.meetings) > 0, timeout=60)
    return list(reply.meetings)


async def _held_today_or_before(
    clients: PlatformClients, lead: Caller, meeting: mpb.Meeting, today: dt.date
) -> dt.date:
    """The meeting's day if it has come; else it is moved to today (by hand, with a reason)."""
    day = dt.datetime.fromisoformat(meeting.scheduled_for).date()
    if day <= today:
        return day
    moved = dt.datetime.combine(today, dt.time(16, 0), tzinfo=dt.UTC).isoformat()
    await clients.meetings.RescheduleMeeting(
        mpb.RescheduleMeetingRequest(
            meeting_id=meeting.meeting_id,
            scheduled_for=moved,
            reason="demo: brought forward to today",
        ),
        metadata=lead.metadata,
    )
    return today


async def show_aim_cycle(clients: PlatformClients, say: Say, today: dt.date) -> mpb.Meeting:
    """Seed 000: scheduled, papers (one late), held, notes approved then circulated, actions."""
    ceo = clients.caller("ceo@aid-trust.org", Role.CHIEF_EXECUTIVE, AID_TRUST)
    say(f"12. Meetings: a second trust, {AID_TRUST!r}, on seed 000 (three AIMs a year)")
    await clients.academies.CreateTrust(
        pb.CreateTrustRequest(trust_id=AID_TRUST, name="AID Trust", framework="seed-000-aid"),
        metadata=ceo.metadata,
    )
    registered = await clients.academies.RegisterAcademy(
        pb.RegisterAcademyRequest(
            trust_id=AID_TRUST,
            urn="110001",
            name="Oak Primary Academy",
            phase_of_education="primary",
            local_authority="Kent",
            date_joined="2018-09-01",
        ),
        metadata=ceo.metadata,
    )
    oak = registered.academy_id
    lead = clients.caller("aid@aid-trust.org", Role.IMPROVEMENT_LEAD, AID_TRUST, [oak])
    head = clients.caller("head@oak.sch.uk", Role.HEADTEACHER, AID_TRUST, [oak])
    chair = clients.caller("chair@oak.sch.uk", Role.CHAIR_OF_LGB, AID_TRUST, [oak])
    year = academic_year_of(today)
    meetings = await _year_meetings(clients, lead, AID_TRUST, oak, year)
    say(f"  the service scheduled Oak's {year} meetings from the framework's cadence:")
    for meeting in meetings:
        say(f"    {meeting.scheduled_for[:16]} {meeting.name} ({meeting.term})")
    aim = next(m for m in meetings if m.meeting_type == "aim")
    day = await _held_today_or_before(clients, lead, aim, today)

    say("  papers a week before; the latest data arrives two days late")
    for paper, caller, submitted in (
        ("agenda", lead, day - dt.timedelta(days=8)),
        ("previous AIM report", lead, day - dt.timedelta(days=8)),
        ("headteacher report", head, day - dt.timedelta(days=7)),
        ("latest achievement data", head, day - dt.timedelta(days=5)),
    ):
        await clients.meetings.SubmitPaper(
            mpb.SubmitPaperRequest(
                meeting_id=aim.meeting_id,
                paper=paper,
                title=f"{paper} for the autumn AIM",
                reference=f"docs/aim/{paper.replace(' ', '-')}.pdf",
                submitted_on=submitted.isoformat(),
            ),
            metadata=caller.metadata,
        )
    held = await clients.meetings.HoldMeeting(
        mpb.HoldMeetingRequest(
            meeting_id=aim.meeting_id,
            held_on=day.isoformat(),
            attendees=[
                _person("aid@aid-trust.org", Role.IMPROVEMENT_LEAD),
                _person("head@oak.sch.uk", Role.HEADTEACHER),
                _person("chair@oak.sch.uk", Role.CHAIR_OF_LGB),
            ],
            focus_areas=["quality_of_education", "behaviour_and_attitudes"],
            area_judgements={"quality_of_education": "good", "behaviour_and_attitudes": "good"},
        ),
        metadata=lead.metadata,
    )
    for paper in held.papers:
        say(f"    {paper.paper:<24} due {paper.due_on}  {paper.status}")
    say(
        f"  held on {held.held_on}: focus {', '.join(held.focus_areas)}; "
        f"{held.entitlement_days} entitlement day(s) used"
    )

    notes = await clients.meetings.DraftNotes(
        mpb.DraftNotesRequest(
            meeting_id=aim.meeting_id, text=NOTE_TEXT, drafted_on=day.isoformat()
        ),
        metadata=lead.metadata,
    )
    try:
        await clients.meetings.CirculateNotes(
            mpb.CirculateNotesRequest(meeting_id=aim.meeting_id, notes_id=notes.notes_id),
            metadata=lead.metadata,
        )
        raise AssertionError("circulating unapproved notes should have been refused")
    except grpc.aio.AioRpcError as error:
        say(
            f"  refused as expected: circulating before approval\n    -> "
            f"{error.code().name}: {error.details()}"
        )
    for approver in (head, chair):
        notes = await clients.meetings.ApproveNotes(
            mpb.ApproveNotesRequest(meeting_id=aim.meeting_id, notes_id=notes.notes_id),
            metadata=approver.metadata,
        )
    notes = await clients.meetings.CirculateNotes(
        mpb.CirculateNotesRequest(
            meeting_id=aim.meeting_id, notes_id=notes.notes_id, circulated_on=day.isoformat()
        ),
        metadata=lead.metadata,
    )
    approvers = ", ".join(p.role for p in notes.approvals)
    say(f"  notes approved by {approvers}, then circulated on {notes.circulated_on}")

    for title, due in (
        ("Share the phonics catch-up plan", day + dt.timedelta(days=14)),
        ("Review attendance of the persistent absentees", day + dt.timedelta(days=60)),
    ):
        await clients.meetings.RaiseAction(
            mpb.RaiseActionRequest(
                meeting_id=aim.meeting_id,
                title=title,
                owner=_person("head@oak.sch.uk", Role.HEADTEACHER),
                due_on=due.isoformat(),
                area="quality_of_education",
            ),
            metadata=lead.metadata,
        )
    as_of = day + dt.timedelta(days=30)
    overdue = await clients.meetings.ListActions(
        mpb.ListActionsRequest(
            trust_id=AID_TRUST, academy_id=oak, status="overdue", as_of=as_of.isoformat()
        ),
        metadata=lead.metadata,
    )
    for action in overdue.actions:
        say(f"  overdue as of {as_of}: {action.title!r} (due {action.due_on}, {action.owner.role})")
    compliance = await clients.meetings.GetCompliance(
        mpb.GetComplianceRequest(
            trust_id=AID_TRUST, academy_id=oak, academic_year=year, as_of=as_of.isoformat()
        ),
        metadata=ceo.metadata,
    )
    for kind in compliance.meeting_types:
        say(
            f"  compliance {kind.name}: required {kind.required}, held {kind.held}, "
            f"papers late {kind.papers_late}, notes circulated {kind.notes_circulated}"
        )
    say(f"  areas not yet a focus this year: {', '.join(compliance.area_gaps) or 'none'}")
    return await clients.meetings.GetMeeting(
        mpb.GetMeetingRequest(meeting_id=aim.meeting_id), metadata=lead.metadata
    )


async def show_note_of_visit(
    clients: PlatformClients, say: Say, trust_id: str, academy_id: str, today: dt.date
) -> mpb.NotesStatus:
    """Seed 004: a consultancy visit's Note of Visit, due to the principal within three
    days and, agreed, to the chief executive within a week: one met, one missed."""
    consultant = clients.caller("consultant@focus.example", Role.PROVIDER, trust_id, [academy_id])
    lead = clients.caller("lead@demo-trust.org", Role.IMPROVEMENT_LEAD, trust_id, [academy_id])
    year = academic_year_of(today)
    meetings = await _year_meetings(clients, lead, trust_id, academy_id, year)
    visit = next((m for m in meetings if m.meeting_type == "consultancy_visit"), None)
    if visit is None:
        say("13. (this framework has no consultancy visits: no Note of Visit to show)")
        return mpb.NotesStatus()
    say("13. Seed 004: a consultancy visit and its Note of Visit deadlines")
    day = await _held_today_or_before(clients, lead, visit, today)
    await clients.meetings.HoldMeeting(
        mpb.HoldMeetingRequest(
            meeting_id=visit.meeting_id,
            held_on=day.isoformat(),
            attendees=[
                _person("consultant@focus.example", Role.PROVIDER),
                _person("head@heron.sch.uk", Role.HEADTEACHER),
            ],
            focus_areas=["leadership_and_management"],
        ),
        metadata=consultant.metadata,
    )
    # The Note of Visit reaches the principal the same day; the agreed note is never
    # circulated, so a week later its deadline to the chief executive is missed.
    notes = await clients.meetings.DraftNotes(
        mpb.DraftNotesRequest(
            meeting_id=visit.meeting_id,
            text="Note of Visit: governance minutes reviewed.",
            drafted_on=day.isoformat(),
        ),
        metadata=consultant.metadata,
    )
    for deadline in notes.deadlines:
        delivered = deadline.delivered_on or "not yet"
        say(
            f"  {deadline.document} to the {deadline.to_role}: due {deadline.due_on}, "
            f"delivered {delivered}: {deadline.status} (as of {today})"
        )
    later = day + dt.timedelta(days=10)
    compliance = await clients.meetings.GetCompliance(
        mpb.GetComplianceRequest(
            trust_id=trust_id, academy_id=academy_id, academic_year=year, as_of=later.isoformat()
        ),
        metadata=lead.metadata,
    )
    for kind in compliance.meeting_types:
        if kind.meeting_type == "consultancy_visit":
            say(
                f"  as of {later}: Note of Visit deadlines met {kind.deadlines_met}, "
                f"missed {kind.deadlines_overdue + kind.deadlines_late}"
            )
    return notes

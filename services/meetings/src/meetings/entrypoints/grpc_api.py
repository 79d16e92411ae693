"""gRPC API of meetings: proto -> command -> handler -> proto.

Who may call what is ``entrypoints/access.py`` (the bootstrap checks the role
first); conversions are ``entrypoints/convert/``; the rules are the handlers'.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import grpc
from chassis import clock
from chassis.auth import current_principal
from chassis.correlation import asking
from chassis.paging import page_request
from trust.meetings.v1 import meetings_pb2 as pb
from trust.meetings.v1 import meetings_pb2_grpc

from meetings.application import actions, attendance, diary, notes, reads
from meetings.application.ports import ACTION_KEY, MEETING_KEY, Ports
from meetings.domain.calendar import local_day
from meetings.entrypoints.convert import replies, requests

Context = grpc.aio.ServicerContext


def utc_now() -> dt.datetime:
    return clock.now()


@dataclass(frozen=True)
class Dependencies:
    """What the handlers are given: the event store and read-table ports, a clock."""

    ports: Ports
    clock: Callable[[], dt.datetime] = utc_now

    def today(self) -> dt.date:
        """Today in England (a meeting's day is its date there)."""
        return local_day(self.clock())


class MeetingsServicer(meetings_pb2_grpc.MeetingsServiceServicer):
    def __init__(self, deps: Dependencies) -> None:
        self.d = deps

    @property
    def ports(self) -> Ports:
        return self.d.ports

    # -- the diary ------------------------------------------------------------------

    async def ScheduleMeeting(
        self, request: pb.ScheduleMeetingRequest, context: Context
    ) -> pb.Meeting:
        principal, cause = asking(context)
        command = requests.schedule_from_proto(request)
        view = await diary.schedule(self.ports, principal, command, self.d.today(), cause)
        return replies.meeting_to_proto(view)

    async def RescheduleMeeting(
        self, request: pb.RescheduleMeetingRequest, context: Context
    ) -> pb.Meeting:
        principal, cause = asking(context)
        command = requests.reschedule_from_proto(request)
        view = await diary.reschedule(self.ports, principal, command, self.d.today(), cause)
        return replies.meeting_to_proto(view)

    async def CancelMeeting(self, request: pb.CancelMeetingRequest, context: Context) -> pb.Meeting:
        principal, cause = asking(context)
        command = requests.cancel_from_proto(request)
        view = await diary.cancel(self.ports, principal, command, self.d.today(), cause)
        return replies.meeting_to_proto(view)

    # -- attendance, papers, holding ---------------------------------------------------

    async def GiveApologies(self, request: pb.GiveApologiesRequest, context: Context) -> pb.Meeting:
        principal, cause = asking(context)
        meeting_id, attendee, substitute = requests.apologies_from_proto(request)
        view = await attendance.give_apologies(
            self.ports, principal, meeting_id, attendee, substitute, self.d.today(), cause
        )
        return replies.meeting_to_proto(view)

    async def SubmitPaper(self, request: pb.SubmitPaperRequest, context: Context) -> pb.Meeting:
        principal, cause = asking(context)
        command = requests.paper_from_proto(request)
        view = await attendance.submit_paper(self.ports, principal, command, self.d.today(), cause)
        return replies.meeting_to_proto(view)

    async def HoldMeeting(self, request: pb.HoldMeetingRequest, context: Context) -> pb.Meeting:
        principal, cause = asking(context)
        command = requests.hold_from_proto(request)
        view = await attendance.hold(self.ports, principal, command, self.d.today(), cause)
        return replies.meeting_to_proto(view)

    # -- notes -------------------------------------------------------------------------

    async def DraftNotes(self, request: pb.DraftNotesRequest, context: Context) -> pb.NotesStatus:
        principal, cause = asking(context)
        command = requests.draft_from_proto(request)
        view = await notes.draft(self.ports, principal, command, self.d.today(), cause)
        return replies.notes_status_to_proto(view)

    async def ApproveNotes(
        self, request: pb.ApproveNotesRequest, context: Context
    ) -> pb.NotesStatus:
        principal, cause = asking(context)
        meeting_id, notes_id = requests.approve_from_proto(request)
        view = await notes.approve(
            self.ports, principal, meeting_id, notes_id, self.d.today(), cause
        )
        return replies.notes_status_to_proto(view)

    async def CirculateNotes(
        self, request: pb.CirculateNotesRequest, context: Context
    ) -> pb.NotesStatus:
        principal, cause = asking(context)
        meeting_id, notes_id, on = requests.circulate_from_proto(request)
        view = await notes.circulate(
            self.ports, principal, meeting_id, notes_id, on, self.d.today(), cause
        )
        return replies.notes_status_to_proto(view)

    async def GetNotes(self, request: pb.GetNotesRequest, context: Context) -> pb.MeetingNotes:
        meeting_id = requests.meeting_id_from_proto(request.meeting_id)
        read = await notes.get_notes(self.ports, current_principal(), meeting_id)
        return replies.notes_to_proto(read, meeting_id)

    # -- actions -----------------------------------------------------------------------

    async def RaiseAction(self, request: pb.RaiseActionRequest, context: Context) -> pb.Action:
        principal, cause = asking(context)
        command = requests.raise_from_proto(request)
        today = self.d.today()
        raised = await actions.raise_action(self.ports, principal, command, today, cause)
        return replies.action_to_proto(raised, today)

    async def CompleteAction(
        self, request: pb.CompleteActionRequest, context: Context
    ) -> pb.Action:
        principal, cause = asking(context)
        action_id, on = requests.complete_from_proto(request)
        today = self.d.today()
        done = await actions.complete(self.ports, principal, action_id, on, today, cause)
        return replies.action_to_proto(done, today)

    async def CarryForwardAction(
        self, request: pb.CarryForwardActionRequest, context: Context
    ) -> pb.Action:
        principal, cause = asking(context)
        action_id, to_meeting_id, due_on = requests.carry_from_proto(request)
        carried = await actions.carry_forward(
            self.ports, principal, action_id, to_meeting_id, due_on, cause
        )
        return replies.action_to_proto(carried, self.d.today())

    # -- reads -------------------------------------------------------------------------

    async def GetMeeting(self, request: pb.GetMeetingRequest, context: Context) -> pb.Meeting:
        meeting_id = requests.meeting_id_from_proto(request.meeting_id)
        view = await reads.get_meeting(self.ports, current_principal(), meeting_id, self.d.today())
        return replies.meeting_to_proto(view)

    async def ListMeetings(
        self, request: pb.ListMeetingsRequest, context: Context
    ) -> pb.ListMeetingsResponse:
        page = page_request(request.page_size, request.page_token, MEETING_KEY)
        query = requests.list_meetings_from_proto(request)
        found, token = await reads.list_meetings(
            self.ports, current_principal(), query, page, self.d.today()
        )
        return pb.ListMeetingsResponse(
            meetings=[replies.meeting_to_proto(v) for v in found], next_page_token=token
        )

    async def ListActions(
        self, request: pb.ListActionsRequest, context: Context
    ) -> pb.ListActionsResponse:
        page = page_request(request.page_size, request.page_token, ACTION_KEY)
        query = requests.actions_query_from_proto(request, self.d.today())
        found, token = await actions.list_actions(self.ports, current_principal(), query, page)
        return pb.ListActionsResponse(
            actions=[replies.action_to_proto(a, query.as_of) for a in found],
            next_page_token=token,
        )

    async def GetCompliance(
        self, request: pb.GetComplianceRequest, context: Context
    ) -> pb.Compliance:
        trust_id, academy_id, year, as_of = requests.compliance_from_proto(request, self.d.today())
        found = await reads.get_compliance(
            self.ports, current_principal(), trust_id, academy_id, year, as_of
        )
        return replies.compliance_to_proto(found)


def registration(deps: Dependencies) -> Callable[[grpc.aio.Server], None]:
    def register(server: grpc.aio.Server) -> None:
        meetings_pb2_grpc.add_MeetingsServiceServicer_to_server(MeetingsServicer(deps), server)

    return register

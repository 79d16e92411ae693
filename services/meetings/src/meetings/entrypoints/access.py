"""Who may call each RPC of meetings, on what: the one table.

The gRPC bootstrap checks the role before any handler; a handler checks the
scope with the same row once it knows the meeting's (or action's) academy, or
the trust for a trust-wide meeting. What the framework decides is the
domain's: who chairs a meeting type (and so drafts its notes), who approves
them, who provides each paper; this table lets in every role that may.

Notes are confidential (seed 000: "Information shared in meetings is
confidential"): their text is read by the academy's improvement leads, the
chief executive, the academy's headteacher and chair of the local governing
board (those two from the draft on only where the type has them approve it),
never by trustees, finance or providers, who read schedules and compliance.
"""

from __future__ import annotations

from chassis.access import EVERY_PERSON, AccessTable, Scope, allow
from chassis.auth import Role
from trust.meetings.v1 import meetings_pb2 as pb

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["MeetingsService"].full_name

CEO, LEAD = Role.CHIEF_EXECUTIVE, Role.IMPROVEMENT_LEAD
HEAD, CHAIR = Role.HEADTEACHER, Role.CHAIR_OF_LGB

# Those who run an academy's meetings: the chief executive and the academy's
# improvement leads (the handlers: application/reach.RUNS_MEETINGS).
RUN = (CEO, LEAD)
# A provider chairs some visits (seed 004: the consultant's Note of Visit), so it
# records them; the handlers let it act only on the types it chairs.
CHAIRS = (CEO, LEAD, Role.PROVIDER)
# Anyone a meeting type may name as an attendee (seed 004's roundtable: a trustee).
ATTENDEES = EVERY_PERSON - {Role.FINANCE}
NOTE_READERS = (CEO, LEAD, HEAD, CHAIR)
# Schedules and compliance: the board, the executive, the academy's people;
# finance too (days of entitlement used). Providers see the meetings of the
# academies they work with, not their compliance or actions.
COMPLIANCE_READERS = (Role.TRUSTEE, CEO, LEAD, HEAD, CHAIR, Role.FINANCE)
ACTION_READERS = (Role.TRUSTEE, CEO, LEAD, HEAD, CHAIR)

ACADEMY, TRUST = Scope.ACADEMY, Scope.TRUST

ACCESS = AccessTable(
    SERVICE_NAME,
    {
        "ScheduleMeeting": allow("scheduling a meeting", ACADEMY, RUN),
        "RescheduleMeeting": allow("rescheduling a meeting", ACADEMY, RUN),
        "CancelMeeting": allow("cancelling a meeting", ACADEMY, RUN),
        # One's own apologies; those who run the meeting record anyone's.
        "GiveApologies": allow("giving apologies", ACADEMY, ATTENDEES),
        # The type names the role that provides each paper (the domain checks it).
        "SubmitPaper": allow("submitting a paper", ACADEMY, (CEO, LEAD, HEAD)),
        "HoldMeeting": allow("recording a meeting held", ACADEMY, CHAIRS),
        # The type's chair drafts (the domain checks the author's role).
        "DraftNotes": allow("drafting notes", ACADEMY, CHAIRS),
        # The framework's note approvers, of that academy only, never the author.
        "ApproveNotes": allow("approving notes", ACADEMY, (HEAD, CHAIR)),
        "CirculateNotes": allow("circulating notes", ACADEMY, CHAIRS),
        "GetNotes": allow("reading notes", ACADEMY, NOTE_READERS),
        "RaiseAction": allow("raising an action", ACADEMY, CHAIRS),
        "CompleteAction": allow("completing an action", ACADEMY, (CEO, LEAD, HEAD)),
        "CarryForwardAction": allow("carrying an action forward", ACADEMY, RUN),
        "GetMeeting": allow("reading a meeting", ACADEMY, EVERY_PERSON),
        "ListMeetings": allow("listing meetings", TRUST, EVERY_PERSON),
        "ListActions": allow("listing actions", TRUST, ACTION_READERS),
        "GetCompliance": allow("reading meeting compliance", TRUST, COMPLIANCE_READERS),
    },
)

"""The access table has one row per RPC of the service; the notes' text is never
read by trustees, finance or providers; only a note approver role approves."""

from __future__ import annotations

from chassis.auth import Role
from meetings.entrypoints.access import ACCESS
from trust.meetings.v1 import meetings_pb2 as pb


def test_every_rpc_has_a_row_and_every_row_an_rpc():
    service = pb.DESCRIPTOR.services_by_name["MeetingsService"]
    assert ACCESS.service == service.full_name
    assert ACCESS.rpcs() == sorted(method.name for method in service.methods)


def test_confidential_notes_and_their_approval():
    readers = ACCESS.rule("GetNotes").roles
    assert readers.isdisjoint({Role.TRUSTEE, Role.FINANCE, Role.PROVIDER})
    assert ACCESS.rule("ApproveNotes").roles == {Role.HEADTEACHER, Role.CHAIR_OF_LGB}
    assert {Role.TRUSTEE} <= ACCESS.rule("GetCompliance").roles & ACCESS.rule("ListMeetings").roles
    assert Role.SERVICE not in {r for rule in ACCESS.rules.values() for r in rule.roles}

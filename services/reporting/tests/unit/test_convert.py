"""A timeline page as its reply, field by field; and one access row per RPC."""

from __future__ import annotations

import datetime as dt
import uuid

from reporting.application.timeline import TimelinePage
from reporting.domain.timeline import TimelineEntry
from reporting.entrypoints import convert
from reporting.entrypoints.access import ACCESS
from trust.common.v1 import common_pb2
from trust.reporting.v1 import reporting_pb2 as pb


def test_a_timeline_page_becomes_its_reply():
    event_id = uuid.uuid4()
    entry = TimelineEntry(
        event_id=event_id,
        academy_id="a1",
        trust_id="t1",
        event_type="academies.DataSubmitted",
        source_service="academies",
        global_position=7,
        occurred_at=dt.datetime(2026, 11, 23, 11, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        actor_subject="head",
        actor_role="headteacher",
        summary="Data submitted",
    )
    reply = convert.timeline_to_proto(TimelinePage("a1", [entry], "next"))
    assert reply == pb.AcademyTimeline(
        academy_id="a1",
        entries=[
            pb.TimelineEntry(
                event_id=str(event_id),
                event_type="academies.DataSubmitted",
                source_service="academies",
                global_position=7,
                occurred_at="2026-11-23T10:00:00+00:00",
                actor=common_pb2.Actor(subject="head", role="headteacher"),
                summary="Data submitted",
            )
        ],
        next_page_token="next",
    )


def test_every_rpc_has_an_access_row():
    service = pb.DESCRIPTOR.services_by_name["ReportingService"]
    assert ACCESS.service == service.full_name
    assert ACCESS.rpcs() == sorted(method.name for method in service.methods)

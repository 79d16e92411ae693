"""Proto <-> Python for reporting: one converter per type, in one place."""

from __future__ import annotations

from chassis.convert import actor_to_proto, time_to_proto
from chassis.envelope import Actor
from trust.reporting.v1 import reporting_pb2 as pb

from reporting.application.timeline import TimelinePage
from reporting.domain.timeline import TimelineEntry


def entry_to_proto(entry: TimelineEntry) -> pb.TimelineEntry:
    return pb.TimelineEntry(
        event_id=str(entry.event_id),
        event_type=entry.event_type,
        source_service=entry.source_service,
        global_position=entry.global_position,
        occurred_at=time_to_proto(entry.occurred_at),
        actor=actor_to_proto(Actor(subject=entry.actor_subject, role=entry.actor_role)),
        summary=entry.summary,
    )


def timeline_to_proto(found: TimelinePage) -> pb.AcademyTimeline:
    return pb.AcademyTimeline(
        academy_id=found.academy_id,
        entries=[entry_to_proto(e) for e in found.entries],
        next_page_token=found.next_page_token,
    )

"""gRPC API of reporting: read models only."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg
import grpc
from chassis.auth import Role, current_principal
from chassis.errors import InvalidArgument, NotFound
from chassis.paging import page_request
from trust.common.v1 import common_pb2
from trust.reporting.v1 import reporting_pb2 as pb
from trust.reporting.v1 import reporting_pb2_grpc

from reporting.adapters.timeline_store import TIMELINE_KEY, TimelineStore, timeline_key

# Roles that may see confidential entries (concerns); the rest never receive them.
CONFIDENTIAL_READERS = (Role.CHIEF_EXECUTIVE, Role.IMPROVEMENT_LEAD)

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["ReportingService"].full_name

TIMELINE_READERS = (
    Role.TRUSTEE,
    Role.CHIEF_EXECUTIVE,
    Role.IMPROVEMENT_LEAD,
    Role.HEADTEACHER,
    Role.CHAIR_OF_LGB,
)


class ReportingServicer(reporting_pb2_grpc.ReportingServiceServicer):
    def __init__(self, pool: asyncpg.Pool, store: TimelineStore) -> None:
        self._pool = pool
        self._store = store

    async def GetAcademyTimeline(
        self, request: pb.GetAcademyTimelineRequest, context: grpc.aio.ServicerContext
    ) -> pb.AcademyTimeline:
        principal = current_principal()
        principal.require_role(TIMELINE_READERS, "reading an academy's timeline")
        page = page_request(request.page_size, request.page_token, TIMELINE_KEY)
        if not request.academy_id:
            raise InvalidArgument("academy_id is required")
        async with self._pool.acquire() as conn:
            trust_id = await self._store.trust_of(conn, request.academy_id)
            if trust_id is None:
                raise NotFound(f"no events are known for academy {request.academy_id}")
            principal.require_academy(trust_id, request.academy_id, "reading a timeline")
            found = await self._store.page(
                conn,
                request.academy_id,
                principal.role in CONFIDENTIAL_READERS,
                page.after,
                page.fetch,
            )
        entries, next_token = page.cut(found, key=timeline_key)
        return pb.AcademyTimeline(
            academy_id=request.academy_id,
            entries=[
                pb.TimelineEntry(
                    event_id=str(e.event_id),
                    event_type=e.event_type,
                    source_service=e.source_service,
                    global_position=e.global_position,
                    occurred_at=e.occurred_at.isoformat(),
                    actor=common_pb2.Actor(subject=e.actor_subject, role=e.actor_role),
                    summary=e.summary,
                )
                for e in entries
            ],
            next_page_token=next_token,
        )


def registration(pool: asyncpg.Pool, store: TimelineStore) -> Callable[[grpc.aio.Server], None]:
    def register(server: grpc.aio.Server) -> None:
        reporting_pb2_grpc.add_ReportingServiceServicer_to_server(
            ReportingServicer(pool, store), server
        )

    return register

"""gRPC API of reporting (read models only): proto -> handler -> proto.

Who may call what is ``entrypoints/access.py`` (the bootstrap checks the role
first); conversions are ``entrypoints/convert.py``.
"""

from __future__ import annotations

from collections.abc import Callable

import grpc
from chassis.auth import current_principal
from chassis.paging import page_request
from trust.reporting.v1 import reporting_pb2 as pb
from trust.reporting.v1 import reporting_pb2_grpc

from reporting.application.timeline import TIMELINE_KEY, TimelinePort, academy_timeline
from reporting.entrypoints import convert


class ReportingServicer(reporting_pb2_grpc.ReportingServiceServicer):
    def __init__(self, timeline: TimelinePort) -> None:
        self._timeline = timeline

    async def GetAcademyTimeline(
        self, request: pb.GetAcademyTimelineRequest, context: grpc.aio.ServicerContext
    ) -> pb.AcademyTimeline:
        page = page_request(request.page_size, request.page_token, TIMELINE_KEY)
        found = await academy_timeline(
            self._timeline, current_principal(), request.academy_id, page
        )
        return convert.timeline_to_proto(found)


def registration(timeline: TimelinePort) -> Callable[[grpc.aio.Server], None]:
    def register(server: grpc.aio.Server) -> None:
        reporting_pb2_grpc.add_ReportingServiceServicer_to_server(
            ReportingServicer(timeline), server
        )

    return register

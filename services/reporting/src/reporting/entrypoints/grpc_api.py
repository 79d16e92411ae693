"""gRPC API of reporting (read models only): proto -> handler -> proto.

Who may call what is ``entrypoints/access.py`` (the bootstrap checks the role
first); conversions are ``entrypoints/convert.py``.

The board's report keeps the last reports read whole (application.board_report.
ReportCache; TRUST_BOARD_REPORT_CACHE of them, default 32, 0: none), with
their messages: a report found again is not converted again.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable

import grpc
from chassis import clock
from chassis.auth import current_principal
from chassis.paging import page_request
from trust.reporting.v1 import reporting_pb2 as pb
from trust.reporting.v1 import reporting_pb2_grpc

from reporting.application.actions import ActionsPort, list_owner_actions, today_in_england
from reporting.application.board_report import (
    BoardFacts,
    BoardLedger,
    ReportCache,
    get_board_report,
)
from reporting.application.ledger import get_ledger
from reporting.application.timeline import TIMELINE_KEY, TimelinePort, academy_timeline
from reporting.domain.board_report import BoardReport
from reporting.entrypoints import convert


class ReportingServicer(reporting_pb2_grpc.ReportingServiceServicer):
    def __init__(
        self,
        timeline: TimelinePort,
        *,
        actions: ActionsPort,
        ledger: BoardLedger,
        board: BoardFacts,
        today: Callable[[], dt.date] = today_in_england,
        now: Callable[[], dt.datetime] = clock.now,
        reports: ReportCache | None = None,
    ) -> None:
        self._timeline = timeline
        self._actions = actions
        self._ledger = ledger
        self._board = board
        self._today = today
        self._now = now
        self._reports = reports
        # The messages of the reports the cache holds, by the report's identity
        # (each kept with its report, so an identity is never another's).
        self._messages: OrderedDict[int, tuple[BoardReport, pb.BoardReport]] = OrderedDict()

    async def GetAcademyTimeline(
        self, request: pb.GetAcademyTimelineRequest, context: grpc.aio.ServicerContext
    ) -> pb.AcademyTimeline:
        page = page_request(request.page_size, request.page_token, TIMELINE_KEY)
        found = await academy_timeline(
            self._timeline, current_principal(), request.academy_id, page
        )
        return convert.timeline_to_proto(found)

    async def ListOwnerActions(
        self, request: pb.ListOwnerActionsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListOwnerActionsResponse:
        query = convert.actions_query_from_proto(request, self._today())
        found = await list_owner_actions(self._actions, current_principal(), query)
        return convert.owner_actions_report_to_proto(found)

    async def GetLedger(
        self, request: pb.GetLedgerRequest, context: grpc.aio.ServicerContext
    ) -> pb.Ledger:
        found = await get_ledger(
            self._ledger,
            current_principal(),
            request.trust_id.strip(),
            request.academic_year.strip(),
            request.academy_id.strip(),
        )
        return convert.ledger_to_proto(found)

    async def GetBoardReport(
        self, request: pb.GetBoardReportRequest, context: grpc.aio.ServicerContext
    ) -> pb.BoardReport:
        report = await get_board_report(
            self._board,
            self._ledger,
            current_principal(),
            convert.board_query_from_proto(request),
            self._now(),
            self._reports,
        )
        if self._reports is None or self._reports.size <= 0:
            return convert.board_report_to_proto(report)
        found = self._messages.get(id(report))
        if found is not None and found[0] is report:
            self._messages.move_to_end(id(report))
            return found[1]
        message = convert.board_report_to_proto(report)
        self._messages[id(report)] = (report, message)
        while len(self._messages) > self._reports.size:
            self._messages.popitem(last=False)
        return message


def registration(
    timeline: TimelinePort,
    *,
    actions: ActionsPort,
    ledger: BoardLedger,
    board: BoardFacts,
    report_cache_size: int = 0,
) -> Callable[[grpc.aio.Server], None]:
    reports = ReportCache(report_cache_size)

    def register(server: grpc.aio.Server) -> None:
        reporting_pb2_grpc.add_ReportingServiceServicer_to_server(
            ReportingServicer(
                timeline, actions=actions, ledger=ledger, board=board, reports=reports
            ),
            server,
        )

    return register

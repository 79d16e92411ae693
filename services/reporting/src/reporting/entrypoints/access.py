"""Who may call each RPC of reporting, on what: the one table.

The gRPC bootstrap checks the role before any handler; the handler checks the
academy's scope with the same row. Which entries a reader sees (confidential
ones only for some roles) is the timeline's rule (domain/timeline.py).
"""

from __future__ import annotations

from chassis.access import AccessTable, Scope, allow
from chassis.auth import Role
from trust.reporting.v1 import reporting_pb2 as pb

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["ReportingService"].full_name

ACCESS = AccessTable(
    SERVICE_NAME,
    {
        "GetAcademyTimeline": allow(
            "reading an academy's timeline",
            Scope.ACADEMY,
            [
                Role.TRUSTEE,
                Role.CHIEF_EXECUTIVE,
                Role.IMPROVEMENT_LEAD,
                Role.HEADTEACHER,
                Role.CHAIR_OF_LGB,
            ],
        ),
        # Finance reconciles; the board and the executive read it; improvement leads
        # their academies, headteachers their own (the handler narrows the rows).
        "GetLedger": allow(
            "reading the support budget ledger",
            Scope.TRUST,
            [
                Role.TRUSTEE,
                Role.CHIEF_EXECUTIVE,
                Role.FINANCE,
                Role.IMPROVEMENT_LEAD,
                Role.HEADTEACHER,
            ],
        ),
        # The board's report holds no confidential text: finance reads it for the
        # spend columns; the handler narrows the academies to the caller's reach.
        "GetBoardReport": allow(
            "reading the board's RAG report",
            Scope.TRUST,
            [
                Role.TRUSTEE,
                Role.CHIEF_EXECUTIVE,
                Role.FINANCE,
                Role.IMPROVEMENT_LEAD,
                Role.HEADTEACHER,
                Role.CHAIR_OF_LGB,
            ],
        ),
        "ListOwnerActions": allow(
            "reading actions per owner",
            Scope.TRUST,
            [
                Role.TRUSTEE,
                Role.CHIEF_EXECUTIVE,
                Role.IMPROVEMENT_LEAD,
                Role.HEADTEACHER,
                Role.CHAIR_OF_LGB,
            ],
        ),
    },
)

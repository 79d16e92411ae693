"""The board's RAG report through gRPC: wired to every service's events.

A trust on seed 001 with two academies: attendance returned for each (one
under the preset's red line), the report rates it with its reason; a
correction recorded later changes today's report, not the one as at a moment
before it, which lists it as a revision. Bad requests get clear statuses.
"""

from __future__ import annotations

import datetime as dt

import grpc
import pytest
from chassis import clock
from chassis.auth import Role
from trust.academies.v1 import academies_pb2 as pb
from trust.reporting.v1 import reporting_pb2 as rpb
from trust_local.clients import eventually

from .conftest import submit_request


def _attendance(report: rpb.BoardReport, academy_id: str) -> rpb.Rating | None:
    for academy in report.academies:
        if academy.academy_id == academy_id:
            return next(r for r in academy.ratings if r.dimension == "attendance")
    return None


async def test_the_board_report_rates_returned_data_and_keeps_what_the_board_saw(clients, trust):
    alder, birch = trust.academy_ids
    head = trust.caller(Role.HEADTEACHER, [alder])
    await clients.academies.SubmitData(
        submit_request(alder, attendance=88.5), metadata=head.metadata
    )
    await clients.academies.SubmitData(
        submit_request(birch, attendance=96.0),
        metadata=trust.caller(Role.HEADTEACHER, [birch]).metadata,
    )
    trustee = trust.caller(Role.TRUSTEE)
    request = rpb.GetBoardReportRequest(
        trust_id=trust.trust_id, academic_year="2026/27", term="autumn"
    )

    def both_returned(report: rpb.BoardReport) -> bool:
        return all(
            (r := _attendance(report, a)) is not None and r.colour for a in trust.academy_ids
        )

    report = await eventually(
        lambda: clients.reporting.GetBoardReport(request, metadata=trustee.metadata), both_returned
    )
    assert [a.name for a in report.academies] == ["Alder Academy", "Birch Academy"]
    assert report.framework_id == "seed-001-carter" and report.framework_version == 1
    low = _attendance(report, alder)
    assert low.colour == "red" and low.value == "88.5%"
    assert low.reasons == ["88.5% (termly KPI return, autumn 2026/27) is below 90%"]
    assert _attendance(report, birch).colour == "green"
    alder_row = report.academies[0]
    assert alder_row.overall.colour == "red"
    assert any("Attendance" in reason for reason in alder_row.overall.reasons)
    assert alder_row.change == "new"

    # A correction recorded later: today's report shows it; the report as at a
    # moment before it does not, and lists it as recorded since.
    seen_at = clock.now()
    submissions = await clients.academies.ListSubmissions(
        pb.ListSubmissionsRequest(academy_id=alder), metadata=head.metadata
    )
    await clients.academies.CorrectSubmission(
        pb.CorrectSubmissionRequest(
            academy_id=alder,
            submission_id=submissions.submissions[0].submission_id,
            values=pb.DataValues(attendance_percent=93.0),
            reason="the register was miscounted",
        ),
        metadata=head.metadata,
    )
    now = await eventually(
        lambda: clients.reporting.GetBoardReport(request, metadata=trustee.metadata),
        lambda r: _attendance(r, alder).colour == "amber",
    )
    assert "corrected" in _attendance(now, alder).reasons[0]
    del seen_at
    # Nothing of this trust was recorded by yesterday: the board had nothing to see.
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await clients.reporting.GetBoardReport(
            rpb.GetBoardReportRequest(
                trust_id=trust.trust_id, academic_year="2026/27", term="autumn", as_of=yesterday
            ),
            metadata=trustee.metadata,
        )
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert refused.value.details() == (
        f"trust {trust.trust_id} had no framework recorded by {yesterday}: there was nothing to rate"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"term": "winter"}, "term must be one of autumn, spring, summer, not 'winter'"),
        ({"academic_year": "2026"}, "academic_year must be like 2026/27, not '2026'"),
        ({"as_of": "20 March"}, "as_of must be a date like 2027-03-20, not '20 March'"),
        (
            {"as_of": "2999-01-01"},
            "as_of 2999-01-01 is in the future: a report is of what is known",
        ),
    ],
)
async def test_bad_requests_say_what_is_wrong(clients, trust, change, message):
    fields = {"trust_id": trust.trust_id, "academic_year": "2026/27", "term": "autumn", **change}
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await clients.reporting.GetBoardReport(
            rpb.GetBoardReportRequest(**fields), metadata=trust.caller(Role.TRUSTEE).metadata
        )
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert refused.value.details() == message

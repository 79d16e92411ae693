"""Paging on the List calls: every item exactly once, a clear refusal of a bad
page_token or a page_size over the maximum."""

from __future__ import annotations

import grpc
import pytest
from chassis.auth import Role
from chassis.paging import MAX_PAGE_SIZE
from trust.academies.v1 import academies_pb2 as pb
from trust.evaluations.v1 import evaluations_pb2 as epb
from trust.reporting.v1 import reporting_pb2 as rpb
from trust_local.clients import eventually
from trust_local.scenario import RECORD_SOURCES, wait_for_timeline

from .conftest import submit_request


async def _all_pages(call, request, items: str, page_size: int) -> tuple[list, int]:
    """Every item through pages of ``page_size``, and how many pages it took."""
    request.page_size = page_size
    seen, pages = [], 0
    while True:
        reply = await call(request)
        pages += 1
        got = list(getattr(reply, items))
        assert len(got) <= page_size
        seen.extend(got)
        if not reply.next_page_token:
            return seen, pages
        request.page_token = reply.next_page_token


async def _refused(call, words: str) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await call
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT, raised.value.details()
    assert words in (raised.value.details() or ""), raised.value.details()


async def test_list_academies_pages_through_all_five_exactly_once(clients, trust):
    for urn, name in (("200003", "Cedar"), ("200004", "Damson"), ("200005", "Elm")):
        await clients.academies.RegisterAcademy(
            pb.RegisterAcademyRequest(
                trust_id=trust.trust_id,
                urn=urn,
                name=f"{name} Academy",
                phase_of_education="secondary",
                local_authority="Kent",
                date_joined="2021-09-01",
            ),
            metadata=trust.ceo.metadata,
        )

    def list_academies(request):
        return clients.academies.ListAcademies(request, metadata=trust.ceo.metadata)

    request = pb.ListAcademiesRequest(trust_id=trust.trust_id)
    unpaged = await list_academies(request)
    assert len(unpaged.academies) == 5 and unpaged.next_page_token == ""  # default 50
    seen, pages = await _all_pages(list_academies, request, "academies", 2)
    assert pages == 3
    assert [a.name for a in seen] == [
        "Alder Academy",
        "Birch Academy",
        "Cedar Academy",
        "Damson Academy",
        "Elm Academy",
    ]
    assert len({a.academy_id for a in seen}) == 5

    # A scoped caller pages through their own academies only.
    lead = trust.caller(Role.IMPROVEMENT_LEAD, [seen[1].academy_id, seen[4].academy_id])
    scoped, _ = await _all_pages(
        lambda r: clients.academies.ListAcademies(r, metadata=lead.metadata),
        pb.ListAcademiesRequest(trust_id=trust.trust_id),
        "academies",
        1,
    )
    assert [a.name for a in scoped] == ["Birch Academy", "Elm Academy"]

    for token in ("not-a-token", "%%%", "eyJ2IjoxfQ"):  # the last: base64 of {"v":1}
        await _refused(
            list_academies(pb.ListAcademiesRequest(trust_id=trust.trust_id, page_token=token)),
            "page_token is not valid",
        )
    await _refused(
        list_academies(
            pb.ListAcademiesRequest(trust_id=trust.trust_id, page_size=MAX_PAGE_SIZE + 1)
        ),
        f"page_size must be at most {MAX_PAGE_SIZE}",
    )
    await _refused(
        list_academies(pb.ListAcademiesRequest(trust_id=trust.trust_id, page_size=-1)),
        "page_size must not be negative",
    )
    at_max = await list_academies(
        pb.ListAcademiesRequest(trust_id=trust.trust_id, page_size=MAX_PAGE_SIZE)
    )
    assert len(at_max.academies) == 5


async def test_submissions_evaluations_concerns_and_timeline_page_too(clients, trust):
    alder = trust.academy_ids[0]
    head = trust.caller(Role.HEADTEACHER, [alder])
    lead = trust.caller(Role.IMPROVEMENT_LEAD, [alder])
    for year in ("2025/26", "2026/27"):
        for term in ("autumn", "spring", "summer"):
            await clients.academies.SubmitData(
                submit_request(alder, term=term, year=year), metadata=head.metadata
            )
    submissions, pages = await _all_pages(
        lambda r: clients.academies.ListSubmissions(r, metadata=head.metadata),
        pb.ListSubmissionsRequest(academy_id=alder),
        "submissions",
        4,
    )
    assert pages == 2
    assert [(s.period.academic_year, s.period.term) for s in submissions] == [
        (year, term) for year in ("2025/26", "2026/27") for term in ("autumn", "spring", "summer")
    ]
    filtered, _ = await _all_pages(
        lambda r: clients.academies.ListSubmissions(r, metadata=head.metadata),
        pb.ListSubmissionsRequest(academy_id=alder, academic_year="2026/27"),
        "submissions",
        2,
    )
    assert [s.period.term for s in filtered] == ["autumn", "spring", "summer"]

    for day in ("2023-03-01", "2021-05-01", "2022-06-01"):
        await clients.academies.RecordInspection(
            pb.RecordInspectionRequest(
                academy_id=alder,
                inspection_date=day,
                scheme="ofsted-2019",
                grades={"quality_of_education": "good"},
            ),
            metadata=lead.metadata,
        )
    inspections, pages = await _all_pages(
        lambda r: clients.academies.ListInspections(r, metadata=head.metadata),
        pb.ListInspectionsRequest(academy_id=alder),
        "inspections",
        2,
    )
    assert [i.inspection_date for i in inspections] == ["2021-05-01", "2022-06-01", "2023-03-01"]
    assert pages == 2

    for n, term in enumerate(("autumn", "spring", "summer")):
        await eventually(
            lambda term=term, n=n: clients.evaluations.JudgeEvaluation(
                epb.JudgeEvaluationRequest(
                    academy_id=alder,
                    kind="trust_evaluation",
                    academic_year="2026/27",
                    term=term,
                    judgements={"curriculum_and_teaching": "expected_standard"},
                    summary=f"visit {n}",
                ),
                metadata=lead.metadata,
            )
        )
        await clients.evaluations.RaiseConcern(
            epb.RaiseConcernRequest(academy_id=alder, text=f"concern {n}"),
            metadata=lead.metadata,
        )
    evaluations, pages = await _all_pages(
        lambda r: clients.evaluations.ListEvaluations(r, metadata=lead.metadata),
        epb.ListEvaluationsRequest(academy_id=alder),
        "evaluations",
        2,
    )
    assert [e.summary for e in evaluations] == ["visit 0", "visit 1", "visit 2"] and pages == 2
    assert all(e.judged_by.subject == "improvement_lead@trust" for e in evaluations)
    concerns, _ = await _all_pages(
        lambda r: clients.evaluations.ListConcerns(r, metadata=lead.metadata),
        epb.ListConcernsRequest(academy_id=alder),
        "concerns",
        1,
    )
    assert [c.text for c in concerns] == ["concern 0", "concern 1", "concern 2"]
    await _refused(
        clients.evaluations.ListConcerns(
            epb.ListConcernsRequest(academy_id=alder, page_token="bad"), metadata=lead.metadata
        ),
        "page_token is not valid",
    )

    everything = await wait_for_timeline(clients, trust.ceo, alder, minimum=1 + 6 + 3 + 3 + 3)
    timeline, pages = await _all_pages(
        lambda r: clients.reporting.GetAcademyTimeline(r, metadata=trust.ceo.metadata),
        rpb.GetAcademyTimelineRequest(academy_id=alder),
        "entries",
        5,
    )
    # Meetings add entries of their own (scheduled by the service): compare the record's.
    record = [e for e in timeline if e.source_service in RECORD_SOURCES]
    assert [e.event_id for e in record] == [e.event_id for e in everything]
    assert pages == (len(timeline) + 4) // 5
    # The headteacher's pages never hold the confidential entries.
    seen_by_head, _ = await _all_pages(
        lambda r: clients.reporting.GetAcademyTimeline(r, metadata=head.metadata),
        rpb.GetAcademyTimelineRequest(academy_id=alder),
        "entries",
        3,
    )
    assert [e.event_id for e in seen_by_head if e.source_service in RECORD_SOURCES] == [
        e.event_id for e in everything if e.event_type != "evaluations.ConcernRaised"
    ]
    await _refused(
        clients.reporting.GetAcademyTimeline(
            rpb.GetAcademyTimelineRequest(academy_id=alder, page_size=MAX_PAGE_SIZE + 1),
            metadata=head.metadata,
        ),
        f"page_size must be at most {MAX_PAGE_SIZE}",
    )
    # A token of another list is not a token of this one.
    await _refused(
        clients.reporting.GetAcademyTimeline(
            rpb.GetAcademyTimelineRequest(
                academy_id=alder,
                page_token=(
                    await clients.academies.ListAcademies(
                        pb.ListAcademiesRequest(trust_id=trust.trust_id, page_size=1),
                        metadata=trust.ceo.metadata,
                    )
                ).next_page_token,
            ),
            metadata=head.metadata,
        ),
        "page_token is not valid",
    )

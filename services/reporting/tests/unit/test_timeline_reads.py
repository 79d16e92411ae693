"""Given timeline entries, when an academy's timeline is read, then a page in
order, confidential entries only for those who may read them, or a refusal."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest
from chassis.auth import Principal, Role
from chassis.errors import InvalidArgument, NotFound, PermissionDenied
from chassis.paging import page_request
from reporting.application.timeline import TIMELINE_KEY, academy_timeline, timeline_key
from reporting.domain.timeline import TimelineEntry

T0 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


def entry(n: int, event_type: str = "academies.DataSubmitted", **overrides) -> TimelineEntry:
    fields = dict(
        event_id=uuid.uuid4(),
        academy_id="a1",
        trust_id="t1",
        event_type=event_type,
        source_service=event_type.split(".")[0],
        global_position=n,
        occurred_at=T0 + dt.timedelta(minutes=n),
        actor_subject="head",
        actor_role="headteacher",
        summary=f"entry {n}",
        confidential=event_type == "evaluations.ConcernRaised",
    )
    return TimelineEntry(**{**fields, **overrides})


@dataclass
class MemoryTimeline:
    entries: list[TimelineEntry] = field(default_factory=list)

    async def trust_of(self, academy_id: str) -> str | None:
        return next((e.trust_id for e in self.entries if e.academy_id == academy_id), None)

    async def page(
        self,
        academy_id: str,
        with_confidential: bool,
        after: Sequence[object] | None,
        limit: int,
    ) -> list[TimelineEntry]:
        found = sorted(
            (
                e
                for e in self.entries
                if e.academy_id == academy_id and (with_confidential or not e.confidential)
            ),
            key=timeline_key,
        )
        return [e for e in found if after is None or timeline_key(e) > tuple(after)][:limit]


TIMELINE = MemoryTimeline(
    [entry(3), entry(1), entry(2, "evaluations.ConcernRaised"), entry(1, academy_id="a2")]
)


async def read(principal: Principal, academy_id: str = "a1", token: str = "", size: int = 2):
    page = page_request(size, token, TIMELINE_KEY)
    return await academy_timeline(TIMELINE, principal, academy_id, page)


async def test_the_timeline_pages_oldest_first_and_shows_concerns_to_those_who_may_read_them():
    ceo = Principal("ceo", Role.CHIEF_EXECUTIVE, "t1", frozenset())
    first = await read(ceo)
    rest = await read(ceo, token=first.next_page_token)
    assert first.academy_id == "a1" and rest.next_page_token == ""
    assert [e.summary for e in first.entries + rest.entries] == ["entry 1", "entry 2", "entry 3"]
    head = Principal("head", Role.HEADTEACHER, "t1", frozenset({"a1"}))
    seen = await read(head, size=10)
    assert [e.summary for e in seen.entries] == ["entry 1", "entry 3"]


@pytest.mark.parametrize(
    ("principal", "academy_id", "error", "message"),
    [
        (
            Principal("head", Role.HEADTEACHER, "t1", frozenset({"a2"})),
            "a1",
            PermissionDenied,
            "reading an academy's timeline: academy a1 is outside your scope",
        ),
        (
            Principal("ceo", Role.CHIEF_EXECUTIVE, "t9", frozenset()),
            "a1",
            PermissionDenied,
            "outside your scope",
        ),
        (
            Principal("ceo", Role.CHIEF_EXECUTIVE, "t1", frozenset()),
            "a9",
            NotFound,
            "no events are known for academy a9",
        ),
        (
            Principal("ceo", Role.CHIEF_EXECUTIVE, "t1", frozenset()),
            "",
            InvalidArgument,
            "academy_id is required",
        ),
    ],
)
async def test_a_timeline_out_of_reach_is_refused(principal, academy_id, error, message):
    with pytest.raises(error, match=message):
        await read(principal, academy_id)

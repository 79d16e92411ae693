"""Reading an academy's timeline: every event about it, oldest first, without
the confidential entries unless the caller may read them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from chassis.auth import Principal
from chassis.errors import InvalidArgument, NotFound
from chassis.paging import PageRequest

from reporting.domain.timeline import CONFIDENTIAL_READERS, TimelineEntry
from reporting.entrypoints.access import ACCESS

# A timeline's order: when it happened, then the source feed and its position.
TIMELINE_KEY = (dt.datetime, str, int)


def timeline_key(entry: TimelineEntry) -> tuple[dt.datetime, str, int]:
    return entry.occurred_at, entry.source_service, entry.global_position


class TimelinePort(Protocol):
    async def trust_of(self, academy_id: str) -> str | None:
        """The trust of an academy the timeline knows, or None."""
        ...

    async def page(
        self,
        academy_id: str,
        with_confidential: bool,
        after: Sequence[object] | None,
        limit: int,
    ) -> list[TimelineEntry]:
        """The academy's entries in ``timeline_key`` order after ``after``, at most
        ``limit``; confidential ones only ``with_confidential``."""
        ...


@dataclass(frozen=True)
class TimelinePage:
    academy_id: str
    entries: list[TimelineEntry]
    next_page_token: str


async def academy_timeline(
    timeline: TimelinePort, principal: Principal, academy_id: str, page: PageRequest
) -> TimelinePage:
    """A page of the academy's timeline, for a caller who reaches the academy."""
    if not academy_id:
        raise InvalidArgument("academy_id is required")
    trust_id = await timeline.trust_of(academy_id)
    if trust_id is None:
        raise NotFound(f"no events are known for academy {academy_id}")
    ACCESS.rule("GetAcademyTimeline").require_academy(principal, trust_id, academy_id)
    found = await timeline.page(
        academy_id, principal.role in CONFIDENTIAL_READERS, page.after, page.fetch
    )
    entries, next_token = page.cut(found, key=timeline_key)
    return TimelinePage(academy_id, entries, next_token)

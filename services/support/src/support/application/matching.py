"""The providers that could meet a request, best first (domain/matching.py), for
the academy's improvement lead or the chief executive."""

from __future__ import annotations

import datetime as dt

from chassis.aggregate import read
from chassis.auth import Principal
from chassis.errors import NotFound

from support.application.ports import REQUEST, Ports
from support.application.providers import providers_of
from support.application.reach import allowed
from support.application.streams import REQUEST as STREAM
from support.application.views import MatchesView
from support.domain.matching import match


async def match_providers(
    ports: Ports, principal: Principal, request_id: str, on: dt.date, today: dt.date
) -> MatchesView:
    row = await ports.index.find(REQUEST, request_id)
    if row is None or row.academy_id is None:
        raise NotFound(f"there is no request {request_id}")
    allowed("MatchProviders", principal).require_academy(principal, row.trust_id, row.academy_id)
    requested = (await read(ports.store, STREAM, request_id)).state.requested
    assert requested is not None
    candidates = await providers_of(ports, row.trust_id, requested.need_area)
    found = match(candidates, requested.need_area, requested.academy_id, on)
    return MatchesView(tuple(found), today)

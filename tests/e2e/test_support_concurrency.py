"""Support under contention, against the real platform (real PostgreSQL): twenty
commissions raced at once can never take a budget line, or a provider's capacity
for a term, past what it holds. Exactly ten of twenty fit; the other ten are
refused with a decided answer; the event store holds exactly ten
SupportCommissioned events.

One trust (seed-000-aid) with two academies per module.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import grpc
import pytest
from trust.support.v1 import support_pb2 as spb
from trust_local.clients import PlatformClients

from .test_support_commissioning import (
    World,
    agreed_budget,
    commission_request,
    figures,
    make_world,
    register_provider,
    support_events,
    term_of,
    uid,
)

DAY_RATE = 10_000  # £100.00: one day costs a tenth of the race line
RACE_LINE = 10 * DAY_RATE
AMPLE = 10_000_000


@pytest.fixture(scope="module")
async def module_clients(platform) -> AsyncIterator[PlatformClients]:
    made = PlatformClients(
        {name: s.address for name, s in platform.services.items()}, platform.token_secret
    )
    yield made
    await made.close()


@pytest.fixture(scope="module")
async def w(module_clients) -> World:
    world = await make_world(module_clients, "race")
    await agreed_budget(world, world.a, {"race": RACE_LINE, "ample": AMPLE})
    await agreed_budget(world, world.b, {"ample": AMPLE})
    return world


async def race(w: World, requests: list[spb.CommissionSupportRequest]):
    """All the calls at once; (the commissions made, the errors)."""
    results = await asyncio.gather(
        *(w.support.CommissionSupport(r, metadata=w.lead.metadata) for r in requests),
        return_exceptions=True,
    )
    made = [r for r in results if isinstance(r, spb.Commission)]
    errors = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    others = [r for r in results if not isinstance(r, spb.Commission | grpc.aio.AioRpcError)]
    assert not others, others
    return made, errors


def said(errors) -> list[str]:
    return [f"{e.code().name}: {e.details()}" for e in errors]


async def commissioned_events(platform, **payload: str) -> int:
    where = " AND ".join(
        ["event_type = 'support.SupportCommissioned'"]
        + [f"payload->>'{key}' = ${n}" for n, key in enumerate(payload, start=1)]
    )
    return await support_events(platform, where, *payload.values())


async def test_twenty_racers_on_a_line_that_fits_ten(platform, w):
    provider = await register_provider(w, "Racer", "consultant", ["attendance"], DAY_RATE, "100")
    requests = [
        commission_request(
            w, w.a, provider, "1", "race", "attendance", commission_id=f"race-{uid()}"
        )
        for _ in range(20)
    ]

    made, errors = await race(w, requests)

    assert (len(made), len(errors)) == (10, 10), said(errors)
    assert all(c.cost_pence == DAY_RATE and c.budget_line == "race" for c in made)
    for error in errors:
        details = error.details() or ""
        assert error.code() == grpc.StatusCode.FAILED_PRECONDITION, said([error])
        assert "£0.00" in details and "remaining" in details.lower(), details
    budget = await w.support.GetBudget(
        spb.GetBudgetRequest(academy_id=w.a, academic_year=w.year), metadata=w.finance.metadata
    )
    line = next(line for line in budget.lines if line.line_id == "race")
    assert figures(line.money) == (RACE_LINE, RACE_LINE, 0, 0, 0)
    assert line.money.remaining_pence >= 0
    assert await commissioned_events(platform, academy_id=w.a, budget_line="race") == 10
    assert {c.commission_id for c in made} <= {r.commission_id for r in requests}
    listed = await w.support.ListCommissions(
        spb.ListCommissionsRequest(
            trust_id=w.trust_id, provider_id=provider.provider_id, page_size=500
        ),
        metadata=w.ceo.metadata,
    )
    assert {c.commission_id for c in listed.commissions} == {c.commission_id for c in made}


async def test_twenty_racers_on_a_provider_with_ten_days_in_the_term(platform, w):
    provider = await register_provider(w, "Busy", "consultant", ["attendance"], DAY_RATE, "10")
    requests = [
        commission_request(
            w, (w.a, w.b)[n % 2], provider, "1", "ample", "attendance", commission_id=f"cap-{uid()}"
        )
        for n in range(20)
    ]

    made, errors = await race(w, requests)

    assert (len(made), len(errors)) == (10, 10), said(errors)
    for error in errors:
        assert error.code() == grpc.StatusCode.FAILED_PRECONDITION, said([error])
        assert "capacity" in (error.details() or "").lower(), said([error])
    booked = await w.support.GetProvider(
        spb.GetProviderRequest(provider_id=provider.provider_id), metadata=w.ceo.metadata
    )
    (term,) = booked.terms
    assert (term.academic_year, term.term) == (w.year, term_of(w.day))
    assert (term.capacity_days, term.booked_days, term.left_days) == ("10.00", "10.00", "0.00")
    assert await commissioned_events(platform, provider_id=provider.provider_id) == 10
    committed = 0
    for academy_id in (w.a, w.b):
        budget = await w.support.GetBudget(
            spb.GetBudgetRequest(academy_id=academy_id, academic_year=w.year),
            metadata=w.finance.metadata,
        )
        mine = [p for p in budget.providers if p.provider_id == provider.provider_id]
        committed += sum(p.money.committed_pence for p in mine)
        assert all(line.money.remaining_pence >= 0 for line in budget.lines)
    assert committed == 10 * DAY_RATE

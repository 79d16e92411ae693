"""Given a trust with a provider and an agreed budget, when support is
commissioned, varied, cancelled and delivered through the handlers, then both
streams are appended together (or neither), ids chosen by clients are safe to
retry, racers all get a decided answer, and notes reach only those who may read
them."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import pytest
from chassis.errors import AlreadyExists, FailedPrecondition, NotFound, PermissionDenied
from contracts.support.v1 import EntitlementUsed, ProviderCapacityBooked, SupportCommissioned
from support.application import commissioning, reads
from support_controls import (
    ACADEMY,
    CHAIR,
    HEAD,
    LEAD,
    OTHER_ACADEMY,
    PARTNER,
    STARTS,
    YEAR,
    academy_registered,
    framework_adopted,
)
from support_world import CEO_P, CONSULTANT_P, FINANCE_P, HEAD_P, LEAD_P, cause, principal, trigger

BUDGET = f"budget-{ACADEMY}+{YEAR}"


async def test_commissioned_on_the_budget_and_the_providers_stream_together(world):
    await world.ready()
    view = await world.commission()
    assert (view.commission.status, view.provider_name, view.commission.cost_pence) == (
        "active",
        "Focus Consulting",
        225_000,
    )
    [commissioned] = [e for e in world.events(BUDGET) if isinstance(e, SupportCommissioned)]
    [booked] = [e for e in world.events("provider-p1") if isinstance(e, ProviderCapacityBooked)]
    assert (commissioned.commission_id, booked.commission_id) == ("c1", "c1")
    envelopes = [e for e in world.store.all_events() if e.event_type.endswith("Commissioned")]
    assert envelopes[0].actor.subject == LEAD_P.subject and envelopes[0].key == ACADEMY
    assert world.index.rows[("commission", "c1")].status == "active"


async def test_a_retry_answers_the_first_result_and_other_content_already_exists(world):
    await world.ready()
    first = await world.commission()
    count = world.count()
    assert await world.commission() == first
    assert world.count() == count
    with pytest.raises(AlreadyExists, match="commission c1 already exists"):
        await world.commission(days=Decimal("3"))
    world.academy(OTHER_ACADEMY)
    await world.agreed_budget(academy_id=OTHER_ACADEMY)
    with pytest.raises(AlreadyExists, match="commission c1 already exists"):
        await world.commission(principal(LEAD, OTHER_ACADEMY), academy_id=OTHER_ACADEMY)


async def test_a_refusal_appends_nothing_to_either_stream(world):
    await world.ready()
    count = world.count()
    with pytest.raises(FailedPrecondition, match=r"may approve an over-commitment of £1,000.00"):
        await world.commission(days=Decimal("10"), day_rate_pence=60_000)
    with pytest.raises(NotFound, match="no provider p9 in trust t1"):
        await world.commission(provider_id="p9")
    with pytest.raises(PermissionDenied, match="outside your scope"):
        await world.commission(principal(LEAD, OTHER_ACADEMY))
    with pytest.raises(NotFound, match="academy nowhere is not known"):
        await world.commission(academy_id="nowhere")
    assert world.count() == count


async def test_an_academy_that_left_cannot_have_support_starting_after(world):
    await world.ready()
    world.academy(left_on=dt.date(2026, 11, 1))
    with pytest.raises(FailedPrecondition, match="left the trust on 2026-11-01"):
        await world.commission()


async def test_twenty_racers_for_one_providers_term_all_get_a_decided_answer(world):
    await world.ready()

    async def one(i: int):
        try:
            return await world.commission(commission_id=f"c{i}", days=Decimal("1"))
        except FailedPrecondition as refused:
            return refused

    results = await asyncio.gather(*(one(i) for i in range(20)))
    done = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, FailedPrecondition)]
    assert (len(done), len(refused)) == (10, 10)  # ten days a term
    assert all("0.00 days left in autumn" in r.message for r in refused)


async def test_varied_and_cancelled_the_days_go_back(world):
    await world.ready()
    await world.commission()
    varied = await commissioning.vary(
        world.ports, LEAD_P, "c1", Decimal("8"), "more", cause(LEAD_P)
    )
    assert (varied.commission.days, varied.commission.cost_pence) == (Decimal("8.00"), 360_000)
    cancelled = await commissioning.cancel(world.ports, CEO_P, "c1", "head left", cause(CEO_P))
    assert cancelled.commission.status == "cancelled"
    assert world.index.rows[("commission", "c1")].status == "cancelled"
    again = await world.commission(commission_id="c2", days=Decimal("10"))
    assert again.commission.status == "active"  # the whole term is free again
    with pytest.raises(PermissionDenied, match=r"needs one of the roles|outside your scope"):
        await commissioning.cancel(
            world.ports, principal(HEAD, OTHER_ACADEMY), "c2", "x", cause(HEAD_P)
        )


async def test_delivered_by_the_provider_only_on_its_own_commission_with_notes_kept_apart(world):
    await world.ready()
    await world.commission()
    view = await world.deliver("2", note="Met the attendance lead; plan agreed")
    assert view.commission.delivered_days == Decimal("2.00")
    assert view.notes == {"d1": "Met the attendance lead; plan agreed"}
    envelope = world.store.all_events()[-1]
    assert envelope.payload["has_note"] is True
    assert "attendance lead" not in str(envelope.payload)
    partner = principal(PARTNER)
    with pytest.raises(PermissionDenied, match="commission c1 is not yours"):
        await world.deliver("1", delivery_id="d2", by=partner)
    with pytest.raises(FailedPrecondition, match=r"2.00 of 5.00 days delivered; 4.00 more"):
        await world.deliver("4", delivery_id="d3")
    for reader, sees in (
        (HEAD_P, True),
        (CEO_P, True),
        (FINANCE_P, False),
        (principal(CHAIR, ACADEMY), False),
    ):
        read = await reads.get_commission(world.ports, reader, "c1")
        assert (read.notes is not None and "d1" in read.notes) is sees
    with pytest.raises(PermissionDenied, match="commission c1 is not yours"):
        await reads.get_commission(world.ports, partner, "c1")
    mine = await reads.get_commission(world.ports, CONSULTANT_P, "c1")
    assert mine.notes == {"d1": "Met the attendance lead; plan agreed"}


async def test_support_from_the_entitlement_uses_it_as_it_is_delivered(world):
    world.trust("seed-000-aid")
    await world.reactor.react(framework_adopted(), trigger(dt.date(2026, 9, 5), "e1"))
    await world.reactor.react(academy_registered(), trigger(dt.date(2026, 9, 5), "e2"))
    await world.provider()
    view = await world.commission(from_entitlement=True, budget_line=None, days=Decimal("4"))
    assert view.commission.budget_line is None
    with pytest.raises(FailedPrecondition, match=r"2.00 days of its 2026/27 entitlement left"):
        await world.commission(
            commission_id="c2", from_entitlement=True, budget_line=None, days=Decimal("3")
        )
    await world.deliver("1.5")
    [used] = [
        e for e in world.events(f"entitlement-{ACADEMY}+{YEAR}") if isinstance(e, EntitlementUsed)
    ]
    assert (used.use, used.source_id, used.days) == ("delivery", "d1", "1.50")
    assert STARTS  # the commission starts the day the delivery is logged

"""Given the trust's providers, the providers that could meet a request: those
that can be commissioned first (internal, then more capacity left, then lower
rate, then name), each with its reasons; the rest at rank 0 with why not."""

from __future__ import annotations

import datetime as dt

from contracts.support.v1 import ConflictOfInterestDeclared, ProviderCapacityBooked
from support.domain.matching import match
from support_controls import ACADEMY, TRUST, fold_provider, ready_provider

ON = dt.date(2027, 2, 1)


def provider(provider_id: str, **overrides):
    return ready_provider(provider_id=provider_id, **overrides)


def booked(state, days: str):
    event = ProviderCapacityBooked(
        trust_id=TRUST,
        provider_id=state.provider_id,
        commission_id="c0",
        academy_id="otter",
        academic_year="2026/27",
        term="spring",
        days=days,
    )
    return fold_provider(state, [event])


def test_ranked_internal_first_then_capacity_then_rate_then_name_with_reasons():
    lead = provider(
        "lp", name="Oak LP", kind="lead_practitioner", internal=True, day_rate_pence=30_000
    )
    cheap = provider("cheap", name="Budget Ltd", day_rate_pence=40_000)
    dear = provider("dear", name="Dear Ltd", day_rate_pence=60_000)
    busy = booked(provider("busy", name="Aardvark Ltd", day_rate_pence=10_000), "6.00")
    other_area = provider("send", name="SEND Experts", specialisms=["send"])
    found = match([dear, other_area, busy, cheap, lead], "attendance", ACADEMY, ON)
    assert [(m.provider.provider_id, m.rank) for m in found] == [
        ("lp", 1),
        ("cheap", 2),
        ("dear", 3),
        ("busy", 4),
    ]
    assert found[0].reasons == (
        "internal: a lead practitioner",
        "10.00 days left in spring 2027",
        "day rate £300.00",
        "specialism: attendance",
        "due diligence valid until 2027-08-31",
    )
    assert found[1].reasons[0] == "external: a consultant"


def test_those_that_cannot_be_commissioned_come_last_with_why_not():
    declared = ConflictOfInterestDeclared(
        trust_id=TRUST,
        provider_id="conflicted",
        academy_id=ACADEMY,
        nature="governor",
        declared_on=dt.date(2026, 9, 1),
    )
    conflicted = fold_provider(provider("conflicted", name="C"), [declared])
    full = booked(provider("full", name="F"), "10.00")
    itself = provider(
        "self",
        name="Heron itself",
        kind="capacity_giver_academy",
        internal=True,
        home_academy_id=ACADEMY,
    )
    fine = provider("fine", name="Z")
    found = match([conflicted, full, itself, fine], "attendance", ACADEMY, ON)
    assert [(m.provider.provider_id, m.rank, m.can_commission) for m in found] == [
        ("fine", 1, True),
        ("conflicted", 0, False),
        ("full", 0, False),
        ("self", 0, False),
    ]
    assert found[1].obstacles == ("declared a conflict of interest with heron on 2026-09-01",)
    assert found[2].obstacles == ("no capacity left in spring 2027",)
    assert found[3].obstacles == ("it is the academy itself",)
    late = match([fine], "attendance", ACADEMY, dt.date(2027, 9, 2))
    assert late[0].obstacles == (
        "due diligence not valid on 2027-09-02: its dbs check expired on 2027-08-31",
    )

"""Given a trust with academies and providers, when support is requested,
triaged, matched, and providers registered, checked and conflicts declared,
then the events and the views, or a refusal that appends nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from chassis.errors import AlreadyExists, FailedPrecondition, NotFound, PermissionDenied
from chassis.paging import page_request
from support.application import matching, providers, requests
from support.application.ports import INDEX_KEY
from support.domain import provider
from support_controls import ACADEMY, CEO, CHAIR, HEAD, LEAD, OTHER_ACADEMY, PARTNER, STARTS, TRUST
from support_world import CEO_P, CONSULTANT_P, FINANCE_P, HEAD_P, LEAD_P, cause, principal

PAGE = page_request(0, "", INDEX_KEY)


def asked(**overrides) -> requests.NewRequest:
    fields = dict(
        request_id="r1",
        academy_id=ACADEMY,
        need_area="attendance",
        subject=None,
        days_wanted=Decimal("3"),
        summary="Persistent absence in year 9",
        requested_on=None,
    )
    return requests.NewRequest(**{**fields, **overrides})


async def ask(world, who=HEAD_P, **overrides):
    return await requests.request_support(world.ports, who, asked(**overrides), STARTS, cause(who))


async def test_requested_by_the_head_triaged_once_by_the_lead_and_listed(world):
    world.trust()
    world.academy()
    view = await ask(world)
    assert (view.state.status, view.state.requested_by.subject) == ("open", HEAD.subject)
    assert await ask(world) == view  # a retry
    with pytest.raises(AlreadyExists, match="request r1 already exists"):
        await ask(world, summary="something else")
    with pytest.raises(PermissionDenied, match=r"needs one of the roles|outside your scope"):
        await requests.triage(world.ports, HEAD_P, "r1", "accepted", "", STARTS, cause(HEAD_P))
    triaged = await requests.triage(
        world.ports, LEAD_P, "r1", "declined", "no budget", STARTS, cause(LEAD_P)
    )
    assert triaged.state.status == "declined"
    with pytest.raises(FailedPrecondition, match="already triaged"):
        await requests.triage(world.ports, CEO_P, "r1", "accepted", "", STARTS, cause(CEO_P))
    found, _ = await requests.list_requests(world.ports, CEO_P, TRUST, None, "declined", PAGE)
    assert [v.state.request_id for v in found] == ["r1"]
    none, _ = await requests.list_requests(world.ports, CEO_P, TRUST, None, "open", PAGE)
    assert none == []
    with pytest.raises(PermissionDenied, match="outside your scope"):
        await requests.get_request(world.ports, principal(CHAIR, OTHER_ACADEMY), "r1")
    with pytest.raises(NotFound, match="no request r9"):
        await requests.get_request(world.ports, CEO_P, "r9")


async def test_a_head_asks_only_for_their_own_academy(world):
    world.trust()
    world.academy()
    world.academy(OTHER_ACADEMY)
    with pytest.raises(PermissionDenied, match="academy otter is outside your scope"):
        await ask(world, academy_id=OTHER_ACADEMY)
    world.academy(OTHER_ACADEMY, left_on=dt.date(2026, 8, 31))
    with pytest.raises(FailedPrecondition, match="left the trust"):
        await ask(world, principal(HEAD, OTHER_ACADEMY), academy_id=OTHER_ACADEMY, request_id="r2")


async def test_providers_registered_checked_updated_and_matched_to_a_request(world):
    world.trust()
    world.academy()
    await world.provider()
    await world.provider(
        "lp", name="Oak LP", kind="lead_practitioner", contact_subject=PARTNER.subject
    )
    await ask(world)
    found = await matching.match_providers(world.ports, LEAD_P, "r1", STARTS, STARTS)
    assert [(m.provider.provider_id, m.rank) for m in found.matches] == [("lp", 1), ("p1", 2)]
    listed, _ = await providers.list_providers(
        world.ports, FINANCE_P, TRUST, "attendance", PAGE, STARTS
    )
    assert [v.state.provider_id for v in listed] == ["p1", "lp"]  # by name
    none, _ = await providers.list_providers(world.ports, FINANCE_P, TRUST, "send", PAGE, STARTS)
    assert none == []
    update = provider.UpdateProvider("p1", "renamed", name="Focus Education")
    view = await providers.update(world.ports, principal(LEAD), update, STARTS, cause(LEAD_P))
    assert view.state.known().name == "Focus Education"


async def test_a_provider_declares_its_own_conflicts_and_reads_only_itself(world):
    world.trust()
    world.academy()
    await world.provider()
    await world.provider("lp", name="Oak LP", contact_subject=PARTNER.subject)
    conflict = provider.DeclareConflict("p1", ACADEMY, "spouse is a governor", STARTS)
    view = await providers.declare_conflict(
        world.ports, CONSULTANT_P, conflict, STARTS, cause(CONSULTANT_P)
    )
    assert ACADEMY in view.state.conflicts
    other = replace(conflict, provider_id="lp")
    with pytest.raises(PermissionDenied, match="provider lp is not you"):
        await providers.declare_conflict(
            world.ports, CONSULTANT_P, other, STARTS, cause(CONSULTANT_P)
        )
    with pytest.raises(PermissionDenied, match="provider lp is not you"):
        await providers.get_provider(world.ports, CONSULTANT_P, "lp", STARTS)
    with pytest.raises(NotFound, match="academy nowhere"):
        await providers.declare_conflict(
            world.ports, CEO_P, replace(conflict, academy_id="nowhere"), STARTS, cause(CEO_P)
        )


async def test_a_capacity_giver_names_an_academy_of_the_trust(world):
    world.trust()
    world.academy()
    command = provider.RegisterProvider(
        "heron-cap",
        TRUST,
        "Heron (Sustain)",
        "capacity_giver_academy",
        "nowhere",
        CEO.subject,
        ("curriculum",),
        25_000,
        Decimal("5"),
    )
    with pytest.raises(NotFound, match="academy nowhere"):
        await providers.register(world.ports, CEO_P, command, STARTS, cause(CEO_P))
    view = await providers.register(
        world.ports, CEO_P, replace(command, home_academy_id=ACADEMY), STARTS, cause(CEO_P)
    )
    assert view.state.known().internal
    with pytest.raises(PermissionDenied, match="trust t2 is not your trust"):
        await providers.register(
            world.ports,
            CEO_P,
            replace(command, trust_id="t2", provider_id="x"),
            STARTS,
            cause(CEO_P),
        )
    assert LEAD  # improvement leads register too (the access table)

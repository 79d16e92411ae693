"""Given a provider's stream, when it is registered, updated, checked and a
conflict declared, then its details, due diligence and capacity, or a refusal
naming what would be right; and requests, asked and triaged once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from chassis.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from contracts.support.v1 import ProviderRegistered, ProviderUpdated
from support.domain import provider, request
from support.domain.provider import (
    DeclareConflict,
    RecordDueDiligence,
    RegisterProvider,
    UpdateProvider,
)
from support_controls import (
    ACADEMY,
    TODAY,
    TRUST,
    checked,
    fold_provider,
    ready_provider,
    recorded,
    registered,
    with_provider,
)


def register(**overrides) -> RegisterProvider:
    fields = dict(
        provider_id="p1",
        trust_id=TRUST,
        name="Oak Lead Practitioners",
        kind="lead_practitioner",
        home_academy_id=None,
        contact_subject="lp@oak.example",
        specialisms=("attendance", "attendance", "send"),
        day_rate_pence=30_000,
        capacity_days_per_term=Decimal("6"),
    )
    return RegisterProvider(**{**fields, **overrides})


def test_registered_internal_by_kind_with_its_specialisms_once_each():
    [event] = provider.decide_register(provider.initial("p1"), register())
    assert isinstance(event, ProviderRegistered)
    assert event.internal and event.specialisms == ["attendance", "send"]
    assert event.capacity_days_per_term == "6.00"
    state = fold_provider(provider.initial("p1"), [event])
    assert provider.decide_register(state, register()) == []
    with pytest.raises(AlreadyExists, match="provider p1 is already registered"):
        provider.decide_register(state, register(name="Other"))


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (register(kind="guru"), "kind must be one of"),
        (register(kind="capacity_giver_academy"), "home_academy_id is required"),
        (register(specialisms=()), "at least one need area"),
        (register(specialisms=("knitting",)), r"specialisms\[0\] must be one of"),
        (register(day_rate_pence=0), "day_rate_pence must be more than 0"),
        (register(capacity_days_per_term=Decimal("0")), "capacity_days_per_term must be more"),
        (register(name=" "), "name must not be empty"),
    ],
)
def test_registration_refused(command, message):
    with pytest.raises(InvalidArgument, match=message):
        provider.decide_register(provider.initial("p1"), command)


def test_an_update_states_every_detail_and_nothing_when_nothing_changes():
    state = with_provider(registered())
    [event] = provider.decide_update(state, UpdateProvider("p1", "new rate", day_rate_pence=50_000))
    assert isinstance(event, ProviderUpdated)
    assert (event.day_rate_pence, event.name, event.capacity_days_per_term) == (
        50_000,
        "Focus Consulting",
        "10.00",
    )
    assert provider.decide_update(state, UpdateProvider("p1", "no change")) == []
    with pytest.raises(NotFound, match="no provider p2"):
        provider.decide_update(provider.initial("p2"), UpdateProvider("p2", "x"))


def test_due_diligence_counts_each_checks_latest_recording():
    state = ready_provider()
    assert state.due_diligence_valid_on(TODAY)
    refs = checked(check="references", outcome="failed")
    state = fold_provider(state, [refs])
    assert not state.due_diligence_valid_on(TODAY)
    state = fold_provider(state, [checked(check="references")])
    assert state.due_diligence_valid_on(TODAY)
    assert not state.due_diligence_valid_on(dt.date(2027, 9, 1))
    assert not with_provider(registered()).due_diligence_valid_on(TODAY)


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (RecordDueDiligence("p1", "dbs", "maybe", TODAY, dt.date(2027, 1, 1)), "passed or failed"),
        (RecordDueDiligence("p1", "dbs", "passed", TODAY, TODAY), "must be after checked_on"),
        (
            RecordDueDiligence("p1", "dbs", "passed", dt.date(2026, 12, 1), dt.date(2027, 1, 1)),
            "in the future",
        ),
    ],
)
def test_due_diligence_refused(command, message):
    with pytest.raises(InvalidArgument, match=message):
        provider.decide_due_diligence(ready_provider(), command, TODAY)


def test_a_conflict_is_declared_once_per_academy():
    command = DeclareConflict("p1", ACADEMY, "spouse is a governor", TODAY)
    events = provider.decide_conflict(ready_provider(), command)
    state = fold_provider(ready_provider(), events)
    assert ACADEMY in state.conflicts
    assert provider.decide_conflict(state, command) == []


def asked() -> request.RequestSupport:
    return request.RequestSupport(
        "r1", TRUST, ACADEMY, "curriculum", "mathematics", Decimal("3"), "KS2 maths", TODAY
    )


def test_a_request_is_triaged_once_and_a_decline_says_why():
    state = request.initial("r1")
    state = request.evolve(state, recorded(request.decide_request(state, asked(), TODAY)[0]))
    assert request.decide_request(state, asked(), TODAY) == []
    with pytest.raises(InvalidArgument, match="reason is required when a request is declined"):
        request.decide_triage(state, request.TriageRequest("r1", "declined", " ", TODAY))
    [triaged] = request.decide_triage(state, request.TriageRequest("r1", "accepted", "", TODAY))
    state = request.evolve(state, recorded(triaged))
    assert state.status == "accepted"
    with pytest.raises(FailedPrecondition, match="already triaged"):
        request.decide_triage(state, request.TriageRequest("r1", "accepted", "", TODAY))


@pytest.mark.parametrize(
    ("command", "error", "message"),
    [
        (
            request.RequestSupport("r1", TRUST, ACADEMY, "x", None, None, "s", TODAY),
            InvalidArgument,
            "need_area",
        ),
        (
            request.RequestSupport("r1", TRUST, ACADEMY, "send", None, Decimal("0"), "s", TODAY),
            InvalidArgument,
            "days_wanted",
        ),
        (
            request.RequestSupport("r1", TRUST, ACADEMY, "send", None, None, " ", TODAY),
            InvalidArgument,
            "summary",
        ),
        (
            request.RequestSupport(
                "r1", TRUST, ACADEMY, "send", None, None, "s", dt.date(2027, 1, 1)
            ),
            InvalidArgument,
            "in the future",
        ),
    ],
)
def test_a_request_refused(command, error, message):
    with pytest.raises(error, match=message):
        request.decide_request(request.initial("r1"), command, TODAY)

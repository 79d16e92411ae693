"""Given the academy's budget and the provider's account, when support is
commissioned, varied, cancelled or delivered, then the events for both streams,
or the first refusal in the design's order, with nothing decided."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from chassis.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from contracts.support.v1 import (
    CommissionCancelled,
    ConflictOfInterestDeclared,
    OverCommitmentApproved,
    ProviderCapacityBooked,
    ProviderCapacityReleased,
    SupportCommissioned,
    SupportDelivered,
    SupportRequested,
    SupportRequestTriaged,
)
from support.domain import commission as rules
from support.domain import request
from support.domain.commission import LogDelivery, require_own
from support_controls import (
    ACADEMY,
    CEO,
    CONSULTANT,
    LEAD,
    OTHER_ACADEMY,
    TODAY,
    TRUST,
    agreed_budget,
    as_approver,
    checked,
    commission,
    commissioned,
    fold_budget,
    fold_provider,
    granted,
    ready_provider,
    recorded,
    registered,
    situation,
    with_budget,
    with_provider,
)


def asked(academy_id: str = ACADEMY, outcome: str | None = None) -> request.RequestState:
    state = request.initial("r1")
    event = SupportRequested(
        trust_id=TRUST,
        request_id="r1",
        academy_id=academy_id,
        need_area="attendance",
        summary="Persistent absence in year 9",
        requested_on=dt.date(2026, 10, 1),
    )
    state = request.evolve(state, recorded(event))
    if outcome:
        triaged = SupportRequestTriaged(
            trust_id=TRUST,
            request_id="r1",
            academy_id=academy_id,
            outcome=outcome,
            reason="no",
            triaged_on=dt.date(2026, 10, 2),
        )
        state = request.evolve(state, recorded(triaged))
    return state


def conflicted():
    declared = ConflictOfInterestDeclared(
        trust_id=TRUST,
        provider_id="p1",
        academy_id=ACADEMY,
        nature="spouse is a governor",
        declared_on=dt.date(2026, 9, 10),
    )
    return fold_provider(ready_provider(), [declared])


def busy(days: str = "8.00"):
    booked = ProviderCapacityBooked(
        trust_id=TRUST,
        provider_id="p1",
        commission_id="c0",
        academy_id=OTHER_ACADEMY,
        academic_year="2026/27",
        term="autumn",
        days=days,
    )
    return fold_provider(ready_provider(), [booked])


def test_commissioned_against_the_line_and_the_providers_term():
    to_budget, to_provider = rules.decide_commission(
        agreed_budget(), ready_provider(), commission(), situation()
    )
    [event] = to_budget
    assert isinstance(event, SupportCommissioned)
    assert (event.cost_pence, event.term, event.academic_year) == (225_000, "autumn", "2026/27")
    [booked] = to_provider
    assert isinstance(booked, ProviderCapacityBooked) and booked.days == "5.00"
    state = fold_budget(agreed_budget(), to_budget)
    assert state.remaining("consultancy") == 275_000


def test_the_same_commission_again_is_a_retry_and_other_content_already_exists():
    state = fold_budget(agreed_budget(), [commissioned()])
    assert rules.decide_commission(state, ready_provider(), commission(), situation()) == ([], [])
    with pytest.raises(AlreadyExists, match="commission c1 already exists"):
        rules.decide_commission(state, ready_provider(), commission(days=Decimal("6")), situation())


LEFT = situation(academy_left_on=dt.date(2026, 10, 31))
EXPIRED = with_provider(registered(), checked(expires_on=dt.date(2026, 11, 1)))
FAILED = with_provider(registered(), checked(outcome="failed"))
UNCHECKED = with_provider(registered())
OTHER_TRUST = with_provider(registered(trust_id="t2"), checked(trust_id="t2"))
NO_BUDGET = with_budget()
NEAR = fold_budget(
    agreed_budget(), [commissioned(commission_id="c0", days="10.00", cost_pence=450_000)]
)


@pytest.mark.parametrize(
    ("budget", "provider", "command", "context", "error", "message"),
    [
        (
            agreed_budget(),
            ready_provider(),
            commission(),
            LEFT,
            FailedPrecondition,
            "left the trust on 2026-10-31",
        ),
        (
            agreed_budget(),
            with_provider(),
            commission(),
            situation(),
            NotFound,
            "no provider p1 in trust t1",
        ),
        (
            agreed_budget(),
            OTHER_TRUST,
            commission(),
            situation(),
            NotFound,
            "no provider p1 in trust t1",
        ),
        (
            agreed_budget(),
            ready_provider(),
            commission(days=Decimal("0")),
            situation(),
            InvalidArgument,
            "days must be more than 0",
        ),
        (
            agreed_budget(),
            ready_provider(),
            commission(day_rate_pence=0),
            situation(),
            InvalidArgument,
            "day_rate_pence must be more than 0",
        ),
        (
            agreed_budget(),
            ready_provider(),
            commission(ends_on=dt.date(2026, 11, 1)),
            situation(),
            InvalidArgument,
            "is before starts_on",
        ),
        (
            agreed_budget(),
            ready_provider(),
            commission(ends_on=dt.date(2027, 9, 2)),
            situation(),
            InvalidArgument,
            "another academic year",
        ),
        (
            agreed_budget(),
            ready_provider(),
            commission(need_area="knitting"),
            situation(),
            InvalidArgument,
            "need_area must be one of",
        ),
        (
            agreed_budget(),
            ready_provider(),
            commission(request_id="r1"),
            situation(),
            NotFound,
            "no request r1",
        ),
        (
            agreed_budget(),
            ready_provider(),
            commission(request_id="r1"),
            situation(request=asked(OTHER_ACADEMY)),
            FailedPrecondition,
            "is otter's, not heron's",
        ),
        (
            agreed_budget(),
            ready_provider(),
            commission(request_id="r1"),
            situation(request=asked(outcome="declined")),
            FailedPrecondition,
            "was declined",
        ),
        (
            agreed_budget(),
            conflicted(),
            commission(),
            situation(),
            FailedPrecondition,
            "conflict of interest with heron",
        ),
        (
            agreed_budget(),
            EXPIRED,
            commission(),
            situation(),
            FailedPrecondition,
            "dbs check expired on 2026-11-01",
        ),
        (
            agreed_budget(),
            FAILED,
            commission(),
            situation(),
            FailedPrecondition,
            "dbs check failed",
        ),
        (
            agreed_budget(),
            UNCHECKED,
            commission(),
            situation(),
            FailedPrecondition,
            "no due-diligence check",
        ),
        (
            agreed_budget(),
            busy(),
            commission(),
            situation(),
            FailedPrecondition,
            "2.00 days left in autumn 2026/27",
        ),
        (
            agreed_budget(),
            ready_provider(),
            commission(from_entitlement=True, budget_line=None),
            situation(entitlement=granted()),
            FailedPrecondition,
            r"6.00 days of its 2026/27 entitlement left",
        ),
        (
            agreed_budget(),
            ready_provider(),
            commission(from_entitlement=True),
            situation(),
            InvalidArgument,
            "budget_line must be empty when from_entitlement",
        ),
        (
            agreed_budget(),
            ready_provider(),
            commission(budget_line=None),
            situation(),
            InvalidArgument,
            "budget_line is required unless from_entitlement",
        ),
        (
            NO_BUDGET,
            ready_provider(),
            commission(),
            situation(),
            FailedPrecondition,
            "no agreed improvement budget for heron in 2026/27",
        ),
        (
            agreed_budget(),
            ready_provider(),
            commission(budget_line="travel"),
            situation(),
            NotFound,
            "unknown budget line travel",
        ),
        (
            NEAR,
            ready_provider(),
            commission(),
            situation(),
            FailedPrecondition,
            r"line consultancy has £500.00 remaining; this costs £2,250.00; the chief executive may approve an over-commitment of £1,750.00",
        ),
        (
            NEAR,
            ready_provider(),
            commission(),
            situation("seed-003-aspire"),
            FailedPrecondition,
            "the framework refuses over-commitment",
        ),
    ],
)
def test_commissioning_refused(budget, provider, command, context, error, message):
    if command.from_entitlement and command.budget_line is None:
        command = command.__class__(**{**command.__dict__, "days": Decimal("6.50")})
    with pytest.raises(error, match=message):
        rules.decide_commission(budget, provider, command, context)


def test_an_approved_over_commitment_makes_it_fit():
    approved = OverCommitmentApproved(
        trust_id=TRUST,
        academy_id=ACADEMY,
        academic_year="2026/27",
        approval_id="a1",
        budget_line="consultancy",
        amount_pence=175_000,
        reason="urgent",
        approver=as_approver(CEO),
    )
    state = fold_budget(NEAR, [approved])
    to_budget, _ = rules.decide_commission(state, ready_provider(), commission(), situation())
    assert len(to_budget) == 1
    assert fold_budget(state, to_budget).remaining("consultancy") == 0


def test_from_the_entitlement_counts_the_undelivered_days_of_other_entitlement_commissions():
    other = commissioned(
        commission_id="c0", from_entitlement=True, budget_line=None, days="4.00", cost_pence=180_000
    )
    state = fold_budget(with_budget(), [other])
    fits = commission(from_entitlement=True, budget_line=None, days=Decimal("2"))
    to_budget, _ = rules.decide_commission(
        state, ready_provider(), fits, situation(entitlement=granted())
    )
    assert isinstance(to_budget[0], SupportCommissioned) and to_budget[0].budget_line is None
    too_many = commission(from_entitlement=True, budget_line=None, days=Decimal("2.5"))
    with pytest.raises(FailedPrecondition, match=r"2.00 days of its 2026/27 entitlement left"):
        rules.decide_commission(state, ready_provider(), too_many, situation(entitlement=granted()))


def test_a_varied_commission_books_or_releases_the_difference():
    state = fold_budget(agreed_budget(), [commissioned()])
    provider = busy("5.00")
    to_budget, to_provider = rules.decide_vary(
        state, provider, "c1", Decimal("7"), "two more visits", situation()
    )
    assert to_budget[0].cost_pence == 315_000  # type: ignore[attr-defined]
    assert isinstance(to_provider[0], ProviderCapacityBooked) and to_provider[0].days == "2.00"
    _, released = rules.decide_vary(state, provider, "c1", Decimal("3"), "fewer", situation())
    assert isinstance(released[0], ProviderCapacityReleased) and released[0].days == "2.00"
    assert rules.decide_vary(state, provider, "c1", Decimal("5"), "same", situation()) == ([], [])
    with pytest.raises(FailedPrecondition, match=r"0.00 days left in autumn"):
        rules.decide_vary(state, busy("10.00"), "c1", Decimal("6"), "more", situation())
    with pytest.raises(FailedPrecondition, match=r"£2,750.00 remaining; this costs £4,500.00"):
        roomy = ready_provider(capacity_days_per_term="30.00")
        rules.decide_vary(state, roomy, "c1", Decimal("15"), "more", situation())


def delivered(days: str = "2.00", delivery_id: str = "d1") -> SupportDelivered:
    return SupportDelivered(
        trust_id=TRUST,
        delivery_id=delivery_id,
        commission_id="c1",
        academy_id=ACADEMY,
        academic_year="2026/27",
        provider_id="p1",
        delivered_on=TODAY,
        days=days,
        value_pence=90_000,
        has_note=False,
    )


def test_varying_never_goes_below_the_days_delivered_and_cancelling_releases_the_rest():
    state = fold_budget(agreed_budget(), [commissioned(), delivered()])
    with pytest.raises(
        FailedPrecondition, match=r"2.00 days of commission c1 are already delivered"
    ):
        rules.decide_vary(state, ready_provider(), "c1", Decimal("1"), "less", situation())
    to_budget, to_provider = rules.decide_cancel(state, "c1", "head left")
    [cancelled] = to_budget
    assert isinstance(cancelled, CommissionCancelled)
    assert (cancelled.released_days, cancelled.released_pence) == ("3.00", 135_000)
    assert isinstance(to_provider[0], ProviderCapacityReleased) and to_provider[0].days == "3.00"
    state = fold_budget(state, to_budget)
    assert state.committed("consultancy") == 90_000
    for decide in (
        lambda: rules.decide_cancel(state, "c1", "again"),
        lambda: rules.decide_vary(state, ready_provider(), "c1", Decimal("4"), "x", situation()),
    ):
        with pytest.raises(FailedPrecondition, match="commission c1 is cancelled"):
            decide()
    with pytest.raises(NotFound, match="no commission c9"):
        rules.decide_cancel(state, "c9", "x")


def log(days: str = "1", delivery_id: str = "d2", on: dt.date = TODAY) -> LogDelivery:
    return LogDelivery("c1", delivery_id, on, Decimal(days), False)


def test_delivery_never_beyond_the_days_commissioned():
    started = commissioned(starts_on=dt.date(2026, 11, 2))
    state = fold_budget(agreed_budget(), [started, delivered("4.00")])
    [event] = rules.decide_delivery(state, log("1"), TODAY)
    assert isinstance(event, SupportDelivered) and event.value_pence == 45_000
    assert fold_budget(state, [event]).commissions["c1"].status == "delivered"
    with pytest.raises(
        FailedPrecondition,
        match=r"4.00 of 5.00 days delivered; 2.00 more would exceed it: vary the commission first",
    ):
        rules.decide_delivery(state, log("2"), TODAY)


@pytest.mark.parametrize(
    ("command", "error", "message"),
    [
        (log("0"), InvalidArgument, "days must be more than 0"),
        (log(on=dt.date(2026, 11, 21)), InvalidArgument, "is in the future"),
        (log(on=dt.date(2026, 11, 1)), InvalidArgument, "before the commission starts"),
        (log(delivery_id="d1", days="3"), AlreadyExists, "delivery d1 already exists"),
    ],
)
def test_delivery_refused(command, error, message):
    state = fold_budget(
        agreed_budget(), [commissioned(starts_on=dt.date(2026, 11, 2)), delivered()]
    )
    with pytest.raises(error, match=message):
        rules.decide_delivery(state, command, TODAY)


def test_a_retried_delivery_changes_nothing_and_a_cancelled_commission_takes_none():
    state = fold_budget(
        agreed_budget(), [commissioned(starts_on=dt.date(2026, 11, 2)), delivered()]
    )
    assert rules.decide_delivery(state, log("2", "d1"), TODAY) == []
    cancelled = fold_budget(state, rules.decide_cancel(state, "c1", "stopped")[0])
    with pytest.raises(FailedPrecondition, match="was cancelled"):
        rules.decide_delivery(cancelled, log(), TODAY)


def test_only_the_providers_own_contact_logs_delivery():
    details = ready_provider().known()
    require_own(details, CONSULTANT.subject, "c1")
    with pytest.raises(PermissionDenied, match="commission c1 is not yours"):
        require_own(details, LEAD.subject, "c1")


def test_from_the_entitlement_before_any_is_granted_says_so():
    wanted = commission(from_entitlement=True, budget_line=None, days=Decimal("1"))
    with pytest.raises(FailedPrecondition, match="no entitlement is granted to heron for 2026/27"):
        rules.decide_commission(agreed_budget(), ready_provider(), wanted, situation())

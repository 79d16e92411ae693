"""An academy's improvement budget and its commissions under any sequence of
commands: revisions proposed, adjusted and agreed, over-commitments approved,
support commissioned, varied, cancelled and delivered (the budget stream), the
provider's capacity booked and released, invoices recorded and credited (the
provider's stream).

A hypothesis state machine drives the pure domain (support.domain) with
generated arguments, invalid ones included (wrong roles, unknown lines and
commissions, days and pence out of range, odd day rates that make rounding
matter), on a framework drawn from the presets (each over-commitment rule).
After every step the invariants below must hold.

``TRUST_STATEFUL_EXAMPLES`` (default 50) sets the number of sequences tried, e.g.
``TRUST_STATEFUL_EXAMPLES=1000 .venv/bin/python -m pytest -q -p no:cacheprovider
services/support/tests/unit/test_budget_stateful.py``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from decimal import Decimal

import pytest
from chassis.aggregate import Recorded
from chassis.envelope import Actor
from chassis.errors import DomainError, InvalidArgument
from contracts.base import EventPayload
from contracts.support.v1 import (
    SUPPORT_EVENTS,
    CommissionCancelled,
    InvoiceCredited,
    SupportDelivered,
)
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from support.domain import approvals, budget, commission, invoice, provider
from support.domain.approvals import ApproveOverCommitment, ProposeBudget
from support.domain.budget import Line
from support.domain.commission import LogDelivery, Situation
from support.domain.invoice import CreditInvoice, RecordInvoice
from support.domain.provider import ProviderState
from support.domain.values import ZERO, cost, require_year
from support_controls import (
    ACADEMY,
    CEO,
    CONSULTANT,
    FINANCE,
    HEAD,
    LEAD,
    PRESETS,
    STARTS,
    TRUSTEE,
    YEAR,
    as_approver,
    ready_provider,
)
from support_controls import (
    commission as commission_command,
)

EXAMPLES = int(os.environ.get("TRUST_STATEFUL_EXAMPLES", "50"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    stateful_step_count=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TODAY = dt.date(2027, 2, 1)
CAPACITY = Decimal("10.00")  # ready_provider's days a term

# Mostly valid arguments, so that sequences get far; the invalid ones still come often.
PEOPLE = st.sampled_from([HEAD, LEAD, CEO, FINANCE, TRUSTEE])
BY_ROLE = {actor.role: actor for actor in (HEAD, LEAD, CEO, FINANCE)}
LINE_IDS = st.sampled_from(["consultancy", "consultancy", "training", "nowhere"])
AMOUNTS = st.sampled_from([0, 1, 999, 50_000, 100_000, 500_000, -1])
LINES = st.lists(
    st.builds(
        Line,
        line_id=st.sampled_from(["consultancy", "training", ""]),
        name=st.just("A line"),
        amount_pence=AMOUNTS,
    ),
    min_size=0,
    max_size=2,
).map(tuple)
REASONS = st.sampled_from(["term-end review", "new priorities", "", "  "])
COMMISSION_IDS = st.sampled_from(["c1", "c2", "c3"])
DAYS = st.sampled_from(["0.5", "1", "1.25", "0.33", "2", "3.5", "0.01", "0", "-1"]).map(Decimal)
# Odd rates (a penny, a third of a pound) make "days x rate, to the penny" round.
RATES = st.sampled_from([45_000, 1, 3, 333, 0])
DELIVERED_ON = st.sampled_from(
    [STARTS, TODAY, TODAY, STARTS - dt.timedelta(days=1), TODAY + dt.timedelta(days=1)]
)


def _text_of(events: list[tuple[EventPayload, Actor]]) -> list[tuple[EventPayload, Actor]]:
    """The events as stored (JSON) and read back."""
    return [
        (SUPPORT_EVENTS.parse(e.EVENT_TYPE, e.SCHEMA_VERSION, e.model_dump(mode="json")), by)
        for e, by in events
    ]


class BudgetAndCommissions(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.budget = budget.initial(f"{ACADEMY}+{YEAR}")
        self.provider_start: ProviderState = ready_provider()
        self.provider = self.provider_start
        self.budget_events: list[tuple[EventPayload, Actor]] = []
        self.provider_events: list[tuple[EventPayload, Actor]] = []
        self.rules = PRESETS["seed-000-aid"].budget
        self.line_budgets_ever_negative = False

    @initialize(
        preset=st.sampled_from(["seed-000-aid", "seed-003-aspire", "seed-002-sussex"]),
        agreed=st.sampled_from([True, True, True, False]),
        amount=st.sampled_from([500_000, 1_000, 7]),
    )
    def framework(self, preset: str, agreed: bool, amount: int) -> None:
        """A trust's framework, and mostly a budget already agreed (through the same
        decisions), so that sequences reach commissioning."""
        self.rules = PRESETS[preset].budget
        if not agreed:
            return
        lines = (Line("consultancy", "Consultancy", amount), Line("training", "Training", 1_000))
        self.propose(CEO, lines, "the year's plan")
        for role in self.rules.approver_roles:
            self.agree(BY_ROLE[role], 0)
        assert self.budget.in_force == 1

    @property
    def situation(self) -> Situation:
        return Situation("t1", self.rules)

    def _apply(
        self,
        by: Actor,
        decide: Callable[[], tuple[list[EventPayload], list[EventPayload]]],
    ) -> bool:
        """Decide on both streams and fold; a refusal must be a DomainError (never a
        crash) and append nothing to either. Whether it was decided."""
        before = (self.budget, self.provider, len(self.budget_events), len(self.provider_events))
        try:
            on_budget, on_provider = decide()
        except DomainError:
            after = (self.budget, self.provider, len(self.budget_events), len(self.provider_events))
            assert after == before
            return False
        for event in on_budget:
            self.budget = budget.evolve(self.budget, Recorded(event, by))
            self.budget_events.append((event, by))
        for event in on_provider:
            self.provider = provider.evolve(self.provider, Recorded(event, by))
            self.provider_events.append((event, by))
        return True

    def _commission_id(self, data: st.DataObject) -> str:
        """Mostly a commission made (one exists), sometimes one never made."""
        made = sorted(self.budget.commissions)
        return data.draw(st.sampled_from([*made, *made, *made, "c9"]), label="commission_id")

    # -- the budget's revisions ------------------------------------------------------

    @rule(by=PEOPLE, lines=LINES, reason=REASONS)
    def propose(self, by: Actor, lines: tuple[Line, ...], reason: str) -> None:
        command = ProposeBudget(lines, reason)
        self._apply(
            by,
            lambda: (
                approvals.decide_propose(self.budget, "t1", self.rules, as_approver(by), command),
                [],
            ),
        )

    @rule(by=PEOPLE, lines=LINES, reason=REASONS)
    def adjust(self, by: Actor, lines: tuple[Line, ...], reason: str) -> None:
        command = ProposeBudget(lines, reason)
        self._apply(
            by,
            lambda: (
                approvals.decide_adjust(self.budget, self.rules, as_approver(by), command),
                [],
            ),
        )

    @rule(by=PEOPLE, which=st.sampled_from([0, 0, 0, 1]))
    def agree(self, by: Actor, which: int) -> None:
        revision = (self.budget.revisions[-1].number if self.budget.revisions else 1) + which
        self._apply(
            by, lambda: (approvals.decide_agree(self.budget, revision, as_approver(by)), [])
        )

    @rule(
        by=st.sampled_from([CEO, CEO, FINANCE]),
        approval_id=st.sampled_from(["o1", "o2"]),
        line=LINE_IDS,
        amount=AMOUNTS,
        reason=REASONS,
    )
    def approve_over_commitment(
        self, by: Actor, approval_id: str, line: str, amount: int, reason: str
    ) -> None:
        command = ApproveOverCommitment(approval_id, line, amount, reason)
        self._apply(
            by,
            lambda: (
                approvals.decide_approve_over_commitment(
                    self.budget, self.rules, as_approver(by), command
                ),
                [],
            ),
        )

    # -- commissions -----------------------------------------------------------------

    @rule(
        commission_id=COMMISSION_IDS,
        days=DAYS,
        rate=RATES,
        line=LINE_IDS,
        from_entitlement=st.sampled_from([False, False, False, True]),
    )
    def commission(
        self, commission_id: str, days: Decimal, rate: int, line: str, from_entitlement: bool
    ) -> None:
        command = commission_command(
            commission_id=commission_id,
            days=days,
            day_rate_pence=rate,
            budget_line=None if from_entitlement else line,
            from_entitlement=from_entitlement,
        )
        self._apply(
            LEAD,
            lambda: commission.decide_commission(
                self.budget, self.provider, command, self.situation
            ),
        )

    @precondition(lambda self: bool(self.budget.commissions))
    @rule(data=st.data(), days=DAYS, reason=REASONS)
    def vary(self, data: st.DataObject, days: Decimal, reason: str) -> None:
        commission_id = self._commission_id(data)
        self._apply(
            LEAD,
            lambda: commission.decide_vary(
                self.budget, self.provider, commission_id, days, reason, self.situation
            ),
        )

    @precondition(lambda self: bool(self.budget.commissions))
    @rule(data=st.data(), reason=REASONS)
    def cancel(self, data: st.DataObject, reason: str) -> None:
        commission_id = self._commission_id(data)
        self._apply(LEAD, lambda: commission.decide_cancel(self.budget, commission_id, reason))

    @precondition(lambda self: bool(self.budget.commissions))
    @rule(
        data=st.data(),
        delivery_id=st.sampled_from(["d1", "d2", "d3", "d4"]),
        days=DAYS,
        delivered_on=DELIVERED_ON,
    )
    def deliver(
        self, data: st.DataObject, delivery_id: str, days: Decimal, delivered_on: dt.date
    ) -> None:
        commission_id = self._commission_id(data)
        command = LogDelivery(commission_id, delivery_id, delivered_on, days, False)
        self._apply(
            CONSULTANT, lambda: (commission.decide_delivery(self.budget, command, TODAY), [])
        )

    # -- invoices --------------------------------------------------------------------

    @precondition(lambda self: bool(self.budget.commissions))
    @rule(
        invoice_id=st.sampled_from(["i1", "i2", "i3"]),
        number=st.sampled_from(["INV-1", "INV-2", "INV-3", ""]),
        data=st.data(),
        amount=AMOUNTS,
        covered=DAYS,
    )
    def record_invoice(
        self, invoice_id: str, number: str, data: st.DataObject, amount: int, covered: Decimal
    ) -> None:
        commission_id = self._commission_id(data)
        command = RecordInvoice(invoice_id, "p1", number, commission_id, amount, TODAY, covered)
        self._apply(
            FINANCE,
            lambda: (
                [],
                invoice.decide_record(
                    self.provider, self.budget.commission(commission_id), command, TODAY
                ),
            ),
        )

    @rule(
        invoice_id=st.sampled_from(["i1", "i2", "i3"]),
        number=st.sampled_from(["CN-1", ""]),
        reason=REASONS,
    )
    def credit_invoice(self, invoice_id: str, number: str, reason: str) -> None:
        command = CreditInvoice(invoice_id, number, reason, TODAY)
        self._apply(FINANCE, lambda: ([], invoice.decide_credit(self.provider, command, TODAY)))

    # -- invariants ------------------------------------------------------------------

    @invariant()
    def replaying_the_events_gives_the_same_streams(self) -> None:
        state = budget.initial(f"{ACADEMY}+{YEAR}")
        for event, by in _text_of(self.budget_events):
            state = budget.evolve(state, Recorded(event, by))
        assert state == self.budget
        kept = self.provider_start
        for event, by in _text_of(self.provider_events):
            kept = provider.evolve(kept, Recorded(event, by))
        assert kept == self.provider

    @invariant()
    def revisions_are_numbered_one_by_one_and_the_one_in_force_is_fully_agreed(self) -> None:
        state = self.budget
        assert [r.number for r in state.revisions] == list(range(1, len(state.revisions) + 1))
        for revision in state.revisions:
            assert len({a.role for a in revision.agreed}) == len(revision.agreed)
            assert all(a.role in revision.approver_roles for a in revision.agreed)
        if state.in_force:
            assert state.revision_in_force is not None and state.revision_in_force.complete

    @invariant()
    def money_is_whole_pence_and_a_line_never_goes_beyond_its_budget(self) -> None:
        state = self.budget
        lines = {c.budget_line for c in state.commissions.values() if c.budget_line}
        for line_id in lines:
            committed = state.committed(line_id)
            assert isinstance(committed, int) and committed >= 0
            # No preset allows over-commitment with a warning: beyond the line's
            # budget (its amount and the over-commitments approved) is refused.
            assert self.rules.over_commitment != "allow_with_warning"
            assert state.remaining(line_id) >= 0, (line_id, state.remaining(line_id))
        for c in state.commissions.values():
            assert c.from_entitlement == (c.budget_line is None)
            assert isinstance(c.cost_pence, int) and c.cost_pence == cost(c.days, c.rate)

    @invariant()
    def deliveries_never_exceed_the_commission(self) -> None:
        for c in self.budget.commissions.values():
            assert ZERO <= c.delivered_days <= c.days
            # what is delivered is worth what it costs: never more than the commission
            assert c.delivered_pence <= c.cost_pence
            assert c.committed_pence <= c.cost_pence
            assert c.delivered_pence == cost(c.delivered_days, c.rate)

    @invariant()
    def the_provider_books_what_is_commissioned_within_its_capacity(self) -> None:
        booked: dict[tuple[str, str], Decimal] = {}
        for c in self.budget.commissions.values():
            key = (c.commissioned.academic_year, c.commissioned.term)
            held = c.delivered_days if c.cancelled is not None else c.days
            booked[key] = booked.get(key, ZERO) + held
        for key in {*booked, *self.provider.booked}:
            assert self.provider.booked_in(*key) == booked.get(key, ZERO)
            assert self.provider.booked_in(*key) <= CAPACITY

    @invariant()
    def invoices_are_unique_credited_once_and_expect_only_what_was_delivered(self) -> None:
        numbers = [i.recorded.invoice_number for i in self.provider.invoices.values()]
        assert len(set(numbers)) == len(numbers)
        credited = [e for e, _ in self.provider_events if isinstance(e, InvoiceCredited)]
        assert len({e.invoice_id for e in credited}) == len(credited)
        delivered_days: dict[str, Decimal] = {}
        for event, _by in [*self.budget_events]:
            if isinstance(event, SupportDelivered):
                delivered_days[event.commission_id] = delivered_days.get(
                    event.commission_id, ZERO
                ) + Decimal(event.days)
        for kept in self.provider.invoices.values():
            recorded = kept.recorded
            assert recorded.discrepancy_pence == recorded.amount_pence - recorded.expected_pence
            rate = self.budget.commissions[recorded.commission_id].rate
            assert 0 <= recorded.expected_pence <= cost(Decimal(recorded.days_covered), rate)
            delivered = delivered_days.get(recorded.commission_id, ZERO)
            assert recorded.expected_pence <= cost(delivered, rate)  # only days delivered
            if kept.credited is not None:
                assert kept.credited.amount_pence == recorded.amount_pence

    @invariant()
    def a_cancelled_commission_releases_what_was_not_delivered(self) -> None:
        for event, _by in self.budget_events:
            if isinstance(event, CommissionCancelled):
                c = self.budget.commissions[event.commission_id]
                assert Decimal(event.released_days) == c.days - c.delivered_days
                assert event.released_pence == c.cost_pence - c.delivered_pence


TestBudgetAndCommissions = BudgetAndCommissions.TestCase
TestBudgetAndCommissions.settings = SETTINGS


# -- refusals name a field once ----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "field", "message"),
    [
        ("2026/2027", "academic_year", "academic_year must look like 2026/27, got '2026/2027'"),
        ("2026/28", "academic_year", "academic_year '2026/28' must span consecutive years"),
        ("26/27", "year", "year must look like 2026/27, got '26/27'"),
    ],
)
def test_an_academic_year_refusal_names_the_field_once(value: str, field: str, message: str):
    with pytest.raises(InvalidArgument) as refused:
        require_year(value, field)
    assert str(refused.value).startswith(message)
    assert str(refused.value).count(field) == 1


# -- found by the machine above ------------------------------------------------------------


def test_deliveries_add_up_to_the_commission_cost_never_more():
    """Regression: a day at 1p delivered as two half days was worth 1p each (each
    rounded half up), 2p against a commission costing 1p; once cancelled the
    line's committed amount rose above the cost. Deliveries now round on the
    running total."""
    machine = BudgetAndCommissions()
    machine.framework("seed-000-aid", True, 500_000)
    machine.commission("c1", Decimal("1"), 1, "consultancy", False)
    for delivery_id in ("d1", "d2"):
        command = LogDelivery("c1", delivery_id, TODAY, Decimal("0.5"), False)
        machine._apply(
            CONSULTANT, lambda c=command: (commission.decide_delivery(machine.budget, c, TODAY), [])
        )
    [deliveries] = [c.deliveries for c in machine.budget.commissions.values()]
    assert [d.value_pence for d in deliveries] == [1, 0]
    assert (
        machine.budget.commissions["c1"].delivered_pence
        == 1
        == machine.budget.committed("consultancy")
    )

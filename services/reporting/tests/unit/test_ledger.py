"""Given support's (and academies') events, then the ledger: rows per line and
per provider, the totals, and every kind of discrepancy.

Events are built through the contract models, so what the fold reads is what
support publishes; each builder takes overrides.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from typing import Any

import pytest
from chassis.envelope import Actor, EventEnvelope
from contracts.academies.v1 import AcademyDetailsChanged, AcademyRegistered
from contracts.base import EventPayload
from contracts.support.v1 import (
    Approver,
    BudgetAgreed,
    BudgetLine,
    BudgetProposed,
    CommissionCancelled,
    CommissionVaried,
    InvoiceCredited,
    InvoiceRecorded,
    OverCommitmentApproved,
    ProviderRegistered,
    ProviderUpdated,
    SupportCommissioned,
    SupportDelivered,
)
from reporting.domain.board_report import Spend, academy_spend
from reporting.domain.ledger import (
    DELIVERED_NOT_INVOICED,
    INVOICE_AMOUNT,
    INVOICED_BEYOND_DELIVERED,
    OVER_COMMITTED,
    Figures,
    Ledger,
    LedgerEvent,
    days,
    fold_ledger,
    ledger_event,
    pounds,
)

TRUST, YEAR = "t1", "2026/27"
DAY = dt.date(2026, 10, 5)
_positions = itertools.count(1)


def envelope(payload: EventPayload) -> EventEnvelope:
    source = payload.EVENT_TYPE.split(".", 1)[0]
    return EventEnvelope(
        event_id=uuid.uuid4(),
        event_type=payload.EVENT_TYPE,
        schema_version=1,
        stream="s-1",
        stream_position=1,
        global_position=next(_positions),
        source=source,
        key="k",
        occurred_at=dt.datetime(2026, 10, 5, 9, tzinfo=dt.UTC),
        actor=Actor(subject="someone", role="finance"),
        correlation_id="c",
        payload=payload.model_dump(mode="json"),
    )


def event(payload: EventPayload) -> LedgerEvent:
    found = ledger_event(envelope(payload))
    assert found is not None
    return found


def academy(academy_id: str = "alder", name: str = "Alder Academy") -> AcademyRegistered:
    return AcademyRegistered(
        trust_id=TRUST,
        academy_id=academy_id,
        urn="100001",
        name=name,
        phase_of_education="primary",
        local_authority="Kent",
        date_joined=dt.date(2020, 9, 1),
        new_to_trust=False,
    )


def provider(provider_id: str = "elm", name: str = "Elm Consulting") -> ProviderRegistered:
    return ProviderRegistered(
        trust_id=TRUST,
        provider_id=provider_id,
        name=name,
        kind="consultant",
        internal=False,
        contact_subject=f"{provider_id}@providers",
        specialisms=["attendance"],
        day_rate_pence=65_050,
        capacity_days_per_term="20.00",
    )


def budget(
    academy_id: str = "alder", lines: dict[str, int] | None = None, revision: int = 1
) -> list[EventPayload]:
    """Proposed and agreed, in force."""
    lines = lines if lines is not None else {"consultancy": 500_000, "internal": 200_000}
    return [
        BudgetProposed(
            trust_id=TRUST,
            academy_id=academy_id,
            academic_year=YEAR,
            revision=revision,
            lines=[
                BudgetLine(line_id=k, name=f"Line {k}", amount_pence=v) for k, v in lines.items()
            ],
            total_pence=sum(lines.values()),
            approver_roles=["finance"],
            reason="The plan",
        ),
        BudgetAgreed(
            trust_id=TRUST,
            academy_id=academy_id,
            academic_year=YEAR,
            revision=revision,
            approver=Approver(subject="fd", role="finance"),
            in_force=True,
        ),
    ]


def commissioned(
    commission_id: str = "c1",
    provider_id: str = "elm",
    days_: str = "2.50",
    rate: int = 65_050,
    line: str | None = "consultancy",
    **overrides: Any,
) -> SupportCommissioned:
    fields: dict[str, Any] = dict(
        trust_id=TRUST,
        commission_id=commission_id,
        academy_id="alder",
        academic_year=YEAR,
        request_id=None,
        need_area="attendance",
        provider_id=provider_id,
        days=days_,
        day_rate_pence=rate,
        cost_pence=int((days(days_) * rate).quantize(1)),
        budget_line=line,
        from_entitlement=line is None,
        starts_on=DAY,
        ends_on=DAY + dt.timedelta(days=30),
        term="autumn",
    )
    fields.update(overrides)
    return SupportCommissioned(**fields)


def delivered(
    commission_id: str = "c1", days_: str = "2.00", value: int = 130_100, **overrides: Any
) -> SupportDelivered:
    fields: dict[str, Any] = dict(
        trust_id=TRUST,
        delivery_id=f"d-{uuid.uuid4().hex[:6]}",
        commission_id=commission_id,
        academy_id="alder",
        academic_year=YEAR,
        provider_id="elm",
        delivered_on=DAY,
        days=days_,
        value_pence=value,
        has_note=False,
    )
    fields.update(overrides)
    return SupportDelivered(**fields)


def invoiced(
    invoice_id: str = "i1",
    amount: int = 65_050,
    days_: str = "1.00",
    expected: int = 65_050,
    commission_id: str = "c1",
    **overrides: Any,
) -> InvoiceRecorded:
    fields: dict[str, Any] = dict(
        trust_id=TRUST,
        invoice_id=invoice_id,
        provider_id="elm",
        invoice_number=f"INV-{invoice_id}",
        academy_id="alder",
        academic_year=YEAR,
        commission_id=commission_id,
        budget_line="consultancy",
        amount_pence=amount,
        invoiced_on=DAY,
        days_covered=days_,
        expected_pence=expected,
        discrepancy_pence=amount - expected,
    )
    fields.update(overrides)
    return InvoiceRecorded(**fields)


def credited(invoice: InvoiceRecorded) -> InvoiceCredited:
    return InvoiceCredited(
        trust_id=TRUST,
        invoice_id=invoice.invoice_id,
        provider_id=invoice.provider_id,
        invoice_number=invoice.invoice_number,
        credit_note_number=f"CN-{invoice.invoice_id}",
        academy_id=invoice.academy_id,
        academic_year=invoice.academic_year,
        commission_id=invoice.commission_id,
        budget_line=invoice.budget_line,
        amount_pence=invoice.amount_pence,
        days_covered=invoice.days_covered,
        credited_on=DAY,
        reason="Overcharged",
    )


def ledger_of(*payloads: EventPayload | list[EventPayload], **kwargs: Any) -> Ledger:
    flat: list[EventPayload] = []
    for p in payloads:
        flat += p if isinstance(p, list) else [p]
    return fold_ledger(TRUST, YEAR, [event(p) for p in flat], **kwargs)


def money(f: Figures) -> tuple[int, int, int, int, int]:
    return (
        f.budget_pence,
        f.committed_pence,
        f.delivered_pence,
        f.invoiced_pence,
        f.remaining_pence,
    )


def row(ledger: Ledger, line: str, provider_id: str = "", academy_id: str = "alder") -> Figures:
    rows = ledger.providers if provider_id else ledger.lines
    (found,) = [
        r
        for r in rows
        if (r.academy_id, r.budget_line, r.provider_id) == (academy_id, line, provider_id)
    ]
    return found.figures


def kinds(ledger: Ledger) -> list[str]:
    return [d.kind for d in ledger.discrepancies]


# -- rows and totals ----------------------------------------------------------------------


def the_support_flow() -> list[EventPayload]:
    """The e2e flow of support: two lines, two providers, a matching invoice, a
    dearer one credited, an internal provider invoiced in full."""
    dearer = invoiced("i2", amount=66_000)
    return [
        academy(),
        provider(),
        provider("ash", "Ash Lead Practitioner"),
        *budget(),
        commissioned(),
        commissioned("c2", "ash", "0.75", 33_333, "internal"),
        delivered(),
        delivered("c2", "0.75", 25_000, provider_id="ash"),
        invoiced(),
        dearer,
        invoiced("i3", 25_000, "0.75", 25_000, "c2", provider_id="ash", budget_line="internal"),
        credited(dearer),
    ]


def test_lines_providers_and_totals_are_supports_figures():
    ledger = ledger_of(the_support_flow())
    #                                          budget   committed delivered invoiced remaining
    assert money(row(ledger, "consultancy")) == (500_000, 162_625, 130_100, 65_050, 337_375)
    assert money(row(ledger, "internal")) == (200_000, 25_000, 25_000, 25_000, 175_000)
    assert money(row(ledger, "consultancy", "elm")) == (0, 162_625, 130_100, 65_050, 0)
    assert money(row(ledger, "internal", "ash")) == (0, 25_000, 25_000, 25_000, 0)
    assert money(ledger.totals) == (700_000, 187_625, 155_100, 90_050, 512_375)
    consultancy = row(ledger, "consultancy")
    assert (
        consultancy.committed_days,
        consultancy.delivered_days,
        consultancy.invoiced_days,
    ) == (days("2.50"), days("2.00"), days("1.00"))
    (line,) = [r for r in ledger.lines if r.budget_line == "consultancy"]
    assert (line.academy_name, line.budget_line_name, line.provider_id) == (
        "Alder Academy",
        "Line consultancy",
        "",
    )
    (elm,) = [r for r in ledger.providers if r.provider_id == "elm"]
    assert elm.provider_name == "Elm Consulting"


def test_the_totals_are_the_sum_of_the_lines_and_the_lines_of_their_providers():
    ledger = ledger_of(the_support_flow(), commissioned("c3", line=None))
    total = Figures()
    for line in ledger.lines:
        total += line.figures
        on_line = Figures()
        for p in ledger.providers:
            if (p.academy_id, p.budget_line) == (line.academy_id, line.budget_line):
                on_line += p.figures
        assert money(on_line)[1:4] == money(line.figures)[1:4]
    assert total == ledger.totals


def test_a_budget_with_no_commissions_shows_its_lines():
    ledger = ledger_of(academy(), budget())
    assert [money(r.figures) for r in ledger.lines] == [
        (500_000, 0, 0, 0, 500_000),
        (200_000, 0, 0, 0, 200_000),
    ]
    assert ledger.providers == () and ledger.discrepancies == ()


def test_a_proposal_not_yet_in_force_has_no_lines_and_the_latest_agreed_holds():
    proposed, _agreed = budget()
    assert ledger_of(proposed).lines == ()
    adjusted = budget(lines={"consultancy": 600_000}, revision=2)
    ledger = ledger_of(budget(), adjusted[0])
    assert [r.budget_line for r in ledger.lines] == ["consultancy", "internal"]
    ledger = ledger_of(budget(), adjusted)
    assert [(r.budget_line, r.figures.budget_pence) for r in ledger.lines] == [
        ("consultancy", 600_000)
    ]


def test_an_approved_over_commitment_adds_to_the_lines_budget():
    approved = OverCommitmentApproved(
        trust_id=TRUST,
        academy_id="alder",
        academic_year=YEAR,
        approval_id="oc1",
        budget_line="internal",
        amount_pence=10_000,
        reason="Needed",
        approver=Approver(subject="ceo", role="chief_executive"),
    )
    ledger = ledger_of(budget(), approved)
    assert money(row(ledger, "internal")) == (210_000, 0, 0, 0, 210_000)


def test_a_varied_commission_commits_its_new_cost():
    varied = CommissionVaried(
        trust_id=TRUST,
        commission_id="c1",
        academy_id="alder",
        academic_year=YEAR,
        provider_id="elm",
        previous_days="2.50",
        days="4.00",
        cost_pence=260_200,
        reason="More needed",
    )
    ledger = ledger_of(budget(), commissioned(), varied)
    assert money(row(ledger, "consultancy", "elm"))[:2] == (0, 260_200)
    assert row(ledger, "consultancy").committed_days == days("4.00")
    assert money(row(ledger, "consultancy")) == (500_000, 260_200, 0, 0, 239_800)


def test_a_cancelled_commission_commits_only_what_was_delivered():
    cancelled = CommissionCancelled(
        trust_id=TRUST,
        commission_id="c1",
        academy_id="alder",
        academic_year=YEAR,
        provider_id="elm",
        released_days="1.50",
        released_pence=97_575,
        reason="No longer needed",
    )
    ledger = ledger_of(budget(), commissioned(), delivered(days_="1.00", value=65_050), cancelled)
    line = row(ledger, "consultancy")
    assert money(line) == (500_000, 65_050, 65_050, 0, 434_950)
    assert line.committed_days == days("1.00")
    nothing_delivered = ledger_of(budget(), commissioned(), cancelled)
    assert money(row(nothing_delivered, "consultancy")) == (500_000, 0, 0, 0, 500_000)


def test_support_from_the_entitlement_has_its_own_row_with_no_budget_line():
    ledger = ledger_of(budget(), commissioned("c9", line=None), delivered("c9", "1.00", 65_050))
    (entitlement,) = [r for r in ledger.lines if r.budget_line == ""]
    assert ledger.lines[-1] == entitlement  # after the budget's lines
    assert money(entitlement.figures) == (0, 162_625, 65_050, 0, 0)
    assert money(row(ledger, "", "elm")) == (0, 162_625, 65_050, 0, 0)
    # In the totals' spending, never in their budget or remaining.
    assert money(ledger.totals) == (700_000, 162_625, 65_050, 0, 700_000)


def test_a_credit_note_reverses_its_invoice():
    first = invoiced()
    before = ledger_of(budget(), commissioned(), delivered(), first)
    assert row(before, "consultancy").invoiced_pence == 65_050
    after = ledger_of(budget(), commissioned(), delivered(), first, credited(first))
    assert row(after, "consultancy").invoiced_pence == 0
    assert row(after, "consultancy").invoiced_days == days("0")


def test_names_are_the_latest_given():
    renamed = AcademyDetailsChanged(trust_id=TRUST, academy_id="alder", name="Alder Primary")
    updated = ProviderUpdated(
        trust_id=TRUST,
        provider_id="elm",
        name="Elm Partners",
        contact_subject="elm@providers",
        specialisms=["attendance"],
        day_rate_pence=65_050,
        capacity_days_per_term="20.00",
        reason="Renamed",
    )
    ledger = ledger_of(academy(), provider(), budget(), commissioned(), renamed, updated)
    assert {r.academy_name for r in ledger.lines} == {"Alder Primary"}
    assert [r.provider_name for r in ledger.providers] == ["Elm Partners"]


def test_other_years_trusts_and_academies_outside_the_scope_are_left_out():
    other_year = commissioned("c5", academic_year="2025/26")
    other_trust = commissioned("c6", trust_id="t2")
    birch = [*budget("birch"), commissioned("c7", academy_id="birch")]
    ledger = ledger_of(budget(), commissioned(), other_year, other_trust, birch)
    assert {r.academy_id for r in ledger.lines} == {"alder", "birch"}
    assert row(ledger, "consultancy").committed_pence == 162_625
    only_birch = ledger_of(budget(), commissioned(), birch, academies={"birch"})
    assert {r.academy_id for r in [*only_birch.lines, *only_birch.providers]} == {"birch"}
    assert only_birch.totals.committed_pence == 162_625
    assert ledger_of(budget(), academies=set()).lines == ()


def test_the_fold_is_the_same_whatever_the_order_of_the_feeds():
    events = [event(p) for p in [academy(), provider(), *budget(), commissioned(), delivered()]]
    assert fold_ledger(TRUST, YEAR, events) == fold_ledger(TRUST, YEAR, reversed(events))


# -- the reconciliation -------------------------------------------------------------------


def test_a_reconciled_commission_has_no_discrepancy():
    ledger = ledger_of(
        budget(),
        commissioned(days_="2.00"),
        delivered(),
        invoiced(amount=130_100, days_="2.00", expected=130_100),
    )
    assert ledger.discrepancies == ()


def test_an_invoice_that_does_not_match_is_listed_until_credited():
    dearer = invoiced("i2", amount=66_000)
    ledger = ledger_of(academy(), provider(), budget(), commissioned(), delivered(), dearer)
    (found,) = [d for d in ledger.discrepancies if d.kind == INVOICE_AMOUNT]
    assert (found.invoice_id, found.invoice_number, found.commission_id) == (
        "i2",
        "INV-i2",
        "c1",
    )
    assert (found.provider_id, found.academy_id, found.difference_pence) == ("elm", "alder", 950)
    assert found.detail == (
        "Invoice INV-i2 from Elm Consulting for Alder Academy: £660.00 for 1.00 days "
        "where £650.50 was expected, £9.50 over"
    )
    cheaper = ledger_of(budget(), commissioned(), delivered(), invoiced(amount=60_000))
    (short,) = [d for d in cheaper.discrepancies if d.kind == INVOICE_AMOUNT]
    assert short.difference_pence == -5_050 and short.detail.endswith("£50.50 short")
    reversed_ = ledger_of(budget(), commissioned(), delivered(), dearer, credited(dearer))
    assert INVOICE_AMOUNT not in kinds(reversed_)


def test_days_invoiced_beyond_those_delivered_are_listed():
    ledger = ledger_of(
        academy(),
        provider(),
        budget(),
        commissioned(),
        delivered(days_="1.00", value=65_050),
        invoiced(days_="2.00", amount=130_100, expected=65_050),
    )
    (found,) = [d for d in ledger.discrepancies if d.kind == INVOICED_BEYOND_DELIVERED]
    assert (found.commission_id, found.difference_pence) == ("c1", 65_050)
    assert found.detail == (
        "Commission c1 (Elm Consulting for Alder Academy): 2.00 days invoiced but 1.00 "
        "delivered; 1.00 days (£650.50) invoiced beyond what was delivered"
    )


def test_value_delivered_and_not_yet_invoiced_is_listed_per_commission():
    ledger = ledger_of(academy(), provider(), budget(), commissioned(), delivered(), invoiced())
    (found,) = ledger.discrepancies
    assert (found.kind, found.commission_id, found.difference_pence) == (
        DELIVERED_NOT_INVOICED,
        "c1",
        -65_050,
    )
    assert found.detail == (
        "Commission c1 (Elm Consulting for Alder Academy): 2.00 days delivered but 1.00 "
        "invoiced; 1.00 days (£650.50) not yet invoiced"
    )


def test_a_line_committed_beyond_its_budget_is_listed():
    ledger = ledger_of(academy(), budget(lines={"small": 100_000}), commissioned(line="small"))
    (found,) = ledger.discrepancies
    assert (found.kind, found.academy_id, found.difference_pence) == (
        OVER_COMMITTED,
        "alder",
        62_625,
    )
    assert found.detail == (
        "Line Line small of Alder Academy: £1,626.25 committed against a budget of "
        "£1,000.00, £626.25 over"
    )
    assert money(row(ledger, "small"))[4] == -62_625


def test_the_support_flow_lists_what_is_still_to_invoice():
    ledger = ledger_of(the_support_flow())
    assert [(d.kind, d.commission_id, d.difference_pence) for d in ledger.discrepancies] == [
        (DELIVERED_NOT_INVOICED, "c1", -65_050)
    ]


@pytest.mark.parametrize(
    ("pence", "text"),
    [(0, "£0.00"), (5, "£0.05"), (123_456, "£1,234.56"), (-1_200, "-£12.00")],
)
def test_money_reads_as_pounds(pence, text):
    assert pounds(pence) == text


def test_events_the_ledger_does_not_read_are_not_kept():
    from contracts.support.v1 import ConflictOfInterestDeclared

    declared = ConflictOfInterestDeclared(
        trust_id=TRUST,
        provider_id="elm",
        academy_id="alder",
        nature="spouse is a governor",
        declared_on=DAY,
    )
    assert ledger_event(envelope(declared)) is None
    kept = event(commissioned())
    assert (kept.trust_id, kept.academy_id, kept.academic_year) == (TRUST, "alder", YEAR)
    assert event(provider()).academy_id == "" and event(provider()).academic_year == ""


# -- each academy's spend on the board's report --------------------------------------------


def spend_of(ledger: Ledger) -> dict[str, Spend]:
    """The report's reading of the ledger: each academy's line rows summed."""
    found: dict[str, Spend] = {}
    for r in ledger.lines:
        was, f = found.get(r.academy_id, Spend()), r.figures
        found[r.academy_id] = Spend(
            was.budget_pence + f.budget_pence,
            was.committed_pence + f.committed_pence,
            was.delivered_pence + f.delivered_pence,
            was.invoiced_pence + f.invoiced_pence,
        )
    return found


@pytest.mark.parametrize(
    "flow",
    [
        pytest.param(the_support_flow(), id="the support flow"),
        pytest.param(
            [
                *budget(),
                commissioned(days_="9.00"),
                OverCommitmentApproved(
                    trust_id=TRUST,
                    academy_id="alder",
                    academic_year=YEAR,
                    approval_id="oc1",
                    budget_line="consultancy",
                    amount_pence=100_000,
                    approver=Approver(subject="fd", role="finance"),
                    reason="needed",
                ),
                OverCommitmentApproved(
                    trust_id=TRUST,
                    academy_id="alder",
                    academic_year=YEAR,
                    approval_id="oc2",
                    budget_line="unspent",
                    amount_pence=5_000,
                    approver=Approver(subject="fd", role="finance"),
                    reason="needed",
                ),
            ],
            id="an approved over-commitment",
        ),
        pytest.param(
            [
                *budget(lines={"consultancy": 500_000}),
                commissioned(line="unbudgeted"),
                commissioned("c2", line=None),
                delivered("c2"),
                invoiced("i2", commission_id="c2", budget_line=None),
                invoiced("i3", commission_id="c1", budget_line="unbudgeted"),
                credited(invoiced("i3", commission_id="c1", budget_line="unbudgeted")),
            ],
            id="a line outside the budget and the entitlement",
        ),
        pytest.param(
            [
                *budget(),
                *budget(lines={"consultancy": 300_000}, revision=2),
                commissioned(),
                CommissionVaried(
                    trust_id=TRUST,
                    commission_id="c1",
                    academy_id="alder",
                    academic_year=YEAR,
                    provider_id="elm",
                    previous_days="2.50",
                    days="3.00",
                    cost_pence=195_150,
                    reason="more",
                ),
                commissioned("c2"),
                delivered("c2", "1.00", 65_050),
                CommissionCancelled(
                    trust_id=TRUST,
                    commission_id="c2",
                    academy_id="alder",
                    academic_year=YEAR,
                    provider_id="elm",
                    released_days="1.50",
                    released_pence=97_575,
                    reason="no longer needed",
                ),
                commissioned("c5", academic_year="2025/26"),
                commissioned("c6", trust_id="t2"),
                *budget("birch"),
                commissioned("c7", academy_id="birch"),
            ],
            id="revisions, variations, cancellations, other years and trusts",
        ),
    ],
)
def test_each_academys_spend_is_the_sum_of_its_rows_in_the_ledger(flow):
    # Given support's events (and names the spend does not need)
    events = [event(p) for p in [academy(), provider(), *flow]]
    # When each academy's spend is folded for the board's report
    found = academy_spend(TRUST, YEAR, events)
    # Then it is the academy's line rows of the ledger summed, to the penny
    assert found == spend_of(fold_ledger(TRUST, YEAR, events))
    assert found == academy_spend(TRUST, YEAR, list(reversed(events)))


def test_an_academy_with_no_ledger_rows_has_no_spend():
    # Given only names and another year's budget
    events = [event(p) for p in [academy(), provider(), *budget(), commissioned()]]
    # When the spend of a year with no money events is folded
    # Then no academy has any
    assert academy_spend(TRUST, "2027/28", events) == {}

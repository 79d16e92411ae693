"""Given an academy's budget stream, when the framework's approvers propose,
adjust and agree it and approve over-commitments, then the revisions and the
money per line, or a refusal that says what would be right."""

from __future__ import annotations

import pytest
from chassis.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from contracts.support.v1 import BudgetAdjusted, BudgetAgreed, BudgetProposed
from support.domain import approvals, budget
from support.domain.approvals import ApproveOverCommitment, ProposeBudget
from support.domain.budget import Line
from support_controls import (
    CEO,
    CHAIR,
    FINANCE,
    HEAD,
    LEAD,
    TRUST,
    agreed,
    agreed_budget,
    as_approver,
    commissioned,
    fold_budget,
    proposed,
    rules,
    with_budget,
)

LINES = (Line("consultancy", "Consultancy", 500_000), Line("cpd", "Training", 100_000))


def test_proposed_then_agreed_by_each_of_seed_000s_four_approvers_then_in_force():
    state = with_budget()
    [event] = approvals.decide_propose(
        state, TRUST, rules(), as_approver(LEAD), ProposeBudget(LINES, "for 2026/27")
    )
    assert isinstance(event, BudgetProposed)
    assert event.approver_roles == ["headteacher", "improvement_lead", "chief_executive", "finance"]
    assert event.total_pence == 600_000
    state = fold_budget(state, [event])
    assert state.pending is not None and state.in_force == 0  # the proposal is no agreement
    for who in (HEAD, LEAD, CEO):
        [agreement] = approvals.decide_agree(state, 1, as_approver(who))
        assert isinstance(agreement, BudgetAgreed) and not agreement.in_force
        state = fold_budget(state, [agreement])
    [last] = approvals.decide_agree(state, 1, as_approver(FINANCE))
    assert isinstance(last, BudgetAgreed) and last.in_force
    state = fold_budget(state, [last])
    assert state.in_force == 1 and state.pending is None
    assert state.remaining("consultancy") == 500_000


@pytest.mark.parametrize(
    ("state", "revision", "who", "error", "message"),
    [
        (with_budget(proposed(), agreed(HEAD)), 1, HEAD, FailedPrecondition, "already agreed"),
        (
            with_budget(proposed(), agreed(HEAD)),
            1,
            HEAD.model_copy(update={"subject": "deputy@heron"}),
            FailedPrecondition,
            "each approver role agrees once",
        ),
        (
            with_budget(proposed()),
            1,
            CHAIR,
            PermissionDenied,
            r"headteacher, improvement lead, chief executive, finance\); you are chair of lgb",
        ),
        (with_budget(proposed()), 2, HEAD, FailedPrecondition, "revision 1 is the one awaiting"),
        (with_budget(), 1, HEAD, FailedPrecondition, "none proposed"),
        (agreed_budget(), 1, HEAD, FailedPrecondition, "revision 1 is in force"),
    ],
)
def test_agreement_refused(state, revision, who, error, message):
    with pytest.raises(error, match=message):
        approvals.decide_agree(state, revision, as_approver(who))


@pytest.mark.parametrize(
    ("state", "lines", "who", "error", "message"),
    [
        (with_budget(), LINES, CHAIR, PermissionDenied, "you are chair of lgb"),
        (with_budget(), (), LEAD, InvalidArgument, "at least one budget line"),
        (
            with_budget(),
            (Line("a", "A", 1), Line("a", "B", 2)),
            LEAD,
            InvalidArgument,
            "named twice",
        ),
        (with_budget(), (Line("a", "A", -1),), LEAD, InvalidArgument, "0 or more pence"),
        (with_budget(proposed()), LINES, LEAD, FailedPrecondition, "adjust it instead"),
    ],
)
def test_proposal_refused(state, lines, who, error, message):
    with pytest.raises(error, match=message):
        approvals.decide_propose(state, TRUST, rules(), as_approver(who), ProposeBudget(lines, ""))


def test_the_same_proposal_again_is_a_retry():
    state = with_budget(proposed())
    again = ProposeBudget((Line("consultancy", "Consultancy", 500_000),), "")
    assert approvals.decide_propose(state, TRUST, rules(), as_approver(LEAD), again) == []


def test_an_adjustment_replaces_a_pending_revision_and_the_one_in_force_stays():
    state = agreed_budget()
    wanted = ProposeBudget((Line("consultancy", "Consultancy", 700_000),), "more visits")
    [second] = approvals.decide_adjust(state, rules(), as_approver(FINANCE), wanted)
    state = fold_budget(state, [second])
    [third] = approvals.decide_adjust(state, rules(), as_approver(CEO), wanted)
    assert isinstance(third, BudgetAdjusted) and third.revision == 3
    state = fold_budget(state, [third])
    assert state.in_force == 1 and state.pending is not None and state.pending.number == 3
    assert state.line_budget("consultancy") == 500_000
    with pytest.raises(FailedPrecondition, match="revision 3 is the one awaiting"):
        approvals.decide_agree(state, 2, as_approver(HEAD))


def test_an_adjustment_may_not_go_below_what_is_committed_nor_drop_a_committed_line():
    state = fold_budget(agreed_budget(), [commissioned()])  # £2,250.00 on consultancy
    low = ProposeBudget((Line("consultancy", "Consultancy", 200_000),), "less")
    with pytest.raises(FailedPrecondition, match=r"below £2,250.00"):
        approvals.decide_adjust(state, rules(), as_approver(LEAD), low)
    dropped = ProposeBudget((Line("cpd", "Training", 900_000),), "move it")
    with pytest.raises(FailedPrecondition, match="cannot be dropped"):
        approvals.decide_adjust(state, rules(), as_approver(LEAD), dropped)
    with pytest.raises(FailedPrecondition, match="propose one first"):
        approvals.decide_adjust(with_budget(), rules(), as_approver(LEAD), low)
    with pytest.raises(InvalidArgument, match="reason must not be empty"):
        approvals.decide_adjust(state, rules(), as_approver(LEAD), ProposeBudget(LINES, " "))


def over(amount: int = 100_000, line: str = "consultancy", approval_id: str = "a1"):
    return ApproveOverCommitment(approval_id, line, amount, "urgent attendance work")


def test_the_chief_executive_approves_an_over_commitment_and_the_line_grows():
    state = agreed_budget()
    events = approvals.decide_approve_over_commitment(state, rules(), as_approver(CEO), over())
    state = fold_budget(state, events)
    assert state.line_budget("consultancy") == 600_000
    assert approvals.decide_approve_over_commitment(state, rules(), as_approver(CEO), over()) == []
    with pytest.raises(AlreadyExists, match="approval a1 already exists"):
        approvals.decide_approve_over_commitment(state, rules(), as_approver(CEO), over(5))


@pytest.mark.parametrize(
    ("preset", "who", "command", "state", "error", "message"),
    [
        ("seed-003-aspire", CEO, over(), agreed_budget(), FailedPrecondition, "refuses"),
        ("seed-000-aid", FINANCE, over(), agreed_budget(), PermissionDenied, "chief executive"),
        ("seed-000-aid", CEO, over(0), agreed_budget(), InvalidArgument, "more than 0 pence"),
        ("seed-000-aid", CEO, over(line="x"), agreed_budget(), NotFound, "unknown budget line x"),
        ("seed-000-aid", CEO, over(), with_budget(proposed()), FailedPrecondition, "no agreed"),
    ],
)
def test_over_commitment_refused(preset, who, command, state, error, message):
    with pytest.raises(error, match=message):
        approvals.decide_approve_over_commitment(state, rules(preset), as_approver(who), command)


def test_allow_with_warning_needs_no_approval_and_lets_the_line_go_negative():
    warn = rules().model_copy(update={"over_commitment": "allow_with_warning"})
    with pytest.raises(FailedPrecondition, match="nothing to approve"):
        approvals.decide_approve_over_commitment(agreed_budget(), warn, as_approver(CEO), over())
    budget.require_affordable(agreed_budget(), warn, "consultancy", 900_000)


def test_a_cancelled_commission_commits_only_what_was_delivered():
    state = fold_budget(agreed_budget(), [commissioned()])
    assert state.committed("consultancy") == 225_000 and state.remaining("consultancy") == 275_000

"""The budget's revisions and their agreement, and over-commitments approved:
decisions on the academy's budget stream (budget.py holds its state).

- Approvers are the framework's ``budget.approver_roles``: someone in one of
  those roles proposes revision 1 or adjusts (revision n+1); each role agrees a
  revision once (the same person or the same role again: "already agreed"); the
  proposal itself is not an agreement. A revision is in force once every
  approver role has agreed it; adjusting while one is pending replaces it.
- An over-commitment is approved only where the framework's rule is
  refuse_unless_approved, by its over_commitment_approver.

Where the design is silent: a revision may not put a line's budget (its amount
plus approved over-commitments) below what is committed on it, checked when it
is proposed and again when the last approver agrees (commissions may have come
in between); an over-commitment stays with its line through later revisions.
"""

from __future__ import annotations

from dataclasses import dataclass

from chassis.errors import AlreadyExists, FailedPrecondition, InvalidArgument, PermissionDenied
from contracts import limits
from contracts.base import EventPayload
from contracts.support.v1 import (
    Approver,
    BudgetAdjusted,
    BudgetAgreed,
    BudgetLine,
    BudgetProposed,
    OverCommitmentApproved,
)
from trust_frameworks.model import BudgetRules

from support.domain.budget import (
    BudgetState,
    Line,
    require_line_in_force,
    role_name,
    roles_text,
)
from support.domain.values import pounds, require_id, require_pence, require_text


@dataclass(frozen=True)
class ProposeBudget:
    lines: tuple[Line, ...]
    reason: str


def _lines(lines: tuple[Line, ...]) -> list[BudgetLine]:
    if not lines:
        raise InvalidArgument("lines must name at least one budget line")
    seen: set[str] = set()
    checked = []
    for i, line in enumerate(lines):
        line_id = require_id(line.line_id, f"lines[{i}].line_id")
        if line_id in seen:
            raise InvalidArgument(f"lines[{i}].line_id {line_id!r} is named twice")
        seen.add(line_id)
        checked.append(
            BudgetLine(
                line_id=line_id,
                name=require_text(line.name, f"lines[{i}].name", limits.NAME_MAX),
                amount_pence=require_pence(line.amount_pence, f"lines[{i}].amount_pence"),
            )
        )
    return checked


def _require_approver_role(role: str, roles: tuple[str, ...] | list[str], doing: str) -> None:
    if role not in roles:
        raise PermissionDenied(
            f"{doing} is for the framework's budget approvers ({roles_text(roles)}); "
            f"you are {role_name(role)}"
        )


def _require_covers_commitments(state: BudgetState, lines: list[BudgetLine]) -> None:
    amounts = {line.line_id: line.amount_pence for line in lines}
    for line_id in sorted({c.budget_line for c in state.commissions.values() if c.budget_line}):
        committed = state.committed(line_id)
        if committed == 0:
            continue
        if line_id not in amounts:
            raise FailedPrecondition(
                f"line {line_id} has {pounds(committed)} committed; it cannot be dropped"
            )
        budget = amounts[line_id] + state.over_committed(line_id)
        if budget < committed:
            raise FailedPrecondition(
                f"line {line_id} has {pounds(committed)} committed; its amount cannot go "
                f"below {pounds(committed - state.over_committed(line_id))}"
            )


def decide_propose(
    state: BudgetState, trust_id: str, rules: BudgetRules, by: Approver, command: ProposeBudget
) -> list[EventPayload]:
    """Revision 1 (a budget already proposed is adjusted, never proposed again)."""
    roles = list(rules.approver_roles)
    _require_approver_role(by.role, roles, "proposing an improvement budget")
    lines = _lines(command.lines)
    if state.exists:
        first = state.revisions[0]
        if len(state.revisions) == 1 and (
            tuple(Line(x.line_id, x.name, x.amount_pence) for x in lines),
            command.reason.strip(),
        ) == (first.lines, first.reason):
            return []  # a retried call
        raise FailedPrecondition(
            f"a budget for {state.academy_id} in {state.academic_year} is already proposed "
            f"(revision {state.revisions[-1].number}): adjust it instead"
        )
    return [
        BudgetProposed(
            trust_id=trust_id,
            academy_id=state.academy_id,
            academic_year=state.academic_year,
            revision=1,
            lines=lines,
            total_pence=sum(x.amount_pence for x in lines),
            approver_roles=roles,
            reason=command.reason.strip(),
        )
    ]


def decide_adjust(
    state: BudgetState, rules: BudgetRules, by: Approver, command: ProposeBudget
) -> list[EventPayload]:
    """A new revision (replacing a pending one); the one in force stays until agreed."""
    roles = list(rules.approver_roles)
    _require_approver_role(by.role, roles, "adjusting an improvement budget")
    if not state.exists:
        raise FailedPrecondition(
            f"there is no budget for {state.academy_id} in {state.academic_year} to adjust: "
            "propose one first"
        )
    lines = _lines(command.lines)
    reason = require_text(command.reason, "reason")
    _require_covers_commitments(state, lines)
    return [
        BudgetAdjusted(
            trust_id=state.trust_id,
            academy_id=state.academy_id,
            academic_year=state.academic_year,
            revision=state.revisions[-1].number + 1,
            lines=lines,
            total_pence=sum(x.amount_pence for x in lines),
            approver_roles=roles,
            reason=reason,
        )
    ]


def decide_agree(state: BudgetState, revision: int, by: Approver) -> list[EventPayload]:
    pending = state.pending
    if pending is None:
        shown = f"revision {state.in_force} is in force" if state.in_force else "none proposed"
        raise FailedPrecondition(
            f"no revision of the budget for {state.academy_id} in {state.academic_year} "
            f"awaits agreement ({shown})"
        )
    if revision != pending.number:
        raise FailedPrecondition(
            f"revision {pending.number} is the one awaiting agreement, not {revision}"
        )
    _require_approver_role(by.role, pending.approver_roles, "agreeing an improvement budget")
    for done in pending.agreed:
        if done.subject == by.subject or done.role == by.role:
            raise FailedPrecondition(
                f"revision {pending.number} was already agreed by {done.subject} "
                f"({role_name(done.role)}); each approver role agrees once"
            )
    in_force = len(pending.awaiting) == 1
    if in_force:
        lines = [
            BudgetLine(line_id=x.line_id, name=x.name, amount_pence=x.amount_pence)
            for x in pending.lines
        ]
        _require_covers_commitments(state, lines)
    return [
        BudgetAgreed(
            trust_id=state.trust_id,
            academy_id=state.academy_id,
            academic_year=state.academic_year,
            revision=pending.number,
            approver=by,
            in_force=in_force,
        )
    ]


# -- over-commitment ------------------------------------------------------------------


@dataclass(frozen=True)
class ApproveOverCommitment:
    approval_id: str
    budget_line: str
    amount_pence: int
    reason: str


def decide_approve_over_commitment(
    state: BudgetState, rules: BudgetRules, by: Approver, command: ApproveOverCommitment
) -> list[EventPayload]:
    if rules.over_commitment == "refuse":
        raise FailedPrecondition(
            "the framework refuses over-commitment (budget.over_commitment: refuse): adjust "
            "the budget instead"
        )
    if rules.over_commitment == "allow_with_warning":
        raise FailedPrecondition(
            "the framework allows commissioning beyond a line with a warning "
            "(allow_with_warning): there is nothing to approve"
        )
    approver = rules.over_commitment_approver or ""
    if by.role != approver:
        raise PermissionDenied(
            f"approving an over-commitment is for the {role_name(approver)}; "
            f"you are {role_name(by.role)}"
        )
    amount = require_pence(command.amount_pence, "amount_pence", positive=True)
    reason = require_text(command.reason, "reason")
    kept = next((o for o in state.over_commitments if o.approval_id == command.approval_id), None)
    if kept is not None:
        if (kept.budget_line, kept.amount_pence, kept.reason) == (
            command.budget_line,
            amount,
            reason,
        ):
            return []  # a retried call
        raise AlreadyExists(f"approval {command.approval_id} already exists")
    require_line_in_force(state, command.budget_line)
    return [
        OverCommitmentApproved(
            trust_id=state.trust_id,
            academy_id=state.academy_id,
            academic_year=state.academic_year,
            approval_id=command.approval_id,
            budget_line=command.budget_line,
            amount_pence=amount,
            reason=reason,
            approver=by,
        )
    ]

"""What every use case starts from: who is asking (as the events name approvers),
whether the academy or trust is in their reach (the access table's row), the
trust's framework in force, and the one way an index row is kept with the
events it reflects.

A provider's reach is its own commissions, whatever academies its token names:
``provider_of`` finds the provider whose contact subject is the caller.
"""

from __future__ import annotations

import datetime as dt

from chassis.access import Access
from chassis.aggregate import Session
from chassis.auth import TRUST_WIDE_ROLES, Principal, Role
from chassis.errors import AlreadyExists, FailedPrecondition, NotFound
from contracts.support.v1 import Approver
from trustfacts.model import AcademyFacts, Standing, TrustFramework, standing_on
from trustfacts.ports import FactsReader

from support.application.ports import Index, IndexRow
from support.entrypoints.access import ACCESS


def approver(principal: Principal) -> Approver:
    """The caller as the budget's events name approvers."""
    return Approver(subject=principal.subject, role=principal.role.value)


def is_provider(principal: Principal) -> bool:
    return principal.role is Role.PROVIDER


async def framework_of(facts: FactsReader, trust_id: str) -> TrustFramework:
    found = await facts.framework(trust_id)
    if found is None:
        raise FailedPrecondition(
            f"trust {trust_id} has no framework known to support yet (not created?)"
        )
    return found


async def academy_known(facts: FactsReader, academy_id: str) -> AcademyFacts:
    academy = await facts.academy(academy_id)
    if academy is None:
        raise NotFound(f"academy {academy_id} is not known to support (not registered?)")
    return academy


async def academy_in_reach(
    facts: FactsReader, principal: Principal, rule: Access, academy_id: str
) -> AcademyFacts:
    """The academy, if the caller reaches it (its trust, and for the roles that
    reach only their academies, one of theirs)."""
    academy = await academy_known(facts, academy_id)
    rule.require_academy(principal, academy.trust_id, academy_id)
    return academy


async def academy_of_trust(facts: FactsReader, trust_id: str, academy_id: str) -> AcademyFacts:
    academy = await academy_known(facts, academy_id)
    if academy.trust_id != trust_id:
        raise NotFound(f"academy {academy_id} is not in trust {trust_id}")
    return academy


async def standing_of(
    facts: FactsReader, framework: TrustFramework, academy_id: str, day: dt.date
) -> Standing:
    return standing_on(framework.framework, await facts.history(academy_id), day)


async def keep(index: Index, session: Session, row: IndexRow) -> None:
    """The index row, in the transaction of the events it reflects."""
    if not await index.save(session.conn, row):
        raise AlreadyExists(f"{row.kind} {row.entity_id} already exists (another's)")


async def require_unclaimed(index: Index, row: IndexRow) -> None:
    """A client-chosen id already naming another owner's thing is refused early."""
    kept = await index.find(row.kind, row.entity_id)
    if kept is not None and kept.owner != row.owner:
        raise AlreadyExists(f"{row.kind} {row.entity_id} already exists")


def reach_of(principal: Principal) -> frozenset[str] | None:
    """The academies a list may show the caller (None: every one of its trust)."""
    return None if principal.role in TRUST_WIDE_ROLES else principal.academies


def allowed(rpc: str, principal: Principal) -> Access:
    """The access table's row for ``rpc``, once the caller's role is in it (the
    bootstrap checked it already; a handler called on its own checks it too)."""
    rule = ACCESS.rule(rpc)
    rule.require_role(principal)
    return rule

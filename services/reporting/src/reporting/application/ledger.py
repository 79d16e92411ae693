"""Reading the support budget ledger of a trust's year.

Scope: the trust-wide roles (trustees, the chief executive, finance) see every
academy; an improvement lead the academies in its token; a headteacher its
own. Naming an academy narrows the ledger to it, if the caller reaches it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from chassis.auth import TRUST_WIDE_ROLES, Principal
from chassis.errors import InvalidArgument
from contracts.rules import ACADEMIC_YEAR_PATTERN

from reporting.domain.ledger import Ledger, LedgerEvent, fold_ledger
from reporting.entrypoints.access import ACCESS

_YEAR = re.compile(ACADEMIC_YEAR_PATTERN)


class LedgerPort(Protocol):
    async def events(self, trust_id: str, academic_year: str) -> Sequence[LedgerEvent]:
        """The trust's ledger events of the year, with the names (of any year)."""
        ...


async def get_ledger(
    ledger: LedgerPort, principal: Principal, trust_id: str, academic_year: str, academy_id: str
) -> Ledger:
    rule = ACCESS.rule("GetLedger")
    if not trust_id:
        raise InvalidArgument("trust_id is required")
    rule.require_trust(principal, trust_id)
    if not _YEAR.fullmatch(academic_year):
        raise InvalidArgument(f"academic_year must be like 2026/27, not {academic_year!r}")
    academies: frozenset[str] | None = (
        None if principal.role in TRUST_WIDE_ROLES else principal.academies
    )
    if academy_id:
        rule.require_academy(principal, trust_id, academy_id)
        academies = frozenset({academy_id})
    events = await ledger.events(trust_id, academic_year)
    return fold_ledger(trust_id, academic_year, events, academies)

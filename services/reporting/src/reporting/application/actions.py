"""Reading the actions open and overdue per owner as of a date, within the
caller's reach: trust-wide roles every academy of their trust, the others (an
improvement lead, a headteacher, a chair) the academies in their token."""

from __future__ import annotations

import datetime as dt
from collections.abc import Set
from dataclasses import dataclass
from typing import Protocol

from chassis import clock
from chassis.auth import TRUST_WIDE_ROLES, Principal
from chassis.errors import InvalidArgument

from reporting.domain.actions import OwnerActions, TrackedAction, owner_actions
from reporting.domain.timeline import ENGLAND
from reporting.entrypoints.access import ACCESS


def today_in_england() -> dt.date:
    """The default as-of date: today where the meetings happen (as meetings has it)."""
    return clock.now().astimezone(ENGLAND).date()


class ActionsPort(Protocol):
    async def open_on(
        self,
        trust_id: str,
        as_of: dt.date,
        academies: Set[str] | None,
        owner_subject: str | None,
    ) -> list[TrackedAction]:
        """The trust's actions open on ``as_of``, in ``academies`` (None: every
        one), of ``owner_subject`` if named."""
        ...


@dataclass(frozen=True)
class ActionsQuery:
    trust_id: str
    as_of: dt.date
    academy_id: str | None = None
    owner_subject: str | None = None


@dataclass(frozen=True)
class OwnerActionsReport:
    as_of: dt.date
    owners: list[OwnerActions]


async def list_owner_actions(
    actions: ActionsPort, principal: Principal, query: ActionsQuery
) -> OwnerActionsReport:
    rule = ACCESS.rule("ListOwnerActions")
    if not query.trust_id:
        raise InvalidArgument("trust_id is required")
    rule.require_trust(principal, query.trust_id)
    academies: Set[str] | None
    if query.academy_id is not None:
        rule.require_academy(principal, query.trust_id, query.academy_id)
        academies = {query.academy_id}
    else:
        academies = None if principal.role in TRUST_WIDE_ROLES else principal.academies
    found = await actions.open_on(query.trust_id, query.as_of, academies, query.owner_subject)
    return OwnerActionsReport(query.as_of, owner_actions(found, query.as_of))

"""A provider logs days delivered on its own commission; support met from the
entitlement uses the academy's entitlement in the same transaction
(EntitlementUsed, use 'delivery', source the delivery id). The short note stays
in support's own table, written in that transaction too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from chassis.aggregate import Decided, Loaded, Session, Target, execute_together, read
from chassis.auth import Principal
from chassis.envelope import CausationContext
from chassis.errors import AlreadyExists, InvalidArgument, NotFound
from chassis.ids import client_or_new_id
from contracts.base import EventPayload

from support.application.commissioning import ATTEMPTS, commission_row
from support.application.ports import COMMISSION, DeliveryNote, Ports
from support.application.reach import allowed, keep
from support.application.reads import commission_view
from support.application.streams import BUDGET, ENTITLEMENT, PROVIDER
from support.application.views import CommissionView
from support.domain import commission as rules
from support.domain import entitlement
from support.domain.budget import BudgetState
from support.domain.commission import require_own

NOTE_MAX = 2000


@dataclass(frozen=True)
class LogDelivery:
    commission_id: str
    delivery_id: str  # client-chosen, or empty for a new one
    delivered_on: dt.date | None  # None: today
    days: Decimal
    note: str


async def log_delivery(
    ports: Ports,
    principal: Principal,
    command: LogDelivery,
    today: dt.date,
    cause: CausationContext,
) -> CommissionView:
    row = await ports.index.find(COMMISSION, command.commission_id)
    if row is None or row.academy_id is None or row.academic_year is None:
        raise NotFound(f"there is no commission {command.commission_id}")
    allowed("LogDelivery", principal).require_trust(principal, row.trust_id)
    provider = (await read(ports.store, PROVIDER, row.provider_id or "")).state
    require_own(provider.known(), principal.subject, command.commission_id)
    note = command.note.strip()
    if len(note) > NOTE_MAX:
        raise InvalidArgument(f"note is {len(note):,} characters; the limit is {NOTE_MAX:,}")
    delivery_id = client_or_new_id(command.delivery_id, "delivery_id")
    wanted = rules.LogDelivery(
        command.commission_id,
        delivery_id,
        command.delivered_on or today,
        command.days,
        bool(note),
    )
    academy_id, year = row.academy_id, row.academic_year
    targets: list[Target[Any]] = [
        Target(BUDGET, (academy_id, year), academy_id),
        Target(ENTITLEMENT, (academy_id, year), academy_id),
    ]

    def decide(loaded: Sequence[Loaded[Any]]) -> list[Sequence[EventPayload]]:
        budget: BudgetState = loaded[0].state
        delivered = rules.decide_delivery(budget, wanted, today)
        used: list[EventPayload] = []
        if delivered and budget.commission(command.commission_id).from_entitlement:
            used = entitlement.decide_use(
                loaded[1].state, "delivery", delivery_id, wanted.days, wanted.delivered_on
            )
        return [delivered, used]

    async def kept(session: Session, decided: Sequence[Decided[Any]]) -> None:
        if not decided[0].events:
            return
        budget: BudgetState = decided[0].state
        await keep(
            ports.index,
            session,
            commission_row(row.trust_id, budget.commissions[command.commission_id]),
        )
        if note:
            saved = DeliveryNote(delivery_id, command.commission_id, note, principal.subject)
            if not await ports.notes.save(session.conn, saved):
                raise AlreadyExists(f"delivery {delivery_id} already exists")

    decided = await execute_together(
        ports.store, targets, decide, cause, after=kept, attempts=ATTEMPTS
    )
    return await commission_view(ports, principal, decided[0].state, command.commission_id)

"""The trust the fault harness loads: one trust on seed 001, academies each with an
agreed budget and its own provider, set up through the gRPC APIs (for
trust_local.fault_load).

Each academy is one load client's own, so a client's commands on it never race
another client's (a race would be a refusal, not a fault finding). Money is
integer pence; the budget line and the provider's capacity are far larger than a
round can use, so no command is refused for want of money or days.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chassis.auth import Role
from trust.academies.v1 import academies_pb2 as apb
from trust.support.v1 import support_pb2 as spb

from trust_local.clients import Caller, PlatformClients, eventually

FRAMEWORK = "seed-001-carter"
BUDGET_LINE = "consultancy"
BUDGET_PENCE = 10_000_000_000  # £100m: never the limit in a round
DAY_RATE_PENCE = 60_000
CAPACITY_DAYS_PER_TERM = "999.99"  # the most a provider may have
# Each commission is a hundredth of a day, so a term's capacity lasts 99,999 of them.
COMMISSION_DAYS = "0.01"
COMMISSION_PENCE = DAY_RATE_PENCE // 100
BUDGET_APPROVERS = (Role.HEADTEACHER, Role.CHIEF_EXECUTIVE, Role.FINANCE)


def uid() -> str:
    return uuid.uuid4().hex[:10]


@dataclass
class LoadAcademy:
    """One academy, its people and the provider commissioned for it."""

    academy_id: str
    head: Caller
    lead: Caller
    chair: Caller
    provider: Caller
    provider_id: str
    head_subject: str
    lead_subject: str
    # Periods already used by SubmitData: one submission per period and return type.
    next_period: int = 0


@dataclass
class LoadWorld:
    trust_id: str
    ceo: Caller
    trustee: Caller
    finance: Caller
    academies: list[LoadAcademy] = field(default_factory=list)
    academic_year: str = ""
    today: dt.date = field(default_factory=dt.date.today)


def _london_today() -> dt.date:
    # Services take "today" in England; 10:00 UTC-safe enough for a test run, and the
    # harness never holds a meeting on a day boundary's wrong side (see fault_load).
    from meetings.domain.calendar import local_day

    return local_day(dt.datetime.now(dt.UTC))


async def build_world(clients: PlatformClients, academies: int) -> LoadWorld:
    from contracts.values import academic_year_of

    trust_id = f"faults-{uid()}"
    today = _london_today()

    def caller(subject: str, role: Role, ids: list[str] | None = None) -> Caller:
        return clients.caller(subject, role, trust_id, ids or [])

    world = LoadWorld(
        trust_id,
        caller(f"ceo@{trust_id}", Role.CHIEF_EXECUTIVE),
        caller(f"trustee@{trust_id}", Role.TRUSTEE),
        caller(f"finance@{trust_id}", Role.FINANCE),
        academic_year=academic_year_of(today),
        today=today,
    )
    await clients.academies.CreateTrust(
        apb.CreateTrustRequest(trust_id=trust_id, name="Fault Trust", framework=FRAMEWORK),
        metadata=world.ceo.metadata,
    )
    made = await asyncio.gather(
        *(_academy(clients, world, index, caller) for index in range(academies))
    )
    world.academies = list(made)
    return world


async def _academy(
    clients: PlatformClients,
    world: LoadWorld,
    index: int,
    caller: Callable[[str, Role, list[str] | None], Caller],
) -> LoadAcademy:
    registered = await clients.academies.RegisterAcademy(
        apb.RegisterAcademyRequest(
            trust_id=world.trust_id,
            urn=f"{400000 + index}",
            name=f"Fault Academy {index}",
            phase_of_education="primary",
            local_authority="Kent",
            date_joined="2015-09-01",
            academy_id=f"{world.trust_id}-a{index}",
        ),
        metadata=world.ceo.metadata,
    )
    academy_id = registered.academy_id
    tag = f"{world.trust_id}-{index}"
    head_subject, lead_subject = f"head-{tag}@school", f"lead-{tag}@trust"
    provider_subject = f"provider-{tag}@providers"
    academy = LoadAcademy(
        academy_id=academy_id,
        head=caller(head_subject, Role.HEADTEACHER, [academy_id]),
        lead=caller(lead_subject, Role.IMPROVEMENT_LEAD, [academy_id]),
        chair=caller(f"chair-{tag}@school", Role.CHAIR_OF_LGB, [academy_id]),
        provider=caller(provider_subject, Role.PROVIDER, [academy_id]),
        provider_id=f"prov-{tag}",
        head_subject=head_subject,
        lead_subject=lead_subject,
    )
    s = clients.support
    await s.RegisterProvider(
        spb.RegisterProviderRequest(
            trust_id=world.trust_id,
            name=f"Provider {tag}",
            kind="consultant",
            contact_subject=provider_subject,
            specialisms=["attendance"],
            day_rate_pence=DAY_RATE_PENCE,
            capacity_days_per_term=CAPACITY_DAYS_PER_TERM,
            provider_id=academy.provider_id,
        ),
        metadata=academy.lead.metadata,
    )
    for check in ("dbs", "references"):
        await s.RecordDueDiligence(
            spb.RecordDueDiligenceRequest(
                provider_id=academy.provider_id,
                check=check,
                outcome="passed",
                checked_on=world.today.isoformat(),
                expires_on=(world.today + dt.timedelta(days=700)).isoformat(),
            ),
            metadata=world.finance.metadata,
        )
    # Support learns the academy from the register's events (Kafka): wait for it.
    await eventually(
        lambda: s.ProposeBudget(
            spb.ProposeBudgetRequest(
                academy_id=academy_id,
                academic_year=world.academic_year,
                lines=[
                    spb.BudgetLineInput(
                        line_id=BUDGET_LINE, name="Consultancy", amount_pence=BUDGET_PENCE
                    )
                ],
                reason="fault harness",
            ),
            metadata=world.finance.metadata,
        ),
        timeout=60,
    )
    approvers = {
        Role.HEADTEACHER: academy.head,
        Role.CHIEF_EXECUTIVE: world.ceo,
        Role.FINANCE: world.finance,
    }
    for role in BUDGET_APPROVERS:
        await s.AgreeBudget(
            spb.AgreeBudgetRequest(
                academy_id=academy_id, academic_year=world.academic_year, revision=1
            ),
            metadata=approvers[role].metadata,
        )
    return academy


async def known_everywhere(clients: PlatformClients, world: LoadWorld) -> None:
    """Wait until evaluations knows every academy (from Kafka)."""
    from trust.evaluations.v1 import evaluations_pb2 as epb

    for academy in world.academies:
        request = epb.GetPhaseRequest(academy_id=academy.academy_id)

        def phase(request: epb.GetPhaseRequest = request) -> Any:
            return clients.evaluations.GetPhase(request, metadata=world.ceo.metadata)

        await eventually(phase, timeout=60)

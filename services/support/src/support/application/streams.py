"""The support service's four stream kinds, each declared once, and where their
events go.

| stream | on | key |
|---|---|---|
| ``entitlement-<academy>+<year>`` | support.academy | academy |
| ``request-<request id>`` | support.academy | academy |
| ``budget-<academy>+<year>`` (the account: revisions, commissions, deliveries) | support.academy | academy |
| ``provider-<provider id>`` (capacity, due diligence, invoices) | support.provider | provider |

Stream names follow the chassis grammar (chassis.streams); the version is
chassis.aggregate's.
"""

from __future__ import annotations

from chassis.aggregate import Aggregate
from chassis.envelope import EventEnvelope
from chassis.streams import category_of
from contracts.support.v1 import ACADEMY_TOPIC, PROVIDER_TOPIC, SUPPORT_EVENTS

from support.domain import budget, entitlement, provider, request
from support.domain.budget import BudgetState
from support.domain.entitlement import EntitlementState
from support.domain.provider import ProviderState
from support.domain.request import RequestState

ENTITLEMENT = Aggregate[EntitlementState](
    "entitlement", SUPPORT_EVENTS, entitlement.initial, entitlement.evolve
)
REQUEST = Aggregate[RequestState]("request", SUPPORT_EVENTS, request.initial, request.evolve)
PROVIDER = Aggregate[ProviderState]("provider", SUPPORT_EVENTS, provider.initial, provider.evolve)
BUDGET = Aggregate[BudgetState]("budget", SUPPORT_EVENTS, budget.initial, budget.evolve)


def topic_for(envelope: EventEnvelope) -> str:
    """A provider's events on support.provider; everything else concerns one
    academy and goes on support.academy."""
    return PROVIDER_TOPIC if category_of(envelope.stream) == PROVIDER.category else ACADEMY_TOPIC


TOPICS = (ACADEMY_TOPIC, PROVIDER_TOPIC)

"""What meetings does with the events it consumes: keep the shared facts (the
register, the trusts' frameworks, each academy's phases and formal
interventions: trustfacts.recorder), then bring the diaries those facts concern
in line with the cadence (scheduling.py). Never another service's database:
only its events.

Events of the register and of evaluations come on different topics, so their
order across topics is not guaranteed: a fact is kept whatever came first, and
a diary is reconciled only once the academy and its trust's framework are both
known (the framework's adoption reconciles every open academy of the trust).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from chassis.aggregate import EventStore
from contracts.base import EventPayload
from trustfacts.model import TrustFramework
from trustfacts.ports import FactsWriter
from trustfacts.recorder import record_fact

from meetings.application.ports import MeetingList
from meetings.application.scheduling import Outcome, Trigger, reconcile_party
from meetings.domain.facts import party_of, trust
from meetings.domain.supplements import meeting_types

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reactor:
    """The consumer's side of the service, inside one transaction."""

    store: EventStore
    facts: FactsWriter
    meetings: MeetingList

    async def react(self, event: EventPayload, trigger: Trigger) -> Outcome:
        """Keep the fact, then reconcile what it concerns (a name or a phase of
        education changes no meeting; data, plans, inspections are not facts)."""
        change = await record_fact(self.facts, event, trigger.on)
        if change is None or change.kind == "details":
            return Outcome()
        if change.framework is not None:
            return await self._framework_adopted(change.framework, trigger)
        assert change.academy_id is not None
        return await self._reconcile(change.academy_id, trigger)

    async def _framework_adopted(self, framework: TrustFramework, trigger: Trigger) -> Outcome:
        """The trust's trust-wide series, and every open academy's diary, under the
        new version (an older version arriving late was not adopted: no change)."""
        outcome = Outcome()
        if meeting_types(framework, trust_wide=True):
            party = trust(framework.trust_id)
            outcome += await reconcile_party(self.store, self.meetings, framework, party, trigger)
        for academy in await self.facts.open_academies(framework.trust_id):
            outcome += await self._reconcile(academy.academy_id, trigger)
        return outcome

    async def _reconcile(self, academy_id: str, trigger: Trigger) -> Outcome:
        academy = await self.facts.academy(academy_id)
        if academy is None:
            return Outcome()  # its registration has not come yet: it will reconcile then
        framework = await self.facts.framework(academy.trust_id)
        if framework is None:
            return Outcome()  # the framework's adoption will reconcile it
        party = party_of(framework, academy, await self.facts.history(academy_id))
        return await reconcile_party(self.store, self.meetings, framework, party, trigger)

"""What meetings does with the events it consumes: keep its own facts (the
register, the trusts' frameworks, each academy's phases and formal
interventions), then bring the diaries those facts concern in line with the
cadence (scheduling.py). Never another service's database: only its events.

Events of the register and of evaluations come on different topics, so their
order across topics is not guaranteed: a fact is kept whatever came first, and
a diary is reconciled only once the academy and its trust's framework are both
known (the framework's adoption reconciles every open academy of the trust).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from chassis.aggregate import EventStore
from contracts.academies.v1 import (
    AcademyDetailsChanged,
    AcademyLeftTrust,
    AcademyRegistered,
)
from contracts.base import EventPayload
from contracts.evaluations.v1 import (
    FormalInterventionEnded,
    FormalInterventionStarted,
    PhaseChanged,
)

from meetings.application.ports import FactsWriter, MeetingList
from meetings.application.scheduling import Outcome, Trigger, reconcile_party
from meetings.domain.facts import AcademyFacts, PhaseEvent, TrustFramework, party_of, trust

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reactor:
    """The consumer's side of the service, inside one transaction."""

    store: EventStore
    facts: FactsWriter
    meetings: MeetingList

    async def framework_adopted(self, framework: TrustFramework, trigger: Trigger) -> Outcome:
        """The trust's trust-wide series, and every open academy's diary, under the
        new version (an older version arriving late changes nothing)."""
        if not await self.facts.adopt(framework):
            return Outcome()
        outcome = Outcome()
        if framework.meeting_types(trust_wide=True):
            party = trust(framework.trust_id)
            outcome += await reconcile_party(self.store, self.meetings, framework, party, trigger)
        for academy in await self.facts.open_academies(framework.trust_id):
            outcome += await self._reconcile(academy.academy_id, trigger)
        return outcome

    async def on_register(self, event: EventPayload, trigger: Trigger) -> Outcome:
        if isinstance(event, AcademyRegistered):
            await self.facts.register(
                AcademyFacts(
                    academy_id=event.academy_id,
                    trust_id=event.trust_id,
                    name=event.name,
                    phase_of_education=event.phase_of_education,
                    joined_on=event.date_joined,
                )
            )
            return await self._reconcile(event.academy_id, trigger)
        if isinstance(event, AcademyDetailsChanged):
            await self.facts.change_details(event.academy_id, event.name, event.phase_of_education)
            return Outcome()
        if isinstance(event, AcademyLeftTrust):
            await self.facts.leave(event.academy_id, event.date_left)
            return await self._reconcile(event.academy_id, trigger)
        return Outcome()  # data, plans, inspections: not meetings' business

    async def on_evaluation(self, event: EventPayload, trigger: Trigger) -> Outcome:
        found: tuple[str, PhaseEvent] | None = None
        if isinstance(event, PhaseChanged) and event.subject is None:
            # The academy's phase as a whole; a subject's phase (seed 001) does not
            # change which meetings the academy has.
            found = event.academy_id, PhaseEvent(trigger.on, phase=event.new_phase)
        elif isinstance(event, FormalInterventionStarted):
            found = (
                event.academy_id,
                PhaseEvent(
                    event.started_on, intervention_id=event.intervention_id, intervention_open=True
                ),
            )
        elif isinstance(event, FormalInterventionEnded):
            found = (
                event.academy_id,
                PhaseEvent(
                    event.ended_on, intervention_id=event.intervention_id, intervention_open=False
                ),
            )
        if found is None:
            return Outcome()
        academy_id, phase_event = found
        await self.facts.record(academy_id, phase_event)
        return await self._reconcile(academy_id, trigger)

    async def _reconcile(self, academy_id: str, trigger: Trigger) -> Outcome:
        academy = await self.facts.academy(academy_id)
        if academy is None:
            return Outcome()  # its registration has not come yet: it will reconcile then
        framework = await self.facts.framework(academy.trust_id)
        if framework is None:
            return Outcome()  # the framework's adoption will reconcile it
        party = party_of(framework, academy, await self.facts.history(academy_id))
        return await reconcile_party(self.store, self.meetings, framework, party, trigger)

"""What support does with the events it consumes: keep the facts (trustfacts:
the register, the trusts' frameworks, each academy's phases and formal
interventions), then bring the entitlement of the year in line; and record the
days a meeting held used.

It runs inside the consumer's transaction (the store, facts and index given are
bound to it), so the inbox row, the facts and the entitlement events commit
together. A redelivered event is stopped by the inbox; a replayed one changes
nothing (a grant or adjustment that changes nothing appends nothing, a use is
keyed by its meeting id).

Which day: the day the consumed event happened in England, except a formal
intervention's own start or end day. The change a fact makes to an entitlement:
a phase (the academy as a whole) -> phase_changed; an intervention started or
ended; a new framework version -> framework_changed for every open academy of
the trust; a registration -> the grant only.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from chassis.aggregate import EventStore
from chassis.envelope import Actor, CausationContext
from chassis.errors import DomainError
from contracts.base import EventPayload
from contracts.evaluations.v1 import FormalInterventionEnded, FormalInterventionStarted
from contracts.meetings.v1 import MeetingHeld
from trustfacts.ports import FactsWriter
from trustfacts.recorder import FactChange, record_fact

from support.application.entitlements import bring_in_line, use_for_meeting
from support.application.ports import Index

log = logging.getLogger(__name__)

ENTITLEMENTS = Actor(subject="support-entitlements", role="service")

CHANGES = {
    "registered": None,
    "phase": "phase_changed",
    "intervention_started": "formal_intervention_started",
    "intervention_ended": "formal_intervention_ended",
    "framework": "framework_changed",
}


@dataclass(frozen=True)
class Trigger:
    """The consumed event: its id (the causation), correlation, and its day."""

    event_id: str
    correlation_id: str
    on: dt.date
    what: str = ""

    @property
    def cause(self) -> CausationContext:
        return CausationContext(ENTITLEMENTS, self.correlation_id, self.event_id)


def _effective_on(event: EventPayload, on: dt.date) -> dt.date:
    if isinstance(event, FormalInterventionStarted):
        return event.started_on
    if isinstance(event, FormalInterventionEnded):
        return event.ended_on
    return on


@dataclass(frozen=True)
class Reactor:
    """The consumer's side of the service, inside one transaction."""

    store: EventStore
    facts: FactsWriter
    index: Index

    async def react(self, event: EventPayload, trigger: Trigger) -> list[EventPayload]:
        if isinstance(event, MeetingHeld):
            return await use_for_meeting(self.store, self.index, self.facts, event, trigger.cause)
        change = await record_fact(self.facts, event, trigger.on)
        if change is None or change.kind not in CHANGES:
            return []
        try:
            appended = await self._in_line(change, _effective_on(event, trigger.on), trigger)
        except DomainError as error:
            # The fact is kept whatever: the entitlement is brought in line by the next one.
            log.warning(
                "entitlements left as they are after %s %s: %s",
                trigger.what,
                trigger.event_id,
                error.message,
            )
            return []
        if appended:
            log.info(
                "entitlements in line after %s %s: %d events",
                trigger.what,
                trigger.event_id,
                len(appended),
            )
        return appended

    async def _in_line(
        self, change: FactChange, on: dt.date, trigger: Trigger
    ) -> list[EventPayload]:
        kind = CHANGES[change.kind]
        if change.academy_id is not None:
            return await bring_in_line(
                self.store, self.index, self.facts, change.academy_id, on, kind, trigger.cause
            )
        appended: list[EventPayload] = []
        for academy in await self.facts.open_academies(change.trust_id or ""):
            appended += await bring_in_line(
                self.store, self.index, self.facts, academy.academy_id, on, kind, trigger.cause
            )
        return appended

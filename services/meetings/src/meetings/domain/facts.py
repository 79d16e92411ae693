"""Whose meetings, and where each stood: the Party the schedule works on.

The register, the trusts' frameworks and the phase histories are the shared
facts (trustfacts.model, kept by the consumer from the academies and
evaluations services' events); ``party_of`` folds an academy's register facts
and its phase history into a Party.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from trust_frameworks.model import Framework
from trust_frameworks.schemes import JudgementScheme
from trustfacts.model import AcademyFacts, PhaseEvent, TrustFramework, standing, standings


@dataclass(frozen=True)
class PhaseFact:
    """From ``since`` on (until the next fact), where the academy stood."""

    since: dt.date
    phase: str | None
    less_than_good: bool
    formal_intervention: bool = False


def phase_fact(
    framework: Framework, since: dt.date, phase: str | None, formal_intervention: bool = False
) -> PhaseFact:
    """A fact whose 'less than good' is the framework's word for the phase."""
    found = standing(framework, phase, formal_intervention)
    return PhaseFact(since, phase, found.less_than_good, formal_intervention)


@dataclass(frozen=True)
class Party:
    """Whose meetings: an academy (while in the trust), or the trust for its
    trust-wide meetings (``academy_id`` None)."""

    trust_id: str
    academy_id: str | None = None
    joined_on: dt.date | None = None
    left_on: dt.date | None = None
    facts: Sequence[PhaseFact] = field(default_factory=tuple)

    @property
    def trust_wide(self) -> bool:
        return self.academy_id is None

    @property
    def owner(self) -> str:
        """The id that keys its events: the academy's, or the trust's."""
        return self.academy_id or self.trust_id

    def member_on(self, day: dt.date) -> bool:
        if self.joined_on is not None and day < self.joined_on:
            return False
        return self.left_on is None or day <= self.left_on

    def fact_on(self, day: dt.date) -> PhaseFact | None:
        """The fact in force on ``day``; None before the first (nothing known: good)."""
        found = None
        for fact in sorted(self.facts, key=lambda f: f.since):
            if fact.since <= day:
                found = fact
        return found

    def changes(self) -> list[dt.date]:
        """Every day from which something may apply differently."""
        days = {f.since for f in self.facts}
        if self.joined_on is not None:
            days.add(self.joined_on)
        if self.left_on is not None:
            days.add(self.left_on + dt.timedelta(days=1))
        return sorted(days)


def academy(
    trust_id: str,
    academy_id: str,
    facts: Sequence[PhaseFact] = (),
    joined_on: dt.date | None = None,
    left_on: dt.date | None = None,
) -> Party:
    return Party(trust_id, academy_id, joined_on, left_on, tuple(facts))


def trust(trust_id: str) -> Party:
    return Party(trust_id)


def applicable_areas(scheme: JudgementScheme, academy: AcademyFacts) -> frozenset[str]:
    """The scheme's areas that apply to the academy (early years, sixth form)."""
    return frozenset(area.id for area in scheme.areas_for(academy.phase_of_education))


def phase_facts(framework: Framework, history: Sequence[PhaseEvent]) -> list[PhaseFact]:
    """Where the academy stood from each event on (folded in the order they came)."""
    return [
        PhaseFact(event.on, s.phase, s.less_than_good, s.formal_intervention)
        for event, s in standings(framework, history)
    ]


def party_of(
    framework: TrustFramework, facts: AcademyFacts, history: Sequence[PhaseEvent]
) -> Party:
    """The academy as the schedule sees it: in the trust from joining to leaving,
    in its phases (and interventions) as evaluations decided them."""
    return academy(
        facts.trust_id,
        facts.academy_id,
        phase_facts(framework.framework, history),
        joined_on=facts.joined_on,
        left_on=facts.left_on,
    )

"""What meetings knows of the trust, its framework and its academies, from events.

The register and the framework come from the academies service's events, the
phases and formal interventions from evaluations' (an idempotent consumer
keeps them); the domain only ever sees these values. ``party_of`` folds an
academy's register facts and its phase history into the Party the schedule
works on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from trust_frameworks.model import Framework, MeetingType
from trust_frameworks.schemes import JudgementScheme

from meetings.domain.supplements import Supplement, supplement_for


@dataclass(frozen=True)
class TrustFramework:
    """The trust's framework in force, its version, and what the model cannot say."""

    trust_id: str
    version: int
    framework: Framework
    based_on_preset: str = ""

    @property
    def supplement(self) -> Supplement:
        return supplement_for(self.based_on_preset or self.framework.id)

    @property
    def scheme(self) -> JudgementScheme:
        return self.framework.scheme

    def meeting_type(self, type_id: str) -> MeetingType | None:
        return self.framework.meeting_type(type_id)

    def is_trust_wide(self, type_id: str) -> bool:
        return type_id in self.supplement.trust_wide

    def meeting_types(self, trust_wide: bool) -> list[MeetingType]:
        """The types held per academy (or, with ``trust_wide``, once for the trust)."""
        return [m for m in self.framework.meeting_types if self.is_trust_wide(m.id) == trust_wide]


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
    found = framework.phase(phase) if phase else None
    return PhaseFact(since, phase, bool(found and found.less_than_good), formal_intervention)


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


# -- the register and the phase history, as consumed ----------------------------------------


@dataclass(frozen=True)
class AcademyFacts:
    academy_id: str
    trust_id: str
    name: str
    phase_of_education: str
    joined_on: dt.date
    left_on: dt.date | None = None

    @property
    def is_open(self) -> bool:
        return self.left_on is None


def applicable_areas(scheme: JudgementScheme, academy: AcademyFacts) -> frozenset[str]:
    """The scheme's areas that apply to the academy (early years, sixth form)."""
    return frozenset(area.id for area in scheme.areas_for(academy.phase_of_education))


@dataclass(frozen=True)
class PhaseEvent:
    """One of evaluations' decisions about the academy as a whole, from ``on``: a
    new phase, or a formal intervention started (``intervention_open``) or ended."""

    on: dt.date
    phase: str | None = None
    intervention_id: str | None = None
    intervention_open: bool = False


def phase_facts(framework: Framework, history: Sequence[PhaseEvent]) -> list[PhaseFact]:
    """Where the academy stood from each event on (in the order they happened)."""
    phase: str | None = None
    open_interventions: set[str] = set()
    facts = []
    for event in history:
        if event.phase is not None:
            phase = event.phase
        if event.intervention_id is not None:
            if event.intervention_open:
                open_interventions.add(event.intervention_id)
            else:
                open_interventions.discard(event.intervention_id)
        facts.append(phase_fact(framework, event.on, phase, bool(open_interventions)))
    return facts


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

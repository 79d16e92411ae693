"""The facts a consuming service keeps of other services' decisions.

The register (academies) and each trust's framework come from the academies
service's events; each academy's phases and formal interventions from
evaluations'. A consumer keeps them as these plain values (recorder.py writes
them through ports.FactsWriter), and its domain only ever sees these values,
never another service's database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from trust_frameworks.model import Framework, MeetingType
from trust_frameworks.schemes import JudgementScheme


@dataclass(frozen=True)
class AcademyFacts:
    """An academy as the register has it: whose, what, and from when until when."""

    academy_id: str
    trust_id: str
    name: str
    phase_of_education: str
    joined_on: dt.date
    left_on: dt.date | None = None

    @property
    def is_open(self) -> bool:
        """Still in the trust (it has not left)."""
        return self.left_on is None


@dataclass(frozen=True)
class PhaseEvent:
    """One of evaluations' decisions about the academy as a whole, from ``on``: a
    new phase, or a formal intervention started (``intervention_open``) or ended."""

    on: dt.date
    phase: str | None = None
    intervention_id: str | None = None
    intervention_open: bool = False


@dataclass(frozen=True)
class TrustFramework:
    """The trust's framework in force and its version (events that depend on
    rules name the version), with the preset it was based on: what the model
    cannot yet say is looked up by preset (meetings' supplements)."""

    trust_id: str
    version: int
    framework: Framework
    based_on_preset: str = ""

    @property
    def scheme(self) -> JudgementScheme:
        return self.framework.scheme

    def meeting_type(self, type_id: str) -> MeetingType | None:
        return self.framework.meeting_type(type_id)


@dataclass(frozen=True)
class Standing:
    """Where an academy stood: its phase (None: none decided yet, which counts as
    good), the phase's support tier and 'less than good' in the framework's
    words, and whether any formal intervention was open."""

    phase: str | None = None
    support_tier: str | None = None
    less_than_good: bool = False
    formal_intervention: bool = False


NOTHING_KNOWN = Standing()


def standing(framework: Framework, phase: str | None, formal_intervention: bool) -> Standing:
    """The phase in the framework's words (a phase it does not know: no tier, good)."""
    found = framework.phase(phase) if phase else None
    return Standing(
        phase,
        found.support_tier if found else None,
        bool(found and found.less_than_good),
        formal_intervention,
    )


def standings(
    framework: Framework, history: Sequence[PhaseEvent]
) -> list[tuple[PhaseEvent, Standing]]:
    """Each event with where the academy stood after it, folding the history in
    the order it came: a phase event sets the phase, an intervention event opens
    or closes that intervention (by id, so an end repeated or out of order closes
    nothing else)."""
    phase: str | None = None
    open_interventions: set[str] = set()
    found = []
    for event in history:
        if event.phase is not None:
            phase = event.phase
        if event.intervention_id is not None:
            if event.intervention_open:
                open_interventions.add(event.intervention_id)
            else:
                open_interventions.discard(event.intervention_id)
        found.append((event, standing(framework, phase, bool(open_interventions))))
    return found


def standing_on(framework: Framework, history: Sequence[PhaseEvent], day: dt.date) -> Standing:
    """Where the academy stood on ``day``: the history folded in its order, up to
    and including ``day`` (an event dated later is not yet in force)."""
    folded = standings(framework, [event for event in history if event.on <= day])
    return folded[-1][1] if folded else NOTHING_KNOWN

"""What the seeds say about meetings that the framework model cannot yet say.

The framework model (frameworks/src/trust_frameworks/model.py) describes a
meeting type's cadence and who it applies to, but it cannot say:

- that a type is **trust-wide**: one series for the whole trust, not one per
  academy (seed 002: "All Heads meet bi-weekly ... (Executive Team meetings)");
- that one type **stands in for** another's meeting in a term (seed 004:
  "at least three partnership visits per year ... (including the Roundtable)
  ... The summer term visit will take place in the format of a 'roundtable
  evaluation'"): the summer partnership visit *is* the roundtable;
- that a type is held **only on request** for the academies it names (seed
  003: category 1 academies "retain the right ... to request support", with
  "required meetings ... minimal"), where the model's ``on_request`` means
  "also on request" (seed 000's iAIMs: required when less than good, and "as
  agreed/requested in good/outstanding academies");
- in which **term** a once-a-year type falls (seed 002: self-evaluation and
  the annual review are "always the starting point" of the year).

Until the model carries these (proposed: ``MeetingType.scope: academy |
trust``, ``MeetingType.stands_in_for: {type, term}``, ``AppliesTo.on_request``
as "only on request" with ``also_on_request`` beside it, ``Cadence.terms``),
they are kept here, per preset, citing the seed, and applied only to
frameworks based on that preset that still have those meeting types.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from trust_frameworks.model import MeetingType
from trustfacts.model import TrustFramework


@dataclass(frozen=True)
class Supplement:
    trust_wide: frozenset[str] = frozenset()
    # type -> (the type whose meeting it takes the place of, in which term)
    stands_in_for: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    on_request_only: frozenset[str] = frozenset()
    # type -> the term all its meetings fall in
    in_term: Mapping[str, str] = field(default_factory=dict)


NONE = Supplement()

SUPPLEMENTS: dict[str, Supplement] = {
    "seed-002-sussex": Supplement(
        trust_wide=frozenset({"heads_executive_meeting"}),  # seed 002: "All Heads meet bi-weekly"
        in_term={"annual_review": "autumn"},  # seed 002: "Always the starting point"
    ),
    "seed-003-aspire": Supplement(
        on_request_only=frozenset({"requested_review"}),  # seed 003: "the right ... to request"
    ),
    "seed-004-focus": Supplement(
        # seed 004: "The summer term visit will take place in the format of a 'roundtable'"
        stands_in_for={"roundtable": ("partnership_visit", "summer")},
    ),
}


def supplement_for(preset: str) -> Supplement:
    return SUPPLEMENTS.get(preset, NONE)


def supplement(framework: TrustFramework) -> Supplement:
    """What the trust's framework cannot say, by the preset it was based on (or,
    for a preset itself, its own id)."""
    return supplement_for(framework.based_on_preset or framework.framework.id)


def is_trust_wide(framework: TrustFramework, type_id: str) -> bool:
    return type_id in supplement(framework).trust_wide


def meeting_types(framework: TrustFramework, trust_wide: bool) -> list[MeetingType]:
    """The types held per academy (or, with ``trust_wide``, once for the trust)."""
    return [
        m for m in framework.framework.meeting_types if is_trust_wide(framework, m.id) == trust_wide
    ]

"""The facts in memory (ports.FactsWriter), for application tests without a
database: a service's handlers run against this exactly as against
postgres.PostgresFacts, with the same order (the contract test says so). Not
transactional: a write lands when it is called.

Its dictionaries are public so a test can set the scene directly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from trustfacts.model import AcademyFacts, PhaseEvent, TrustFramework


@dataclass
class InMemoryFacts:
    """FactsWriter (and so FactsReader)."""

    academies: dict[str, AcademyFacts] = field(default_factory=dict)
    frameworks: dict[str, TrustFramework] = field(default_factory=dict)
    histories: dict[str, list[PhaseEvent]] = field(default_factory=dict)

    async def academy(self, academy_id: str) -> AcademyFacts | None:
        return self.academies.get(academy_id)

    async def open_academies(self, trust_id: str) -> list[AcademyFacts]:
        found = [a for a in self.academies.values() if a.trust_id == trust_id and a.is_open]
        return sorted(found, key=lambda a: (a.name, a.academy_id))

    async def framework(self, trust_id: str) -> TrustFramework | None:
        return self.frameworks.get(trust_id)

    async def history(self, academy_id: str) -> list[PhaseEvent]:
        return list(self.histories.get(academy_id, ()))

    async def adopt(self, framework: TrustFramework) -> bool:
        kept = self.frameworks.get(framework.trust_id)
        if kept is not None and kept.version >= framework.version:
            return False
        self.frameworks[framework.trust_id] = framework
        return True

    async def register(self, academy: AcademyFacts) -> None:
        self.academies.setdefault(academy.academy_id, academy)

    async def change_details(
        self, academy_id: str, name: str | None, phase_of_education: str | None
    ) -> None:
        found = self.academies.get(academy_id)
        if found is not None:
            self.academies[academy_id] = replace(
                found,
                name=found.name if name is None else name,
                phase_of_education=(
                    found.phase_of_education if phase_of_education is None else phase_of_education
                ),
            )

    async def leave(self, academy_id: str, left_on: dt.date) -> None:
        found = self.academies.get(academy_id)
        if found is not None:
            self.academies[academy_id] = replace(found, left_on=left_on)

    async def record(self, academy_id: str, event: PhaseEvent) -> None:
        self.histories.setdefault(academy_id, []).append(event)

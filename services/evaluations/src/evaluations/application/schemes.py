"""The judgement scheme a trust judges its academies on, and the areas that
apply to each academy the caller reaches."""

from __future__ import annotations

from dataclasses import dataclass

from chassis.auth import Principal
from chassis.errors import NotFound
from trust_frameworks.schemes import Area

from evaluations.application.ports import AcademyFactsPort, TrustFrameworksPort
from evaluations.application.record import academy_in_reach
from evaluations.domain.facts import AcademyFacts, TrustFramework, applicable_areas
from evaluations.entrypoints.access import ACCESS


@dataclass(frozen=True)
class SchemeInForce:
    """The trust's framework in force, and the scheme's areas that apply to each academy."""

    trust: TrustFramework
    academies: list[tuple[AcademyFacts, list[Area]]]


async def judgement_scheme(
    academies: AcademyFactsPort,
    frameworks: TrustFrameworksPort,
    principal: Principal,
    trust_id: str,
    academy_id: str = "",
) -> SchemeInForce:
    """The trust's scheme in force, and which of its areas apply to the academy
    (or to every open academy of the trust the caller reaches)."""
    rule = ACCESS.rule("GetJudgementScheme")
    rule.require_trust(principal, trust_id)
    if academy_id:
        academy, trust = await academy_in_reach(academies, frameworks, principal, rule, academy_id)
        chosen = [academy]
    else:
        found = await frameworks.framework(trust_id)
        if found is None:
            raise NotFound(f"trust {trust_id} has no framework known to evaluations (not created?)")
        trust = found
        chosen = [
            a
            for a in await academies.open_academies(trust_id)
            if principal.reaches(a.trust_id, a.academy_id)
        ]
    scheme = trust.framework.scheme
    return SchemeInForce(trust, [(a, applicable_areas(scheme, a)) for a in chosen])

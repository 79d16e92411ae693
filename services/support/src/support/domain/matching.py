"""Which of the trust's providers could meet a request, best first, and why.

Candidates: the trust's providers with the request's need area among their
specialisms. A candidate cannot be commissioned (rank 0) when it declared a
conflict with the academy, its due diligence is not valid on the day, it has no
capacity left in the term, or it is the academy itself (a capacity-giving
academy whose home is the one asking). The rest are ranked: internal before
external, then more capacity left in the term, then the lower day rate, then
the name. Each match says why, in words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from support.domain.provider import ProviderState
from support.domain.values import academic_year_of, days_text, pounds, term_label, term_of


@dataclass(frozen=True)
class Match:
    provider: ProviderState
    rank: int  # 1 = best; 0 for those that cannot be commissioned
    reasons: tuple[str, ...]
    obstacles: tuple[str, ...]
    capacity_left: Decimal

    @property
    def can_commission(self) -> bool:
        return not self.obstacles


def _kind(kind: str) -> str:
    return kind.replace("_", " ")


def _article(words: str) -> str:
    return f"an {words}" if words[:1] in "aeiou" else f"a {words}"


def _assess(
    provider: ProviderState, need_area: str, academy_id: str, on: dt.date
) -> tuple[list[str], list[str], Decimal]:
    details = provider.known()
    year, term = academic_year_of(on), term_of(on)
    left = provider.left_in(year, term)
    where = "internal" if details.internal else "external"
    reasons = [
        f"{where}: {_article(_kind(details.kind))}",
        f"{days_text(left)} days left in {term_label(on)}",
        f"day rate {pounds(details.day_rate_pence)}",
        f"specialism: {need_area}",
    ]
    obstacles = []
    conflict = provider.conflicts.get(academy_id)
    if conflict is not None:
        obstacles.append(
            f"declared a conflict of interest with {academy_id} on {conflict.declared_on}"
        )
    problem = provider.due_diligence_problem(on)
    if problem is None:
        expires = provider.due_diligence_expires_on
        reasons.append(f"due diligence valid until {expires}")
    else:
        obstacles.append(f"due diligence not valid on {on}: {problem}")
    if left <= 0:
        obstacles.append(f"no capacity left in {term_label(on)}")
    if details.kind == "capacity_giver_academy" and details.home_academy_id == academy_id:
        obstacles.append("it is the academy itself")
    return reasons, obstacles, left


def match(
    providers: Iterable[ProviderState], need_area: str, academy_id: str, on: dt.date
) -> list[Match]:
    """The candidates, those that can be commissioned first by rank, then the rest
    by name."""
    able: list[tuple[ProviderState, list[str], Decimal]] = []
    unable: list[Match] = []
    for provider in providers:
        details = provider.details
        if details is None or need_area not in details.specialisms:
            continue
        reasons, obstacles, left = _assess(provider, need_area, academy_id, on)
        if obstacles:
            unable.append(Match(provider, 0, tuple(reasons), tuple(obstacles), left))
        else:
            able.append((provider, reasons, left))

    def order(item: tuple[ProviderState, list[str], Decimal]) -> tuple[object, ...]:
        provider, _reasons, left = item
        details = provider.known()
        return (
            not details.internal,
            -left,
            details.day_rate_pence,
            details.name,
            provider.provider_id,
        )

    ranked = [
        Match(provider, rank, tuple(reasons), (), left)
        for rank, (provider, reasons, left) in enumerate(sorted(able, key=order), start=1)
    ]
    unable.sort(key=lambda m: (m.provider.known().name, m.provider.provider_id))
    return [*ranked, *unable]

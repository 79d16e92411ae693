"""Reading the board's termly RAG report as at a date.

Three readings of the facts make one report: as known at the end of the date
(what the board saw), last term's as known at that term's end (the change
since last term), and, for a past date, the same date as known now (what was
recorded since: corrections, late judgements). Spend is the support ledger's,
folded from the events known at the date.

Scope: trustees, the chief executive and finance the whole trust; an
improvement lead the academies in its token; a headteacher or a chair of the
LGB their own. Naming an academy narrows the report to it, if the caller
reaches it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from chassis.auth import TRUST_WIDE_ROLES, Principal
from chassis.errors import FailedPrecondition, InvalidArgument
from contracts.rules import ACADEMIC_YEAR_PATTERN
from trust_frameworks.model import Framework

from reporting.application.ledger import LedgerPort
from reporting.domain import board_facts as kinds
from reporting.domain.board_facts import Fact
from reporting.domain.board_report import (
    TERMS,
    BoardReport,
    Spend,
    board_report,
    previous_term,
    term_end,
    with_history,
)
from reporting.domain.ledger import fold_ledger
from reporting.domain.timeline import ENGLAND
from reporting.entrypoints.access import ACCESS

_YEAR = re.compile(ACADEMIC_YEAR_PATTERN)
# A framework version never changes once adopted: parse each once per process.
_FRAMEWORKS: dict[tuple[str, int], Framework] = {}


class BoardFacts(Protocol):
    async def facts(self, trust_id: str, years: Sequence[str], known_by: dt.datetime) -> list[Fact]:
        """The trust's facts of these years (and timeless ones), as known by then."""
        ...


@dataclass(frozen=True)
class BoardQuery:
    trust_id: str
    academic_year: str
    term: str
    as_of: str = ""  # ISO date; empty: today, or the term's end if earlier
    academy_id: str = ""


def end_of(day: dt.date) -> dt.datetime:
    """The last moment of a day in England: what was recorded by then counts."""
    return dt.datetime.combine(day, dt.time.max, ENGLAND)


def _framework(trust_id: str, facts: Sequence[Fact], by: dt.date) -> tuple[Framework, int]:
    adopted = next((f.value for f in facts if f.kind == kinds.FRAMEWORK), None)
    if adopted is None:
        raise FailedPrecondition(
            f"trust {trust_id} had no framework recorded by {by}: there was nothing to rate"
        )
    version = int(adopted["version"])
    framework = _FRAMEWORKS.get((trust_id, version))
    if framework is None:
        framework = Framework.model_validate(adopted["document"])
        if len(_FRAMEWORKS) > 512:
            _FRAMEWORKS.clear()
        _FRAMEWORKS[(trust_id, version)] = framework
    return framework, version


def _validate(query: BoardQuery, today: dt.date) -> dt.date | None:
    if not query.trust_id:
        raise InvalidArgument("trust_id is required")
    if not _YEAR.fullmatch(query.academic_year):
        raise InvalidArgument(f"academic_year must be like 2026/27, not {query.academic_year!r}")
    if query.term not in TERMS:
        raise InvalidArgument(f"term must be one of autumn, spring, summer, not {query.term!r}")
    if not query.as_of.strip():
        return None
    try:
        as_of = dt.date.fromisoformat(query.as_of.strip())
    except ValueError:
        raise InvalidArgument(
            f"as_of must be a date like 2027-03-20, not {query.as_of!r}"
        ) from None
    if as_of > today:
        raise InvalidArgument(f"as_of {as_of} is in the future: a report is of what is known")
    return as_of


async def _spend(
    ledger: LedgerPort, trust_id: str, year: str, known_by: dt.datetime
) -> dict[str, Spend]:
    events = [e for e in await ledger.events(trust_id, year) if e.occurred_at <= known_by]
    spend: dict[str, Spend] = {}
    for row in fold_ledger(trust_id, year, events).lines:
        was, f = spend.get(row.academy_id, Spend()), row.figures
        spend[row.academy_id] = Spend(
            was.budget_pence + f.budget_pence,
            was.committed_pence + f.committed_pence,
            was.delivered_pence + f.delivered_pence,
            was.invoiced_pence + f.invoiced_pence,
        )
    return spend


async def get_board_report(
    board: BoardFacts,
    ledger: LedgerPort,
    principal: Principal,
    query: BoardQuery,
    now: dt.datetime,
) -> BoardReport:
    rule = ACCESS.rule("GetBoardReport")
    today = now.astimezone(ENGLAND).date()
    asked = _validate(query, today)
    rule.require_trust(principal, query.trust_id)
    academies: frozenset[str] | None = (
        None if principal.role in TRUST_WIDE_ROLES else principal.academies
    )
    if query.academy_id:
        rule.require_academy(principal, query.trust_id, query.academy_id)
        academies = frozenset({query.academy_id})
    trust, year, term = query.trust_id, query.academic_year, query.term
    last_year, last_term = previous_term(year, term)
    years = sorted({year, last_year, previous_term(last_year, "autumn")[0]})

    def report(
        facts: Sequence[Fact], of_year: str, of_term: str, on: dt.date, spend: dict[str, Spend]
    ) -> BoardReport:
        framework, version = _framework(trust, facts, on)
        return board_report(
            trust, facts, framework, version, of_year, of_term, on, spend, academies
        )

    # What is known today: the framework's term calendar (when the term ends),
    # and, for a past date, what has been recorded since.
    known_now = await board.facts(trust, years, end_of(today))
    framework, _ = _framework(trust, known_now, today)
    as_of = asked or min(today, term_end(framework, year, term))
    known_then = end_of(as_of)
    facts_then = known_now if as_of == today else await board.facts(trust, years, known_then)
    then = report(facts_then, year, term, as_of, await _spend(ledger, trust, year, known_then))
    last_end = min(as_of, term_end(framework, last_year, last_term))
    try:
        last = await board.facts(trust, years, end_of(last_end))
        previous: BoardReport | None = report(last, last_year, last_term, last_end, {})
    except FailedPrecondition:  # no framework yet last term: every academy is new
        previous = None
    since = report(known_now, year, term, as_of, {}) if as_of < today else None
    return with_history(then, previous, since)

"""Reading the board's termly RAG report as at a date.

Three readings of the facts make one report: as known at the end of the date
(what the board saw), last term's as known at that term's end (the change
since last term), and, for a past date, the same date as known now (what was
recorded since: corrections, late judgements). Spend is the support ledger's,
folded from the events known at the date.

Read fast: the three readings are one query (a version the readings share is
read and decoded once, one Fact); a line rated from the same facts in two
readings is rated once (domain.board_report's memo); last term's and today's
reports, only compared with, are rated line by line and no more. A
ReportCache may keep whole reports, found again while nothing has been
recorded for the trust.

Scope: trustees, the chief executive and finance the whole trust; an
improvement lead the academies in its token; a headteacher or a chair of the
LGB their own. Naming an academy narrows the report to it, if the caller
reaches it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import OrderedDict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

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
    Memo,
    Spend,
    academy_spend,
    board_report,
    previous_term,
    term_end,
    with_history,
)
from reporting.domain.ledger import LedgerEvent
from reporting.domain.timeline import ENGLAND
from reporting.entrypoints.access import ACCESS

_YEAR = re.compile(ACADEMIC_YEAR_PATTERN)
# A framework version never changes once adopted: parse each once per process.
_FRAMEWORKS: dict[tuple[str, int], Framework] = {}


class BoardFacts(Protocol):
    async def framework(
        self, trust_id: str, years: Sequence[str], known_by: dt.datetime
    ) -> Fact | None:
        """The trust's framework fact as known by then (None: none adopted yet)."""
        ...

    async def readings(
        self,
        trust_id: str,
        years: Sequence[str],
        known_by: Sequence[dt.datetime],
        lines_only: Sequence[bool] = (),
    ) -> list[list[Fact]]:
        """The trust's facts of these years (and timeless ones) as known by each
        time, in order; a version several readings hold may be one object. A
        reading marked ``lines_only`` may leave out the kinds no rating line
        reads (domain.board_report.NOT_IN_LINES)."""
        ...

    async def version(self, trust_id: str) -> tuple[int, ...]:
        """Changes whenever a version of one of the trust's facts is recorded."""
        ...


class BoardLedger(LedgerPort, Protocol):
    async def money_events(
        self, trust_id: str, academic_year: str, known_by: dt.datetime
    ) -> Sequence[LedgerEvent]:
        """The trust's money events of the year known by then (names aside)."""
        ...

    async def version(self, trust_id: str, academic_year: str) -> tuple[int, ...]:
        """Changes whenever an event of the trust's year is recorded."""
        ...


@dataclass(frozen=True)
class BoardQuery:
    trust_id: str
    academic_year: str
    term: str
    as_of: str = ""  # ISO date; empty: today, or the term's end if earlier
    academy_id: str = ""


class ReportCache:
    """The last reports read, whole, in this process (least recently read
    dropped first). A report is found again only for the same query, scope and
    day and while nothing has been recorded for the trust since (the facts' and
    the ledger's versions, read first): what it answers is what reading again
    would. A second layer: a first read of a report does all the work."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._reports: OrderedDict[Hashable, BoardReport] = OrderedDict()

    def get(self, key: Hashable) -> BoardReport | None:
        found = self._reports.get(key)
        if found is not None:
            self._reports.move_to_end(key)
        return found

    def put(self, key: Hashable, report: BoardReport) -> None:
        self._reports[key] = report
        self._reports.move_to_end(key)
        while len(self._reports) > self.size:
            self._reports.popitem(last=False)


def end_of(day: dt.date) -> dt.datetime:
    """The last moment of a day in England: what was recorded by then counts."""
    return dt.datetime.combine(day, dt.time.max, ENGLAND)


def _framework(trust_id: str, facts: Sequence[Fact], by: dt.date) -> tuple[Framework, int]:
    adopted = next((f.value for f in facts if f.kind == kinds.FRAMEWORK), None)
    return _adopted(trust_id, adopted, by)


def _adopted(
    trust_id: str, adopted: Mapping[str, Any] | None, by: dt.date
) -> tuple[Framework, int]:
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


def board_spend(
    trust_id: str, year: str, events: Sequence[LedgerEvent], known_by: dt.datetime
) -> dict[str, Spend]:
    """Each academy's spend in the ledger as folded from the events known by then."""
    return academy_spend(trust_id, year, [e for e in events if e.occurred_at <= known_by])


async def get_board_report(
    board: BoardFacts,
    ledger: BoardLedger,
    principal: Principal,
    query: BoardQuery,
    now: dt.datetime,
    cache: ReportCache | None = None,
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
    if cache is None or cache.size <= 0:
        return await _read(board, ledger, query, asked, academies, today)
    key = (
        query,
        academies,
        today,
        await board.version(query.trust_id),
        await ledger.version(query.trust_id, query.academic_year),
    )
    found = cache.get(key)
    if found is None:
        found = await _read(board, ledger, query, asked, academies, today)
        cache.put(key, found)
    return found


async def _read(
    board: BoardFacts,
    ledger: BoardLedger,
    query: BoardQuery,
    asked: dt.date | None,
    academies: frozenset[str] | None,
    today: dt.date,
) -> BoardReport:
    trust, year, term = query.trust_id, query.academic_year, query.term
    last_year, last_term = previous_term(year, term)
    years = sorted({year, last_year, previous_term(last_year, "autumn")[0]})

    # Lines rated from the same facts in one reading are not rated again in
    # another (the readings share each version's Fact).
    memo: Memo = {}

    def report(
        facts: Sequence[Fact],
        of_year: str,
        of_term: str,
        on: dt.date,
        spend: dict[str, Spend],
        lines_only: bool = False,
    ) -> BoardReport:
        framework, version = _framework(trust, facts, on)
        return board_report(
            trust,
            facts,
            framework,
            version,
            of_year,
            of_term,
            on,
            spend,
            academies,
            memo=memo,
            lines_only=lines_only,
        )

    # What is known today: the framework's term calendar (when the term ends),
    # and, for a past date, what has been recorded since.
    adopted = await board.framework(trust, years, end_of(today))
    framework, _ = _adopted(trust, adopted.value if adopted else None, today)
    as_of = asked or min(today, term_end(framework, year, term))
    known_then = end_of(as_of)
    last_end = min(as_of, term_end(framework, last_year, last_term))
    # The three readings in one query: known today, at the date, at last term's
    # end; today's and last term's are only compared with (their lines).
    known_now, facts_then, last = await board.readings(
        trust, years, (end_of(today), known_then, end_of(last_end)), (True, False, True)
    )
    money = await ledger.money_events(trust, year, known_then)
    spend = board_spend(trust, year, money, known_then)
    then = report(facts_then, year, term, as_of, spend)
    try:
        previous: BoardReport | None = report(
            last, last_year, last_term, last_end, {}, lines_only=True
        )
    except FailedPrecondition:  # no framework yet last term: every academy is new
        previous = None
    since = report(known_now, year, term, as_of, {}, lines_only=True) if as_of < today else None
    return with_history(then, previous, since)

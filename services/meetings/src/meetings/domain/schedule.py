"""The meetings a framework requires of an academy (or of the trust) in a year,
and how to bring the diary in line with them when the facts change.

``required_meetings`` is pure: from the framework's meeting types and term
calendar, the party (an academy with its phase facts over the year, or the
trust for its trust-wide types) and the academic year, the meetings required,
each with its type, term, place in the year (``slot``) and planned day.

How days are chosen (school days: see calendar.py):

1. Each type's year is cut into **windows**, one per meeting. A count per year
   that is a multiple of three is spread over the terms (3: one window per
   term; 6: two per term, about one per half-term); any other count splits the
   year's school days evenly (10: about one every four school weeks, "monthly"
   in seed 004's ten school months). An interval cadence takes consecutive
   groups of that many school weeks (2: every other school week; breaks are not
   school weeks). A type pinned to a term (supplements.py) spreads within it.
2. Types with the same windows share them evenly, in the framework's order: a
   type alone meets mid-window; two meet at the first and second thirds (seed
   000's AIM, then its interim AIM between AIMs). A day another type of the
   party already has moves to the next free school day of the window.
3. A window's meeting is **required** if the type applies on its planned day
   or comes to apply later in the window: the party is in the trust and the
   type's ``applies_to`` holds for the fact in force (all academies; less than
   good; under formal intervention; one of its phases; never for a type held
   only on request). One that ceased to apply before its day is not. When the
   type comes to apply after the year began (a phase change, a formal
   intervention, joining the trust), its meeting is planned at least its notice
   after that day (the longest paper lead time, and a week at least), later in
   the same window, or not in that window at all. A type that stands in for
   another's meeting in a term (seed 004's roundtable for the summer
   partnership visit) takes those windows.

Planned days depend on the framework and the year, not on which other types
apply (only a notice after a change moves one), so recomputing after a phase
change moves no meeting that stays.

``reconcile`` compares the required meetings with the party's meetings of the
year as of a date: it schedules the required ones not yet in the diary (from
that date on, with notice) and cancels not-yet-held cadence meetings no longer
required. It never touches a held meeting, one scheduled by hand, or one a
person cancelled; it never deletes. Meeting ids are derived from the slot, so
applying the same facts twice (or twice at once) schedules nothing new.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from contracts.values import TERMS
from trust_frameworks.model import MeetingType
from trustfacts.model import TrustFramework

from meetings.domain.calendar import SchoolYear, at_local
from meetings.domain.facts import Party
from meetings.domain.meeting import MeetingState, Status
from meetings.domain.supplements import meeting_types, supplement

NOTICE_DAYS = 7  # default: the seeds' papers come "one week prior"
DEFAULT_START = dt.time(9, 30)  # default: cadence meetings start at 09:30 in England


@dataclass(frozen=True)
class RequiredMeeting:
    trust_id: str
    academy_id: str | None
    meeting_type: str
    academic_year: str
    term: str
    slot: int  # 1, 2, ... within the type's year
    planned_on: dt.date
    window: tuple[dt.date, ...] = field(compare=False, repr=False)  # its school days
    notice_days: int = NOTICE_DAYS

    @property
    def key(self) -> tuple[str, int]:
        return (self.meeting_type, self.slot)


@dataclass(frozen=True)
class _Window:
    meeting_type: MeetingType
    slot: int
    days: tuple[dt.date, ...]
    planned_on: dt.date


def _split(days: Sequence[dt.date], count: int) -> list[tuple[dt.date, ...]]:
    size = len(days)
    chunks = [tuple(days[i * size // count : (i + 1) * size // count]) for i in range(count)]
    return [chunk for chunk in chunks if chunk]


def _windows(
    meeting_type: MeetingType, year: SchoolYear, term: str | None
) -> list[tuple[dt.date, ...]]:
    cadence = meeting_type.cadence
    if cadence.interval_weeks is not None:
        weeks = [w for w in year.school_weeks if term is None or year.term_of(w[0]) == term]
        step = cadence.interval_weeks
        groups = [weeks[i * step : (i + 1) * step] for i in range(len(weeks) // step)]
        return [tuple(day for week in group for day in week) for group in groups]
    count = cadence.per_year()
    if term is not None:
        return _split(year.term_days(term), count)
    if count % len(TERMS) == 0:
        return [w for t in TERMS for w in _split(year.term_days(t), count // len(TERMS))]
    return _split(year.school_days, count)


def _grid(framework: TrustFramework, trust_wide: bool, year: SchoolYear) -> list[_Window]:
    """Every type's windows and default days for the party's scope, whoever applies."""
    extra = supplement(framework)
    types = meeting_types(framework, trust_wide)
    standing_in = {s for s, _ in _standing_in(framework, {t.id for t in types}).values()}
    hosts = {t.id: t for t in types if t.id not in standing_in}
    # a pinned term: the supplement's, or a stand-in's own when its host is absent
    terms = {
        **{s: term for s, (_, term) in extra.stands_in_for.items()},
        **extra.in_term,
    }
    shapes = {
        t.id: (t.cadence.times_per_year, t.cadence.interval_weeks, terms.get(t.id))
        for t in hosts.values()
    }
    used: set[dt.date] = set()
    result = []
    for meeting_type in hosts.values():
        sharing = [i for i, s in shapes.items() if s == shapes[meeting_type.id]]
        share = (sharing.index(meeting_type.id) + 1) / (len(sharing) + 1)
        windows = _windows(meeting_type, year, terms.get(meeting_type.id))
        for slot, days in enumerate(windows, start=1):
            default = days[min(len(days) - 1, int(len(days) * share))]
            free = [d for d in days if d >= default and d not in used]
            free += [d for d in reversed(days) if d < default and d not in used]
            planned = free[0] if free else default
            used.add(planned)
            result.append(_Window(meeting_type, slot, days, planned))
    return result


def _standing_in(framework: TrustFramework, type_ids: set[str]) -> dict[str, tuple[str, str]]:
    """Host type -> (the type standing in for its meetings, in which term), where
    the framework has both (without its host, a stand-in keeps to its term)."""
    return {
        host: (stand_in, term)
        for stand_in, (host, term) in supplement(framework).stands_in_for.items()
        if stand_in in type_ids and host in type_ids
    }


def _applies(
    framework: TrustFramework, meeting_type: MeetingType, party: Party, day: dt.date
) -> bool:
    if not party.member_on(day) or meeting_type.id in supplement(framework).on_request_only:
        return False
    rule = meeting_type.applies_to
    if rule.all_academies:
        return True
    fact = party.fact_on(day)
    if fact is None:
        return False
    return (
        (rule.less_than_good and fact.less_than_good)
        or (rule.formal_intervention and fact.formal_intervention)
        or (fact.phase is not None and fact.phase in rule.phases)
    )


def _run_start(applies: Callable[[dt.date], bool], party: Party, day: dt.date) -> dt.date | None:
    """The first day of the unbroken run of days, ending ``day``, on which the
    type applies; None when it has applied since before any fact."""
    for change in reversed([c for c in party.changes() if c <= day]):
        if not applies(change - dt.timedelta(days=1)):
            return change
    return None


def _notice(meeting_type: MeetingType) -> int:
    return max([NOTICE_DAYS, *(p.lead_time_days for p in meeting_type.papers)])


def _plan(
    window: _Window,
    meeting_type: MeetingType,
    applies: Callable[[dt.date], bool],
    party: Party,
    year: SchoolYear,
) -> dt.date | None:
    notice = dt.timedelta(days=_notice(meeting_type))
    year_begins = year.school_days[0] if year.school_days else year.first_day
    for day in (d for d in window.days if d >= window.planned_on):
        if not applies(day):
            continue
        start = _run_start(applies, party, day)
        if start is None or start <= year_begins or day >= start + notice:
            return day
    return None


def required_meetings(
    framework: TrustFramework, party: Party, academic_year: str
) -> list[RequiredMeeting]:
    """The meetings the framework requires of ``party`` in ``academic_year``."""
    year = SchoolYear.of(framework.framework.term_calendar, academic_year)
    types = {t.id: t for t in meeting_types(framework, party.trust_wide)}
    stand_ins = _standing_in(framework, set(types))
    taken: dict[str, int] = {}
    result = []
    for window in _grid(framework, party.trust_wide, year):
        candidates = [(window.meeting_type, window.slot)]
        substitute = stand_ins.get(window.meeting_type.id)
        if substitute and year.term_of(window.planned_on) == substitute[1]:
            stand_in = types[substitute[0]]
            taken[stand_in.id] = taken.get(stand_in.id, 0) + 1
            candidates.insert(0, (stand_in, taken[stand_in.id]))
        for meeting_type, slot in candidates:

            def applies(day: dt.date, meeting_type: MeetingType = meeting_type) -> bool:
                return _applies(framework, meeting_type, party, day)

            planned = _plan(window, meeting_type, applies, party, year)
            if planned is None:
                continue
            result.append(
                RequiredMeeting(
                    trust_id=party.trust_id,
                    academy_id=party.academy_id,
                    meeting_type=meeting_type.id,
                    academic_year=academic_year,
                    term=year.term_of(planned),
                    slot=slot,
                    planned_on=planned,
                    window=window.days,
                    notice_days=_notice(meeting_type),
                )
            )
            break  # a stand-in that applies takes the window; else the host may
    return sorted(result, key=lambda r: (r.planned_on, r.meeting_type, r.slot))


# -- reconcile ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ToSchedule:
    meeting_id: str
    required: RequiredMeeting
    planned_on: dt.date

    @property
    def scheduled_for(self) -> dt.datetime:
        return at_local(self.planned_on, DEFAULT_START)


@dataclass(frozen=True)
class ToCancel:
    meeting: MeetingState
    reason: str


@dataclass(frozen=True)
class Reconciled:
    to_schedule: list[ToSchedule]
    to_cancel: list[ToCancel]

    @property
    def changes_nothing(self) -> bool:
        return not self.to_schedule and not self.to_cancel


def cadence_meeting_id(required: RequiredMeeting, generation: int = 0) -> str:
    """The id of the ``generation``-th meeting for a required slot (0 the first;
    one more after each cancelled as no longer required)."""
    owner = required.academy_id or f"trust:{required.trust_id}"
    name = (
        f"urn:trust-platform:meeting:{required.trust_id}:{owner}:{required.academic_year}:"
        f"{required.meeting_type}:{required.slot}:{generation}"
    )
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))


def reconcile(
    required: Sequence[RequiredMeeting],
    existing: Sequence[MeetingState],
    academic_year: str,
    as_of: dt.date,
) -> Reconciled:
    """What to schedule and what to cancel so that the diary (``existing``: the
    party's meetings) holds the year's required meetings from ``as_of`` on."""
    of_year = [m for m in existing if m.plan is not None and m.plan.academic_year == academic_year]
    by_slot: dict[tuple[str, int], list[MeetingState]] = {}
    for meeting in of_year:
        assert meeting.plan is not None
        if meeting.plan.origin == "cadence" and meeting.plan.cadence_slot is not None:
            key = (meeting.plan.meeting_type, meeting.plan.cadence_slot)
            by_slot.setdefault(key, []).append(meeting)
    to_schedule = []
    for wanted_one in required:
        if wanted_one.academic_year != academic_year:
            continue
        slot_meetings = by_slot.get(wanted_one.key, [])
        if any(_stands(m) for m in slot_meetings):
            continue  # in the diary, held, or cancelled by a person: leave it be
        earliest = max(as_of + dt.timedelta(days=wanted_one.notice_days), wanted_one.planned_on)
        day = next((d for d in wanted_one.window if d >= earliest), None)
        if day is None:
            continue  # too late for this one; the next window follows
        meeting_id = cadence_meeting_id(wanted_one, generation=len(slot_meetings))
        to_schedule.append(ToSchedule(meeting_id, wanted_one, day))
    wanted = {m.key for m in required if m.academic_year == academic_year}
    to_cancel = [
        ToCancel(m, _no_longer(m, as_of))
        for key, slot_meetings in sorted(by_slot.items())
        if key not in wanted
        for m in slot_meetings
        if m.status == Status.SCHEDULED and m.day is not None and m.day >= as_of
    ]
    return Reconciled(to_schedule, to_cancel)


def _stands(meeting: MeetingState) -> bool:
    """Whether a cadence meeting fills its slot: scheduled, held, or cancelled by hand."""
    if meeting.cancelled is None:
        return True
    return meeting.cancelled.why == "by_hand"


def _no_longer(meeting: MeetingState, as_of: dt.date) -> str:
    assert meeting.plan is not None
    return (
        f"no longer required: as of {as_of} the framework's cadence does not ask for this "
        f"{meeting.plan.meeting_type} on {meeting.day}"
    )

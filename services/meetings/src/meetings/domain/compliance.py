"""Meeting compliance for a year as of a date: a pure read model.

Per meeting type: the meetings the cadence requires (and how many were due by
then) against those in the diary and those held; papers on time, late or
missing; notes circulated or awaiting approval and their deadlines met. Over
the year: which of the scheme's areas were a meeting's focus and which never
were (seed 000: "a focus should be agreed for each meeting such that all
areas will be covered over a period of time"); entitlement days used; open and
overdue actions.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from trustfacts.model import TrustFramework

from meetings.domain.action import ActionState
from meetings.domain.meeting import MeetingState, Status
from meetings.domain.notes import awaiting, note_deadlines
from meetings.domain.papers import papers_due
from meetings.domain.schedule import RequiredMeeting

# The summary judgement, not an area a meeting focuses on.
OVERALL = "overall_effectiveness"


@dataclass(frozen=True)
class TypeCompliance:
    meeting_type: str
    required: int  # the year's, as the facts stand
    due_to_date: int  # required and planned on or before the date
    scheduled: int  # in the diary, not cancelled (held or still to be held)
    held: int
    cancelled: int
    papers: Mapping[str, int]  # paper status -> how many
    notes_circulated: int
    notes_awaiting_approval: int
    notes_not_drafted: int  # held, no notes yet
    deadlines: Mapping[str, int]  # deadline status -> how many

    @property
    def behind(self) -> int:
        """Required meetings due by the date that have not been held."""
        return max(0, self.due_to_date - self.held)


@dataclass(frozen=True)
class Coverage:
    areas: tuple[str, ...]  # the scheme's areas that apply, in the scheme's order
    focus_count: Mapping[str, int]  # area -> held meetings that focused on it

    @property
    def covered(self) -> tuple[str, ...]:
        return tuple(a for a in self.areas if self.focus_count.get(a))

    @property
    def gaps(self) -> tuple[str, ...]:
        return tuple(a for a in self.areas if not self.focus_count.get(a))


@dataclass(frozen=True)
class Compliance:
    academic_year: str
    as_of: dt.date
    types: tuple[TypeCompliance, ...]
    coverage: Coverage
    entitlement_days_used: Decimal
    open_actions: tuple[ActionState, ...]
    overdue_actions: tuple[ActionState, ...]


def _type_compliance(
    framework: TrustFramework,
    type_id: str,
    required: Sequence[RequiredMeeting],
    meetings: Sequence[MeetingState],
    as_of: dt.date,
) -> TypeCompliance:
    meeting_type = framework.meeting_type(type_id)
    papers: Counter[str] = Counter()
    deadlines: Counter[str] = Counter()
    circulated = awaiting_approval = not_drafted = 0
    for meeting in meetings:
        if meeting_type is None or meeting.status == Status.CANCELLED:
            continue
        papers.update(p.status.value for p in papers_due(meeting, meeting_type, as_of))
        if meeting.held is None:
            continue
        deadlines.update(d.status.value for d in note_deadlines(meeting, meeting_type, as_of))
        notes = meeting.notes
        if notes is None:
            not_drafted += 1
        elif notes.circulated_on is not None and notes.circulated_on <= as_of:
            circulated += 1
        elif awaiting(notes, meeting_type):
            awaiting_approval += 1
    return TypeCompliance(
        meeting_type=type_id,
        required=len(required),
        due_to_date=sum(1 for r in required if r.planned_on <= as_of),
        scheduled=sum(1 for m in meetings if m.status in (Status.SCHEDULED, Status.HELD)),
        held=sum(1 for m in meetings if m.held is not None and m.held.held_on <= as_of),
        cancelled=sum(1 for m in meetings if m.status == Status.CANCELLED),
        papers=dict(papers),
        notes_circulated=circulated,
        notes_awaiting_approval=awaiting_approval,
        notes_not_drafted=not_drafted,
        deadlines=dict(deadlines),
    )


def compliance(
    framework: TrustFramework,
    academic_year: str,
    as_of: dt.date,
    required: Sequence[RequiredMeeting],
    meetings: Iterable[MeetingState],
    actions: Iterable[ActionState],
    applicable_areas: Sequence[str] | None = None,
) -> Compliance:
    """``meetings`` and ``actions``: the party's (an academy's, or the trust-wide
    ones); ``applicable_areas``: the scheme's areas that apply to the academy
    (None: all of them)."""
    of_year = [m for m in meetings if m.plan is not None and m.plan.academic_year == academic_year]
    type_ids = list(
        dict.fromkeys(
            [
                *(m.id for m in framework.framework.meeting_types),
                *(r.meeting_type for r in required),
                *(m.plan.meeting_type for m in of_year if m.plan is not None),
            ]
        )
    )
    types = tuple(
        _type_compliance(
            framework,
            type_id,
            [r for r in required if r.meeting_type == type_id],
            [m for m in of_year if m.plan is not None and m.plan.meeting_type == type_id],
            as_of,
        )
        for type_id in type_ids
        if any(r.meeting_type == type_id for r in required)
        or any(m.plan is not None and m.plan.meeting_type == type_id for m in of_year)
    )
    held = [m.held for m in of_year if m.held is not None and m.held.held_on <= as_of]
    areas = tuple(
        a.id
        for a in framework.scheme.areas
        if a.id != OVERALL and (applicable_areas is None or a.id in applicable_areas)
    )
    focus = Counter(area for h in held for area in set(h.focus_areas) if area in areas)
    open_actions = tuple(a for a in actions if a.is_open_on(as_of))
    return Compliance(
        academic_year=academic_year,
        as_of=as_of,
        types=types,
        coverage=Coverage(areas, dict(focus)),
        entitlement_days_used=sum((h.entitlement_days for h in held), Decimal("0.00")),
        open_actions=open_actions,
        overdue_actions=tuple(a for a in open_actions if a.is_overdue(as_of)),
    )

"""Who comes and what was covered: apologies (seed 000: "sufficient notice and
explanation should be given and an effort made to find a substitute") and the
meeting held, with its attendees, agreed focus areas on the trust's scheme,
summary judgements and the entitlement days it used."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from chassis.errors import FailedPrecondition, InvalidArgument
from contracts import values
from contracts.base import EventPayload
from contracts.meetings.v1 import ApologiesGiven, MeetingHeld, Person
from trust_frameworks.model import MeetingType
from trustfacts.model import TrustFramework

from meetings.domain.calendar import SchoolYear
from meetings.domain.meeting import MeetingState, meeting_type_of, require_scheduled
from meetings.domain.values import days, days_text, require_person


def _roles(meeting_type: MeetingType) -> list[str]:
    return list(dict.fromkeys([meeting_type.chair_role, *meeting_type.attendee_roles]))


def decide_apologies(
    state: MeetingState,
    framework: TrustFramework,
    attendee: Person,
    substitute: Person | None,
) -> list[EventPayload]:
    plan = require_scheduled(state, "giving apologies")
    meeting_type = meeting_type_of(framework, plan)
    roles = _roles(meeting_type)
    require_person(attendee, "attendee")
    if attendee.role not in roles:
        raise InvalidArgument(
            f"{attendee.role} is not among the {meeting_type.id}'s attendees ({', '.join(roles)})"
        )
    if any(a.attendee.subject == attendee.subject for a in state.apologies):
        raise FailedPrecondition(f"{attendee.subject} already gave apologies for this meeting")
    if substitute is not None:
        require_person(substitute, "substitute")
        if substitute.subject == attendee.subject:
            raise InvalidArgument("a substitute is someone else: name another person or none")
        if substitute.role not in roles:
            raise InvalidArgument(
                f"a substitute attends in one of the {meeting_type.id}'s roles "
                f"({', '.join(roles)}), not {substitute.role}"
            )
    return [
        ApologiesGiven(
            trust_id=plan.trust_id,
            meeting_id=state.meeting_id,
            academy_id=plan.academy_id,
            attendee=attendee,
            substitute=substitute,
        )
    ]


@dataclass(frozen=True)
class HoldMeeting:
    meeting_id: str
    held_on: dt.date
    attendees: Sequence[Person]
    focus_areas: Sequence[str]
    area_judgements: Mapping[str, str]


def decide_hold(
    state: MeetingState,
    framework: TrustFramework,
    command: HoldMeeting,
    today: dt.date,
    applicable_areas: frozenset[str] | None = None,
) -> list[EventPayload]:
    """``applicable_areas``: the scheme's areas that apply to the academy (early
    years, sixth form); None means every area of the scheme."""
    plan = require_scheduled(state, "holding it")
    meeting_type = meeting_type_of(framework, plan)
    if command.held_on > today:
        raise InvalidArgument(f"held_on {command.held_on} is in the future; record it once held")
    if values.academic_year_of(command.held_on) != plan.academic_year:
        raise InvalidArgument(
            f"held_on {command.held_on} is outside the meeting's year {plan.academic_year}"
        )
    if not command.attendees:
        raise InvalidArgument("a held meeting needs its attendees")
    subjects = [require_person(p, "attendees").subject for p in command.attendees]
    if len(set(subjects)) != len(subjects):
        raise InvalidArgument("each attendee is named once")
    scheme = framework.scheme

    def require_area(area_id: str, field: str) -> str:
        if scheme.area(area_id) is None:
            known = ", ".join(a.id for a in scheme.areas)
            raise InvalidArgument(f"{field} {area_id!r} is not on the trust's scheme ({known})")
        if applicable_areas is not None and area_id not in applicable_areas:
            raise InvalidArgument(f"{field} {area_id!r} does not apply to this academy")
        return area_id

    focus = tuple(dict.fromkeys(require_area(a, "focus area") for a in command.focus_areas))
    judgements = {}
    for area_id, grade_id in sorted(command.area_judgements.items()):
        require_area(area_id, "judged area")
        if scheme.grade(grade_id) is None:
            grades = ", ".join(g.id for g in scheme.grades)
            raise InvalidArgument(f"grade {grade_id!r} is not on {scheme.id} ({grades})")
        judgements[area_id] = grade_id
    return [
        MeetingHeld(
            trust_id=plan.trust_id,
            meeting_id=state.meeting_id,
            academy_id=plan.academy_id,
            meeting_type=plan.meeting_type,
            academic_year=plan.academic_year,
            term=SchoolYear.of(framework.framework.term_calendar, plan.academic_year).term_of(
                command.held_on
            ),
            held_on=command.held_on,
            attendees=list(command.attendees),
            scheme=scheme.id,
            focus_areas=list(focus),
            area_judgements=judgements,
            entitlement_days=days_text(days(meeting_type.entitlement_days)),
        )
    ]

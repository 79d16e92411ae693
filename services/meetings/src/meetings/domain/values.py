"""Value rules of the meetings service: text, times, people, days. Each refusal
says what would be right; the limits are the published ones (contracts.limits)."""

from __future__ import annotations

import datetime as dt

from chassis.errors import InvalidArgument
from chassis.ids import require_id
from contracts import limits
from contracts.meetings.v1 import Person
from contracts.money import days, days_text

from meetings.domain.calendar import local_day

__all__ = [
    "Person",
    "days",
    "days_text",
    "require_aware",
    "require_id",
    "require_person",
    "require_text",
]


def require_text(value: str, field: str, limit: int) -> str:
    text = value.strip()
    if not text:
        raise InvalidArgument(f"{field} must not be empty")
    if len(text) > limit:
        raise InvalidArgument(f"{field} is {len(text):,} characters; the limit is {limit:,}")
    return text


def require_aware(moment: dt.datetime, field: str) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidArgument(
            f"{field} needs its UTC offset, e.g. {moment.replace(microsecond=0).isoformat()}+01:00"
        )
    return moment


def require_not_past(moment: dt.datetime, today: dt.date, field: str) -> dt.date:
    day = local_day(moment)
    if day < today:
        raise InvalidArgument(f"{field} {day} is in the past; choose today ({today}) or later")
    return day


def require_person(person: Person, field: str) -> Person:
    require_text(person.subject, f"{field}.subject", limits.SUBJECT_MAX)
    require_text(person.role, f"{field}.role", limits.ID_MAX)
    return person

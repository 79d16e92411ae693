"""Proto <-> Python conversions every service shares (one place, both ways).

Each service keeps its own ``entrypoints/convert.py`` for its own types and
uses these for the common ones: actors, dates, times, and proto3 ``optional``
fields (read with HasField, so an absent field is None, never "").
"""

from __future__ import annotations

import datetime as dt

from google.protobuf.message import Message
from trust.common.v1 import common_pb2

from chassis.envelope import Actor
from chassis.errors import InvalidArgument


def actor_to_proto(actor: Actor | None) -> common_pb2.Actor | None:
    return None if actor is None else common_pb2.Actor(subject=actor.subject, role=actor.role)


def actor_from_proto(actor: common_pb2.Actor) -> Actor:
    return Actor(subject=actor.subject, role=actor.role)


def date_from_proto(text: str, field: str) -> dt.date:
    """An ISO date a request must carry."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidArgument(f"{field} must be an ISO date (YYYY-MM-DD), got {text!r}") from None


def optional_date_from_proto(text: str, field: str) -> dt.date | None:
    """An ISO date a request may leave empty (None)."""
    return date_from_proto(text, field) if text.strip() else None


def date_to_proto(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else ""


def time_to_proto(value: dt.datetime | None) -> str:
    """RFC 3339 in UTC, e.g. 2026-11-23T10:00:00+00:00 ('' when unknown)."""
    return value.astimezone(dt.UTC).isoformat() if value is not None else ""


def optional_field(message: Message, field: str) -> object | None:
    """A proto3 ``optional`` field's value, or None when the client did not set it."""
    return getattr(message, field) if message.HasField(field) else None


def optional_text(message: Message, field: str) -> str | None:
    value = optional_field(message, field)
    return None if value is None else str(value)


def optional_bool(message: Message, field: str) -> bool | None:
    value = optional_field(message, field)
    return None if value is None else bool(value)

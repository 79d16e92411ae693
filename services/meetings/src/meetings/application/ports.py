"""What the handlers read and write besides the event store: small ports.

The register facts, the trusts' frameworks and the phase history are meetings'
own copies of the shared facts (trustfacts: its ports, its PostgreSQL and
in-memory implementations), fed by the academies and evaluations services'
events (the consumer writes them); the meeting list, the action list and the
notes' text are its own read tables. Their asyncpg implementations are in
``adapters/``; the unit tests use the in-memory ones (adapters/memory.py).

A write takes the event-store session's ``conn`` (``execute(..., after=...)``)
so it commits or rolls back with the events. Each list is read in a fixed order
with a unique key: its ``*_KEY`` shape is what a page token holds
(chassis.paging), its ``*_key`` function what a page cuts by.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from chassis.aggregate import EventStore
from contracts.meetings.v1 import Person
from trustfacts.ports import FactsReader

from meetings.domain.action import ActionState


@dataclass(frozen=True)
class MeetingRow:
    """A meeting as the meeting list holds it: whose, which, when, where it stands."""

    meeting_id: str
    trust_id: str
    academy_id: str | None  # None: a trust-wide meeting
    meeting_type: str
    academic_year: str
    scheduled_for: dt.datetime
    status: str  # scheduled | held | cancelled


@dataclass(frozen=True)
class NotesText:
    """A draft's confidential text: only ever in meetings' own table."""

    notes_id: str
    meeting_id: str
    text: str
    author: Person
    drafted_on: dt.date


@dataclass(frozen=True)
class ActionQuery:
    """Which actions a list shows (see ListActions)."""

    trust_id: str
    academy_id: str | None  # one academy; None: every one in reach (and the trust-wide)
    owner_subject: str | None
    only: frozenset[str] | None  # when academy_id is None: the academies in reach (None: all)
    status: str  # open | overdue | completed | all
    as_of: dt.date


# Meetings by scheduled time, then id; actions by due date, then id.
MEETING_KEY = (dt.datetime, str)
ACTION_KEY = (dt.date, str)
ACTION_STATUSES = ("open", "overdue", "completed", "all")
MEETING_STATUSES = ("scheduled", "held", "cancelled")


def meeting_key(row: MeetingRow) -> tuple[dt.datetime, str]:
    return row.scheduled_for, row.meeting_id


def action_key(action: ActionState) -> tuple[dt.date, str]:
    assert action.due_on is not None
    return action.due_on, action.action_id


def action_listed(action: ActionState, query: ActionQuery) -> bool:
    """Whether ``query`` shows the action: the rule the SQL states, written once
    for the in-memory list and the tests."""
    if action.trust_id != query.trust_id:
        return False
    if query.academy_id is not None and action.academy_id != query.academy_id:
        return False
    reach = query.only if query.academy_id is None else None
    if reach is not None and action.academy_id is not None and action.academy_id not in reach:
        return False
    if query.owner_subject is not None and (
        action.owner is None or action.owner.subject != query.owner_subject
    ):
        return False
    if query.status == "open":
        return action.is_open_on(query.as_of)
    if query.status == "overdue":
        return action.is_overdue(query.as_of)
    if query.status == "completed":
        return action.completed_on is not None and action.completed_on <= query.as_of
    return True


class MeetingList(Protocol):
    async def locate(self, meeting_id: str) -> MeetingRow | None: ...

    async def save(self, conn: Any, row: MeetingRow) -> bool:
        """Keep the row in the caller's transaction; False when the id is another
        party's meeting (a client-chosen id used twice)."""
        ...

    async def of_party(
        self, trust_id: str, academy_id: str | None, academic_year: str
    ) -> list[str]:
        """The ids of the party's meetings of the year (any status)."""
        ...

    async def page(
        self,
        trust_id: str,
        academy_id: str | None,
        academic_year: str,
        status: str | None,
        after: Sequence[object] | None,
        limit: int,
    ) -> list[MeetingRow]:
        """The party's meetings of the year in ``meeting_key`` order after ``after``."""
        ...


class ActionList(Protocol):
    async def find(self, action_id: str) -> ActionState | None: ...

    async def save(self, conn: Any, action: ActionState) -> bool:
        """Keep the action in the caller's transaction; False when the id is
        another party's action."""
        ...

    async def of_party(self, trust_id: str, academy_id: str | None) -> list[ActionState]: ...

    async def page(
        self, query: ActionQuery, after: Sequence[object] | None, limit: int
    ) -> list[ActionState]:
        """The actions ``query`` shows, in ``action_key`` order after ``after``."""
        ...


class NotesTexts(Protocol):
    async def find(self, notes_id: str) -> NotesText | None: ...

    async def save(self, conn: Any, notes: NotesText) -> bool:
        """Keep a draft's text in the caller's transaction; False when its id is taken."""
        ...


@dataclass(frozen=True)
class Ports:
    """Everything a handler may need: the event store and the read-table ports."""

    store: EventStore
    facts: FactsReader
    meetings: MeetingList
    actions: ActionList
    notes: NotesTexts

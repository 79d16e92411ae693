"""The academy aggregate: registration, details, leaving the trust.

decide_* functions take the current state and a command and return the
events to append (or raise a DomainError); evolve folds an event into state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from chassis.errors import (
    AlreadyExists,
    DomainError,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
)
from contracts.academies.v1 import (
    AcademyDetailsChanged,
    AcademyLeftTrust,
    AcademyRegistered,
)
from contracts.base import EventPayload

from academies.domain import values


@dataclass(frozen=True)
class AcademyState:
    academy_id: str
    trust_id: str
    urn: str
    name: str
    phase_of_education: str
    local_authority: str
    date_joined: dt.date
    new_to_trust: bool
    date_left: dt.date | None = None

    @property
    def is_open(self) -> bool:
        return self.date_left is None


@dataclass(frozen=True)
class RegisterAcademy:
    trust_id: str
    academy_id: str
    urn: str
    name: str
    phase_of_education: str
    local_authority: str
    date_joined: str
    new_to_trust: bool


@dataclass(frozen=True)
class ChangeAcademyDetails:
    academy_id: str
    name: str | None = None
    phase_of_education: str | None = None
    local_authority: str | None = None
    new_to_trust: bool | None = None


@dataclass(frozen=True)
class RecordAcademyLeft:
    academy_id: str
    date_left: str
    reason: str


def evolve(state: AcademyState | None, event: EventPayload) -> AcademyState | None:
    if isinstance(event, AcademyRegistered):
        return AcademyState(
            academy_id=event.academy_id,
            trust_id=event.trust_id,
            urn=event.urn,
            name=event.name,
            phase_of_education=event.phase_of_education,
            local_authority=event.local_authority,
            date_joined=event.date_joined,
            new_to_trust=event.new_to_trust,
        )
    if state is None:
        return None
    if isinstance(event, AcademyDetailsChanged):
        changes = {
            key: value
            for key, value in event.model_dump(exclude={"trust_id", "academy_id"}).items()
            if value is not None
        }
        return replace(state, **changes)
    if isinstance(event, AcademyLeftTrust):
        return replace(state, date_left=event.date_left)
    return state


def decide_register(state: AcademyState | None, command: RegisterAcademy) -> list[EventPayload]:
    if state is not None:
        raise AlreadyExists(f"academy {command.academy_id} is already registered")
    return [
        AcademyRegistered(
            trust_id=command.trust_id,
            academy_id=command.academy_id,
            urn=values.require_urn(command.urn),
            name=values.require_text(command.name, "name"),
            phase_of_education=values.require_phase_of_education(command.phase_of_education),
            local_authority=values.require_text(command.local_authority, "local_authority"),
            date_joined=values.require_date(command.date_joined, "date_joined"),
            new_to_trust=command.new_to_trust,
        )
    ]


def is_retry_of(registered: AcademyRegistered, command: RegisterAcademy) -> bool:
    """Whether ``command`` repeats the registration exactly (a client retry with its id):
    it would register the same academy with the same details."""
    try:
        [would_register] = decide_register(None, command)
    except (DomainError, ValueError):  # refused (pydantic's ValidationError is a ValueError)
        return False
    return would_register == registered


def require_open(state: AcademyState | None, academy_id: str) -> AcademyState:
    if state is None:
        raise NotFound(f"academy {academy_id} is not registered")
    if not state.is_open:
        raise FailedPrecondition(
            f"academy {academy_id} ({state.name}) left the trust on {state.date_left}"
        )
    return state


def decide_change_details(
    state: AcademyState | None, command: ChangeAcademyDetails
) -> list[EventPayload]:
    academy = require_open(state, command.academy_id)
    changes: dict[str, object] = {}
    if command.name is not None and command.name.strip() != academy.name:
        changes["name"] = values.require_text(command.name, "name")
    if (
        command.phase_of_education is not None
        and command.phase_of_education != academy.phase_of_education
    ):
        changes["phase_of_education"] = values.require_phase_of_education(
            command.phase_of_education
        )
    if (
        command.local_authority is not None
        and command.local_authority.strip() != academy.local_authority
    ):
        changes["local_authority"] = values.require_text(command.local_authority, "local_authority")
    if command.new_to_trust is not None and command.new_to_trust != academy.new_to_trust:
        changes["new_to_trust"] = command.new_to_trust
    if not changes:
        return []  # nothing differs: no event, the call is a no-op
    return [
        AcademyDetailsChanged(trust_id=academy.trust_id, academy_id=academy.academy_id, **changes)  # type: ignore[arg-type]
    ]


def decide_leave(state: AcademyState | None, command: RecordAcademyLeft) -> list[EventPayload]:
    academy = require_open(state, command.academy_id)
    date_left = values.require_date(command.date_left, "date_left")
    if date_left < academy.date_joined:
        raise InvalidArgument(
            f"date_left {date_left} is before the academy joined the trust ({academy.date_joined})"
        )
    return [
        AcademyLeftTrust(
            trust_id=academy.trust_id,
            academy_id=academy.academy_id,
            date_left=date_left,
            reason=values.require_text(command.reason, "reason", values.REASON_MAX),
        )
    ]

"""Formal intervention (seed 004, "Trust intervention"): a decision of the chief
executive about an academy, like its phase, kept on the same record.

"Where formal intervention is required the Principal and Chair of Governors
will be notified in writing by the Chief Executive": starting one records that
dated written notice (its reference), addressed to both. One intervention is
open at a time; it is ended, never deleted. Who may decide is the access table's
row (the chief executive only); these are the rules on the record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from chassis.auth import Role
from chassis.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from contracts.base import EventPayload
from contracts.evaluations.v1 import (
    FormalInterventionEnded,
    FormalInterventionStarted,
    WrittenNotice,
)

from evaluations.domain.decisions import require_open_academy
from evaluations.domain.facts import AcademyFacts
from evaluations.domain.state import EvaluationState, Intervention

# Who the notice goes to, by role (seed 004: the Principal and Chair of Governors).
NOTIFIED = (Role.HEADTEACHER.value, Role.CHAIR_OF_LGB.value)
# A decision's "today" is England's date, whatever the server's clock zone.
ENGLAND = ZoneInfo("Europe/London")


def england_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(ENGLAND).date()


@dataclass(frozen=True)
class Notice:
    issued_on: dt.date
    reference: str


@dataclass(frozen=True)
class StartFormalIntervention:
    academy_id: str
    intervention_id: str
    reason: str
    notice: Notice
    started_on: dt.date | None  # None: today


@dataclass(frozen=True)
class EndFormalIntervention:
    academy_id: str
    intervention_id: str
    reason: str
    ended_on: dt.date | None  # None: today


def _text(value: str, field: str) -> str:
    if not value.strip():
        raise InvalidArgument(f"{field} must not be empty")
    return value.strip()


def _not_after_today(value: dt.date, field: str, today: dt.date) -> dt.date:
    if value > today:
        raise InvalidArgument(f"{field} {value} is after today ({today})")
    return value


def repeated_start(state: EvaluationState, command: StartFormalIntervention) -> Intervention | None:
    """The intervention a retried call (same client-chosen id, same content)
    started before, whatever became of it since, or None when the id is new;
    the id with other content is ALREADY_EXISTS."""
    existing = state.interventions.get(command.intervention_id)
    if existing is None:
        return None
    started = existing.started
    if (
        started.reason != command.reason.strip()
        or started.notice.dated != command.notice.issued_on
        or started.notice.reference != command.notice.reference.strip()
        or (command.started_on is not None and started.started_on != command.started_on)
    ):
        raise AlreadyExists(
            f"formal intervention {command.intervention_id} already exists for academy "
            f"{command.academy_id} with other content"
        )
    return existing


def decide_start(
    academy: AcademyFacts | None,
    state: EvaluationState,
    command: StartFormalIntervention,
    today: dt.date,
) -> list[EventPayload]:
    open_academy = require_open_academy(academy, command.academy_id)
    reason = _text(command.reason, "reason")
    reference = _text(command.notice.reference, "notice.reference")
    issued_on = _not_after_today(command.notice.issued_on, "notice.issued_on", today)
    started_on = _not_after_today(command.started_on or today, "started_on", today)
    current = state.open_intervention()
    if current is not None:
        raise FailedPrecondition(
            f"academy {command.academy_id} is already under formal intervention "
            f"{current.intervention_id} (since {current.started.started_on}); end it first"
        )
    return [
        FormalInterventionStarted(
            trust_id=open_academy.trust_id,
            academy_id=open_academy.academy_id,
            intervention_id=command.intervention_id,
            started_on=started_on,
            reason=reason,
            notice=WrittenNotice(dated=issued_on, to_roles=list(NOTIFIED), reference=reference),
        )
    ]


def _known(state: EvaluationState, intervention_id: str) -> Intervention:
    found = state.interventions.get(intervention_id)
    if found is None:
        raise NotFound(
            f"there is no formal intervention {intervention_id} for academy {state.academy_id}"
        )
    return found


def repeated_end(state: EvaluationState, command: EndFormalIntervention) -> Intervention | None:
    """The intervention a retried call (same id, reason and date) ended before, or
    None while it is open; ended with other content is FAILED_PRECONDITION."""
    found = _known(state, command.intervention_id)
    if found.ended is None:
        return None
    if found.ended.reason == command.reason.strip() and command.ended_on in (
        None,
        found.ended.ended_on,
    ):
        return found
    raise FailedPrecondition(
        f"formal intervention {command.intervention_id} already ended on {found.ended.ended_on}"
    )


def decide_end(
    state: EvaluationState, trust_id: str, command: EndFormalIntervention, today: dt.date
) -> list[EventPayload]:
    """End the open intervention; an academy that has left may still have its
    intervention closed."""
    found = _known(state, command.intervention_id)
    if not found.is_open:
        raise FailedPrecondition(
            f"formal intervention {command.intervention_id} already ended on {found.ended_on}"
        )
    reason = _text(command.reason, "reason")
    ended_on = _not_after_today(command.ended_on or today, "ended_on", today)
    if ended_on < found.started.started_on:
        raise InvalidArgument(
            f"ended_on {ended_on} is before the intervention started ({found.started.started_on})"
        )
    return [
        FormalInterventionEnded(
            trust_id=trust_id,
            academy_id=command.academy_id,
            intervention_id=command.intervention_id,
            ended_on=ended_on,
            reason=reason,
        )
    ]

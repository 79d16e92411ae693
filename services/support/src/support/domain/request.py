"""A request for support (stream ``request-<request id>``): an academy asks for
help in a need area (seed 003: a good academy may ask); its improvement lead or
the chief executive triages it once: accepted, declined (with the reason), or
met from the entitlement. A declined request is never commissioned against.

A subject (e.g. "mathematics") makes most sense for curriculum or teaching
support but is allowed, and optional, for any need area.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from chassis.aggregate import Recorded
from chassis.envelope import Actor
from chassis.errors import AlreadyExists, DomainError, FailedPrecondition, InvalidArgument
from contracts import limits
from contracts.base import EventPayload
from contracts.rules import TRIAGE_OUTCOMES
from contracts.support.v1 import SupportRequested, SupportRequestTriaged

from support.domain.values import days_text, require_days, require_need_area, require_text

OPEN = "open"


@dataclass(frozen=True)
class RequestState:
    request_id: str
    requested: SupportRequested | None = None
    requested_by: Actor | None = None
    triaged: SupportRequestTriaged | None = None
    triaged_by: Actor | None = None

    @property
    def exists(self) -> bool:
        return self.requested is not None

    @property
    def status(self) -> str:
        return self.triaged.outcome if self.triaged else OPEN

    @property
    def academy_id(self) -> str:
        assert self.requested is not None
        return self.requested.academy_id


@dataclass(frozen=True)
class RequestSupport:
    request_id: str
    trust_id: str
    academy_id: str
    need_area: str
    subject: str | None
    days_wanted: Decimal | None
    summary: str
    requested_on: dt.date


@dataclass(frozen=True)
class TriageRequest:
    request_id: str
    outcome: str
    reason: str
    triaged_on: dt.date


def initial(request_id: str) -> RequestState:
    return RequestState(request_id)


def evolve(state: RequestState, recorded: Recorded) -> RequestState:
    event = recorded.event
    if isinstance(event, SupportRequested):
        return replace(state, requested=event, requested_by=recorded.actor)
    if isinstance(event, SupportRequestTriaged):
        return replace(state, triaged=event, triaged_by=recorded.actor)
    return state


def _requested(command: RequestSupport) -> SupportRequested:
    subject = command.subject.strip() if command.subject else None
    if subject is not None and len(subject) > limits.NAME_MAX:
        raise InvalidArgument(f"subject is {len(subject):,} characters; the limit is 200")
    wanted = command.days_wanted
    return SupportRequested(
        trust_id=command.trust_id,
        request_id=command.request_id,
        academy_id=command.academy_id,
        need_area=require_need_area(command.need_area),
        subject=subject or None,
        days_wanted=days_text(require_days(wanted, "days_wanted")) if wanted is not None else None,
        summary=require_text(command.summary, "summary"),
        requested_on=command.requested_on,
    )


def decide_request(
    state: RequestState, command: RequestSupport, today: dt.date
) -> list[EventPayload]:
    """A new request; the same one again (a retry with its id) appends nothing."""
    if command.requested_on > today:
        raise InvalidArgument(
            f"requested_on {command.requested_on} is in the future; use today ({today}) or before"
        )
    if state.requested is not None:
        if is_retry_of(state.requested, command):
            return []
        raise AlreadyExists(f"request {command.request_id} already exists")
    return [_requested(command)]


def is_retry_of(requested: SupportRequested, command: RequestSupport) -> bool:
    try:
        return _requested(command) == requested
    except (DomainError, ValueError):
        return False


def decide_triage(state: RequestState, command: TriageRequest) -> list[EventPayload]:
    requested = state.requested
    if requested is None:
        raise FailedPrecondition(f"there is no request {state.request_id}")
    if command.outcome not in TRIAGE_OUTCOMES:
        raise InvalidArgument(
            f"outcome must be one of {', '.join(TRIAGE_OUTCOMES)}, got {command.outcome!r}"
        )
    reason = command.reason.strip()
    if command.outcome == "declined" and not reason:
        raise InvalidArgument("reason is required when a request is declined: say why")
    if len(reason) > limits.REASON_MAX:
        raise InvalidArgument(f"reason is {len(reason):,} characters; the limit is 2,000")
    if state.triaged is not None:
        done = state.triaged
        raise FailedPrecondition(
            f"request {state.request_id} was already triaged ({done.outcome} on "
            f"{done.triaged_on}); a request is triaged once"
        )
    if command.triaged_on < requested.requested_on:
        raise InvalidArgument(
            f"triaged_on {command.triaged_on} is before the request ({requested.requested_on})"
        )
    return [
        SupportRequestTriaged(
            trust_id=requested.trust_id,
            request_id=state.request_id,
            academy_id=requested.academy_id,
            outcome=command.outcome,
            reason=reason,
            triaged_on=command.triaged_on,
        )
    ]

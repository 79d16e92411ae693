"""The trust: created once, with the framework it runs on."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from chassis.errors import AlreadyExists, InvalidArgument
from contracts.academies.v1 import TrustCreated
from contracts.base import EventPayload

from academies.domain import values


@dataclass(frozen=True)
class TrustState:
    trust_id: str
    name: str
    framework: str


@dataclass(frozen=True)
class CreateTrust:
    trust_id: str
    name: str
    framework: str


def evolve(state: TrustState | None, event: EventPayload) -> TrustState | None:
    if isinstance(event, TrustCreated):
        return TrustState(event.trust_id, event.name, event.framework)
    return state


def decide_create(
    state: TrustState | None, command: CreateTrust, known_frameworks: Collection[str]
) -> list[EventPayload]:
    if state is not None:
        raise AlreadyExists(f"trust {command.trust_id} already exists")
    if command.framework not in known_frameworks:
        raise InvalidArgument(
            f"framework {command.framework!r} is not a known framework; "
            f"presets: {', '.join(sorted(known_frameworks))}"
        )
    return [
        TrustCreated(
            trust_id=values.require_text(command.trust_id, "trust_id", 64),
            name=values.require_text(command.name, "name"),
            framework=command.framework,
        )
    ]

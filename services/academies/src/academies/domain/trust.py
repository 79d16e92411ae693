"""The trust: created once on a framework preset; its framework versioned by events."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from chassis.envelope import Actor
from chassis.errors import AlreadyExists, DomainError, InvalidArgument, NotFound
from contracts import limits
from contracts.academies.v1 import FrameworkAdopted, TrustCreated
from contracts.base import EventPayload
from trust_frameworks.loader import FrameworkError, parse_framework
from trust_frameworks.model import Framework

from academies.domain import values


@dataclass(frozen=True)
class TrustState:
    trust_id: str
    name: str
    framework_document: dict[str, Any] | None = None
    framework_version: int = 0
    based_on_preset: str = ""
    created_by: Actor | None = None  # who created the trust (the TrustCreated event's actor)

    @cached_property
    def framework(self) -> Framework | None:
        """The framework in force, parsed once (earlier versions never are)."""
        if self.framework_document is None:
            return None
        return Framework.model_validate(self.framework_document)


@dataclass(frozen=True)
class CreateTrust:
    trust_id: str
    name: str
    framework: str  # the preset adopted


@dataclass(frozen=True)
class ChangeFramework:
    trust_id: str
    document: Any  # parsed YAML/JSON of the whole framework


def evolve(
    state: TrustState | None, event: EventPayload, actor: Actor | None = None
) -> TrustState | None:
    """Fold one event into the trust; ``actor`` is who caused it (from its envelope)."""
    if isinstance(event, TrustCreated):
        return TrustState(event.trust_id, event.name, created_by=actor)
    if isinstance(event, FrameworkAdopted) and state is not None:
        return replace(
            state,
            framework_document=event.document,
            framework_version=event.version,
            based_on_preset=event.based_on_preset,
        )
    return state


def is_retry_of(created: TrustCreated, command: CreateTrust) -> bool:
    """Whether ``command`` repeats the call that created the trust (a client retry)."""
    try:
        would_create = TrustCreated(
            trust_id=command.trust_id,
            name=values.require_text(command.name, "name"),
            framework=command.framework,
        )
    except (DomainError, ValueError):  # refused (pydantic's ValidationError is a ValueError)
        return False
    return would_create == created


def _adopted(trust_id: str, framework: Framework, version: int, preset: str) -> FrameworkAdopted:
    return FrameworkAdopted(
        trust_id=trust_id,
        framework_id=framework.id,
        version=version,
        based_on_preset=preset,
        document=framework.model_dump(mode="json"),
    )


def decide_create(
    state: TrustState | None, command: CreateTrust, presets: Mapping[str, Framework]
) -> list[EventPayload]:
    if state is not None:
        raise AlreadyExists(f"trust {command.trust_id} already exists")
    preset = presets.get(command.framework)
    if preset is None:
        raise InvalidArgument(
            f"framework {command.framework!r} is not a known framework; "
            f"presets: {', '.join(sorted(presets))}"
        )
    trust_id = values.require_text(command.trust_id, "trust_id", limits.ID_MAX)
    return [
        TrustCreated(
            trust_id=trust_id,
            name=values.require_text(command.name, "name"),
            framework=command.framework,
        ),
        _adopted(trust_id, preset, 1, command.framework),
    ]


def decide_change_framework(
    state: TrustState | None, command: ChangeFramework
) -> list[EventPayload]:
    if state is None:
        raise NotFound(f"trust {command.trust_id} does not exist")
    try:
        framework = parse_framework(command.document, "framework")
    except FrameworkError as error:
        raise InvalidArgument("the framework is not valid:\n" + str(error)) from error
    if state.framework is not None and framework == state.framework:
        return []  # nothing changed: no new version
    return [_adopted(state.trust_id, framework, state.framework_version + 1, state.based_on_preset)]

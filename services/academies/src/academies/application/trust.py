"""Trusts: created once on a framework preset; the framework changed as new versions."""

from __future__ import annotations

from collections.abc import Mapping

from chassis.aggregate import EventStore, Loaded, execute, read
from chassis.auth import Principal
from chassis.envelope import CausationContext
from chassis.errors import NotFound
from contracts.base import EventPayload
from trust_frameworks.model import Framework

from academies.application.access import ACCESS
from academies.application.streams import TRUST, TrustStream
from academies.domain import trust as trust_rules
from academies.domain.trust import ChangeFramework, CreateTrust, TrustState

CREATE = ACCESS.rule("CreateTrust")
CHANGE = ACCESS.rule("ChangeFramework")
GET = ACCESS.rule("GetTrust")


def _existing(state: TrustStream, trust_id: str) -> TrustState:
    if state.trust is None:
        raise NotFound(f"trust {trust_id} does not exist")
    return state.trust


async def create_trust(
    store: EventStore,
    presets: Mapping[str, Framework],
    principal: Principal,
    command: CreateTrust,
    cause: CausationContext,
) -> TrustState:
    CREATE.require_trust(principal, command.trust_id)

    def decide(loaded: Loaded[TrustStream]) -> list[EventPayload]:
        created = loaded.state.created
        if created is not None and trust_rules.is_retry_of(created, command):
            return []  # a retried call (the answer was lost): the same trust, nothing new
        return trust_rules.decide_create(loaded.state.trust, command, presets)

    decided = await execute(store, TRUST, [command.trust_id], decide, command.trust_id, cause)
    return _existing(decided.state, command.trust_id)


async def change_framework(
    store: EventStore, principal: Principal, command: ChangeFramework, cause: CausationContext
) -> TrustState:
    CHANGE.require_trust(principal, command.trust_id)
    decided = await execute(
        store,
        TRUST,
        [command.trust_id],
        lambda loaded: trust_rules.decide_change_framework(loaded.state.trust, command),
        command.trust_id,
        cause,
    )
    return _existing(decided.state, command.trust_id)


async def get_trust(store: EventStore, principal: Principal, trust_id: str) -> TrustState:
    GET.require_trust(principal, trust_id)
    return _existing((await read(store, TRUST, trust_id)).state, trust_id)


async def framework_in_force(store: EventStore, trust_id: str) -> tuple[Framework, int]:
    """The trust's framework and its version, for rules that depend on it."""
    trust = (await read(store, TRUST, trust_id)).state.trust
    if trust is None or trust.framework is None:
        raise NotFound(f"trust {trust_id} has no framework")
    return trust.framework, trust.framework_version

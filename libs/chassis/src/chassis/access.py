"""Who may call what: one table per service, one check.

Each service declares, for every RPC, the roles that may call it and the
scope of the target: the caller's trust, an academy in the caller's reach,
or the caller themself. The gRPC bootstrap looks the RPC up before the
handler runs and refuses a role outside its row (PERMISSION_DENIED); an RPC
with no row is refused too (fail closed), and each service's access-matrix
test fails while one lacks a row. The scope needs the target, which a handler
resolves (an academy's trust is in the service's own facts): it then calls
``require_trust`` or ``require_academy`` with the same rule, so every message
names the action as the table does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from chassis.auth import TRUST_WIDE_ROLES, Principal, Role
from chassis.errors import PermissionDenied


class Scope(StrEnum):
    TRUST = "trust"  # the request names a trust: it must be the caller's
    ACADEMY = "academy"  # the request names an academy: it must be in the caller's reach
    CALLER = "caller"  # about the caller only (e.g. who am I)


@dataclass(frozen=True)
class Access:
    action: str  # for messages: "judging an academy"
    scope: Scope
    roles: frozenset[Role]

    def require_role(self, principal: Principal) -> None:
        principal.require_role(self.roles, self.action)

    def require_trust(self, principal: Principal, trust_id: str) -> None:
        principal.require_trust(trust_id, self.action)

    def require_academy(self, principal: Principal, trust_id: str, academy_id: str) -> None:
        principal.require_academy(trust_id, academy_id, self.action)

    def denies(self, role: Role, on_own: bool) -> bool | None:
        """What this row promises a caller in ``role``: denied on their own target
        (academy, trust) or on another one? None where there is no other target
        (a row about the caller). Access-matrix tests assert every case of it."""
        if not on_own and self.scope is Scope.CALLER:
            return None
        if role not in self.roles:
            return True
        if on_own:
            return False
        if self.scope is Scope.TRUST:
            return True  # another trust: nobody reaches it
        return role not in TRUST_WIDE_ROLES


def allow(action: str, scope: Scope, roles: Iterable[Role]) -> Access:
    return Access(action, scope, frozenset(roles))


EVERY_PERSON = frozenset(role for role in Role if role is not Role.SERVICE)


class AccessTable:
    """RPC name (the method, e.g. ``SubmitData``) -> who may call it, on what."""

    def __init__(self, service: str, rules: Mapping[str, Access]) -> None:
        self.service = service  # the full gRPC service name
        self.rules = dict(rules)

    def rule(self, rpc: str) -> Access:
        try:
            return self.rules[rpc]
        except KeyError:
            raise PermissionDenied(
                f"{self.service}/{rpc} has no access rule; nobody may call it"
            ) from None

    def check(self, method_path: str, principal: Principal) -> Access | None:
        """The role check for a call to ``/<service>/<rpc>``; None for another service."""
        service, _, rpc = method_path.lstrip("/").partition("/")
        if service != self.service:
            return None
        rule = self.rule(rpc)
        rule.require_role(principal)
        return rule

    def rpcs(self) -> list[str]:
        return sorted(self.rules)

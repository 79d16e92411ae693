"""Bearer tokens: who is calling, in which role, for which trust and academies.

Two kinds of token are accepted, told apart by their algorithm:
- the platform's own, signed with a shared secret (HS256): ``trust-token``
  locally, or the platform's other processes;
- the trust's identity provider's (RS256 or ES256), checked against the keys it
  publishes (chassis.identity), when one is configured.
Any other algorithm (``none`` among them) is refused. The gRPC interceptor and
the gateway reject a missing, expired or tampered token with UNAUTHENTICATED;
what a valid caller may do is each service's decision (PERMISSION_DENIED).
"""

from __future__ import annotations

import contextvars
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import jwt

from chassis.envelope import Actor
from chassis.errors import PermissionDenied, Unauthenticated
from chassis.identity import (
    PROVIDER_ALGORITHMS,
    IdentityProvider,
    ProviderKeys,
    verify_provider_token,
)

ISSUER = "trust-platform"
AUDIENCE = "trust-platform"


class Role(StrEnum):
    TRUSTEE = "trustee"
    CHIEF_EXECUTIVE = "chief_executive"
    IMPROVEMENT_LEAD = "improvement_lead"
    HEADTEACHER = "headteacher"
    CHAIR_OF_LGB = "chair_of_lgb"
    FINANCE = "finance"
    PROVIDER = "provider"
    # The platform's own processes (read-model rebuilds): every trust's feed, no API.
    SERVICE = "service"


# Roles whose reach is the whole trust; the others reach only their academies.
TRUST_WIDE_ROLES = frozenset({Role.TRUSTEE, Role.CHIEF_EXECUTIVE, Role.FINANCE})
ALL_TRUSTS = "*"


@dataclass(frozen=True)
class Principal:
    subject: str
    role: Role
    trust_id: str
    academies: frozenset[str]

    @property
    def actor(self) -> Actor:
        return Actor(subject=self.subject, role=self.role.value)

    def reaches(self, trust_id: str, academy_id: str) -> bool:
        """True when the academy is in this caller's trust and scope."""
        if trust_id != self.trust_id:
            return False
        return self.role in TRUST_WIDE_ROLES or academy_id in self.academies

    def require_role(self, allowed: Iterable[Role], action: str) -> None:
        allowed = frozenset(allowed)
        if self.role not in allowed:
            names = ", ".join(sorted(role.value for role in allowed))
            raise PermissionDenied(f"{action} needs one of the roles {names}; you are {self.role}")

    def require_academy(self, trust_id: str, academy_id: str, action: str) -> None:
        if not self.reaches(trust_id, academy_id):
            raise PermissionDenied(
                f"{action}: academy {academy_id} is outside your scope "
                f"({self.role} in trust {self.trust_id})"
            )

    def require_trust(self, trust_id: str, action: str) -> None:
        if trust_id != self.trust_id:
            raise PermissionDenied(f"{action}: trust {trust_id} is not your trust")


class TokenService:
    # Verified tokens are remembered (until they expire) because checking the
    # signature on every call of a busy client costs more than the call itself.
    _CACHE_SIZE = 4096

    def __init__(self, secret: str, provider: IdentityProvider | None = None) -> None:
        if len(secret) < 32:
            raise ValueError("the token secret must be at least 32 characters")
        self._secret = secret
        self._provider = provider
        self._provider_keys = ProviderKeys(provider) if provider else None
        self._verified: OrderedDict[str, tuple[Principal, float]] = OrderedDict()

    def mint(
        self,
        subject: str,
        role: Role | str,
        trust_id: str,
        academies: Iterable[str] = (),
        ttl_seconds: int = 8 * 3600,
    ) -> str:
        now = int(time.time())
        claims = {
            "sub": subject,
            "role": Role(role).value,
            "trust": trust_id,
            "academies": sorted(set(academies)),
            "iat": now,
            "exp": now + ttl_seconds,
            "iss": ISSUER,
            "aud": AUDIENCE,
        }
        return jwt.encode(claims, self._secret, algorithm="HS256")

    def verify(self, token: str) -> Principal:
        cached = self._verified.get(token)
        if cached is not None:
            principal, expires_at = cached
            if time.time() < expires_at:
                self._verified.move_to_end(token)
                return principal
            del self._verified[token]
        principal, expires_at = self._verify_signature(token)
        self._verified[token] = (principal, expires_at)
        if len(self._verified) > self._CACHE_SIZE:
            self._verified.popitem(last=False)
        return principal

    def _verify_signature(self, token: str) -> tuple[Principal, float]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as error:
            raise Unauthenticated(f"the bearer token is not valid: {error}") from error
        algorithm = header.get("alg")
        if algorithm == "HS256":
            return self._verify_local(token)
        if algorithm in PROVIDER_ALGORITHMS and self._provider and self._provider_keys:
            claims = verify_provider_token(token, header, self._provider, self._provider_keys)
            return _provider_principal(claims, self._provider), float(claims["exp"])
        accepted = ["HS256", *(PROVIDER_ALGORITHMS if self._provider else ())]
        raise Unauthenticated(
            f"the bearer token is signed with {algorithm!r}; accepted: {', '.join(accepted)}"
        )

    def _verify_local(self, token: str) -> tuple[Principal, float]:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=["HS256"],
                audience=AUDIENCE,
                issuer=ISSUER,
                options={"require": ["sub", "role", "trust", "exp"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise Unauthenticated("the bearer token has expired") from error
        except jwt.InvalidTokenError as error:
            raise Unauthenticated(f"the bearer token is not valid: {error}") from error
        try:
            role = Role(claims["role"])
        except ValueError as error:
            raise Unauthenticated(
                f"the bearer token names an unknown role {claims['role']!r}"
            ) from error
        academies = claims.get("academies") or []
        if not isinstance(academies, list) or not all(isinstance(a, str) for a in academies):
            raise Unauthenticated("the bearer token's academies claim must be a list of ids")
        principal = Principal(str(claims["sub"]), role, str(claims["trust"]), frozenset(academies))
        return principal, float(claims["exp"])


_ROLE_NAMES = frozenset(role.value for role in Role)


def _provider_principal(claims: dict[str, object], provider: IdentityProvider) -> Principal:
    """The caller in the platform's terms, from the provider's claims."""
    granted = claims.get(provider.role_claim)
    names = [granted] if isinstance(granted, str) else granted
    if not isinstance(names, list):
        names = []
    roles = sorted({Role(name) for name in names if name in _ROLE_NAMES})
    if len(roles) != 1:
        found = ", ".join(str(name) for name in names) or "none"
        raise Unauthenticated(
            f"the bearer token must grant exactly one platform role in "
            f"{provider.role_claim!r}; it grants: {found}"
        )
    trust = claims.get(provider.trust_claim)
    if not isinstance(trust, str) or not trust:
        raise Unauthenticated(f"the bearer token names no trust in {provider.trust_claim!r}")
    academies = claims.get(provider.academies_claim) or []
    if not isinstance(academies, list) or not all(isinstance(a, str) for a in academies):
        raise Unauthenticated(
            f"the bearer token's {provider.academies_claim!r} claim must be a list of ids"
        )
    subject = str(claims[provider.subject_claim])
    return Principal(subject, roles[0], trust, frozenset(academies))


_current_principal: contextvars.ContextVar[Principal | None] = contextvars.ContextVar(
    "current_principal", default=None
)


def current_principal() -> Principal:
    principal = _current_principal.get()
    if principal is None:
        raise Unauthenticated("this call needs a bearer token")
    return principal


def set_principal(principal: Principal | None) -> contextvars.Token[Principal | None]:
    return _current_principal.set(principal)


def reset_principal(token: contextvars.Token[Principal | None]) -> None:
    _current_principal.reset(token)


def bearer_from_metadata(metadata: Iterable[tuple[str, str | bytes]] | None) -> str:
    for name, value in metadata or ():
        if name.lower() == "authorization":
            text = value.decode() if isinstance(value, bytes) else value
            scheme, _, token = text.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise Unauthenticated("the authorization header must be 'Bearer <token>'")
            return token.strip()
    raise Unauthenticated("this call needs a bearer token (metadata 'authorization')")

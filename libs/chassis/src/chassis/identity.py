"""Tokens from the trust's identity provider (Microsoft Entra ID, say), checked
against its published keys (JWKS).

The provider signs access tokens with RS256 or ES256 and publishes the public
keys at a JWKS address. They are fetched when first needed and again when a
token names a key not seen yet (the provider rotated its keys), at most once per
``min_refresh_seconds`` so that tokens naming made-up keys cannot make the
platform fetch on every call. The provider's claims say who the caller is in the
platform's terms; which claims is configuration (Entra ID puts app roles in
``roles``; the trust and the academies are custom claims).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import jwt

from chassis.errors import Unauthenticated

# Asymmetric only: a provider's token is never checked with a shared secret, so a
# token signed with the provider's public key as an HMAC secret gets nowhere.
PROVIDER_ALGORITHMS = ("RS256", "ES256")


@dataclass(frozen=True)
class IdentityProvider:
    jwks_url: str
    issuer: str
    audience: str
    subject_claim: str = "sub"
    role_claim: str = "roles"
    trust_claim: str = "trust"
    academies_claim: str = "academies"
    # Clock difference allowed between the provider and this machine.
    leeway_seconds: int = 60
    min_refresh_seconds: float = 30.0
    fetch_timeout_seconds: float = 5.0


class ProviderKeys:
    """The provider's signing keys by key id, fetched from its JWKS address."""

    def __init__(self, provider: IdentityProvider) -> None:
        self._provider = provider
        self._client = jwt.PyJWKClient(
            provider.jwks_url,
            cache_jwk_set=False,
            cache_keys=False,
            timeout=int(provider.fetch_timeout_seconds),
        )
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = float("-inf")
        self._lock = threading.Lock()

    def key(self, key_id: str) -> jwt.PyJWK:
        key = self._keys.get(key_id)
        if key is None:
            with self._lock:
                key = self._keys.get(key_id)
                since = time.monotonic() - self._fetched_at
                if key is None and since >= self._provider.min_refresh_seconds:
                    self.refresh()
                    key = self._keys.get(key_id)
        if key is None:
            raise Unauthenticated(
                f"the bearer token is signed with key {key_id!r}, which the identity "
                "provider does not publish"
            )
        return key

    def refresh(self) -> None:
        self._fetched_at = time.monotonic()
        try:
            keys = self._client.get_jwk_set(refresh=True).keys
        except jwt.PyJWKClientError as error:
            raise Unauthenticated(
                f"the identity provider's keys could not be fetched: {error}"
            ) from error
        self._keys = {key.key_id: key for key in keys if key.key_id}


def verify_provider_token(
    token: str, header: dict[str, Any], provider: IdentityProvider, keys: ProviderKeys
) -> dict[str, Any]:
    """The token's claims, once its signature, issuer, audience and times hold."""
    key_id = header.get("kid")
    if not isinstance(key_id, str) or not key_id:
        raise Unauthenticated("the bearer token names no signing key (kid)")
    key = keys.key(key_id)
    try:
        return jwt.decode(
            token,
            key.key,
            algorithms=list(PROVIDER_ALGORITHMS),
            audience=provider.audience,
            issuer=provider.issuer,
            leeway=provider.leeway_seconds,
            options={"require": ["exp", "iss", "aud", provider.subject_claim]},
        )
    except jwt.ExpiredSignatureError as error:
        raise Unauthenticated("the bearer token has expired") from error
    except jwt.ImmatureSignatureError as error:
        raise Unauthenticated("the bearer token is not valid yet") from error
    except jwt.InvalidTokenError as error:
        raise Unauthenticated(f"the bearer token is not valid: {error}") from error

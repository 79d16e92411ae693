"""Tokens from an identity provider, checked against its keys published over HTTP.

A small HTTP server on loopback plays the provider's JWKS address; its keys can
be rotated while the verifier runs, as a real provider rotates them.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from chassis.auth import Role, TokenService
from chassis.errors import Unauthenticated
from chassis.identity import IdentityProvider
from chassis.settings import LOCAL_DEV_SECRET, IdentitySettings, InsecureSettings
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

SECRET = "unit-test-secret-0123456789abcdef0123456789"
ISSUER = "https://login.microsoftonline.com/tenant-1/v2.0"
AUDIENCE = "api://trust-platform"


class Keys:
    """Signing keys by kid, and the JWKS document that publishes their public halves."""

    def __init__(self) -> None:
        self.private: dict[str, Any] = {}

    def add_rsa(self, kid: str) -> None:
        self.private[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def add_ec(self, kid: str) -> None:
        self.private[kid] = ec.generate_private_key(ec.SECP256R1())

    def jwks(self) -> bytes:
        keys = []
        for kid, key in self.private.items():
            algorithm = (
                jwt.algorithms.RSAAlgorithm
                if isinstance(key, rsa.RSAPrivateKey)
                else jwt.algorithms.ECAlgorithm
            )
            public = json.loads(algorithm.to_jwk(key.public_key()))
            keys.append({**public, "kid": kid, "use": "sig"})
        return json.dumps({"keys": keys}).encode()


@pytest.fixture
def provider_keys() -> Iterator[tuple[Keys, str, list[int]]]:
    keys = Keys()
    keys.add_rsa("rsa-1")
    keys.add_ec("ec-1")
    fetches: list[int] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            fetches.append(1)
            body = keys.jwks()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield keys, f"http://127.0.0.1:{server.server_port}/discovery/v2.0/keys", fetches
    finally:
        server.shutdown()


def provider(url: str, **overrides: Any) -> IdentityProvider:
    settings: dict[str, Any] = {"min_refresh_seconds": 0.0, **overrides}
    return IdentityProvider(jwks_url=url, issuer=ISSUER, audience=AUDIENCE, **settings)


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    return {
        "sub": "head@alder.sch.uk",
        "roles": ["headteacher"],
        "trust": "trust-1",
        "academies": ["a1"],
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
        **overrides,
    }


def sign(keys: Keys, kid: str, body: dict[str, Any], algorithm: str = "") -> str:
    key = keys.private[kid]
    algorithm = algorithm or ("RS256" if isinstance(key, rsa.RSAPrivateKey) else "ES256")
    return jwt.encode(body, key, algorithm=algorithm, headers={"kid": kid})


def test_rs256_and_es256_tokens_from_the_provider_are_accepted(provider_keys) -> None:
    keys, url, _ = provider_keys
    tokens = TokenService(SECRET, provider(url))
    for kid in ("rsa-1", "ec-1"):
        caller = tokens.verify(sign(keys, kid, claims()))
        assert (caller.subject, caller.role, caller.trust_id) == (
            "head@alder.sch.uk",
            Role.HEADTEACHER,
            "trust-1",
        )
        assert caller.academies == frozenset({"a1"})
    # The platform's own tokens are still accepted beside them.
    local = TokenService(SECRET).mint("ceo@trust", Role.CHIEF_EXECUTIVE, "trust-1")
    assert tokens.verify(local).role is Role.CHIEF_EXECUTIVE


def test_rotated_keys_are_fetched_without_a_restart(provider_keys) -> None:
    keys, url, fetches = provider_keys
    tokens = TokenService(SECRET, provider(url))
    tokens.verify(sign(keys, "rsa-1", claims()))
    assert len(fetches) == 1
    keys.private.pop("rsa-1")
    keys.add_rsa("rsa-2")
    caller = tokens.verify(sign(keys, "rsa-2", claims(sub="new@alder.sch.uk")))
    assert caller.subject == "new@alder.sch.uk"
    assert len(fetches) == 2


def test_made_up_key_ids_do_not_make_it_fetch_on_every_call(provider_keys) -> None:
    keys, url, fetches = provider_keys
    tokens = TokenService(SECRET, provider(url, min_refresh_seconds=60.0))
    tokens.verify(sign(keys, "rsa-1", claims()))
    forger = Keys()
    for number in range(5):
        forger.add_rsa(f"made-up-{number}")
        with pytest.raises(Unauthenticated, match="does not publish"):
            tokens.verify(sign(forger, f"made-up-{number}", claims()))
    assert len(fetches) == 1  # within min_refresh_seconds: fetched once, at the start


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (claims(exp=int(time.time()) - 3600), "expired"),
        (claims(nbf=int(time.time()) + 3600), "not valid yet"),
        (claims(aud="api://someone-else"), "(?i)audience"),
        (claims(iss="https://evil.example.com/v2.0"), "(?i)issuer"),
        (claims(roles=["trustee", "headteacher"]), "exactly one platform role"),
        (claims(roles=["Global.Admin"]), "exactly one platform role"),
        (claims(trust=""), "names no trust"),
        (claims(academies="a1"), "must be a list"),
    ],
)
def test_provider_tokens_that_do_not_hold_are_refused(provider_keys, body, says) -> None:
    keys, url, _ = provider_keys
    with pytest.raises(Unauthenticated, match=says):
        TokenService(SECRET, provider(url)).verify(sign(keys, "rsa-1", body))


def test_alg_none_is_refused(provider_keys) -> None:
    _, url, _ = provider_keys
    unsigned = jwt.encode(claims(), key=None, algorithm="none", headers={"kid": "rsa-1"})
    for tokens in (TokenService(SECRET), TokenService(SECRET, provider(url))):
        with pytest.raises(Unauthenticated, match="'none'"):
            tokens.verify(unsigned)


def test_the_providers_public_key_used_as_a_shared_secret_is_refused(provider_keys) -> None:
    """Key confusion: an HS256 token whose 'secret' is the provider's public key."""
    keys, url, _ = provider_keys
    public_pem = (
        keys.private["rsa-1"]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    header = {"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}
    segments = [
        jwt.utils.base64url_encode(json.dumps(header).encode()),
        jwt.utils.base64url_encode(json.dumps(claims()).encode()),
    ]
    import hashlib
    import hmac

    signing_input = b".".join(segments)
    signature = hmac.new(public_pem, signing_input, hashlib.sha256).digest()
    confused = (signing_input + b"." + jwt.utils.base64url_encode(signature)).decode()
    with pytest.raises(Unauthenticated, match="not valid"):
        TokenService(SECRET, provider(url)).verify(confused)
    # And an RS256 token is never checked against the shared secret.
    with pytest.raises(Unauthenticated, match=r"accepted: HS256$"):
        TokenService(SECRET).verify(sign(keys, "rsa-1", claims()))


def test_a_provider_that_cannot_be_reached_is_said_plainly() -> None:
    tokens = TokenService(SECRET, provider("http://127.0.0.1:9/keys"))
    keys = Keys()
    keys.add_rsa("rsa-1")
    with pytest.raises(Unauthenticated, match="could not be fetched"):
        tokens.verify(sign(keys, "rsa-1", claims()))


def test_outside_local_mode_the_development_secret_refuses_to_start() -> None:
    with pytest.raises(InsecureSettings, match="built-in development secret"):
        IdentitySettings(environment="production", token_secret=LOCAL_DEV_SECRET).check_startable()
    IdentitySettings(environment="local", token_secret=LOCAL_DEV_SECRET).check_startable()
    IdentitySettings(environment="production", token_secret="s" * 40).check_startable()
    with pytest.raises(InsecureSettings, match="TRUST_IDP_ISSUER"):
        IdentitySettings(token_secret="s" * 40, idp_jwks_url="https://idp/keys").check_startable()


def test_the_default_environment_is_a_real_deployment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRUST_ENVIRONMENT", raising=False)
    monkeypatch.delenv("TRUST_TOKEN_SECRET", raising=False)
    with pytest.raises(InsecureSettings):
        IdentitySettings().check_startable()

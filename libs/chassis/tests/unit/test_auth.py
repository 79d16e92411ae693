from __future__ import annotations

import pytest
from chassis.auth import Principal, Role, TokenService, bearer_from_metadata
from chassis.errors import PermissionDenied, Unauthenticated

SECRET = "s" * 40


def test_a_minted_token_verifies_to_its_principal():
    tokens = TokenService(SECRET)
    principal = tokens.verify(tokens.mint("head@x", Role.HEADTEACHER, "t1", ["a1"]))
    assert principal == Principal("head@x", Role.HEADTEACHER, "t1", frozenset({"a1"}))


def test_a_tampered_token_is_unauthenticated():
    tokens = TokenService(SECRET)
    token = tokens.mint("head@x", Role.HEADTEACHER, "t1", ["a1"])
    header, payload, signature = token.split(".")
    tampered = ".".join([header, payload, ("A" if signature[0] != "A" else "B") + signature[1:]])
    with pytest.raises(Unauthenticated, match="not valid"):
        tokens.verify(tampered)
    with pytest.raises(Unauthenticated):
        TokenService("o" * 40).verify(token)


def test_an_expired_token_is_unauthenticated():
    tokens = TokenService(SECRET)
    with pytest.raises(Unauthenticated, match="expired"):
        tokens.verify(tokens.mint("x", Role.TRUSTEE, "t1", ttl_seconds=-10))


def test_metadata_needs_a_bearer_scheme():
    with pytest.raises(Unauthenticated, match="needs a bearer token"):
        bearer_from_metadata([("x-other", "1")])
    with pytest.raises(Unauthenticated, match="Bearer"):
        bearer_from_metadata([("authorization", "Basic abc")])
    assert bearer_from_metadata([("authorization", "Bearer abc")]) == "abc"


def test_scope_follows_the_academy_and_the_role():
    head = Principal("h", Role.HEADTEACHER, "t1", frozenset({"a1"}))
    ceo = Principal("c", Role.CHIEF_EXECUTIVE, "t1", frozenset())
    assert head.reaches("t1", "a1") and not head.reaches("t1", "a2")
    assert ceo.reaches("t1", "a2") and not ceo.reaches("t2", "a2")
    with pytest.raises(PermissionDenied, match="outside your scope"):
        head.require_academy("t1", "a2", "submitting data")
    with pytest.raises(PermissionDenied, match="needs one of the roles"):
        head.require_role([Role.CHIEF_EXECUTIVE], "registering an academy")


def test_the_token_cli_mints_a_token_the_services_accept(capsys):
    from chassis.token_cli import main

    assert (
        main(
            [
                "--subject",
                "head@x",
                "--role",
                "headteacher",
                "--trust",
                "t1",
                "--academy",
                "a1",
                "--secret",
                SECRET,
            ]
        )
        == 0
    )
    token = capsys.readouterr().out.strip()
    assert TokenService(SECRET).verify(token).academies == frozenset({"a1"})

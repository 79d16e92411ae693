"""``trust-token``: mint a local bearer token for trying the APIs by hand.

trust-token --role headteacher --trust demo-trust --academy <id> --subject head@school
"""

from __future__ import annotations

import argparse
import sys

from chassis.auth import Role, TokenService
from chassis.settings import ServiceSettings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Mint a signed bearer token for local use.")
    parser.add_argument("--subject", required=True, help="who the token is for, e.g. an email")
    parser.add_argument("--role", required=True, choices=[role.value for role in Role])
    parser.add_argument("--trust", required=True, help="the trust id")
    parser.add_argument("--academy", action="append", default=[], help="an academy id (repeat)")
    parser.add_argument("--ttl", type=int, default=8 * 3600, help="seconds until it expires")
    parser.add_argument("--secret", help="signing secret (default: TRUST_TOKEN_SECRET)")
    args = parser.parse_args(argv)
    secret = args.secret or ServiceSettings().token_secret
    token = TokenService(secret).mint(args.subject, args.role, args.trust, args.academy, args.ttl)
    sys.stdout.write(token + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

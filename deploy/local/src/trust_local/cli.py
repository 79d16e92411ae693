"""``trust-local``: run the whole platform on this machine.

trust-local demo               start everything, play the demo, keep serving (Ctrl-C stops)
trust-local demo --once        play the demo and exit (used by the tests)
trust-local demo --serve-only  start everything, create nothing, keep serving (Ctrl-C stops)

Locally anyone may act in every role: the demo prints the run's token secret and
a ready token per role, and `trust-token --secret S` makes more.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import pathlib
import signal
import sys

from chassis.auth import Role
from trust_frameworks.loader import presets

from trust_local.clients import PlatformClients
from trust_local.launcher import Platform, start_platform
from trust_local.scenario import ACADEMIES, DEFAULT_FRAMEWORK, TRUST_ID, DemoResult, run_demo

TOKEN_HOURS = 8


def _print_addresses(platform: Platform) -> None:
    print("\nWhere everything listens:")
    print(f"  PostgreSQL  {platform.postgres.host}:{platform.postgres.port} (user postgres)")
    print(f"  Kafka       {platform.kafka.bootstrap_servers} (librdkafka mock cluster)")
    for name, service in platform.services.items():
        print(f"  {name:<11} {service.address} (gRPC, health and reflection on)")
    if platform.gateway is not None:
        print(
            f"  {'gateway':<11} {platform.gateway.address} (every service's API: gRPC, gRPC-Web"
            " and Connect; health and reflection on)"
        )
        print(f"  web client  {platform.web_client_url}")
    print(f"  traces      {platform.run_dir}/<service>.traces.jsonl")
    print(f"  logs        {platform.run_dir}/<service>.log")


def demo_callers(result: DemoResult) -> list[tuple[Role, str, list[str]]]:
    """Someone in every role of the demo trust: role, subject, academies in the token."""
    heron, kingfisher, _wren = result.academy_ids
    return [
        (Role.CHIEF_EXECUTIVE, "you+ceo@demo-trust.org", []),
        (Role.TRUSTEE, "you+trustee@board.demo-trust.org", []),
        (Role.IMPROVEMENT_LEAD, "you+lead@demo-trust.org", [heron, kingfisher]),
        (Role.HEADTEACHER, "you+head@heron.sch.uk", [heron]),
        (Role.CHAIR_OF_LGB, "you+chair@heron.sch.uk", [heron]),
        (Role.FINANCE, "you+finance@demo-trust.org", []),
        (Role.PROVIDER, "you+consultant@provider.example", [heron]),
    ]


def _print_secret(platform: Platform) -> None:
    print(
        f"\nThis run's token secret (local only; a new one every run):\n  {platform.token_secret}"
    )


def _print_how_to_make_tokens(platform: Platform, trust_id: str) -> None:
    secret = platform.token_secret
    roles = "|".join(role.value for role in Role if role is not Role.SERVICE)
    print("\nMake a token for any role (academy-scoped roles name their academies):")
    print(
        f"  .venv/bin/trust-token --secret {secret} --trust {trust_id} "
        f"--role {{{roles}}} [--academy ID ...] --subject you@example.org"
    )
    print("  (or export TRUST_TOKEN_SECRET=<the secret> and leave out --secret)")
    address = platform.address("academies")
    print("\nThen, for example:")
    print(
        f"  grpcurl -plaintext -H \"authorization: Bearer $TOKEN\" -d '{{}}' "
        f"{address} trust.academies.v1.AcademiesService/WhoAmI"
    )


def _print_role_tokens(clients: PlatformClients, result: DemoResult) -> None:
    names = dict(zip(result.academy_ids, (a[1] for a in ACADEMIES), strict=True))
    print(f"\nA token per role in {result.trust_id} ({TOKEN_HOURS} hours; you may act as anyone):")
    for role, subject, academies in demo_callers(result):
        scope = ", ".join(names[a] for a in academies) if academies else "the whole trust"
        token = clients.caller(subject, role, result.trust_id, academies).token
        print(f"  {role.value} ({subject}; {scope}):\n    {token}")


async def _serve_until_interrupted() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    print("\nServing until interrupted (Ctrl-C) ...", flush=True)  # handlers in place first
    await stop.wait()


async def _demo(
    once: bool, framework: str, serve_only: bool = False, out: pathlib.Path | None = None
) -> int:
    print("Starting PostgreSQL, the Kafka broker and the services ...", flush=True)
    platform = await asyncio.to_thread(start_platform)
    clients = PlatformClients(
        {name: s.address for name, s in platform.services.items()}, platform.token_secret
    )
    try:
        if serve_only:
            print("Serve-only: nothing was created; create a trust with CreateTrust.")
            _print_addresses(platform)
            _print_secret(platform)
            _print_how_to_make_tokens(platform, TRUST_ID)
            token = clients.caller("you+ceo@demo-trust.org", Role.CHIEF_EXECUTIVE, TRUST_ID).token
            print(
                f"\nA chief executive's token for trust {TRUST_ID!r}, to create it "
                f"({TOKEN_HOURS} hours):\n  {token}"
            )
        else:
            result = await run_demo(clients, framework=framework, out=out)
            _print_addresses(platform)
            _print_secret(platform)
            _print_role_tokens(clients, result)
            _print_how_to_make_tokens(platform, result.trust_id)
        if not once:
            await _serve_until_interrupted()
        return 0
    finally:
        await clients.close()
        print("Stopping ...", flush=True)
        await asyncio.to_thread(platform.stop)
        print("Stopped.", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="trust-local", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="start the platform and play the scripted demo")
    mode = demo.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true", help="exit after the demo")
    mode.add_argument(
        "--serve-only",
        action="store_true",
        help="start the platform without playing the demo (creates nothing); print where "
        "everything listens, the token secret and how to make tokens",
    )
    demo.add_argument(
        "--framework",
        default=DEFAULT_FRAMEWORK,
        choices=sorted(presets()),
        help=f"the demo trust's framework preset (default {DEFAULT_FRAMEWORK})",
    )
    demo.add_argument(
        "--out",
        type=pathlib.Path,
        default=pathlib.Path("demo-output"),
        help="where the board pack and the finance export are written (default ./demo-output)",
    )
    args = parser.parse_args(argv)
    if args.command == "demo":
        with contextlib.suppress(KeyboardInterrupt):
            return asyncio.run(_demo(args.once, args.framework, args.serve_only, args.out))
    return 1


if __name__ == "__main__":
    sys.exit(main())

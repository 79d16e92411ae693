"""``trust-local``: run the whole platform on this machine.

trust-local demo          start everything, play the demo, keep serving (Ctrl-C stops)
trust-local demo --once   play the demo and exit (used by the tests)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

from chassis.auth import Role
from trust_frameworks.loader import presets

from trust_local.clients import PlatformClients
from trust_local.launcher import Platform, start_platform
from trust_local.scenario import DEFAULT_FRAMEWORK, TRUST_ID, run_demo


def _print_addresses(platform: Platform) -> None:
    print("\nWhere everything listens:")
    print(f"  PostgreSQL  {platform.postgres.host}:{platform.postgres.port} (user postgres)")
    print(f"  Kafka       {platform.kafka.bootstrap_servers} (librdkafka mock cluster)")
    for name, service in platform.services.items():
        print(f"  {name:<11} {service.address} (gRPC, health and reflection on)")
    print(f"  traces      {platform.run_dir}/<service>.traces.jsonl")
    print(f"  logs        {platform.run_dir}/<service>.log")


async def _demo(once: bool, framework: str) -> int:
    print("Starting PostgreSQL, the Kafka broker and the services ...")
    platform = await asyncio.to_thread(start_platform)
    clients = PlatformClients(
        {name: s.address for name, s in platform.services.items()}, platform.token_secret
    )
    try:
        await run_demo(clients, framework=framework)
        _print_addresses(platform)
        if not once:
            token = clients.caller("you@demo-trust.org", Role.CHIEF_EXECUTIVE, TRUST_ID).token
            print(f"\nA chief executive's token for trying the APIs (8 hours):\n  {token}")
            print("\nServing until interrupted (Ctrl-C) ...")
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop.set)
            await stop.wait()
        return 0
    finally:
        await clients.close()
        print("Stopping ...")
        await asyncio.to_thread(platform.stop)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="trust-local", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="start the platform and play the scripted demo")
    demo.add_argument("--once", action="store_true", help="exit after the demo")
    demo.add_argument(
        "--framework",
        default=DEFAULT_FRAMEWORK,
        choices=sorted(presets()),
        help=f"the demo trust's framework preset (default {DEFAULT_FRAMEWORK})",
    )
    args = parser.parse_args(argv)
    if args.command == "demo":
        with contextlib.suppress(KeyboardInterrupt):
            return asyncio.run(_demo(args.once, args.framework))
    return 1


if __name__ == "__main__":
    sys.exit(main())

"""``trust-relay``: what an operator does when a relay has parked an event.

    trust-relay --database-url URL list
    trust-relay --database-url URL republish POSITION   # after fixing the cause
    trust-relay --database-url URL dismiss POSITION --reason "..."

A parked event stays in the service's event store and feed; only its Kafka
message is missing. ``republish`` asks the running relay to publish it again
(it does so within a second or so, after the events already published: per-key
order is broken for this one event, consumers still deduplicate by event id);
``dismiss`` records that it will not be published (subscribers backfill from
the event feed instead). Either clears the alarm once no event is left parked.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import asdict, dataclass
from datetime import datetime

import asyncpg

from chassis.settings import ServiceSettings


@dataclass(frozen=True)
class ParkedEvent:
    global_position: int
    event_id: str
    event_type: str
    stream: str
    reason: str
    parked_at: datetime
    republish_requested_at: datetime | None
    resolved_at: datetime | None
    resolution: str | None


async def list_parked(
    conn: asyncpg.Connection, relay: str = "kafka", include_resolved: bool = False
) -> list[ParkedEvent]:
    rows = await conn.fetch(
        "SELECT global_position, event_id::text, event_type, stream, reason, parked_at, "
        "republish_requested_at, resolved_at, resolution FROM relay_parked "
        "WHERE relay = $1 AND ($2 OR resolved_at IS NULL) ORDER BY global_position",
        relay,
        include_resolved,
    )
    return [ParkedEvent(**dict(row)) for row in rows]


async def request_republish(conn: asyncpg.Connection, position: int, relay: str = "kafka") -> None:
    status = await conn.execute(
        "UPDATE relay_parked SET republish_requested_at = now() "
        "WHERE relay = $1 AND global_position = $2 AND resolved_at IS NULL",
        relay,
        position,
    )
    if status.endswith(" 0"):
        raise LookupError(f"no unresolved parked event at global position {position}")


async def dismiss(
    conn: asyncpg.Connection, position: int, reason: str, relay: str = "kafka"
) -> None:
    if not reason.strip():
        raise ValueError("say why the event is dismissed (--reason)")
    status = await conn.execute(
        "UPDATE relay_parked SET resolved_at = now(), resolution = $3 "
        "WHERE relay = $1 AND global_position = $2 AND resolved_at IS NULL",
        relay,
        position,
        f"dismissed: {reason.strip()}",
    )
    if status.endswith(" 0"):
        raise LookupError(f"no unresolved parked event at global position {position}")


async def _run(args: argparse.Namespace) -> int:
    conn = await asyncpg.connect(args.database_url)
    try:
        if args.command == "list":
            for parked in await list_parked(conn, args.relay, args.all):
                print(json.dumps(asdict(parked), default=str))
        elif args.command == "republish":
            await request_republish(conn, args.position, args.relay)
            print(f"republish requested for global position {args.position}")
        else:
            await dismiss(conn, args.position, args.reason, args.relay)
            print(f"dismissed global position {args.position}")
    except (LookupError, ValueError) as error:
        print(f"trust-relay: {error}", file=sys.stderr)
        return 2
    finally:
        await conn.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="trust-relay", description="Inspect and resolve events a relay has parked."
    )
    parser.add_argument(
        "--database-url",
        default=ServiceSettings().database_url,
        help="the service's database (default: TRUST_DATABASE_URL)",
    )
    parser.add_argument("--relay", default="kafka", help="the relay's name (default: kafka)")
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="parked events, one JSON object a line")
    listing.add_argument("--all", action="store_true", help="include resolved ones")
    republish = commands.add_parser("republish", help="publish a parked event again")
    republish.add_argument("position", type=int, help="its global position")
    dismissing = commands.add_parser("dismiss", help="give up on publishing a parked event")
    dismissing.add_argument("position", type=int, help="its global position")
    dismissing.add_argument("--reason", required=True, help="why (recorded)")
    return asyncio.run(_run(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())

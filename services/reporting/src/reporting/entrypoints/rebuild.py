"""``python -m reporting.entrypoints.rebuild --feed academies=HOST:PORT [--schema S]``

Rebuilds the timeline read model (and the actions per owner, from the meetings
feed, and the support ledger's events) from the services' event feeds. With no
--schema it replaces the live model in place; with --schema it writes a copy.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator

import grpc
from chassis.auth import ALL_TRUSTS, Role, TokenService
from chassis.db import create_pool
from chassis.envelope import EventEnvelope
from chassis.feed import read_feed
from chassis.settings import ServiceSettings

from reporting.adapters.timeline_store import LIVE_SCHEMA
from reporting.application.rebuild import FeedReader, rebuild_timeline


def feed_reader(address: str, token: str) -> FeedReader:
    async def read() -> AsyncIterator[EventEnvelope]:
        async with grpc.aio.insecure_channel(address) as channel:
            async for envelope in read_feed(channel, token):
                yield envelope

    return read


def service_token(settings: ServiceSettings) -> str:
    return TokenService(settings.token_secret).mint(
        "reporting-rebuild", Role.SERVICE, ALL_TRUSTS, ttl_seconds=3600
    )


async def run(feeds: dict[str, str], schema: str) -> int:
    settings = ServiceSettings()
    token = service_token(settings)
    pool = await create_pool(settings.database_url)
    try:
        readers = {name: feed_reader(address, token) for name, address in feeds.items()}
        return await rebuild_timeline(pool, readers, schema)
    finally:
        await pool.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feed", action="append", required=True, help="service=host:port")
    parser.add_argument("--schema", default=LIVE_SCHEMA)
    args = parser.parse_args()
    feeds = dict(item.split("=", 1) for item in args.feed)
    count = asyncio.run(run(feeds, args.schema))
    print(f"rebuilt the timeline, actions and ledger in schema {args.schema} from {count} events")


if __name__ == "__main__":
    main()

"""``trust-report rebuild --feed academies=HOST:PORT ... [--schema S] [--resume]``
(also ``python -m reporting.entrypoints.rebuild``, the same command)

Rebuilds every read model (the timeline, actions per owner, the support ledger's
events, the board's facts) from the services' event feeds, with a progress bar
on stderr. With no --schema it replaces the live model in place, in one
transaction; with --schema it writes a copy, checkpointed batch by batch, that
--resume continues after an interruption.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Mapping

import grpc
from chassis.auth import ALL_TRUSTS, Role, TokenService
from chassis.db import create_pool
from chassis.envelope import EventEnvelope
from chassis.feed import read_feed, read_head
from chassis.settings import ServiceSettings
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from reporting.application.rebuild import FeedReader, rebuild


def feed_reader(address: str, token: str) -> FeedReader:
    """A service's feed over gRPC, after a global position (0: from the start)."""

    async def read(after_position: int = 0) -> AsyncIterator[EventEnvelope]:
        async with grpc.aio.insecure_channel(address) as channel:
            async for envelope in read_feed(channel, token, after_position):
                yield envelope

    return read


def service_token(settings: ServiceSettings) -> str:
    return TokenService(settings.token_secret).mint(
        "reporting-rebuild", Role.SERVICE, ALL_TRUSTS, ttl_seconds=3600
    )


class ProgressBars:
    """One bar per feed, measured in the feed's positions (its head, read as the
    rebuild starts, is the bar's end), with the events projected so far."""

    def __init__(self, bars: Progress, heads: Mapping[str, int]) -> None:
        self._bars = bars
        self._heads = heads
        self._tasks: dict[str, TaskID] = {}

    def __call__(self, feed: str, events: int, position: int) -> None:
        task = self._tasks.get(feed)
        if task is None:
            # A resumed feed's bar starts where it stopped, not at zero.
            task = self._tasks[feed] = self._bars.add_task(
                feed, total=self._heads.get(feed), start_position=position, events=events
            )
        self._bars.update(task, completed=position, events=events)


class EventsColumn(ProgressColumn):
    """Events projected, and how fast since the bar started (the speed of
    resumed work, not of the position it started from)."""

    def render(self, task: Task) -> Text:
        events = task.fields.get("events", 0)
        return Text(f"{events:>11,} events {task.speed or 0:>8,.0f} positions/s")


def progress_bars() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<12}"),
        BarColumn(),
        TaskProgressColumn(),
        EventsColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),  # stdout keeps the result line alone
    )


async def feed_heads(feeds: Mapping[str, str], token: str) -> dict[str, int]:
    """Each feed's head position now (where its bar ends)."""
    heads = {}
    for name, address in feeds.items():
        async with grpc.aio.insecure_channel(address) as channel:
            heads[name] = await read_head(channel, token)
    return heads


async def run(feeds: dict[str, str], schema: str, resume: bool = False) -> int:
    settings = ServiceSettings()
    token = service_token(settings)
    pool = await create_pool(settings.database_url)
    try:
        readers = {name: feed_reader(address, token) for name, address in feeds.items()}
        heads = await feed_heads(feeds, token)
        with progress_bars() as bars:
            return await rebuild(
                pool, readers, schema, resume=resume, progress=ProgressBars(bars, heads)
            )
    finally:
        await pool.close()


def main() -> None:
    """``python -m reporting.entrypoints.rebuild``: the staff tool's rebuild command."""
    from reporting.entrypoints.staff_tool import app

    app(["rebuild", *sys.argv[1:]])


if __name__ == "__main__":
    main()

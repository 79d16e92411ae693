"""What every area of the servicer shares: the handlers' dependencies (ports and a
clock), who is calling and what their events will record, today in England."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import grpc
from chassis import clock

from support.application.ports import Ports
from support.domain.values import local_day

Context = grpc.aio.ServicerContext


def utc_now() -> dt.datetime:
    return clock.now()


@dataclass(frozen=True)
class Dependencies:
    """What the handlers are given: the event store and read-table ports, a clock."""

    ports: Ports
    clock: Callable[[], dt.datetime] = utc_now

    def today(self) -> dt.date:
        return local_day(self.clock())


class Area:
    """A mixin's view of the servicer: its dependencies."""

    d: Dependencies

    @property
    def ports(self) -> Ports:
        return self.d.ports

"""Each service's event feed over gRPC (server streaming), and a client for it.

Read models rebuild from these feeds, not from Kafka's retention.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import grpc
from trust.feed.v1 import feed_pb2, feed_pb2_grpc

from chassis.auth import ALL_TRUSTS, Role, current_principal
from chassis.envelope import EventEnvelope
from chassis.errors import InvalidArgument
from chassis.eventstore import PostgresEventStore

FEED_SERVICE_NAME = feed_pb2.DESCRIPTOR.services_by_name["EventFeed"].full_name
_PAGE = 500

# The feed carries every event of the service, confidential ones included: the
# chief executive reads everything of their trust; the platform's own read
# models rebuild with a service token (trust "*") that reaches every trust.
FEED_READER_ROLES = (Role.CHIEF_EXECUTIVE, Role.SERVICE)


class EventFeedServicer(feed_pb2_grpc.EventFeedServicer):
    def __init__(self, store: PostgresEventStore) -> None:
        self._store = store

    async def ReadEvents(
        self, request: feed_pb2.ReadEventsRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[feed_pb2.FeedEvent]:
        principal = current_principal()
        principal.require_role(FEED_READER_ROLES, "reading the event feed")
        if request.after_position < 0 or request.max_count < 0:
            raise InvalidArgument("after_position and max_count must not be negative")
        position = request.after_position
        remaining = request.max_count or None
        stop_at = await self._store.head_position()
        while position < stop_at and (remaining is None or remaining > 0):
            page = _PAGE if remaining is None else min(_PAGE, remaining)
            events = await self._store.read_feed(position, page)
            if not events:
                break
            for envelope in events:
                # Every contract payload carries trust_id: a trust sees only its own.
                if (
                    principal.trust_id != ALL_TRUSTS
                    and envelope.payload.get("trust_id") != principal.trust_id
                ):
                    continue
                yield feed_pb2.FeedEvent(
                    global_position=envelope.global_position or 0,
                    envelope_json=envelope.to_json_bytes(),
                )
            position = events[-1].global_position or position
            if remaining is not None:
                remaining -= len(events)

    async def GetHead(
        self, request: feed_pb2.GetHeadRequest, context: grpc.aio.ServicerContext
    ) -> feed_pb2.FeedHead:
        current_principal().require_role(FEED_READER_ROLES, "reading the event feed")
        return feed_pb2.FeedHead(head_position=await self._store.head_position())


def add_feed_servicer(store: PostgresEventStore) -> Callable[[grpc.aio.Server], None]:
    def register(server: grpc.aio.Server) -> None:
        feed_pb2_grpc.add_EventFeedServicer_to_server(EventFeedServicer(store), server)

    return register


async def read_head(channel: grpc.aio.Channel, token: str) -> int:
    """The feed's last global position now."""
    stub = feed_pb2_grpc.EventFeedStub(channel)
    head = await stub.GetHead(
        feed_pb2.GetHeadRequest(), metadata=(("authorization", f"Bearer {token}"),)
    )
    return int(head.head_position)


async def read_feed(
    channel: grpc.aio.Channel, token: str, after_position: int = 0
) -> AsyncIterator[EventEnvelope]:
    """Every event in a service's feed after ``after_position``, oldest first."""
    stub = feed_pb2_grpc.EventFeedStub(channel)
    call = stub.ReadEvents(
        feed_pb2.ReadEventsRequest(after_position=after_position),
        metadata=(("authorization", f"Bearer {token}"),),
    )
    async for item in call:
        yield EventEnvelope.from_json_bytes(item.envelope_json)

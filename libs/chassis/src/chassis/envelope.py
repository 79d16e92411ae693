"""The event envelope: metadata that travels with every event, never in its payload."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict

# The largest Kafka record (value, key and headers) the platform stores,
# produces and consumes: one setting (TRUST_MAX_MESSAGE_BYTES) shared by the
# event store (which refuses to append a larger event), the relay's producer
# (max_request_size) and every consumer. It stays under the broker's default
# message.max.bytes (1,048,588) with room for the record batch's own bytes.
DEFAULT_MAX_MESSAGE_BYTES = 1_000_000
# Headers added at publish time (the publish span's traceparent/tracestate).
PUBLISH_HEADER_ALLOWANCE = 512


class Actor(BaseModel):
    """Who caused an event: the token subject and the role they acted in."""

    # Readers tolerate fields added later (forward compatibility); see docs/events.md.
    model_config = ConfigDict(frozen=True, extra="ignore")

    subject: str
    role: str


class EventEnvelope(BaseModel):
    """One stored (or published) event. The JSON form is the Kafka message value."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_id: uuid.UUID
    event_type: str
    schema_version: int
    stream: str
    stream_position: int
    global_position: int | None = None
    source: str
    key: str
    occurred_at: datetime
    actor: Actor
    correlation_id: str
    causation_id: str | None = None
    traceparent: str | None = None
    tracestate: str | None = None
    payload: dict[str, Any]

    def to_json_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_json_bytes(cls, data: bytes) -> EventEnvelope:
        return cls.model_validate_json(data)

    def headers(self) -> list[tuple[str, bytes]]:
        """The Kafka headers every published event carries (before trace context)."""
        return [
            ("event_id", str(self.event_id).encode()),
            ("event_type", self.event_type.encode()),
            ("schema_version", str(self.schema_version).encode()),
            ("source", self.source.encode()),
        ]

    def record_size(self) -> int:
        """Bytes of this event as a Kafka record: value, key and headers."""
        headers = sum(len(name) + len(value) for name, value in self.headers())
        return len(self.to_json_bytes()) + len(self.key.encode()) + headers


@dataclass(frozen=True)
class NewEvent:
    """An event a handler decided on, before the store gives it a position."""

    event_type: str
    schema_version: int
    payload: dict[str, Any]
    key: str
    event_id: uuid.UUID = field(default_factory=uuid.uuid4)


class Payload(Protocol):
    """A decided event's payload: a versioned contract model."""

    EVENT_TYPE: ClassVar[str]
    SCHEMA_VERSION: ClassVar[int]

    def model_dump(self, *, mode: str) -> dict[str, Any]: ...


def new_events(payloads: Sequence[Payload], key: str) -> list[NewEvent]:
    """Payloads as NewEvents, all with the partition ``key`` (the academy or trust id)."""
    return [
        NewEvent(p.EVENT_TYPE, p.SCHEMA_VERSION, p.model_dump(mode="json"), key) for p in payloads
    ]


@dataclass(frozen=True)
class CausationContext:
    """What caused the events being appended: the actor and the request or event."""

    actor: Actor
    correlation_id: str
    causation_id: str | None = None

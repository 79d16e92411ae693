"""The whole Kafka message of each event: its value (the envelope around the
payload) and its headers, as JSON Schemas (draft 2020-12).

The envelope is described here, field by field, as the platform writes it on
the wire (chassis.envelope.EventEnvelope; a test checks both name the same
fields); the payload is the event's own schema. Like the payloads, the
envelope may gain optional fields, so neither closes ``additionalProperties``.
"""

from __future__ import annotations

import copy
from typing import Any

from contracts.base import EventPayload

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def event_urn(model: type[EventPayload]) -> str:
    return f"urn:trust-platform:event:{model.EVENT_TYPE}:v{model.SCHEMA_VERSION}"


def source_of(model: type[EventPayload]) -> str:
    """The service that owns (and publishes) the event: its type's prefix."""
    return model.EVENT_TYPE.split(".", 1)[0]


def _nullable(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}], "default": None, "description": description}


def _string(description: str, **more: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **more}


ACTOR = {
    "type": "object",
    "description": "who caused the event",
    "properties": {
        "subject": _string("the token subject, e.g. an email address"),
        "role": _string("the role they acted in, e.g. headteacher"),
    },
    "required": ["subject", "role"],
}

_KEY = "the Kafka partition key"

# name -> (schema, required by every reader)
_ENVELOPE: dict[str, tuple[dict[str, Any], bool]] = {
    "event_id": (_string("unique per event; deduplicate on it", format="uuid"), True),
    "event_type": ({}, True),  # const, per message
    "schema_version": ({}, True),  # const, per message
    "stream": (
        _string(
            "the aggregate stream in the source service, e.g. academy-<id>, submission-<id>; "
            "streams are per source service"
        ),
        True,
    ),
    "stream_position": (
        {"type": "integer", "minimum": 1, "description": "1, 2, ... within the stream"},
        True,
    ),
    "global_position": (
        _nullable(
            {"type": "integer", "minimum": 1},
            "position in the source service's event feed: gap-free in commit order over that "
            "one service, not across services; always set on a published message",
        ),
        False,
    ),
    "source": ({}, True),  # const, per message
    "key": (_string(_KEY), True),  # message_schema names which id, per event type
    "occurred_at": (_string("when it was recorded, RFC 3339 UTC", format="date-time"), True),
    "actor": ({"$ref": "#/$defs/Actor"}, True),
    "correlation_id": (_string("the request (or the chain of events) that caused it"), True),
    "causation_id": (
        _nullable({"type": "string"}, "the event that caused it, when an event did"),
        False,
    ),
    "traceparent": (
        _nullable({"type": "string"}, "W3C trace context of the request that caused it"),
        False,
    ),
    "tracestate": (_nullable({"type": "string"}, "W3C trace state of that request"), False),
    "payload": ({"$ref": "#/$defs/Payload"}, True),
}

ENVELOPE_FIELDS = tuple(_ENVELOPE)


def message_schema(
    model: type[EventPayload], payload_schema: dict[str, Any], key: str | None = None
) -> dict[str, Any]:
    """The Kafka message value of one event type and version: envelope and payload.

    ``payload_schema`` is the event's published schema; its ``$defs`` move up
    so that the message schema stands alone. ``key`` says what the partition
    key is for this event type (e.g. "the academy id").
    """
    payload = copy.deepcopy(payload_schema)
    defs = payload.pop("$defs", {})
    for keyword in ("$schema", "$id"):
        payload.pop(keyword, None)
    if "Actor" in defs or "Payload" in defs:
        raise ValueError(f"{model.EVENT_TYPE}: a payload definition clashes with the envelope's")
    properties = {name: copy.deepcopy(schema) for name, (schema, _) in _ENVELOPE.items()}
    if key:
        properties["key"]["description"] = f"{_KEY}: {key}"
    properties["event_type"] = {"const": model.EVENT_TYPE, "type": "string"}
    properties["schema_version"] = {
        "const": model.SCHEMA_VERSION,
        "type": "integer",
        "description": "the Kafka header schema_version carries it as a decimal string",
    }
    properties["source"] = {
        "const": source_of(model),
        "type": "string",
        "description": "the service that owns the event",
    }
    return {
        "$schema": DRAFT,
        "$id": f"urn:trust-platform:message:{model.EVENT_TYPE}:v{model.SCHEMA_VERSION}",
        "title": f"{model.EVENT_TYPE} v{model.SCHEMA_VERSION} message",
        "description": (
            "The Kafka message value: the event envelope (JSON, UTF-8) whose payload is "
            f"{model.EVENT_TYPE} v{model.SCHEMA_VERSION}. Readers ignore fields they do not know."
        ),
        "type": "object",
        "properties": properties,
        "required": [name for name, (_, required) in _ENVELOPE.items() if required],
        "$defs": {**defs, "Actor": copy.deepcopy(ACTOR), "Payload": payload},
    }


def _header_properties(model: type[EventPayload] | None) -> dict[str, Any]:
    return {
        "event_id": _string("the envelope's event_id", format="uuid"),
        "event_type": (
            {"const": model.EVENT_TYPE, "type": "string"}
            if model
            else _string("the envelope's event_type")
        ),
        "schema_version": {
            "type": "string",
            "pattern": "^[1-9][0-9]*$",
            "description": (
                "the envelope's schema_version (an integer) written as ASCII decimal digits"
            ),
            **({"const": str(model.SCHEMA_VERSION)} if model else {}),
        },
        "source": (
            {"const": source_of(model), "type": "string"}
            if model
            else _string("the envelope's source")
        ),
        "traceparent": _string(
            "W3C trace context of the publish span (a child of the request's trace)"
        ),
        "tracestate": _string("W3C trace state of the publish span, when there is one"),
    }


HEADER_NAMES = ("event_id", "event_type", "schema_version", "source", "traceparent", "tracestate")
REQUIRED_HEADERS = ("event_id", "event_type", "schema_version", "source", "traceparent")


def headers_schema(model: type[EventPayload]) -> dict[str, Any]:
    """The Kafka headers (UTF-8 text values) of one event type and version."""
    return {
        "$schema": DRAFT,
        "$id": f"urn:trust-platform:headers:{model.EVENT_TYPE}:v{model.SCHEMA_VERSION}",
        "title": f"{model.EVENT_TYPE} v{model.SCHEMA_VERSION} headers",
        "description": (
            "Kafka record headers, each value UTF-8 text. They repeat envelope fields so a "
            "consumer can route or skip a record without parsing its value; other headers may "
            "be added and are to be ignored. There is no correlation_id header: the "
            "correlation id is in the value."
        ),
        "type": "object",
        "properties": _header_properties(model),
        "required": list(REQUIRED_HEADERS),
    }


DLQ_HEADERS = {
    "dlq_reason": "why the consumer could never process the record (one line)",
    "dlq_consumer": "the consumer (group) that gave up on it",
    "dlq_source_topic": "the topic it was read from",
    "dlq_source_partition": "its partition there, as decimal digits",
    "dlq_source_offset": "its offset there, as decimal digits",
}
# Only on a letter about a record over the size limit, whose value keeps its head.
DLQ_TRUNCATION_HEADERS = {
    "dlq_value_bytes": "the original value's size in bytes, as decimal digits",
    "dlq_value_truncated": '"true": the value is the original\'s first bytes only',
}


def dead_letter_headers_schema() -> dict[str, Any]:
    """Headers of a record on ``<topic>.dlq``: the original's, and why it is there."""
    properties: dict[str, Any] = {
        name: _string(text) for name, text in {**DLQ_HEADERS, **DLQ_TRUNCATION_HEADERS}.items()
    }
    properties["dlq_value_truncated"]["enum"] = ["true"]
    for name in ("dlq_source_partition", "dlq_source_offset", "dlq_value_bytes"):
        properties[name]["pattern"] = "^[0-9]+$"
    for name, schema in _header_properties(None).items():
        schema["description"] = "copied from the original record: " + schema["description"]
        properties[name] = schema
    return {
        "$schema": DRAFT,
        "$id": "urn:trust-platform:headers:dead-letter",
        "title": "dead-letter headers",
        "description": (
            "Headers of a record on <topic>.dlq: the original record's headers (if it had "
            "them) plus dlq_*; the key and value are the original's, byte for byte (a value "
            "over the size limit: its first 64 KiB, with dlq_value_bytes and "
            "dlq_value_truncated), and may not be a valid envelope."
        ),
        "type": "object",
        "properties": properties,
        "required": list(DLQ_HEADERS),
    }

"""Correlation ids: taken from the caller's metadata, else the trace id."""

from __future__ import annotations

import uuid

import grpc
from opentelemetry import trace

from chassis.auth import Principal, current_principal
from chassis.envelope import CausationContext

CORRELATION_HEADER = "x-correlation-id"


def correlation_id_from(context: grpc.aio.ServicerContext) -> str:
    for name, value in context.invocation_metadata() or ():
        if name == CORRELATION_HEADER and value:
            text = value.decode() if isinstance(value, bytes) else value
            return text[:128]
    span = trace.get_current_span().get_span_context()
    return f"{span.trace_id:032x}" if span.is_valid else str(uuid.uuid4())


def asking(context: grpc.aio.ServicerContext) -> tuple[Principal, CausationContext]:
    """Who is calling (from the bearer token) and what their events will record."""
    principal = current_principal()
    return principal, CausationContext(principal.actor, correlation_id_from(context))

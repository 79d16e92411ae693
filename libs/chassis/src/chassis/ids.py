"""Ids a client may choose (so a retried call names the same thing) or leave to us."""

from __future__ import annotations

import uuid

from chassis.errors import InvalidArgument

MAX_ID_LENGTH = 64


def client_or_new_id(value: str, field: str) -> str:
    """The client's id if given and well formed, else a fresh UUID."""
    value = value.strip()
    if not value:
        return str(uuid.uuid4())
    if len(value) > MAX_ID_LENGTH or not all(c.isalnum() or c in "-_" for c in value):
        raise InvalidArgument(f"{field} must be up to {MAX_ID_LENGTH} letters, digits, '-' or '_'")
    return value


def require_id(value: str, field: str) -> str:
    """An id a request names: required, in the form a client may choose."""
    text = value.strip()
    if not text:
        raise InvalidArgument(f"{field} is required")
    if len(text) > MAX_ID_LENGTH or not all(c.isalnum() or c in "-_" for c in text):
        raise InvalidArgument(
            f"{field} must be up to {MAX_ID_LENGTH} letters, digits, '-' or '_', got {text[:80]!r}"
        )
    return text

"""Stream names: one grammar, parsed by one function.

A stream name is ``<category>-<id>``; a compound id joins its parts with
``+`` (``plan-<academy id>+2026/27``), as Message DB does. The category is
lower-case letters, digits and underscores (no ``-``), so the first ``-``
always ends it; id parts may hold anything but ``+``. Code that needs to know
what a stream is asks ``parse_stream``, never ``startswith``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chassis.errors import InvalidArgument

_CATEGORY = re.compile(r"^[a-z][a-z0-9_]*$")
ID_SEPARATOR = "+"


class InvalidStreamName(InvalidArgument, ValueError):
    """An id that cannot name a stream (empty, or holding the separator): a bad request."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


@dataclass(frozen=True)
class StreamName:
    category: str
    ids: tuple[str, ...]

    @property
    def id(self) -> str:
        """The whole id, compound parts joined."""
        return ID_SEPARATOR.join(self.ids)

    def __str__(self) -> str:
        return f"{self.category}-{self.id}"


def stream_name(category: str, *ids: str) -> str:
    """``category-id`` (or ``category-a+b`` for a compound id)."""
    if not _CATEGORY.match(category):
        raise InvalidStreamName(f"stream category {category!r} must match {_CATEGORY.pattern}")
    if not ids or any(not part or ID_SEPARATOR in part for part in ids):
        shown = ", ".join(repr(part) for part in ids) or "no id"
        raise InvalidStreamName(
            f"{shown} is not a valid id here: an id is not empty and holds no {ID_SEPARATOR!r}"
        )
    return str(StreamName(category, tuple(ids)))


def parse_stream(name: str) -> StreamName:
    category, separator, rest = name.partition("-")
    if not separator or not rest or not _CATEGORY.match(category):
        raise InvalidStreamName(f"{name!r} is not a stream name (category-id)")
    return StreamName(category, tuple(rest.split(ID_SEPARATOR)))


def category_of(name: str) -> str:
    return parse_stream(name).category

"""Paging for List calls: page-size rules and opaque page tokens, in one place.

A list is read in a fixed order with a unique key per item. A page token is the
key of the last item a client has seen, JSON-encoded and base64url'd: opaque to
the client, and stateless for the server (the next page is "the items after
this key", so items added meanwhile neither shift nor repeat a page).

    page = page_request(request.page_size, request.page_token, (str, str))
    rows = ...  # at most page.fetch items after page.after, in key order
    items, token = page.cut(rows, key=lambda row: (row.name, row.id))
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from chassis.errors import InvalidArgument

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500

# The parts a key may have. Dates and times travel as ISO 8601 text.
KeyPart = str | int | dt.date | dt.datetime
Key = tuple[KeyPart, ...]
KeyShape = Sequence[type[str] | type[int] | type[dt.date] | type[dt.datetime]]

_TOKEN_VERSION = 1
INVALID_TOKEN = "page_token is not valid"

T = TypeVar("T")


def page_size(requested: int) -> int:
    """The size of a page: 0 (unset) means the default; above the maximum is refused."""
    if requested < 0:
        raise InvalidArgument("page_size must not be negative")
    if requested > MAX_PAGE_SIZE:
        raise InvalidArgument(f"page_size must be at most {MAX_PAGE_SIZE}, got {requested}")
    return requested or DEFAULT_PAGE_SIZE


def _encode_part(part: KeyPart) -> str | int:
    if isinstance(part, bool):
        raise TypeError("a page key part cannot be a bool")
    if isinstance(part, dt.date):  # datetime is a date too
        return part.isoformat()
    return part


def encode_page_token(key: Iterable[KeyPart]) -> str:
    """The opaque token naming the item with ``key`` as the last one seen."""
    document = {"v": _TOKEN_VERSION, "after": [_encode_part(part) for part in key]}
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode_part(value: object, kind: type) -> KeyPart:
    if kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif isinstance(value, str):
        if kind is str:
            return value
        if kind is dt.datetime:
            moment = dt.datetime.fromisoformat(value)
            if moment.tzinfo is None:
                raise ValueError("a time in a page token needs its offset")
            return moment
        if kind is dt.date:
            return dt.date.fromisoformat(value)
    raise ValueError(f"expected {kind.__name__}")


def decode_page_token(token: str, shape: KeyShape) -> Key | None:
    """The key a token names (None for an empty token: the first page).

    ``shape`` is the type of each part of the list's key; a token of another
    list, a tampered or truncated one, is INVALID_ARGUMENT.
    """
    if not token:
        return None
    try:
        padded = token + "=" * (-len(token) % 4)
        raw = base64.b64decode(padded, altchars=b"-_", validate=True)
        document = json.loads(raw.decode())
        if not isinstance(document, dict) or document.get("v") != _TOKEN_VERSION:
            raise ValueError("unknown token version")
        after = document.get("after")
        if not isinstance(after, list) or len(after) != len(shape):
            raise ValueError("the key does not fit this list")
        return tuple(_decode_part(value, kind) for value, kind in zip(after, shape, strict=True))
    except (ValueError, binascii.Error, UnicodeDecodeError, RecursionError) as error:
        raise InvalidArgument(INVALID_TOKEN) from error


@dataclass(frozen=True)
class PageRequest:
    """One page asked for: how many items, after which key (None: from the start)."""

    size: int
    after: Key | None

    @property
    def fetch(self) -> int:
        """How many items to read: one more than a page shows whether another follows."""
        return self.size + 1

    def cut(self, items: Sequence[T], key: Callable[[T], Key]) -> tuple[list[T], str]:
        """The page out of up to ``fetch`` items read after ``after`` in key order, and
        the token of the next page ('' when this is the last)."""
        page = list(items[: self.size])
        if len(items) <= self.size or not page:
            return page, ""
        return page, encode_page_token(key(page[-1]))

    def select(self, items: Iterable[T], key: Callable[[T], Key]) -> tuple[list[T], str]:
        """Page through items held in memory: sorts by ``key`` (unique per item)
        and takes the page after ``after``."""
        ordered = sorted(items, key=key)
        if self.after is not None:
            after = self.after
            ordered = [item for item in ordered if key(item) > after]
        return self.cut(ordered[: self.fetch], key)


def page_request(requested_size: int, token: str, shape: KeyShape) -> PageRequest:
    """Validate a List call's page_size and page_token for a list keyed by ``shape``."""
    return PageRequest(page_size(requested_size), decode_page_token(token, shape))

"""What the handlers read and write besides the event store: small ports.

- ``facts``: the register, the trusts' frameworks and each academy's phases, as
  the consumer keeps them (trustfacts; never another service's database).
- ``index``: one row per request, provider, commission, invoice, budget and
  entitlement, written in the same transaction as the events (``execute``'s
  ``after``). It resolves what an id alone must (commission id -> academy, year
  and provider; invoice id -> provider; request id -> academy) and backs the
  List calls, whose items are then folded from their streams.
- ``notes``: a delivery's short note, kept only here (the event says has_note).

The asyncpg implementations are in ``adapters/read_tables.py``; the unit tests
use ``adapters/memory.py``. Every list is read in (sort_key, entity_id) order:
``INDEX_KEY`` is what a page token holds (chassis.paging).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from chassis.aggregate import EventStore
from trustfacts.ports import FactsReader

REQUEST, PROVIDER, COMMISSION, INVOICE, BUDGET, ENTITLEMENT = (
    "request",
    "provider",
    "commission",
    "invoice",
    "budget",
    "entitlement",
)
INDEX_KEY = (str, str)


@dataclass(frozen=True)
class IndexRow:
    """One thing the service keeps, by kind and id, with whose it is."""

    kind: str
    entity_id: str
    trust_id: str
    academy_id: str | None = None
    academic_year: str | None = None
    provider_id: str | None = None
    request_id: str | None = None
    status: str = ""
    tags: tuple[str, ...] = ()  # a provider's specialisms; an invoice's "discrepancy"
    sort_key: str = ""

    @property
    def owner(self) -> tuple[str, str | None, str | None, str | None]:
        """An id chosen twice by clients for different owners is refused."""
        return self.trust_id, self.academy_id, self.academic_year, self.provider_id


def index_key(row: IndexRow) -> tuple[str, str]:
    return row.sort_key, row.entity_id


@dataclass(frozen=True)
class IndexQuery:
    kind: str
    trust_id: str
    academy_id: str | None = None
    only: frozenset[str] | None = None  # the academies in the caller's reach (None: all)
    providers: frozenset[str] | None = None  # a provider's own (None: any)
    academic_year: str | None = None
    provider_id: str | None = None
    request_id: str | None = None
    status: str | None = None
    tag: str | None = None


def listed(row: IndexRow, query: IndexQuery) -> bool:
    """Whether ``query`` shows the row: the rule the SQL states, written once for
    the in-memory index and the tests."""
    wanted = (
        (query.academy_id, row.academy_id),
        (query.academic_year, row.academic_year),
        (query.provider_id, row.provider_id),
        (query.request_id, row.request_id),
        (query.status, row.status),
    )
    return (
        row.kind == query.kind
        and row.trust_id == query.trust_id
        and all(want is None or want == have for want, have in wanted)
        and (query.only is None or row.academy_id in query.only)
        and (query.providers is None or row.provider_id in query.providers)
        and (query.tag is None or query.tag in row.tags)
    )


class Index(Protocol):
    async def find(self, kind: str, entity_id: str) -> IndexRow | None: ...

    async def save(self, conn: Any, row: IndexRow) -> bool:
        """Keep the row in the caller's transaction; False when its id is another
        owner's (a client-chosen id used twice)."""
        ...

    async def page(
        self, query: IndexQuery, after: Sequence[object] | None, limit: int
    ) -> list[IndexRow]:
        """The rows ``query`` shows, in ``index_key`` order after ``after``."""
        ...


@dataclass(frozen=True)
class DeliveryNote:
    delivery_id: str
    commission_id: str
    text: str
    author_subject: str


class DeliveryNotes(Protocol):
    async def of_commission(self, commission_id: str) -> dict[str, DeliveryNote]: ...

    async def save(self, conn: Any, note: DeliveryNote) -> bool:
        """Keep a note in the caller's transaction; False when its delivery has one."""
        ...


@dataclass(frozen=True)
class Ports:
    """Everything a handler may need: the event store, the facts and the tables."""

    store: EventStore
    facts: FactsReader
    index: Index
    notes: DeliveryNotes


async def every_row(index: Index, query: IndexQuery, batch: int = 500) -> list[IndexRow]:
    """Every row ``query`` shows, read page by page."""
    found: list[IndexRow] = []
    after: tuple[str, str] | None = None
    while True:
        rows = await index.page(query, after, batch)
        found.extend(rows)
        if len(rows) < batch:
            return found
        after = index_key(rows[-1])

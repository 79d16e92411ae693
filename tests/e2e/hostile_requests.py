"""Hostile requests for every RPC, generated from the protobuf descriptors.

Nothing here names an RPC: every ``trust.<service>.v1.*Service`` in trust-protos
is found through the descriptor pool, and each request is drawn field by field
from the field's type, its ``(trust.common.v1.rules)`` limits (values at, and
just over, max_len and max_items; required fields left empty) and its name
(ids, dates, academic years, decimal amounts), so a new RPC or field is covered
the day it is added. Values that would get a call past "not found" come from
an ``IdPool``: the real trust and academies made in setup, and every short
string the platform has answered with since (meeting ids, meeting types, area
ids, ...), so later calls reach the handlers' own rules.

Enum-like strings come from the contracts' own comments: a field documented
``// autumn | spring | summer`` is drawn from those words, the others' words,
and unknown ones.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import trust
from google.protobuf import descriptor_pool, message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor, MethodDescriptor
from google.protobuf.message import Message
from hypothesis import strategies as st
from trust.common.v1 import validation_pb2

PROTO_ROOT = Path(__file__).resolve().parents[2] / "proto"
# The event feed is every service's, not a business API (and read by other tests).
SKIPPED_PACKAGES = frozenset({"trust.feed.v1", "trust.common.v1"})
GRPC_MAX_MESSAGE_BYTES = 4 * 1024 * 1024

_T = FieldDescriptor
INT_TYPES = {_T.TYPE_INT32, _T.TYPE_SINT32, _T.TYPE_SFIXED32}
INT64_TYPES = {_T.TYPE_INT64, _T.TYPE_SINT64, _T.TYPE_SFIXED64}
UINT_TYPES = {_T.TYPE_UINT32, _T.TYPE_FIXED32}
UINT64_TYPES = {_T.TYPE_UINT64, _T.TYPE_FIXED64}
FLOAT_TYPES = {_T.TYPE_DOUBLE, _T.TYPE_FLOAT}


# -- the contracts -----------------------------------------------------------------------


def _import_all_protos() -> None:
    for module in pkgutil.walk_packages(trust.__path__, "trust."):
        if module.name.endswith("_pb2"):
            importlib.import_module(module.name)


@dataclass(frozen=True)
class Rpc:
    backend: str  # the service that owns it: "academies", "meetings", ...
    service: str  # full name, trust.academies.v1.AcademiesService
    method: MethodDescriptor

    @property
    def name(self) -> str:
        return self.method.name

    @property
    def path(self) -> str:
        return f"/{self.service}/{self.method.name}"

    @property
    def input_class(self) -> type[Message]:
        return message_factory.GetMessageClass(self.method.input_type)

    @property
    def output_class(self) -> type[Message]:
        return message_factory.GetMessageClass(self.method.output_type)


@cache
def all_rpcs() -> tuple[Rpc, ...]:
    """Every unary RPC of every business service in trust-protos."""
    _import_all_protos()
    pool = descriptor_pool.Default()
    found: list[Rpc] = []
    for module in sorted(pkgutil.walk_packages(trust.__path__, "trust."), key=lambda m: m.name):
        if not module.name.endswith("_pb2"):
            continue
        file = importlib.import_module(module.name).DESCRIPTOR
        if file.package in SKIPPED_PACKAGES:
            continue
        for service in file.services_by_name.values():
            backend = file.package.split(".")[1]
            described = pool.FindServiceByName(service.full_name)
            for method in described.methods:
                if method.client_streaming or method.server_streaming:
                    continue
                found.append(Rpc(backend, service.full_name, method))
    return tuple(found)


def rpcs_of(backend: str) -> list[Rpc]:
    return [rpc for rpc in all_rpcs() if rpc.backend == backend]


def backends() -> list[str]:
    return sorted({rpc.backend for rpc in all_rpcs()})


def rules_of(field: FieldDescriptor) -> validation_pb2.FieldRules:
    options = field.GetOptions()
    if options.HasExtension(validation_pb2.rules):
        return options.Extensions[validation_pb2.rules]
    return validation_pb2.FieldRules()


_FIELD_LINE = re.compile(
    r"^\s*(?:optional\s+|repeated\s+)?[\w.<>, ]+?\s+(\w+)\s*=\s*\d+[^;]*;\s*//\s*(.*)$"
)
_WORD = re.compile(r"^[a-z][a-z0-9_\-]*$")


@cache
def documented_words() -> dict[str, frozenset[str]]:
    """field name -> the values its comment lists as ``a | b | c`` (every .proto)."""
    words: dict[str, set[str]] = defaultdict(set)
    for path in PROTO_ROOT.rglob("*.proto"):
        for line in path.read_text().splitlines():
            match = _FIELD_LINE.match(line)
            if not match or "|" not in match.group(2):
                continue
            for part in match.group(2).split("|"):
                token = part.strip().split(" ")[0].strip(".,;()")
                if _WORD.match(token):
                    words[match.group(1)].add(token)
    return {name: frozenset(values) for name, values in words.items()}


@cache
def every_word() -> tuple[str, ...]:
    return tuple(sorted({w for values in documented_words().values() for w in values}))


# -- values the platform has shown us ----------------------------------------------------


class IdPool:
    """Real values, by field name: set up by the test, and harvested from replies."""

    _PER_FIELD = 200

    def __init__(self) -> None:
        self._values: dict[str, list[str]] = defaultdict(list)
        self._lock = threading.Lock()

    def add(self, field: str, value: str) -> None:
        if not value or len(value) > 128:
            return
        with self._lock:
            known = self._values[field]
            if value not in known and len(known) < self._PER_FIELD:
                known.append(value)

    def values(self, field: str) -> list[str]:
        with self._lock:
            return list(self._values.get(field, ()))

    def ids(self) -> list[str]:
        with self._lock:
            return [v for name, vs in self._values.items() if name.endswith("_id") for v in vs]

    def harvest(self, message: Message) -> None:
        for field, value in message.ListFields():
            if field.type == _T.TYPE_MESSAGE:
                if field.message_type.GetOptions().map_entry:
                    for key, item in value.items():
                        self.add(f"{field.name}.key", str(key))
                        if isinstance(item, Message):
                            self.harvest(item)
                        elif isinstance(item, str):
                            self.add(f"{field.name}.value", item)
                elif field.is_repeated:
                    for item in value:
                        self.harvest(item)
                else:
                    self.harvest(value)
            elif field.type == _T.TYPE_STRING:
                for item in value if field.is_repeated else [value]:
                    self.add(field.name, item)


# -- strategies --------------------------------------------------------------------------

# Text as users paste it, and as attackers do: every plane but lone surrogates
# (which no protobuf string can carry) and NUL (U+0000: refused by PostgreSQL
# text and jsonb, a known failure kept in test_hostile_input's own NUL test, so
# that it does not hide every other finding), right-to-left marks, SQL and HTML.
_NASTY = (
    "",
    " ",
    "\u202e",
    "\ufeff",
    "😀",
    "Robert'); DROP TABLE events;--",
    "<script>alert(1)</script>",
    "%s%n%x",
    "{{7*7}}",
    "../../etc/passwd",
    "null",
    "None",
    "NaN",
    "-0",
    "\n\r\t",
    "ﬁ",
    "İ",
    "\U0001d518\U0001d52b\U0001d526\U0001d520\U0001d52c\U0001d521\U0001d522",
)
NUL = "\x00"
_TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters=NUL), max_size=40)
_FILL = st.sampled_from(["a", "é", "😀", " ", "9"])

_DATES = (
    "2026-09-01",
    "2027-02-29",
    "2028-02-29",
    "2026-02-30",
    "2026-13-01",
    "2026-00-10",
    "0001-01-01",
    "0000-01-01",
    "9999-12-31",
    "10000-01-01",
    "-2026-01-01",
    "2026-9-1",
    "01/09/2026",
    "2026-09-01T00:00:00",
    "2026-09-01T25:61:61Z",
    "2026-09-01T09:00:00+00:00",
    "2026-09-01T09:00:00+99:99",
    "2026-09-01T09:00:00Z",
    "1970-01-01T00:00:00-23:59",
    "9999-12-31T23:59:59+14:00",
    "0001-01-01T00:00:00+00:00",
    "today",
    "yesterday",
    "20260901",
    "2026-W36-1",
)
_YEARS = (
    "2026/27",
    "2025/26",
    "2027/28",
    "2026/28",
    "2026/2027",
    "0000/01",
    "9999/00",
    "-1/0",
    "2026/",
    "/27",
    "\uff12\uff10\uff12\uff16/\uff12\uff17",
    "1999/00",
    "2099/00",
)
_DECIMALS = (
    "0",
    "1",
    "0.5",
    "-1",
    "1.25",
    "0.001",
    "NaN",
    "-NaN",
    "sNaN",
    "Infinity",
    "-Infinity",
    "1e309",
    "1e-309",
    "1E+999999999",
    "99999999999999999999999",
    "٣",
    "1_000",
    " 2 ",
    "0x10",
    "1,5",
)
_GOOD_DATES = (
    "2026-09-01",
    "2026-10-15",
    "2027-01-10",
    "2027-03-20",
    "2027-07-15",
    "2026-11-03T09:30:00+00:00",
    "2027-05-12T14:00:00+01:00",
)
# Where a field's real values are found under another name in replies.
_ALIASES: dict[str, tuple[str, ...]] = {
    "judgements.key": ("area_id", "area_ids"),
    "area_judgements.key": ("area_id", "area_ids"),
    "grades.key": ("area_id", "area_ids"),
    "judgements.value": ("grade_id",),
    "area_judgements.value": ("grade_id",),
    "grades.value": ("grade_id",),
    "area": ("area_id", "area_ids"),
    "focus_areas": ("area_id", "area_ids"),
    "phase": ("phase_id", "current_phase", "suggested_phase"),
    "to_meeting_id": ("meeting_id",),
    "home_academy_id": ("academy_id",),
    "budget_line": ("line_id",),
}
_INTS = (0, 1, -1, 2, 15, 480, 481, 500, 501, 2**31 - 1, -(2**31))
_INT64S = (0, 1, -1, 100, 2**53 + 1, 2**63 - 1, -(2**63))
_FLOATS = (
    0.0,
    -0.0,
    50.0,
    100.0,
    100.0000001,
    -5.0,
    5.0000001,
    float("nan"),
    float("inf"),
    float("-inf"),
    1e308,
    -1e308,
    5e-324,
)


def _kind_of(name: str) -> str:
    if name.endswith("_id") or name in {"id", "urn", "subject", "owner_subject"}:
        return "id"
    if name == "academic_year":
        return "year"
    if name.endswith(("_on", "_at", "_for", "date", "_date")) or name in {"as_of", "on"}:
        return "date"
    if name.startswith("days") or name.endswith(("_days", "days_per_term", "_pence")):
        return "decimal"
    if name == "page_token":
        return "token"
    return "text"


class Generator:
    """Strategies for the requests of each RPC; ``huge`` allows multi-megabyte values."""

    def __init__(self, pool: IdPool, huge: bool = True) -> None:
        self.pool = pool
        self.huge = huge

    # strings ------------------------------------------------------------------------

    def _sized(self, limit: int) -> st.SearchStrategy[str]:
        lengths = ([limit, limit + 1] if limit else [1000, 100_000]) * 20
        if self.huge:  # over gRPC's message limit: rare, as each costs 4 MB to send
            lengths.append(GRPC_MAX_MESSAGE_BYTES + 1)
        return st.builds(lambda n, c: c * n, st.sampled_from(lengths), _FILL)

    def _pooled(self, name: str) -> st.SearchStrategy[str]:
        def pick(index: int) -> str:
            values = self.pool.values(name) or self.pool.ids() or ["none"]
            return values[index % len(values)]

        return st.builds(pick, st.integers(0, 10_000))

    def _any_id(self) -> st.SearchStrategy[str]:
        def pick(index: int) -> str:
            values = self.pool.ids() or ["none"]
            return values[index % len(values)]

        return st.builds(pick, st.integers(0, 10_000))

    def string(self, field: FieldDescriptor, name: str | None = None) -> st.SearchStrategy[str]:
        name = name or field.name
        rules = rules_of(field)
        limit = rules.max_len or rules.item_max_len
        kind = _kind_of(name)
        words = documented_words().get(name, frozenset())
        choices: list[tuple[int, st.SearchStrategy[str]]] = [
            (3, self._pooled(name)),
            (2, _TEXT),
            (1, st.sampled_from(_NASTY)),
            (1, self._sized(limit)),
        ]
        if kind == "id":
            choices += [
                (4, self._pooled(name)),
                (2, self._any_id()),
                (1, st.sampled_from(["no-such-id", "trust-other", "*", "%", "a+b", "a-b-c"])),
            ]
        elif kind == "year":
            choices.append((5, st.sampled_from(_YEARS)))
        elif kind == "date":
            choices.append((5, st.sampled_from(_DATES)))
        elif kind == "decimal":
            choices.append((5, st.sampled_from(_DECIMALS)))
        elif kind == "token":
            choices.append((2, st.sampled_from(["AAAA", "e30=", "not base64!", "eyJ4IjoxfQ"])))
        if words:
            choices.append((6, st.sampled_from(sorted(words))))
        if every_word():
            choices.append((1, st.sampled_from(every_word())))
        weighted = [strategy for weight, strategy in choices for _ in range(weight)]
        return st.one_of(weighted)

    def plausible_string(
        self, field: FieldDescriptor, name: str | None = None
    ) -> st.SearchStrategy[str]:
        """What a well-meaning client would send: real ids, this year, known words."""
        name = name or field.name
        kind = _kind_of(name)
        words = sorted(documented_words().get(name, frozenset()))
        options: list[st.SearchStrategy[str]] = []
        if self.pool.values(name) or kind == "id":
            options.append(self._pooled(name))
        for alias in _ALIASES.get(name, ()):
            options.append(self._pooled(alias))
        if words:
            options.append(st.sampled_from(words))
        if kind == "year":
            options.append(st.sampled_from(_YEARS[:3]))
        elif kind == "date":
            options.append(st.sampled_from(_GOOD_DATES))
        elif kind == "decimal":
            options.append(st.sampled_from(["0.5", "1", "2", "3.5", "10"]))
        elif kind == "token":
            options.append(st.just(""))
        if not options:
            options.append(st.sampled_from(["A reason given in plain words", "Mathematics", "x"]))
        return st.one_of(options)

    # scalars ------------------------------------------------------------------------

    def scalar(self, field: FieldDescriptor, name: str | None = None) -> st.SearchStrategy:
        kind = field.type
        if kind == _T.TYPE_STRING:
            return self.string(field, name)
        if kind == _T.TYPE_BYTES:
            return st.one_of(
                st.binary(max_size=64), self._sized(rules_of(field).max_len).map(str.encode)
            )
        if kind == _T.TYPE_BOOL:
            return st.booleans()
        if kind in INT_TYPES:
            return st.one_of(st.sampled_from(_INTS), st.integers(-(2**31), 2**31 - 1))
        if kind in INT64_TYPES:
            return st.one_of(st.sampled_from(_INT64S), st.integers(-(2**63), 2**63 - 1))
        if kind in UINT_TYPES:
            return st.integers(0, 2**32 - 1)
        if kind in UINT64_TYPES:
            return st.integers(0, 2**64 - 1)
        if kind in FLOAT_TYPES:
            return st.one_of(st.sampled_from(_FLOATS), st.floats(allow_nan=True))
        if kind == _T.TYPE_ENUM:
            numbers = [value.number for value in field.enum_type.values]
            return st.one_of(st.sampled_from(numbers), st.integers(-5, 1000))
        raise AssertionError(f"no strategy for {field.full_name}")

    # messages -----------------------------------------------------------------------

    def _count(self, rules: validation_pb2.FieldRules) -> st.SearchStrategy[int]:
        edges = [0, 1, 2, 3]
        if rules.max_items:
            edges += [rules.max_items, rules.max_items + 1]
        else:
            edges.append(1000)
        return st.one_of(st.sampled_from(edges), st.integers(0, 5))

    def message(self, descriptor: Descriptor, depth: int = 0) -> st.SearchStrategy[Message]:
        """Half the time a wild message (each field unset or hostile), half the time a
        plausible one (required fields set, values a client would send) with about
        one field in eight hostile: refusals from the handlers' own rules, not only
        from the declared limits."""
        return st.one_of(self._wild(descriptor, depth), self._plausible(descriptor, depth))

    def _wild(self, descriptor: Descriptor, depth: int) -> st.SearchStrategy[Message]:
        cls = message_factory.GetMessageClass(descriptor)
        return st.builds(
            lambda values: _build(cls, values),
            st.fixed_dictionaries(
                {}, optional={field.name: self._field(field, depth) for field in descriptor.fields}
            ),
        )

    def _plausible(self, descriptor: Descriptor, depth: int) -> st.SearchStrategy[Message]:
        cls = message_factory.GetMessageClass(descriptor)
        required: dict[str, st.SearchStrategy] = {}
        optional: dict[str, st.SearchStrategy] = {}
        for field in descriptor.fields:
            good = self._good_field(field, depth)
            either = st.one_of(*[good] * 7, self._field(field, depth))
            if rules_of(field).required or _kind_of(field.name) == "id":
                required[field.name] = either
            else:
                optional[field.name] = either
        return st.builds(
            lambda values: _build(cls, values), st.fixed_dictionaries(required, optional=optional)
        )

    def _good_field(self, field: FieldDescriptor, depth: int) -> st.SearchStrategy:
        is_map = field.type == _T.TYPE_MESSAGE and field.message_type.GetOptions().map_entry
        if is_map:
            key_field = field.message_type.fields_by_name["key"]
            value_field = field.message_type.fields_by_name["value"]
            return st.lists(
                st.tuples(
                    self._good_part(key_field, f"{field.name}.key", depth),
                    self._good_part(value_field, f"{field.name}.value", depth),
                ),
                min_size=1,
                max_size=4,
            )
        item = self._good_item(field, depth)
        if field.is_repeated:
            return st.lists(item, min_size=1, max_size=3)
        return item

    def _good_part(self, part: FieldDescriptor, name: str, depth: int) -> st.SearchStrategy:
        if part.type == _T.TYPE_STRING:
            return self.plausible_string(part, name)
        if part.type == _T.TYPE_MESSAGE:
            return self._plausible(part.message_type, depth + 1)
        if part.type in FLOAT_TYPES:
            return st.floats(0, 100)
        return self.scalar(part, name)

    def _good_item(self, field: FieldDescriptor, depth: int) -> st.SearchStrategy:
        if field.type == _T.TYPE_MESSAGE:
            if depth >= 3:
                return st.just(message_factory.GetMessageClass(field.message_type)())
            return self._plausible(field.message_type, depth + 1)
        if field.type == _T.TYPE_STRING:
            return self.plausible_string(field)
        if field.type in FLOAT_TYPES:
            return st.floats(0, 100)
        if field.type in INT_TYPES | INT64_TYPES | UINT_TYPES | UINT64_TYPES:
            return st.integers(0, 50_000) if field.name.endswith("pence") else st.integers(0, 50)
        return self.scalar(field)

    def _field(self, field: FieldDescriptor, depth: int) -> st.SearchStrategy:
        rules = rules_of(field)
        is_map = field.type == _T.TYPE_MESSAGE and field.message_type.GetOptions().map_entry
        if is_map:
            key_field = field.message_type.fields_by_name["key"]
            value_field = field.message_type.fields_by_name["value"]
            pair = st.tuples(
                self._map_part(key_field, field, f"{field.name}.key", depth),
                self._map_part(value_field, field, f"{field.name}.value", depth),
            )
            # At and over the limit: copies of one entry under distinct keys.
            return st.one_of(
                st.lists(pair, max_size=4),
                st.tuples(self._count(rules), pair).map(
                    lambda drawn: [(_nth_key(drawn[1][0], i), drawn[1][1]) for i in range(drawn[0])]
                ),
            )
        if field.is_repeated:
            item = self._item(field, depth)
            # A list at its limit is drawn as copies of one item: big, not slow to draw.
            return st.one_of(
                st.lists(item, max_size=4),
                st.tuples(self._count(rules), item).map(lambda pair: [pair[1]] * pair[0]),
            )
        return self._item(field, depth)

    def _map_part(
        self, part: FieldDescriptor, owner: FieldDescriptor, name: str, depth: int
    ) -> st.SearchStrategy:
        if part.type == _T.TYPE_MESSAGE:
            return self.message(part.message_type, depth + 1)
        if part.type == _T.TYPE_STRING:
            # Map keys and values carry the owner's item_max_len.
            return self.string(owner, name) | self._pooled(name)
        return self.scalar(part, name)

    def _item(self, field: FieldDescriptor, depth: int) -> st.SearchStrategy:
        if field.type == _T.TYPE_MESSAGE:
            if depth >= 3:
                return st.just(message_factory.GetMessageClass(field.message_type)())
            return self.message(field.message_type, depth + 1)
        return self.scalar(field)

    def request(self, rpc: Rpc) -> st.SearchStrategy[Message]:
        return self.message(rpc.method.input_type)


def _nth_key(key: object, index: int) -> object:
    if index == 0:
        return key
    if isinstance(key, str):
        return f"{key}{index}"
    if isinstance(key, bool):
        return key
    if isinstance(key, int):
        return key + index
    return key


def _build(cls: type[Message], values: dict) -> Message:
    message = cls()
    for name, value in values.items():
        field = cls.DESCRIPTOR.fields_by_name[name]
        if field.type == _T.TYPE_MESSAGE and field.message_type.GetOptions().map_entry:
            target = getattr(message, name)
            value_field = field.message_type.fields_by_name["value"]
            for key, item in value:
                if value_field.type == _T.TYPE_MESSAGE:
                    target[key].CopyFrom(item)
                else:
                    target[key] = item
        elif field.is_repeated:
            target = getattr(message, name)
            if field.type == _T.TYPE_MESSAGE:
                for item in value:
                    target.add().CopyFrom(item)
            else:
                target.extend(value)
        elif field.type == _T.TYPE_MESSAGE:
            getattr(message, name).CopyFrom(value)
        else:
            setattr(message, name, value)
    return message


# -- who calls ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CallerSpec:
    """Who a generated call claims to be: a role, and how the token is scoped or broken."""

    role: str
    scope: str  # own | one_academy | other_trust | no_token | garbage | wrong_scheme

    def describe(self) -> str:
        return f"{self.role}/{self.scope}"


SCOPES = ("own", "one_academy", "other_trust", "no_token", "garbage", "wrong_scheme")


@cache
def allowed_roles(rpc: Rpc) -> tuple[str, ...]:
    """The roles the service's access table lets call ``rpc`` (bootstrap.SPEC.access)."""
    spec = importlib.import_module(f"{rpc.backend}.bootstrap").SPEC
    for table in spec.access:
        if table.service == rpc.service and rpc.name in table.rules:
            return tuple(sorted(role.value for role in table.rules[rpc.name].roles))
    return ()


def callers(rpc: Rpc, roles: Iterable[str]) -> st.SearchStrategy[CallerSpec]:
    """Mostly a role the RPC allows, on its own trust and academies (so the call
    reaches the handler); otherwise any role, scope or broken token."""
    anyone = st.builds(CallerSpec, st.sampled_from(sorted(roles)), st.sampled_from(SCOPES))
    allowed = allowed_roles(rpc)
    if not allowed:
        return anyone
    entitled = st.builds(CallerSpec, st.sampled_from(allowed), st.just("own"))
    return st.one_of(entitled, entitled, entitled, anyone)


def short(value: object, limit: int = 300) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} chars)"


def describe_request(message: Message) -> str:
    """A request in one line, long values cut (a 4 MB string would drown the report)."""
    parts: list[str] = []
    for field, value in message.ListFields():
        if field.type == _T.TYPE_MESSAGE and not field.is_repeated:
            parts.append(f"{field.name}={{{describe_request(value)}}}")
        elif field.is_repeated and not isinstance(value, (str, bytes)):
            items = list(value.items()) if hasattr(value, "items") else list(value)
            shown = [
                describe_request(i) if isinstance(i, Message) else short(i, 60) for i in items[:3]
            ]
            parts.append(f"{field.name}=[{len(items)}: {', '.join(shown)}]")
        else:
            parts.append(f"{field.name}={short(value, 80)}")
    return ", ".join(parts)


def iter_messages(message: Message) -> Iterator[Message]:
    yield message
    for field, value in message.ListFields():
        if field.type == _T.TYPE_MESSAGE:
            if field.message_type.GetOptions().map_entry:
                continue
            for item in value if field.is_repeated else [value]:
                yield from iter_messages(item)

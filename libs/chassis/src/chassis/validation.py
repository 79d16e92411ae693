"""Request limits declared in the proto contracts, enforced in one place.

Each request field may carry ``(trust.common.v1.rules)`` options (see
proto/trust/common/v1/validation.proto): required, max_len, max_items,
item_max_len. The gRPC bootstrap checks every request against them before a
handler runs, so an empty or oversized request is INVALID_ARGUMENT naming the
field and the limit, and nothing is appended. ``unbounded_fields`` lets a test
prove that no text, bytes, list or map field of any request lacks a maximum.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from google.protobuf.descriptor import Descriptor, FieldDescriptor, ServiceDescriptor
from google.protobuf.message import Message
from trust.common.v1 import validation_pb2

from chassis.errors import InvalidArgument

_STRING = FieldDescriptor.TYPE_STRING
_BYTES = FieldDescriptor.TYPE_BYTES
_MESSAGE = FieldDescriptor.TYPE_MESSAGE


@dataclass(frozen=True)
class _Check:
    field: FieldDescriptor
    rules: validation_pb2.FieldRules
    is_list: bool
    is_map: bool
    is_message: bool


def _rules(field: FieldDescriptor) -> validation_pb2.FieldRules:
    options = field.GetOptions()
    if options.HasExtension(validation_pb2.rules):
        return options.Extensions[validation_pb2.rules]
    return validation_pb2.FieldRules()


def _is_map(field: FieldDescriptor) -> bool:
    entry = field.message_type
    return bool(entry is not None and entry.GetOptions().map_entry)


@cache
def _checks(descriptor: Descriptor) -> tuple[_Check, ...]:
    checks = []
    for field in descriptor.fields:
        is_list = field.is_repeated
        is_map = is_list and _is_map(field)
        checks.append(
            _Check(
                field=field,
                rules=_rules(field),
                is_list=is_list and not is_map,
                is_map=is_map,
                is_message=field.type == _MESSAGE and not is_map,
            )
        )
    return tuple(checks)


def _size_word(field: FieldDescriptor) -> str:
    return "bytes" if field.type == _BYTES else "characters"


def _check_scalar(path: str, value: str | bytes, limit: int, field: FieldDescriptor) -> None:
    if limit and len(value) > limit:
        word = _size_word(field)
        raise InvalidArgument(f"{path} is {len(value):,} {word}; the limit is {limit:,} {word}")
    # PostgreSQL's text and jsonb cannot hold U+0000: refused here, said plainly,
    # rather than failing deep in a query (INTERNAL).
    if isinstance(value, str) and "\x00" in value:
        raise InvalidArgument(f"{path} contains a NUL character (U+0000), which is not allowed")


def validate_request(message: Message, prefix: str = "") -> None:
    """Raise InvalidArgument for the first field of ``message`` that breaks its rules."""
    for check in _checks(message.DESCRIPTOR):
        field, rules = check.field, check.rules
        path = f"{prefix}{field.name}"
        value = getattr(message, field.name)
        if check.is_map or check.is_list:
            count = len(value)
            if rules.required and not count:
                raise InvalidArgument(f"{path} is required (at least one entry)")
            if rules.max_items and count > rules.max_items:
                raise InvalidArgument(
                    f"{path} has {count:,} entries; the limit is {rules.max_items:,}"
                )
            if check.is_map:
                _validate_map(path, value, field, rules)
            elif field.type == _MESSAGE:
                for index, item in enumerate(value):
                    validate_request(item, f"{path}[{index}].")
            elif field.type in (_STRING, _BYTES):
                for index, item in enumerate(value):
                    _check_scalar(f"{path}[{index}]", item, rules.item_max_len, field)
        elif check.is_message:
            present = message.HasField(field.name)
            if rules.required and not present:
                raise InvalidArgument(f"{path} is required")
            if present:
                validate_request(value, f"{path}.")
        elif field.type in (_STRING, _BYTES):
            if rules.required and not value:
                raise InvalidArgument(f"{path} is required")
            _check_scalar(path, value, rules.max_len, field)


def _validate_map(
    path: str, value: object, field: FieldDescriptor, rules: validation_pb2.FieldRules
) -> None:
    key_field = field.message_type.fields_by_name["key"]
    value_field = field.message_type.fields_by_name["value"]
    for key, item in value.items():  # type: ignore[attr-defined]
        if key_field.type == _STRING:
            _check_scalar(f"{path} key", key, rules.item_max_len, key_field)
        if value_field.type in (_STRING, _BYTES):
            _check_scalar(f"{path}[{key!r}]", item, rules.item_max_len, value_field)
        elif value_field.type == _MESSAGE:
            validate_request(item, f"{path}[{key!r}].")


def request_types(service: ServiceDescriptor) -> list[Descriptor]:
    return [method.input_type for method in service.methods]


def unbounded_fields(descriptor: Descriptor, prefix: str = "") -> Iterator[str]:
    """Paths of text, bytes, list and map fields (recursively) with no maximum declared."""
    yield from _unbounded(descriptor, prefix, frozenset())


def _unbounded(descriptor: Descriptor, prefix: str, seen: frozenset[str]) -> Iterator[str]:
    if descriptor.full_name in seen:
        return
    seen = seen | {descriptor.full_name}
    for check in _checks(descriptor):
        field, rules = check.field, check.rules
        path = f"{prefix}{descriptor.name}.{field.name}"
        if check.is_map:
            entry = field.message_type
            value_field = entry.fields_by_name["value"]
            if not rules.max_items:
                yield f"{path} (max_items)"
            needs_item_limit = entry.fields_by_name["key"].type == _STRING or value_field.type in (
                _STRING,
                _BYTES,
            )
            if needs_item_limit and not rules.item_max_len:
                yield f"{path} (item_max_len)"
            if value_field.type == _MESSAGE:
                yield from _unbounded(value_field.message_type, prefix, seen)
        elif check.is_list:
            if not rules.max_items:
                yield f"{path} (max_items)"
            if field.type in (_STRING, _BYTES) and not rules.item_max_len:
                yield f"{path} (item_max_len)"
            if field.type == _MESSAGE:
                yield from _unbounded(field.message_type, prefix, seen)
        elif check.is_message:
            yield from _unbounded(field.message_type, prefix, seen)
        elif field.type in (_STRING, _BYTES) and not rules.max_len:
            yield f"{path} (max_len)"

"""Base class and registry for event payloads."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict


class EventPayload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    EVENT_TYPE: ClassVar[str]
    SCHEMA_VERSION: ClassVar[int] = 1

    trust_id: str


class UnknownEventType(LookupError):
    pass


class EventRegistry:
    def __init__(self, *payloads: type[EventPayload]) -> None:
        self._by_key = {(p.EVENT_TYPE, p.SCHEMA_VERSION): p for p in payloads}

    def __iter__(self) -> Any:
        return iter(self._by_key.values())

    def knows(self, event_type: str, schema_version: int) -> bool:
        return (event_type, schema_version) in self._by_key

    def parse(self, event_type: str, schema_version: int, payload: dict[str, Any]) -> EventPayload:
        try:
            model = self._by_key[(event_type, schema_version)]
        except KeyError as error:
            raise UnknownEventType(f"{event_type} v{schema_version}") from error
        return model.model_validate(payload)

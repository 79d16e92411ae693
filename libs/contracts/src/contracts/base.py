"""Base classes and registry for event payloads."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator

from contracts.rules import Id, check_values_in


class ContractModel(BaseModel):
    """A published payload or value in it: frozen, and tolerant of unknown fields.

    A reader ignores fields it does not know (forward compatibility): a producer
    may add an optional field without a new version (docs/events.md). So the
    schemas leave ``additionalProperties`` open.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")


class EventPayload(ContractModel):
    EVENT_TYPE: ClassVar[str]
    SCHEMA_VERSION: ClassVar[int] = 1

    trust_id: Id

    @model_validator(mode="after")
    def _values_keep_the_published_rules(self) -> EventPayload:
        check_values_in(self)
        return self


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

"""ContractSet.only: a consumer reads the types its projection acts on, every version."""

from __future__ import annotations

from typing import ClassVar

import pytest
from chassis.consumer import ContractSet
from pydantic import BaseModel


class CountedV1(BaseModel):
    EVENT_TYPE: ClassVar[str] = "test.Counted"
    SCHEMA_VERSION: ClassVar[int] = 1
    n: int


class CountedV2(BaseModel):
    EVENT_TYPE: ClassVar[str] = "test.Counted"
    SCHEMA_VERSION: ClassVar[int] = 2
    n: int
    by: str


class Reset(BaseModel):
    EVENT_TYPE: ClassVar[str] = "test.Reset"
    SCHEMA_VERSION: ClassVar[int] = 1


def test_only_keeps_every_version_of_the_types_named_and_drops_the_rest() -> None:
    narrowed = ContractSet([CountedV1, CountedV2, Reset]).only({"test.Counted"})
    assert narrowed.knows_type("test.Counted")
    assert not narrowed.knows_type("test.Reset")
    assert narrowed._models == {("test.Counted", 1): CountedV1, ("test.Counted", 2): CountedV2}


def test_only_refuses_a_type_no_contract_names() -> None:
    # A typo would otherwise make a consumer skip every event of the type it meant.
    with pytest.raises(ValueError, match=r"no contract names test\.Countd"):
        ContractSet([CountedV1]).only({"test.Countd"})

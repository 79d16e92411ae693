"""The support unit tests share one module of example values and builders
(support_controls.py) and a support service in memory (support_world.py:
``world``): the event store, the facts and the read-table ports, as the
handlers use them against PostgreSQL."""

from __future__ import annotations

import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).parent))

from support_world import World


@pytest.fixture
def world() -> World:
    return World()

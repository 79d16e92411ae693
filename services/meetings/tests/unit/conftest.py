"""The meetings unit tests share one module of example values and builders
(meetings_controls.py), importable by name from here, and a meetings service in
memory (``world``): the event store and the read-table ports, as the handlers
use them against PostgreSQL."""

from __future__ import annotations

import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).parent))

from meetings_world import World


@pytest.fixture
def world() -> World:
    return World()

"""The trustfacts tests share one module of example events and envelopes
(facts_controls.py), importable by name from here."""

from __future__ import annotations

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))

"""The meetings unit tests share one module of example values and builders
(meetings_controls.py), importable by name from here."""

from __future__ import annotations

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))

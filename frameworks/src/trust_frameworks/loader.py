"""Loading framework files (YAML) with errors that name the file, the field and the fault."""

from __future__ import annotations

import pathlib
from typing import Any

import pydantic
import yaml

from trust_frameworks.model import Framework

PRESETS_DIR = pathlib.Path(__file__).resolve().parents[2] / "presets"


class FrameworkError(ValueError):
    """A framework file that cannot be used; ``problems`` lists 'file: path: message'."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _path(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(file)"


def parse_framework(data: Any, source: str) -> Framework:
    try:
        return Framework.model_validate(data)
    except pydantic.ValidationError as error:
        problems = []
        for item in error.errors():
            message = str(item["msg"]).removeprefix("Value error, ")
            where = _path(tuple(item["loc"]))
            if where == "(file)" and ": " in message:
                # Cross-reference problems carry their own paths, '; '-separated.
                problems += [f"{source}: {part}" for part in message.split("; ")]
            else:
                problems.append(f"{source}: {where}: {message}")
        raise FrameworkError(problems) from error


def load_framework(path: str | pathlib.Path) -> Framework:
    path = pathlib.Path(path)
    try:
        data = yaml.safe_load(path.read_text())
    except OSError as error:
        raise FrameworkError([f"{path}: cannot be read: {error.strerror}"]) from error
    except yaml.YAMLError as error:
        raise FrameworkError([f"{path}: not valid YAML: {error}"]) from error
    return parse_framework(data, str(path))


def presets() -> dict[str, Framework]:
    """Every shipped preset, by id."""
    loaded = [load_framework(p) for p in sorted(PRESETS_DIR.glob("*.yaml"))]
    return {f.id: f for f in loaded}

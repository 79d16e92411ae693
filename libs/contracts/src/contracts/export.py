"""Writes the JSON Schema of every published event to contracts/schemas/.

    uv run python -m contracts.export [output_dir]

A test regenerates them and compares with the committed files, so a change to
a published contract cannot go unnoticed.
"""

from __future__ import annotations

import json
import pathlib
import sys
from typing import Any

from contracts.academies.v1 import ACADEMIES_EVENTS
from contracts.base import EventRegistry
from contracts.evaluations.v1 import EVALUATIONS_EVENTS

REGISTRIES: dict[str, EventRegistry] = {
    "academies": ACADEMIES_EVENTS,
    "evaluations": EVALUATIONS_EVENTS,
}


def schemas() -> dict[str, dict[str, Any]]:
    """File name -> JSON Schema, e.g. academies.DataSubmitted.v1.json."""
    result = {}
    for registry in REGISTRIES.values():
        for model in registry:
            schema = model.model_json_schema()
            schema["$id"] = f"urn:trust-platform:event:{model.EVENT_TYPE}:v{model.SCHEMA_VERSION}"
            schema["x-event-type"] = model.EVENT_TYPE
            schema["x-schema-version"] = model.SCHEMA_VERSION
            result[f"{model.EVENT_TYPE}.v{model.SCHEMA_VERSION}.json"] = schema
    return result


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def main() -> None:
    default = pathlib.Path(__file__).resolve().parents[2] / "schemas"
    out = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else default
    out.mkdir(parents=True, exist_ok=True)
    for name, schema in schemas().items():
        (out / name).write_text(render(schema))
    print(f"wrote {len(schemas())} schemas to {out}")


if __name__ == "__main__":
    main()

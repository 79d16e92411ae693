"""The schemas through Ajv (JavaScript) in strict mode, as an outside consumer would
use them: Ajv2020 with ajv-formats, from tools/schema-check/ (installed by scripts/setup).
"""

from __future__ import annotations

import json
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "schema-check"
SCHEMA_DIR = ROOT / "libs" / "contracts" / "schemas"


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.skip("node is not installed: the Ajv schema check needs Node.js 18 or later")
    if not (TOOL / "node_modules" / "ajv").is_dir():
        pytest.fail(
            "tools/schema-check/node_modules is missing: run scripts/setup "
            "(or: cd tools/schema-check && npm ci)"
        )
    return found


def check(node: str, schemas: pathlib.Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [node, "check.mjs", str(schemas)],
        cwd=TOOL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_ajv_strict_accepts_every_schema_and_example(node: str):
    result = check(node, SCHEMA_DIR)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "schemas compiled" in result.stdout


def test_ajv_strict_refuses_a_custom_keyword(node: str, tmp_path: pathlib.Path):
    schemas = tmp_path / "schemas"
    shutil.copytree(SCHEMA_DIR, schemas)
    path = schemas / "messages" / "academies.DataSubmitted.v1.json"
    schema = json.loads(path.read_text())
    schema["x-event-type"] = "academies.DataSubmitted"
    path.write_text(json.dumps(schema))
    result = check(node, schemas)
    assert result.returncode == 1
    assert "messages/academies.DataSubmitted.v1.json: does not compile" in result.stdout


def test_ajv_refuses_an_example_that_breaks_a_rule(node: str, tmp_path: pathlib.Path):
    schemas = tmp_path / "schemas"
    shutil.copytree(SCHEMA_DIR, schemas)
    path = schemas / "examples" / "academies.DataSubmitted.v1.json"
    example = json.loads(path.read_text())
    example["value"]["payload"]["values"]["attendance_percent"] = 101
    path.write_text(json.dumps(example))
    result = check(node, schemas)
    assert result.returncode == 1
    assert "examples/academies.DataSubmitted.v1.json value: refused" in result.stdout
    assert "attendance_percent must be <= 100" in result.stdout

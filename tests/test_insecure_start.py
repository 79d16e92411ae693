"""Outside local mode, no process of the platform starts with the built-in secret."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROCESSES = ["academies", "evaluations", "meetings", "support", "reporting", "gateway"]


@pytest.mark.parametrize("name", PROCESSES)
def test_a_real_deployment_refuses_the_development_secret(name: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUST_")}
    env["TRUST_ENVIRONMENT"] = "production"  # also the default; said for the reader
    result = subprocess.run(
        [sys.executable, "-m", f"{name}.entrypoints.main"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    said = result.stdout + result.stderr
    assert "built-in development secret" in said, said[-2000:]

"""The README's main job runs to the end (--once) and shows what happened."""

from __future__ import annotations

import os
import subprocess
import sys


def test_demo_once_plays_the_scenario_and_exits_cleanly():
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "trust_local.cli", "demo", "--once"],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    assert "on the framework 'seed-004-focus'" in out
    assert "refused as expected: a malformed URN" in out
    assert "PERMISSION_DENIED" in out and "UNAUTHENTICATED" in out
    assert "academies.SubmissionCorrected" in out
    assert "academies.InspectionRecorded" in out
    assert (
        "revision 2: Raise attendance (owner deputy headteacher): persistent absence % below 12%"
        in out
    )
    assert "academies.ImprovementPlanSubmitted" in out
    assert "PhaseChanged: (none) -> " in out and "confirmed by chair@board.demo-trust.org" in out
    assert "evaluations.PhaseChanged" in out
    assert "confirming a proposal that was already decided" in out
    # Submitted today: on time until the due date passes (the demo's dates are fixed).
    assert "termly_kpi             2026/27 autumn" in out
    assert (": on_time, submitted" in out) or (": late, submitted" in out)
    assert "half_termly_data_drop" in out and ": missing" in out
    assert "an inspection grade from the wrong scheme" in out
    assert "revision 2: attendance 94.0%" in out
    assert "academies   127.0.0.1:" in out and "reporting   127.0.0.1:" in out

"""The README's main job runs to the end (--once) and shows what happened."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

from chassis.auth import Role, TokenService

DEMO_ROLES = [r for r in Role if r is not Role.SERVICE]


def test_demo_once_plays_the_scenario_and_exits_cleanly(tmp_path):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "trust_local.cli", "demo", "--once", "--out", str(tmp_path)],
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
    # Meetings: a seed 000 AIM cycle and a seed 004 Note of Visit.
    assert "latest achievement data  due" in out and "  late" in out
    assert "refused as expected: circulating before approval" in out
    assert "notes approved by headteacher, chair_of_lgb, then circulated" in out
    assert re.search(r"overdue as of \d{4}-\d{2}-\d{2}: 'Share the phonics catch-up plan'", out)
    assert re.search(r"Note of Visit deadlines met 1, missed 1", out)
    assert "Reading data discussed" not in out, "note text is confidential"
    # Support: seed 000's entitlement used by the AIM, a matched provider commissioned,
    # delivered and invoiced (one invoice off), and the budget's figures.
    assert re.search(r"entitlement \d{4}/\d{2}: 6\.00 days granted .* 1\.00 used", out)
    assert "#1 Willow Academy attendance lead: internal" in out
    assert "agreed by the headteacher, the AID, the chief executive" in out
    assert "refused as expected: commissioning beyond the line's remaining amount" in out
    assert "the provider logged 3.00 days delivered" in out
    assert "invoice INV-1001: \u00a3700.00 for 2.00 days, expected \u00a3700.00: matches" in out
    assert (
        "invoice INV-1002: \u00a3370.00 for 1.00 days, expected \u00a3350.00: discrepancy \u00a320.00"
        in out
    )
    assert "refused as expected: the same invoice number from the same provider twice" in out
    assert re.search(
        r"Consultancy +\u00a33,000.00 +\u00a31,400.00 +\u00a31,050.00 +\u00a31,070.00 +\u00a31,600.00",
        out,
    )
    assert "Attendance audit" not in out, "delivery notes stay in support"
    # Submitted today: on time until the due date passes (the demo's dates are fixed).
    assert "termly_kpi             2026/27 autumn" in out
    assert (": on_time, submitted" in out) or (": late, submitted" in out)
    assert "half_termly_data_drop" in out and ": missing" in out
    assert "an inspection grade from the wrong scheme" in out
    assert "revision 2: attendance 94.0%" in out
    assert "academies   127.0.0.1:" in out and "reporting   127.0.0.1:" in out
    assert "WhoAmI for Heron's headteacher: head@heron.sch.uk (headteacher)" in out
    assert "acting for Heron Primary Academy" in out
    assert "the board's inbox: Heron Primary Academy -> " in out
    assert "areas apply to Heron" in out
    # The board's report, then the files the staff tool makes, where the demo says.
    assert re.search(r"15\. The board's RAG report, \w+ \d{4}/\d{2}, as at today", out)
    assert re.search(r"Heron Primary Academy +overall (red|amber|green)", out)
    pack = re.search(r"board pack: (\S+\.html)\n +(\S+\.pdf)", out)
    assert pack and all(os.path.getsize(p) > 10_000 for p in pack.groups())
    exports = re.findall(r"finance export: (\S+)", out)
    assert sorted(p.rsplit(".", 1)[1] for p in exports) == ["csv", "csv", "xlsx"]
    assert all(p.startswith(str(tmp_path)) for p in [*pack.groups(), *exports])
    # The run's secret, and a token per role signed with it: anyone may act as anyone.
    secret = re.search(r"token secret .*:\n  (\S+)", out).group(1)
    tokens = TokenService(secret)
    roles = {}
    for role, token in re.findall(r"^  (\w+) \(.*\):\n    (\S+)$", out, re.MULTILINE):
        roles[role] = tokens.verify(token)
    assert sorted(roles) == sorted(r.value for r in DEMO_ROLES)
    assert all(p.trust_id == "demo-trust" for p in roles.values())
    assert len(roles["headteacher"].academies) == 1 and not roles["trustee"].academies
    assert f"trust-token --secret {secret} --trust demo-trust" in out


def test_serve_only_creates_nothing_prints_how_to_call_and_stops_cleanly():
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "trust_local.cli", "demo", "--serve-only"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    lines = []
    try:
        deadline = time.monotonic() + 120
        assert process.stdout is not None
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Serving until interrupted" in line:
                break
        out = "".join(lines)
        assert "Serving until interrupted" in out, out[-3000:]
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
        out += rest
        assert process.returncode == 0, out[-3000:]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert "nothing was created" in out
    assert "1. The chief executive creates the trust" not in out
    assert "academies   127.0.0.1:" in out and "evaluations 127.0.0.1:" in out
    secret = re.search(r"token secret .*:\n  (\S+)", out).group(1)
    assert f"trust-token --secret {secret}" in out
    token = re.search(r"to create it \(8 hours\):\n  (\S+)", out).group(1)
    assert TokenService(secret).verify(token).role is Role.CHIEF_EXECUTIVE
    assert "Stopped." in out

"""The fault suite, large (issue 14, "Faults"): rounds of every scenario under load
through the gRPC APIs, then the table of what was acknowledged, lost,
duplicated and out of order, and how long recovery took.

    .venv/bin/python bench/faults.py                       # 20 rounds x 500 commands per scenario
    .venv/bin/python bench/faults.py --rounds 2 --commands 200 --only "kill academies"

Everything (clients, services, gateway, PostgreSQL with fsync on, the broker) runs
on this machine; the harness is trust_local.fault_harness.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import time

from trust_local.fault_harness import FaultHarness, ScenarioTotals, table
from trust_local.fault_injection import scenarios
from trust_local.launcher import start_platform


async def run(args: argparse.Namespace) -> int:
    platform = start_platform(fsync=not args.no_fsync, log_level="WARNING")
    harness = FaultHarness(platform, seed=args.seed, academies=args.clients)
    chosen = {n: f for n, f in scenarios().items() if not args.only or n in args.only}
    totals = []
    try:
        await harness.start()
        for name, fault in chosen.items():
            total = ScenarioTotals(name)
            for index in range(args.rounds):
                started = time.monotonic()
                result = await harness.round(name, fault, args.commands)
                total.add(result)
                v = result.verdict
                print(
                    f"{name} round {index + 1}: {result.fault}; {v.acknowledged} acknowledged, "
                    f"{v.lost} lost, {v.duplicated} duplicated, {v.order_violations} out of "
                    f"order, recovery {result.recovery_seconds}, {time.monotonic() - started:.1f} s",
                    flush=True,
                )
                for refusal, count in v.refusals.most_common(5):
                    print(f"    not acknowledged x{count}: {refusal}", flush=True)
            totals.append(total)
    finally:
        await harness.close()
        if args.keep_logs:  # the services' logs, to see what a failed round met
            shutil.copytree(platform.run_dir, args.keep_logs, dirs_exist_ok=True)
        platform.stop()
    print()
    print(table(totals))
    for total in totals:
        for problem in total.problems:
            print(f"  {total.scenario}: {problem}")
    bad = sum(t.lost + t.duplicated + t.order_violations + t.not_recovered for t in totals)
    return 1 if bad else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--commands", type=int, default=500, help="per round")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (academies)")
    parser.add_argument("--only", action="append", help="a scenario's name (repeatable)")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--no-fsync", action="store_true")
    parser.add_argument("--keep-logs", metavar="DIR", help="copy the run's logs here at the end")
    sys.exit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()

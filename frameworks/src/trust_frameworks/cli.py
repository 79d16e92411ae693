"""``trust-framework validate FILE...``: check framework files as trust staff edit them.

trust-framework validate frameworks/presets/*.yaml
trust-framework schema > framework.schema.json
"""

from __future__ import annotations

import argparse
import json
import sys

from trust_frameworks.loader import FrameworkError, load_framework
from trust_frameworks.model import Framework


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="trust-framework", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser("validate", help="validate framework files")
    validate.add_argument("files", nargs="+")
    sub.add_parser("schema", help="print the framework JSON Schema")
    args = parser.parse_args(argv)
    if args.command == "schema":
        print(json.dumps(Framework.model_json_schema(), indent=2, sort_keys=True))
        return 0
    failed = 0
    for file in args.files:
        try:
            framework = load_framework(file)
        except FrameworkError as error:
            failed += 1
            for problem in error.problems:
                print(problem, file=sys.stderr)
            continue
        print(f"{file}: ok ({framework.name}, version {framework.version})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

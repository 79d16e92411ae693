"""``python -m reporting.entrypoints.main``: run the reporting service."""

from chassis.runtime import run_main

from reporting.bootstrap import SPEC

if __name__ == "__main__":
    run_main(SPEC)

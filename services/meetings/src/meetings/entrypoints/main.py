"""``python -m meetings.entrypoints.main``: run the meetings service."""

from chassis.runtime import run_main

from meetings.bootstrap import SPEC

if __name__ == "__main__":
    run_main(SPEC)

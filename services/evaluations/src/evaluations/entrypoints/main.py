"""``python -m evaluations.entrypoints.main``: run the evaluations service."""

from chassis.runtime import run_main

from evaluations.bootstrap import SPEC

if __name__ == "__main__":
    run_main(SPEC)

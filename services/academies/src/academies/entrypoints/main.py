"""``python -m academies.entrypoints.main``: run the academies service."""

from chassis.runtime import run_main

from academies.bootstrap import SPEC

if __name__ == "__main__":
    run_main(SPEC)

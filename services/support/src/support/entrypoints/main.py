"""``python -m support.entrypoints.main``: run the support service."""

from chassis.runtime import run_main

from support.bootstrap import SPEC

if __name__ == "__main__":
    run_main(SPEC)

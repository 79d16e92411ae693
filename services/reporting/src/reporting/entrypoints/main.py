"""``python -m reporting.entrypoints.main``: run the reporting service."""

import gc

from chassis.runtime import run_main

from reporting.bootstrap import SPEC

# A board report read holds tens of thousands of small containers for the
# length of the request (the facts' decoded values, the ratings). With the
# default threshold (700 allocations) the cyclic collector walks them dozens of
# times per read, and each full pass also walks every object made at start-up
# (modules, contracts, protobuf descriptors): about a third of a cold read's
# time in the collector. Reads make no reference cycles worth finding that
# often: collect the youngest generation every 50,000 net allocations instead.
YOUNGEST_THRESHOLD = 50_000


def tune_collector() -> None:
    """Leave what is loaded by now (the start-up heap) out of every collection,
    and collect the youngest generation less often."""
    gc.freeze()
    _young, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNGEST_THRESHOLD, middle, oldest)


if __name__ == "__main__":
    tune_collector()
    run_main(SPEC)

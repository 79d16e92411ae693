"""The platform's clock: the real time, or in local runs a simulated one.

A year of the improvement cycle (terms, due dates, overdue actions, the
board's report as at a date) cannot be tried end to end in real time. When
``TRUST_CLOCK_FILE`` names a file that exists, holding an RFC 3339 time, every
service reads "now" as that time plus the real time elapsed since the file was
written: simulated time runs on from there. With no such file (every real
deployment: only the local launcher sets the variable) it is the real time.
Token expiry always uses the real time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os

CLOCK_FILE_VARIABLE = "TRUST_CLOCK_FILE"

# (path, modification time in ns) -> the simulated time at that modification.
_read: dict[tuple[str, int], dt.datetime] = {}


def now() -> dt.datetime:
    """Now, in UTC."""
    real = dt.datetime.now(dt.UTC)
    path = os.environ.get(CLOCK_FILE_VARIABLE)
    if not path:
        return real
    try:
        written_ns = os.stat(path).st_mtime_ns
    except FileNotFoundError:
        return real
    start = _read.get((path, written_ns))
    if start is None:
        with open(path, encoding="utf-8") as file:
            start = dt.datetime.fromisoformat(file.read().strip()).astimezone(dt.UTC)
        _read.clear()
        _read[(path, written_ns)] = start
    written = dt.datetime.fromtimestamp(written_ns / 1e9, dt.UTC)
    return start + max(real - written, dt.timedelta(0))


def utc_now() -> dt.datetime:
    """The same as ``now``: a name for callers that want to say so."""
    return now()


def today() -> dt.date:
    """Today's date in UTC."""
    return now().date()


def set_clock(path: str, when: dt.datetime | None) -> None:
    """Simulate ``when`` from now on (None: the real time again). Atomic, so a
    service never reads half a file."""
    if when is None:
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)
        return
    if when.tzinfo is None:
        raise ValueError("the simulated time needs its UTC offset")
    temporary = f"{path}.tmp"
    with open(temporary, "w", encoding="utf-8") as file:
        file.write(when.isoformat())
    os.replace(temporary, path)

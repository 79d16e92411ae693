"""Given a clock file (local runs only), when a service asks the time, then it
reads the simulated time running on from when the file was written; with no
file, the real time."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from chassis import clock


def test_without_a_clock_file_it_is_the_real_time(monkeypatch):
    monkeypatch.delenv(clock.CLOCK_FILE_VARIABLE, raising=False)
    before = dt.datetime.now(dt.UTC)
    assert before <= clock.now() <= dt.datetime.now(dt.UTC)


def test_a_clock_file_sets_the_time_which_then_runs_on(monkeypatch, tmp_path):
    path = str(tmp_path / "clock")
    monkeypatch.setenv(clock.CLOCK_FILE_VARIABLE, path)
    assert abs(clock.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)  # no file yet
    simulated = dt.datetime(2027, 9, 6, 9, 0, tzinfo=dt.UTC)
    clock.set_clock(path, simulated)
    # Written 10 s ago: the simulated time has run on by 10 s.
    written = os.stat(path).st_mtime
    os.utime(path, (written - 10, written - 10))
    now = clock.now()
    assert simulated + dt.timedelta(seconds=9) < now < simulated + dt.timedelta(seconds=15)
    assert clock.today() == dt.date(2027, 9, 6)
    clock.set_clock(path, None)
    assert abs(clock.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)
    clock.set_clock(path, None)  # already real: nothing to do


def test_a_simulated_time_needs_its_offset(tmp_path):
    with pytest.raises(ValueError, match="UTC offset"):
        clock.set_clock(str(tmp_path / "clock"), dt.datetime(2027, 9, 6))

"""Few large files run by forked processes from one queue give what one process gives."""

from __future__ import annotations

import os
import time

import pandas as pd
import pytest

import runwell
import runwell.activities.parallel as parallel_module
from runwell.activities._forked import CAN_FORK, MAX_QUEUED, forked_queue
from runwell.sample import write_benchmark_export

pytestmark = pytest.mark.skipif(not CAN_FORK, reason="this platform cannot fork")


def _no_fork() -> int:
    raise OSError("Resource temporarily unavailable")


def test_items_are_taken_largest_first_and_each_once(monkeypatch):
    taken: list[int] = []

    def run(items):
        out = []
        for item in items:
            taken.append(item)
            out.append(item * 10)
        return out

    monkeypatch.setattr(os, "fork", _no_fork)  # no child: this process takes every item
    sizes = [7, 1, 1, 9, 3, 3, 2, 8]
    assert forked_queue(run, list(range(8)), sizes, 3, lost=None) == [k * 10 for k in range(8)]
    assert taken == [3, 7, 0, 4, 5, 6, 1, 2]


def test_results_come_back_in_item_order():
    def run(items):  # type: ignore[no-untyped-def]
        out = []
        for item in items:
            time.sleep(0.05)  # slow enough that every process takes some
            out.append((os.getpid(), item * item))
        return out

    items = list(range(23))
    out = forked_queue(run, items, items, 3, lost=None)
    assert [value for _pid, value in out] == [k * k for k in items]
    assert len({pid for pid, _value in out}) >= 2  # children took some


def test_a_slow_item_does_not_hold_the_others_up():
    """Sizes say nothing of one item's cost: the process that took it takes no more, the
    others take the rest."""
    parent = os.getpid()

    def run(items):  # type: ignore[no-untyped-def]
        out = []
        for item in items:
            time.sleep(1.0 if item == 0 else 0.01)
            out.append(os.getpid())
        return out

    pids = forked_queue(run, list(range(12)), [12 - k for k in range(12)], 2, lost=None)
    slow = pids[0]
    assert pids.count(slow) == 1  # while it ran the slow one, the other process ran the rest
    assert parent in pids


def test_a_child_that_dies_loses_what_it_took_only():
    parent = os.getpid()

    def run(items):  # type: ignore[no-untyped-def]
        out = []
        for item in items:
            if os.getpid() == parent:
                time.sleep(0.05)
            elif item == 5:
                os._exit(3)  # killed, say, by the out-of-memory killer
            out.append(item + 100)
        return out

    out = forked_queue(run, list(range(8)), [1] * 8, 2, lost=-1)
    lost = [k for k, value in enumerate(out) if value == -1]
    assert 5 in lost and all(out[k] == k + 100 for k in range(8) if k not in lost)
    assert len(lost) < 8


def test_more_items_than_a_queue_holds_are_refused():
    with pytest.raises(ValueError, match="at most 256"):
        forked_queue(list, list(range(MAX_QUEUED + 1)), [1] * (MAX_QUEUED + 1), 2, lost=None)


@pytest.fixture(scope="module")
def few_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("few")
    write_benchmark_export(folder, 6)
    (folder / "activities" / "broken.gpx").write_bytes(b"<gpx><trk><trkseg><trkpt")
    return folder


def test_few_files_in_forked_processes_load_as_in_one(few_files, monkeypatch, tmp_path):
    one = runwell.load_activities(few_files, workers=1)
    monkeypatch.setattr(parallel_module, "MIN_BYTES_PER_WORKER", 1)  # every file is worth a process
    assert parallel_module.worker_count(None, 7, 7 * 50_000) == min(os.cpu_count() or 1, 7, 8)
    forked = runwell.load_activities(few_files)
    pd.testing.assert_frame_equal(one.activities, forked.activities)
    pd.testing.assert_frame_equal(one.report, forked.report)
    cached = runwell.load_activities(few_files, workers=2, cache=tmp_path)
    warm = runwell.load_activities(few_files, workers=2, cache=tmp_path)
    pd.testing.assert_frame_equal(cached.activities, one.activities)
    pd.testing.assert_frame_equal(warm.activities, one.activities)


def test_real_files_in_forked_processes_load_as_in_one(real):
    folders = [real / "activities" / "gpx", real / "activities" / "tcx"]
    one = runwell.load_activities(folders, tz="UTC", workers=1)
    two = runwell.load_activities(folders, tz="UTC", workers=2)
    pd.testing.assert_frame_equal(one.activities, two.activities)
    pd.testing.assert_frame_equal(one.report, two.report)


def test_no_items_or_one():
    assert forked_queue(list, [], [], 2, lost=None) == []
    assert forked_queue(lambda items: [k * 2 for k in items], [4], [1], 3, lost=None) == [8]


def test_an_interrupted_parent_stops_its_children(monkeypatch):
    parent = os.getpid()
    forked: list[int] = []
    real_fork = os.fork

    def spy_fork() -> int:
        pid = real_fork()
        if pid:
            forked.append(pid)
        return pid

    def run(items):  # type: ignore[no-untyped-def]
        if os.getpid() == parent:
            time.sleep(0.2)  # the children have taken an item each
            raise KeyboardInterrupt
        return [time.sleep(30) for _item in items]  # a child still at work

    monkeypatch.setattr(os, "fork", spy_fork)
    with pytest.raises(KeyboardInterrupt):
        forked_queue(run, list(range(6)), [1] * 6, 3, lost=None)
    assert len(forked) == 2
    for pid in forked:  # reaped already: no such child any more
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_a_child_that_cannot_be_forked_leaves_its_items_here(monkeypatch):
    monkeypatch.setattr(os, "fork", _no_fork)
    assert forked_queue(lambda items: [k * 3 for k in items], list(range(5)), [1] * 5, 2, lost=None) == [0, 3, 6, 9, 12]

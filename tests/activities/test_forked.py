"""Few large files shared out to forked processes give what one process gives."""

from __future__ import annotations

import os

import pandas as pd
import pytest

import runwell
import runwell.activities.parallel as parallel_module
from runwell.activities._forked import CAN_FORK, forked_shares, shares_by_size
from runwell.sample import write_benchmark_export

pytestmark = pytest.mark.skipif(not CAN_FORK, reason="this platform cannot fork")


def test_shares_are_balanced_by_size_and_cover_every_item():
    sizes = [7, 1, 1, 9, 3, 3, 2, 8]
    shares = shares_by_size(sizes, 3)
    assert sorted(k for share in shares for k in share) == list(range(len(sizes)))
    totals = [sum(sizes[k] for k in share) for share in shares]
    assert max(totals) - min(totals) <= max(sizes)


def test_results_come_back_in_item_order():
    items = list(range(23))
    out = forked_shares(lambda share: [(os.getpid(), k * k) for k in share], items, items, 3, lost=None)
    assert [value for _pid, value in out] == [k * k for k in items]
    assert len({pid for pid, _value in out}) == 3  # this process and two children


def test_a_child_that_dies_loses_its_share_only():
    parent = os.getpid()

    def run(share: list[int]) -> list[int]:
        if os.getpid() != parent and 5 in share:
            os._exit(3)  # killed, say, by the out-of-memory killer
        return [k + 100 for k in share]

    out = forked_shares(run, list(range(8)), [1] * 8, 2, lost=-1)
    lost = [k for k, value in enumerate(out) if value == -1]
    assert 5 in lost and all(out[k] == k + 100 for k in range(8) if k not in lost)


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


def test_no_items_or_one_share():
    assert forked_shares(lambda share: share, [], [], 2, lost=None) == []
    assert forked_shares(lambda share: [k * 2 for k in share], [4], [1], 3, lost=None) == [8]


def test_an_interrupted_parent_stops_its_children(monkeypatch):
    parent = os.getpid()
    forked: list[int] = []
    real_fork = os.fork

    def spy_fork() -> int:
        pid = real_fork()
        if pid:
            forked.append(pid)
        return pid

    def run(share: list[int]) -> list[int]:
        if os.getpid() == parent:
            raise KeyboardInterrupt
        import time

        time.sleep(30)  # a child still at work
        return share

    monkeypatch.setattr(os, "fork", spy_fork)
    with pytest.raises(KeyboardInterrupt):
        forked_shares(run, list(range(6)), [1] * 6, 3, lost=None)
    assert len(forked) == 2
    for pid in forked:  # reaped already: no such child any more
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_a_share_that_cannot_be_forked_is_run_here(monkeypatch):
    def no_fork() -> int:
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    assert forked_shares(lambda share: [k * 3 for k in share], list(range(5)), [1] * 5, 2, lost=None) == [
        0,
        3,
        6,
        9,
        12,
    ]

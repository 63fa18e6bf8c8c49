"""Worker processes and the parse cache give the same answers as a plain load."""

from __future__ import annotations

import gzip
import zipfile

import pandas as pd
import pytest

import runwell
import runwell.activities.cache as cache_module
import runwell.activities.parallel as parallel_module
from runwell.activities.cache import clear_cache
from runwell.sample import write_benchmark_export


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench")
    write_benchmark_export(folder, 30)
    (folder / "activities" / "broken.fit").write_bytes(b"not a fit file")
    return folder


def _no_parsing(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("parsed a file that should have come from the cache")

    monkeypatch.setattr(parallel_module, "parse_member", refuse)


def test_workers_give_the_same_result(export):
    one = runwell.load_activities(export, workers=1)
    two = runwell.load_activities(export, workers=2)
    pd.testing.assert_frame_equal(one.activities, two.activities)
    pd.testing.assert_frame_equal(one.report, two.report)


def test_warm_cache_reads_nothing_and_agrees(export, tmp_path, monkeypatch):
    cold = runwell.load_activities(export, cache=tmp_path)
    assert len(cold.activities) == 30 and cold.counts["error"] == 1
    _no_parsing(monkeypatch)
    warm = runwell.load_activities(export, cache=tmp_path)
    pd.testing.assert_frame_equal(cold.activities, warm.activities)
    pd.testing.assert_frame_equal(cold.report, warm.report)
    # options applied after parsing still take effect on cached results
    shifted = runwell.load_activities(export, cache=tmp_path, tz="America/New_York")
    assert set(shifted.activities["tz"]) == {"America/New_York"}
    assert clear_cache(tmp_path) == 1


def test_changed_file_is_read_again(export, tmp_path):
    runwell.load_activities(export, cache=tmp_path)
    victim = export / "activities" / "100000.fit.gz"
    original = victim.read_bytes()
    try:
        victim.write_bytes(gzip.compress(b"garbage now"))
        again = runwell.load_activities(export, cache=tmp_path)
        assert str(victim) in set(again.report["path"])
    finally:
        victim.write_bytes(original)


def test_new_version_is_read_again(export, tmp_path, monkeypatch):
    runwell.load_activities(export, cache=tmp_path)
    monkeypatch.setattr(cache_module, "__version__", "999.0")
    calls = []
    real = parallel_module.parse_member
    monkeypatch.setattr(parallel_module, "parse_member", lambda *a, **k: calls.append(1) or real(*a, **k))
    runwell.load_activities(export, cache=tmp_path, workers=1)
    assert len(calls) == 31
    assert {p.name for p in tmp_path.iterdir()} >= {"activities-999.0.parquet"}


def test_zipped_export_uses_the_same_cache_entries(export, tmp_path, monkeypatch):
    """Archive members are read in the main process and handed to the workers as bytes;
    their cache keys are the same as for the files on disk (content, not path)."""
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(export.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(export).as_posix())
    zipped = runwell.load_activities(archive, workers=2)
    folder = runwell.load_activities(export, workers=2, cache=tmp_path / "cache")
    same = [c for c in zipped.activities.columns if c != "source_file"]
    pd.testing.assert_frame_equal(zipped.activities[same], folder.activities[same])
    _no_parsing(monkeypatch)
    warm = runwell.load_activities(archive, workers=2, cache=tmp_path / "cache")
    pd.testing.assert_frame_equal(warm.activities, zipped.activities)

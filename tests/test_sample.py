"""The sample writer: deterministic, the sizes promised, readable by runwell."""

from __future__ import annotations

import hashlib
import json

import pytest

import runwell
from runwell.sample import SAMPLE_DIR, write_benchmark_export, write_cohort, write_individual


def _digest(folder):
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_individual_is_deterministic(tmp_path):
    write_individual(tmp_path / "a", days=40)
    write_individual(tmp_path / "b", days=40)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")


def test_bundled_sample_is_reproducible(tmp_path):
    """data/sample is exactly what `python -m runwell.sample` writes (nothing edited by hand)."""
    from runwell.sample import write_sample

    write_sample(tmp_path)
    fresh = _digest(tmp_path)
    bundled = {k: v for k, v in _digest(SAMPLE_DIR).items() if k != "README.md"}
    assert fresh == bundled


def test_bundled_sample_is_small():
    size = sum(p.stat().st_size for p in SAMPLE_DIR.rglob("*") if p.is_file())
    assert size < 10 * 2**20


def test_individual_sample_reads_back(tmp_path):
    info = write_individual(tmp_path, days=60)
    acts = runwell.load_activities(tmp_path / "strava_export")
    assert acts.reconciles and len(acts.activities) == info["activity_files"] + 1  # + the manual entry
    assert {"fit", "gpx", "tcx", "strava_csv"} <= set(acts.activities["source"])
    assert acts.activities["indoor"].fillna(False).any()
    assert set(acts.activities["tz"]) == {"Europe/Berlin"}
    mood = runwell.read_mood(tmp_path / "daylio_export.csv", tz="Europe/Berlin")
    assert mood.format == "daylio" and len(mood.mood) == info["mood_entries"] and mood.reconciles
    sleep = runwell.read_sleep(tmp_path / "plees-tracker.csv", tz="Europe/Berlin")
    assert sleep.format == "plees" and len(sleep.sleep) == info["sleep_nights"]


def test_cohort_sample_reads_back(tmp_path):
    info = write_cohort(tmp_path, participants=3, days=30)
    folders = sorted(p for p in tmp_path.iterdir() if p.is_dir())
    assert len(folders) == 3
    n = sum(len(runwell.load_activities(p / "activities.zip").activities) for p in folders)
    assert n == info["activity_files"]
    mood = runwell.read_mood(
        folders[0] / "mood.csv",
        format="generic",
        participant_id=folders[0].name,
        item="item",
        value="value",
        scale_min="scale_min",
        scale_max="scale_max",
        context="context",
    )
    assert set(mood.mood["item"]) == {"mood", "energy", "stress"}


def test_benchmark_export(tmp_path):
    write_benchmark_export(tmp_path, 6)
    acts = runwell.load_activities(tmp_path).activities
    assert len(acts) == 6 and set(acts["source"]) == {"fit", "gpx", "tcx"}


def test_truth_is_recorded():
    truth = json.loads((SAMPLE_DIR / "truth.json").read_text())
    assert truth["cohort"]["truth"]["beta_duration_within_per_30min"] == pytest.approx(0.3)
    assert "own_duration_slope_per_30min" in truth["individual"]["truth"]

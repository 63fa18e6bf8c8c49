"""Local, Dask and store-rerun loads of one study give the same tables and the same report.

A synthetic study (:func:`runwell.sample.write_cohort`) with one participant whose export
holds the same activities twice (across files, so that deduplication runs) and one who
cannot be loaded, loaded: in this process, in worker processes, on a ``LocalCluster`` of
processes (writing the store), again on it (from the store), and locally from that store.
"""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from runwell.inputs import Inputs
from runwell.limits import Limits, using
from runwell.sample import write_cohort
from runwell.study import load_study, study_jobs
from runwell.studyrun import run_job

TABLES = ("activities", "mood", "sleep", "report")


def sorted_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The table in a fixed row order (every column as text, for a total order)."""
    text = frame.astype(str)
    return frame.iloc[text.sort_values(list(text.columns)).index].reset_index(drop=True)


def assert_same_load(a: Inputs, b: Inputs) -> None:
    """Same rows in every table, same report counts, same participants and flags."""
    for name in TABLES:
        pd.testing.assert_frame_equal(sorted_table(getattr(a, name)), sorted_table(getattr(b, name)))
    count = ["participant_id", "kind"]
    assert a.report.groupby(count).size().to_dict() == b.report.groupby(count).size().to_dict()
    assert (a.participants, a.sources, a.formats, a.reconciled, a.has_sleep, a.summary()) == (
        b.participants, b.sources, b.formats, b.reconciled, b.has_sleep, b.summary(),
    )  # fmt: skip


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three written participants, one with duplicated files (``dup``), one broken (``zzz``)."""
    root = tmp_path_factory.mktemp("agree") / "study"
    write_cohort(root, participants=3, days=40, interval_s=60)
    dup = root / "dup"
    shutil.copytree(root / "sim001", dup)
    export = dup / "activities"
    with zipfile.ZipFile(dup / "activities.zip") as archive:
        archive.extractall(export)
        names = sorted(archive.namelist())
    (dup / "activities.zip").unlink()
    for name in names[:3]:  # the same activities again, in files of other names
        shutil.copyfile(export / name, export / f"copy_of_{name}")
    broken = root / "zzz"
    shutil.copytree(root / "sim002", broken)
    (broken / "mood.csv").write_bytes(b"\x00\x01 not a mood log \xff\xfe")
    return root


@pytest.fixture(scope="module")
def local(study: Path) -> Inputs:
    return load_study(study, workers=2)


def test_the_study_has_duplicates_and_a_failure(local: Inputs) -> None:
    kinds = local.report.groupby(["participant_id", "kind"]).size().to_dict()
    assert kinds[("dup", "duplicate")] == 3
    assert kinds[("zzz", "error")] == 1
    assert local.participants == ["dup", "sim001", "sim002", "sim003"]
    ours = local.activities[local.activities["participant_id"] == "sim001"]
    dups = local.activities[local.activities["participant_id"] == "dup"]
    assert len(dups) == len(ours) > 0 and local.reconciled


def test_one_process_and_worker_processes_agree(study: Path, local: Inputs) -> None:
    assert_same_load(load_study(study, workers=1), local)


def test_dask_its_rerun_and_the_store_agree_with_the_local_load(study: Path, local: Inputs, tmp_path: Path) -> None:
    pytest.importorskip("dask.dataframe", reason="the dask extra is not installed (pip install 'runwell[dask]')")
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    store = tmp_path / "store"
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        first = load_study(study, client=client, store=store)
        assert_same_load(first, local)
        stamps = {p: p.stat().st_mtime_ns for p in (store / "meta").rglob("*.json")}
        assert_same_load(load_study(study, client=client, store=store), local)
        with using(max_points=5):  # limits travel with the jobs to the cluster's workers
            limited = load_study(study, client=client, store=tmp_path / "limited")
    assert {p: p.stat().st_mtime_ns for p in (store / "meta").rglob("*.json")} == stamps
    assert_same_load(load_study(study, store=store, workers=2), local)
    assert {p: p.stat().st_mtime_ns for p in (store / "meta").rglob("*.json")} == stamps
    with using(max_points=5):
        assert_same_load(limited, load_study(study, workers=2))
    assert len(limited.activities) < len(local.activities)


def test_the_store_key_covers_the_limits_and_the_job_applies_them(study: Path) -> None:
    jobs, _, _ = study_jobs(study)
    job = jobs[1]
    strict = replace(job, limits=Limits(max_points=5))
    assert strict.key() != job.key() and job.key() == study_jobs(study)[0][1].key()
    with using(max_points=5):
        assert study_jobs(study)[0][1].key() == strict.key()
    limited, plain = run_job(strict).inputs, run_job(job).inputs
    assert limited is not None and plain is not None
    assert len(limited.activities) < len(plain.activities)
    assert (limited.report["kind"] == "error").sum() == len(plain.activities) - len(limited.activities)

"""Loading a study (runwell.study, studyrun, studystore, distributed): locally, from the store, on Dask."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from runwell.inputs import Inputs
from runwell.sample import sample_path
from runwell.study import load_study, study_jobs
from runwell.studystore import StudyStore

TABLES = ("activities", "mood", "sleep", "report")
PEOPLE = ("sim001", "sim002", "sim003")


def assert_same(a: Inputs, b: Inputs) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert (a.participants, a.sources, a.formats, a.reconciled, a.has_sleep) == (
        b.participants,
        b.sources,
        b.formats,
        b.reconciled,
        b.has_sleep,
    )


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three participants of the sample cohort, and one whose mood file is not a table."""
    root = tmp_path_factory.mktemp("study")
    for pid in PEOPLE:
        shutil.copytree(sample_path("cohort", pid), root / pid)
    broken = root / "sim099"
    shutil.copytree(sample_path("cohort", "sim004"), broken)
    (broken / "mood.csv").write_bytes(b"\x00\x01 not a mood log \xff\xfe")
    return root


@pytest.fixture(scope="module")
def reference(study: Path) -> Inputs:
    return load_study(study, workers=1)


def test_a_failing_participant_is_reported_and_the_study_goes_on(reference: Inputs) -> None:
    assert reference.participants == list(PEOPLE)
    rows = reference.report[reference.report["participant_id"] == "sim099"]
    assert len(rows) == 1 and rows["kind"].iloc[0] == "error"
    assert "participant sim099 could not be loaded" in rows["reason"].iloc[0]
    assert "1 error" in reference.summary()


def test_participants_in_worker_processes_give_the_same_tables(study: Path, reference: Inputs) -> None:
    assert_same(load_study(study, workers=2), reference)


def test_a_rerun_reads_unchanged_participants_from_the_store(study: Path, reference: Inputs, tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert_same(load_study(study, store=store, workers=1), reference)
    stored = sorted(p.name for p in (store / "meta").iterdir())
    assert stored == list(PEOPLE)  # the failed participant is not stored
    pd.testing.assert_frame_equal(
        pd.read_parquet(store / "activities").sort_values("activity_id", ignore_index=True)[["activity_id"]],
        reference.activities.sort_values("activity_id", ignore_index=True)[["activity_id"]],
    )
    jobs, _, _ = study_jobs(study)
    keys = {job.participant_id: job.key() for job in jobs}
    reread = load_study(study, store=store, workers=1)
    assert_same(reread, reference)
    assert all(StudyStore(store).has(pid, keys[pid]) for pid in PEOPLE)


def test_a_changed_file_or_option_changes_the_key(study: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(study / "sim001", copy / "sim001")
    before = study_jobs(copy)[0][0].key()
    assert study_jobs(copy)[0][0].key() == before
    assert study_jobs(copy, tz="Europe/Berlin")[0][0].key() != before
    with open(copy / "sim001" / "sleep.csv", "a") as handle:
        handle.write("\n")
    assert study_jobs(copy)[0][0].key() != before


def test_a_participant_stored_under_an_old_key_is_loaded_again(study: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(study / "sim002", copy / "sim002")
    store = StudyStore(tmp_path / "store")
    load_study(copy, store=store.root, workers=1)
    (old,) = (store.root / "meta" / "sim002").iterdir()
    lines = (copy / "sim002" / "mood.csv").read_text().splitlines(keepends=True)
    (copy / "sim002" / "mood.csv").write_text("".join(lines[:-40]))
    fewer = load_study(copy, store=store.root, workers=1)
    (new,) = (store.root / "meta" / "sim002").iterdir()
    assert new.name != old.name and not old.exists()
    assert len(fewer.mood) < len(load_study(study, workers=1).mood[lambda m: m["participant_id"] == "sim002"])


def test_no_participant_loaded_is_an_error(tmp_path: Path) -> None:
    from runwell.errors import InputError

    shutil.copytree(sample_path("cohort", "sim001"), tmp_path / "p1")
    (tmp_path / "p1" / "mood.csv").write_bytes(b"\x00\x01\xff")
    with pytest.raises(InputError, match="none of the 1 participant"):
        load_study(tmp_path, workers=1)


def test_the_local_path_does_not_import_dask(study: Path) -> None:
    code = (
        "import sys; from runwell.study import load_study; "
        f"load_study({str(study / 'sim001')!r}.rsplit('/', 1)[0], workers=2); "
        "assert not [m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')], 'dask imported'"
    )
    root = Path(__file__).resolve().parents[1]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root, env={"PYTHONPATH": str(root), "PATH": ""})


def test_on_a_dask_cluster_the_study_loads_the_same(study: Path, reference: Inputs, tmp_path: Path) -> None:
    pytest.importorskip("dask.dataframe", reason="the dask extra is not installed (pip install 'runwell[dask]')")
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    store = tmp_path / "store"
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        first = load_study(study, client=client, store=store)
        assert_same(first, reference)
        assert sorted(p.name for p in (store / "meta").iterdir()) == list(PEOPLE)
        stamps = {p: p.stat().st_mtime_ns for p in (store / "activities").rglob("*.parquet")}
        again = load_study(study, client=client, store=store)
        assert_same(again, reference)
        assert {p: p.stat().st_mtime_ns for p in (store / "activities").rglob("*.parquet")} == stamps

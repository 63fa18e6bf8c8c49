"""``runwell report --cohort DIR --scheduler ADDRESS [--store DIR]``: a study loaded on a Dask cluster."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from runwell.cli import EXIT_OK, EXIT_USAGE, main
from runwell.sample import sample_path


@pytest.fixture
def study(tmp_path: Path) -> Path:
    for pid in ("sim001", "sim002"):
        shutil.copytree(sample_path("cohort", pid), tmp_path / "study" / pid)
    return tmp_path / "study"


@pytest.fixture
def no_notebook(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Stand in for the report notebook: record what it would have been given."""
    import runwell.report

    seen: dict[str, Any] = {}

    def write_report(name: str, output: Path, parameters: dict[str, Any], **_: Any) -> Path:
        from runwell.inputs import load_saved

        seen.update(name=name, inputs=load_saved(parameters["inputs_dir"]))
        output.write_text("report")
        return output

    monkeypatch.setattr(runwell.report, "write_report", write_report)
    return seen


@pytest.mark.parametrize("option", [["--scheduler", "tcp://127.0.0.1:1"], ["--store", "somewhere"]])
def test_scheduler_and_store_go_with_cohort(capsys: pytest.CaptureFixture[str], option: list[str]) -> None:
    assert main(["report", "--sample", *option]) == EXIT_USAGE
    assert "goes with --cohort" in capsys.readouterr().err


def test_an_unreachable_scheduler_is_one_line(capsys: pytest.CaptureFixture[str], study: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="the dask extra is not installed (pip install 'runwell[dask]')")
    code = main(["report", "--cohort", str(study), "--scheduler", "tcp://127.0.0.1:9", "-o", str(tmp_path / "r.html")])
    err = capsys.readouterr().err
    assert code == EXIT_USAGE and "Traceback" not in err
    assert "cannot reach a Dask scheduler" in err and "dask scheduler" in err


def test_the_report_loads_the_study_on_the_scheduler(
    capsys: pytest.CaptureFixture[str], study: Path, tmp_path: Path, no_notebook: dict[str, Any]
) -> None:
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    store = tmp_path / "store"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        args = ["report", "--cohort", str(study), "--scheduler", cluster.scheduler_address, "--store", str(store)]
        assert main([*args, "-o", str(tmp_path / "r.html")]) == EXIT_OK
    err = capsys.readouterr().err
    assert f"on the Dask scheduler at {cluster.scheduler_address}" in err
    inputs = no_notebook["inputs"]
    assert no_notebook["name"] == "cohort" and inputs.participants == ["sim001", "sim002"]
    assert sorted(p.name for p in (store / "meta").iterdir()) == ["sim001", "sim002"]
    # without --scheduler the same study loads on this machine, from the store just written
    assert main(["report", "--cohort", str(study), "--store", str(store), "-o", str(tmp_path / "s.html")]) == EXIT_OK
    assert no_notebook["inputs"].summary() == inputs.summary()

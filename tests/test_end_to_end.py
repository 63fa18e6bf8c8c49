"""Real people's files, end to end through the command line (issue 13).

Every activity source in ../shared/real-data crossed with every mood log and every sleep
log there (and none), with the options a user would give. Each run either writes the
HTML report (checked: the window statement, no traceback) or exits 1 with one line on
stderr before the report notebook starts. Parsed activity files are cached across runs.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from runwell.cli import EXIT_INPUT, main

REAL = Path(__file__).resolve().parents[2] / "shared" / "real-data"
pytestmark = [
    pytest.mark.realdata,
    pytest.mark.slow,
    pytest.mark.skipif(not REAL.exists(), reason=f"real files absent: {REAL}"),
]

ACTIVITIES = {
    "fit": ("activities/fit", []),
    "gpx": ("activities/gpx", ["--default-sport", "running"]),
    "tcx": ("activities/tcx", []),
    "strava": ("activities/strava/export_sample", []),
    "apple": ("logs/apple_health", []),
}
MOODS = {
    "daylio_7col": ("logs/daylio/daylio_test_data_staticf0x.csv", []),
    "daylio_custom": ("logs/daylio/daylio_sample_currin.csv", ["--mood-labels", "sad=2,average=3"]),
    "apple_state_of_mind": ("logs/apple_health/export.xml", []),
}
SLEEPS = {
    "none": None,
    "saa_csv": "logs/sleep_as_android/sleep-export_1606907034.csv",
    "saa_zip": "logs/sleep_as_android/sleep-export.1606738537.zip",
    "plees": "logs/plees_tracker/plees-tracker.csv",
}


@pytest.fixture(autouse=True)
def _shared_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("RUNWELL_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "runwell-cache"))


def _run(capsys, tmp_path, args: list[str]) -> tuple[int, str, Path]:
    output = tmp_path / "report.html"
    code = main(["report", *args, "--tz", "Europe/Berlin", "--cache", "-o", str(output)])
    err = capsys.readouterr().err
    return code, err, output


def _check(code: int, err: str, output: Path) -> None:
    assert "Traceback" not in err
    if code == 0:
        html = output.read_text(encoding="utf-8")
        assert "Analysis window" in html and "Traceback" not in html
        return
    assert code == EXIT_INPUT, err
    lines = [ln for ln in err.splitlines() if ln.startswith("runwell: ")]
    assert len(lines) == 1 and lines[0].startswith("runwell: error: "), err
    assert "running the individual report" not in err, "failed after the slow work started"


@pytest.mark.parametrize(
    "source, mood, sleep", list(itertools.product(ACTIVITIES, MOODS, SLEEPS)), ids=lambda v: str(v)
)
def test_every_combination_reports_or_says_why_in_one_line(capsys, tmp_path, source, mood, sleep):
    acts, act_opts = ACTIVITIES[source]
    log, mood_opts = MOODS[mood]
    args = ["--activities", str(REAL / acts), "--mood", str(REAL / log), *act_opts, *mood_opts]
    if SLEEPS[sleep] is not None:
        args += ["--sleep", str(REAL / SLEEPS[sleep])]
    _check(*_run(capsys, tmp_path, args))


@pytest.mark.parametrize("sleep", ["none", "saa_zip"])
def test_thin_real_data_still_writes_a_report(capsys, tmp_path, sleep):
    """FIT runs and a Daylio log that share only a few days in 2020: every section says what it could not do."""
    args = [
        "--activities",
        str(REAL / "activities/fit"),
        "--mood",
        str(REAL / MOODS["daylio_7col"][0]),
        "--start",
        "2020-01-01",
        "--end",
        "2020-12-31",
    ]
    if SLEEPS[sleep] is not None:
        args += ["--sleep", str(REAL / SLEEPS[sleep])]
    code, err, output = _run(capsys, tmp_path, args)
    assert code == 0, err
    _check(code, err, output)
    html = output.read_text(encoding="utf-8")
    assert "Not enough data for checking the claims" in html

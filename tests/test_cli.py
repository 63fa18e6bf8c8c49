"""The runwell command: clear one-line errors and a non-zero exit on bad input."""

from __future__ import annotations

import datetime as dt


from runwell.cli import main
from runwell.sample import sample_path


def run(capsys, *args):
    code = main(list(args))
    return code, capsys.readouterr()


def test_missing_path(capsys, tmp_path):
    code, out = run(capsys, "report", "--activities", str(tmp_path / "nope"), "--mood", str(tmp_path / "m.csv"))
    assert code == 2
    assert out.err.strip().splitlines()[-1].startswith("runwell: error: activities")
    assert "no such file" in out.err


def test_needs_inputs(capsys):
    code, out = run(capsys, "report")
    assert code == 2 and "--sample" in out.err


def test_no_running_activities(capsys, tmp_path):
    from runwell.activities.write import Track, fit_bytes
    import numpy as np
    import pandas as pd

    sec = np.arange(0, 600, 10)
    ride = Track(
        start_utc=pd.Timestamp("2024-05-01 07:00", tz="UTC"),
        seconds=sec,
        lat=None,
        lon=None,
        altitude_m=np.zeros(sec.size),
        distance_m=sec * 6.0,
        heart_rate=np.full(sec.size, 120.0),
        sport="cycling",
    )
    (tmp_path / "ride.fit").write_bytes(fit_bytes(ride))
    code, out = run(
        capsys,
        "report",
        "--activities",
        str(tmp_path / "ride.fit"),
        "--mood",
        str(sample_path("individual", "daylio_export.csv")),
        "--tz",
        "Europe/Berlin",
    )
    assert code == 2 and "no running activities found (sports found: cycling)" in out.err


def test_unknown_mood_format(capsys, tmp_path):
    (tmp_path / "mood.csv").write_text("when,how\n2026-01-01,ok\n")
    code, out = run(
        capsys,
        "report",
        "--activities",
        str(sample_path("individual", "strava_export")),
        "--mood",
        str(tmp_path / "mood.csv"),
        "--tz",
        "Europe/Berlin",
    )
    assert code == 2 and "mood.csv" in out.err


def test_no_mood_in_range(capsys, tmp_path):
    day = dt.date(2020, 1, 1)
    lines = ["full_date,date,weekday,time,mood,activities,note_title,note"]
    lines += [f"{day + dt.timedelta(days=i)},Jan 1,Wednesday,9:00 pm,good,,," for i in range(3)]
    (tmp_path / "daylio.csv").write_text("\n".join(lines) + "\n")
    code, out = run(
        capsys,
        "report",
        "--activities",
        str(sample_path("individual", "strava_export")),
        "--mood",
        str(tmp_path / "daylio.csv"),
        "--tz",
        "Europe/Berlin",
    )
    assert code == 2 and "no mood entries between the first and last run" in out.err


def test_load_command(capsys):
    code, out = run(capsys, "load", str(sample_path("individual", "strava_export")))
    assert code == 0 and "activities from" in out.out


def test_report_command_on_sample(capsys, tmp_path):
    code, out = run(capsys, "report", "--sample", "-o", str(tmp_path / "r.html"))
    assert code == 0 and (tmp_path / "r.html").stat().st_size > 100_000
    assert "wrote" in out.err

"""The runwell command: one-line errors in command-line words, exit codes, options, config."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from runwell.cli import EXIT_INPUT, EXIT_USAGE, main
from runwell.sample import sample_path

STRAVA = sample_path("individual", "strava_export")
DAYLIO = sample_path("individual", "daylio_export.csv")


def run(capsys, *args):
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, out


def one_error_line(out) -> str:
    lines = [ln for ln in out.err.strip().splitlines() if ln.startswith("runwell: ")]
    assert len(lines) == 1, out.err
    return lines[0]


def test_missing_path_is_an_input_error(capsys, tmp_path):
    code, out = run(capsys, "report", "--activities", tmp_path / "nope", "--mood", tmp_path / "m.csv")
    assert code == EXIT_INPUT
    line = one_error_line(out)
    assert line.startswith("runwell: error:") and "no such file" in line and "--activities" in line


def test_needs_inputs_is_a_usage_error(capsys):
    code, out = run(capsys, "report")
    assert code == EXIT_USAGE and "--sample" in one_error_line(out)


@pytest.mark.parametrize(
    "args, words",
    [
        (["--sample", "--activities", "x"], "--sample uses the bundled data"),
        (["--cohort"], "--cohort needs a study folder"),
        (["--sample", "--tz", "Mars/Olympus"], "--tz: unknown time zone"),
        (["--sample", "--default-sport", "runing"], "--default-sport: unknown sport 'runing'"),
        (["--sample", "--mood-labels", "sad:2"], "--mood-labels: 'sad:2' is not LABEL=VALUE"),
        (["--sample", "--participant-tz", "z.csv"], "--participant-tz goes with --cohort"),
        (["--sample", "--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_conflicting_or_malformed_options_are_usage_errors(capsys, args, words):
    code, out = run(capsys, "report", *args)
    assert code == EXIT_USAGE
    assert words in one_error_line(out)


def test_output_folder_is_refused_before_any_work(capsys, tmp_path):
    code, out = run(capsys, "report", "--sample", "-o", tmp_path)
    assert code == EXIT_USAGE and "is a folder" in one_error_line(out)


def test_no_running_activities_names_the_option(capsys, tmp_path):
    from runwell.activities.write import Track, fit_bytes

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
    code, out = run(capsys, "report", "--activities", tmp_path / "ride.fit", "--mood", DAYLIO, "--tz", "Europe/Berlin")
    line = one_error_line(out)
    assert code == EXIT_INPUT and "no running activities found (sports found: cycling)" in line
    assert "--default-sport" in line


def test_unknown_mood_format(capsys, tmp_path):
    (tmp_path / "mood.csv").write_text("when,how\n2026-01-01,ok\n")
    code, out = run(capsys, "report", "--activities", STRAVA, "--mood", tmp_path / "mood.csv", "--tz", "Europe/Berlin")
    assert code == EXIT_INPUT and "mood.csv" in one_error_line(out)


def test_logs_that_do_not_overlap_say_so_with_both_spans(capsys, tmp_path):
    day = dt.date(2020, 1, 1)
    lines = ["full_date,date,weekday,time,mood,activities,note_title,note"]
    lines += [f"{day + dt.timedelta(days=i)},Jan 1,Wednesday,9:00 pm,good,,," for i in range(3)]
    (tmp_path / "daylio.csv").write_text("\n".join(lines) + "\n")
    code, out = run(
        capsys, "report", "--activities", STRAVA, "--mood", tmp_path / "daylio.csv", "--tz", "Europe/Berlin"
    )
    line = one_error_line(out)
    assert code == EXIT_INPUT and "do not overlap" in line and "2020-01-01" in line and "--start" in line


def test_window_without_runs_is_an_input_error(capsys):
    code, out = run(capsys, "report", "--sample", "--start", "2030-01-01", "--end", "2030-02-01")
    assert code == EXIT_INPUT and "2030-01-01" in one_error_line(out)


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--tz", "Europe/Berlin"], 'give --mood-labels "'),  # custom Daylio moods
        ([], "give --tz ZONE"),  # local times without a zone
    ],
)
def test_log_errors_name_the_command_line_option(capsys, extra, words):
    log = Path(__file__).parent / "data" / "logs" / "daylio_custom_labels.csv"
    code, out = run(capsys, "report", "--activities", STRAVA, "--mood", log, *extra)
    line = one_error_line(out)
    assert code == EXIT_INPUT and words in line and "pass " not in line


def test_a_mood_log_without_ratings_says_why_and_what_to_give(capsys):
    # an Apple Health export with sleep but no State of Mind records
    log = Path(__file__).parent / "data" / "logs" / "apple_sleep.xml"
    code, out = run(capsys, "report", "--activities", STRAVA, "--mood", log, "--tz", "Europe/Berlin")
    line = one_error_line(out)
    assert code == EXIT_INPUT and "no mood entries could be read (" in line
    assert "State of Mind" in line and "Mood and sleep logs" in line


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_before_or_after_the_command(capsys, where):
    window = ["--sample", "--start", "2030-01-01", "--end", "2030-02-01"]
    args = ["-q", "report", *window] if where == "before" else ["report", *window, "-q"]
    code, out = run(capsys, *args)
    assert code == EXIT_INPUT and out.err.strip() == one_error_line(out)  # nothing but the error


def test_usage_errors_point_to_the_right_help(capsys):
    code, out = run(capsys, "--bogus")
    assert code == EXIT_USAGE and "(see runwell --help)" in one_error_line(out)


def test_config_file_next_to_the_data_and_flags_win(tmp_path):
    from runwell.cli import _parser
    from runwell.reporting import settings_from_args

    (tmp_path / "runwell.toml").write_text(
        'tz = "Europe/Paris"\nmood-labels = "sad=2,average=3"\nstart = "2026-01-10"\n'
    )
    mood = tmp_path / "mood.csv"
    mood.write_text("x\n")
    args = _parser().parse_args(["report", "--activities", str(STRAVA), "--mood", str(mood), "--tz", "Europe/Berlin"])
    settings = settings_from_args(args)
    assert settings.tz == "Europe/Berlin"  # the flag wins
    assert settings.mood_labels == {"sad": 2.0, "average": 3.0} and settings.start == "2026-01-10"


def test_unknown_config_key_is_a_usage_error(capsys, tmp_path):
    config = tmp_path / "mine.toml"
    config.write_text('moood = "x"\n')
    code, out = run(capsys, "report", "--sample", "--config", config)
    assert code == EXIT_USAGE and "unknown setting 'moood'" in one_error_line(out)


def test_participant_tz_file_is_checked(tmp_path):
    from runwell.errors import InputError
    from runwell.settings import read_participant_tz

    good = tmp_path / "tz.csv"
    good.write_text("participant_id,tz\np01,Europe/Berlin\np02,Asia/Tokyo\n")
    assert read_participant_tz(good) == {"p01": "Europe/Berlin", "p02": "Asia/Tokyo"}
    bad = tmp_path / "bad.csv"
    bad.write_text("participant_id,tz\np01,Mars/Olympus\n")
    with pytest.raises(InputError, match=r"row 2.*Mars/Olympus"):
        read_participant_tz(bad)


def test_version_and_module_entry_point():
    done = subprocess.run([sys.executable, "-m", "runwell", "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.startswith("runwell ")


def test_help_imports_no_analysis_stack():
    probe = "import sys; from runwell.cli import _parser; _parser(); print('pandas' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_load_command(capsys):
    code, out = run(capsys, "load", STRAVA)
    assert code == 0 and "activities from" in out.out


def test_load_command_exits_1_when_nothing_loaded(capsys, tmp_path):
    (tmp_path / "notes.gpx").write_text("<gpx></gpx>")
    code, out = run(capsys, "load", tmp_path)
    assert code == EXIT_INPUT and "no activities could be loaded" in one_error_line(out)


def test_interrupt_exits_130(capsys, monkeypatch):
    import runwell.reporting

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(runwell.reporting, "run_load", interrupted)
    code, out = run(capsys, "load", STRAVA)
    assert code == 130 and one_error_line(out) == "runwell: interrupted"


def test_internal_error_is_one_line(capsys, monkeypatch):
    import runwell.reporting

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(runwell.reporting, "run_load", broken)
    code, out = run(capsys, "load", STRAVA)
    assert code == EXIT_INPUT and "internal error: ZeroDivisionError" in one_error_line(out)


@pytest.mark.slow
def test_report_command_on_sample(capsys, tmp_path):
    code, out = run(capsys, "report", "--sample", "-o", tmp_path / "r.html")
    assert code == 0 and (tmp_path / "r.html").stat().st_size > 100_000
    assert "wrote" in out.err and "Analysis window" in out.err and "[3/9]" in out.err
    assert "Analysis window" in (tmp_path / "r.html").read_text()


def test_missing_report_extra_is_one_line(capsys, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "jupytext" else real(name, *a))
    code, out = run(capsys, "report", "--sample", "-o", Path("unused.html"))
    assert code == EXIT_INPUT and "pip install 'runwell[report]'" in one_error_line(out)

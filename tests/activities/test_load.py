"""load_activities: folders, lists, duplicates, sport filters, strictness, reconciliation."""

from __future__ import annotations

import datetime as dt
import io

import fitparse
import pytest

import runwell
from runwell.errors import InputError
from runwell.loadreport import LoadResult
from runwell.tables import SCHEMAS

UTC = dt.UTC


def _gpx_copy(start: dt.datetime, seconds: int) -> str:
    end = start + dt.timedelta(seconds=seconds)
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="StravaGPX" xmlns="http://www.topografix.com/GPX/1/1">'
        "<trk><type>9</type><trkseg>"
        f'<trkpt lat="52.52" lon="13.40"><time>{start:%Y-%m-%dT%H:%M:%SZ}</time></trkpt>'
        f'<trkpt lat="52.53" lon="13.40"><time>{end:%Y-%m-%dT%H:%M:%SZ}</time></trkpt>'
        "</trkseg></trk></gpx>"
    )


@pytest.fixture
def folder(tmp_path, fit_bytes):
    """Two runs and a ride as FIT, the first run again as Strava's GPX, and some junk."""
    root = tmp_path / "watch"
    (root / "2024").mkdir(parents=True)
    day1 = dt.datetime(2024, 4, 1, 6, 0, tzinfo=UTC)
    (root / "2024" / "run1.fit").write_bytes(fit_bytes(start=day1, seconds=1800))
    (root / "2024" / "run2.fit").write_bytes(fit_bytes(start=day1 + dt.timedelta(days=1), seconds=2400))
    (root / "ride.fit").write_bytes(fit_bytes(start=day1 + dt.timedelta(days=2), sport="CYCLING", sub_sport="ROAD"))
    (root / "strava_copy.gpx").write_text(_gpx_copy(day1 + dt.timedelta(seconds=3), 1795))
    (root / "broken.tcx").write_text("<TrainingCenterDatabase><Activities><Activity")
    (root / "notes.txt").write_text("not an activity")
    (root / ".DS_Store").write_bytes(b"\x00")
    return root


def test_folder_load_reconciles(folder):
    result = runwell.load_activities(folder, participant_id="p01")
    acts = result.activities
    assert list(acts.columns) == list(SCHEMAS["activities"])
    assert sorted(acts["activity_id"]) == ["ride", "run1", "run2"]
    assert (acts["participant_id"] == "p01").all()
    kinds = result.report.set_index("kind")["path"]
    assert kinds["duplicate"].endswith("strava_copy.gpx")  # the FIT copy is kept
    assert kinds["error"].endswith("broken.tcx")
    assert result.counts == {"loaded": 3, "duplicate": 1, "error": 1, "activities": 3}
    assert result.reconciles
    assert result.ignored == [str(folder / "notes.txt")]
    assert "3 activities from 5 input file(s)" in result.summary()


def test_sports_filter(folder):
    result = runwell.load_activities(folder, sports=["running"])
    assert set(result.activities["sport"]) == {"running"}
    assert result.counts["filtered"] == 1


def test_list_of_paths(folder):
    result = runwell.load_activities([folder / "2024" / "run1.fit", folder / "ride.fit"])
    assert len(result.activities) == 2


def test_strict_raises_on_first_problem(folder):
    with pytest.raises(InputError, match="broken.tcx"):
        runwell.load_activities(folder, strict=True)


def test_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        runwell.load_activities(tmp_path / "nope")


def test_progress_bar_does_not_change_results(folder, capsys):
    quiet = runwell.load_activities(folder).activities
    loud = runwell.load_activities(folder, progress=True).activities
    assert quiet.equals(loud)


# ------------------------------------------------------------ every real activity file

FIT_TOTALS = ("total_elapsed_time", "total_timer_time", "total_distance")


def _fitparse_sessions(path):
    """Session totals straight from fitparse, the reference decoder."""
    import gzip
    import zipfile

    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as zf:
            data = zf.read(next(n for n in zf.namelist() if n.lower().endswith(".fit")))
    fit = fitparse.FitFile(io.BytesIO(data))
    return [m.get_values() for m in fit.get_messages("session")]


def test_every_real_fit_run_matches_its_own_session_totals(real):
    fit_dir = real / "activities" / "fit"
    checked = 0
    for path in sorted(fit_dir.glob("*")):
        if path.is_dir() or "coros" in path.name:  # COROS: see test_fit (fitparse rejects it)
            continue
        acts = runwell.read_activity(path)
        sessions = _fitparse_sessions(path)
        assert len(acts) == len(sessions), path.name
        for (_, row), ses in zip(acts.iterrows(), sessions, strict=True):
            if ses["sport"] != "running":
                assert row["sport"] != "running", path.name
                continue
            checked += 1
            assert row["elapsed_s"] == pytest.approx(ses["total_elapsed_time"], rel=0.01), path.name
            assert row["moving_s"] == pytest.approx(ses["total_timer_time"], rel=0.01), path.name
            if ses.get("total_distance"):
                assert row["distance_m"] == pytest.approx(ses["total_distance"], rel=0.01), path.name
    assert checked >= 8


def test_other_sports_are_labelled(real):
    fit_dir = real / "activities" / "fit"
    expected = {
        "ride_edge500_3h.fit": "cycling",
        "ride_edge1030plus_virtual.fit.gz": "cycling",
        "swim_fr920xt_pool_laps.FIT": "swimming",
        "swim_fr935_chained_7files.fit": "swimming",
        "walk_venusq_85min.fit": "walking",
        "row_vivoactivehr_indoor_devfields.fit": "other",
    }
    for name, sport in expected.items():
        assert runwell.read_activity(fit_dir / name)["sport"].tolist() == [sport], name


def test_whole_real_folder_reconciles(real):
    result = runwell.load_activities(real / "activities")
    assert result.reconciles
    files = result.files.set_index("path")["status"]
    assert files[str(real / "activities/fit/corrupt/unterminated_truncated_nick.fit")] == "partial"
    assert files[str(real / "activities/tcx/run_runpandas_malformed.tcx")] == "error"
    # every file is accounted for: loaded, or reported with a reason
    n_files = sum(1 for p in (real / "activities").rglob("*") if p.is_file() and p.suffix.lower() != ".csv")
    assert len(result.files) == n_files + 1  # + the Strava export's activities.csv


# ------------------------------------------------------- the load-report protocol


def test_result_follows_the_load_report_protocol(folder):
    result = runwell.load_activities(folder)
    assert isinstance(result, LoadResult)
    assert result.reconciles
    assert repr(result) == f"ActivityLoad({result.summary()})"


def test_reconciled_is_a_deprecated_alias(folder):
    result = runwell.load_activities(folder)
    with pytest.warns(DeprecationWarning, match="reconciles"):
        assert result.reconciled == result.reconciles


def test_strict_raises_on_a_skipped_file_but_not_on_duplicates(tmp_path, fit_bytes):
    """The one strict policy (runwell.loadreport): a skipped whole file stops a strict load;
    duplicates and warnings never do."""
    day = dt.datetime(2024, 4, 1, 6, 0, tzinfo=UTC)
    (tmp_path / "run.fit").write_bytes(fit_bytes(start=day, seconds=1800))
    (tmp_path / "copy.gpx").write_text(_gpx_copy(day + dt.timedelta(seconds=3), 1795))
    (tmp_path / "no_place.fit").write_bytes(
        fit_bytes(start=day + dt.timedelta(days=1), utc_offset_s=None, position=None)
    )
    result = runwell.load_activities(tmp_path, strict=True)
    assert set(result.report["kind"]) == {"duplicate", "warning"}
    (tmp_path / "monitor.fit").write_bytes(fit_bytes(start=day, file_type="MONITORING_A"))
    with pytest.raises(InputError, match="monitor.fit"):
        runwell.load_activities(tmp_path, strict=True)


def test_a_run_after_a_short_walk_is_not_its_duplicate(tmp_path, fit_bytes):
    """Issue 13: a 57-second run was reported as a duplicate of a walk that ended before it began."""
    start = dt.datetime(2024, 4, 1, 6, 0, tzinfo=UTC)
    (tmp_path / "walk.fit").write_bytes(fit_bytes(start=start, seconds=40, sport="WALKING", sub_sport="GENERIC"))
    (tmp_path / "run.fit").write_bytes(fit_bytes(start=start + dt.timedelta(seconds=60), seconds=57))
    result = runwell.load_activities(tmp_path)
    assert len(result.activities) == 2 and "duplicate" not in set(result.report["kind"])


def test_same_times_but_other_sports_are_two_activities(tmp_path, fit_bytes):
    start = dt.datetime(2024, 4, 1, 6, 0, tzinfo=UTC)
    (tmp_path / "walk.fit").write_bytes(fit_bytes(start=start, seconds=1800, sport="WALKING", sub_sport="GENERIC"))
    (tmp_path / "run.fit").write_bytes(fit_bytes(start=start + dt.timedelta(seconds=5), seconds=1790))
    assert len(runwell.load_activities(tmp_path).activities) == 2


def test_a_copy_that_names_no_sport_is_still_a_duplicate(tmp_path, fit_bytes):
    start = dt.datetime(2024, 4, 1, 6, 0, tzinfo=UTC)
    (tmp_path / "run.fit").write_bytes(fit_bytes(start=start, seconds=1800))
    (tmp_path / "copy.gpx").write_text(_gpx_copy(start + dt.timedelta(seconds=3), 1795).replace("<type>9</type>", ""))
    result = runwell.load_activities(tmp_path)
    assert len(result.activities) == 1 and result.report.set_index("kind")["path"]["duplicate"].endswith("copy.gpx")

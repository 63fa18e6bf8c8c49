"""Summary exports (issue 17): Garmin summaries, Polar sessions, Samsung, Whoop and Fitbit exercises.

No licensed real sample of these exists in ../shared/real-data; the files are constructed
from FORMATS.md (see tests/data/activities/README.md and tests/data/logs/README.md).
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import runwell
from runwell.activities.formats import EXPORT_FORMATS, known_formats
from runwell.errors import InputError

LOGS = Path(__file__).resolve().parents[1] / "data" / "logs"
GARMIN_FITNESS = "DI_CONNECT/DI-Connect-Fitness"


def _utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def _load(path, **kw):
    return runwell.load_activities(path, workers=1, **kw)


def test_summary_formats_in_the_registry_and_messages():
    assert all(fmt.label() in known_formats() for fmt in EXPORT_FORMATS)
    for fmt in EXPORT_FORMATS:
        doc = __import__(fmt.reader.__module__, fromlist=["_"]).__doc__
        assert "Certainty" in doc and "Where the user finds it" in doc, fmt.name


# ------------------------------------------------------------------------------ Garmin


@pytest.fixture
def garmin_export(data, tmp_path, fit_bytes) -> Path:
    """The constructed Garmin export, plus a FIT upload of activity 1001 (the same run)."""
    export = tmp_path / "garmin"
    shutil.copytree(data / "garmin_export", export)
    run = fit_bytes(start=dt.datetime(2024, 4, 1, 4, tzinfo=dt.UTC), seconds=1500, utc_offset_s=7200)
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("runner@example.org_900001.fit", run)
    uploaded = export / "DI_CONNECT" / "DI-Connect-Uploaded-Files"
    uploaded.mkdir(parents=True)
    (uploaded / "UploadedFiles_0-_Part1.zip").write_bytes(inner.getvalue())
    return export


def test_garmin_summaries_alone(data):
    result = _load(data / "garmin_export")
    acts = result.activities.set_index("activity_id")
    assert list(acts.index) == ["1001", "1002", "901", "902", "1003"]
    run = acts.loc["1001"]
    assert run["distance_m"] == 4500 and run["elevation_gain_m"] == 25  # centimetres
    assert (run["moving_s"], run["elapsed_s"]) == (1500, 1500)  # milliseconds; timer time is moving_s
    assert run["start_utc"] == _utc("2024-04-01 04:00") and run["start_local"] == pd.Timestamp("2024-04-01 06:00")
    assert run["tz"] == "Europe/Berlin" and run["tz_source"] == "metadata"  # offset + position
    assert acts.loc["1002", "sport"] == "other" and pd.isna(acts.loc["1002", "avg_hr"])  # manual entry
    assert acts.loc["1002", "tz"] == "Europe/Berlin"  # offset only: the participant's zone with that offset
    assert acts.loc["1003", "sport"] == "treadmill_running" and acts.loc["1003", "indoor"]
    assert result.reconciles


def test_garmin_multisport_parent_not_double_counted(data):
    result = _load(data / "garmin_export")
    assert "900" not in set(result.activities["activity_id"])
    legs = result.activities[result.activities["activity_id"].isin(["901", "902"])]
    assert legs["distance_m"].sum() == pytest.approx(6039 + 7325)
    parent = result.report[result.report["kind"] == "skipped"]
    assert parent["row"].tolist() == [3] and "multisport total" in parent["reason"].iloc[0]


def test_garmin_overlapping_part_files(data):
    result = _load(data / "garmin_export")
    dup = result.report[result.report["kind"] == "duplicate"]
    assert dup["path"].str.endswith("_1_summarizedActivities.json").all() and dup["row"].tolist() == [1]
    assert "1002" in dup["reason"].iloc[0]
    assert (result.activities["activity_id"] == "1002").sum() == 1


def test_garmin_fit_and_summary_are_one_activity(garmin_export):
    result = _load(garmin_export)
    runs = result.activities[result.activities["start_utc"] == _utc("2024-04-01 04:00")]
    assert runs["source"].tolist() == ["fit"]  # the FIT copy is kept
    dup = result.report[result.report["reason"].str.contains("kept the fit copy")]
    assert dup["path"].str.endswith("_0_summarizedActivities.json#row1").tolist() == [True]
    assert len(result.activities) == 5 and result.reconciles


def test_garmin_export_as_one_zip(garmin_export, tmp_path):
    archive = tmp_path / "garmin_export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in garmin_export.rglob("*"):
            if path.is_file():
                zf.write(path, path.relative_to(garmin_export).as_posix())
    result = _load(archive)
    assert len(result.activities) == 5 and result.reconciles
    assert result.activities["source_file"].str.contains(f"{GARMIN_FITNESS}/").sum() == 4


def test_garmin_summary_without_a_start(tmp_path):
    path = tmp_path / "a_0_summarizedActivities.json"
    path.write_text('[{"summarizedActivitiesExport": [{"activityId": 7, "activityType": "running"}]}]')
    result = _load(path)
    assert result.activities.empty and result.files["status"].tolist() == ["error"]
    assert "cannot place it in time" in result.report["reason"].iloc[0]
    with pytest.raises(InputError, match="cannot place it in time"):
        _load(path, strict=True)


# ------------------------------------------------------------------------------- Polar


def test_polar_sessions_with_nan_tokens(tmp_path):
    archive = tmp_path / "polar-user-data-export_2025.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in (LOGS / "polar_export").iterdir():
            zf.write(path, f"polar-user-data-export/{path.name}")
    result = _load(archive)
    acts = result.activities.set_index("activity_id")
    run = acts.loc["8310402585"]
    assert run["start_utc"] == _utc("2025-08-17 00:12:22")  # 17:12:22 at UTC-07:00
    assert run["start_local"] == pd.Timestamp("2025-08-16 17:12:22") and run["tz"] == "America/Los_Angeles"
    assert (run["distance_m"], run["moving_s"], run["avg_hr"], run["max_hr"]) == (7012.4, 2418, 151, 178)
    assert run["device"] == "Polar Vantage V2" and run["has_gps"] and not run["indoor"]
    indoor = acts.loc["8310500000"]
    assert indoor["indoor"] and pd.isna(indoor["distance_m"]) and indoor["elapsed_s"] == 35 * 60
    assert len(result.ignored) == 2 and result.reconciles  # the sleep and the daily activity files


def test_polar_multisport_session_one_row_per_exercise(tmp_path):
    path = tmp_path / "training-session-2025-09-01-1.json"
    leg = (
        '{{"identifier": {{"id": "{id}"}}, "startTime": "{start}", "stopTime": "{stop}", "durationMillis": {ms}, '
        '"timezoneOffsetMinutes": 120, "sport": {{"id": "{sport}"}}, "laps": {{}}, '
        '"statistics": {{"statistics": [{{"type": "HEART_RATE", "avg": {hr}, "max": 170}}]}}}}'
    )
    legs = [
        leg.format(id="e1", start="2025-09-01T08:00:00", stop="2025-09-01T08:30:00", ms=1800000, sport=2, hr=130),
        leg.format(id="e2", start="2025-09-01T08:32:00", stop="2025-09-01T09:00:00", ms=1680000, sport=1, hr=155),
    ]
    path.write_text(
        '{"identifier": {"id": "s1"}, "name": "Triathlon", "startTime": "2025-09-01T08:00:00", '
        f'"timezoneOffsetMinutes": 120, "exercises": [{", ".join(legs)}]}}'
    )
    result = _load(path)
    assert result.activities["activity_id"].tolist() == ["e1", "e2"]
    assert result.activities["avg_hr"].tolist() == [130, 155]
    assert result.activities["start_utc"].iloc[1] == _utc("2025-09-01 06:32")


# ----------------------------------------------------------------------------- Samsung


def test_samsung_exercise_utc_times_with_offset_column():
    result = _load(LOGS / "samsung_export")
    acts = result.activities.set_index("activity_id")
    run = acts.loc["c2d4-0001"]
    assert run["sport"] == "running" and run["start_utc"] == _utc("2026-07-22 16:00")
    assert run["start_local"] == pd.Timestamp("2026-07-22 18:00") and run["tz"] == "UTC+02:00"
    assert (run["moving_s"], run["elapsed_s"], run["distance_m"]) == (1800, 1930, 5200)
    assert acts.loc["c2d4-0002", "sport"] == "cycling" and pd.isna(acts.loc["c2d4-0002", "distance_m"])
    assert any("exercise.weather" in p for p in result.ignored)  # a table sharing the stem is not read
    assert result.reconciles


# ------------------------------------------------------------------------------- Whoop


def test_whoop_workouts_local_times_and_zone_column():
    path = LOGS / "whoop_export" / "workouts.csv"
    result = _load(path)
    run = result.activities.iloc[0]
    assert run["start_utc"] == _utc("2026-01-03 16:04") and run["tz"] == "UTC+01:00"
    assert run["elapsed_s"] == 21 * 60 + 59  # end - start, not the rounded Duration (min)
    assert run["distance_m"] == 4200.5 and run["has_gps"] and run["activity_id"] == "whoop-20260103T160400Z"
    other = result.activities.iloc[1]
    assert other["sport"] == "other" and pd.isna(other["distance_m"]) and not other["has_gps"]


def test_whoop_spanish_and_variant_without_zone(tmp_path):
    spanish = tmp_path / "entrenamientos.csv"
    spanish.write_text(
        "Hora de inicio del ciclo,Hora de finalización del ciclo,Zona horaria del ciclo,"
        "Hora de inicio del entrenamiento,Hora de finalización del entrenamiento,Duración (min),"
        "Nombre de la actividad,Esfuerzo de actividad,Energía quemada (cal),FC máx. (lpm),FC promedio (lpm),"
        "Zona FC 1%,Zona FC 2%,Zona FC 3%,Zona FC 4%,Zona FC 5%,GPS habilitado\n"
        "2026-09-01 22:40:00,2026-09-02 23:05:00,UTC-05:00,2026-09-02 07:00:00,2026-09-02 07:40:59,40,"
        "Running,10.2,400,170,150,5,10,30,40,15,false\n"
    )
    assert _load(spanish).activities["start_utc"].iloc[0] == _utc("2026-09-02 12:00")
    variant = tmp_path / "workouts.csv"
    variant.write_text(
        "Cycle start time,Workout start time,Workout end time,Duration (min),Activity name,Activity Strain,"
        "Energy burned (cal),Max HR (bpm),Average HR (bpm),HR Zone 1 %,HR Zone 2 %,HR Zone 3 %,HR Zone 4 %,"
        "HR Zone 5 %,GPS Enabled,Distance (meters),Altitude Gain (meters)\n"
        "2026-01-02 23:10:00,2026-01-03 17:04:00,2026-01-03 17:25:59,21,Running,11.6,298,168,150,6,10,21,20,41,"
        "true,4200,35\n"
    )
    placed = _load(variant, tz="Europe/Madrid").activities.iloc[0]
    assert placed["start_utc"] == _utc("2026-01-03 16:04") and placed["tz_source"] == "argument"
    fallback = _load(variant)
    assert fallback.activities["tz_source"].iloc[0] == "fallback" and "assumed UTC" in fallback.report["reason"].iloc[0]


# ------------------------------------------------------------------------------ Fitbit


def test_fitbit_user_exercises(data):
    result = _load(data / "fitbit_takeout")
    acts = result.activities.set_index("activity_id")
    bike = acts.loc["1000000000000000001"]
    assert bike["sport"] == "cycling" and bike["distance_m"] == 23150 and bike["elevation_gain_m"] == 182  # mm
    assert bike["elapsed_s"] == 4117  # 12:54:29Z .. 14:03:06Z
    assert bike["tz"] == "UTC+02:00" and bike["start_local"] == pd.Timestamp("2026-10-04 14:54:29")
    walk = acts.loc["1000000000000000003"]
    assert walk["distance_m"] == 3500 and "MANUAL" in walk["sport_original"] and not walk["indoor"]
    kinds = result.report.set_index("reason")["kind"]
    assert kinds.filter(like="deleted in the app").tolist() == ["skipped"]
    assert kinds.filter(like="no activities in this file").tolist() == ["skipped"]  # a header-only file
    assert len(result.ignored) == 1 and result.reconciles  # the heart-rate series


def test_summary_files_are_not_activity_files_for_read_activity(data):
    with pytest.raises(runwell.UnsupportedFormatError):
        runwell.read_activity(LOGS / "whoop_export" / "workouts.csv")

"""Bulk exports: Strava (English, German, other languages), Garmin Connect, Apple Health."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import shutil
import zipfile

import pandas as pd
import pytest

import runwell
from runwell.errors import InputError

UTC = dt.UTC

EN_HEADER = [
    "Activity ID",
    "Activity Date",
    "Activity Name",
    "Activity Type",
    "Activity Description",
    "Elapsed Time",
    "Distance",
    "Max Heart Rate",
    "Relative Effort",
    "Commute",
    "Activity Private Note",
    "Activity Gear",
    "Filename",
    "Athlete Weight",
    "Bike Weight",
    "Elapsed Time",
    "Moving Time",
    "Distance",
    "Max Speed",
    "Average Speed",
    "Elevation Gain",
    "Average Heart Rate",
    "Max Heart Rate",
    "Relative Effort",
    "Commute",
]
DE_NAMES = {
    "Activity ID": "Aktivitäts-ID",
    "Activity Date": "Aktivitätsdatum",
    "Activity Name": "Name der Aktivität",
    "Activity Type": "Aktivitätsart",
    "Elapsed Time": "Verstrichene Zeit",
    "Distance": "Distanz",
    "Max Heart Rate": "Max. Herzfrequenz",
    "Filename": "Dateiname",
    "Moving Time": "Bewegungszeit",
    "Elevation Gain": "Höhenzunahme",
    "Average Heart Rate": "Durchschnittliche Herzfrequenz",
}


def _row(activity_id, date, kind, elapsed, km, filename, moving):
    values = dict.fromkeys(range(len(EN_HEADER)), "")
    values.update(
        {
            0: activity_id,
            1: date,
            2: "Run",
            3: kind,
            5: str(elapsed),
            6: f"{km:.2f}",
            12: filename,
            15: f"{elapsed}.0",
            16: f"{moving}.0",
            17: f"{km * 1000:.1f}",
            20: "12.0",
        }
    )
    return [values[i] for i in range(len(EN_HEADER))]


def make_strava_export(folder, fit_bytes, *, header=EN_HEADER, dates=None):
    """An export with a FIT run, a gzipped GPX walk, a manual run and a file not in the CSV."""
    acts = folder / "activities"
    acts.mkdir(parents=True)
    fit = fit_bytes(start=dt.datetime(2024, 5, 3, 16, 0, tzinfo=UTC), seconds=1800, utc_offset_s=7200)
    (acts / "1001.fit.gz").write_bytes(gzip.compress(fit))
    gpx = (
        '<?xml version="1.0"?><gpx version="1.1" creator="StravaGPX" xmlns="http://www.topografix.com/GPX/1/1">'
        "<trk><type>10</type><trkseg>"
        '<trkpt lat="40.7" lon="-74.0"><time>2024-05-04T12:00:00Z</time></trkpt>'
        '<trkpt lat="40.71" lon="-74.0"><time>2024-05-04T12:20:00Z</time></trkpt>'
        "</trkseg></trk></gpx>"
    )
    (acts / "1002.gpx.gz").write_bytes(gzip.compress(gpx.encode()))
    extra = fit_bytes(start=dt.datetime(2024, 5, 10, 6, 0, tzinfo=UTC), seconds=600, utc_offset_s=7200)
    (acts / "9999.fit.gz").write_bytes(gzip.compress(extra))
    dates = dates or ["May 3, 2024, 4:00:00 PM", "May 4, 2024, 12:00:00 PM", "May 5, 2024, 7:15:00 AM"]
    rows = [
        _row("555", dates[0], "Run", 1800, 5.4, "activities/1001.fit.gz", 1795),
        _row("556", dates[1], "Walk", 1200, 1.11, "activities/1002.gpx.gz", 1200),
        _row("557", dates[2], "Run", 2400, 6.0, "", 2400),  # manual entry
    ]
    with open(folder / "activities.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    (folder / "profile.csv").write_text("Email Address\nx@example.org\n")
    return folder


def test_strava_export_folder(tmp_path, fit_bytes):
    export = make_strava_export(tmp_path / "export_123", fit_bytes)
    result = runwell.load_activities(export)
    acts = result.activities.set_index("activity_id")
    assert set(acts.index) == {"555", "556", "557", "9999"}
    assert acts.loc["555", "source"] == "fit" and acts.loc["555", "tz"] == "Europe/Berlin"
    assert acts.loc["555", "start_local"] == pd.Timestamp("2024-05-03 18:00")  # from the FIT offset
    assert acts.loc["556", "sport"] == "walking" and acts.loc["556", "tz"] == "America/New_York"
    manual = acts.loc["557"]
    assert manual["source"] == "strava_csv" and manual["sport"] == "running"
    assert manual["distance_m"] == 6000 and manual["elapsed_s"] == 2400
    assert manual["start_utc"] == pd.Timestamp("2024-05-05 07:15", tz="UTC")
    assert pd.isna(manual["indoor"])  # unknown for a manual entry
    # the manual entry has no zone of its own: the participant's usual zone, reported
    assert manual["tz_source"] == "fallback"
    assert (result.report["kind"] == "warning").sum() == 1
    assert result.reconciles
    assert "profile.csv" in " ".join(result.ignored)


def test_strava_export_zip_same_as_folder(tmp_path, fit_bytes):
    export = make_strava_export(tmp_path / "export_123", fit_bytes)
    archive = shutil.make_archive(str(tmp_path / "export_123"), "zip", export)
    folder = runwell.load_activities(export).activities
    zipped = runwell.load_activities(archive).activities
    cols = ["activity_id", "sport", "start_utc", "tz", "elapsed_s", "distance_m"]
    pd.testing.assert_frame_equal(folder[cols], zipped[cols])


def test_strava_german_headers(tmp_path, fit_bytes):
    header = [DE_NAMES.get(h, h) for h in EN_HEADER]
    dates = ["03.05.2024, 16:00:00", "4. Mai 2024, 12:00:00", "05.05.2024, 07:15:00"]
    export = make_strava_export(tmp_path / "de", fit_bytes, header=header, dates=dates)
    acts = runwell.load_activities(export).activities.set_index("activity_id")
    assert acts.loc["557", "start_utc"] == pd.Timestamp("2024-05-05 07:15", tz="UTC")
    assert acts.loc["557", "distance_m"] == 6000


def test_strava_other_language_fails_naming_headers(tmp_path, fit_bytes):
    header = ["ID de l'activité", "Date de l'activité"] + EN_HEADER[2:12] + ["Nom du fichier"] + EN_HEADER[13:]
    export = make_strava_export(tmp_path / "fr", fit_bytes, header=header)
    result = runwell.load_activities(export)
    error = result.report[result.report["kind"] == "error"].iloc[0]
    assert error["path"].endswith("activities.csv")
    assert "language" in error["reason"] and "ID de l'activité" in error["reason"]
    assert len(result.activities) == 3  # the export's files are still read
    with pytest.raises(InputError, match=r"activities.csv.*language.*ID de l'activité"):
        runwell.load_activities(export, strict=True)


def test_strava_missing_file_and_bad_date(tmp_path, fit_bytes):
    export = make_strava_export(
        tmp_path / "e", fit_bytes, dates=["May 3, 2024, 4:00:00 PM", "yesterday", "May 5, 2024, 7:15:00 AM"]
    )
    (export / "activities" / "1001.fit.gz").unlink()
    result = runwell.load_activities(export)
    report = result.report.set_index("row")
    assert report.loc[2, "kind"] == "error" and "yesterday" in report.loc[2, "reason"]
    assert "not in the export" in report.loc[1, "reason"]
    assert "555" in set(result.activities["activity_id"])  # kept from the CSV summary


def test_real_strava_export(real):
    result = runwell.load_activities(real / "activities" / "strava" / "export_sample")
    row = result.activities.iloc[0]
    assert len(result.activities) == 1
    assert row["activity_id"] == "12070555079" and row["source"] == "fit"
    assert row["start_utc"] == pd.Timestamp("2022-05-29 15:53:35", tz="UTC")
    # local time from the FIT file: CEST, not the CSV's UTC
    assert row["tz_source"] == "fit_local_timestamp" and row["start_local"] == pd.Timestamp("2022-05-29 17:53:35")
    assert row["distance_m"] == pytest.approx(3322.95, rel=0.001)
    assert result.reconciles and result.report.empty


def test_garmin_connect_export(tmp_path, fit_bytes):
    run = fit_bytes(start=dt.datetime(2024, 2, 1, 7, tzinfo=UTC), seconds=1500)
    monitor = fit_bytes(start=dt.datetime(2024, 2, 1, tzinfo=UTC), file_type="MONITORING_B")
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("user@example.org_123.fit", run)
        zf.writestr("user@example.org_124.fit", monitor)
    outer = tmp_path / "garmin_export.zip"
    with zipfile.ZipFile(outer, "w") as zf:
        zf.writestr("DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip", inner.getvalue())
        zf.writestr("DI_CONNECT/DI-Connect-Fitness/user_summarizedActivities.json", "[]")
        zf.writestr("__MACOSX/DI_CONNECT/._x", b"junk")
    result = runwell.load_activities(outer)
    assert result.activities["sport"].tolist() == ["running"]
    assert result.report["kind"].tolist() == ["skipped", "skipped"]
    paths = result.report["path"].tolist()
    assert any("UploadedFiles_0-_Part1.zip!user@example.org_124.fit" in p for p in paths)
    # the (empty) activity summaries are read as a summary export: nothing in them
    assert any(p.endswith("user_summarizedActivities.json") for p in paths)
    assert result.reconciles


def test_real_apple_health_export(real):
    result = runwell.load_activities(real / "logs" / "apple_health")
    acts = result.activities
    assert len(acts) >= 3
    run = acts[acts["sport"] == "running"].iloc[0]
    assert run["source"] == "apple_health"
    assert run["start_utc"] == pd.Timestamp("2024-01-15 10:00", tz="UTC")
    assert (run["tz"], run["tz_source"]) == ("Europe/London", "metadata")
    assert run["distance_m"] == pytest.approx(5200) and run["moving_s"] == pytest.approx(32.5 * 60)
    assert run["elevation_gain_m"] == pytest.approx(8.5) and run["avg_hr"] == pytest.approx(162.5)
    assert run["has_gps"] and not run["indoor"]
    # the route GPX files belong to the workouts; they are not loaded again as activities
    assert not (acts["source"] == "gpx").any()


def test_apple_export_is_streamed(tmp_path):
    """A large export.xml streams: the workouts come out and memory stays small."""
    import tracemalloc

    record = '<Record type="HKQuantityTypeIdentifierHeartRate" sourceName="W" unit="count/min" startDate="2024-01-01 00:00:00 +0000" endDate="2024-01-01 00:00:00 +0000" value="60"/>\n'
    workout = (
        '<Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="30" durationUnit="min" '
        'startDate="2024-01-{day:02d} 07:00:00 +0000" endDate="2024-01-{day:02d} 07:31:00 +0000">'
        '<MetadataEntry key="HKTimeZone" value="Europe/Paris"/><MetadataEntry key="HKIndoorWorkout" value="1"/></Workout>\n'
    )
    path = tmp_path / "apple_health_export" / "export.xml"
    path.parent.mkdir()
    with open(path, "w") as handle:
        handle.write(
            '<?xml version="1.0"?>\n<!DOCTYPE HealthData [<!ELEMENT HealthData ANY>]>\n<HealthData locale="en_US">\n'
        )
        for day in range(1, 21):
            handle.write(record * 5000)
            handle.write(workout.format(day=day))
        handle.write("</HealthData>\n")
    size = path.stat().st_size
    tracemalloc.start()
    result = runwell.load_activities(path.parent)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(result.activities) == 20 and result.report.empty
    row = result.activities.iloc[0]
    assert row["sport"] == "treadmill_running" and row["indoor"] and row["tz"] == "Europe/Paris"
    assert row["start_local"] == pd.Timestamp("2024-01-01 08:00")
    assert peak < size / 2, f"peak {peak} bytes for a {size} byte export: not streaming"

"""FIT reading on files made here (one quirk each) and on the real devices' quirks."""

from __future__ import annotations

import datetime as dt
import gzip
import zipfile

import pandas as pd
import pytest

import runwell
from runwell.activities.fit.repair import repair_field_sizes
from runwell.errors import InputError, NotAnActivityError, UnsupportedFormatError

UTC = dt.UTC


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_run_summary_and_local_time(tmp_path, fit_bytes):
    start = dt.datetime(2024, 3, 5, 6, 30, tzinfo=UTC)
    path = write(tmp_path, "run.fit", fit_bytes(start=start, seconds=1800, utc_offset_s=3600))
    row = runwell.read_activity(path).iloc[0]
    assert row["sport"] == "running" and row["source"] == "fit"
    assert row["start_utc"] == pd.Timestamp(start)
    assert row["start_local"] == pd.Timestamp("2024-03-05 07:30")
    # the device offset (+1 h) agrees with the zone of the first fix in Berlin in winter
    assert row["tz"] == "Europe/Berlin" and row["tz_source"] == "fit_local_timestamp"
    assert row["elapsed_s"] == 1800 and row["moving_s"] == 1795  # timer time is moving time
    assert row["distance_m"] == pytest.approx(5400)
    assert row["has_gps"] and not row["indoor"]
    assert row["activity_id"] == "run"


def test_dst_summer_offset_gives_summer_local_time(tmp_path, fit_bytes):
    # 2024-03-31 is the European spring-forward day: 02:00 local -> 03:00.
    start = dt.datetime(2024, 3, 31, 1, 30, tzinfo=UTC)  # 03:30 CEST
    path = write(tmp_path, "dst.fit", fit_bytes(start=start, utc_offset_s=7200))
    row = runwell.read_activity(path).iloc[0]
    assert row["tz"] == "Europe/Berlin"
    assert row["start_local"] == pd.Timestamp("2024-03-31 03:30")


def test_offset_disagreeing_with_gps_zone_is_kept_as_fixed_offset(tmp_path, fit_bytes):
    start = dt.datetime(2024, 7, 1, 8, 0, tzinfo=UTC)
    path = write(tmp_path, "odd.fit", fit_bytes(start=start, utc_offset_s=-4 * 3600))
    row = runwell.read_activity(path).iloc[0]
    assert row["tz"] == "UTC-04:00"
    assert row["start_local"] == pd.Timestamp("2024-07-01 04:00")


def test_explicit_tz_wins(tmp_path, fit_bytes):
    start = dt.datetime(2024, 7, 1, 8, 0, tzinfo=UTC)
    path = write(tmp_path, "r.fit", fit_bytes(start=start))
    row = runwell.read_activity(path, tz="America/New_York", participant_id="p7").iloc[0]
    assert (row["tz"], row["tz_source"], row["participant_id"]) == ("America/New_York", "argument", "p7")
    assert row["start_local"] == pd.Timestamp("2024-07-01 04:00")


def test_bad_tz_argument_names_the_fix(tmp_path, fit_bytes):
    path = write(tmp_path, "r.fit", fit_bytes(start=dt.datetime(2024, 7, 1, tzinfo=UTC)))
    with pytest.raises(InputError, match="IANA zone"):
        runwell.read_activity(path, tz="Berlin")


def test_no_gps_no_offset_is_indoor_and_placed_by_fallback(tmp_path, fit_bytes):
    start = dt.datetime(2024, 1, 10, 18, 0, tzinfo=UTC)
    path = write(tmp_path, "tm.fit", fit_bytes(start=start, position=None, utc_offset_s=None, sub_sport="TREADMILL"))
    row = runwell.read_activity(path).iloc[0]
    assert row["sport"] == "treadmill_running" and row["indoor"] and not row["has_gps"]
    assert (row["tz"], row["tz_source"]) == ("UTC", "fallback")


def test_multisport_gives_one_row_per_session(tmp_path, fit_bytes):
    start = dt.datetime(2024, 6, 1, 7, 0, tzinfo=UTC)
    data = fit_bytes(
        start=start, sessions=[("CYCLING", "ROAD", 1200), ("TRANSITION", "GENERIC", 60), ("RUNNING", "GENERIC", 900)]
    )
    acts = runwell.read_activity(write(tmp_path, "tri.fit", data))
    assert list(acts["sport"]) == ["cycling", "other", "running"]
    assert list(acts["activity_id"]) == ["tri#1", "tri#2", "tri#3"]
    assert list(acts["elapsed_s"]) == [1200, 60, 900]
    assert acts["start_utc"].iloc[2] == pd.Timestamp(start) + pd.Timedelta(seconds=1260)


def test_streams_are_split_between_sessions(tmp_path, fit_bytes):
    start = dt.datetime(2024, 6, 1, 7, 0, tzinfo=UTC)
    data = fit_bytes(start=start, sessions=[("CYCLING", "ROAD", 100), ("RUNNING", "GENERIC", 100)])
    streams = runwell.read_streams(write(tmp_path, "duo.fit", data))
    assert list(streams.columns) == list(runwell.SCHEMAS["streams"])
    assert streams["lat"].iloc[0] == pytest.approx(52.52, abs=1e-6)
    counts = streams["activity_id"].value_counts()
    assert set(counts.index) == {"duo#1", "duo#2"}
    assert streams["heart_rate"].eq(140).all()


def test_gzip_and_zip_and_uppercase(tmp_path, fit_bytes):
    data = fit_bytes(start=dt.datetime(2024, 6, 1, 7, tzinfo=UTC))
    gz = write(tmp_path, "a.fit.gz", gzip.compress(data))
    upper = write(tmp_path, "B.FIT", data)
    archive = tmp_path / "c.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("c.fit", data)
        zf.writestr("__MACOSX/._c.fit", b"\x00\x05\x16\x07 resource fork")
    for path in (gz, upper, archive):
        acts = runwell.read_activity(path)
        assert len(acts) == 1 and acts["sport"].iloc[0] == "running", path
    assert runwell.read_activity(gz)["activity_id"].iloc[0] == "a"


def test_chained_fit_files_are_all_read(tmp_path, fit_bytes):
    first = fit_bytes(start=dt.datetime(2024, 6, 1, 7, tzinfo=UTC), seconds=300)
    second = fit_bytes(start=dt.datetime(2024, 6, 1, 7, 10, tzinfo=UTC), seconds=300)
    acts = runwell.read_activity(write(tmp_path, "chain.fit", first + second))
    assert len(acts) == 2


def test_non_activity_fit_is_skipped(tmp_path, fit_bytes):
    path = write(
        tmp_path, "monitor.fit", fit_bytes(start=dt.datetime(2024, 6, 1, tzinfo=UTC), file_type="MONITORING_A")
    )
    with pytest.raises(NotAnActivityError, match="not an activity"):
        runwell.read_activity(path)
    result = runwell.load_activities(path)
    assert result.activities.empty
    assert result.report["kind"].tolist() == ["skipped"]
    assert result.reconciles


def test_truncated_file_yields_what_was_readable(tmp_path, fit_bytes):
    data = fit_bytes(start=dt.datetime(2024, 6, 1, 7, tzinfo=UTC), seconds=1200)
    cut = write(tmp_path, "cut.fit", data[: len(data) // 2])  # session message lost
    result = runwell.load_activities(cut)
    row = result.activities.iloc[0]
    assert row["partial"] and row["sport"] == "other"  # no session, no sport message
    assert 500 < row["elapsed_s"] < 700
    assert result.report["kind"].tolist() == ["partial"]
    with pytest.raises(InputError, match="cut.fit"):
        runwell.load_activities(cut, strict=True)


def test_crc_mismatch_is_read_with_a_warning(tmp_path, fit_bytes):
    data = bytearray(fit_bytes(start=dt.datetime(2024, 6, 1, 7, tzinfo=UTC)))
    data[-1] ^= 0xFF
    result = runwell.load_activities(write(tmp_path, "crc.fit", bytes(data)))
    assert len(result.activities) == 1
    assert result.report["kind"].tolist() == ["warning"]
    assert "CRC" in result.report["reason"].iloc[0]


def test_garbage_is_an_error_naming_the_file(tmp_path):
    path = write(tmp_path, "junk.fit", b"this is not a fit file at all")
    with pytest.raises(InputError, match="junk.fit: not a FIT file"):
        runwell.read_activity(path)


def test_unknown_suffix_names_known_formats(tmp_path):
    path = write(tmp_path, "run.kml", b"<kml/>")
    with pytest.raises(UnsupportedFormatError, match=r"\.fit\.gz.*\.gpx.*\.tcx"):
        runwell.read_activity(path)


def test_repair_leaves_good_files_alone(fit_bytes):
    data = fit_bytes(start=dt.datetime(2024, 6, 1, 7, tzinfo=UTC))
    assert repair_field_sizes(data) == (data, 0)


# ----------------------------------------------------------------- real devices' quirks


def test_coros_misaligned_fields_are_recovered(real):
    acts = runwell.read_activity(real / "activities/fit/ride_coros_misaligned_fields.fit")
    row = acts.iloc[0]
    assert row["sport"] == "cycling"
    assert row["elapsed_s"] == pytest.approx(211 * 60, rel=0.01)
    assert row["distance_m"] == pytest.approx(32150, rel=0.01)


def test_unterminated_file_is_partial(real):
    result = runwell.load_activities(real / "activities/fit/corrupt/unterminated_truncated_nick.fit")
    assert len(result.activities) == 1 and result.activities["partial"].all()
    assert result.report["kind"].tolist() == ["partial"]
    assert "14391 records" in result.report["reason"].iloc[0]


def test_device_relative_timestamps_are_anchored_by_local_time(real):
    row = runwell.read_activity(real / "activities/fit/run_fr70_antfs_dump_nodistance.fit", tz="Europe/Berlin").iloc[0]
    # activity.local_timestamp 12:21:03 minus (timestamp - start_time) = 3432 s
    assert row["start_local"] == pd.Timestamp("2012-02-13 11:23:51")
    assert row["start_utc"] == pd.Timestamp("2012-02-13 10:23:51", tz="UTC")


def test_virtual_ride_is_indoor_and_not_placed_by_game_gps(real):
    row = runwell.read_activity(real / "activities/fit/ride_zwift_virtual.fit").iloc[0]
    assert row["indoor"] and row["sub_sport"] == "virtual_activity"
    assert row["tz_source"] != "gps"


def test_multisport_real_file(real):
    acts = runwell.read_activity(real / "activities/fit/multisport_fr935_run_row_short.fit")
    assert acts["sport_original"].tolist() == ["running:generic", "transition:generic", "rowing:generic"]
    assert acts["sport"].tolist() == ["running", "other", "other"]

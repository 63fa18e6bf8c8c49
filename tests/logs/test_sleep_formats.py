"""Fitbit, Garmin, Oura, Sleep as Android, Plees Tracker and generic sleep logs."""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest

from runwell import InputError, read_sleep


def _utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def test_fitbit_local_times_stages_and_naps(data, check) -> None:
    res = read_sleep(data / "fitbit_sleep-2020-03-22.json", tz="America/New_York")
    check(res, "sleep")
    assert res.format == "fitbit"
    main, nap = res.sleep.iloc[0], res.sleep.iloc[1]
    assert main["in_bed_start"] == _utc("2020-03-22 03:47")  # 23:47 EDT
    assert main["sleep_start"] == _utc("2020-03-22 03:52")  # + minutesToFallAsleep
    assert main["sleep_end"] == _utc("2020-03-22 11:37:30")  # - minutesAfterWakeup
    assert main["asleep_h"] == 7 and main["in_bed_h"] == pytest.approx(473 / 60)
    assert main["efficiency"] == pytest.approx(420 / 473)
    assert (main["deep_h"], main["rem_h"]) == pytest.approx((80 / 60, 1.5))
    assert main["wake_date"] == pd.Timestamp("2020-03-22") and not main["is_nap"]
    assert nap["is_nap"] and nap["deep_h"] != nap["deep_h"]  # classic log: no stages
    kinds = dict(zip(res.report["row"], res.report["kind"], strict=True))
    assert kinds == {3: "duplicate", 4: "error"}
    assert "endTime" in res.report["reason"].iloc[1]


def test_fitbit_needs_tz(data) -> None:
    with pytest.raises(InputError, match="tz="):
        read_sleep(data / "fitbit_sleep-2020-03-22.json")


def test_garmin_gmt_strings_scores_and_empty_days(data, check) -> None:
    res = read_sleep(data / "garmin_2021_sleepData.json")
    check(res, "sleep")
    assert res.format == "garmin"
    first = res.sleep.iloc[0]
    assert first["sleep_start"] == _utc("2021-01-01 23:10")
    assert first["wake_date"] == pd.Timestamp("2021-01-02")
    assert first["asleep_h"] == pytest.approx((4800 + 16200 + 5400) / 3600)
    assert first["awake_h"] == pytest.approx(0.5)
    assert res.sleep["quality_01"].tolist() == [0.82, 0.70]
    assert res.report["kind"].tolist() == ["skipped"]


def test_oura_offsets_scores_and_unworn_days(data, check) -> None:
    res = read_sleep(data / "oura_trends.csv")
    check(res, "sleep")
    assert res.format == "oura"
    night = res.sleep.iloc[0]
    assert night["in_bed_start"] == _utc("2021-03-01 22:00")
    assert night["wake_date"] == pd.Timestamp("2021-03-02")  # not Oura's "date" column
    assert night["asleep_h"] == 7 and night["in_bed_h"] == 8
    assert night["quality_01"] == 0.8 and night["tz"] == "UTC+01:00"
    nap = res.sleep.iloc[2]
    assert nap["is_nap"] and pd.isna(nap["quality_01"])  # score 120 reported, not loaded
    kinds = dict(zip(res.report["row"], res.report["kind"], strict=True))
    assert kinds == {3: "skipped", 5: "partial", 6: "error"}


def test_sleep_as_android_repeated_headers_zones_and_dst(data, check) -> None:
    res = read_sleep(data / "sleep_as_android_dst.csv")
    check(res, "sleep")
    assert res.format == "sleep_as_android"
    spring = res.sleep.iloc[0]
    # 23:00 CET to 07:00 CEST is 7 hours on the night clocks go forward
    assert spring["in_bed_h"] == pytest.approx(7.0)
    assert spring["quality_01"] == pytest.approx(0.9)
    assert spring["wake_date"] == pd.Timestamp("2024-03-31")
    nap = res.sleep.iloc[1]
    assert nap["is_nap"] and pd.isna(nap["quality_01"])  # rating 0 = not rated
    ny = res.sleep.iloc[2]
    assert ny["tz"] == "America/New_York" and ny["in_bed_start"] == _utc("2024-04-03 02:00")
    kinds = dict(zip(res.report["row"], res.report["kind"], strict=True))
    assert kinds == {7: "duplicate", 9: "error"}


def test_sleep_as_android_zip(data, tmp_path, check) -> None:
    archive = tmp_path / "sleep-export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(data / "sleep_as_android_dst.csv", "sleep-export.csv")
        zf.writestr("prefs.xml", "<map/>")
    res = read_sleep(archive)
    check(res, "sleep")
    assert res.format == "sleep_as_android" and len(res.sleep) == 3


def test_plees(data, check) -> None:
    res = read_sleep(data / "plees_small.csv", tz="Europe/Berlin")
    check(res, "sleep")
    assert res.format == "plees"
    assert res.sleep["in_bed_start"].iloc[0] == _utc("2024-03-30 23:00")
    assert res.sleep["quality_01"].iloc[0] == 0.8
    kinds = dict(zip(res.report["row"], res.report["kind"], strict=True))
    assert kinds == {4: "duplicate", 5: "error", 6: "partial"}


def test_plees_needs_tz(data) -> None:
    with pytest.raises(InputError, match="local date"):
        read_sleep(data / "plees_small.csv")


def test_generic_sleep(data, check) -> None:
    res = read_sleep(data / "generic_sleep.csv", tz="Europe/Berlin")
    check(res, "sleep")
    assert res.format == "generic"
    p1 = res.sleep[res.sleep["participant_id"] == "p1"]
    assert p1["asleep_h"].tolist() == [7.0, 0.5]  # DST night: 23:00 -> 07:00 is 7 h
    assert p1["is_nap"].tolist() == [False, True]
    assert p1["quality_01"].iloc[0] == 0.75
    kinds = dict(zip(res.report["row"], res.report["kind"], strict=True))
    assert kinds == {4: "error", 5: "partial", 6: "error"}
    assert "quality_scale=" in res.report["reason"].iloc[1]


def test_generic_sleep_mapping_and_strict(tmp_path, data) -> None:
    path = tmp_path / "diary.csv"
    path.write_text("who,lights_out,got_up,stars\nx,2024-01-01T23:00Z,2024-01-02T07:00Z,10\n")
    res = read_sleep(
        path,
        format="generic",
        start="lights_out",
        end="got_up",
        quality="stars",
        quality_scale=(0, 10),
        participant="who",
    )
    assert res.sleep["quality_01"].tolist() == [1.0]
    assert res.sleep["tz"].tolist() == ["UTC"]
    with pytest.raises(InputError) as err:
        read_sleep(data / "generic_sleep.csv", tz="Europe/Berlin", strict=True)
    assert err.value.row == 4


def test_sleep_as_android_unknown_zone_falls_back_to_tz(tmp_path) -> None:
    path = tmp_path / "sleep-export.csv"
    path.write_text(
        "Id,Tz,From,To,Sched,Hours,Rating,Comment\n"
        '"1","Mars/Base","01. 12. 2020 23:00","02. 12. 2020 7:00","","8.0","2.5",""\n'
    )
    res = read_sleep(path)
    assert res.sleep.empty and "Tz" in res.report["reason"].iloc[0]
    assert res.rows_reported == 1
    res = read_sleep(path, tz="Asia/Tokyo")
    assert res.sleep["tz"].tolist() == ["Asia/Tokyo"]
    assert res.sleep["in_bed_start"].iloc[0] == _utc("2020-12-01 14:00")
    assert res.sleep["quality_01"].iloc[0] == 0.5

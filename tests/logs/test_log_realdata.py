"""The real app exports in ../shared/real-data/logs, read in place."""

from __future__ import annotations

import pandas as pd
import pytest

from runwell import InputError, read_mood, read_sleep

pytestmark = pytest.mark.realdata


def test_daylio_staticf0x_mixed_clocks(real_logs, check) -> None:
    res = read_mood(real_logs / "daylio" / "daylio_test_data_staticf0x.csv", tz="Europe/Prague")
    check(res, "mood")
    assert res.format == "daylio"
    assert (res.rows_read, res.rows_loaded, res.rows_reported) == (32, 32, 0)
    mood = res.mood.set_index("source_row")
    assert mood.loc[32, "time_local"] == pd.Timestamp("2020-05-25 14:58")  # 24-hour row
    assert mood.loc[31, "time_local"] == pd.Timestamp("2020-05-25 16:57")  # "4:57 pm"
    assert mood.loc[5, "time_local"] == pd.Timestamp("2020-05-30 01:23")  # "1:23 am"
    assert res.mood["time_utc"].is_monotonic_increasing
    assert set(mood["value"]) == {1, 2, 3, 4, 5}
    assert mood.loc[2, "tags"] == "friends | gaming | programming | nap"
    assert mood.groupby("date").size().max() == 10  # many entries per day


def test_daylio_currin_custom_labels(real_logs, check) -> None:
    path = real_logs / "daylio" / "daylio_sample_currin.csv"
    with pytest.raises(InputError, match="'sad'.*'average'"):
        read_mood(path, tz="Europe/London")
    res = read_mood(path, tz="Europe/London", moods={"sad": 2, "average": 3})
    check(res, "mood")
    assert res.mood["value"].tolist() == [3, 3, 2]
    assert res.mood["tags"].iloc[-1].startswith("clean | music | movies / tv")
    assert not res.mood["tags"].str.contains("  ").any()


def test_sleep_as_android_csv(real_logs, check) -> None:
    res = read_sleep(real_logs / "sleep_as_android" / "sleep-export_1606907034.csv")
    check(res, "sleep")
    assert res.format == "sleep_as_android"
    assert (res.rows_read, res.rows_loaded, res.rows_reported) == (12, 12, 0)
    sleep = res.sleep
    assert (sleep["tz"] == "Europe/London").all()
    manual = sleep[sleep["in_bed_start"] == pd.Timestamp("2020-12-01 20:00", tz="UTC")].iloc[0]
    assert manual["in_bed_h"] == 11 and manual["asleep_h"] == 11
    assert manual["wake_date"] == pd.Timestamp("2020-12-02") and not manual["is_nap"]
    rated = sleep[sleep["quality_01"].notna()]
    assert rated["quality_01"].tolist() == [0.6, 0.6]  # the two 3-star records
    # several short records on one wake date: exactly one main sleep per date
    assert (sleep[~sleep["is_nap"]].groupby("wake_date").size() == 1).all()


def test_sleep_as_android_backup_zip(real_logs, check) -> None:
    res = read_sleep(real_logs / "sleep_as_android" / "sleep-export.1606738537.zip")
    check(res, "sleep")
    assert res.format == "sleep_as_android"
    assert res.rows_read == len(res.sleep) == 11


def test_plees_tracker(real_logs, check) -> None:
    res = read_sleep(real_logs / "plees_tracker" / "plees-tracker.csv", tz="Europe/London")
    check(res, "sleep")
    assert res.format == "plees" and len(res.sleep) == 3
    assert res.sleep["in_bed_start"].iloc[0] == pd.Timestamp(1608323029380, unit="ms", tz="UTC")
    assert res.sleep["quality_01"].tolist()[1:] == [1.0, 0.6]
    assert pd.isna(res.sleep["quality_01"].iloc[0])  # rating 0 = not rated


def test_apple_health_export_without_sleep_or_mood(real_logs, check) -> None:
    path = real_logs / "apple_health" / "export.xml"
    sleep = read_sleep(path)
    check(sleep, "sleep")
    assert sleep.format == "apple_health" and sleep.sleep.empty
    assert "no SleepAnalysis records" in sleep.report["reason"].iloc[0]
    mood = read_mood(path)
    check(mood, "mood")
    assert mood.mood.empty and "no State of Mind" in mood.report["reason"].iloc[0]


def test_real_logs_are_not_other_kinds(real_logs) -> None:
    from runwell import UnsupportedFormatError

    with pytest.raises(UnsupportedFormatError):
        read_mood(real_logs / "plees_tracker" / "plees-tracker.csv")
    with pytest.raises(UnsupportedFormatError):
        read_sleep(real_logs / "daylio" / "daylio_sample_currin.csv")

"""The canonical mood and sleep tables (runwell.logs.frames)."""

from __future__ import annotations

import pandas as pd

from runwell.logs.frames import assign_naps, mood_frame, sleep_frame
from runwell.tables import conform


def test_assign_naps_longest_is_main_sleep_per_participant_and_day() -> None:
    sleep = conform(
        [
            {"participant_id": "a", "wake_date": "2024-01-02", "asleep_h": 1.0},
            {"participant_id": "a", "wake_date": "2024-01-02", "asleep_h": 7.0},
            {"participant_id": "b", "wake_date": "2024-01-02", "asleep_h": 0.5},
            {"participant_id": "a", "wake_date": "2024-01-03", "in_bed_h": 6.0},
            {"participant_id": "a", "wake_date": None, "asleep_h": 2.0},
        ],
        "sleep",
    )
    assert assign_naps(sleep)["is_nap"].tolist() == [True, False, False, False, False]


def test_mood_frame_derives_local_time_date_and_value_01(schema) -> None:
    rows = [
        {
            "time_utc": pd.Timestamp("2024-01-01 23:30", tz="UTC"),
            "item": "mood",
            "value": 4,
            "scale_min": 1,
            "scale_max": 5,
            "source_row": 3,
        },
        {
            "date": pd.Timestamp("2024-01-01"),
            "item": "mood",
            "value": 1,
            "scale_min": 1,
            "scale_max": 5,
            "source_row": 2,
        },
    ]
    mood = mood_frame(rows, "test", "m.csv", "Europe/Berlin")
    schema(mood, "mood")
    first = mood.iloc[0]
    assert first["time_local"] == pd.Timestamp("2024-01-02 00:30") and first["date"] == pd.Timestamp("2024-01-02")
    assert mood["value_01"].tolist() == [0.75, 0.0]
    assert mood_frame([], "test", "m.csv", None).empty


def test_sleep_frame_derives_durations_and_wake_date(schema) -> None:
    start = pd.Timestamp("2024-01-01 22:00", tz="UTC")
    rows = [
        {
            "in_bed_start": start,
            "in_bed_end": start + pd.Timedelta(hours=8),
            "sleep_start": start + pd.Timedelta(minutes=30),
            "sleep_end": start + pd.Timedelta(hours=7, minutes=30),
            "tz": "Asia/Tokyo",
        }
    ]
    sleep = sleep_frame(rows, "test", "s.csv")
    schema(sleep, "sleep")
    night = sleep.iloc[0]
    assert (night["in_bed_h"], night["asleep_h"], night["efficiency"]) == (8.0, 7.0, 7 / 8)
    assert night["wake_date"] == pd.Timestamp("2024-01-02") and not night["is_nap"]

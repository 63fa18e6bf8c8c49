"""Generic mood tables (CSV or parquet) with a caller's column mapping."""

from __future__ import annotations

import pandas as pd
import pytest

from runwell import InputError, read_mood

WIDE_ITEMS = {"Mood (1-7)": ("mood", 1, 7), "energy": (1, 5), "Stress": (1, 5)}


def test_wide_with_mapping(data, check) -> None:
    res = read_mood(
        data / "generic_wide.csv",
        format="generic",
        tz="Europe/Berlin",
        time="timestamp",
        participant="pid",
        context="phase",
        items=WIDE_ITEMS,
    )
    check(res, "mood")
    mood = res.mood
    assert sorted(mood["item"].unique()) == ["energy", "mood", "stress"]
    assert mood["context"].unique().tolist() == ["pre_run", "post_run"]
    p2 = mood[mood["participant_id"] == "p2"]
    assert p2["item"].tolist() == ["energy"]  # mood 8 is off the 1..7 scale
    # explicit offset honoured; the local time is shown in tz
    assert p2["time_utc"].iloc[0] == pd.Timestamp("2024-10-27 08:00", tz="UTC")
    kinds = dict(zip(res.report["row"], res.report["kind"], strict=True))
    assert kinds == {2: "warning", 4: "partial", 5: "skipped", 6: "error"}  # 2: DST note; 4: one item lost
    assert (res.rows_read, res.rows_loaded, res.rows_reported) == (5, 3, 2)


def test_auto_detects_wide_table_with_known_item_columns(data) -> None:
    res = read_mood(data / "generic_wide.csv", tz="Europe/Berlin", scale=(1, 10), participant="pid")
    assert res.format == "generic"
    # "energy" and "Stress" are known item names; "Mood (1-7)" needs items= to be mapped
    assert sorted(res.mood["item"].unique()) == ["energy", "stress"]


def test_long_layout_semicolons_and_utc(data, check) -> None:
    scales = {"mood": (1, 7), "Sleep quality": (1, 5), "anxiety": (0, 10)}
    res = read_mood(data / "generic_long.csv", scales=scales)
    check(res, "mood")
    assert res.format == "generic"
    assert res.mood["item"].tolist() == ["mood", "sleep_quality"]
    assert (res.mood["participant_id"] == "p1").all()
    assert (res.mood["tz"] == "UTC").all()
    kinds = dict(zip(res.report["row"], res.report["kind"], strict=True))
    assert kinds == {4: "duplicate", 5: "error", 6: "skipped"}


def test_long_layout_missing_scale_is_a_clear_error(data) -> None:
    with pytest.raises(InputError, match=r"no scale for item 'sleep_quality'.*scales="):
        read_mood(data / "generic_long.csv", scales={"mood": (1, 7)})


def test_daily_dates_only(data, check) -> None:
    res = read_mood(data / "generic_daily.csv", scale=(1, 5))
    check(res, "mood")
    assert res.mood["time_utc"].isna().all()
    assert (res.mood["context"] == "daily").all()
    assert res.mood["date"].dt.day.tolist() == [1, 1, 2]
    assert res.report["row"].tolist() == [4]


def test_parquet_with_row_scales(tmp_path, check) -> None:
    path = tmp_path / "ema.parquet"
    pd.DataFrame(
        {
            "subject": ["s1", "s1", "s2"],
            "t": pd.to_datetime(["2024-01-01 08:00", "2024-01-01 20:00", "2024-01-02 08:00"], utc=True),
            "question": ["Mood", "Stress", "Mood"],
            "answer": [3.0, 9.0, 1.0],
            "lo": [1, 0, 1],
            "hi": [5, 10, 5],
        }
    ).to_parquet(path)
    res = read_mood(
        path,
        format="generic",
        time="t",
        participant="subject",
        item="question",
        value="answer",
        scale_min="lo",
        scale_max="hi",
    )
    check(res, "mood")
    assert res.mood["value_01"].tolist() == [0.5, 0.9, 0.0]
    assert res.mood["source_row"].tolist() == [1, 2, 3]


def test_naive_times_without_tz_raise(data) -> None:
    with pytest.raises(InputError, match="tz="):
        read_mood(data / "generic_wide.csv", format="generic", items=WIDE_ITEMS)


def test_bad_mapping_names_the_columns(data) -> None:
    with pytest.raises(InputError, match="columns present: pid, timestamp"):
        read_mood(data / "generic_wide.csv", format="generic", tz="UTC", time="when", items=WIDE_ITEMS)


def test_unknown_option_is_named(data) -> None:
    with pytest.raises(TypeError, match="colour"):
        read_mood(data / "generic_wide.csv", format="generic", tz="UTC", colour="blue")

"""Daylio CSV exports."""

from __future__ import annotations

import pandas as pd
import pytest

from runwell import InputError, read_mood
from runwell.logs.daylio import parse_clock


def test_bom_mixed_clock_newest_first(data, check) -> None:
    res = read_mood(data / "daylio_bom_mixed_clock.csv", tz="Europe/Berlin", participant_id="p1")
    check(res, "mood")
    assert res.format == "daylio"
    mood = res.mood
    assert (mood["participant_id"] == "p1").all()
    assert mood["time_utc"].is_monotonic_increasing  # sorted, though the file is newest first
    assert mood["item"].unique().tolist() == ["mood"]
    assert mood["value"].tolist() == [1, 2, 4, 3, 5]  # awful, bad, good, meh, rad (stripped)
    assert mood["value_01"].tolist() == [0.0, 0.25, 0.75, 0.5, 1.0]
    assert (mood["scale_min"] == 1).all() and (mood["scale_max"] == 5).all()
    # 12-hour and 24-hour clocks in one file; local time kept beside UTC
    assert mood["time_local"].dt.strftime("%d %H:%M").tolist() == [
        "27 23:59",
        "28 03:30",
        "28 12:10",
        "29 07:30",
        "29 18:05",
    ]
    assert mood["time_utc"].iloc[0] == pd.Timestamp("2021-03-27 22:59", tz="UTC")
    assert mood["tags"].tolist()[-1] == "running | friends"
    assert mood["date"].dt.day.tolist() == [27, 28, 28, 29, 29]


def test_dst_gap_entry_is_loaded_and_noted(data) -> None:
    res = read_mood(data / "daylio_bom_mixed_clock.csv", tz="Europe/Berlin")
    gap = res.mood[res.mood["source_row"] == 4].iloc[0]
    assert gap["time_utc"] == pd.Timestamp("2021-03-28 01:30", tz="UTC")
    assert gap["time_local"] == pd.Timestamp("2021-03-28 03:30")
    note = res.report.iloc[0]
    assert (note["row"], note["kind"]) == (4, "warning")  # loaded whole: a note, not data lost
    assert "DST gap" in note["reason"]


def test_old_seven_column_layout(data, check) -> None:
    res = read_mood(data / "daylio_old_7col.csv", tz="Europe/Berlin")
    check(res, "mood")
    assert res.format == "daylio"
    assert res.mood["value"].tolist() == [3, 2]


def test_layout_with_scales_column_and_ambiguous_hour(data, check) -> None:
    res = read_mood(data / "daylio_with_scales.csv", tz="Europe/Berlin")
    check(res, "mood")
    first = res.mood[res.mood["source_row"] == 2].iloc[0]
    assert first["time_utc"] == pd.Timestamp("2023-10-29 00:30", tz="UTC")  # earlier 02:30
    assert "occurs twice" in res.report["reason"].iloc[0]


def test_unknown_labels_fail_listing_every_one(data) -> None:
    with pytest.raises(InputError) as err:
        read_mood(data / "daylio_custom_labels.csv", tz="UTC")
    msg = str(err.value)
    for label in ("sad", "average", "super happy", "grumpy"):
        assert repr(label) in msg
    assert "moods=" in msg and "daylio_custom_labels.csv" in msg


def test_custom_labels_with_mapping(data, check) -> None:
    moods = {"sad": 2, "average": 3, "Super Happy": 5, "grumpy": 1}
    res = read_mood(data / "daylio_custom_labels.csv", tz="UTC", moods=moods)
    check(res, "mood")
    assert res.mood["value"].tolist() == [1, 5, 3, 2]


def test_custom_mapping_outside_scale_is_rejected(data) -> None:
    with pytest.raises(ValueError, match="mood_scale"):
        read_mood(data / "daylio_custom_labels.csv", tz="UTC", moods={"sad": 7})


def test_bad_rows_are_reported_and_counts_reconcile(data, check) -> None:
    res = read_mood(data / "daylio_bad_rows.csv", tz="Europe/Berlin")
    check(res, "mood")
    assert (res.rows_read, res.rows_loaded, res.rows_reported) == (5, 1, 4)
    report = res.report.set_index("row")
    assert report.loc[3, "kind"] == "duplicate"
    assert report.loc[4, "kind"] == "error" and "2021-13-40" in report.loc[4, "reason"]
    assert "25:61" in report.loc[5, "reason"]
    assert "no mood" in report.loc[6, "reason"]
    assert (res.report["path"] == str(data / "daylio_bad_rows.csv")).all()


def test_strict_raises_on_first_bad_row_not_on_duplicates(data) -> None:
    # row 3 duplicates row 2: kept once, nothing lost, so strict carries on to row 4
    with pytest.raises(InputError) as err:
        read_mood(data / "daylio_bad_rows.csv", tz="Europe/Berlin", strict=True)
    assert err.value.row == 4
    assert "2021-13-40" in str(err.value)


def test_strict_does_not_raise_on_dst_warnings(data) -> None:
    res = read_mood(data / "daylio_bom_mixed_clock.csv", tz="Europe/Berlin", strict=True)
    assert res.report["kind"].tolist() == ["warning"]


def test_naive_times_need_tz(data) -> None:
    with pytest.raises(InputError, match="tz=") as err:
        read_mood(data / "daylio_old_7col.csv")
    assert err.value.field == "tz"


@pytest.mark.parametrize(
    ("text", "clock"),
    [
        ("12:19 am", (0, 19)),
        ("12:05 PM", (12, 5)),
        ("6:50 pm", (18, 50)),
        ("14:58", (14, 58)),
        ("7:09", (7, 9)),
        ("25:00", None),
        ("13:00 pm", None),
        ("noon", None),
    ],
)
def test_parse_clock(text: str, clock: tuple[int, int] | None) -> None:
    assert parse_clock(text) == clock

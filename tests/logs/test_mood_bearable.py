"""Bearable CSV exports."""

from __future__ import annotations

import pandas as pd
import pytest

from runwell import InputError, read_mood
from runwell.logs.bearable import parse_bearable_date


def test_items_buckets_and_times(data, check) -> None:
    res = read_mood(data / "bearable.csv", tz="Europe/London")
    check(res, "mood")
    assert res.format == "bearable"
    mood = res.mood.sort_values("source_row").reset_index(drop=True)
    assert mood["item"].tolist() == ["mood", "mood", "energy", "sleep_quality", "sleep_h", "mood"]
    assert mood["context"].tolist()[:2] == ["morning", "evening"]
    energy = mood.iloc[2]
    assert energy["time_local"] == pd.Timestamp("2020-09-22 09:15")
    assert energy["time_utc"] == pd.Timestamp("2020-09-22 08:15", tz="UTC")  # BST
    assert mood["time_utc"].isna().sum() == 5  # buckets keep only their date
    assert mood.loc[4, "value"] == 7.5 and mood.loc[4, "scale_max"] == 24
    assert mood["date"].dt.strftime("%Y-%m-%d").tolist() == ["2020-09-22"] * 5 + ["2020-09-23"]


def test_rows_not_loaded_are_reported(data) -> None:
    res = read_mood(data / "bearable.csv", tz="Europe/London")
    kinds = dict(zip(res.report["row"], res.report["kind"], strict=True))
    assert kinds == {7: "skipped", 8: "error", 10: "duplicate", 11: "error", 12: "error"}
    reasons = dict(zip(res.report["row"], res.report["reason"], strict=True))
    assert "Symptoms" in reasons[7]
    assert "'9'" in reasons[8] and "1..5" in reasons[8] and "scales=" in reasons[8]
    assert "31st Sept 2020" in reasons[11]
    assert "teatime" in reasons[12]


def test_scale_override(data) -> None:
    res = read_mood(data / "bearable.csv", tz="Europe/London", scales={"Mood": (1, 10)})
    mood = res.mood[res.mood["item"] == "mood"]
    assert (mood["scale_max"] == 10).all()
    assert 9 in mood["value"].tolist()


def test_strict(data) -> None:
    with pytest.raises(InputError) as err:
        read_mood(data / "bearable.csv", tz="Europe/London", strict=True)
    assert err.value.row == 8 and err.value.value == "9"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("22nd Sep 2020", "2020-09-22"),
        ("1st Oct 2021", "2021-10-01"),
        ("3rd May 2022", "2022-05-03"),
        ("11th Jan 2023", "2023-01-11"),
        ("2020-09-22", "2020-09-22"),
    ],
)
def test_dates(text: str, iso: str) -> None:
    assert parse_bearable_date(text).strftime("%Y-%m-%d") == iso

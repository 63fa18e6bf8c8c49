"""m-Path EMA basic.csv exports."""

from __future__ import annotations

import pandas as pd

from runwell import read_mood


def test_sliders_offsets_and_participants(data, check) -> None:
    res = read_mood(data / "mpath_basic.csv")
    check(res, "mood")
    assert res.format == "mpath"
    mood = res.mood
    assert mood["participant_id"].tolist() == ["p01", "p01", "p01"]
    assert mood["item"].tolist() == ["happy", "stress", "stress"]
    assert mood["value_01"].tolist() == [0.7, 0.2, 0.3]
    assert (mood["scale_max"] == 100).all() and (mood["context"] == "ema").all()
    first = mood.iloc[0]
    assert first["time_utc"] == pd.Timestamp("2024-06-01 10:00", tz="UTC")
    assert first["time_local"] == pd.Timestamp("2024-06-01 12:00")
    assert first["tz"] == "UTC+02:00"
    assert "tired" not in mood["item"].tolist()  # likert without a declared scale
    assert "note" not in mood["item"].tolist()  # open text is not a rating


def test_unanswered_prompts_count_toward_compliance(data) -> None:
    res = read_mood(data / "mpath_basic.csv")
    comp = res.compliance.set_index("participant_id")
    assert comp.loc["p01", "prompts"] == 3 and comp.loc["p01", "answered"] == 2
    assert comp.loc["p02", "prompts"] == 2 and comp.loc["p02", "answered"] == 1
    skipped = res.report[res.report["kind"] == "skipped"]
    assert skipped["row"].tolist() == [3, 5, 6]
    partial = res.report[res.report["kind"] == "partial"]
    assert partial["row"].tolist() == [4] and "'150'" in partial["reason"].iloc[0]
    assert (res.rows_read, res.rows_loaded, res.rows_reported) == (5, 2, 3)


def test_declared_scale_adds_items_and_tz_overrides_offset(data) -> None:
    res = read_mood(data / "mpath_basic.csv", tz="Europe/Brussels", scales={"tired": (1, 7)})
    tired = res.mood[res.mood["item"] == "fatigue"]  # "tired" normalises to fatigue
    assert tired["value"].tolist() == [5.0]
    assert (res.mood["tz"] == "Europe/Brussels").all()

"""Apple Health State of Mind records."""

from __future__ import annotations

import zipfile

import pandas as pd

from runwell import read_mood


def test_state_of_mind(data, check) -> None:
    res = read_mood(data / "apple_state_of_mind.xml", participant_id="alice")
    check(res, "mood")
    assert res.format == "apple_health"
    mood = res.mood
    assert mood["value"].tolist() == [0.5, -0.25]
    assert mood["value_01"].tolist() == [0.75, 0.375]
    assert (mood["scale_min"] == -1).all() and (mood["scale_max"] == 1).all()
    assert mood["context"].tolist() == ["daily", "momentary"]
    assert mood["time_utc"].iloc[0] == pd.Timestamp("2024-06-01 19:00", tz="UTC")
    assert mood["time_local"].iloc[0] == pd.Timestamp("2024-06-01 21:00")
    assert res.report["row"].tolist() == [3] and "-1..1" in res.report["reason"].iloc[0]


def test_state_of_mind_in_zip(data, tmp_path, check) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(data / "apple_state_of_mind.xml", "apple_health_export/export.xml")
    res = read_mood(archive, tz="Europe/Paris")
    check(res, "mood")
    assert len(res.mood) == 2 and (res.mood["tz"] == "Europe/Paris").all()


def test_export_without_state_of_mind(data, check) -> None:
    res = read_mood(data / "apple_sleep.xml")
    check(res, "mood")
    assert res.mood.empty and res.rows_read == 0
    assert "no State of Mind" in res.report["reason"].iloc[0]

"""Shared scale, time and bookkeeping rules of runwell.logs.common."""

from __future__ import annotations

import pandas as pd
import pytest

from runwell.errors import InputError
from runwell.logs.common import (
    RowLog,
    assign_naps,
    localize,
    normalise_item,
    offset_name,
    rescale,
    resolve_tz,
    to_local,
)
from runwell.logs.daylio import parse_clock
from runwell.tables import conform


@pytest.mark.parametrize(
    ("raw", "item"),
    [
        ("Mood", "mood"),
        (" Sleep quality ", "sleep_quality"),
        ("sleep-quality", "sleep_quality"),
        ("SleepQuality", "sleep_quality"),
        ("Stressed", "stress"),
        ("anxious", "anxiety"),
        ("Energy level", "energy"),
        ("Focus", "focus"),
    ],
)
def test_normalise_item(raw: str, item: str) -> None:
    assert normalise_item(raw) == item


def test_rescale() -> None:
    assert rescale(1, 1, 5) == 0.0
    assert rescale(5, 1, 5) == 1.0
    assert rescale(0, -1, 1) == 0.5


@pytest.mark.parametrize(
    ("text", "clock"),
    [("12:19 am", (0, 19)), ("12:05 PM", (12, 5)), ("6:50 pm", (18, 50)), ("14:58", (14, 58)),
     ("7:09", (7, 9)), ("25:00", None), ("13:00 pm", None), ("noon", None)],
)
def test_parse_clock(text: str, clock: tuple[int, int] | None) -> None:
    assert parse_clock(text) == clock


def test_localize_dst_gap_moves_forward_and_is_noted() -> None:
    log = RowLog("x.csv")
    local = pd.Series(pd.to_datetime(["2024-03-31 02:30", "2024-03-31 01:30"]))
    utc = localize(local, "Europe/Berlin", log, [7, 8])
    assert utc.tolist() == [pd.Timestamp("2024-03-31 01:30", tz="UTC"),  # 03:30 CEST
                            pd.Timestamp("2024-03-31 00:30", tz="UTC")]
    report = log.frame()
    assert report["row"].tolist() == [7]
    assert report["kind"].tolist() == ["partial"]
    assert "does not exist" in report["reason"].iloc[0]


def test_localize_ambiguous_takes_earlier_instant() -> None:
    log = RowLog("x.csv")
    utc = localize(pd.Series(pd.to_datetime(["2024-10-27 02:30"])), "Europe/Berlin", log, [3])
    assert utc.iloc[0] == pd.Timestamp("2024-10-27 00:30", tz="UTC")  # CEST, the first 02:30
    assert "occurs twice" in log.frame()["reason"].iloc[0]


def test_localize_southern_hemisphere_and_fixed_offset() -> None:
    # Sydney falls back on 2024-04-07 03:00 -> 02:00: the first 02:30 is AEDT (+11).
    utc = localize(pd.Series(pd.to_datetime(["2024-04-07 02:30"])), "Australia/Sydney")
    assert utc.iloc[0] == pd.Timestamp("2024-04-06 15:30", tz="UTC")
    utc = localize(pd.Series(pd.to_datetime(["2024-01-01 12:00"])), "UTC-04:30")
    assert utc.iloc[0] == pd.Timestamp("2024-01-01 16:30", tz="UTC")


def test_to_local_per_row_zones() -> None:
    utc = pd.Series(pd.to_datetime(["2024-01-01 12:00", "2024-01-01 12:00"], utc=True))
    local = to_local(utc, pd.Series(["Europe/Berlin", "UTC+05:30"]))
    assert local.tolist() == [pd.Timestamp("2024-01-01 13:00"), pd.Timestamp("2024-01-01 17:30")]


def test_offset_name() -> None:
    assert offset_name(7200) == "UTC+02:00"
    assert offset_name(-18000) == "UTC-05:00"
    assert offset_name(0) == "UTC"


def test_resolve_tz_rejects_unknown_zone() -> None:
    assert resolve_tz("Europe/London") == "Europe/London"
    assert resolve_tz(None) is None
    with pytest.raises(InputError, match="IANA"):
        resolve_tz("Mars/Olympus")


def test_rowlog_strict_raises_for_errors_not_skips() -> None:
    log = RowLog("f.csv", strict=True)
    log.reject(3, "not a rating", kind="skipped")
    with pytest.raises(InputError, match=r"f.csv, row 4, field 'mood': bad \(value 'x'\)"):
        log.reject(4, "bad", field="mood", value="x")


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

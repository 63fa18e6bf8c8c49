"""Shared scale, time and bookkeeping rules of runwell.logs.common."""

from __future__ import annotations

import pandas as pd
import pytest

from runwell.errors import InputError
from runwell.logs.common import (
    RowLog,
    assign_naps,
    finish_sleep,
    localize,
    normalise_item,
    offset_name,
    optional_float,
    read_csv_log,
    rescale,
    resolve_tz,
    to_hours,
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


def test_rowlog_read_notes_an_empty_file_only_when_nothing_was_read() -> None:
    log = RowLog("f.csv")
    log.read(2, empty="empty f: no rows")
    assert log.rows_read == 2 and log.frame().empty
    log = RowLog("f.csv")
    log.read(0, empty="empty f: no rows")
    report = log.frame()
    assert log.rows_read == 0
    assert report["kind"].tolist() == ["skipped"]
    assert report["reason"].tolist() == ["empty f: no rows"]
    assert report["row"].isna().all()


def test_read_csv_log_keys_counts_and_notes_empty(tmp_path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("Sid;Start\n1;10\n\n2;20\n", encoding="utf-8")
    log = RowLog(path)
    header, records = read_csv_log(path, log, key=str.lower, delimiter=";", empty="none")
    assert header == ["Sid", "Start"]
    assert records == [(2, {"sid": "1", "start": "10"}), (4, {"sid": "2", "start": "20"})]
    assert log.rows_read == 2 and log.frame().empty
    path.write_text("Sid;Start\n", encoding="utf-8")
    log = RowLog(path)
    assert read_csv_log(path, log, empty="no rows") == (["Sid;Start"], [])
    assert log.frame()["reason"].tolist() == ["no rows"]


@pytest.mark.parametrize(
    ("value", "number"),
    [("7.5", 7.5), (" 8 ", 8.0), (480, 480.0), ("", None), ("n/a", None), (None, None),
     ({"value": 3}, None)],
)
def test_optional_float(value: object, number: float | None) -> None:
    assert optional_float(value) == number


def test_to_hours_from_seconds_and_minutes() -> None:
    assert to_hours(27000, "s") == 7.5
    assert to_hours(450, "min") == 7.5
    assert to_hours(None, "min") is None


def test_finish_sleep_counts_rows_of_periods_by_default() -> None:
    log = RowLog("s.csv", participant_id="p1")
    log.read(3)
    log.reject(3, "bad")
    start = pd.Timestamp("2024-01-01 23:00", tz="UTC")
    rows = [{"_row": r, "sleep_start": start + pd.Timedelta(days=i),
             "sleep_end": start + pd.Timedelta(days=i, hours=7), "tz": "UTC"}
            for i, r in enumerate((1, 2))]
    result = finish_sleep(log, rows, "test")
    assert (result.rows_read, result.rows_loaded, result.rows_reported) == (3, 2, 1)
    assert result.reconciles
    assert result.sleep["source"].tolist() == ["test", "test"]
    assert result.sleep["source_file"].tolist() == ["s.csv", "s.csv"]
    assert result.sleep["participant_id"].tolist() == ["p1", "p1"]
    assert result.sleep["asleep_h"].tolist() == [7.0, 7.0]


def test_finish_sleep_takes_explicit_loaded_rows() -> None:
    log = RowLog("s.xml")
    log.read(3)
    rows = [{"in_bed_start": pd.Timestamp("2024-01-01 23:00", tz="UTC"),
             "in_bed_end": pd.Timestamp("2024-01-02 07:00", tz="UTC"), "tz": "UTC"}]
    result = finish_sleep(log, rows, "test", loaded={1, 2, 3})
    assert (result.rows_loaded, result.rows_reported, len(result.sleep)) == (3, 0, 1)
    empty = finish_sleep(RowLog("e.csv"), [], "empty")
    assert empty.sleep.empty and empty.rows_loaded == 0

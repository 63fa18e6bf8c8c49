"""The time policy of the log readers (runwell.logs.instants)."""

from __future__ import annotations

import pandas as pd
import pytest

from runwell.errors import InputError
from runwell.logs.instants import given_tz, localize_noted, localize_rows, parse_instants, require_tz, stamp_zone
from runwell.logs.rows import RowLog


def test_localize_dst_gap_moves_forward_and_warns() -> None:
    log = RowLog("x.csv")
    local = pd.Series(pd.to_datetime(["2024-03-31 02:30", "2024-03-31 01:30"]))
    utc = localize_noted(local, "Europe/Berlin", log, [7, 8])
    assert utc.tolist() == [
        pd.Timestamp("2024-03-31 01:30", tz="UTC"),  # 03:30 CEST
        pd.Timestamp("2024-03-31 00:30", tz="UTC"),
    ]
    report = log.frame()
    assert report["row"].tolist() == [7]
    assert report["kind"].tolist() == ["warning"]  # loaded whole: a note, not data lost
    assert "does not exist" in report["reason"].iloc[0]
    assert log.rows_reported == 0


def test_dst_notes_never_raise_under_strict() -> None:
    log = RowLog("x.csv", strict=True)
    localize_noted(pd.Series(pd.to_datetime(["2024-03-31 02:30"])), "Europe/Berlin", log, [2])
    assert log.frame()["kind"].tolist() == ["warning"]


def test_localize_ambiguous_takes_earlier_instant() -> None:
    log = RowLog("x.csv")
    utc = localize_noted(pd.Series(pd.to_datetime(["2024-10-27 02:30"])), "Europe/Berlin", log, [3])
    assert utc.iloc[0] == pd.Timestamp("2024-10-27 00:30", tz="UTC")  # CEST, the first 02:30
    assert "occurs twice" in log.frame()["reason"].iloc[0]


def test_localize_southern_hemisphere_and_fixed_offset() -> None:
    # Sydney falls back on 2024-04-07 03:00 -> 02:00: the first 02:30 is AEDT (+11).
    utc = localize_noted(pd.Series(pd.to_datetime(["2024-04-07 02:30"])), "Australia/Sydney")
    assert utc.iloc[0] == pd.Timestamp("2024-04-06 15:30", tz="UTC")
    utc = localize_noted(pd.Series(pd.to_datetime(["2024-01-01 12:00"])), "UTC-04:30")
    assert utc.iloc[0] == pd.Timestamp("2024-01-01 16:30", tz="UTC")


def test_localize_rows_fills_instants_and_zone() -> None:
    rows = [{"time_local": pd.Timestamp("2024-01-01 08:00"), "source_row": 2}, {"source_row": 3}]
    localize_rows(rows, "Europe/Berlin", RowLog("x.csv"))
    assert rows[0]["time_utc"] == pd.Timestamp("2024-01-01 07:00", tz="UTC")
    assert pd.isna(rows[1]["time_utc"]) and {r["tz"] for r in rows} == {"Europe/Berlin"}


def test_given_tz_uses_the_one_zone_validator() -> None:
    assert given_tz("Europe/London") == "Europe/London"
    assert given_tz("UTC+02:00") == "UTC+02:00"
    assert given_tz(None) is None
    with pytest.raises(InputError, match="unknown time zone.*IANA") as err:
        given_tz("Mars/Olympus")
    assert err.value.field == "tz"


def test_require_tz() -> None:
    assert require_tz("Asia/Tokyo", "a.csv", "Daylio") == "Asia/Tokyo"
    with pytest.raises(InputError, match="Daylio files hold local times.*tz=") as err:
        require_tz(None, "a.csv", "Daylio")
    assert err.value.field == "tz"
    with pytest.raises(InputError, match="unknown time zone"):
        require_tz("Europe/Atlantis", "a.csv", "Daylio")


def test_stamp_zone() -> None:
    assert stamp_zone(pd.Timestamp("2024-01-01 08:00-0430"), None) == "UTC-04:30"
    assert stamp_zone(pd.Timestamp("2024-01-01 08:00Z"), None) == "UTC"
    assert stamp_zone(pd.Timestamp("2024-01-01 08:00Z"), "Europe/Oslo") == "Europe/Oslo"


def test_parse_instants_common_offset_fast_path() -> None:
    log = RowLog("x.csv")
    values = pd.Series(["2024-01-01T08:00+01:00", "", "2024-01-02T08:00+01:00"])
    utc, zone = parse_instants(values, None, log, [2, 3, 4], "t", fmt="this table")
    assert utc.iloc[0] == pd.Timestamp("2024-01-01 07:00", tz="UTC") and pd.isna(utc.iloc[1])
    assert zone.tolist() == ["UTC+01:00"] * 3
    assert log.frame().empty


def test_parse_instants_mixed_offsets_epochs_and_bad_values() -> None:
    log = RowLog("x.csv")
    values = pd.Series(["2024-01-01T08:00+01:00", "1704096000", "1704096000000", "someday", "2024-01-01 08:00"])
    utc, zone = parse_instants(values, "Europe/Berlin", log, [2, 3, 4, 5, 6], "t", fmt="this table")
    assert utc.iloc[1] == utc.iloc[2] == pd.Timestamp("2024-01-01 08:00", tz="UTC")
    assert utc.iloc[4] == pd.Timestamp("2024-01-01 07:00", tz="UTC")  # naive: local in tz
    assert pd.isna(utc.iloc[3]) and log.is_rejected(5)
    assert (zone == "Europe/Berlin").all()
    utc, zone = parse_instants(values[:3], None, RowLog("x.csv"), [2, 3, 4], "t", fmt="this table")
    assert zone.tolist() == ["UTC+01:00", "UTC", "UTC"]


def test_parse_instants_naive_without_tz_asks_for_it() -> None:
    with pytest.raises(InputError, match="this table files hold local times"):
        parse_instants(pd.Series(["2024-01-01 08:00"]), None, RowLog("x.csv"), [2], "t", fmt="this table")

"""The daily panel and the run panel, on hand-made canonical tables.

Every expected value below is computed by hand in the comment beside it.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from typing import Any

import numpy as np
import pandas as pd
import pytest

import runwell
import runwell.panel
from runwell import InputError, build_daily_panel, build_run_panel, compliance, conform
from runwell.tables import DAILY_PANEL, RUN_PANEL

BERLIN = "Europe/Berlin"


# --------------------------------------------------------------------------- builders
def run(
    pid: str,
    local: str,
    minutes: float = 30.0,
    km: float | None = 5.0,
    *,
    tz: str = BERLIN,
    sport: str = "running",
    **extra: Any,
) -> dict[str, Any]:
    """One activity starting at local wall time ``local`` in ``tz``."""
    start_local = pd.Timestamp(local)
    start_utc = start_local.tz_localize(tz).tz_convert("UTC")
    return {
        "participant_id": pid,
        "activity_id": f"{pid}@{local}",
        "sport": sport,
        "start_utc": start_utc,
        "start_local": start_local,
        "tz": tz,
        "moving_s": minutes * 60.0,
        "elapsed_s": minutes * 60.0,
        "distance_m": None if km is None else km * 1000.0,
        **extra,
    }


def rating(pid: str, local: str, value: float, item: str = "mood", tz: str = BERLIN) -> dict[str, Any]:
    """One rating made at local wall time ``local`` in ``tz``."""
    time_local = pd.Timestamp(local)
    return {
        "participant_id": pid,
        "time_utc": time_local.tz_localize(tz).tz_convert("UTC"),
        "time_local": time_local,
        "tz": tz,
        "date": time_local.normalize(),
        "item": item,
        "value_01": value,
    }


def acts(*rows: dict[str, Any]) -> pd.DataFrame:
    return conform(list(rows), "activities")


def moods(*rows: dict[str, Any]) -> pd.DataFrame:
    return conform(list(rows), "mood")


def sleeps(*rows: dict[str, Any]) -> pd.DataFrame:
    return conform(list(rows), "sleep")


def day(panel: pd.DataFrame, date: str, pid: str | None = None) -> pd.Series:
    """The one panel row of ``date`` (and ``pid``)."""
    mask = panel["date"] == pd.Timestamp(date)
    if pid is not None:
        mask &= panel["participant_id"] == pid
    rows = panel[mask]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def daily_mood(pid: str, first: str, last: str, value: float = 0.5) -> list[dict[str, Any]]:
    """A 20:00 mood rating on every day from ``first`` to ``last``."""
    return [rating(pid, f"{d:%Y-%m-%d} 20:00", value) for d in pd.date_range(first, last)]


# --------------------------------------------------------------------------- schema
def test_public_names_exported() -> None:
    for name in ("build_daily_panel", "build_run_panel", "compliance"):
        assert name in runwell.__all__
        assert getattr(runwell, name) is getattr(runwell.panel, name)


def test_panel_schemas_are_registered() -> None:
    assert runwell.SCHEMAS["daily_panel"] is DAILY_PANEL
    assert runwell.SCHEMAS["run_panel"] is RUN_PANEL


def test_docstring_examples_run() -> None:
    attempted = 0
    for info in pkgutil.iter_modules(runwell.panel.__path__, "runwell.panel."):
        module = importlib.import_module(info.name)
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0, info.name
        attempted += result.attempted
    assert attempted > 0


def test_daily_columns_and_dtypes() -> None:
    panel = build_daily_panel(
        acts(run("p1", "2024-05-06 07:00")),
        moods(rating("p1", "2024-05-06 20:00", 0.5), rating("p1", "2024-05-07 20:00", 0.4, "stress")),
    )
    expected = list(DAILY_PANEL)
    expected.insert(expected.index("mood") + 1, "stress")
    expected.insert(expected.index("mood_lag1") + 1, "stress_lag1")
    assert list(panel.columns) == expected
    for col, dtype in DAILY_PANEL.items():
        assert str(panel[col].dtype) == dtype, col
    assert panel["stress"].dtype == "float64"
    assert panel.attrs["items"] == ["mood", "stress"]


def test_run_columns_and_dtypes() -> None:
    runs = build_run_panel(
        acts(run("p1", "2024-05-06 07:00")),
        moods(rating("p1", "2024-05-06 06:50", 0.5), rating("p1", "2024-05-06 06:50", 0.2, "energy")),
    )
    energy = [f"energy_{s}" for s in ("pre", "post", "change", "minutes_pre", "minutes_post")]
    assert list(runs.columns) == [*RUN_PANEL, *energy]
    for col, dtype in RUN_PANEL.items():
        assert str(runs[col].dtype) == dtype, col


def test_panels_conform_to_their_schemas() -> None:
    activities = acts(run("p1", "2024-05-06 07:00"))
    mood = moods(rating("p1", "2024-05-06 06:00", 0.5), rating("p1", "2024-05-07 20:00", 0.4, "stress"))
    panel = build_daily_panel(activities, mood)
    again = conform(panel, "daily_panel", extra=True)
    pd.testing.assert_frame_equal(again, panel, check_like=True)
    runs = build_run_panel(activities, mood)
    pd.testing.assert_frame_equal(conform(runs, "run_panel", extra=True), runs)


def test_empty_inputs_give_empty_panels() -> None:
    panel = build_daily_panel(conform([], "activities"))
    assert panel.empty
    assert list(panel.columns) == list(DAILY_PANEL)
    assert panel.attrs["compliance"].empty
    runs = build_run_panel(conform([], "activities"), None)
    assert runs.empty
    assert list(runs.columns) == list(RUN_PANEL)
    assert runs.attrs["n_runs"] == 0


# --------------------------------------------------------------------------- the cases
def test_two_runs_in_a_day() -> None:
    panel = build_daily_panel(
        acts(
            run("p1", "2024-05-06 07:00", 30, 5.0),
            run("p1", "2024-05-06 18:00", 45, 8.0, sport="treadmill_running"),
            run("p1", "2024-05-06 12:00", 60, 20.0, sport="cycling"),  # data, not a run
        ),
        moods(
            rating("p1", "2024-05-06 08:00", 0.5),
            rating("p1", "2024-05-06 21:00", 0.7),
            rating("p1", "2024-05-06 21:00", 0.4, "energy"),
        ),
    )
    assert len(panel) == 1
    row = panel.iloc[0]
    assert row["participant_id"] == "p1"
    assert row["date"] == pd.Timestamp("2024-05-06")
    assert bool(row["ran"])
    assert row["run_count"] == 2
    assert row["run_min"] == 75.0  # 30 + 45, the ride is not a run
    assert row["run_km"] == 13.0  # 5 + 8
    assert row["run_min_outdoor"] == 30.0
    assert row["run_min_indoor"] == 45.0  # treadmill_running is indoor
    assert row["mood"] == pytest.approx(0.6)  # (0.5 + 0.7) / 2
    assert row["energy"] == pytest.approx(0.4)
    assert row["weekday"] == 0 and not row["weekend"]  # 2024-05-06 is a Monday
    assert row["study_day"] == 0
    assert row["days_since_run"] == 0
    assert row["has_data"] and row["has_activity"] and row["has_mood"] and not row["has_sleep"]


def test_run_across_midnight_belongs_to_its_start_day() -> None:
    panel = build_daily_panel(
        acts(run("p1", "2024-05-10 23:30", 60, 10.0)),  # ends 00:30 on the 11th
        moods(rating("p1", "2024-05-11 09:00", 0.8)),
    )
    first, second = day(panel, "2024-05-10"), day(panel, "2024-05-11")
    assert (first["run_count"], first["run_min"], first["run_km"]) == (1, 60.0, 10.0)
    assert bool(second["ran"]) is False
    assert (second["run_count"], second["run_min"]) == (0, 0.0)
    assert second["run_min_lag1"] == 60.0
    assert second["days_since_run"] == 1
    assert panel["run_min"].sum() == 60.0


def test_dst_spring_forward_day_in_berlin() -> None:
    # 2024-03-31: clocks jump 02:00 CET -> 03:00 CEST, the day has 23 hours.
    # Times are given in UTC only; days must be cut in Europe/Berlin.
    rows = [
        # 2024-03-30 22:45 UTC = 23:45 CET on the 30th
        {"start_utc": "2024-03-30 22:45Z", "moving_s": 600},
        # 2024-03-30 23:30 UTC = 00:30 CET on the 31st (a UTC cut would say the 30th)
        {"start_utc": "2024-03-30 23:30Z", "moving_s": 1200},
        # 2024-03-31 21:30 UTC = 23:30 CEST on the 31st (a fixed +01:00 offset would say 22:30)
        {"start_utc": "2024-03-31 21:30Z", "moving_s": 1800},
        # 2024-03-31 22:30 UTC = 00:30 CEST on 1 April (a fixed +01:00 offset would say the 31st)
        {"start_utc": "2024-03-31 22:30Z", "moving_s": 2400},
    ]
    activities = acts(
        *(
            {"participant_id": "p1", "activity_id": str(i), "sport": "running", "tz": BERLIN, **r}
            for i, r in enumerate(rows)
        )
    )
    assert activities["start_local"].isna().all()
    # a rating known only by its instant: 2024-03-31 22:10 UTC = 00:10 CEST on 1 April
    mood = moods(
        {
            "participant_id": "p1",
            "time_utc": "2024-03-31 22:10Z",
            "tz": BERLIN,
            "item": "mood",
            "value_01": 0.9,
        }
    )
    panel = build_daily_panel(activities, mood)
    assert list(panel["date"].dt.strftime("%m-%d")) == ["03-30", "03-31", "04-01"]
    assert list(panel["run_count"]) == [1, 2, 1]
    assert list(panel["run_min"]) == [10.0, 50.0, 40.0]  # 20 + 30 on the DST day
    assert list(panel["mood"].isna()) == [True, True, False]


def test_dst_day_has_23_hours_of_instants() -> None:
    # Berlin's 2024-03-31 runs from 2024-03-30 23:00Z (00:00 CET) to 2024-03-31 22:00Z
    # (24:00 CEST): 23 hours. The instants just inside and outside its edges:
    edges = {
        "2024-03-30 22:59:59Z": "2024-03-30",
        "2024-03-30 23:00:00Z": "2024-03-31",
        "2024-03-31 21:59:59Z": "2024-03-31",
        "2024-03-31 22:00:00Z": "2024-04-01",
    }
    activities = acts(
        *(
            {
                "participant_id": "p1",
                "activity_id": t,
                "sport": "running",
                "tz": BERLIN,
                "start_utc": t,
                "moving_s": 60,
            }
            for t in edges
        )
    )
    panel = build_daily_panel(activities)
    assert list(panel["run_count"]) == [1, 2, 1]
    runs = build_run_panel(activities, None)
    assert list(runs["date"].dt.strftime("%Y-%m-%d")) == list(edges.values())


def test_dst_fall_back_day_in_new_york() -> None:
    # 2024-11-03: clocks fall back 02:00 EDT -> 01:00 EST, the day has 25 hours.
    tz = "America/New_York"
    activities = acts(
        # 2024-11-03 04:30 UTC = 00:30 EDT on the 3rd
        {
            "participant_id": "p1",
            "activity_id": "a",
            "sport": "running",
            "tz": tz,
            "start_utc": "2024-11-03 04:30Z",
            "moving_s": 600,
        },
        # 2024-11-04 04:30 UTC = 23:30 EST on the 3rd (with EDT's -4h it would be the 4th)
        {
            "participant_id": "p1",
            "activity_id": "b",
            "sport": "running",
            "tz": tz,
            "start_utc": "2024-11-04 04:30Z",
            "moving_s": 1200,
        },
        # 2024-11-04 05:30 UTC = 00:30 EST on the 4th
        {
            "participant_id": "p1",
            "activity_id": "c",
            "sport": "running",
            "tz": tz,
            "start_utc": "2024-11-04 05:30Z",
            "moving_s": 1800,
        },
    )
    panel = build_daily_panel(activities)
    assert list(panel["date"].dt.strftime("%m-%d")) == ["11-03", "11-04"]
    assert list(panel["run_count"]) == [2, 1]
    assert list(panel["run_min"]) == [30.0, 30.0]


def test_missing_mood_day_between_two_mood_days() -> None:
    # Day 1 and day 3 have mood; day 2 has a run but no mood; day 4 has mood;
    # day 5 has nothing at all; day 6 has mood.
    panel = build_daily_panel(
        acts(run("p1", "2024-06-02 07:00", 40, 8.0)),
        moods(
            rating("p1", "2024-06-01 20:00", 0.4),
            rating("p1", "2024-06-03 20:00", 0.6),
            rating("p1", "2024-06-04 20:00", 0.9),
            rating("p1", "2024-06-06 20:00", 0.5),
        ),
    )
    assert len(panel) == 6
    d1, d2, d3, d4, d5, d6 = (panel.iloc[i] for i in range(6))
    assert np.isnan(d1["mood_change"])  # no previous day
    assert np.isnan(d2["mood"]) and np.isnan(d2["mood_change"])
    assert np.isnan(d3["mood_lag1"])  # never day 1's mood across the gap
    assert np.isnan(d3["mood_change"])  # previous day has no mood
    assert d4["mood_lag1"] == pytest.approx(0.6)
    assert d4["mood_change"] == pytest.approx(0.3)  # 0.9 - 0.6
    assert np.isnan(d6["mood_change"])  # day 5 has no mood
    # the person's mean mood is (0.4 + 0.6 + 0.9 + 0.5) / 4 = 0.6
    assert d1["mood_dev"] == pytest.approx(-0.2)
    assert d4["mood_dev"] == pytest.approx(0.3)
    assert np.isnan(d2["mood_dev"])
    # day 2: a run without mood is data; day 5: nothing is "no data", not "no run"
    assert d2["has_data"] and not d2["has_mood"] and bool(d2["ran"])
    assert d3["has_data"] and bool(d3["ran"]) is False and d3["run_min"] == 0.0
    assert not d5["has_data"]
    assert pd.isna(d5["ran"]) and pd.isna(d5["run_count"]) and np.isnan(d5["run_min"])
    assert np.isnan(d5["run_km"]) and pd.isna(d5["days_since_run"])
    assert np.isnan(d6["run_min_lag1"]) and pd.isna(d6["ran_lag1"])  # yesterday had no data
    assert d4["days_since_run"] == 2
    assert d6["days_since_run"] == 4


def test_sleep_across_midnight_belongs_to_the_wake_day() -> None:
    panel = build_daily_panel(
        acts(run("p1", "2024-05-06 18:00")),
        moods(rating("p1", "2024-05-08 20:00", 0.5)),
        sleeps(
            # 23:30 CEST on the 6th to 07:00 CEST on the 7th
            {
                "participant_id": "p1",
                "wake_date": "2024-05-07",
                "tz": BERLIN,
                "sleep_start": "2024-05-06 21:30Z",
                "sleep_end": "2024-05-07 05:00Z",
                "asleep_h": 7.0,
                "is_nap": False,
            },
            # a nap on the 7th is data but not the night's sleep
            {
                "participant_id": "p1",
                "wake_date": "2024-05-07",
                "tz": BERLIN,
                "sleep_start": "2024-05-07 12:00Z",
                "sleep_end": "2024-05-07 13:00Z",
                "asleep_h": 1.0,
                "is_nap": True,
            },
            # a night split in two; no wake_date: the day comes from sleep_end in Berlin,
            # and asleep_h from the start and end: 22:00Z-01:00Z (3h) + 01:30Z-04:00Z (2.5h)
            {
                "participant_id": "p1",
                "tz": BERLIN,
                "sleep_start": "2024-05-07 22:00Z",
                "sleep_end": "2024-05-08 01:00Z",
            },
            {
                "participant_id": "p1",
                "tz": BERLIN,
                "sleep_start": "2024-05-08 01:30Z",
                "sleep_end": "2024-05-08 04:00Z",
            },
        ),
    )
    d6, d7, d8 = day(panel, "2024-05-06"), day(panel, "2024-05-07"), day(panel, "2024-05-08")
    assert np.isnan(d6["sleep_prev_h"]) and d6["sleep_next_h"] == 7.0
    assert d7["sleep_prev_h"] == 7.0 and d7["sleep_next_h"] == pytest.approx(5.5)
    assert d8["sleep_prev_h"] == pytest.approx(5.5) and np.isnan(d8["sleep_next_h"])
    assert d8["sleep_prev_h_lag1"] == 7.0
    assert d7["has_sleep"] and d7["has_data"] and not d6["has_sleep"]
    assert bool(d7["ran"]) is False  # sleep makes the day a day with data


def test_sleep_next_h_not_taken_across_a_missing_night() -> None:
    panel = build_daily_panel(
        acts(run("p1", "2024-05-06 18:00")),
        None,
        sleeps(
            {"participant_id": "p1", "wake_date": "2024-05-06", "asleep_h": 6.0},
            {"participant_id": "p1", "wake_date": "2024-05-08", "asleep_h": 8.0},
        ),
    )
    assert list(panel["sleep_prev_h"].fillna(-1)) == [6.0, -1, 8.0]
    assert list(panel["sleep_next_h"].fillna(-1)) == [-1, 8.0, -1]
    assert list(panel["has_data"]) == [True, False, True]


def test_participant_in_another_zone_and_travel() -> None:
    panel = build_daily_panel(
        acts(
            # p2 lives in Los Angeles: 20:00 PDT on 1 June is 03:00 UTC on 2 June
            run("p2", "2024-06-01 20:00", 50, tz="America/Los_Angeles"),
            run("p2", "2024-06-02 06:00", 20, tz="America/Los_Angeles"),
            # p3 travels: Berlin on 1 June, then New York;
            # 21:00 EDT on 3 June is 01:00 UTC on 4 June
            run("p3", "2024-06-01 08:00", 30, tz=BERLIN),
            run("p3", "2024-06-03 21:00", 45, tz="America/New_York"),
        ),
        moods(rating("p2", "2024-06-01 22:00", 0.3, tz="America/Los_Angeles")),
    )
    assert panel.groupby("participant_id")["date"].agg(["min", "max", "size"]).to_dict("index") == {
        "p2": {"min": pd.Timestamp("2024-06-01"), "max": pd.Timestamp("2024-06-02"), "size": 2},
        "p3": {"min": pd.Timestamp("2024-06-01"), "max": pd.Timestamp("2024-06-03"), "size": 3},
    }
    assert day(panel, "2024-06-01", "p2")["run_min"] == 50.0
    assert day(panel, "2024-06-01", "p2")["mood"] == pytest.approx(0.3)
    assert day(panel, "2024-06-02", "p2")["run_min"] == 20.0
    assert day(panel, "2024-06-03", "p3")["run_min"] == 45.0
    assert not day(panel, "2024-06-02", "p3")["has_data"]


def test_fixed_offset_zone() -> None:
    # only an offset is known: 23:30 UTC at UTC+02:00 is 01:30 on the next day
    activities = acts(
        {
            "participant_id": "p1",
            "activity_id": "a",
            "sport": "running",
            "start_utc": "2024-05-06 23:30Z",
            "tz": "UTC+02:00",
            "moving_s": 600,
        }
    )
    panel = build_daily_panel(activities)
    assert list(panel["date"]) == [pd.Timestamp("2024-05-07")]


# --------------------------------------------------------------------------- loads
@pytest.fixture
def weekly_runner() -> pd.DataFrame:
    """Mood every day 2024-01-01..02-09; 30 min every Monday, 60 min on Sat 3 Feb."""
    mondays = pd.date_range("2024-01-01", "2024-02-05", freq="7D")
    runs = [run("p1", f"{d:%Y-%m-%d} 07:00", 30) for d in mondays]
    runs.append(run("p1", "2024-02-03 09:00", 60))
    return build_daily_panel(acts(*runs), moods(*daily_mood("p1", "2024-01-01", "2024-02-09")))


def test_rolling_loads(weekly_runner: pd.DataFrame) -> None:
    panel = weekly_runner
    # the first 7 days have no full 7-day history
    assert panel["runs_7d"].iloc[:7].isna().all()
    jan8 = day(panel, "2024-01-08")
    assert (jan8["runs_7d"], jan8["run_min_7d"], jan8["data_days_7d"]) == (1, 30.0, 7)
    assert np.isnan(jan8["run_min_28d"]) and np.isnan(jan8["acwr"])
    jan29 = day(panel, "2024-01-29")
    # previous 7 days 01-22..01-28: one run; previous 28 days 01-01..01-28: four runs
    assert jan29["runs_7d"] == 1 and jan29["run_min_7d"] == 30.0
    assert jan29["run_min_28d"] == 120.0
    assert jan29["acwr"] == pytest.approx(1.0)  # 30 / (120 / 4)
    feb5 = day(panel, "2024-02-05")
    # 01-29..02-04: 30 + 60; 01-08..02-04: 4 x 30 + 60
    assert feb5["runs_7d"] == 2 and feb5["run_min_7d"] == 90.0
    assert feb5["run_min_28d"] == 180.0
    assert feb5["acwr"] == pytest.approx(2.0)  # 90 / (180 / 4)
    assert feb5["days_since_run"] == 0
    assert day(panel, "2024-02-04")["days_since_run"] == 1
    assert day(panel, "2024-01-10")["days_since_run"] == 2


def test_acwr_missing_when_no_chronic_load() -> None:
    panel = build_daily_panel(
        acts(run("p1", "2024-01-01 07:00")),
        moods(*daily_mood("p1", "2024-01-01", "2024-03-01")),
    )
    assert day(panel, "2024-01-29")["acwr"] == 0.0  # 0 / (30 / 4)
    assert np.isnan(day(panel, "2024-02-29")["acwr"])  # 0 / 0
    assert day(panel, "2024-02-29")["runs_7d"] == 0


def test_days_without_data_make_loads_missing_and_are_counted() -> None:
    mood = daily_mood("p1", "2024-01-01", "2024-01-05") + daily_mood("p1", "2024-01-09", "2024-01-20")
    panel = build_daily_panel(acts(run("p1", "2024-01-02 07:00", 25)), moods(*mood))
    jan10 = day(panel, "2024-01-10")
    # 01-03..01-09: no run recorded, but 01-06, 07, 08 had no data at all: unknown, not zero
    assert pd.isna(jan10["runs_7d"]) and np.isnan(jan10["run_min_7d"]) and jan10["data_days_7d"] == 4
    jan9 = day(panel, "2024-01-09")
    assert pd.isna(jan9["runs_7d"]) and np.isnan(jan9["run_min_7d"]) and jan9["data_days_7d"] == 4
    jan16 = day(panel, "2024-01-16")  # 01-09..01-15 all have data again
    assert jan16["runs_7d"] == 0 and jan16["run_min_7d"] == 0.0 and jan16["data_days_7d"] == 7


def test_unknown_run_length_makes_sums_unknown() -> None:
    panel = build_daily_panel(
        acts(
            run("p1", "2024-01-01 07:00", 30),
            run("p1", "2024-01-02 07:00", np.nan, km=None),
            run("p1", "2024-01-10 07:00", 30),
        ),
        moods(*daily_mood("p1", "2024-01-01", "2024-01-10")),  # every day has data
    )
    assert np.isnan(day(panel, "2024-01-02")["run_min"])
    assert np.isnan(day(panel, "2024-01-02")["run_km"])
    assert day(panel, "2024-01-02")["run_count"] == 1
    jan9 = day(panel, "2024-01-09")  # window 01-02..01-08 holds the run of unknown length
    assert np.isnan(jan9["run_min_7d"]) and jan9["runs_7d"] == 1  # the count is known
    jan10 = day(panel, "2024-01-10")  # window 01-03..01-09: no runs
    assert jan10["runs_7d"] == 0 and jan10["run_min_7d"] == 0.0


def test_indoor_flag_and_inference() -> None:
    panel = build_daily_panel(
        acts(
            run("p1", "2024-01-01 07:00", 10, indoor=True),
            run("p1", "2024-01-01 08:00", 20, sub_sport="treadmill"),
            run("p1", "2024-01-01 09:00", 40, sub_sport="treadmill", indoor=False),  # flag wins
            run("p1", "2024-01-01 10:00", 80, sport="trail_running"),
        )
    )
    row = panel.iloc[0]
    assert (row["run_min_indoor"], row["run_min_outdoor"], row["run_min"]) == (30.0, 120.0, 150.0)


def test_custom_sports() -> None:
    activities = acts(run("p1", "2024-01-01 07:00", 30), run("p1", "2024-01-01 09:00", 60, sport="walking"))
    panel = build_daily_panel(activities, sports=["walking"])
    assert panel.iloc[0]["run_min"] == 60.0
    assert panel.attrs["sports"] == ["walking"]
    assert build_daily_panel(activities, sports="walking").iloc[0]["run_min"] == 60.0
    assert len(build_run_panel(activities, None, sports="walking")) == 1


def test_window_starting_before_the_data() -> None:
    panel = build_daily_panel(
        acts(run("p1", "2024-01-10 07:00", 30)),
        moods(*daily_mood("p1", "2024-01-10", "2024-01-20")),
        start="2024-01-05",
    )
    assert panel["date"].iloc[0] == pd.Timestamp("2024-01-05") and len(panel) == 16
    assert list(panel["study_day"]) == list(range(16))
    assert not panel["has_data"].iloc[:5].any()
    # history counts from the first observation (01-10), not from the window's start
    assert day(panel, "2024-01-16")["runs_7d"] is pd.NA
    assert day(panel, "2024-01-17")["runs_7d"] == 1


# --------------------------------------------------------------------------- within/between, lags
def test_within_between_parts() -> None:
    panel = build_daily_panel(
        acts(
            run("p1", "2024-01-01 07:00", 30, 6.0),
            run("p1", "2024-01-04 07:00", 60, 10.0),
            run("p2", "2024-01-01 07:00", 20, 4.0),
        ),
        moods(rating("p1", "2024-01-02 20:00", 0.5)),
    )
    p1 = panel[panel["participant_id"] == "p1"]
    # p1 days: 30 (run), 0 (mood only), no data, 60 (run); mean over 3 data days = 30
    assert list(p1["run_min"].fillna(-1)) == [30.0, 0.0, -1, 60.0]
    assert (p1["run_min_between"] == 30.0).all()
    assert list(p1["run_min_within"].fillna(-1)) == [0.0, -30.0, -1, 30.0]
    # ran: True, False, <NA>, True -> 2/3
    assert p1["ran_between"].iloc[0] == pytest.approx(2 / 3)
    assert p1["ran_within"].iloc[1] == pytest.approx(-2 / 3)
    assert p1["run_km_between"].iloc[0] == pytest.approx(16 / 3)
    p2 = panel[panel["participant_id"] == "p2"]
    assert p2["run_min_between"].tolist() == [20.0] and p2["run_min_within"].tolist() == [0.0]


def test_lags_follow_calendar_days_only() -> None:
    panel = build_daily_panel(
        acts(
            run("p1", "2024-01-01 07:00", 30),
            run("p1", "2024-01-02 07:00", 45),
            run("p1", "2024-01-04 07:00", 50),
            run("p2", "2024-01-05 07:00", 99),
        ),
    )
    p1 = panel[panel["participant_id"] == "p1"]
    assert list(p1["run_min_lag1"].fillna(-1)) == [-1, 30.0, 45.0, -1]
    assert list(p1["run_count_lag1"].fillna(-1)) == [-1, 1, 1, -1]
    p2 = panel[panel["participant_id"] == "p2"]
    assert np.isnan(p2["run_min_lag1"].iloc[0])  # never p1's last day


# --------------------------------------------------------------------------- windows
def test_start_end_window() -> None:
    activities = acts(
        run("p1", "2024-01-01 07:00", 30),
        run("p1", "2024-01-09 07:00", 40),
        run("p2", "2024-01-05 07:00", 20),
    )
    panel = build_daily_panel(activities, start="2024-01-08", end="2024-01-12")
    assert panel.groupby("participant_id").size().to_dict() == {"p1": 5, "p2": 5}
    jan8 = day(panel, "2024-01-08", "p1")
    assert jan8["study_day"] == 0
    # 01-02..01-07 had no data at all: the load of 01-08 is unknown, not one run
    assert pd.isna(jan8["runs_7d"]) and np.isnan(jan8["run_min_7d"])
    tracked = build_daily_panel(activities, moods(*daily_mood("p1", "2024-01-01", "2024-01-12")), start="2024-01-08")
    jan8 = day(tracked, "2024-01-08", "p1")
    assert jan8["runs_7d"] == 1 and jan8["run_min_7d"] == 30.0  # the 01-01 run before the window
    assert not day(panel, "2024-01-12", "p1")["has_data"]  # beyond the data: no data
    assert day(panel, "2024-01-09", "p1")["days_since_run"] == 0
    assert pd.isna(day(panel, "2024-01-10", "p1")["days_since_run"])  # no data that day
    assert panel["run_min"].sum() == 40.0
    assert set(panel.attrs["compliance"]["n_days"]) == {5}


def test_per_participant_start() -> None:
    activities = acts(
        run("p1", "2024-01-01 07:00"),
        run("p1", "2024-01-05 07:00"),
        run("p2", "2024-01-01 07:00"),
        run("p2", "2024-01-05 07:00"),
    )
    panel = build_daily_panel(activities, start={"p1": "2024-01-03"})
    assert panel.groupby("participant_id").size().to_dict() == {"p1": 3, "p2": 5}


def test_time_zone_aware_start_is_refused() -> None:
    with pytest.raises(ValueError, match="local calendar day"):
        build_daily_panel(acts(run("p1", "2024-01-01 07:00")), start=pd.Timestamp("2024-01-01", tz="UTC"))


# --------------------------------------------------------------------------- compliance
def test_compliance_table() -> None:
    panel = build_daily_panel(
        acts(run("p1", "2024-01-01 07:00"), run("p1", "2024-01-02 07:00", sport="cycling")),
        moods(rating("p1", "2024-01-01 20:00", 0.5), rating("p1", "2024-01-04 20:00", 0.5)),
        sleeps({"participant_id": "p1", "wake_date": "2024-01-02", "asleep_h": 7.0}),
    )
    table = compliance(panel)
    assert isinstance(panel.attrs["compliance"], pd.DataFrame)
    pd.testing.assert_frame_equal(table, pd.DataFrame(panel.attrs["compliance"]))
    row = table.iloc[0]
    assert row["participant_id"] == "p1" and row["n_days"] == 4
    # days: 01 run+mood, 02 ride+sleep, 03 nothing, 04 mood
    assert (row["days_data"], row["days_activity"], row["days_run"]) == (3, 2, 1)
    assert (row["days_mood"], row["days_sleep"]) == (2, 1)
    assert row["share_data"] == 0.75 and row["share_mood"] == 0.5 and row["share_sleep"] == 0.25
    assert row["first_date"] == pd.Timestamp("2024-01-01")
    assert row["last_date"] == pd.Timestamp("2024-01-04")


def test_panels_with_attrs_merge_and_concat() -> None:
    # pandas compares attrs on merge/concat; a plain DataFrame there would raise
    first = build_daily_panel(acts(run("p1", "2024-01-01 07:00"), run("p1", "2024-01-03 07:00")))
    second = build_daily_panel(acts(run("p2", "2024-01-01 07:00")))
    cols = ["participant_id", "date", "run_min"]
    merged = first.merge(first[cols], on=["participant_id", "date"], suffixes=("", "_again"))
    assert len(merged) == 3
    assert merged.attrs["compliance"].equals(first.attrs["compliance"])
    both = pd.concat([first, second], ignore_index=True)
    assert len(both) == 4 and both.attrs == {}  # different attrs are not kept (pandas' rule)
    assert len(first.merge(second[cols], on=["date"], how="inner")) == 1
    table = first.attrs["compliance"]
    assert (table[["n_days"]] == 3).all().all()  # still element-wise against other values
    assert type(table.head()) is pd.DataFrame


# --------------------------------------------------------------------------- inputs
def test_missing_key_column_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="no column 'sport'"):
        build_daily_panel(pd.DataFrame({"participant_id": ["p1"]}))


def test_rows_without_participant_are_refused() -> None:
    activities = acts({"activity_id": "a", "sport": "running", "start_utc": "2024-01-01 07:00Z", "tz": "UTC"})
    with pytest.raises(InputError, match="participant_id"):
        build_daily_panel(activities)


def test_unknown_zone_is_counted_not_guessed() -> None:
    activities = acts(
        run("p1", "2024-01-01 07:00"),
        {
            "participant_id": "p1",
            "activity_id": "x",
            "sport": "running",
            "start_utc": "2024-01-02 07:00Z",
            "tz": "Mars/Olympus",
        },
    )
    panel = build_daily_panel(activities)
    assert len(panel) == 1
    assert panel.attrs["dropped"] == {"activities": 1, "mood": 0, "sleep": 0}


def test_unusable_ratings_are_counted() -> None:
    mood = moods(
        rating("p1", "2024-01-01 20:00", 0.5),
        {"participant_id": "p1", "date": "2024-01-02", "item": None, "value_01": 0.5},
        {"participant_id": "p1", "date": "2024-01-02", "item": "mood"},  # no value
        {"participant_id": "p1", "item": "mood", "value_01": 0.5},  # no day, no time
    )
    panel = build_daily_panel(conform([], "activities"), mood)
    assert len(panel) == 1 and panel.attrs["dropped"]["mood"] == 3
    runs = build_run_panel(acts(run("p1", "2024-01-01 20:30")), mood)
    # only the first rating has a time
    assert runs.attrs["dropped"] == {"runs": 0, "mood": 3}
    assert runs["mood_pre"].tolist() == [0.5]


def test_raw_values_and_value_01_from_scale() -> None:
    mood = moods(
        {
            "participant_id": "p1",
            "date": "2024-01-01",
            "item": "mood",
            "value": 4.0,
            "scale_min": 1.0,
            "scale_max": 5.0,
        }
    )
    assert build_daily_panel(conform([], "activities"), mood)["mood"].tolist() == [0.75]
    assert build_daily_panel(conform([], "activities"), mood, value="value")["mood"].tolist() == [4.0]
    with pytest.raises(ValueError, match="value must be"):
        build_daily_panel(conform([], "activities"), mood, value="score")


def test_item_clashing_with_a_column_is_refused() -> None:
    mood = moods(rating("p1", "2024-01-01 20:00", 0.5, item="ran"))
    with pytest.raises(InputError, match="would overwrite"):
        build_daily_panel(conform([], "activities"), mood)
    minutes = moods(rating("p1", "2024-01-01 20:00", 0.5, item="minutes"))
    with pytest.raises(InputError, match="'minutes'"):  # minutes_pre is the mood item's
        build_run_panel(acts(run("p1", "2024-01-01 07:00")), minutes)
    # any other name works, identifier or not
    odd = moods(rating("p1", "2024-01-01 20:00", 0.5, item="1st feeling"))
    assert build_daily_panel(conform([], "activities"), odd)["1st feeling"].tolist() == [0.5]


def test_inputs_are_not_modified() -> None:
    activities = acts(run("p1", "2024-01-01 07:00"))
    mood = moods(rating("p1", "2024-01-01 20:00", 0.5))
    before = activities.copy(), mood.copy()
    build_daily_panel(activities, mood)
    build_run_panel(activities, mood)
    pd.testing.assert_frame_equal(activities, before[0])
    pd.testing.assert_frame_equal(mood, before[1])


# --------------------------------------------------------------------------- run panel
def test_run_panel_nearest_ratings_around_a_run() -> None:
    # run 08:00-08:30 CEST (06:00-06:30 UTC)
    runs = build_run_panel(
        acts(run("p1", "2024-05-01 08:00", 30)),
        moods(
            rating("p1", "2024-05-01 05:30", 0.1),  # 150 min before: in range, not nearest
            rating("p1", "2024-05-01 07:40", 0.5),  # 20 min before: pre
            rating("p1", "2024-05-01 08:10", 0.0),  # during the run: neither
            rating("p1", "2024-05-01 08:45", 0.8),  # 15 min after the end: post
            rating("p1", "2024-05-01 10:00", 0.2),
            rating("p1", "2024-05-01 07:55", 0.3, item="energy"),
            rating("p2", "2024-05-01 07:59", 0.9),  # someone else's
        ),
    )
    row = runs.iloc[0]
    assert row["end_utc"] == pd.Timestamp("2024-05-01 06:30", tz="UTC")
    assert row["date"] == pd.Timestamp("2024-05-01")
    assert (row["mood_pre"], row["mood_post"]) == (0.5, 0.8)
    assert row["mood_change"] == pytest.approx(0.3)
    assert (row["minutes_pre"], row["minutes_post"]) == (20.0, 15.0)
    assert row["energy_pre"] == 0.3 and row["energy_minutes_pre"] == 5.0
    assert np.isnan(row["energy_post"]) and np.isnan(row["energy_change"])
    assert runs.attrs["n_paired"] == 1
    assert runs.attrs["pairing"]["energy"] == {
        "paired": 0,
        "pre_only": 1,
        "post_only": 0,
        "unpaired": 0,
    }


def test_run_panel_windows_and_counts() -> None:
    activities = acts(
        run("p1", "2024-05-01 08:00", 30),  # pre 50 min before, post 10 min after
        run("p1", "2024-05-02 08:00", 30),  # only a rating during the run
        run("p1", "2024-05-03 08:00", 30),  # nothing
    )
    mood = moods(
        rating("p1", "2024-05-01 07:10", 0.4),
        rating("p1", "2024-05-01 08:40", 0.6),
        rating("p1", "2024-05-02 08:15", 0.6),
    )
    wide = build_run_panel(activities, mood)
    assert wide["mood_pre"].notna().tolist() == [True, False, False]
    assert wide["mood_post"].notna().tolist() == [True, False, False]
    assert (wide.attrs["n_runs"], wide.attrs["n_paired"], wide.attrs["n_unpaired"]) == (3, 1, 2)
    narrow = build_run_panel(activities, mood, before="30min", after=pd.Timedelta("10min"))
    # 50 min before is outside 30 min; 10 min after is exactly at the edge: kept
    assert np.isnan(narrow["mood_pre"].iloc[0]) and narrow["mood_post"].iloc[0] == 0.6
    assert (narrow.attrs["n_post_only"], narrow.attrs["n_pre_only"]) == (1, 0)
    assert narrow.attrs["before"] == str(pd.Timedelta("30min"))


def test_run_panel_ratings_at_start_and_end() -> None:
    runs = build_run_panel(
        acts(run("p1", "2024-05-01 08:00", 30), run("p1", "2024-05-02 08:00", 0)),
        moods(
            rating("p1", "2024-05-01 08:00", 0.2),
            rating("p1", "2024-05-01 08:30", 0.7),
            rating("p1", "2024-05-02 08:00", 0.5),
        ),
    )
    assert (runs["mood_pre"].iloc[0], runs["mood_post"].iloc[0]) == (0.2, 0.7)
    assert (runs["minutes_pre"].iloc[0], runs["minutes_post"].iloc[0]) == (0.0, 0.0)
    # a zero-length run: the rating at its instant is its pre rating, not also its post
    assert runs["mood_pre"].iloc[1] == 0.5 and np.isnan(runs["mood_post"].iloc[1])


def test_run_panel_across_dst() -> None:
    # 00:50 UTC = 01:50 CET; 01:10 UTC = 03:10 CEST: 20 minutes apart, not 80
    activities = acts(
        {
            "participant_id": "p1",
            "activity_id": "a",
            "sport": "running",
            "start_utc": "2024-03-31 01:10Z",
            "tz": BERLIN,
            "elapsed_s": 600,
        }
    )
    mood = moods({"participant_id": "p1", "time_utc": "2024-03-31 00:50Z", "item": "mood", "value_01": 0.4})
    runs = build_run_panel(activities, mood, before="30min")
    assert runs["minutes_pre"].iloc[0] == 20.0
    assert runs["date"].iloc[0] == pd.Timestamp("2024-03-31")
    assert runs["start_local"].isna().iloc[0]  # given as it came


def test_run_panel_uses_elapsed_time_for_the_end() -> None:
    # moving 30 min, elapsed 40 min: a rating 35 min after the start is during the run
    runs = build_run_panel(
        acts(run("p1", "2024-05-01 08:00", 30, elapsed_s=2400.0)),
        moods(rating("p1", "2024-05-01 08:35", 0.5), rating("p1", "2024-05-01 08:50", 0.6)),
    )
    assert runs["run_min"].iloc[0] == 30.0
    assert runs["mood_post"].iloc[0] == 0.6 and runs["minutes_post"].iloc[0] == 10.0


def test_run_panel_sorted_and_only_runs() -> None:
    runs = build_run_panel(
        acts(
            run("p2", "2024-05-01 08:00"),
            run("p1", "2024-05-02 08:00"),
            run("p1", "2024-05-01 08:00"),
            run("p1", "2024-05-01 12:00", sport="cycling"),
        ),
        None,
    )
    assert list(zip(runs["participant_id"], runs["start_local"].dt.day, strict=True)) == [
        ("p1", 1),
        ("p1", 2),
        ("p2", 1),
    ]
    assert runs.attrs["n_unpaired"] == 3


def test_run_panel_bad_window() -> None:
    with pytest.raises(ValueError, match="non-negative duration"):
        build_run_panel(acts(run("p1", "2024-05-01 08:00")), None, before="-1h")

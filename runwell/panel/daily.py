"""The daily panel: one row per participant and local calendar day of the window.

:func:`build_daily_panel` places every source on local days
(:mod:`runwell.panel.day_tables`), joins them onto each participant's grid of days
(:mod:`runwell.panel.windows`), adds the loads, lags and within/between parts, and keeps
the days of the window.

Gaps are not zeros
------------------
A day with no activity of any sport and no log entry (rating or sleep period) has
``has_data`` false. On such a day the day's own run variables (``ran``, ``run_count``,
``run_min``, ``run_km``, ``run_min_outdoor``, ``run_min_indoor``, ``days_since_run``) are
*missing*, not zero: "no data" is not "no run". The windowed load variables (``runs_7d``,
``run_min_7d``, ``run_min_28d``, ``acwr``) add up the runs of the previous days and are
missing too whenever a day of their window has no data (an unknown day is not a rest
day); ``data_days_7d`` says how many of the previous 7 days had data. They are missing
until the window lies inside the participant's observed history (7 or 28 days after the
first observation), and the minute sums are missing whenever a run in their window has an
unknown duration. Lags
(``<var>_lag1``) take the previous *calendar* day only, so a missing day gives a missing
lag, never an older value.

Daily panel columns (see :data:`runwell.tables.DAILY_PANEL` for the dtypes)
---------------------------------------------------------------------------
participant_id (string), date (datetime64[ns], local midnight)
    The key: one row per participant and local calendar day, sorted.
study_day (int64)
    Days since the first day of the participant's window (0-based).
weekday (int64, 0 = Monday), weekend (bool)
    Calendar of ``date``.
has_data, has_activity, has_mood, has_sleep (bool)
    Any activity or log entry; any activity of any sport; any rating (of any item); a main
    (non-nap) sleep period ending that day.
ran (boolean), run_count (Int64), run_min, run_km, run_min_outdoor, run_min_indoor (float64)
    The day's runs (sports in ``sports``); missing when ``has_data`` is false.
runs_7d (Int64), run_min_7d, run_min_28d (float64)
    Runs and run minutes in the previous 7 (28) days, today not counted.
acwr (float64)
    Acute:chronic load ratio ``run_min_7d / (run_min_28d / 4)`` (coupled: the chronic
    window contains the acute one); missing when the chronic load is zero.
data_days_7d (Int64)
    Days with data among the previous 7.
days_since_run (Int64)
    Days since the most recent run day, 0 on a run day; missing before the first run.
mood (float64), and one ``<item>`` column per other item (float64), e.g. energy, stress
    Day mean of the item's ratings.
mood_change (float64)
    ``mood`` minus the previous calendar day's ``mood``; missing when either is missing.
mood_dev (float64)
    ``mood`` minus the participant's mean ``mood`` over the window.
sleep_prev_h, sleep_next_h (float64)
    Hours asleep in the main sleep ending this day / the next day (segments of one night
    add up).
<var>_between, <var>_within (float64) for var in ran, run_min, run_km, runs_7d
    The participant's mean of ``var`` over the window's non-missing days, and the day's
    deviation from it (missing when ``var`` is); they add back to ``var``.
<var>_lag1 for var in ran, run_count, run_min, run_km, mood, each other item, sleep_prev_h
    The value on the previous calendar day (same dtype as ``var``).

``panel.attrs`` holds ``"compliance"`` (the :func:`runwell.panel.compliance` table, as an
:class:`runwell.panel.compliance.AttrsTable` so that merging or concatenating panels
works), ``"items"`` (the mood items, ``"mood"`` first), ``"sports"``, ``"value"``,
``"scales"`` (each item's scale range as the panel measures it, e.g. ``{"mood": (1.0,
5.0)}``; see :func:`runwell.panel.inputs.item_scales`) and ``"dropped"`` (counts of
input rows that could not be placed on a day or had no value or item, per table).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import pandas as pd

from runwell.panel.compliance import AttrsTable, compliance
from runwell.panel.day_tables import (
    activity_days,
    mood_days,
    prepare_activities,
    prepare_mood,
    prepare_sleep,
    sleep_days,
)
from runwell.panel.inputs import DEFAULT_SPORTS, NAIVE, as_sports, canonical, item_names, item_scales
from runwell.panel.lags import add_lags
from runwell.panel.loads import add_days_since_run, add_load_columns, add_run_columns
from runwell.panel.split import add_within_between
from runwell.panel.windows import DAY, Bound, day_grid, person_windows
from runwell.tables import DAILY_PANEL

__all__ = ["build_daily_panel"]

_DAILY_ITEM_SUFFIXES: tuple[str, ...] = ("", "_lag1")
_KEYS = ["participant_id", "date"]


class _Placed(NamedTuple):
    """The input rows placed on local days, and how many could not be placed."""

    activities: pd.DataFrame
    ratings: pd.DataFrame
    sleep: pd.DataFrame
    dropped: dict[str, int]
    scales: dict[str, tuple[float, float]]


def _place_inputs(
    activities: pd.DataFrame,
    mood: pd.DataFrame | None,
    sleep: pd.DataFrame | None,
    sports: tuple[str, ...],
    value: str,
) -> _Placed:
    """Check the three tables, place their rows on days and drop what cannot be placed."""
    acts = canonical(activities, "activities", ["sport"])
    ratings_in = canonical(mood, "mood", ["item"])
    sleep_in = canonical(sleep, "sleep", [])

    acts_p = prepare_activities(acts, sports)
    ratings = prepare_mood(ratings_in, value)
    periods = prepare_sleep(sleep_in)
    usable = ratings["date"].notna() & ratings["value"].notna() & ratings["item"].notna()
    dropped = {
        "activities": int(acts_p["date"].isna().sum()),
        "mood": int((~usable).sum()),
        "sleep": int(periods["date"].isna().sum()),
    }
    return _Placed(
        acts_p[acts_p["date"].notna()],
        ratings[usable.to_numpy()],
        periods[periods["date"].notna()],
        dropped,
        item_scales(ratings_in, value),
    )


def _joined_grid(placed: _Placed, items: list[str], start: Bound, end: Bound) -> pd.DataFrame:
    """The grid of days with each source's day table joined on."""
    grid = day_grid(person_windows([placed.activities, placed.ratings, placed.sleep], start, end))
    day_tables = (
        activity_days(placed.activities),
        mood_days(placed.ratings, items),
        sleep_days(placed.sleep),
    )
    for day_table in day_tables:
        day_table["participant_id"] = day_table["participant_id"].astype("string")
        day_table["date"] = day_table["date"].astype(NAIVE)
        grid = grid.merge(day_table, on=_KEYS, how="left", validate="one_to_one")
    return grid


def _add_day_flags(grid: pd.DataFrame, items: list[str]) -> None:
    """``has_activity``, ``has_mood``, ``has_sleep`` and ``has_data`` (in place)."""
    grid["has_activity"] = grid["n_activities"].fillna(0).gt(0).astype(bool)
    grid["has_mood"] = grid[items].notna().any(axis=1).astype(bool)
    grid["has_sleep"] = grid["has_sleep"].fillna(False).astype(bool)
    grid["has_data"] = grid["has_activity"] | grid["has_mood"] | grid["n_sleep"].fillna(0).gt(0)


def _add_calendar(panel: pd.DataFrame) -> None:
    """``study_day``, ``weekday`` and ``weekend`` (in place)."""
    panel["study_day"] = ((panel["date"] - panel["win_start"]) // DAY).astype("int64")
    panel["weekday"] = panel["date"].dt.day_of_week.astype("int64")
    panel["weekend"] = panel["weekday"] >= 5


def _window_days(grid: pd.DataFrame) -> pd.DataFrame:
    """The grid's days inside each participant's window, with the person-level columns."""
    in_window = (grid["date"] >= grid["win_start"]) & (grid["date"] <= grid["win_end"])
    panel = grid[in_window.to_numpy()].reset_index(drop=True)
    person_mood = panel["mood"].groupby(panel["participant_id"], observed=True).transform("mean")
    panel["mood_dev"] = panel["mood"] - person_mood
    add_within_between(panel)
    _add_calendar(panel)
    return panel


def _order_daily(panel: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    """Final column order and dtypes of the daily panel."""
    others = items[1:]
    columns: list[str] = []
    for col in DAILY_PANEL:
        columns.append(col)
        if col == "mood":
            columns.extend(others)
        if col == "mood_lag1":
            columns.extend(f"{item}_lag1" for item in others)
    dtypes = {**DAILY_PANEL, **{c: "float64" for c in others}}
    dtypes.update({f"{c}_lag1": "float64" for c in others})
    out = panel[columns].astype({c: dtypes[c] for c in columns})
    return out


def build_daily_panel(
    activities: pd.DataFrame,
    mood: pd.DataFrame | None = None,
    sleep: pd.DataFrame | None = None,
    *,
    sports: Iterable[str] = DEFAULT_SPORTS,
    start: Bound = None,
    end: Bound = None,
    value: str = "value_01",
) -> pd.DataFrame:
    """Join runs, mood and sleep into one row per participant and local day.

    Parameters
    ----------
    activities
        The canonical activities table (:data:`runwell.tables.ACTIVITIES`). Activities of
        every sport count as data; those in ``sports`` are runs.
    mood
        The canonical mood table (:data:`runwell.tables.MOOD`), or None.
    sleep
        The canonical sleep table (:data:`runwell.tables.SLEEP`), or None.
    sports
        The ``sport`` values counted as runs.
    start, end
        First and last local day of every participant's window (a date-like, or a mapping
        from participant_id to one). Default: the participant's first and last observation.
        Runs and ratings outside the window still feed the rolling loads and lags of the
        days inside it.
    value
        ``"value_01"`` (ratings rescaled to 0..1, default) or ``"value"`` (raw scale).

    Returns
    -------
    pandas.DataFrame
        The daily panel; its columns are listed in the module docstring and in
        :data:`runwell.tables.DAILY_PANEL` (plus one column and one ``_lag1`` column per
        mood item other than ``mood``). ``attrs["compliance"]`` holds
        :func:`runwell.panel.compliance`.

    Raises
    ------
    runwell.InputError
        When a table lacks its key columns or rows lack a participant_id.

    Examples
    --------
    >>> import pandas as pd
    >>> from runwell import conform, build_daily_panel
    >>> acts = conform([{"participant_id": "p1", "activity_id": "a", "sport": "running",
    ...                  "start_utc": "2024-05-01 06:00Z", "start_local": "2024-05-01 08:00",
    ...                  "tz": "Europe/Berlin", "moving_s": 1800, "distance_m": 5000}],
    ...                 "activities")
    >>> mood = conform([{"participant_id": "p1", "time_utc": "2024-05-02 18:00Z",
    ...                  "date": "2024-05-02", "item": "mood", "value_01": 0.75}], "mood")
    >>> panel = build_daily_panel(acts, mood)
    >>> panel[["date", "ran", "run_min", "mood", "run_min_lag1"]]
            date    ran  run_min  mood  run_min_lag1
    0 2024-05-01   True     30.0   NaN           NaN
    1 2024-05-02  False      0.0  0.75          30.0
    """
    sports = as_sports(sports)
    placed = _place_inputs(activities, mood, sleep, sports, value)
    items = item_names(placed.ratings["item"].unique(), DAILY_PANEL, _DAILY_ITEM_SUFFIXES)
    grid = _joined_grid(placed, items, start, end)
    _add_day_flags(grid, items)
    add_run_columns(grid)
    add_load_columns(grid)
    add_days_since_run(grid)
    add_lags(grid, items)
    panel = _order_daily(_window_days(grid), items)
    panel.attrs = {
        "compliance": AttrsTable(compliance(panel)),
        "items": items,
        "sports": list(sports),
        "value": value,
        "scales": placed.scales,
        "dropped": placed.dropped,
    }
    return panel

"""The day's run variables and the running load of the days before it.

Operates in place on the day grid (one row per participant and day, sorted, with
``has_data`` and the day's run totals joined on):

* the day's run variables (``ran``, ``run_count``, ``run_min``, ...) are missing on days
  without data, because "no data" is not "no run";
* the windowed loads (``runs_7d``, ``run_min_7d``, ``run_min_28d``, ``acwr``) add up the
  previous days, today not counted, and are missing until the window lies inside the
  participant's observed history, and missing whenever a day of their window has no data
  at all: a day without data is unknown, not a day without a run (``data_days_7d`` counts
  the days with data among the previous 7);
* ``days_since_run`` counts days since the most recent run day.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from runwell.panel.windows import DAY

__all__ = ["add_days_since_run", "add_load_columns", "add_run_columns"]


def _prev_sum(values: np.ndarray, n: int) -> np.ndarray:
    """``out[t] = values[t-n:t].sum()`` (NaN when t < n or any value is NaN).

    Examples
    --------
    >>> _prev_sum(np.array([1.0, np.nan, 1.0, 1.0]), 2)
    array([nan, nan, nan, nan])
    >>> _prev_sum(np.array([1.0, 0.0, 1.0, 1.0]), 2)
    array([nan, nan,  1.,  1.])
    """
    out = np.full(len(values), np.nan)
    if len(values) > n:
        out[n:] = sliding_window_view(values, n)[:-1].sum(axis=1)
    return out


def add_run_columns(grid: pd.DataFrame) -> None:
    """Day run variables, missing on days without data (in place)."""
    has_data = grid["has_data"].to_numpy()
    count = grid["run_count"].fillna(0)
    grid["run_count"] = count.astype("Int64").where(has_data)
    grid["ran"] = (count > 0).astype("boolean").where(has_data)
    no_run = grid["run_count"].eq(0).fillna(False).to_numpy()
    for col in ("run_min", "run_km", "run_min_outdoor", "run_min_indoor"):
        grid[col] = grid[col].astype("float64").mask(no_run, 0.0).where(has_data)


def add_load_columns(grid: pd.DataFrame) -> None:
    """Runs and minutes over the previous 7 and 28 days, the ACWR, coverage (in place)."""
    history = ((grid["date"] - grid["first_obs"]) // DAY).to_numpy()
    # a day without data is unknown (NaN), so any window holding one has an unknown sum;
    # a run of unknown length makes the minute sums unknown too
    counts = grid["run_count"].to_numpy(dtype="float64", na_value=np.nan)
    minutes = grid["run_min"].to_numpy(dtype="float64", na_value=np.nan)
    data_days = grid["has_data"].to_numpy(dtype="float64")
    runs_7d = np.where(history >= 7, _prev_sum(counts, 7), np.nan)
    grid["runs_7d"] = pd.array(runs_7d, dtype="Float64").astype("Int64")
    grid["run_min_7d"] = np.where(history >= 7, _prev_sum(minutes, 7), np.nan)
    grid["run_min_28d"] = np.where(history >= 28, _prev_sum(minutes, 28), np.nan)
    chronic = grid["run_min_28d"] / 4.0
    grid["acwr"] = grid["run_min_7d"] / chronic.where(chronic > 0)
    covered = np.where(history >= 7, _prev_sum(data_days, 7), np.nan)
    grid["data_days_7d"] = pd.array(covered, dtype="Float64").astype("Int64")


def add_days_since_run(grid: pd.DataFrame) -> None:
    """Days since the most recent run day (0 on a run day) (in place)."""
    ran = grid["ran"].fillna(False).astype(bool)
    last = grid["date"].where(ran).groupby(grid["participant_id"], observed=True).ffill()
    days = ((grid["date"] - last) // DAY).astype("Int64")
    grid["days_since_run"] = days.where(grid["has_data"].to_numpy())

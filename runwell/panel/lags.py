"""Values of the previous and the next calendar day.

A lag takes the previous *calendar* day only, so a missing day gives a missing lag, never
an older value. Operates in place on the day grid (sorted by participant and day).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from runwell.panel.windows import DAY

__all__ = ["LAG_VARS", "add_lags"]

#: Day variables that get a ``<var>_lag1`` column (plus every mood item).
LAG_VARS: tuple[str, ...] = ("ran", "run_count", "run_min", "run_km")


def _consecutive(grid: pd.DataFrame, step: int) -> np.ndarray:
    """True where the row ``step`` rows away is the same participant's adjacent day."""
    pid, day = grid["participant_id"], grid["date"]
    same = pid.eq(pid.shift(step)).fillna(False).astype(bool)
    adjacent = (day.shift(step) - day).eq(-step * DAY).fillna(False).astype(bool)
    return (same & adjacent).to_numpy()


def _shifted(series: pd.Series, ok: np.ndarray, step: int) -> pd.Series:
    """``series`` shifted by ``step`` rows, missing where ``ok`` is false."""
    return series.shift(step).where(ok)


def add_lags(grid: pd.DataFrame, items: Iterable[str]) -> None:
    """``<var>_lag1`` columns, ``sleep_next_h`` and ``mood_change`` (in place).

    Parameters
    ----------
    grid
        The day grid with the day's run variables, mood items and ``sleep_prev_h``.
    items
        The mood items, each of which gets a lag too.
    """
    prev_ok, next_ok = _consecutive(grid, 1), _consecutive(grid, -1)
    for var in [*LAG_VARS, *items, "sleep_prev_h"]:
        grid[f"{var}_lag1"] = _shifted(grid[var], prev_ok, 1)
    grid["sleep_next_h"] = _shifted(grid["sleep_prev_h"], next_ok, -1)
    grid["mood_change"] = grid["mood"] - grid["mood_lag1"]

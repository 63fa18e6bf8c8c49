"""Each participant's window of days, and the grid of days the daily panel is built on.

A participant's window runs from the first to the last observation of any kind (an
activity of any sport, a rating, a sleep period), or from ``start`` / to ``end`` when
given. The grid spans the wider of the window and the observed history, so runs and
ratings outside the window still feed the rolling loads and lags of the days inside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date as _date
from datetime import datetime
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from runwell.panel.inputs import NAIVE

__all__ = ["DAY", "Bound", "DateLike", "day_grid", "person_windows"]

DateLike: TypeAlias = str | _date | datetime | pd.Timestamp | np.datetime64
Bound: TypeAlias = DateLike | Mapping[str, DateLike] | pd.Series | None

#: One calendar day.
DAY = pd.Timedelta(days=1)


def _bound(value: Bound, pids: pd.Index, name: str) -> pd.Series:
    """``start``/``end`` as a per-participant Series of local midnights (NaT = not given)."""
    if value is None:
        return pd.Series(pd.NaT, index=pids, dtype=NAIVE)
    if isinstance(value, (Mapping, pd.Series)):
        items = dict(value.items())
        stamps = {pid: _as_day(items[pid], name) if pid in items else pd.NaT for pid in pids}
        return pd.Series(stamps, index=pids, dtype=NAIVE)
    return pd.Series(_as_day(value, name), index=pids, dtype=NAIVE)


def _as_day(value: Any, name: str) -> pd.Timestamp:
    """A naive date-like as its local midnight; time zone aware instants are refused."""
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        raise ValueError(
            f"{name} must be a local calendar day such as '2024-03-01', not a time zone aware instant ({value!r})"
        )
    return stamp.normalize()


def person_windows(days: list[pd.DataFrame], start: Bound, end: Bound) -> pd.DataFrame:
    """Per participant: first/last observation, the window and the (wider) grid.

    Parameters
    ----------
    days
        Tables with ``participant_id`` and ``date`` (rows placed on local days).
    start, end
        The window's first and last day (a date-like, or a mapping from participant_id
        to one); missing means the first / last observation.

    Returns
    -------
    pandas.DataFrame
        Indexed by participant, sorted: ``first_obs``, ``last_obs``, ``win_start``,
        ``win_end``, ``grid_start``, ``grid_end``.
    """
    stacked = pd.concat([d[["participant_id", "date"]] for d in days], ignore_index=True)
    span = stacked.dropna().groupby("participant_id", observed=True)["date"].agg(["min", "max"])
    span = span.sort_index()
    pids = span.index
    first, last = span["min"].astype(NAIVE), span["max"].astype(NAIVE)
    win_start = _bound(start, pids, "start").fillna(first)
    win_end = _bound(end, pids, "end").fillna(last)
    return pd.DataFrame(
        {
            "first_obs": first,
            "last_obs": last,
            "win_start": win_start,
            "win_end": win_end,
            "grid_start": np.minimum(first, win_start).astype(NAIVE),
            "grid_end": np.maximum(last, win_end).astype(NAIVE),
        },
        index=pids,
    )


def day_grid(windows: pd.DataFrame) -> pd.DataFrame:
    """Every (participant, day) from each ``grid_start`` to ``grid_end``, sorted.

    Parameters
    ----------
    windows
        The table of :func:`person_windows`.

    Returns
    -------
    pandas.DataFrame
        ``participant_id``, ``date``, and the participant's ``first_obs``, ``win_start``
        and ``win_end`` on every row.
    """
    n_days = ((windows["grid_end"] - windows["grid_start"]) // DAY + 1).clip(lower=0)
    n_days = n_days.to_numpy(dtype=np.int64)
    total = int(n_days.sum())
    offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(n_days) - n_days, n_days)
    starts = np.repeat(windows["grid_start"].to_numpy(dtype=NAIVE), n_days)
    grid = pd.DataFrame(
        {
            "participant_id": pd.array(np.repeat(windows.index.to_numpy(), n_days), dtype="string"),
            "date": starts + offsets.astype("timedelta64[D]").astype("timedelta64[ns]"),
        }
    )
    for col in ("first_obs", "win_start", "win_end"):
        grid[col] = np.repeat(windows[col].to_numpy(dtype=NAIVE), n_days)
    return grid

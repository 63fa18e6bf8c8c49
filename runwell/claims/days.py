"""Reading a daily panel for the claims: order, run days, weekdays, streaks, weekly load.

The claims accept any panel with the needed columns (built by :mod:`runwell.panel` or
not), so these helpers fall back on what is there: the weekend from ``date`` when the
panel has no ``weekend``, the 7-day run minutes from ``run_min`` when it has no
``run_min_7d``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "calendar",
    "consecutive",
    "preceding_streak",
    "run_indicator",
    "run_min_7d",
    "sorted_panel",
    "weekend",
]


def sorted_panel(panel: pd.DataFrame) -> pd.DataFrame:
    """The panel sorted by participant and date, with a fresh index."""
    keys = ["participant_id", *(["date"] if "date" in panel.columns else [])]
    return panel.sort_values(keys, kind="stable").reset_index(drop=True)


def weekend(panel: pd.DataFrame) -> pd.Series:
    """1.0 on Saturdays and Sundays (from ``weekend`` or ``date``), else 0.0."""
    if "weekend" in panel.columns:
        return panel["weekend"].astype(float)
    if "date" in panel.columns:
        return (pd.to_datetime(panel["date"]).dt.day_of_week >= 5).astype(float)
    return pd.Series(0.0, index=panel.index)


def calendar(frame: pd.DataFrame, shift_days: int = 0) -> pd.DataFrame:
    """Day number and weekday dummies of each row, for the claims' adjustments.

    Parameters
    ----------
    frame
        Panel rows with ``date`` (or ``weekday`` and ``study_day``).
    shift_days
        Weekday of the day this many days later (1: the night after a day is adjusted
        for the weekday it ends on, e.g. Friday and Saturday nights).

    Returns
    -------
    pandas.DataFrame
        ``day`` (days since 1970, or ``study_day``, or the row number per participant)
        and ``weekday_1`` ... ``weekday_6`` (Monday is the reference; absent when the
        weekday is not known), aligned with ``frame``.

    Examples
    --------
    >>> days = pd.DataFrame({"participant_id": ["a"] * 3, "date": pd.date_range("2026-01-05", periods=3)})
    >>> list(calendar(days).columns)
    ['day', 'weekday_1', 'weekday_2', 'weekday_3', 'weekday_4', 'weekday_5', 'weekday_6']
    """
    if "date" in frame.columns:
        dates = pd.to_datetime(frame["date"])
        day = ((dates - pd.Timestamp("1970-01-01")) // pd.Timedelta(days=1)).astype(float)
        weekday: pd.Series | None = dates.dt.day_of_week
    else:
        day = (
            frame["study_day"].astype(float)
            if "study_day" in frame.columns
            else frame.groupby("participant_id", sort=False).cumcount().astype(float)
        )
        weekday = frame["weekday"] if "weekday" in frame.columns else None
    out = pd.DataFrame({"day": day}, index=frame.index)
    if weekday is not None:
        shifted = (weekday.astype("int64") + shift_days) % 7
        for k in range(1, 7):
            out[f"weekday_{k}"] = (shifted == k).astype(float)
    return out


def run_indicator(frame: pd.DataFrame) -> pd.Series:
    """1.0 on run days, 0.0 on rest days, NaN on days without data."""
    return frame["ran"].astype("boolean").astype("float64")


def consecutive(panel: pd.DataFrame) -> pd.Series:
    """True where the row is the day after the participant's previous row."""
    same = panel["participant_id"].eq(panel["participant_id"].shift(1))
    if "date" not in panel.columns:
        return same
    gap = pd.to_datetime(panel["date"]).diff() == pd.Timedelta(days=1)
    return same & gap


def preceding_streak(panel: pd.DataFrame) -> pd.Series:
    """Number of consecutive run days immediately before each day.

    Parameters
    ----------
    panel
        Daily panel sorted by participant and date, with ``ran``.

    Returns
    -------
    pandas.Series
        0 on a participant's first day and after a rest day or a gap.

    Examples
    --------
    >>> import pandas as pd
    >>> days = pd.DataFrame({"participant_id": ["a"] * 4,
    ...                      "date": pd.date_range("2026-01-01", periods=4),
    ...                      "ran": [True, True, False, True]})
    >>> list(preceding_streak(days))
    [0, 1, 2, 0]
    """
    run_day = (run_indicator(panel) == 1).to_numpy()
    follows = consecutive(panel).to_numpy()
    out = np.zeros(len(panel), dtype=int)
    for i in range(1, len(panel)):
        if follows[i] and run_day[i - 1]:
            out[i] = out[i - 1] + 1  # out[i - 1] is 0 when day i - 1 starts a new stretch
    return pd.Series(out, index=panel.index)


def run_min_7d(panel: pd.DataFrame) -> pd.Series:
    """Run minutes in the 7 previous days (computed when the panel lacks it)."""
    if "run_min_7d" in panel.columns:
        return panel["run_min_7d"].astype(float)
    by = panel.groupby("participant_id", sort=False)["run_min"]
    return by.transform(lambda s: s.shift(1).rolling(7).sum()).astype(float)

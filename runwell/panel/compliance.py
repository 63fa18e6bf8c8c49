"""Tracking coverage per participant, and the table type that carries it in ``attrs``.

:func:`compliance` counts, per participant, the days of the window with any data, an
activity, a run, a rating and a main sleep. The daily panel keeps that table in
``panel.attrs["compliance"]`` as an :class:`AttrsTable`, a DataFrame whose ``==`` against
another such table is one bool: pandas compares ``attrs`` whenever it merges or
concatenates two frames that both carry them, and a plain DataFrame there makes
``panel.merge(panel[cols])`` or ``pd.concat([panel_a, panel_b])`` raise. Merging two
different panels keeps no ``attrs`` (pandas' rule); :func:`compliance` recomputes the
table from any daily panel.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from runwell.panel.inputs import require

__all__ = ["AttrsTable", "compliance"]


class AttrsTable(pd.DataFrame):
    """A DataFrame that can sit in another frame's ``attrs``.

    pandas decides whether a merge or concat keeps ``attrs`` with ``left.attrs ==
    right.attrs``, which needs a bool from ``==`` on each value. Between two of these
    tables ``==`` is therefore :meth:`pandas.DataFrame.equals`; against anything else it is
    the usual element-wise comparison. Operations on it return plain DataFrames.
    """

    __hash__ = None  # type: ignore[assignment]

    @property
    def _constructor(self) -> type[pd.DataFrame]:
        return pd.DataFrame

    def __eq__(self, other: object) -> Any:
        if isinstance(other, AttrsTable):
            return self.equals(other)
        return super().__eq__(other)

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> AttrsTable:
        return AttrsTable(self.copy(deep=True))


def _day_flags(panel: pd.DataFrame) -> pd.DataFrame:
    """The panel's key and its per-day flags as plain bools."""
    return pd.DataFrame(
        {
            "participant_id": panel["participant_id"],
            "date": panel["date"],
            "data": panel["has_data"].astype(bool),
            "activity": panel["has_activity"].astype(bool),
            "run": panel["ran"].fillna(False).astype(bool),
            "mood": panel["has_mood"].astype(bool),
            "sleep": panel["has_sleep"].astype(bool),
        }
    )


def compliance(panel: pd.DataFrame) -> pd.DataFrame:
    """Per-participant tracking coverage of a daily panel.

    Parameters
    ----------
    panel
        A daily panel from :func:`runwell.panel.build_daily_panel` (needs
        ``participant_id``, ``date``, ``has_data``, ``has_activity``, ``has_mood``,
        ``has_sleep`` and ``ran``).

    Returns
    -------
    pandas.DataFrame
        One row per participant: ``participant_id``, ``first_date``, ``last_date``,
        ``n_days`` (days in the window), ``days_data``, ``days_activity``, ``days_run``,
        ``days_mood``, ``days_sleep`` (counts, int64) and ``share_data``,
        ``share_activity``, ``share_mood``, ``share_sleep`` (shares of ``n_days``, float64).

    Examples
    --------
    >>> from runwell import conform, build_daily_panel, compliance
    >>> mood = conform([{"participant_id": "p1", "date": d, "item": "mood", "value_01": 0.5}
    ...                 for d in ("2024-05-01", "2024-05-04")], "mood")
    >>> compliance(build_daily_panel(conform([], "activities"), mood))[
    ...     ["participant_id", "n_days", "days_mood", "share_mood"]]
      participant_id  n_days  days_mood  share_mood
    0             p1       4          2         0.5
    """
    needed = ["participant_id", "date", "has_data", "has_activity", "has_mood", "has_sleep", "ran"]
    require(panel, "daily panel", needed)
    grouped = _day_flags(panel).groupby("participant_id", observed=True, sort=True)
    out = grouped["date"].agg(first_date="min", last_date="max", n_days="size")
    for name in ("data", "activity", "run", "mood", "sleep"):
        out[f"days_{name}"] = grouped[name].sum().astype("int64")
    n_days = out["n_days"].astype("int64")
    out["n_days"] = n_days
    for name in ("data", "activity", "mood", "sleep"):
        out[f"share_{name}"] = out[f"days_{name}"] / n_days.where(n_days > 0)
    out = out.reset_index()
    out["participant_id"] = out["participant_id"].astype("string")
    return out

"""The canonical mood and sleep tables, built from the readers' row dictionaries.

Readers hand over one dictionary per rating or sleep period; the columns every format
derives the same way (``value_01``, local times and dates, durations, efficiency, wake
dates, naps) are computed here, and the rows are put in the canonical order.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from runwell.logs.plausible import plausible_ratings
from runwell.logs.rows import PathLike, RowLog
from runwell.tables import conform, empty_table
from runwell.timezones import to_local_series

__all__ = ["mood_frame", "sleep_frame", "assign_naps"]


def mood_frame(
    rows: list[dict[str, Any]], source: str, path: PathLike, tz: str | None, *, log: RowLog | None = None
) -> pd.DataFrame:
    """Build the canonical mood table from rating dictionaries.

    Parameters
    ----------
    rows
        One dictionary per rating, with ``item``, ``value``, ``scale_min``,
        ``scale_max``, ``source_row`` and either ``time_utc`` (an instant) or
        ``time_local`` (naive, in ``tz``); optionally ``tz``, ``date``, ``context``,
        ``tags`` and ``participant_id``.
    source
        The format, written into ``source``.
    path
        The file, written into ``source_file``.
    tz
        The zone of rows that name none.
    log
        Where ratings with impossible times (:mod:`runwell.logs.plausible`) are
        rejected; without it the first such rating raises :class:`~runwell.errors.InputError`.

    Returns
    -------
    pandas.DataFrame
        The ``mood`` table with ``value_01``, ``date`` and the missing time column
        derived, ordered by participant, time, date and source row.
    """
    rows = plausible_ratings(rows, log, path)
    if not rows:
        return empty_table("mood")
    df = pd.DataFrame(rows)
    df["source"] = source
    df["source_file"] = str(path)
    if "tz" not in df:
        df["tz"] = tz
    df["tz"] = df["tz"].where(df["tz"].notna(), tz)
    if "time_utc" in df:
        df["time_utc"] = pd.to_datetime(df["time_utc"], utc=True)
        local = to_local_series(df["time_utc"], df["tz"])
        if "time_local" in df:
            df["time_local"] = pd.to_datetime(df["time_local"]).where(local.isna(), local)
        else:
            df["time_local"] = local
    df["time_local"] = pd.to_datetime(df.get("time_local"))
    if "date" not in df:
        df["date"] = pd.NaT
    df["date"] = pd.to_datetime(df["date"]).where(df["date"].notna(), df["time_local"].dt.normalize())
    df["value_01"] = (df["value"].astype(float) - df["scale_min"].astype(float)) / (
        df["scale_max"].astype(float) - df["scale_min"].astype(float)
    )
    out = conform(df, "mood")
    out = out.sort_values(["participant_id", "time_utc", "date", "source_row"], kind="stable", na_position="last")
    return out.reset_index(drop=True)


def sleep_frame(rows: list[dict[str, Any]], source: str, path: PathLike) -> pd.DataFrame:
    """Build the canonical sleep table from period dictionaries and flag naps.

    Parameters
    ----------
    rows
        One dictionary per sleep period: instants ``in_bed_start``, ``in_bed_end``,
        ``sleep_start``, ``sleep_end`` (any may be missing), ``tz`` and optionally
        ``wake_date``, ``asleep_h``, ``in_bed_h``, ``efficiency``, ``quality_01``,
        stage hours and ``participant_id``.
    source
        The format, written into ``source``.
    path
        The file, written into ``source_file``.

    Returns
    -------
    pandas.DataFrame
        The ``sleep`` table. Missing durations are derived from the instants;
        ``wake_date`` defaults to the local date (in ``tz``) of the end of sleep, or of
        the end of time in bed; naps are flagged by :func:`assign_naps`.
    """
    if not rows:
        return empty_table("sleep")
    df = pd.DataFrame(rows)
    for col in ("in_bed_start", "in_bed_end", "sleep_start", "sleep_end"):
        df[col] = pd.to_datetime(df.get(col, pd.Series(pd.NaT, index=df.index)), utc=True)
    for col in ("asleep_h", "in_bed_h", "efficiency", "quality_01"):
        df[col] = pd.to_numeric(df[col], errors="coerce") if col in df else np.nan
    in_bed = (df["in_bed_end"] - df["in_bed_start"]).dt.total_seconds() / 3600
    asleep = (df["sleep_end"] - df["sleep_start"]).dt.total_seconds() / 3600
    df["in_bed_h"] = df["in_bed_h"].fillna(in_bed)
    df["asleep_h"] = df["asleep_h"].fillna(asleep)
    df["efficiency"] = df["efficiency"].fillna(df["asleep_h"] / df["in_bed_h"])
    if "tz" not in df:
        df["tz"] = None
    end = df["sleep_end"].fillna(df["in_bed_end"])
    derived = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
    has_tz = df["tz"].notna()
    if has_tz.any():
        derived[has_tz] = to_local_series(end[has_tz], df.loc[has_tz, "tz"]).dt.normalize()
    if "wake_date" not in df:
        df["wake_date"] = pd.NaT
    df["wake_date"] = pd.to_datetime(df["wake_date"]).fillna(derived)
    df["source"] = source
    df["source_file"] = str(path)
    out = assign_naps(conform(df, "sleep"))
    start = out["sleep_start"].fillna(out["in_bed_start"])
    order = (
        out.assign(_start=start)
        .sort_values(["participant_id", "wake_date", "_start"], kind="stable", na_position="last")
        .index
    )
    return out.loc[order].reset_index(drop=True)


def assign_naps(sleep: pd.DataFrame) -> pd.DataFrame:
    """Flag naps: per participant and wake date the longest period is the main sleep.

    Length is ``asleep_h``, or ``in_bed_h`` where sleep time is unknown; ties go to the
    earlier period. Rows without a wake date are never naps. A period already flagged as
    a nap (by a source that says so, e.g. Whoop's ``Nap`` column) stays one and does not
    compete for the main sleep.

    Parameters
    ----------
    sleep
        A canonical ``sleep`` table.

    Returns
    -------
    pandas.DataFrame
        A copy with ``is_nap`` set.
    """
    if sleep.empty:
        return sleep
    df = sleep.copy()
    flagged = df["is_nap"].fillna(False).astype(bool)
    length = df["asleep_h"].fillna(df["in_bed_h"]).fillna(0.0)
    start = df["sleep_start"].fillna(df["in_bed_start"])
    order = pd.DataFrame(
        {
            "pid": df["participant_id"].fillna("\0"),
            "day": df["wake_date"],
            "neg_len": -length,
            "start": start,
        }
    )[~flagged].sort_values(["pid", "day", "neg_len", "start"], kind="stable")
    first = ~order.duplicated(["pid", "day"], keep="first")
    is_nap = pd.Series(True, index=df.index)
    is_nap[first[first].index] = False
    is_nap[df["wake_date"].isna() & ~flagged] = False
    df["is_nap"] = is_nap.astype("boolean")
    return df

"""The run panel: one row per run with the nearest rating of each mood item around it.

Run panel columns (see :data:`runwell.tables.RUN_PANEL`)
--------------------------------------------------------
participant_id, activity_id, sport, sub_sport (string), indoor (boolean, resolved as in
:func:`runwell.panel.inputs.is_indoor`), date (local start day), start_utc, end_utc
(``start_utc + elapsed_s``, else ``moving_s``), start_local, tz, run_min, run_km, avg_hr,
then mood_pre, mood_post, mood_change, minutes_pre, minutes_post (float64), then for
each other item ``<item>_pre``, ``<item>_post``, ``<item>_change``, ``<item>_minutes_pre``,
``<item>_minutes_post``.

A "pre" rating is the latest rating at or before the run's start and at most ``before``
earlier; a "post" rating the earliest at or after the run's end and at most ``after`` later.
A rating made during the run is neither. ``minutes_pre`` is start minus the pre rating's
time; ``minutes_post`` is the post rating's time minus the end. ``attrs`` holds ``value``
and ``scales`` (as the daily panel's) and the counts
``n_runs``, ``n_paired`` (both mood ratings), ``n_pre_only``, ``n_post_only``,
``n_unpaired`` (neither), ``pairing`` (the same per item, as a dict) and ``dropped``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd

from runwell.panel.inputs import (
    DEFAULT_SPORTS,
    as_sports,
    canonical,
    is_indoor,
    is_run,
    item_names,
    item_scales,
    local_day,
    mood_values,
    run_minutes,
)
from runwell.tables import RUN_PANEL

__all__ = ["build_run_panel"]

_RUN_ITEM_SUFFIXES: tuple[str, ...] = ("_pre", "_post", "_change", "_minutes_pre", "_minutes_post")


def _runs(acts: pd.DataFrame, sports: tuple[str, ...]) -> pd.DataFrame:
    """The run fields of the run panel, one row per run with a start time."""
    runs = acts[is_run(acts, sports).to_numpy()].reset_index(drop=True)
    length_s = runs["elapsed_s"].fillna(runs["moving_s"]).fillna(0.0).clip(lower=0.0)
    out = pd.DataFrame(
        {
            "participant_id": runs["participant_id"],
            "activity_id": runs["activity_id"],
            "sport": runs["sport"],
            "sub_sport": runs["sub_sport"],
            "indoor": is_indoor(runs).astype("boolean"),
            "date": local_day(runs["start_local"], runs["start_utc"], runs["tz"]),
            "start_utc": runs["start_utc"],
            "end_utc": runs["start_utc"] + pd.to_timedelta(length_s, unit="s"),
            "start_local": runs["start_local"],
            "tz": runs["tz"],
            "run_min": run_minutes(runs),
            "run_km": runs["distance_m"] / 1000.0,
            "avg_hr": runs["avg_hr"],
        }
    )
    return out


def _ratings(mood: pd.DataFrame, value: str) -> pd.DataFrame:
    """Each rating's participant, instant, item and value on the chosen scale."""
    return pd.DataFrame(
        {
            "participant_id": mood["participant_id"],
            "time_utc": mood["time_utc"],
            "item": mood["item"],
            "value": mood_values(mood, value),
        }
    )


def _nearest(
    runs: pd.DataFrame, ratings: pd.DataFrame, *, side: str, window: pd.Timedelta
) -> tuple[pd.Series, pd.Series]:
    """Value and minutes of the nearest rating before the start or after the end.

    Ratings are matched per participant with :func:`pandas.merge_asof`: "pre" is the latest
    rating at or before the start within ``window``, "post" the earliest at or after the
    end within ``window``. Returns two Series aligned to ``runs``.
    """
    start, end = runs["start_utc"], runs["end_utc"]
    if side == "pre":
        key, direction = start, "backward"
    else:
        # a rating at the start of a zero-length run is its "pre", not also its "post"
        key, direction = end.where(end > start, start + pd.Timedelta(1, "ns")), "forward"
    left = pd.DataFrame({"participant_id": runs["participant_id"], "key": key, "start": start, "end": end})
    left["row"] = np.arange(len(left))
    right = ratings[["participant_id", "time_utc", "value"]].rename(columns={"time_utc": "at"})
    matched = pd.merge_asof(
        left.sort_values("key", kind="stable"),
        right.sort_values("at", kind="stable"),
        left_on="key",
        right_on="at",
        by="participant_id",
        direction=direction,
        tolerance=window,
        allow_exact_matches=True,
    ).sort_values("row")
    gap = matched["start"] - matched["at"] if side == "pre" else matched["at"] - matched["end"]
    value = pd.Series(matched["value"].to_numpy(dtype="float64", na_value=np.nan), index=runs.index)
    minutes = gap.dt.total_seconds().to_numpy(dtype="float64", na_value=np.nan) / 60.0
    minutes = pd.Series(minutes, index=runs.index)
    return value, minutes.where(value.notna())


def _as_window(value: str | pd.Timedelta | timedelta, name: str) -> pd.Timedelta:
    """``before`` / ``after`` as a non-negative Timedelta."""
    window = pd.Timedelta(value)
    if pd.isna(window) or window < pd.Timedelta(0):
        raise ValueError(f"{name} must be a non-negative duration such as '3h', got {value!r}")
    return window


def _pair_item(
    runs: pd.DataFrame,
    ratings: pd.DataFrame,
    item: str,
    windows: tuple[pd.Timedelta, pd.Timedelta],
    columns: dict[str, pd.Series],
) -> dict[str, int]:
    """Add one item's pre/post/change/minutes columns to ``columns``; return its counts."""
    these = ratings[ratings["item"].eq(item).fillna(False).to_numpy()]
    pre, min_pre = _nearest(runs, these, side="pre", window=windows[0])
    post, min_post = _nearest(runs, these, side="post", window=windows[1])
    prefix = "" if item == "mood" else f"{item}_"
    columns[f"{item}_pre"] = pre
    columns[f"{item}_post"] = post
    columns[f"{item}_change"] = post - pre
    columns[f"{prefix}minutes_pre"] = min_pre
    columns[f"{prefix}minutes_post"] = min_post
    has_pre, has_post = pre.notna(), post.notna()
    return {
        "paired": int((has_pre & has_post).sum()),
        "pre_only": int((has_pre & ~has_post).sum()),
        "post_only": int((~has_pre & has_post).sum()),
        "unpaired": int((~has_pre & ~has_post).sum()),
    }


def _order_run(out: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    """Final column order and dtypes of the run panel."""
    columns = list(RUN_PANEL)
    dtypes = dict(RUN_PANEL)
    for item in items[1:]:
        for suffix in ("pre", "post", "change", "minutes_pre", "minutes_post"):
            columns.append(f"{item}_{suffix}")
            dtypes[f"{item}_{suffix}"] = "float64"
    return out[columns].astype(dtypes)


def _run_attrs(
    out: pd.DataFrame,
    pairing: dict[str, dict[str, int]],
    items: list[str],
    windows: tuple[pd.Timedelta, pd.Timedelta],
    dropped: dict[str, int],
) -> dict[str, Any]:
    """The run panel's ``attrs``: pairing counts of the mood item first, then the rest."""
    mood_pairs = pairing["mood"]
    return {
        "n_runs": len(out),
        "n_paired": mood_pairs["paired"],
        "n_pre_only": mood_pairs["pre_only"],
        "n_post_only": mood_pairs["post_only"],
        "n_unpaired": mood_pairs["unpaired"],
        "pairing": pairing,
        "items": items,
        "before": str(windows[0]),
        "after": str(windows[1]),
        "dropped": dropped,
    }


def build_run_panel(
    activities: pd.DataFrame,
    mood: pd.DataFrame | None,
    *,
    before: str | pd.Timedelta | timedelta = "3h",
    after: str | pd.Timedelta | timedelta = "3h",
    sports: Iterable[str] = DEFAULT_SPORTS,
    value: str = "value_01",
) -> pd.DataFrame:
    """One row per run with the nearest rating of each mood item before and after it.

    Parameters
    ----------
    activities
        The canonical activities table; rows whose ``sport`` is in ``sports`` are runs.
    mood
        The canonical mood table (None or empty gives missing ratings).
    before, after
        How far before the start / after the end a rating may be (e.g. ``"3h"``).
    sports
        The ``sport`` values counted as runs.
    value
        ``"value_01"`` (ratings rescaled to 0..1, default) or ``"value"`` (raw scale).

    Returns
    -------
    pandas.DataFrame
        The run panel (columns in the module docstring and
        :data:`runwell.tables.RUN_PANEL`), sorted by participant and start time; runs
        without a rating stay in with missing values. ``attrs`` holds the pairing counts.

    Examples
    --------
    >>> from runwell import conform, build_run_panel
    >>> acts = conform([{"participant_id": "p1", "activity_id": "a", "sport": "running",
    ...                  "start_utc": "2024-05-01 06:00Z", "start_local": "2024-05-01 08:00",
    ...                  "tz": "Europe/Berlin", "elapsed_s": 1800}], "activities")
    >>> mood = conform([{"participant_id": "p1", "time_utc": t, "item": "mood", "value_01": v}
    ...                 for t, v in (("2024-05-01 05:40Z", 0.5), ("2024-05-01 06:45Z", 0.75))],
    ...                "mood")
    >>> runs = build_run_panel(acts, mood)
    >>> runs[["mood_pre", "mood_post", "mood_change", "minutes_pre", "minutes_post"]]
       mood_pre  mood_post  mood_change  minutes_pre  minutes_post
    0       0.5       0.75         0.25         20.0          15.0
    >>> runs.attrs["n_paired"], runs.attrs["n_unpaired"]
    (1, 0)
    """
    sports = as_sports(sports)
    windows = _as_window(before, "before"), _as_window(after, "after")
    acts = canonical(activities, "activities", ["sport"])
    ratings_in = canonical(mood, "mood", ["item"])
    runs = _runs(acts, sports)
    ratings = _ratings(ratings_in, value)
    usable = ratings["time_utc"].notna() & ratings["value"].notna() & ratings["item"].notna()
    dropped = {"runs": int(runs["start_utc"].isna().sum()), "mood": int((~usable).sum())}
    runs = runs[runs["start_utc"].notna()]
    runs = runs.sort_values(["participant_id", "start_utc"], kind="stable").reset_index(drop=True)
    ratings = ratings[usable.to_numpy()]
    items = item_names(ratings["item"].unique(), RUN_PANEL, _RUN_ITEM_SUFFIXES)
    columns: dict[str, pd.Series] = {}
    pairing = {item: _pair_item(runs, ratings, item, windows, columns) for item in items}
    out = pd.concat([runs, pd.DataFrame(columns, index=runs.index)], axis=1)
    out = _order_run(out, items)
    out.attrs = _run_attrs(out, pairing, items, windows, dropped)
    out.attrs.update(value=value, scales=item_scales(ratings_in, value))
    return out

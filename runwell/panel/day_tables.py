"""Each source placed on local days and summed per participant and day.

Activities belong to the local day of their start, ratings to their ``date`` (else the
local day of their time) and sleep periods to the day you woke up (``wake_date``, else the
local day of ``sleep_end``). The ``prepare_*`` functions place the rows; the ``*_days``
functions reduce them to one row per participant and day, ready to join onto the day
grid of :mod:`runwell.panel.windows`.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from runwell.panel.inputs import NAIVE, is_indoor, is_run, local_day, mood_values, run_minutes

__all__ = [
    "activity_days",
    "mood_days",
    "prepare_activities",
    "prepare_mood",
    "prepare_sleep",
    "sleep_days",
]

_KEYS = ["participant_id", "date"]


# --------------------------------------------------------------------------- rows on days
def prepare_activities(act: pd.DataFrame, sports: Iterable[str]) -> pd.DataFrame:
    """Activities with their local day, run flag, minutes, km and indoor flag."""
    out = pd.DataFrame(
        {
            "participant_id": act["participant_id"],
            "date": local_day(act["start_local"], act["start_utc"], act["tz"]),
            "is_run": is_run(act, sports),
            "minutes": run_minutes(act),
            "km": act["distance_m"] / 1000.0,
            "indoor": is_indoor(act),
        }
    )
    return out


def prepare_mood(mood: pd.DataFrame, value: str) -> pd.DataFrame:
    """Ratings with their local day (from `date`, else the local time) and the value used."""
    day = mood["date"].astype(NAIVE).dt.normalize()
    day = day.where(day.notna(), local_day(mood["time_local"], mood["time_utc"], mood["tz"]))
    return pd.DataFrame(
        {
            "participant_id": mood["participant_id"],
            "date": day.astype(NAIVE),
            "time_utc": mood["time_utc"],
            "item": mood["item"],
            "value": mood_values(mood, value),
        }
    )


def prepare_sleep(sleep: pd.DataFrame) -> pd.DataFrame:
    """Sleep periods with their wake day, hours asleep and nap flag."""
    end = sleep["sleep_end"].fillna(sleep["in_bed_end"])
    day = sleep["wake_date"].astype(NAIVE).dt.normalize()
    day = day.where(day.notna(), local_day(pd.Series(pd.NaT, index=sleep.index), end, sleep["tz"]))
    hours = (sleep["sleep_end"] - sleep["sleep_start"]).dt.total_seconds() / 3600.0
    return pd.DataFrame(
        {
            "participant_id": sleep["participant_id"],
            "date": day.astype(NAIVE),
            "asleep_h": sleep["asleep_h"].fillna(hours),
            "is_nap": sleep["is_nap"].fillna(False).astype(bool),
        }
    )


# --------------------------------------------------------------------------- day tables
def activity_days(acts: pd.DataFrame) -> pd.DataFrame:
    """Per participant-day: number of activities and the run totals (NaN-propagating)."""
    counts = acts.groupby(_KEYS, observed=True).size().rename("n_activities")
    runs = acts[acts["is_run"]]
    run_days = pd.DataFrame(
        {
            "participant_id": runs["participant_id"],
            "date": runs["date"],
            "run_count": 1,
            "run_min": runs["minutes"],
            "run_km": runs["km"],
            "run_min_outdoor": runs["minutes"].where(~runs["indoor"], 0.0),
            "run_min_indoor": runs["minutes"].where(runs["indoor"], 0.0),
        }
    )
    totals = run_days.groupby(_KEYS, observed=True).sum(skipna=False)
    return pd.concat([counts, totals], axis=1).reset_index()


def mood_days(ratings: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    """Per participant-day: the mean of each item, one column per item."""
    if ratings.empty:
        return pd.DataFrame({**{k: ratings[k] for k in _KEYS}, **{i: [] for i in items}})
    means = ratings.groupby([*_KEYS, "item"], observed=True)["value"].mean()
    wide = means.unstack("item")
    wide.columns = wide.columns.astype(str)
    wide = wide.reindex(columns=items)
    wide.columns.name = None
    return wide.reset_index()


def sleep_days(periods: pd.DataFrame) -> pd.DataFrame:
    """Per participant wake day: any sleep period, and hours of main sleep."""
    any_sleep = periods.groupby(_KEYS, observed=True).size().rename("n_sleep")
    main = periods[~periods["is_nap"]]
    hours = main.groupby(_KEYS, observed=True)["asleep_h"].sum(skipna=False).rename("sleep_prev_h")
    out = pd.concat([any_sleep, hours], axis=1).reset_index()
    out["has_sleep"] = out.set_index(_KEYS).index.isin(main.set_index(_KEYS).index)
    return out

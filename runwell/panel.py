"""The analysis panel: runs, mood and sleep joined per person and day, and per run.

Two builders turn the canonical tables of :mod:`runwell.tables` into the tables the
models use:

* :func:`build_daily_panel` -> one row per participant and *local* calendar day, for every
  day of the participant's window, days without a run and days without any data included.
* :func:`build_run_panel` -> one row per run with the nearest rating of each mood item
  before and after it.

How days and times are cut
--------------------------
* Instants are compared in UTC. Days are cut in the local zone the row was recorded in:
  an activity's day is the calendar day of ``start_local`` (or of ``start_utc`` in ``tz``
  when ``start_local`` is missing), so travel between zones is handled per activity and a
  DST change day is simply a shorter or longer calendar day. A run crossing midnight
  belongs entirely to its start day.
* A mood rating's day is its ``date`` (else the day of ``time_local``, else of ``time_utc``
  in ``tz``). Sleep belongs to the day you woke up (``wake_date``, else the local day of
  ``sleep_end``): ``sleep_prev_h`` is the night you woke from that morning and
  ``sleep_next_h`` the night after the day.
* A participant's window runs from the first to the last observation of any kind (an
  activity of any sport, a rating, a sleep period), or from ``start`` / to ``end`` when given.

Gaps are not zeros
------------------
A day with no activity of any sport and no log entry (rating or sleep period) has
``has_data`` false. On such a day the day's own run variables (``ran``, ``run_count``,
``run_min``, ``run_km``, ``run_min_outdoor``, ``run_min_indoor``, ``days_since_run``) are
*missing*, not zero: "no data" is not "no run". The windowed load variables (``runs_7d``,
``run_min_7d``, ``run_min_28d``, ``acwr``) add up the runs *recorded* in the previous days
(a day without data adds nothing); ``data_days_7d`` says how many of those 7 days had data,
so an analysis can require full coverage. They are missing until the window lies inside
the participant's observed history (7 or 28 days after the first observation), and the
minute sums are missing whenever a run in their window has an unknown duration. Lags
(``<var>_lag1``) take the previous *calendar* day only, so a missing day gives a missing
lag, never an older value.

Run duration is ``moving_s`` when known, else ``elapsed_s``. A run with an unknown
``indoor`` flag is indoor when its sport is ``treadmill_running`` or its ``sub_sport`` is
one of :data:`INDOOR_SUB_SPORTS`, else outdoor, so ``run_min_outdoor + run_min_indoor ==
run_min``. Mood values are ``value_01`` (0..1, comparable between apps) by default;
``value="value"`` keeps each source's raw scale.

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

``panel.attrs`` holds ``"compliance"`` (the :func:`compliance` table), ``"items"`` (the
mood items, ``"mood"`` first), ``"sports"``, ``"value"`` and ``"dropped"`` (counts of input
rows that could not be placed on a day or had no value or item, per table).

The compliance table in ``attrs`` is a DataFrame whose ``==`` against another compliance
table is one bool (see :class:`_AttrsTable`): pandas compares ``attrs`` whenever it merges
or concatenates two frames that both carry them, and a plain DataFrame there makes
``panel.merge(panel[cols])`` or ``pd.concat([panel_a, panel_b])`` raise. Merging two
different panels keeps no ``attrs`` (pandas' rule); :func:`compliance` recomputes the
table from any daily panel.

Run panel columns (see :data:`runwell.tables.RUN_PANEL`)
--------------------------------------------------------
participant_id, activity_id, sport, sub_sport (string), indoor (boolean, resolved as
above), date (local start day), start_utc, end_utc (``start_utc + elapsed_s``, else
``moving_s``), start_local, tz, run_min, run_km, avg_hr,
then mood_pre, mood_post, mood_change, minutes_pre, minutes_post (float64), then for
each other item ``<item>_pre``, ``<item>_post``, ``<item>_change``, ``<item>_minutes_pre``,
``<item>_minutes_post``.

A "pre" rating is the latest rating at or before the run's start and at most ``before``
earlier; a "post" rating the earliest at or after the run's end and at most ``after`` later.
A rating made during the run is neither. ``minutes_pre`` is start minus the pre rating's
time; ``minutes_post`` is the post rating's time minus the end. ``attrs`` holds the counts
``n_runs``, ``n_paired`` (both mood ratings), ``n_pre_only``, ``n_post_only``,
``n_unpaired`` (neither), ``pairing`` (the same per item, as a dict) and ``dropped``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date as _date
from datetime import datetime, timedelta
from typing import Any, TypeAlias

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from runwell.errors import InputError
from runwell.tables import DAILY_PANEL, INDOOR_SUB_SPORTS, RUN_PANEL, RUNNING_SPORTS, conform, empty_table
from runwell.timezones import to_local_series

__all__ = [
    "DEFAULT_SPORTS",
    "INDOOR_SUB_SPORTS",
    "build_daily_panel",
    "build_run_panel",
    "compliance",
    "person_mean_split",
    "WITHIN_BETWEEN_VARS",
]

#: The sports counted as runs unless ``sports`` says otherwise.
DEFAULT_SPORTS: tuple[str, ...] = RUNNING_SPORTS

#: Variables split into between-person mean and within-person deviation.
WITHIN_BETWEEN_VARS: tuple[str, ...] = ("ran", "run_min", "run_km", "runs_7d")

#: Day variables that get a ``<var>_lag1`` column (plus every mood item).
LAG_VARS: tuple[str, ...] = ("ran", "run_count", "run_min", "run_km")

DateLike: TypeAlias = str | _date | datetime | pd.Timestamp | np.datetime64
Bound: TypeAlias = DateLike | Mapping[str, DateLike] | pd.Series | None

_DAY = pd.Timedelta(days=1)
_NAIVE = "datetime64[ns]"
_DAILY_ITEM_SUFFIXES: tuple[str, ...] = ("", "_lag1")
_RUN_ITEM_SUFFIXES: tuple[str, ...] = ("_pre", "_post", "_change", "_minutes_pre", "_minutes_post")


class _AttrsTable(pd.DataFrame):
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

    def __eq__(self, other: object) -> Any:  # type: ignore[override]
        if isinstance(other, _AttrsTable):
            return self.equals(other)
        return super().__eq__(other)

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> _AttrsTable:
        return _AttrsTable(self.copy(deep=True))


# --------------------------------------------------------------------------- time zones
def _local_wall_time(utc: pd.Series, tz: pd.Series) -> pd.Series:
    """Naive local wall-clock times of UTC instants, each in its own row's zone.

    Rows with a missing instant, a missing zone or an unknown zone give ``NaT``.
    """
    return to_local_series(utc, tz).astype(_NAIVE)


def _local_day(local: pd.Series, utc: pd.Series, tz: pd.Series) -> pd.Series:
    """Local calendar day: of ``local`` where known, else of ``utc`` seen in ``tz``."""
    day = local.astype(_NAIVE).dt.normalize()
    missing = day.isna()
    if missing.any():
        derived = _local_wall_time(utc[missing], tz[missing]).dt.normalize()
        day = day.where(~missing, derived)
    return day.astype(_NAIVE)


# --------------------------------------------------------------------------- inputs
def _require(frame: object, table: str, columns: Iterable[str]) -> None:
    """Raise a clear error when a table is not a DataFrame or lacks key columns."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{table} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [col for col in columns if col not in frame.columns]
    if missing:
        raise InputError(
            None,
            f"the {table} table has no column {', '.join(map(repr, missing))}",
            fix=f"build it with a runwell reader or runwell.conform(frame, {table!r})",
        )


def _canonical(frame: pd.DataFrame | None, table: str, key: Iterable[str]) -> pd.DataFrame:
    """Check and conform one input table (``None`` gives the empty table)."""
    if frame is None:
        return empty_table(table)
    _require(frame, table, ["participant_id", *key])
    out = conform(frame, table)
    if out["participant_id"].isna().any():
        n = int(out["participant_id"].isna().sum())
        raise InputError(
            None,
            f"{n} row(s) of the {table} table have no participant_id",
            field="participant_id",
            fix="pass participant_id to the reader so every row names its participant",
        )
    return out


def _run_minutes(act: pd.DataFrame) -> pd.Series:
    """Run duration in minutes: moving time when known, else elapsed time."""
    return act["moving_s"].fillna(act["elapsed_s"]) / 60.0


def _is_indoor(act: pd.DataFrame) -> pd.Series:
    """The ``indoor`` flag, inferred from sport and sub-sport where it is missing."""
    inferred = act["sport"].eq("treadmill_running").fillna(False) | act["sub_sport"].isin(
        INDOOR_SUB_SPORTS
    ).fillna(False)
    return act["indoor"].fillna(inferred).astype(bool)


def _sports(sports: Iterable[str]) -> tuple[str, ...]:
    """``sports`` as a tuple; a single string is one sport, not its letters."""
    return (sports,) if isinstance(sports, str) else tuple(sports)


def _is_run(act: pd.DataFrame, sports: Iterable[str]) -> pd.Series:
    return act["sport"].isin(tuple(sports)).fillna(False).astype(bool)


def _mood_values(mood: pd.DataFrame, value: str) -> pd.Series:
    """The rating values used, filling ``value_01`` from ``value`` and the scale."""
    if value == "value":
        return mood["value"]
    if value != "value_01":
        raise ValueError(f"value must be 'value_01' or 'value', got {value!r}")
    span = mood["scale_max"] - mood["scale_min"]
    rescaled = (mood["value"] - mood["scale_min"]) / span.where(span != 0)
    return mood["value_01"].fillna(rescaled)


def _item_names(items: Iterable[str], fixed: Iterable[str], suffixes: Iterable[str]) -> list[str]:
    """Mood items in column order: ``"mood"`` first, then the others sorted.

    Raises when an item's columns (``<item><suffix>``) would overwrite a fixed column,
    e.g. an item called ``"ran"`` in the daily panel.
    """
    names = sorted(set(items) - {"mood"})
    taken = set(fixed)
    clash = [n for n in names if any(f"{n}{suffix}" in taken for suffix in suffixes)]
    if clash:
        raise InputError(
            None,
            f"mood item name(s) {clash} would overwrite panel columns of the same name",
            field="item",
            fix="rename those items in the mood table before building the panel",
        )
    return ["mood", *names]


def _prepare_activities(act: pd.DataFrame, sports: Iterable[str]) -> pd.DataFrame:
    """Activities with their local day, run flag, minutes, km and indoor flag."""
    out = pd.DataFrame(
        {
            "participant_id": act["participant_id"],
            "date": _local_day(act["start_local"], act["start_utc"], act["tz"]),
            "is_run": _is_run(act, sports),
            "minutes": _run_minutes(act),
            "km": act["distance_m"] / 1000.0,
            "indoor": _is_indoor(act),
        }
    )
    return out


def _prepare_mood(mood: pd.DataFrame, value: str) -> pd.DataFrame:
    """Ratings with their local day (from `date`, else the local time) and the value used."""
    day = mood["date"].astype(_NAIVE).dt.normalize()
    day = day.where(day.notna(), _local_day(mood["time_local"], mood["time_utc"], mood["tz"]))
    return pd.DataFrame(
        {
            "participant_id": mood["participant_id"],
            "date": day.astype(_NAIVE),
            "time_utc": mood["time_utc"],
            "item": mood["item"],
            "value": _mood_values(mood, value),
        }
    )


def _prepare_sleep(sleep: pd.DataFrame) -> pd.DataFrame:
    """Sleep periods with their wake day, hours asleep and nap flag."""
    end = sleep["sleep_end"].fillna(sleep["in_bed_end"])
    day = sleep["wake_date"].astype(_NAIVE).dt.normalize()
    day = day.where(day.notna(), _local_day(pd.Series(pd.NaT, index=sleep.index), end, sleep["tz"]))
    hours = (sleep["sleep_end"] - sleep["sleep_start"]).dt.total_seconds() / 3600.0
    return pd.DataFrame(
        {
            "participant_id": sleep["participant_id"],
            "date": day.astype(_NAIVE),
            "asleep_h": sleep["asleep_h"].fillna(hours),
            "is_nap": sleep["is_nap"].fillna(False).astype(bool),
        }
    )


# --------------------------------------------------------------------------- day tables
def _activity_days(acts: pd.DataFrame) -> pd.DataFrame:
    """Per participant-day: number of activities and the run totals (NaN-propagating)."""
    keys = ["participant_id", "date"]
    counts = acts.groupby(keys, observed=True).size().rename("n_activities")
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
    totals = run_days.groupby(keys, observed=True).sum(skipna=False)
    return pd.concat([counts, totals], axis=1).reset_index()


def _mood_days(ratings: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    """Per participant-day: the mean of each item, one column per item."""
    keys = ["participant_id", "date"]
    if ratings.empty:
        return pd.DataFrame({**{k: ratings[k] for k in keys}, **{i: [] for i in items}})
    means = ratings.groupby([*keys, "item"], observed=True)["value"].mean()
    wide = means.unstack("item")
    wide.columns = wide.columns.astype(str)
    wide = wide.reindex(columns=items)
    wide.columns.name = None
    return wide.reset_index()


def _sleep_days(periods: pd.DataFrame) -> pd.DataFrame:
    """Per participant wake day: any sleep period, and hours of main sleep."""
    keys = ["participant_id", "date"]
    any_sleep = periods.groupby(keys, observed=True).size().rename("n_sleep")
    main = periods[~periods["is_nap"]]
    hours = main.groupby(keys, observed=True)["asleep_h"].sum(skipna=False).rename("sleep_prev_h")
    out = pd.concat([any_sleep, hours], axis=1).reset_index()
    out["has_sleep"] = out.set_index(keys).index.isin(main.set_index(keys).index)
    return out


# --------------------------------------------------------------------------- windows
def _bound(value: Bound, pids: pd.Index, name: str) -> pd.Series:
    """``start``/``end`` as a per-participant Series of local midnights (NaT = not given)."""
    if value is None:
        return pd.Series(pd.NaT, index=pids, dtype=_NAIVE)
    if isinstance(value, (Mapping, pd.Series)):
        items = dict(value.items())
        stamps = {pid: _as_day(items[pid], name) if pid in items else pd.NaT for pid in pids}
        return pd.Series(stamps, index=pids, dtype=_NAIVE)
    return pd.Series(_as_day(value, name), index=pids, dtype=_NAIVE)


def _as_day(value: Any, name: str) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        raise ValueError(
            f"{name} must be a local calendar day such as '2024-03-01', "
            f"not a time zone aware instant ({value!r})"
        )
    return stamp.normalize()


def _windows(days: list[pd.DataFrame], start: Bound, end: Bound) -> pd.DataFrame:
    """Per participant: first/last observation, the window and the (wider) grid."""
    stacked = pd.concat([d[["participant_id", "date"]] for d in days], ignore_index=True)
    span = stacked.dropna().groupby("participant_id", observed=True)["date"].agg(["min", "max"])
    span = span.sort_index()
    pids = span.index
    first, last = span["min"].astype(_NAIVE), span["max"].astype(_NAIVE)
    win_start = _bound(start, pids, "start").fillna(first)
    win_end = _bound(end, pids, "end").fillna(last)
    return pd.DataFrame(
        {
            "first_obs": first,
            "last_obs": last,
            "win_start": win_start,
            "win_end": win_end,
            "grid_start": np.minimum(first, win_start).astype(_NAIVE),
            "grid_end": np.maximum(last, win_end).astype(_NAIVE),
        },
        index=pids,
    )


def _day_grid(windows: pd.DataFrame) -> pd.DataFrame:
    """Every (participant, day) from each ``grid_start`` to ``grid_end``, sorted."""
    n_days = ((windows["grid_end"] - windows["grid_start"]) // _DAY + 1).clip(lower=0)
    n_days = n_days.to_numpy(dtype=np.int64)
    total = int(n_days.sum())
    offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(n_days) - n_days, n_days)
    starts = np.repeat(windows["grid_start"].to_numpy(dtype=_NAIVE), n_days)
    grid = pd.DataFrame(
        {
            "participant_id": pd.array(np.repeat(windows.index.to_numpy(), n_days), dtype="string"),
            "date": starts + offsets.astype("timedelta64[D]").astype("timedelta64[ns]"),
        }
    )
    for col in ("first_obs", "win_start", "win_end"):
        grid[col] = np.repeat(windows[col].to_numpy(dtype=_NAIVE), n_days)
    return grid


# --------------------------------------------------------------------------- day math
def _prev_sum(values: np.ndarray, n: int) -> np.ndarray:
    """``out[t] = values[t-n:t].sum()`` (NaN when t < n or any value is NaN)."""
    out = np.full(len(values), np.nan)
    if len(values) > n:
        out[n:] = sliding_window_view(values, n)[:-1].sum(axis=1)
    return out


def _consecutive(grid: pd.DataFrame, step: int) -> np.ndarray:
    """True where the row ``step`` rows away is the same participant's adjacent day."""
    pid, day = grid["participant_id"], grid["date"]
    same = pid.eq(pid.shift(step)).fillna(False).astype(bool)
    adjacent = (day.shift(step) - day).eq(-step * _DAY).fillna(False).astype(bool)
    return (same & adjacent).to_numpy()


def _shifted(series: pd.Series, ok: np.ndarray, step: int) -> pd.Series:
    """``series`` shifted by ``step`` rows, missing where ``ok`` is false."""
    return series.shift(step).where(ok)


def _add_run_columns(grid: pd.DataFrame) -> None:
    """Day run variables, missing on days without data (in place)."""
    has_data = grid["has_data"].to_numpy()
    count = grid["run_count"].fillna(0)
    grid["run_count"] = count.astype("Int64").where(has_data)
    grid["ran"] = (count > 0).astype("boolean").where(has_data)
    no_run = grid["run_count"].eq(0).fillna(False).to_numpy()
    for col in ("run_min", "run_km", "run_min_outdoor", "run_min_indoor"):
        grid[col] = grid[col].astype("float64").mask(no_run, 0.0).where(has_data)


def _add_load_columns(grid: pd.DataFrame) -> None:
    """Runs and minutes over the previous 7 and 28 days, the ACWR, coverage (in place)."""
    history = ((grid["date"] - grid["first_obs"]) // _DAY).to_numpy()
    counts = grid["run_count"].astype("float64").fillna(0.0).to_numpy()
    # a day without data adds no minutes; a run of unknown length makes the sum unknown
    minutes = grid["run_min"].to_numpy(dtype="float64", na_value=np.nan)
    minutes = np.where(grid["has_data"].to_numpy(), minutes, 0.0)
    data_days = grid["has_data"].to_numpy(dtype="float64")
    runs_7d = np.where(history >= 7, _prev_sum(counts, 7), np.nan)
    grid["runs_7d"] = pd.array(runs_7d, dtype="Float64").astype("Int64")
    grid["run_min_7d"] = np.where(history >= 7, _prev_sum(minutes, 7), np.nan)
    grid["run_min_28d"] = np.where(history >= 28, _prev_sum(minutes, 28), np.nan)
    chronic = grid["run_min_28d"] / 4.0
    grid["acwr"] = grid["run_min_7d"] / chronic.where(chronic > 0)
    covered = np.where(history >= 7, _prev_sum(data_days, 7), np.nan)
    grid["data_days_7d"] = pd.array(covered, dtype="Float64").astype("Int64")


def _add_days_since_run(grid: pd.DataFrame) -> None:
    """Days since the most recent run day (0 on a run day) (in place)."""
    ran = grid["ran"].fillna(False).astype(bool)
    last = grid["date"].where(ran).groupby(grid["participant_id"], observed=True).ffill()
    days = ((grid["date"] - last) // _DAY).astype("Int64")
    grid["days_since_run"] = days.where(grid["has_data"].to_numpy())


def person_mean_split(values: pd.Series, participant: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Within-person deviation and between-person mean of a variable.

    The one definition of the panel's ``<var>_within`` / ``<var>_between`` columns, used
    by the panel builder, the simulator and the models' fallback for panels without them.

    Parameters
    ----------
    values
        The variable, one value per row (missing values are left out of the means).
    participant
        The participant of each row, aligned with ``values``.

    Returns
    -------
    tuple of pandas.Series
        ``(within, between)``: each value minus its person's mean (missing where
        ``values`` is), and that mean on every row of the person (float64). They add
        back to ``values``.

    Examples
    --------
    >>> import pandas as pd
    >>> values, who = pd.Series([1.0, 3.0, 10.0]), pd.Series(["a", "a", "b"])
    >>> within, between = person_mean_split(values, who)
    >>> list(within), list(between)
    ([-1.0, 1.0, 0.0], [2.0, 2.0, 10.0])
    """
    values = values.astype("float64")
    between = values.groupby(participant, observed=True, sort=False).transform("mean")
    return values - between, between


def _add_within_between(panel: pd.DataFrame) -> None:
    """Person mean (between) and deviation from it (within) of each run variable."""
    for var in WITHIN_BETWEEN_VARS:
        within, between = person_mean_split(panel[var], panel["participant_id"])
        panel[f"{var}_between"] = between
        panel[f"{var}_within"] = within


def _add_calendar(panel: pd.DataFrame) -> None:
    panel["study_day"] = ((panel["date"] - panel["win_start"]) // _DAY).astype("int64")
    panel["weekday"] = panel["date"].dt.day_of_week.astype("int64")
    panel["weekend"] = panel["weekday"] >= 5


# --------------------------------------------------------------------------- public API
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
        mood item other than ``mood``). ``attrs["compliance"]`` holds :func:`compliance`.

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
    sports = _sports(sports)
    acts = _canonical(activities, "activities", ["sport"])
    ratings_in = _canonical(mood, "mood", ["item"])
    sleep_in = _canonical(sleep, "sleep", [])

    acts_p = _prepare_activities(acts, sports)
    ratings = _prepare_mood(ratings_in, value)
    periods = _prepare_sleep(sleep_in)
    usable = ratings["date"].notna() & ratings["value"].notna() & ratings["item"].notna()
    dropped = {
        "activities": int(acts_p["date"].isna().sum()),
        "mood": int((~usable).sum()),
        "sleep": int(periods["date"].isna().sum()),
    }
    acts_p = acts_p[acts_p["date"].notna()]
    ratings = ratings[usable.to_numpy()]
    periods = periods[periods["date"].notna()]
    items = _item_names(ratings["item"].unique(), DAILY_PANEL, _DAILY_ITEM_SUFFIXES)

    windows = _windows([acts_p, ratings, periods], start, end)
    grid = _day_grid(windows)
    keys = ["participant_id", "date"]
    for day_table in (_activity_days(acts_p), _mood_days(ratings, items), _sleep_days(periods)):
        day_table["participant_id"] = day_table["participant_id"].astype("string")
        day_table["date"] = day_table["date"].astype(_NAIVE)
        grid = grid.merge(day_table, on=keys, how="left", validate="one_to_one")

    grid["has_activity"] = grid["n_activities"].fillna(0).gt(0).astype(bool)
    grid["has_mood"] = grid[items].notna().any(axis=1).astype(bool)
    grid["has_sleep"] = grid["has_sleep"].fillna(False).astype(bool)
    grid["has_data"] = grid["has_activity"] | grid["has_mood"] | grid["n_sleep"].fillna(0).gt(0)

    _add_run_columns(grid)
    _add_load_columns(grid)
    _add_days_since_run(grid)

    prev_ok, next_ok = _consecutive(grid, 1), _consecutive(grid, -1)
    lagged = [*LAG_VARS, *items, "sleep_prev_h"]
    for var in lagged:
        grid[f"{var}_lag1"] = _shifted(grid[var], prev_ok, 1)
    grid["sleep_next_h"] = _shifted(grid["sleep_prev_h"], next_ok, -1)
    grid["mood_change"] = grid["mood"] - grid["mood_lag1"]

    in_window = (grid["date"] >= grid["win_start"]) & (grid["date"] <= grid["win_end"])
    panel = grid[in_window.to_numpy()].reset_index(drop=True)
    person_mood = panel["mood"].groupby(panel["participant_id"], observed=True).transform("mean")
    panel["mood_dev"] = panel["mood"] - person_mood
    _add_within_between(panel)
    _add_calendar(panel)

    panel = _order_daily(panel, items)
    panel.attrs = {
        "compliance": _AttrsTable(compliance(panel)),
        "items": items,
        "sports": list(sports),
        "value": value,
        "dropped": dropped,
    }
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


def compliance(panel: pd.DataFrame) -> pd.DataFrame:
    """Per-participant tracking coverage of a daily panel.

    Parameters
    ----------
    panel
        A daily panel from :func:`build_daily_panel` (needs ``participant_id``, ``date``,
        ``has_data``, ``has_activity``, ``has_mood``, ``has_sleep`` and ``ran``).

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
    _require(panel, "daily panel", needed)
    flags = pd.DataFrame(
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
    grouped = flags.groupby("participant_id", observed=True, sort=True)
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


# --------------------------------------------------------------------------- run panel
def _runs(acts: pd.DataFrame, sports: tuple[str, ...]) -> pd.DataFrame:
    """The run fields of the run panel, one row per run with a start time."""
    runs = acts[_is_run(acts, sports).to_numpy()].reset_index(drop=True)
    length_s = runs["elapsed_s"].fillna(runs["moving_s"]).fillna(0.0).clip(lower=0.0)
    out = pd.DataFrame(
        {
            "participant_id": runs["participant_id"],
            "activity_id": runs["activity_id"],
            "sport": runs["sport"],
            "sub_sport": runs["sub_sport"],
            "indoor": _is_indoor(runs).astype("boolean"),
            "date": _local_day(runs["start_local"], runs["start_utc"], runs["tz"]),
            "start_utc": runs["start_utc"],
            "end_utc": runs["start_utc"] + pd.to_timedelta(length_s, unit="s"),
            "start_local": runs["start_local"],
            "tz": runs["tz"],
            "run_min": _run_minutes(runs),
            "run_km": runs["distance_m"] / 1000.0,
            "avg_hr": runs["avg_hr"],
        }
    )
    return out


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
    left = pd.DataFrame(
        {"participant_id": runs["participant_id"], "key": key, "start": start, "end": end}
    )
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
    window = pd.Timedelta(value)
    if pd.isna(window) or window < pd.Timedelta(0):
        raise ValueError(f"{name} must be a non-negative duration such as '3h', got {value!r}")
    return window


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
    sports = _sports(sports)
    before_w, after_w = _as_window(before, "before"), _as_window(after, "after")
    acts = _canonical(activities, "activities", ["sport"])
    ratings_in = _canonical(mood, "mood", ["item"])
    runs = _runs(acts, sports)
    ratings = pd.DataFrame(
        {
            "participant_id": ratings_in["participant_id"],
            "time_utc": ratings_in["time_utc"],
            "item": ratings_in["item"],
            "value": _mood_values(ratings_in, value),
        }
    )
    usable = ratings["time_utc"].notna() & ratings["value"].notna() & ratings["item"].notna()
    dropped = {
        "runs": int(runs["start_utc"].isna().sum()),
        "mood": int((~usable).sum()),
    }
    runs = runs[runs["start_utc"].notna()]
    runs = runs.sort_values(["participant_id", "start_utc"], kind="stable").reset_index(drop=True)
    ratings = ratings[usable.to_numpy()]
    items = _item_names(ratings["item"].unique(), RUN_PANEL, _RUN_ITEM_SUFFIXES)

    pairing: dict[str, dict[str, int]] = {}
    columns = {}
    for item in items:
        these = ratings[ratings["item"].eq(item).fillna(False).to_numpy()]
        pre, min_pre = _nearest(runs, these, side="pre", window=before_w)
        post, min_post = _nearest(runs, these, side="post", window=after_w)
        prefix = "" if item == "mood" else f"{item}_"
        columns[f"{item}_pre"] = pre
        columns[f"{item}_post"] = post
        columns[f"{item}_change"] = post - pre
        columns[f"{prefix}minutes_pre"] = min_pre
        columns[f"{prefix}minutes_post"] = min_post
        has_pre, has_post = pre.notna(), post.notna()
        pairing[item] = {
            "paired": int((has_pre & has_post).sum()),
            "pre_only": int((has_pre & ~has_post).sum()),
            "post_only": int((~has_pre & has_post).sum()),
            "unpaired": int((~has_pre & ~has_post).sum()),
        }
    out = pd.concat([runs, pd.DataFrame(columns, index=runs.index)], axis=1)
    out = _order_run(out, items)
    mood_pairs = pairing["mood"]
    out.attrs = {
        "n_runs": len(out),
        "n_paired": mood_pairs["paired"],
        "n_pre_only": mood_pairs["pre_only"],
        "n_post_only": mood_pairs["post_only"],
        "n_unpaired": mood_pairs["unpaired"],
        "pairing": pairing,
        "items": items,
        "before": str(before_w),
        "after": str(after_w),
        "dropped": dropped,
    }
    return out


def _order_run(out: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    """Final column order and dtypes of the run panel."""
    columns = list(RUN_PANEL)
    dtypes = dict(RUN_PANEL)
    for item in items[1:]:
        for suffix in ("pre", "post", "change", "minutes_pre", "minutes_post"):
            columns.append(f"{item}_{suffix}")
            dtypes[f"{item}_{suffix}"] = "float64"
    return out[columns].astype(dtypes)

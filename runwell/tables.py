"""The canonical tables: the contract between runwell's stages.

Every stage hands the next one a pandas DataFrame whose columns and dtypes are fixed
here. Readers build rows however they like and finish with :func:`conform`, which orders
the columns, adds the missing ones as missing values and casts each to its dtype, so
that every consumer can rely on the schema below.

Conventions
-----------
* Instants are timezone-aware UTC (``datetime64[ns, UTC]``).
* Local wall-clock times are naive ``datetime64[ns]`` beside the IANA zone name used
  (``tz``): a column can only hold one zone, and rows may come from different zones
  (travel), so the zone is data.
* Calendar days (``date``, ``wake_date``) are naive ``datetime64[ns]`` at midnight of the
  local day.
* Durations are seconds (``*_s``) or hours (``*_h``); distances metres; speeds m/s.
* Rescaled ratings (``value_01``, ``quality_01``) run from 0 (worst or least) to 1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionDtype

__all__ = [
    "SCHEMAS",
    "ACTIVITIES",
    "STREAMS",
    "MOOD",
    "SLEEP",
    "LOAD_REPORT",
    "DAILY_PANEL",
    "RUN_PANEL",
    "REPORT_KINDS",
    "DEFAULT_PARTICIPANT",
    "SPORTS",
    "RUNNING_SPORTS",
    "INDOOR_SUB_SPORTS",
    "empty_table",
    "conform",
]

UTC = "datetime64[ns, UTC]"
NAIVE = "datetime64[ns]"
STR = "string"
FLOAT = "float64"
BOOL = "boolean"
INT = "Int64"

#: One row per activity (a FIT session; multisport files give several rows).
ACTIVITIES: dict[str, str] = {
    "participant_id": STR,
    "activity_id": STR,  # stable within a load: "<file stem>" or "<file stem>#<session>"
    "source": STR,  # fit, gpx, tcx, strava_csv, apple_health
    "source_file": STR,  # path as given (inside an archive: "archive.zip!member")
    "sport": STR,  # normalised vocabulary, see SPORTS
    "sub_sport": STR,  # normalised sub-sport (generic, treadmill, trail, virtual_activity, ...)
    "sport_original": STR,  # the sport as the file wrote it, e.g. "running:generic", "9"
    "indoor": BOOL,
    "start_utc": UTC,
    "start_local": NAIVE,
    "tz": STR,  # IANA zone name, or a fixed offset "UTC+02:00" when only an offset is known
    "tz_source": STR,  # argument, fit_local_timestamp, gps, metadata, fallback
    "elapsed_s": FLOAT,
    "moving_s": FLOAT,
    "distance_m": FLOAT,
    "avg_hr": FLOAT,
    "max_hr": FLOAT,
    "elevation_gain_m": FLOAT,
    "device": STR,
    "has_gps": BOOL,
    "partial": BOOL,  # read from a truncated or damaged file: what was readable
}

#: One row per sample in an activity.
STREAMS: dict[str, str] = {
    "participant_id": STR,
    "activity_id": STR,
    "time_utc": UTC,
    "lat": FLOAT,
    "lon": FLOAT,
    "altitude_m": FLOAT,
    "distance_m": FLOAT,
    "speed_mps": FLOAT,
    "heart_rate": FLOAT,
    "cadence": FLOAT,
}

#: One row per rating of one item.
MOOD: dict[str, str] = {
    "participant_id": STR,
    "time_utc": UTC,
    "time_local": NAIVE,
    "tz": STR,
    "date": NAIVE,  # local calendar day of the rating
    "item": STR,  # mood, energy, anxiety, stress, sleep_quality, ...
    "value": FLOAT,  # raw value on the source's scale
    "scale_min": FLOAT,
    "scale_max": FLOAT,
    "value_01": FLOAT,  # (value - scale_min) / (scale_max - scale_min); higher = more of the item
    "source": STR,  # generic, daylio, bearable, mpath, apple_health
    "context": STR,  # pre_run, post_run, daily, ema, ... (missing when unknown)
    "tags": STR,  # free tags such as Daylio activities, " | "-separated
    "source_file": STR,
    "source_row": INT,
}

#: One row per sleep period (main sleep of a night, naps flagged).
SLEEP: dict[str, str] = {
    "participant_id": STR,
    "wake_date": NAIVE,  # local calendar day you woke up on
    "in_bed_start": UTC,
    "in_bed_end": UTC,
    "sleep_start": UTC,
    "sleep_end": UTC,
    "tz": STR,
    "asleep_h": FLOAT,
    "in_bed_h": FLOAT,
    "efficiency": FLOAT,  # asleep / in bed, 0..1
    "quality_01": FLOAT,
    "deep_h": FLOAT,  # time in each sleep stage, when the source scores stages
    "light_h": FLOAT,  # (Apple "Core" counts as light)
    "rem_h": FLOAT,
    "awake_h": FLOAT,  # awake time inside the sleep period
    "is_nap": BOOL,
    "source": STR,
    "source_file": STR,
}

#: One row per input file or row that was not loaded whole.
LOAD_REPORT: dict[str, str] = {
    "participant_id": STR,
    "path": STR,
    "row": INT,
    "kind": STR,  # see REPORT_KINDS
    "reason": STR,
}

#: What a load-report row means:
#: ``skipped`` read, but holds nothing to load (a monitoring FIT file, a GPX with no times);
#: ``partial`` only part of it could be read (truncated, malformed), the rest is loaded;
#: ``error`` could not be read at all; ``duplicate`` the same activity or row was already
#: loaded from another file; ``warning`` loaded whole, but something was assumed or
#: repaired to do so (time zone fallback, CRC mismatch ignored) and the reason says what.
REPORT_KINDS: tuple[str, ...] = ("skipped", "partial", "error", "duplicate", "warning")

#: participant_id given to data loaded without one (one person's own export).
DEFAULT_PARTICIPANT = "me"

#: The daily panel (runwell.panel.build_daily_panel): one row per participant and local
#: day of the participant's window. Each mood item other than ``mood`` adds a float64
#: column ``<item>`` right after ``mood`` and ``<item>_lag1`` right after ``mood_lag1``.
#: Run variables are missing (not zero) on days without any data (``has_data`` false).
DAILY_PANEL: dict[str, str] = {
    "participant_id": STR,
    "date": NAIVE,  # local calendar day
    "study_day": "int64",  # 0-based day of the participant's window
    "weekday": "int64",  # 0 = Monday
    "weekend": "bool",
    "has_data": "bool",  # any activity (any sport), rating or sleep period that day
    "has_activity": "bool",
    "has_mood": "bool",  # any rating of any item
    "has_sleep": "bool",  # a main (non-nap) sleep ending that day
    "ran": BOOL,
    "run_count": INT,
    "run_min": FLOAT,
    "run_km": FLOAT,
    "run_min_outdoor": FLOAT,
    "run_min_indoor": FLOAT,
    "runs_7d": INT,  # previous 7 days, today not counted
    "run_min_7d": FLOAT,
    "run_min_28d": FLOAT,
    "acwr": FLOAT,  # run_min_7d / (run_min_28d / 4)
    "data_days_7d": INT,  # days with data among the previous 7
    "days_since_run": INT,  # 0 on a run day
    "mood": FLOAT,  # day mean of the item "mood"
    "mood_change": FLOAT,  # mood - previous day's mood
    "mood_dev": FLOAT,  # mood - participant's mean mood
    "sleep_prev_h": FLOAT,  # the night ending this morning
    "sleep_next_h": FLOAT,  # the night after this day
    "ran_between": FLOAT,
    "ran_within": FLOAT,
    "run_min_between": FLOAT,
    "run_min_within": FLOAT,
    "run_km_between": FLOAT,
    "run_km_within": FLOAT,
    "runs_7d_between": FLOAT,
    "runs_7d_within": FLOAT,
    "ran_lag1": BOOL,  # previous calendar day; missing across gaps
    "run_count_lag1": INT,
    "run_min_lag1": FLOAT,
    "run_km_lag1": FLOAT,
    "mood_lag1": FLOAT,
    "sleep_prev_h_lag1": FLOAT,
}

#: The run panel (runwell.panel.build_run_panel): one row per run. Each mood item other
#: than ``mood`` adds float64 columns ``<item>_pre``, ``<item>_post``, ``<item>_change``,
#: ``<item>_minutes_pre`` and ``<item>_minutes_post`` at the end.
RUN_PANEL: dict[str, str] = {
    "participant_id": STR,
    "activity_id": STR,
    "sport": STR,
    "sub_sport": STR,
    "indoor": BOOL,
    "date": NAIVE,  # local day of the start
    "start_utc": UTC,
    "end_utc": UTC,  # start_utc + elapsed_s (else moving_s)
    "start_local": NAIVE,
    "tz": STR,
    "run_min": FLOAT,  # moving_s (else elapsed_s) in minutes
    "run_km": FLOAT,
    "avg_hr": FLOAT,
    "mood_pre": FLOAT,  # nearest rating at or before the start, within `before`
    "mood_post": FLOAT,  # nearest rating at or after the end, within `after`
    "mood_change": FLOAT,  # mood_post - mood_pre
    "minutes_pre": FLOAT,  # start - time of the pre rating
    "minutes_post": FLOAT,  # time of the post rating - end
}

#: The normalised sport vocabulary of the ``sport`` column.
SPORTS: tuple[str, ...] = (
    "running",
    "trail_running",
    "treadmill_running",
    "walking",
    "hiking",
    "cycling",
    "swimming",
    "other",
)

#: The sports that count as runs (the default of every run filter: panel, CLI, notebooks).
RUNNING_SPORTS: tuple[str, ...] = ("running", "trail_running", "treadmill_running")

#: Normalised sub-sports that mean an activity happened indoors (readers set ``indoor``
#: from them; the panel infers ``indoor`` from them where the flag is missing).
INDOOR_SUB_SPORTS: frozenset[str] = frozenset(
    {
        "treadmill",
        "indoor",
        "indoor_running",
        "indoor_cycling",
        "indoor_rowing",
        "indoor_walking",
        "virtual_activity",
        "virtual_run",
        "spin",
        "lap_swimming",
    }
)

SCHEMAS: dict[str, dict[str, str]] = {
    "activities": ACTIVITIES,
    "streams": STREAMS,
    "mood": MOOD,
    "sleep": SLEEP,
    "load_report": LOAD_REPORT,
    "daily_panel": DAILY_PANEL,
    "run_panel": RUN_PANEL,
}


def _schema(name: str) -> dict[str, str]:
    try:
        return SCHEMAS[name]
    except KeyError as err:
        raise KeyError(f"unknown table {name!r}; known tables: {', '.join(SCHEMAS)}") from err


def empty_table(name: str) -> pd.DataFrame:
    """Return an empty DataFrame with the columns and dtypes of a canonical table.

    Parameters
    ----------
    name
        One of ``"activities"``, ``"streams"``, ``"mood"``, ``"sleep"``, ``"load_report"``,
        ``"daily_panel"``, ``"run_panel"``.

    Returns
    -------
    pandas.DataFrame
        Zero rows, the canonical columns in order.

    Examples
    --------
    >>> list(empty_table("load_report").columns)
    ['participant_id', 'path', 'row', 'kind', 'reason']
    """
    schema = _schema(name)
    key = (name, tuple(schema.items()))
    prototype = _EMPTY_TABLES.get(key)
    if prototype is None:
        prototype = pd.DataFrame({col: pd.Series(dtype=dtype) for col, dtype in schema.items()})
        _EMPTY_TABLES[key] = prototype
    return prototype.copy(deep=True)


#: Empty tables by name and schema (a schema changed in place gets a new one), copied by
#: :func:`empty_table`: building one column by column costs some 60 times as much.
_EMPTY_TABLES: dict[tuple[str, tuple[tuple[str, str], ...]], pd.DataFrame] = {}


def _cast(series: pd.Series, dtype: str) -> pd.Series:
    if dtype == UTC:
        out = pd.to_datetime(series, utc=True)
        return out.astype(UTC)
    if dtype == NAIVE:
        out = pd.to_datetime(series)
        if isinstance(out.dtype, pd.DatetimeTZDtype):
            raise TypeError(f"column {series.name!r} must be naive local time, got {out.dtype}")
        return out.astype(NAIVE)
    return series.astype(_dtype(dtype))


#: The extension dtypes of the schemas: each makes what ``pandas_dtype(name)`` gives (afresh:
#: options such as the string storage apply) without its registry search (~25 us a column).
_EXTENSION_DTYPES: dict[str, Callable[[], ExtensionDtype]] = {
    STR: pd.StringDtype,
    BOOL: pd.BooleanDtype,
    INT: pd.Int64Dtype,
}


def _dtype(name: str) -> str | ExtensionDtype:
    """The dtype a schema names, for ``astype`` and ``pandas.array``."""
    make = _EXTENSION_DTYPES.get(name)
    return name if make is None else make()


#: Python types :func:`_conform_rows` takes for each dtype (None is always taken).
_PLAIN_TYPES: dict[str, tuple[type, ...]] = {
    STR: (str,),
    FLOAT: (float, int, np.floating, np.integer),
    BOOL: (bool, np.bool_),
    INT: (int, np.integer),
}


def _plain_times(values: list[Any], *, aware: bool) -> np.ndarray | None:
    """A time column's values as ``datetime64[ns]`` (UTC instants when ``aware``, else
    wall-clock times), when each is None or a pandas Timestamp, tz-aware as asked and
    within the nanosecond range; else None.

    These are the values :func:`_cast` gives the objects, found without inferring and
    converting each object; as an array of the column's dtype they are its result.
    """
    out = np.full(len(values), np.iinfo(np.int64).min)  # NaT
    for i, value in enumerate(values):
        if value is None:
            continue
        if type(value) is pd.Timestamp and (value.tz is not None) == aware:
            try:
                out[i] = value.value  # nanoseconds since the epoch (of the UTC instant when aware)
            except OverflowError:
                return None
        else:
            return None
    return out.view("datetime64[ns]")


def _conform_rows(rows: list[Mapping[str, Any]], schema: dict[str, str]) -> pd.DataFrame | None:
    """:func:`conform` of a few plain rows, column by column without an intermediate
    frame; None when a value is not of a plain type for its column (``bool`` never
    counts as a number), left to the general path.

    Strings, numbers and flags become their arrays directly; time columns are cast as
    :func:`_cast` casts them. The result is the one the general path gives.
    """
    out: dict[str, Any] = {}
    for col, dtype in schema.items():
        values = [row.get(col) for row in rows]
        if dtype in (UTC, NAIVE):
            stamps = _plain_times(values, aware=dtype == UTC)
            if stamps is None:
                out[col] = _cast(pd.Series(values, dtype=object, name=col).infer_objects(), dtype).array
            else:
                out[col] = pd.array(stamps, dtype=pd.DatetimeTZDtype("ns", "UTC") if dtype == UTC else None)
            continue
        plain = _PLAIN_TYPES.get(dtype)
        if plain is None:
            return None
        for value in values:
            if value is not None and (not isinstance(value, plain) or (dtype != BOOL and isinstance(value, bool))):
                return None
        if dtype == FLOAT:
            out[col] = np.array([np.nan if v is None else v for v in values], dtype=float)
        else:
            out[col] = pd.array(values, dtype=_dtype(dtype))
    return pd.DataFrame(out, index=pd.RangeIndex(len(rows)), copy=False)


def conform(
    data: pd.DataFrame | Iterable[Mapping[str, Any]],
    name: str,
    *,
    extra: bool = False,
) -> pd.DataFrame:
    """Give a DataFrame (or rows) the exact columns and dtypes of a canonical table.

    Missing columns are added as missing values; columns are put in canonical order and
    cast. Columns not in the schema are dropped unless ``extra`` is true, in which case
    they are kept after the canonical ones.

    Parameters
    ----------
    data
        A DataFrame or an iterable of row mappings.
    name
        The canonical table, see :data:`SCHEMAS`.
    extra
        Keep non-canonical columns (after the canonical ones).

    Returns
    -------
    pandas.DataFrame
        A new frame with a fresh ``RangeIndex``.

    Examples
    --------
    >>> conform([{"path": "a.fit", "kind": "skipped", "reason": "not an activity"}],
    ...         "load_report").dtypes["row"]
    Int64Dtype()
    """
    schema = _schema(name)
    if not isinstance(data, pd.DataFrame):
        data = list(data)
        if not data:  # what the general path gives for no rows, without building frames
            return empty_table(name)
        if not extra:
            fast = _conform_rows(data, schema)
            if fast is not None:
                return fast
    df = data.copy() if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    if df.empty and len(df.columns) == 0:
        return empty_table(name)
    out = {}
    n = len(df)
    for col, dtype in schema.items():
        series = df[col] if col in df.columns else pd.Series([pd.NA] * n, dtype="object")
        series = series.reset_index(drop=True)
        series.name = col
        if series.dtype == object and dtype in (FLOAT, INT):
            series = pd.to_numeric(series.where(series.notna(), np.nan), errors="raise")
        out[col] = _cast(series, dtype)
    result = pd.DataFrame(out)
    if extra:
        for col in df.columns:
            if col not in schema:
                result[col] = df[col].reset_index(drop=True)
    return result

"""Checking and normalising the input tables of the panel builders.

The canonical activities, mood and sleep tables (:mod:`runwell.tables`) are checked for
their key columns and conformed here, and the per-row facts both panels need are derived
once: an activity's local day, run flag, minutes and indoor flag; a rating's value on the
chosen scale; the mood items in column order.

Instants are compared in UTC. Days are cut in the local zone the row was recorded in
(:func:`local_day`): the calendar day of the local wall time where it is known, else of
the UTC instant seen in the row's zone ``tz``.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from runwell.errors import InputError
from runwell.tables import INDOOR_SUB_SPORTS, RUNNING_SPORTS, conform, empty_table
from runwell.timezones import to_local_series

__all__ = [
    "DEFAULT_SPORTS",
    "INDOOR_SUB_SPORTS",
    "NAIVE",
    "as_sports",
    "canonical",
    "is_indoor",
    "is_run",
    "item_names",
    "item_scales",
    "local_day",
    "mood_values",
    "require",
    "run_minutes",
]

#: The sports counted as runs unless ``sports`` says otherwise (the one vocabulary in runwell.tables).
DEFAULT_SPORTS: tuple[str, ...] = RUNNING_SPORTS

#: dtype of naive local wall times and local days.
NAIVE = "datetime64[ns]"


# --------------------------------------------------------------------------- time zones
def _local_wall_time(utc: pd.Series, tz: pd.Series) -> pd.Series:
    """Naive local wall-clock times of UTC instants, each in its own row's zone.

    Rows with a missing instant, a missing zone or an unknown zone give ``NaT``.
    """
    return to_local_series(utc, tz).astype(NAIVE)


def local_day(local: pd.Series, utc: pd.Series, tz: pd.Series) -> pd.Series:
    """Local calendar day: of ``local`` where known, else of ``utc`` seen in ``tz``.

    Parameters
    ----------
    local
        Naive local wall times (may be missing).
    utc
        The same instants in UTC.
    tz
        IANA zone of each row.

    Returns
    -------
    pandas.Series
        Local midnights (``datetime64[ns]``), ``NaT`` where no day can be placed.
    """
    day = local.astype(NAIVE).dt.normalize()
    missing = day.isna()
    if missing.any():
        derived = _local_wall_time(utc[missing], tz[missing]).dt.normalize()
        day = day.where(~missing, derived)
    return day.astype(NAIVE)


# --------------------------------------------------------------------------- tables
def require(frame: object, table: str, columns: Iterable[str]) -> None:
    """Raise a clear error when a table is not a DataFrame or lacks key columns.

    Parameters
    ----------
    frame
        The object passed as the table.
    table
        The table's name, for the message (``"activities"``, ``"daily panel"``).
    columns
        Columns the table must have.

    Raises
    ------
    TypeError
        When ``frame`` is not a DataFrame.
    runwell.InputError
        When a column is missing.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{table} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [col for col in columns if col not in frame.columns]
    if missing:
        raise InputError(
            None,
            f"the {table} table has no column {', '.join(map(repr, missing))}",
            fix=f"build it with a runwell reader or runwell.conform(frame, {table!r})",
        )


def canonical(frame: pd.DataFrame | None, table: str, key: Iterable[str]) -> pd.DataFrame:
    """Check and conform one input table (``None`` gives the empty table).

    Parameters
    ----------
    frame
        The input table, or None.
    table
        Its canonical name (``"activities"``, ``"mood"``, ``"sleep"``).
    key
        Columns it must have besides ``participant_id``.

    Returns
    -------
    pandas.DataFrame
        The table conformed to its schema.

    Raises
    ------
    runwell.InputError
        When key columns are missing or rows have no participant_id.
    """
    if frame is None:
        return empty_table(table)
    require(frame, table, ["participant_id", *key])
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


# --------------------------------------------------------------------------- activities
def run_minutes(act: pd.DataFrame) -> pd.Series:
    """Run duration in minutes: moving time when known, else elapsed time."""
    return act["moving_s"].fillna(act["elapsed_s"]) / 60.0


def is_indoor(act: pd.DataFrame) -> pd.Series:
    """The ``indoor`` flag, inferred from sport and sub-sport where it is missing."""
    inferred = act["sport"].eq("treadmill_running").fillna(False) | act["sub_sport"].isin(INDOOR_SUB_SPORTS).fillna(
        False
    )
    return act["indoor"].fillna(inferred).astype(bool)


def as_sports(sports: Iterable[str]) -> tuple[str, ...]:
    """``sports`` as a tuple; a single string is one sport, not its letters."""
    return (sports,) if isinstance(sports, str) else tuple(sports)


def is_run(act: pd.DataFrame, sports: Iterable[str]) -> pd.Series:
    """True for activities whose ``sport`` is one of ``sports``."""
    return act["sport"].isin(tuple(sports)).fillna(False).astype(bool)


# --------------------------------------------------------------------------- mood
def mood_values(mood: pd.DataFrame, value: str) -> pd.Series:
    """The rating values used, filling ``value_01`` from ``value`` and the scale.

    Parameters
    ----------
    mood
        The canonical mood table.
    value
        ``"value_01"`` (0..1, rescaled from the raw value where missing) or ``"value"``.

    Returns
    -------
    pandas.Series
        One value per rating.

    Raises
    ------
    ValueError
        When ``value`` is neither.
    """
    if value == "value":
        return mood["value"]
    if value != "value_01":
        raise ValueError(f"value must be 'value_01' or 'value', got {value!r}")
    span = mood["scale_max"] - mood["scale_min"]
    rescaled = (mood["value"] - mood["scale_min"]) / span.where(span != 0)
    return mood["value_01"].fillna(rescaled)


def item_scales(mood: pd.DataFrame, value: str) -> dict[str, tuple[float, float]]:
    """The range of each item's scale, as the panel's values are measured.

    Parameters
    ----------
    mood
        The canonical mood table.
    value
        ``"value_01"`` (every item on 0..1) or ``"value"`` (each item's own scale: the
        lowest ``scale_min`` and the highest ``scale_max`` among its ratings).

    Returns
    -------
    dict
        ``{item: (low, high)}``; items whose scale is not known are left out.

    Examples
    --------
    >>> ratings = pd.DataFrame({"item": ["mood", "mood", "stress"], "scale_min": [1.0, 1.0, None],
    ...                         "scale_max": [5.0, 5.0, None]})
    >>> item_scales(ratings, "value")
    {'mood': (1.0, 5.0)}
    >>> item_scales(ratings, "value_01")
    {'mood': (0.0, 1.0), 'stress': (0.0, 1.0)}
    """
    items = mood["item"].dropna().astype(str)
    if value == "value_01":
        return {item: (0.0, 1.0) for item in sorted(items.unique())}
    known = mood.assign(item=items).dropna(subset=["item", "scale_min", "scale_max"])
    span = known.groupby("item")[["scale_min", "scale_max"]].agg({"scale_min": "min", "scale_max": "max"})
    return {str(k): (float(r["scale_min"]), float(r["scale_max"])) for k, r in span.iterrows()}


def item_names(items: Iterable[str], fixed: Iterable[str], suffixes: Iterable[str]) -> list[str]:
    """Mood items in column order: ``"mood"`` first, then the others sorted.

    Raises when an item's columns (``<item><suffix>``) would overwrite a fixed column,
    e.g. an item called ``"ran"`` in the daily panel.

    Parameters
    ----------
    items
        The items present in the ratings.
    fixed
        The panel's fixed columns.
    suffixes
        The suffixes of each item's columns in that panel.

    Returns
    -------
    list of str
        ``["mood", *others]``.

    Raises
    ------
    runwell.InputError
        When an item's column would overwrite a fixed one.
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

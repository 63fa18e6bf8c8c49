"""Generic mood and sleep tables (CSV or parquet) whose columns the caller maps.

Mood, wide layout (one row per occasion, one column per item)::

    read_mood("diary.csv", format="generic", tz="Europe/Berlin",
              time="timestamp", participant="pid", context="phase",
              items={"Mood (1-7)": ("mood", 1, 7), "energy": (1, 5)})

Mood, long layout (one row per rating)::

    read_mood("ema.parquet", format="generic", time="t", participant="pid",
              item="question", value="answer", scales={"mood": (1, 7), "stress": (0, 10)})

Options (all column names are matched case-insensitively):

``time``
    Column of timestamps: ISO text with or without offset, or epoch seconds/ms.
    Naive times are local in ``tz`` (then required). Default: the first of ``time``,
    ``timestamp``, ``datetime``, ``time_local``, ``date_time`` present.
``date``
    Column of calendar days, for daily diaries without a time of day (instead of
    ``time``; then ``time_utc``/``time_local`` stay missing and ``context`` defaults to
    ``"daily"``). Default: ``date`` or ``day`` when no time column is found.
``participant``
    Column of participant ids (else ``participant_id`` for all rows).
``items``
    Wide layout: a mapping ``column -> (min, max)`` or ``column -> (item, min, max)``.
    Without it, columns whose normalised name is a known item (mood, energy, anxiety,
    stress, sleep_quality, ...) are used with ``scale``/``scales``.
``item``, ``value``
    Long layout: the columns with the item name and the rating (default ``item`` and
    ``value`` when both exist).
``scales``, ``scale``
    Per-item ``{"item": (min, max)}`` and one ``(min, max)`` for all items.
``scale_min``, ``scale_max``
    Long layout: columns holding each row's scale bounds (default: columns of those names).
``context``
    A column name (when such a column exists), else a constant for all rows, such as
    ``"pre_run"``. Default: a ``context`` column when there is one.

Sleep::

    read_sleep("sleep.csv", format="generic", tz="Europe/Berlin",
               start="sleep_onset", end="wake_time", quality="rating", quality_scale=(1, 5))

``start``/``end`` default to the first present of ``sleep_start``/``start``/
``asleep``/``sleep_onset``/``bedtime``/``from`` and ``sleep_end``/``end``/``wake``/
``wake_time``/``wakeup``/``to``; ``in_bed_start``/``in_bed_end`` are optional;
``quality`` defaults to ``quality``/``sleep_quality``/``rating`` with
``quality_scale`` (default 1..5).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from runwell.errors import InputError
from runwell.guard import guarded
from runwell.logs.files import first_present, read_table
from runwell.logs.frames import mood_frame
from runwell.logs.instants import given_tz, parse_instants
from runwell.logs.results import MoodResult, SleepResult, finish_mood, finish_sleep
from runwell.logs.rows import RowLog
from runwell.logs.values import ITEM_ALIASES, check_value, merge_scales, normalise_item, parse_scale

__all__ = [
    "read_generic_mood",
    "read_generic_sleep",
    "sniff_generic_mood",
    "sniff_generic_sleep",
    "MOOD_OPTIONS",
    "SLEEP_OPTIONS",
]

#: The options :func:`read_generic_mood` understands (others raise ``TypeError``).
MOOD_OPTIONS = (
    "time",
    "date",
    "participant",
    "items",
    "item",
    "value",
    "scales",
    "scale",
    "scale_min",
    "scale_max",
    "context",
    "strict",
)
#: The options :func:`read_generic_sleep` understands.
SLEEP_OPTIONS = ("start", "end", "in_bed_start", "in_bed_end", "quality", "quality_scale", "participant", "strict")

_TIME = ("time", "timestamp", "datetime", "time_local", "date_time", "time_utc")
_DATE = ("date", "day")
_SLEEP_START = ("sleep_start", "start", "asleep", "sleep_onset", "bedtime", "from", "sleep start")
_SLEEP_END = ("sleep_end", "end", "wake", "wake_time", "wakeup", "to", "sleep end")
_QUALITY = ("quality", "sleep_quality", "rating")
_PARTICIPANT = ("participant_id", "participant", "pid", "subject", "subject_id", "user_id")
_KNOWN_ITEMS = set(ITEM_ALIASES.values())


def sniff_generic_mood(columns: list[str]) -> bool:
    """True for a table that names a time/date column and item or value columns."""
    cols = [c.lower() for c in columns]
    has_time = first_present(cols, _TIME + _DATE) is not None
    long = "item" in cols and "value" in cols
    wide = any(normalise_item(c) in _KNOWN_ITEMS for c in cols)
    return has_time and (long or wide)


def sniff_generic_sleep(columns: list[str]) -> bool:
    """True for a table with recognisable sleep start and end columns."""
    return first_present(columns, _SLEEP_START) is not None and first_present(columns, _SLEEP_END) is not None


def _column(df: pd.DataFrame, name: str | None, what: str, path: Path) -> str | None:
    """The table's spelling of the caller's column ``name``; raise listing the columns when absent."""
    if name is None:
        return None
    found = first_present(df.columns, [name])
    if found is None:
        raise InputError(
            path,
            f"no column {name!r} for {what}",
            field=what,
            fix=f"columns present: {', '.join(map(str, df.columns))}",
        )
    return found


@guarded("read_generic_mood")
def read_generic_mood(
    path: str | Path,
    *,
    participant_id: str | None = None,
    tz: str | None = None,
    strict: bool = False,
    time: str | None = None,
    date: str | None = None,
    participant: str | None = None,
    items: dict[str, Any] | None = None,
    item: str | None = None,
    value: str | None = None,
    scales: dict[str, Any] | None = None,
    scale: tuple[float, float] | None = None,
    scale_min: str | None = None,
    scale_max: str | None = None,
    context: str | None = None,
) -> MoodResult:
    """Read a mood table whose columns the caller maps (see the module docstring).

    Returns
    -------
    MoodResult
    """
    path = Path(path)
    if participant is not None and participant_id is not None:
        raise ValueError("give either participant (a column) or participant_id (a value), not both")
    tz = given_tz(tz)
    df, base = read_table(path)
    log = RowLog(path, strict=strict, participant_id=participant_id)
    log.read(len(df), empty="empty table: no rows")
    time_col, date_col = _time_columns(df, time, date, path)
    pid_col = _participant_column(df, participant, participant_id, path)
    ctx_col = first_present(df.columns, [context or "context"])
    scale_min = scale_min or first_present(df.columns, ["scale_min"])
    scale_max = scale_max or first_present(df.columns, ["scale_max"])
    rows_no = [i + base for i in range(len(df))]
    frame = pd.DataFrame({"source_row": rows_no, **_when(df, time_col, date_col, tz, log, rows_no)})
    frame["participant_id"] = df[pid_col].astype(str).str.strip().to_numpy() if pid_col else participant_id
    if ctx_col:
        frame["context"] = df[ctx_col].astype(str).to_numpy()
    else:
        frame["context"] = context or ("daily" if date_col else None)
    item_col, value_col = _long_columns(df, item, value, items, path)
    if item_col is not None and value_col is not None:
        bounds = (_column(df, scale_min, "scale_min", path), _column(df, scale_max, "scale_max", path))
        rows = _long(df, frame, item_col, value_col, bounds, scales, scale, log, path)
    else:
        used = {time_col, date_col, pid_col, ctx_col}
        rows = _wide(df, frame, _wide_items(df, items, scales, scale, path, used), log)
    return finish_mood(log, mood_frame(rows, "generic", path, tz, log=log), "generic")


def _time_columns(df: pd.DataFrame, time: str | None, date: str | None, path: Path) -> tuple[str | None, str | None]:
    """The time column, else the date column (explicit names first, then guesses)."""
    time_col = _column(df, time, "time", path)
    if time_col is None and date is None:
        time_col = first_present(df.columns, _TIME)
    if time_col is not None:
        return time_col, None
    date_col = _column(df, date, "date", path) or first_present(df.columns, _DATE)
    if date_col is None:
        raise InputError(path, "no time or date column", fix="pass time='<column>' or date='<column>'")
    return None, date_col


def _participant_column(
    df: pd.DataFrame, participant: str | None, participant_id: str | None, path: Path
) -> str | None:
    """The caller's participant column, else a conventional one unless an id was given."""
    if participant is not None:
        return _column(df, participant, "participant", path)
    return None if participant_id is not None else first_present(df.columns, _PARTICIPANT)


def _long_columns(
    df: pd.DataFrame, item: str | None, value: str | None, items: dict[str, Any] | None, path: Path
) -> tuple[str | None, str | None]:
    """The long layout's item and value columns, or ``(None, None)`` for a wide table."""
    item_col, value_col = _column(df, item, "item", path), _column(df, value, "value", path)
    if (item_col is None) != (value_col is None):
        raise ValueError("the long layout needs both item= and value= columns")
    if item_col is None and items is None:
        item_col, value_col = first_present(df.columns, ["item"]), first_present(df.columns, ["value"])
        if item_col is None or value_col is None:
            return None, None
    return item_col, value_col


def _when(
    df: pd.DataFrame, time_col: str | None, date_col: str | None, tz: str | None, log: RowLog, rows: list[int]
) -> dict[str, Any]:
    """Per row: UTC instants and zones (time column) or dates (date column), and which rows parsed."""
    if time_col is not None:
        utc, zone = parse_instants(df[time_col], tz, log, rows, time_col, fmt="this table")
        empty = df[time_col].astype(str).str.strip().isin(["", "nan", "NaT", "<NA>", "None"])
        for pos in np.flatnonzero(empty.to_numpy()):
            log.reject(rows[pos], "no time", field=time_col, fix="fill the time or delete the row")
        ok = utc.notna()
        return {"time_utc": utc.to_numpy(), "tz": zone.to_numpy(), "_ok": ok.to_numpy()}
    days = pd.to_datetime(df[date_col].astype(str).str.strip(), errors="coerce", format="mixed")
    cells = {date_col: df[date_col].tolist()}
    for pos in np.flatnonzero(days.isna().to_numpy()):
        log.reject(rows[pos], "not a date", field=date_col, value=cells[date_col][pos], fix="write dates as YYYY-MM-DD")
    return {"date": days.dt.normalize().to_numpy(), "tz": tz, "_ok": days.notna().to_numpy()}


def _wide_items(
    df: pd.DataFrame,
    items: dict[str, Any] | None,
    scales: dict[str, Any] | None,
    scale: tuple[float, float] | None,
    path: Path,
    used: set[str | None],
) -> dict[str, tuple[str, tuple[float, float]]]:
    """The wide layout's item columns with their item names and scales."""
    declared = merge_scales({}, scales)
    out: dict[str, tuple[str, tuple[float, float]]] = {}
    if items is None:
        candidates = {c: None for c in df.columns if c not in used and normalise_item(c) in _KNOWN_ITEMS}
    else:
        candidates = dict(items)
    for col, spec in candidates.items():
        found = _column(df, col, "items", path)
        name, bounds = normalise_item(col), None
        if spec is not None:
            spec = tuple(spec)
            if len(spec) == 3:
                name, bounds = normalise_item(spec[0]), parse_scale(spec[1:], col)
            else:
                bounds = parse_scale(spec, col)
        bounds = bounds or declared.get(name) or (parse_scale(scale, "all items") if scale else None)
        if bounds is None:
            raise InputError(
                path,
                f"no scale for item column {col!r}",
                field="items",
                fix=f"pass scales={{'{name}': (min, max)}} or scale=(min, max)",
            )
        out[found] = (name, bounds)  # type: ignore[index]
    if not out:
        raise InputError(
            path,
            "no item columns found",
            field="items",
            fix="pass items={'<column>': (min, max), ...}, or item= and value= for a long table",
        )
    return out


def _wide(
    df: pd.DataFrame, frame: pd.DataFrame, items: dict[str, tuple[str, tuple[float, float]]], log: RowLog
) -> list[dict[str, Any]]:
    """The ratings of a wide table, one per filled item cell."""
    rows = []
    cells = {c: df[c].tolist() for c in items}
    base = frame.drop(columns="_ok").to_dict("records")
    ok = frame["_ok"].to_numpy()
    for pos, meta in enumerate(base):
        if not ok[pos]:
            continue
        got = 0
        for col, (name, bounds) in items.items():
            value = check_value(log, meta["source_row"], cells[col][pos], bounds, col)
            if value is not None:
                rows.append({**meta, "item": name, "value": value, "scale_min": bounds[0], "scale_max": bounds[1]})
                got += 1
        if not got and all(str(cells[c][pos]).strip() in ("", "nan", "<NA>") for c in items):
            log.reject(meta["source_row"], "no rating in any item column", kind="skipped")
    return rows


def _long(
    df: pd.DataFrame,
    frame: pd.DataFrame,
    item_col: str,
    value_col: str,
    bounds_cols: tuple[str | None, str | None],
    scales: dict[str, Any] | None,
    scale: tuple[float, float] | None,
    log: RowLog,
    path: Path,
) -> list[dict[str, Any]]:
    """The ratings of a long table, one per row; duplicates and bad rows are reported."""
    declared = merge_scales({}, scales)
    default = parse_scale(scale, "all items") if scale else None
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[Any, ...], int] = {}
    cells = {c: df[c].tolist() for c in df.columns}
    names: dict[Any, str] = {}
    base = frame.drop(columns="_ok").to_dict("records")
    ok = frame["_ok"].to_numpy()
    for pos, meta in enumerate(base):
        if not ok[pos]:
            continue
        row_no = meta["source_row"]
        name = _item_name(cells[item_col][pos], names)
        key = (meta.get("participant_id"), str(meta.get("time_utc", meta.get("date"))), name)
        if key in seen:
            log.reject(
                row_no,
                f"duplicate of row {seen[key]} (same participant, time and item)",
                kind="duplicate",
                fix="delete the repeated rating",
            )
            continue
        seen[key] = row_no
        bounds = _row_bounds(cells, pos, bounds_cols) or declared.get(name) or default
        if bounds is None:
            raise InputError(
                path,
                f"no scale for item {name!r}",
                row=row_no,
                field=item_col,
                fix=f"pass scales={{'{name}': (min, max)}}, scale=(min, max), or scale_min=/scale_max= columns",
            )
        value = check_value(log, row_no, cells[value_col][pos], bounds, value_col)
        if value is None:
            if str(cells[value_col][pos]).strip() in ("", "nan", "<NA>"):
                log.reject(row_no, "no value", field=value_col, kind="skipped")
            continue
        rows.append({**meta, "item": name, "value": value, "scale_min": bounds[0], "scale_max": bounds[1]})
    return rows


def _item_name(raw: Any, cache: dict[Any, str]) -> str:
    """The normalised item name of a cell, cached."""
    if raw not in cache:
        cache[raw] = normalise_item(raw)
    return cache[raw]


def _row_bounds(
    cells: dict[str, list[Any]], pos: int, cols: tuple[str | None, str | None]
) -> tuple[float, float] | None:
    """A row's own scale from the ``scale_min``/``scale_max`` columns, or ``None``."""
    if cols[0] is None or cols[1] is None:
        return None
    try:
        return parse_scale((cells[cols[0]][pos], cells[cols[1]][pos]), "row")
    except ValueError:
        return None


@guarded("read_generic_sleep")
def read_generic_sleep(
    path: str | Path,
    *,
    participant_id: str | None = None,
    tz: str | None = None,
    strict: bool = False,
    start: str | None = None,
    end: str | None = None,
    in_bed_start: str | None = None,
    in_bed_end: str | None = None,
    quality: str | None = None,
    quality_scale: tuple[float, float] = (1, 5),
    participant: str | None = None,
) -> SleepResult:
    """Read a sleep table with start/end columns (see the module docstring).

    Returns
    -------
    SleepResult
    """
    path = Path(path)
    tz = given_tz(tz)
    df, base = read_table(path)
    log = RowLog(path, strict=strict, participant_id=participant_id)
    log.read(len(df), empty="empty table: no rows")
    start_col = _column(df, start, "start", path) or first_present(df.columns, _SLEEP_START)
    end_col = _column(df, end, "end", path) or first_present(df.columns, _SLEEP_END)
    if start_col is None or end_col is None:
        raise InputError(path, "no sleep start/end columns", fix="pass start='<column>' and end='<column>'")
    rows_no = [i + base for i in range(len(df))]
    parsed = {}
    for key, col in (
        ("sleep_start", start_col),
        ("sleep_end", end_col),
        ("in_bed_start", _column(df, in_bed_start, "in_bed_start", path)),
        ("in_bed_end", _column(df, in_bed_end, "in_bed_end", path)),
    ):
        if col is not None:
            parsed[key], zone = parse_instants(df[col], tz, log, rows_no, col, fmt="this table")
            parsed.setdefault("tz", zone)
    q_col = _column(df, quality, "quality", path) or first_present(df.columns, _QUALITY)
    q_lo, q_hi = parse_scale(quality_scale, "quality")
    pid_col = _column(df, participant, "participant", path) or (
        None if participant_id is not None else first_present(df.columns, _PARTICIPANT)
    )
    rows = []
    cells = {c: df[c].tolist() for c in df.columns}
    parsed_cells = {k: v.tolist() for k, v in parsed.items()}
    for pos, row_no in enumerate(rows_no):
        if log.is_rejected(row_no):
            continue
        rec = {k: v[pos] for k, v in parsed_cells.items()}
        if pd.isna(rec["sleep_start"]) or pd.isna(rec["sleep_end"]):
            log.reject(row_no, "missing sleep start or end", fix="fill both times or delete the row")
            continue
        if rec["sleep_end"] <= rec["sleep_start"]:
            log.reject(
                row_no,
                "sleep ends before it starts",
                value=str(cells[end_col][pos]),
                field=end_col,
                fix="check the dates (a night crosses midnight)",
            )
            continue
        if q_col is not None:
            q = check_value(log, row_no, cells[q_col][pos], (q_lo, q_hi), q_col, option="quality_scale=")
            rec["quality_01"] = None if q is None else (q - q_lo) / (q_hi - q_lo)
        rec["participant_id"] = str(cells[pid_col][pos]).strip() if pid_col else participant_id
        rec["_row"] = row_no
        rows.append(rec)
    return finish_sleep(log, rows, "generic")

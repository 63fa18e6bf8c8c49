"""Polar Flow data export: ``sleep_result_*.json`` (an array of nights).

Certainty (per FORMATS.md section 2): field paths **[doc]** (a plan built on a real
export; no verbatim sample); the value formats **[U]**: whether ``sleepStart``/``sleepEnd``
carry an offset, and whether ``night`` is the evening or the wake date. Built from that
description only and tested on constructed files.

Where the user finds it: the Polar account's data export (GDPR download) gives
``polar-user-data-export_*.zip`` of JSON files (the menu path is not documented). Pass
the zip, its folder or the ``sleep_result_*.json`` file.

Fields read
    ``sleepResult.hypnogram.sleepStart``/``sleepEnd`` (ISO 8601; an offset is honoured,
    a time without one is local and needs ``tz``), ``evaluation.asleepDuration`` (an
    ISO 8601 duration, ``PT7H14M``), ``evaluation.interruptions.totalDuration`` (awake),
    ``evaluation.analysis.efficiencyPercent``. The start..end window is the time in bed
    and the sleep period. The night belongs to the local date of ``sleepEnd`` (``night``
    is not used: its meaning is unknown). Polar's ``NaN`` tokens are read as missing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from runwell._exportfiles import parse_stamp, polar_json
from runwell.errors import InputError
from runwell.logs.files import read_text
from runwell.logs.instants import given_tz, localize_zoned, require_tz, stamp_zone
from runwell.logs.results import SleepResult, finish_sleep
from runwell.logs.rows import RowLog
from runwell.logs.values import MAX_PERIOD_H, optional_float, period_hours

__all__ = ["read_polar_sleep", "sniff_polar_sleep", "iso_duration_s"]

NAME = "polar"

_DURATION = re.compile(r"P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?")


def sniff_polar_sleep(head: str) -> bool:
    """True when the start of a JSON file looks like Polar's ``sleep_result`` array."""
    return head.lstrip().startswith("[") and '"night"' in head and ('"sleepResult"' in head or '"evaluation"' in head)


def iso_duration_s(text: object) -> float | None:
    """An ISO 8601 duration (``PT7H14M``, ``P1DT2H``, ``PT30.5S``) in seconds, or ``None``.

    Examples
    --------
    >>> iso_duration_s("PT7H14M"), iso_duration_s("PT45S"), iso_duration_s("7h"), iso_duration_s(None)
    (26040.0, 45.0, None, None)
    """
    if not isinstance(text, str) or text.strip() in ("", "P", "PT"):
        return None
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        return None
    days, hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    return days * 86400 + hours * 3600 + minutes * 60 + seconds


def _path(node: Any, *keys: str) -> Any:
    """``node[k1][k2]...``, or ``None`` where a level is missing or not an object."""
    for key in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _load(path: Path) -> list[Any]:
    """The file's list of nights (``NaN`` read as missing)."""
    try:
        data = polar_json(read_text(path))
    except json.JSONDecodeError as err:
        raise InputError(
            path, f"not valid JSON ({err.msg} at line {err.lineno})", fix="re-export the file; it may be truncated"
        ) from err
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise InputError(path, "expected a JSON list of nights", fix="pass Polar's sleep_result_*.json")
    return data


def read_polar_sleep(
    path: str | Path,
    *,
    participant_id: str | None = None,
    tz: str | None = None,
    strict: bool = False,
) -> SleepResult:
    """Read Polar's ``sleep_result_*.json`` into the canonical sleep table ([doc] paths; see module).

    Parameters
    ----------
    path
        The ``sleep_result_*.json`` file.
    participant_id
        Written into every row.
    tz
        IANA zone: required when the times carry no offset; otherwise optional (the zone
        to show local times in).
    strict
        Raise on the first bad night instead of reporting it.

    Returns
    -------
    SleepResult
    """
    path = Path(path)
    tz = given_tz(tz)
    log = RowLog(path, strict=strict, participant_id=participant_id)
    data = _load(path)
    log.read(len(data), empty="empty Polar sleep file: no nights")
    windows = []
    seen: dict[tuple[str, str], int] = {}
    for pos, night in enumerate(data, start=1):
        start_text = _path(night, "sleepResult", "hypnogram", "sleepStart")
        end_text = _path(night, "sleepResult", "hypnogram", "sleepEnd")
        if not isinstance(start_text, str) or not isinstance(end_text, str):
            log.reject(pos, "no sleepStart/sleepEnd in sleepResult.hypnogram", kind="skipped")
            continue
        if (start_text, end_text) in seen:
            log.reject(pos, f"duplicate of night {seen[start_text, end_text]}", kind="duplicate")
            continue
        seen[start_text, end_text] = pos
        try:
            windows.append((pos, night, parse_stamp(start_text), parse_stamp(end_text)))
        except ValueError:
            log.reject(pos, "not a date/time", field="sleepStart", value=f"{start_text}..{end_text}")
    rows = [row for row in _rows(windows, tz, log, path) if row is not None]
    for row in rows:
        row["participant_id"] = participant_id
    return finish_sleep(log, rows, NAME)


def _rows(
    windows: list[tuple[int, Any, pd.Timestamp, pd.Timestamp]], tz: str | None, log: RowLog, path: Path
) -> list[dict[str, Any] | None]:
    """Period rows of the nights' windows (times without offset placed in ``tz``)."""
    naive = [w for w in windows if w[2].tzinfo is None or w[3].tzinfo is None]
    placed: dict[int, tuple[pd.Timestamp, pd.Timestamp]] = {}
    zone = tz
    if naive:
        zone = require_tz(tz, path, "Polar", why="Polar's sleepStart/sleepEnd carry no offset in this file")
        lines = [w[0] for w in naive]
        starts = localize_zoned([_wall(w[2]) for w in naive], [zone] * len(naive), log, lines)
        ends = localize_zoned([_wall(w[3]) for w in naive], [zone] * len(naive), log, lines)
        placed = {w[0]: (starts.iloc[i], ends.iloc[i]) for i, w in enumerate(naive)}
    out = []
    for pos, night, start, end in windows:
        if pos in placed:
            utc_start, utc_end = placed[pos]
            shown = zone
        else:
            utc_start, utc_end = start.tz_convert("UTC"), end.tz_convert("UTC")
            shown = stamp_zone(end, tz)
        out.append(_night(pos, night, utc_start, utc_end, _wall(end).normalize(), shown or "UTC", log))
    return out


def _wall(stamp: pd.Timestamp) -> pd.Timestamp:
    """The wall-clock time as written (an offset dropped)."""
    return stamp.tz_localize(None) if stamp.tzinfo is not None else stamp


def _night(
    pos: int, night: Any, start: pd.Timestamp, end: pd.Timestamp, wake: pd.Timestamp, zone: str, log: RowLog
) -> dict[str, Any] | None:
    """One night's period row, or ``None`` when reported."""
    if pd.isna(start) or pd.isna(end) or end <= start or period_hours(start, end) > MAX_PERIOD_H:
        why = "sleep ends before it starts" if end <= start else f"sleep longer than {MAX_PERIOD_H:g} hours"
        log.reject(pos, why, field="sleepEnd", value=str(end), fix="correct or delete the night")
        return None
    asleep = iso_duration_s(_path(night, "evaluation", "asleepDuration"))
    awake = iso_duration_s(_path(night, "evaluation", "interruptions", "totalDuration"))
    efficiency = optional_float(_path(night, "evaluation", "analysis", "efficiencyPercent"))
    return {
        "_row": pos,
        "wake_date": wake,
        "in_bed_start": start,
        "in_bed_end": end,
        "sleep_start": start,
        "sleep_end": end,
        "tz": zone,
        "asleep_h": None if asleep is None else asleep / 3600,
        "awake_h": None if awake is None else awake / 3600,
        "efficiency": efficiency / 100 if efficiency is not None and 0 < efficiency <= 100 else None,
    }

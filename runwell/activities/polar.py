"""Polar Flow data export: ``training-session-*.json``, one file per training session.

Certainty (per FORMATS.md section 2): the session layout and the ``NaN`` tokens
**[seen]** (a TypeScript type that mirrors the literal JSON of a real 820-session
export); the mapping of ``sport.id`` numbers **[U]** (not used). Tested on constructed
files only.

Where the user finds it: the Polar account's data export (GDPR download) gives
``polar-user-data-export_*.zip`` of JSON files (the menu path is not documented). Pass
the zip or its folder to ``load_activities``; the export's other files (``activity-*``,
``247ohr_*``, ``sleep_result_*``, account files) are not activities.

Fields
    ``identifier.id``, ``name`` (the display label, ``Running``, ``Other indoor``: the
    sport), ``startTime``/``stopTime`` (local civil time without offset),
    ``timezoneOffsetMinutes`` (local minus UTC: UTC = startTime - offset),
    ``durationMillis`` (``moving_s``), ``distanceMeters`` (absent indoors), ``hrAvg``,
    ``hrMax``, ``latitude``/``longitude`` (GPS sessions only), ``product.modelName``.
    A multisport session has several ``exercises``, each with its own times, distance and
    ``statistics`` (``HEART_RATE`` avg/max); each becomes a row, its sport named by the
    session's ``name`` and its ``sport.id``. Sensor drop-outs are bare ``NaN`` tokens in
    the sample arrays (invalid JSON), read as missing; samples are not read.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from runwell._exportfiles import parse_stamp, polar_json
from runwell.activities._session import Session, positive_or_nan
from runwell.activities.sports import normalise_sport
from runwell.activities.summary import ExportPeek, SummaryRead, SummaryRow, number, zone_hint
from runwell.errors import InputError
from runwell.timezones import MAX_OFFSET_S

__all__ = ["read_polar_session", "sniff_polar_session"]


def sniff_polar_session(peek: ExportPeek) -> bool:
    """True for Polar's ``training-session-*.json`` (by name and its first keys)."""
    name = peek.filename
    if not (name.startswith("training-session") and name.endswith(".json")):
        return False
    head = peek.head[:4000]
    return head.lstrip().startswith("{") and ('"exercises"' in head or '"startTime"' in head)


def _get(node: Any, *keys: str) -> Any:
    """``node[k1][k2]...``, or ``None`` where a level is missing."""
    for key in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _hr(exercise: dict[str, Any]) -> tuple[float, float]:
    """Average and maximum heart rate from an exercise's ``statistics``."""
    stats = _get(exercise, "statistics", "statistics")
    for stat in stats if isinstance(stats, list) else []:
        if isinstance(stat, dict) and stat.get("type") == "HEART_RATE":
            return positive_or_nan(stat.get("avg")), positive_or_nan(stat.get("max"))
    return math.nan, math.nan


def _wall(stamp: pd.Timestamp) -> pd.Timestamp:
    """Local civil time as written (an offset, if any, dropped); ``ValueError`` when unreadable."""
    if pd.isna(stamp):
        raise ValueError("unreadable time")
    return stamp.tz_localize(None) if stamp.tzinfo is not None else stamp


def _part(part: dict[str, Any], session: dict[str, Any], ident: str, hr: tuple[float, float], label: str) -> Session:
    """One row's session from a session (or one of its exercises); ``ValueError`` without a start."""
    start_text = part.get("startTime") or session.get("startTime")
    if not start_text:
        raise ValueError("no startTime")
    local = _wall(parse_stamp(start_text))
    offset_min = number(part.get("timezoneOffsetMinutes", session.get("timezoneOffsetMinutes")))
    offset_s = None if math.isnan(offset_min) or abs(offset_min) > MAX_OFFSET_S / 60 else offset_min * 60
    start = (local - pd.Timedelta(seconds=offset_s or 0)).tz_localize("UTC")
    stop_text = part.get("stopTime")
    duration = number(part.get("durationMillis"), 0.001)
    elapsed = (_wall(parse_stamp(stop_text)) - local).total_seconds() if stop_text else math.nan
    lat, lon = number(part.get("latitude")), number(part.get("longitude"))
    fix = None if math.isnan(lat) or math.isnan(lon) else (lat, lon)
    sport, sub, indoor_sport = normalise_sport(label)
    sport_id = _get(part, "sport", "id")
    model = _get(session, "product", "modelName")
    return Session(
        sport=sport,
        sub_sport=sub,
        sport_original=f"{label} (sport {sport_id})" if sport_id is not None else label,
        indoor=True if indoor_sport or "indoor" in label.lower() else (False if fix else None),  # type: ignore[arg-type]
        start_utc=start,
        elapsed_s=elapsed if elapsed > 0 else duration,
        moving_s=duration,
        distance_m=positive_or_nan(part.get("distanceMeters")),
        avg_hr=hr[0],
        max_hr=hr[1],
        device=str(model) if model else None,
        has_gps=fix is not None or _get(part, "routes", "route") is not None,
        tz_hint=None if offset_s is None else zone_hint(start, offset_s, fix),
        native_id=ident,
    )


def read_polar_session(data: bytes, *, path: str) -> SummaryRead:
    """Read one ``training-session-*.json`` ([seen]; see the module docstring).

    Parameters
    ----------
    data
        The file's bytes.
    path
        Shown in messages.

    Returns
    -------
    SummaryRead
        One row, or one per exercise of a multisport session (row = exercise number).

    Raises
    ------
    InputError
        When the file is not JSON (even with ``NaN`` read as missing) or not a session.
    """
    try:
        session = polar_json(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(path, f"not valid JSON ({err})", fix="download the Polar export again") from err
    if not isinstance(session, dict):
        raise InputError(path, "not a Polar training session (expected a JSON object)", fix="leave it out")
    ident = str(_get(session, "identifier", "id") or "") or None
    label = str(session.get("name") or "").strip() or "Polar session"
    exercises = [e for e in session.get("exercises") or [] if isinstance(e, dict)]
    out = SummaryRead()
    if len(exercises) > 1:
        for pos, exercise in enumerate(exercises, start=1):
            sub_id = str(_get(exercise, "identifier", "id") or f"{ident}-{pos}")
            try:
                out.rows.append(SummaryRow(pos, _part(exercise, session, sub_id, _hr(exercise), label)))
            except ValueError as err:
                out.problems.append((pos, f"exercise {pos}: {err}"))
        return out
    hr = (positive_or_nan(session.get("hrAvg")), positive_or_nan(session.get("hrMax")))
    if exercises and math.isnan(hr[0]):
        hr = _hr(exercises[0])
    try:
        out.rows.append(SummaryRow(1, _part(session, session, ident or path, hr, label)))
    except ValueError as err:
        out.problems.append((1, f"session: {err}"))
    return out

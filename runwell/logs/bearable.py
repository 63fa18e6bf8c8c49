"""Bearable CSV exports (long layout: one row per logged thing).

Header: ``date,weekday,time of day,category,rating/amount,detail,notes`` (newer exports
add ``date formatted``). Dates look like ``22nd Sep 2020``; ``time of day`` is a clock
time ``H:MM`` or a bucket: ``pre`` (before sleep), ``am``, ``mid``, ``pm``, ``all day``.

Categories that become items (others -- symptoms, factors, medication, ... -- are
reported as ``skipped`` so that the counts still reconcile):

========================  ===================  ==================================
category                  item                 default scale
========================  ===================  ==================================
Mood                      ``mood``             1..5
Energy                    ``energy``           1..5
Sleep quality             ``sleep_quality``    1..5
Sleep                     ``sleep_h``          0..24 (hours; ``7.5`` or ``7:30``)
========================  ===================  ==================================

The default rating scales are runwell's reading of Bearable's face scales; values
outside them are reported, and ``scales={"mood": (1, 10)}`` overrides them.

Rows with a clock time get ``time_local``/``time_utc`` (``tz`` required: the times are
naive); rows with a bucket keep only their ``date`` and carry the bucket in ``context``:
``morning`` (am), ``midday`` (mid), ``evening`` (pm), ``pre_sleep`` (pre), ``daily``
(all day).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from runwell.guard import guarded
from runwell.logs.daylio import parse_clock
from runwell.logs.files import read_csv_log
from runwell.logs.frames import mood_frame
from runwell.logs.instants import localize_rows, require_tz
from runwell.logs.results import MoodResult, finish_mood
from runwell.logs.rows import RowLog
from runwell.logs.values import check_value, merge_scales

__all__ = ["read_bearable", "sniff_bearable", "BEARABLE_ITEMS", "BEARABLE_SCALES"]

NAME = "bearable"

#: Bearable categories (lower case) and the items they become.
BEARABLE_ITEMS: dict[str, str] = {
    "mood": "mood",
    "energy": "energy",
    "sleep quality": "sleep_quality",
    "sleep": "sleep_h",
}

#: Default scales of those items (override with ``scales=``).
BEARABLE_SCALES: dict[str, tuple[float, float]] = {
    "mood": (1, 5),
    "energy": (1, 5),
    "sleep_quality": (1, 5),
    "sleep_h": (0, 24),
}

_BUCKETS = {
    "am": "morning",
    "mid": "midday",
    "pm": "evening",
    "pre": "pre_sleep",
    "all day": "daily",
    "allday": "daily",
}


def sniff_bearable(header: list[str]) -> bool:
    """True when a CSV header looks like a Bearable export."""
    cols = {c.strip().lower() for c in header}
    return {"category", "rating/amount", "time of day"} <= cols


def parse_bearable_date(text: str) -> datetime | None:
    """Parse ``"22nd Sep 2020"`` (or ISO ``2020-09-22``).

    Examples
    --------
    >>> parse_bearable_date("1st Oct 2021"), parse_bearable_date("23rd September 2020")
    (datetime.datetime(2021, 10, 1, 0, 0), datetime.datetime(2020, 9, 23, 0, 0))
    """
    text = text.strip()
    cleaned = re.sub(r"^(\d{1,2})(st|nd|rd|th)\b", r"\1", text, flags=re.IGNORECASE)
    for fmt in ("%d %b %Y", "%d %B %Y", "%Y-%m-%d", "%d %b, %Y"):
        try:
            return datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
    return None


def _hours(text: str) -> str:
    """``"7:30"``, ``"7h 30m"`` or ``"7h"`` to hours as text; other text unchanged.

    Examples
    --------
    >>> _hours("7:30"), _hours("7h 30m"), _hours("8h"), _hours("6.5")
    ('7.5', '7.5', '8', '6.5')
    """
    match = re.fullmatch(r"\s*(\d{1,2})\s*(?::|h)\s*(\d{1,2})\s*m?\s*", text)
    if match:
        return f"{int(match.group(1)) + int(match.group(2)) / 60:g}"
    match = re.fullmatch(r"\s*(\d{1,2})\s*h\s*", text)
    return match.group(1) if match else text


@guarded("read_bearable")
def read_bearable(
    path: str | Path,
    *,
    participant_id: str | None = None,
    tz: str | None = None,
    strict: bool = False,
    scales: dict[str, tuple[float, float]] | None = None,
) -> MoodResult:
    """Read a Bearable CSV export into the canonical mood table.

    Parameters
    ----------
    path
        The Bearable export CSV.
    participant_id
        Written into every row.
    tz
        IANA zone (required: Bearable writes naive local dates and times).
    strict
        Raise on the first bad row instead of reporting it.
    scales
        Per-item scale overrides, e.g. ``{"mood": (1, 10)}``.

    Returns
    -------
    MoodResult
    """
    path = Path(path)
    tz = require_tz(tz, path, "Bearable")
    item_scales = merge_scales(BEARABLE_SCALES, scales)
    log = RowLog(path, strict=strict, participant_id=participant_id)
    _, records = read_csv_log(path, log, key=str.lower, empty="empty Bearable export: no rows")
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, ...], int] = {}
    for line, rec in records:
        row = _row(line, rec, item_scales, log, seen)
        if row is not None:
            row["participant_id"] = participant_id
            rows.append(row)
    return finish_mood(log, mood_frame(localize_rows(rows, tz, log), NAME, path, tz, log=log), NAME)


def _row(
    line: int,
    rec: dict[str, str],
    scales: dict[str, tuple[float, float]],
    log: RowLog,
    seen: dict[tuple[str, ...], int],
) -> dict[str, Any] | None:
    """One Bearable row as a rating, or ``None`` when it is reported (skipped, duplicate or bad)."""
    category = rec.get("category", "").strip()
    item = BEARABLE_ITEMS.get(category.lower())
    if item is None:
        log.reject(line, f"category {category!r} is not a mood or sleep rating", kind="skipped")
        return None
    key = tuple(rec.get(c, "").strip() for c in ("date", "time of day", "category", "rating/amount", "detail"))
    if key in seen:
        log.reject(line, f"duplicate of row {seen[key]}", kind="duplicate", fix="delete the repeated row")
        return None
    seen[key] = line
    day = parse_bearable_date(rec.get("date", ""))
    if day is None and rec.get("date formatted"):
        day = parse_bearable_date(rec["date formatted"])
    if day is None:
        log.reject(
            line,
            "not a date (expected e.g. 22nd Sep 2020)",
            field="date",
            value=rec.get("date", ""),
            fix="correct the date",
        )
        return None
    raw = rec.get("rating/amount", "")
    if item == "sleep_h":
        raw = _hours(raw)
    if not raw.strip():
        log.reject(
            line, "no rating", field="rating/amount", value=raw, kind="error", fix="delete the row or give its rating"
        )
        return None
    value = check_value(log, line, raw, scales[item], "rating/amount")
    if value is None:
        return None
    when = rec.get("time of day", "").strip()
    clock = parse_clock(when)
    out: dict[str, Any] = {
        "item": item,
        "value": value,
        "scale_min": scales[item][0],
        "scale_max": scales[item][1],
        "date": day,
        "source_row": line,
        "tags": rec.get("detail", "").strip() or None,
    }
    if clock is not None:
        out["time_local"] = day.replace(hour=clock[0], minute=clock[1])
    elif when.lower() in _BUCKETS:
        out["context"] = _BUCKETS[when.lower()]
    elif when:
        log.reject(
            line,
            "time of day is neither H:MM nor one of pre/am/mid/pm/all day",
            field="time of day",
            value=when,
            fix="correct the time of day",
        )
        return None
    return out

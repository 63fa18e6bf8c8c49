"""Daylio CSV exports (mood diary app).

Layouts seen in the wild, all handled:

* ``full_date,date,weekday,time,mood,activities,note_title,note`` (current),
* ``full_date,date,weekday,time,mood,activities,note`` (older, no ``note_title``),
* the current layout plus a ``scales`` column (ignored),
* ``year,date,weekday,time,mood,activities,note`` (before 2019): the day and month in
  ``date`` (``18 May``) with the year in its own column. Certainty (FORMATS.md section
  7): the header **[doc]** (verbatim in a parser's guide), the rest **[inf]**; tested on
  a constructed file. Month names are read in English (full or short); a date in
  another language is reported with its row.

Quirks: a UTF-8 byte-order mark; newest rows first; several entries per day; 12-hour
(``6:50 pm``) and 24-hour (``14:58``) times mixed in one file; ``date`` and ``weekday``
in the phone's language (ignored: ``full_date`` is ISO); mood labels with stray spaces.

Moods: the default labels rad/good/meh/bad/awful are 5..1 on a 1..5 scale. Daylio lets
people rename or add moods; pass ``moods={"label": value, ...}`` for those (and
``mood_scale=(min, max)`` if not 1..5). An unknown label is a configuration problem, not
a bad row, so it always raises, listing every unknown label in the file at once.

Activities are kept as tags (`` | ``-separated), which is where people tag their runs.
Times are naive local times: ``tz`` is required.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from runwell.errors import InputError
from runwell.guard import guarded
from runwell.logs.files import read_csv_log
from runwell.logs.frames import mood_frame
from runwell.logs.instants import localize_rows, require_tz
from runwell.logs.results import MoodResult, finish_mood
from runwell.logs.rows import RowLog
from runwell.logs.values import parse_scale

__all__ = ["DEFAULT_MOODS", "read_daylio", "sniff_daylio"]

NAME = "daylio"

#: Daylio's five default mood labels and their values on the 1..5 scale.
DEFAULT_MOODS: dict[str, float] = {"rad": 5, "good": 4, "meh": 3, "bad": 2, "awful": 1}

_REQUIRED = ("full_date", "time", "mood", "activities")
_REQUIRED_OLD = ("year", "date", "time", "mood", "activities")


def sniff_daylio(header: list[str]) -> bool:
    """True when a CSV header looks like a Daylio export (current or pre-2019 layout)."""
    cols = [c.strip().lower() for c in header]
    if cols and cols[0] == "year":
        return all(c in cols for c in _REQUIRED_OLD)
    return bool(cols) and cols[0] == "full_date" and all(c in cols for c in _REQUIRED)


def parse_clock(text: str) -> tuple[int, int] | None:
    """Parse ``"6:50 pm"``, ``"12:05 AM"``, ``"14:58"`` or ``"07:09"`` to (hour, minute).

    Examples
    --------
    >>> parse_clock("12:19 am"), parse_clock("6:50 pm"), parse_clock("14:58")
    ((0, 19), (18, 50), (14, 58))
    """
    match = re.fullmatch(r"\s*(\d{1,2})[:.](\d{2})(?::\d{2})?\s*([aApP]\.?\s*[mM]\.?)?\s*", text)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    suffix = (match.group(3) or "").lower().replace(".", "").replace(" ", "")
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return hour, minute


def _mood_table(moods: dict[str, float] | None) -> dict[str, float]:
    """Mood values by lower-case label: the defaults updated with the caller's ``moods``."""
    table = {k.strip().lower(): float(v) for k, v in DEFAULT_MOODS.items()}
    for label, value in (moods or {}).items():
        table[str(label).strip().lower()] = float(value)
    return table


def _check_labels(path: Path, records: list[tuple[int, dict[str, str]]], table: dict[str, float]) -> None:
    """Raise once, listing every mood label in the file that has no value."""
    unknown: dict[str, int] = {}
    for line, rec in records:
        label = rec.get("mood", "").strip().lower()
        if label and label not in table:
            unknown.setdefault(label, line)
    if unknown:
        listing = ", ".join(f"{label!r} (first on row {row})" for label, row in unknown.items())
        example = ", ".join(f'"{label}": ?' for label in unknown)
        raise InputError(
            path,
            f"Daylio mood labels runwell does not know: {listing}",
            field="mood",
            fix=f"pass moods={{{example}}} giving each custom mood its value on the 1..5 "
            "scale (5 = best, like 'rad'; 1 = worst, like 'awful')",
            option="moods",
            suggestion=dict.fromkeys(unknown),
        )


@guarded("read_daylio")
def read_daylio(
    path: str | Path,
    *,
    participant_id: str | None = None,
    tz: str | None = None,
    strict: bool = False,
    moods: dict[str, float] | None = None,
    mood_scale: tuple[float, float] = (1, 5),
) -> MoodResult:
    """Read a Daylio CSV export into the canonical mood table.

    Parameters
    ----------
    path
        The ``daylio_export_*.csv`` file.
    participant_id
        Written into every row.
    tz
        IANA zone of the phone (required: Daylio writes naive local times).
    strict
        Raise on the first bad row instead of reporting it.
    moods
        Values of custom mood labels, e.g. ``{"sad": 2, "average": 3}``; added to (and
        overriding) the defaults rad=5, good=4, meh=3, bad=2, awful=1.
    mood_scale
        The scale the mood values are on (default 1..5).

    Returns
    -------
    MoodResult
        Item ``mood`` for every entry; activities in ``tags``.
    """
    path = Path(path)
    tz = require_tz(tz, path, "Daylio")
    lo, hi = parse_scale(mood_scale, "mood")
    table = _mood_table(moods)
    bad = {k: v for k, v in table.items() if not lo <= v <= hi}
    if bad:
        raise ValueError(f"mood values {bad} lie outside mood_scale {lo:g}..{hi:g}")
    log = RowLog(path, strict=strict, participant_id=participant_id)
    _, records = read_csv_log(path, log, key=str.lower, empty="empty Daylio export: no entries")
    _check_labels(path, records, table)
    rows = _rows(records, table, (lo, hi), log, participant_id)
    mood = mood_frame(localize_rows(rows, tz, log), NAME, path, tz, log=log)
    return finish_mood(log, mood, NAME)


def _rows(
    records: list[tuple[int, dict[str, str]]],
    table: dict[str, float],
    scale: tuple[float, float],
    log: RowLog,
    participant_id: str | None,
) -> list[dict[str, Any]]:
    """The rating rows of the records; duplicates and bad rows are reported."""
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, ...], int] = {}
    for line, rec in records:
        day_cols = ("full_date",) if "full_date" in rec else ("year", "date")
        key = tuple(rec.get(c, "").strip() for c in (*day_cols, "time", "mood", "activities", "note"))
        if key in seen:
            log.reject(
                line,
                f"duplicate of row {seen[key]}",
                kind="duplicate",
                fix="delete the repeated entry in Daylio or in the file",
            )
            continue
        seen[key] = line
        local = _local_time(rec, line, log)
        if local is None:
            continue
        label = rec.get("mood", "").strip().lower()
        if not label:
            log.reject(line, "no mood", field="mood", fix="delete the row or add its mood")
            continue
        activities = [a.strip() for a in rec.get("activities", "").split("|") if a.strip()]
        rows.append(
            {
                "participant_id": participant_id,
                "time_local": local,
                "item": "mood",
                "value": table[label],
                "scale_min": scale[0],
                "scale_max": scale[1],
                "tags": " | ".join(activities) if activities else None,
                "source_row": line,
            }
        )
    return rows


def _old_day(rec: dict[str, str]) -> datetime:
    """The day of a pre-2019 row: ``year`` and ``date`` (``18 May`` or ``18 May.``); ValueError if unreadable."""
    text = f"{rec.get('date', '').strip().rstrip('.')} {rec.get('year', '').strip()}"
    for fmt in ("%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValueError(text)


def _local_time(rec: dict[str, str], line: int, log: RowLog) -> datetime | None:
    """A record's naive local time from ``full_date`` (or ``year`` and ``date``) and ``time``.

    ``None`` when the row was reported.
    """
    old = "full_date" not in rec
    day_text = f"{rec.get('year', '').strip()}, {rec.get('date', '').strip()}" if old else rec["full_date"].strip()
    try:
        day = _old_day(rec) if old else datetime.strptime(day_text, "%Y-%m-%d")
    except ValueError:
        log.reject(
            line,
            "not a date (expected e.g. 18 May with the year beside it)" if old else "not a date (expected YYYY-MM-DD)",
            field="year, date" if old else "full_date",
            value=day_text,
            fix="correct the date (month names are read in English)" if old else "correct the date",
        )
        return None
    clock = parse_clock(rec.get("time", ""))
    if clock is None:
        log.reject(
            line,
            "not a time (expected e.g. 6:50 pm or 18:50)",
            field="time",
            value=rec.get("time", ""),
            fix="correct the time",
        )
        return None
    return day.replace(hour=clock[0], minute=clock[1])

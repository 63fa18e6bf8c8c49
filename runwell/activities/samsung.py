"""Samsung Health export: the exercise table ``com.samsung.shealth.exercise.<timestamp>.csv``.

Certainty (per FORMATS.md section 3): layout, metadata line and the exercise codes
**[seen]/[doc]** (codes checked by distance on a real export); start and end in UTC
with a ``time_offset`` column **[doc]**. Tested on constructed files only.

Where the user finds it: Samsung Health app -> settings -> download personal data (the
exact menu varies by version); the phone writes a folder
``samsunghealth_<user>_<yyyymmddhhmmss>/`` of CSVs (56 tables in a 2026 export). Pass the
folder (or a zip of it) to ``load_activities``.

Layout
    Line 1 is metadata (``com.samsung.shealth.exercise,<n>,<n>``), line 2 the header,
    rows end with a comma; core columns are prefixed
    (``com.samsung.health.exercise.start_time``). Used: ``start_time``/``end_time`` (text
    in UTC), ``time_offset`` (``UTC+0200``; the oldest layout wrote local times and the
    offset in ms), ``duration`` (ms, ``moving_s``), ``distance`` (m; empty indoors),
    ``exercise_type``, ``mean_heart_rate``, ``max_heart_rate``, ``datauuid`` (the id).
    Tables sharing the stem (``.exercise.weather``, ``.exercise.route``,
    ``.exercise.recovery_heart_rate``) are not this table: the metadata line decides.
Sports
    ``exercise_type`` 1001 walking, 1002 running, 11007 cycling, 14001 swimming, 13001
    hiking; other codes (0 is a custom exercise) are ``other``, with the code kept in
    ``sport_original``.
"""

from __future__ import annotations

import math

from runwell._exportfiles import samsung_instant, samsung_table
from runwell.activities._session import Session, positive_or_nan
from runwell.activities.summary import ExportPeek, SummaryRead, SummaryRow, number
from runwell.errors import InputError

__all__ = ["read_samsung_exercise", "sniff_samsung_exercise", "EXERCISE_TYPES", "EXERCISE_TABLES"]

#: Names of Samsung's exercise table in the metadata line (current and older exports).
EXERCISE_TABLES = ("com.samsung.shealth.exercise", "com.samsung.health.exercise")

#: Samsung ``exercise_type`` codes runwell maps, and the sport.
EXERCISE_TYPES: dict[int, str] = {
    1001: "walking",
    1002: "running",
    11007: "cycling",
    14001: "swimming",
    13001: "hiking",
}


def sniff_samsung_exercise(peek: ExportPeek) -> bool:
    """True for a CSV whose metadata line names Samsung's exercise table."""
    if not peek.filename.endswith(".csv"):
        return False
    return peek.first_line.split(",", 1)[0].strip() in EXERCISE_TABLES


def read_samsung_exercise(data: bytes, *, path: str) -> SummaryRead:
    """Read Samsung Health's exercise CSV ([seen]/[doc]; see the module docstring).

    Parameters
    ----------
    data
        The file's bytes.
    path
        Shown in messages.

    Returns
    -------
    SummaryRead
        One row per exercise; rows are file lines (the metadata is line 1).

    Raises
    ------
    InputError
        When the file is not UTF-8 text.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(path, "not UTF-8 text", fix="export the data from Samsung Health again") from err
    try:
        _, header, records = samsung_table(text)
    except ValueError as err:
        raise InputError(path, str(err), fix="export the data from Samsung Health again") from err
    out = SummaryRead()
    for line, fields in records:
        rec = dict(zip(header, fields, strict=False))
        offset, end_text = rec.get("time_offset", ""), rec.get("end_time", "").strip()
        try:
            start, zone = samsung_instant(rec.get("start_time", ""), offset)
            end = samsung_instant(end_text, offset)[0] if end_text else None
        except ValueError as err:
            out.problems.append((line, f"start_time/end_time: {err}"))
            continue
        code = number(rec.get("exercise_type"))
        sport = EXERCISE_TYPES.get(int(code), "other") if not math.isnan(code) else "other"
        elapsed = (end - start).total_seconds() if end is not None else math.nan
        out.rows.append(
            SummaryRow(
                line,
                Session(
                    sport=sport,
                    sub_sport="generic",
                    sport_original=f"samsung exercise_type {rec.get('exercise_type', '').strip() or '?'}",
                    indoor=None,  # type: ignore[arg-type]
                    start_utc=start,
                    elapsed_s=elapsed if elapsed > 0 else number(rec.get("duration"), 0.001),
                    moving_s=number(rec.get("duration"), 0.001),
                    distance_m=positive_or_nan(rec.get("distance")),
                    avg_hr=positive_or_nan(rec.get("mean_heart_rate")),
                    max_hr=positive_or_nan(rec.get("max_heart_rate")),
                    tz_hint=zone,
                    native_id=rec.get("datauuid", "").strip() or None,
                ),
            )
        )
    return out

"""Fitbit data in Google format (Google Takeout): ``UserExercises_<date>.csv``.

Certainty (per FORMATS.md section 6): the header **[doc]** (verbatim in two classifiers
by one author and a 2026 simulator; 33 columns in earlier exports, 46 in an October 2026
one), the millimetre units and UTC ``Z`` times **[seen]**, the manual-log columns
**[doc]**; reading ``tracker_total_altitude_mm`` as the climb and ``deletion_reason`` as
a deleted entry **[inf]**. Tested on constructed files only.

Where the user finds it: takeout.google.com with Fitbit (or Google Health) selected; the
zip holds ``Takeout/Fitbit/`` (2024 to early 2026) or ``Takeout/Google Health/``, with
the exercise log in ``Health Fitness Data_GoogleData/``. Pass the zip or its folder to
``load_activities``. The legacy ``Global Export Data/exercise-N.json`` holds the same
activities in local time without a zone and is not read (count once); the time-series
CSVs hold no activities.

Columns used
    ``exercise_id``, ``exercise_start``/``exercise_end`` (UTC, ``Z``; ``elapsed_s`` is
    end - start), ``utc_offset`` (``+02:00``), ``activity_name`` (``Outdoor Run``,
    ``Outdoor Walk``, ``Bike``, ``Weight Machines``, ``Sport``), ``log_type``
    (``AUTO_DETECTED`` or ``MANUAL``), ``tracker_total_distance_mm`` (else
    ``manually_logged_total_distance_mm`` for a manual log; mm -> m),
    ``tracker_total_altitude_mm`` (mm -> m), ``tracker_avg_heart_rate``,
    ``tracker_peak_heart_rate``. Unused numbers are ``0`` (read as missing); cells such
    as ``activity_type_probabilities`` hold commas inside quotes. A row whose
    ``deletion_reason`` is set (not empty, not ``UNSPECIFIED``) is reported as
    ``skipped``. Files that exist can be header-only.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pandas as pd

from runwell._exportfiles import parse_stamp
from runwell.activities._session import Session, positive_or_nan
from runwell.activities.sports import normalise_sport
from runwell.activities.summary import ExportPeek, SummaryRead, SummaryRow, number
from runwell.errors import InputError
from runwell.timezones import zone_label

__all__ = ["read_fitbit_exercises", "sniff_fitbit_exercises", "FIRST_COLUMNS"]

#: The first columns of ``UserExercises_*.csv`` (verbatim; the 2026 documentation shows these four).
FIRST_COLUMNS = ("exercise_id", "exercise_start", "exercise_end", "utc_offset")
_UNSET = ("", "UNSPECIFIED", "0")


def sniff_fitbit_exercises(peek: ExportPeek) -> bool:
    """True for Fitbit's ``UserExercises_*.csv`` (by its first columns)."""
    if not peek.filename.endswith(".csv"):
        return False
    return tuple(h.lower() for h in peek.header[:4]) == FIRST_COLUMNS


def _session(rec: dict[str, str]) -> Session:
    """One exercise's session; ``ValueError`` for unreadable times."""
    start = parse_stamp(rec.get("exercise_start", ""))
    end_text = rec.get("exercise_end", "").strip()
    end = parse_stamp(end_text) if end_text else pd.NaT
    start = start.tz_localize("UTC") if start.tzinfo is None else start.tz_convert("UTC")
    if not pd.isna(end):
        end = end.tz_localize("UTC") if end.tzinfo is None else end.tz_convert("UTC")
    name = rec.get("activity_name", "").strip()
    sport, sub, indoor_sport = normalise_sport(name)
    distance = positive_or_nan(number(rec.get("tracker_total_distance_mm"), 0.001))
    if distance != distance:  # NaN: a manual log keeps its distance elsewhere
        distance = positive_or_nan(number(rec.get("manually_logged_total_distance_mm"), 0.001))
    log_type = rec.get("log_type", "").strip()
    outdoor = "outdoor" in name.lower()
    return Session(
        sport=sport,
        sub_sport=sub,
        sport_original=f"{name} ({log_type})" if log_type else name,
        indoor=True if indoor_sport else (False if outdoor else None),  # type: ignore[arg-type]
        start_utc=start,
        elapsed_s=(end - start).total_seconds() if not pd.isna(end) else float("nan"),
        distance_m=distance,
        avg_hr=positive_or_nan(rec.get("tracker_avg_heart_rate")),
        max_hr=positive_or_nan(rec.get("tracker_peak_heart_rate")),
        elevation_gain_m=positive_or_nan(number(rec.get("tracker_total_altitude_mm"), 0.001)),
        tz_hint=zone_label(rec.get("utc_offset")),
        native_id=rec.get("exercise_id", "").strip() or None,
    )


def read_fitbit_exercises(data: bytes, *, path: str) -> SummaryRead:
    """Read Fitbit's ``UserExercises_*.csv`` ([doc] header; see the module docstring).

    Parameters
    ----------
    data
        The file's bytes.
    path
        Shown in messages.

    Returns
    -------
    SummaryRead
        One row per exercise; rows are file lines (the header is line 1).

    Raises
    ------
    InputError
        When the file is not UTF-8 text.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(path, "not UTF-8 text", fix="download the Takeout archive again") from err
    try:
        return _read(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as err:
        raise InputError(path, f"not a readable CSV ({err})", fix="download the Takeout archive again") from err


def _read(reader: Any) -> SummaryRead:
    """The exercises of a CSV reader positioned at the header."""
    header = [h.strip().lower() for h in next(reader, [])]
    out = SummaryRead()
    line = 2
    for fields in reader:
        row, line = line, reader.line_num + 1
        if not any(f.strip() for f in fields):
            continue
        rec = dict(zip(header, fields, strict=False))
        deleted = rec.get("deletion_reason", "").strip()
        if deleted.upper() not in _UNSET:
            out.skipped.append((row, f"exercise deleted in the app (deletion_reason {deleted})"))
            continue
        try:
            out.rows.append(SummaryRow(row, _session(rec)))
        except ValueError as err:
            out.problems.append((row, f"exercise_start/exercise_end: {err}"))
    return out

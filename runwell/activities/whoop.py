"""Whoop data export: ``workouts.csv`` (``entrenamientos.csv`` in a Spanish account).

Certainty (per FORMATS.md section 4): the headers **[seen]** (English and Spanish,
verbatim from real exports; the distance columns of newer exports cross-corroborated);
a variant without ``Cycle end time``/``Cycle timezone`` **[inf]** (reconstructed by one
importer); taking the duration from end - start **[inf]**. Tested on constructed files.

Where the user finds it: Whoop app -> Menu -> Export WHOOP Data -> Create Export; a zip
of four CSVs arrives by e-mail. Pass the zip (or its folder) to ``load_activities``.

Columns
    ``Workout start time``/``Workout end time`` (local wall time, no offset) with
    ``Cycle timezone`` (``UTC+01:00``) giving the offset, so the start is placed without
    ``tz``; without that column (the variant) the times are local and placed like any
    local-only activity (``tz``, else the participant's usual zone).
    ``Activity name`` is the sport (``Running``, ``Cycling``, generic ``Activity``).
    ``elapsed_s`` is end - start: ``Duration (min)`` is whole minutes while the end often
    ends at ``:59`` (19:04:00-19:25:59 is 21 min), so it is not used; Whoop has no
    moving time. ``Max HR (bpm)``, ``Average HR (bpm)``, ``Distance (meters)`` and
    ``Altitude gain (meters)`` (newer exports; empty without GPS), ``GPS enabled``.
    Whoop writes no id: a workout's id is ``whoop-<UTC start>``; an exact repeat of a
    row is a ``duplicate``.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from runwell._exportfiles import parse_stamp
from runwell.activities._session import Session, positive_or_nan
from runwell.activities.sports import normalise_sport
from runwell.activities.summary import ExportPeek, SummaryRead, SummaryRow, number
from runwell.errors import InputError
from runwell.timezones import localize, zone_label

__all__ = ["read_whoop_workouts", "sniff_whoop_workouts", "WORKOUT_COLUMNS"]

#: ``workouts.csv`` columns runwell reads: key -> spellings (English, Spanish), verbatim.
WORKOUT_COLUMNS: dict[str, tuple[str, ...]] = {
    "zone": ("Cycle timezone", "Zona horaria del ciclo"),
    "start": ("Workout start time", "Hora de inicio del entrenamiento"),
    "end": ("Workout end time", "Hora de finalización del entrenamiento"),
    "name": ("Activity name", "Nombre de la actividad"),
    "max_hr": ("Max HR (bpm)", "FC máx. (lpm)"),
    "avg_hr": ("Average HR (bpm)", "FC promedio (lpm)"),
    "gps": ("GPS enabled", "GPS habilitado"),
    "distance": ("Distance (meters)",),
    "gain": ("Altitude gain (meters)",),
}


def _keys(header: list[str]) -> dict[str, int]:
    """Column positions by runwell key (matched case-insensitively)."""
    names = {s.casefold(): key for key, spellings in WORKOUT_COLUMNS.items() for s in spellings}
    return {names[h.strip().casefold()]: i for i, h in enumerate(header) if h.strip().casefold() in names}


def sniff_whoop_workouts(peek: ExportPeek) -> bool:
    """True for a Whoop ``workouts.csv`` header (English or Spanish)."""
    if not peek.filename.endswith(".csv"):
        return False
    return {"start", "end", "name"} <= set(_keys(peek.header))


def _session(cells: dict[str, str]) -> Session:
    """One workout's session; ``ValueError`` for unreadable times."""
    local_start, local_end = (parse_stamp(cells[k]).tz_localize(None) for k in ("start", "end"))
    zone = zone_label(cells.get("zone"))
    start = localize(local_start, zone) if zone else None
    sport, sub, indoor_sport = normalise_sport(cells.get("name", ""))
    gps = cells.get("gps", "").strip().lower()
    return Session(
        sport=sport,
        sub_sport=sub,
        sport_original=cells.get("name", "").strip(),
        indoor=True if indoor_sport else None,  # type: ignore[arg-type]
        start_utc=start,
        start_local=None if start is not None else local_start,
        elapsed_s=(local_end - local_start).total_seconds(),
        distance_m=positive_or_nan(cells.get("distance")),
        avg_hr=positive_or_nan(cells.get("avg_hr")),
        max_hr=positive_or_nan(cells.get("max_hr")),
        elevation_gain_m=number(cells.get("gain")),
        device="whoop",
        has_gps=gps == "true",
        tz_hint=zone,
        native_id=f"whoop-{start:%Y%m%dT%H%M%SZ}" if start is not None else f"whoop-{local_start:%Y%m%dT%H%M%S}",
    )


def read_whoop_workouts(data: bytes, *, path: str) -> SummaryRead:
    """Read a Whoop ``workouts.csv`` ([seen] headers; see the module docstring).

    Parameters
    ----------
    data
        The file's bytes.
    path
        Shown in messages.

    Returns
    -------
    SummaryRead
        One row per workout; rows are file lines (the header is line 1).

    Raises
    ------
    InputError
        When the file is not UTF-8 text or has no workout start/end columns.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(path, "not UTF-8 text", fix="export the data from the Whoop app again") from err
    try:
        return _read(csv.reader(io.StringIO(text, newline="")), path)
    except csv.Error as err:
        raise InputError(path, f"not a readable CSV ({err})", fix="export the data from the Whoop app again") from err


def _read(reader: Any, path: str) -> SummaryRead:
    """The workouts of a CSV reader positioned at the header."""
    header: list[str] = next(reader, [])
    keys = _keys(header)
    if not {"start", "end"} <= set(keys):
        raise InputError(path, "no Workout start/end time columns", fix="pass Whoop's workouts.csv")
    out = SummaryRead()
    seen: dict[tuple[str, ...], int] = {}
    line = 2
    for fields in reader:
        row, line = line, reader.line_num + 1
        if not any(f.strip() for f in fields):
            continue
        cells = {k: (fields[i].strip() if i < len(fields) else "") for k, i in keys.items()}
        key = tuple(fields)
        if key in seen:
            out.duplicates.append((row, f"duplicate of row {seen[key]} (the same workout repeated)"))
            continue
        seen[key] = row
        try:
            out.rows.append(SummaryRow(row, _session(cells)))
        except ValueError as err:
            out.problems.append((row, f"Workout start/end time: {err} (value {cells['start']!r})"))
    return out

"""Whoop data export: ``sleeps.csv`` (sleep) and ``journal_entries.csv`` (yes/no journal).

Certainty (per FORMATS.md section 4): headers **[seen]** (English and Spanish, verbatim
from real exports), the meaning of ``Cycle timezone`` **[doc]** (Whoop support), the
journal's day **[inf]**. Tested on constructed files only (no licensed real sample).

Where the user finds it: Whoop app -> Menu -> Export WHOOP Data -> Create Export; a zip
of four CSVs (``physiological_cycles.csv``, ``sleeps.csv``, ``workouts.csv``,
``journal_entries.csv``) arrives by e-mail. Pass the zip, its folder or one CSV.

Layout
    Times are local wall time (``2026-01-02 23:00:00``) without offset; ``Cycle
    timezone`` gives the row's offset (``UTC+01:00``; an IANA name is accepted too), so
    no ``tz`` is needed. Durations are minutes; ``Nap`` and ``Answered yes`` are
    ``true``/``false``. A Spanish account writes translated headers and file names
    (``sueño.csv``, ``Siesta``, ``Respondió "Sí"``); both languages are read.
Sleep (``sleeps.csv``)
    One row per sleep: ``Sleep onset``..``Wake onset`` is the time in bed and the sleep
    period; asleep, in-bed, stage and awake minutes are taken as written; ``Sleep
    efficiency %`` becomes ``efficiency`` (0..1) and ``Sleep performance %`` becomes
    ``quality_01``. A night belongs to the local date of ``Wake onset``. Rows with
    ``Nap=true`` are flagged as naps (and never become the main sleep). Cycles without
    sleep have blank cells and are reported as ``skipped``. Nights are never taken from
    ``physiological_cycles.csv``, which can show a nap's window with the main sleep's
    durations.
Journal (``journal_entries.csv``)
    One row per question and cycle: the item is the question text normalised
    (``Have any alcoholic drinks?`` -> ``have_any_alcoholic_drinks``), the value 1 for
    yes and 0 for no on the scale 0..1, context ``daily``. Journal rows carry only their
    cycle's times, so an answer has no time of day: its ``date`` is the cycle's day, the
    day the cycle's sleep ends, taken as the local date 12 hours after the cycle start
    (a cycle starting 23:09 on the 14th is the 15th) **[inf]**. ``Notes`` (free text)
    are not kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from runwell._exportfiles import parse_stamp
from runwell.logs.files import read_csv_log
from runwell.logs.frames import mood_frame
from runwell.logs.instants import given_tz, localize_zoned
from runwell.logs.results import MoodResult, SleepResult, finish_mood, finish_sleep
from runwell.logs.rows import ZONE_FIX, RowLog
from runwell.logs.values import MAX_PERIOD_H, normalise_item, optional_float, period_hours, to_hours
from runwell.timezones import zone_label

__all__ = [
    "read_whoop_sleep",
    "read_whoop_journal",
    "sniff_whoop_sleep",
    "sniff_whoop_journal",
    "parse_yes_no",
    "SLEEP_COLUMNS",
    "JOURNAL_COLUMNS",
]

SLEEP_NAME = "whoop"
JOURNAL_NAME = "whoop_journal"

#: ``sleeps.csv`` columns runwell reads: key -> (English header, Spanish header), verbatim.
SLEEP_COLUMNS: dict[str, tuple[str, str]] = {
    "cycle_start": ("Cycle start time", "Hora de inicio del ciclo"),
    "zone": ("Cycle timezone", "Zona horaria del ciclo"),
    "onset": ("Sleep onset", "Inicio del sueño"),
    "wake": ("Wake onset", "Inicio de la vigilia"),
    "performance": ("Sleep performance %", "Calificación del sueño (%)"),
    "asleep": ("Asleep duration (min)", "Duración del sueño (min)"),
    "in_bed": ("In bed duration (min)", "Tiempo en la cama (min)"),
    "light": ("Light sleep duration (min)", "Duración de sueño ligero (min)"),
    "deep": ("Deep (SWS) duration (min)", "Duración de sueño profundo (SWS) (min)"),
    "rem": ("REM duration (min)", "Duración de sueño REM (min)"),
    "awake": ("Awake duration (min)", "Tempo despierto/a (min)"),
    "efficiency": ("Sleep efficiency %", "Eficiencia del sueño %"),
    "nap": ("Nap", "Siesta"),
}

#: ``journal_entries.csv`` columns: key -> (English header, Spanish header), verbatim.
JOURNAL_COLUMNS: dict[str, tuple[str, str]] = {
    "cycle_start": ("Cycle start time", "Hora de inicio del ciclo"),
    "zone": ("Cycle timezone", "Zona horaria del ciclo"),
    "question": ("Question text", "Texto de la pregunta"),
    "answer": ("Answered yes", 'Respondió "Sí"'),
    "notes": ("Notes", "Notas"),
}

_YES = {"true", "yes", "sí", "si", "verdadero", "1"}
_NO = {"false", "no", "falso", "0"}


def _keys(header: list[str], columns: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """The header's columns by runwell key (matched case-insensitively, any listed language)."""
    names = {spelling.casefold(): key for key, spellings in columns.items() for spelling in spellings}
    return {names[h.strip().casefold()]: h for h in header if h.strip().casefold() in names}


def sniff_whoop_sleep(header: list[str]) -> bool:
    """True for a Whoop ``sleeps.csv`` header (English or Spanish)."""
    return {"onset", "wake", "nap", "cycle_start"} <= set(_keys(header, SLEEP_COLUMNS))


def sniff_whoop_journal(header: list[str]) -> bool:
    """True for a Whoop ``journal_entries.csv`` header (English or Spanish)."""
    return {"question", "answer", "cycle_start"} <= set(_keys(header, JOURNAL_COLUMNS))


def parse_yes_no(text: object) -> bool | None:
    """``true``/``false`` (also yes/no, sí, 1/0) as a bool; ``None`` when blank or unreadable.

    Examples
    --------
    >>> parse_yes_no("true"), parse_yes_no(" FALSE "), parse_yes_no("Sí"), parse_yes_no("")
    (True, False, True, None)
    """
    word = "" if text is None else str(text).strip().casefold()
    return True if word in _YES else False if word in _NO else None


def _local(text: str) -> pd.Timestamp | None:
    """A Whoop local wall time (``2026-01-02 23:00:00``), or ``None`` when unreadable."""
    try:
        stamp = parse_stamp(text)
    except ValueError:
        return None
    return None if stamp.tzinfo is not None or stamp.year > 2200 else stamp


def _zone(rec: dict[str, str], tz: str | None, line: int, log: RowLog) -> str | None:
    """The row's zone: its ``Cycle timezone``, else the caller's ``tz``; reported when neither."""
    written = rec.get("zone", "").strip()
    zone = zone_label(written) or tz
    if zone is None:
        log.reject(
            line,
            "no usable time zone for this row" if written else "no Cycle timezone in this row",
            field="Cycle timezone",
            value=written or None,
            fix=ZONE_FIX,
        )
    return zone


def _records(
    path: Path, log: RowLog, columns: Mapping[str, tuple[str, ...]], what: str
) -> list[tuple[int, dict[str, str]]]:
    """The CSV's records keyed by runwell key (see :data:`SLEEP_COLUMNS`)."""
    header, raw = read_csv_log(path, log, empty=f"empty Whoop {what}: no rows")
    keys = {written: key for key, written in _keys(header, columns).items()}
    return [(line, {keys[k]: v for k, v in rec.items() if k in keys}) for line, rec in raw]


def read_whoop_sleep(
    path: str | Path,
    *,
    participant_id: str | None = None,
    tz: str | None = None,
    strict: bool = False,
) -> SleepResult:
    """Read a Whoop ``sleeps.csv`` into the canonical sleep table ([seen] headers; see module).

    Parameters
    ----------
    path
        ``sleeps.csv`` (or the Spanish ``sueño.csv``).
    participant_id
        Written into every row.
    tz
        Optional: the zone to show local times in (default: each row's ``Cycle
        timezone``), and the zone of rows without one.
    strict
        Raise on the first bad row instead of reporting it.

    Returns
    -------
    SleepResult
        One period per sleep; ``is_nap`` from the ``Nap`` column.
    """
    path = Path(path)
    tz = given_tz(tz)
    log = RowLog(path, strict=strict, participant_id=participant_id)
    timed: list[tuple[int, dict[str, str], str, pd.Timestamp, pd.Timestamp]] = []
    seen: dict[tuple[str, str], int] = {}
    for line, rec in _records(path, log, SLEEP_COLUMNS, "sleeps.csv"):
        onset, wake = rec.get("onset", "").strip(), rec.get("wake", "").strip()
        if not onset or not wake:
            log.reject(line, "cycle without a recorded sleep", kind="skipped")
            continue
        if (onset, wake) in seen:
            log.reject(line, f"duplicate of row {seen[onset, wake]}", kind="duplicate", fix="delete the repeated row")
            continue
        seen[onset, wake] = line
        start, end = _local(onset), _local(wake)
        if start is None or end is None:
            bad = onset if start is None else wake
            log.reject(line, "not a date/time", field="Sleep onset", value=bad, fix="re-export from the Whoop app")
            continue
        zone = _zone(rec, tz, line, log)
        if zone is not None:
            timed.append((line, rec, zone, start, end))
    rows = _sleep_rows(timed, tz, log)
    for row in rows:
        row["participant_id"] = participant_id
    return finish_sleep(log, rows, SLEEP_NAME)


def _sleep_rows(
    timed: list[tuple[int, dict[str, str], str, pd.Timestamp, pd.Timestamp]], tz: str | None, log: RowLog
) -> list[dict[str, Any]]:
    """Period rows of the timed sleeps; a sleep that ends before it starts is reported."""
    lines = [t[0] for t in timed]
    zones = [t[2] for t in timed]
    starts = localize_zoned([t[3] for t in timed], zones, log, lines)
    ends = localize_zoned([t[4] for t in timed], zones, log, lines)
    rows = []
    for pos, (line, rec, zone, _, local_end) in enumerate(timed):
        start, end = starts.iloc[pos], ends.iloc[pos]
        if pd.isna(start) or pd.isna(end) or end <= start or period_hours(start, end) > MAX_PERIOD_H:
            why = "sleep ends before it starts" if end <= start else f"sleep longer than {MAX_PERIOD_H:g} hours"
            log.reject(line, why, field="Wake onset", value=rec.get("wake"), fix="correct or delete the row")
            continue
        minutes = {k: optional_float(rec.get(k)) for k in ("asleep", "in_bed", "light", "deep", "rem", "awake")}
        efficiency = optional_float(rec.get("efficiency"))
        performance = optional_float(rec.get("performance"))
        rows.append(
            {
                "_row": line,
                "wake_date": local_end.normalize(),
                "in_bed_start": start,
                "in_bed_end": end,
                "sleep_start": start,
                "sleep_end": end,
                "tz": tz or zone,
                "asleep_h": to_hours(minutes["asleep"], "min"),
                "in_bed_h": to_hours(minutes["in_bed"], "min"),
                "light_h": to_hours(minutes["light"], "min"),
                "deep_h": to_hours(minutes["deep"], "min"),
                "rem_h": to_hours(minutes["rem"], "min"),
                "awake_h": to_hours(minutes["awake"], "min"),
                "efficiency": None if efficiency is None or not 0 <= efficiency <= 100 else efficiency / 100,
                "quality_01": None if performance is None or not 0 <= performance <= 100 else performance / 100,
                "is_nap": parse_yes_no(rec.get("nap")),
            }
        )
    return rows


def read_whoop_journal(
    path: str | Path,
    *,
    participant_id: str | None = None,
    tz: str | None = None,
    strict: bool = False,
) -> MoodResult:
    """Read a Whoop ``journal_entries.csv`` into the canonical mood table ([seen] headers; see module).

    Parameters
    ----------
    path
        ``journal_entries.csv``.
    participant_id
        Written into every row.
    tz
        Optional: written into the ``tz`` column (default: each row's ``Cycle timezone``).
    strict
        Raise on the first bad row instead of reporting it.

    Returns
    -------
    MoodResult
        One 0/1 rating per answered question, dated by the cycle's day, without a time of day.
    """
    path = Path(path)
    tz = given_tz(tz)
    log = RowLog(path, strict=strict, participant_id=participant_id)
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    for line, rec in _records(path, log, JOURNAL_COLUMNS, "journal_entries.csv"):
        question = " ".join(rec.get("question", "").split())
        key = (rec.get("cycle_start", "").strip(), question)
        if key in seen:
            log.reject(line, f"duplicate of row {seen[key]}", kind="duplicate", fix="delete the repeated row")
            continue
        seen[key] = line
        row = _journal_row(line, rec, question, tz, log)
        if row is not None:
            row["participant_id"] = participant_id
            rows.append(row)
    return finish_mood(log, mood_frame(rows, JOURNAL_NAME, path, tz), JOURNAL_NAME)


def _journal_row(line: int, rec: dict[str, str], question: str, tz: str | None, log: RowLog) -> dict[str, Any] | None:
    """One journal answer as a 0/1 rating, or ``None`` when reported."""
    answer = parse_yes_no(rec.get("answer"))
    if not question or answer is None:
        field, value = ("Question text", question) if not question else ("Answered yes", rec.get("answer"))
        log.reject(line, "not a yes/no answer to a question", field=field, value=value, fix="correct or delete the row")
        return None
    start = _local(rec.get("cycle_start", ""))
    if start is None:
        log.reject(
            line,
            "not a date/time",
            field="Cycle start time",
            value=rec.get("cycle_start"),
            fix="re-export from the Whoop app",
        )
        return None
    return {
        "time_utc": pd.NaT,
        "time_local": pd.NaT,
        "date": (start + pd.Timedelta(hours=12)).normalize(),
        "tz": tz or zone_label(rec.get("zone")),
        "item": normalise_item(question),
        "value": 1.0 if answer else 0.0,
        "scale_min": 0.0,
        "scale_max": 1.0,
        "context": "daily",
        "source_row": line,
    }

"""Sleep as Android exports: ``sleep-export.csv`` or the backup zip holding it.

Quirks: the header row is repeated before every record and the number of columns varies
per record (actigraphy columns named by clock time, then ``Event`` columns); comments
may hold quoted newlines. Each record has ``Id`` (epoch ms), ``Tz`` (an IANA zone name:
the zone of that night, so travel is handled), ``From``/``To`` as ``dd. MM. yyyy H:mm``
local wall-clock times in ``Tz``, ``Hours`` (time asleep) and ``Rating`` (0..5 stars;
0 means "not rated", so ``quality_01`` is missing; otherwise ``rating / 5``).

``From``..``To`` is taken as the time in bed and ``Hours`` as the time asleep; the
exact sleep onset and wake are unknown (``sleep_start``/``sleep_end`` missing) and the
wake date is the local date of ``To``. ``tz`` is not needed; when given it only
replaces a missing or unknown ``Tz``.
"""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from runwell.errors import InputError
from runwell.guard import guarded
from runwell.logs.files import csv_records, member_named, read_text
from runwell.logs.instants import given_tz, localize_noted
from runwell.logs.results import SleepResult, finish_sleep
from runwell.logs.rows import ZONE_FIX, RowLog
from runwell.logs.values import optional_float
from runwell.safeio import open_archive
from runwell.timezones import zone as known_zone

__all__ = ["read_sleep_as_android", "sniff_sleep_as_android", "MEMBER"]

NAME = "sleep_as_android"
MEMBER = "sleep-export.csv"


def sniff_sleep_as_android(first_line: str) -> bool:
    """True when the first line is a Sleep as Android record header."""
    return first_line.lstrip("\ufeff").startswith("Id,Tz,From,To")


def _text(path: Path) -> str:
    """The export's text, from the csv or the ``sleep-export.csv`` in a backup zip."""
    if zipfile.is_zipfile(path):
        with open_archive(path, str(path)) as zf:
            member = member_named(zf.namelist(), MEMBER)
        if member is None:
            raise InputError(
                path, f"zip holds no {MEMBER}", fix="pass the Sleep as Android backup zip or the csv itself"
            )
        return read_text(path, member=member)
    return read_text(path)


@guarded("read_sleep_as_android")
def read_sleep_as_android(
    path: str | Path,
    *,
    participant_id: str | None = None,
    tz: str | None = None,
    strict: bool = False,
) -> SleepResult:
    """Read a Sleep as Android export (csv or zip) into the canonical sleep table.

    Parameters
    ----------
    path
        ``sleep-export.csv`` or the backup ``.zip`` holding it.
    participant_id
        Written into every row.
    tz
        Fallback zone for records whose ``Tz`` is empty or unknown.
    strict
        Raise on the first bad record instead of reporting it.

    Returns
    -------
    SleepResult
        Rows are the file's line numbers of the data records.
    """
    path = Path(path)
    tz = given_tz(tz)
    log = RowLog(path, strict=strict, participant_id=participant_id)
    first, records = csv_records(_text(path), path=path)  # the header repeats before every record
    rows: list[dict[str, Any]] = []
    header: list[str] | None = first if first and first[0] == "Id" else None
    seen: dict[str, int] = {}
    for line, fields in records:
        if fields and fields[0].strip().lstrip("\ufeff") == "Id":
            header = [f.strip() for f in fields]
            continue
        log.read()
        if header is None:
            log.reject(line, "record before any header row", fix="re-export from the app")
            continue
        rec = dict(zip(header, fields, strict=False))
        row = _record(line, rec, tz, log, seen)
        if row is not None:
            row["participant_id"] = participant_id
            rows.append(row)
    if not rows and log.rows_read == 0:
        log.file_note("empty Sleep as Android export: no records")
    _place(rows, log)
    return finish_sleep(log, rows, NAME)


def _record(line: int, rec: dict[str, str], tz: str | None, log: RowLog, seen: dict[str, int]) -> dict[str, Any] | None:
    """One record's local From/To, zone, hours and rating, or ``None`` when reported."""
    rid = rec.get("Id", "").strip()
    if rid in seen:
        log.reject(
            line,
            f"duplicate of the record on row {seen[rid]} (same Id)",
            kind="duplicate",
            fix="delete the repeated record",
        )
        return None
    seen[rid] = line
    written = rec.get("Tz", "").strip()
    zone = written if written and known_zone(written) is not None else tz
    if zone is None:
        log.reject(
            line,
            "no usable time zone",
            field="Tz",
            value=rec.get("Tz"),
            fix=ZONE_FIX,
        )
        return None
    times = []
    for col in ("From", "To"):
        try:
            times.append(datetime.strptime(rec.get(col, "").strip(), "%d. %m. %Y %H:%M"))
        except ValueError:
            log.reject(
                line,
                "not a date/time (expected dd. MM. yyyy H:mm)",
                field=col,
                value=rec.get(col),
                fix="correct the record in the app",
            )
            return None
    if times[1] < times[0]:
        log.reject(line, "To is before From", field="To", value=rec.get("To"), fix="correct the record in the app")
        return None
    hours = optional_float(rec.get("Hours", ""))
    rating = optional_float(rec.get("Rating", ""))
    if rating is not None and not 0 <= rating <= 5:
        log.reject(line, "rating outside 0..5", field="Rating", value=rec.get("Rating"), fix="correct the rating")
        rating = None
    return {
        "_row": line,
        "_from": times[0],
        "_to": times[1],
        "tz": zone,
        "asleep_h": hours,
        "quality_01": None if not rating else rating / 5,
    }


def _place(rows: list[dict[str, Any]], log: RowLog) -> None:
    """Turn the local From/To of each record into UTC, zone by zone."""
    for zone in {r["tz"] for r in rows}:
        group = [r for r in rows if r["tz"] == zone]
        lines = [r["_row"] for r in group]
        starts = localize_noted(pd.Series([r["_from"] for r in group]), zone, log, lines)
        ends = localize_noted(pd.Series([r["_to"] for r in group]), zone, log, lines)
        for row, start, end in zip(group, starts, ends, strict=True):
            row["in_bed_start"], row["in_bed_end"] = start, end

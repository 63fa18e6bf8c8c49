"""Samsung Health export: the sleep table ``com.samsung.shealth.sleep.<timestamp>.csv``.

Certainty (per FORMATS.md section 3): layout and metadata line **[seen]**; start and end
in UTC with a ``time_offset`` column **[doc]** (the Samsung SDK and two importers, one
cross-checked with Health Connect; some other code reads them as local); joining
fragments into one night **[doc]**; the meaning of ``efficiency`` per fragment **[inf]**.
Tested on constructed files only (no licensed real sample).

Where the user finds it: Samsung Health app -> settings -> download personal data (the
exact menu varies by version); the phone writes a folder
``samsunghealth_<user>_<yyyymmddhhmmss>/`` of CSVs. Pass the folder or the sleep CSV.

Layout
    Line 1 is metadata (``com.samsung.shealth.sleep,<n>,<n>``), line 2 the header, rows
    end with a comma. Used: ``com.samsung.health.sleep.start_time``/``.end_time`` (text in
    UTC), ``.time_offset`` (``UTC+0200``; the oldest layout wrote local times and the
    offset in milliseconds), ``.datauuid``, and the bare ``efficiency`` (percent) and
    ``sleep_score`` (0..100). ``sleep_duration`` is not used: its unit is undocumented.
Nights
    Samsung splits one night into several rows (fragments with awake gaps). Fragments
    less than ``gap_h`` hours apart (default 2) are one sleep period: in bed from the
    first start to the last end, asleep the sum of the fragments (each times its
    ``efficiency`` where given), awake the rest; ``quality_01`` is the ``sleep_score`` of
    the longest fragment that has one. A night belongs to the local date of its end.
    ``sleep_stage`` rows are stages inside these rows, not sleeps; that table is not read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from runwell._exportfiles import samsung_instant, samsung_table
from runwell.errors import InputError
from runwell.logs.files import dict_records, read_text
from runwell.logs.instants import given_tz
from runwell.logs.results import SleepResult, finish_sleep
from runwell.logs.rows import ZONE_FIX, RowLog
from runwell.logs.values import MAX_PERIOD_H, optional_float, period_hours
from runwell.timezones import to_local

__all__ = ["read_samsung_sleep", "sniff_samsung_sleep", "SLEEP_TABLES"]

NAME = "samsung"

#: Names of Samsung's sleep table in the metadata line (current and older exports).
SLEEP_TABLES = ("com.samsung.shealth.sleep", "com.samsung.health.sleep")


def sniff_samsung_sleep(first_line: str) -> bool:
    """True when a CSV's first line is the metadata line of Samsung's sleep table."""
    return first_line.split(",", 1)[0].strip() in SLEEP_TABLES


def read_samsung_sleep(
    path: str | Path,
    *,
    participant_id: str | None = None,
    tz: str | None = None,
    strict: bool = False,
    gap_h: float = 2.0,
) -> SleepResult:
    """Read Samsung Health's sleep CSV into the canonical sleep table ([seen]/[doc]; see module).

    Parameters
    ----------
    path
        ``com.samsung.shealth.sleep.<timestamp>.csv``.
    participant_id
        Written into every row.
    tz
        Optional: the zone to show local times in (default: each row's ``time_offset``),
        and the zone of rows without one.
    strict
        Raise on the first bad row instead of reporting it.
    gap_h
        Fragments less than this many hours apart are one night.

    Returns
    -------
    SleepResult
        One period per night (fragments joined).
    """
    path = Path(path)
    tz = given_tz(tz)
    log = RowLog(path, strict=strict, participant_id=participant_id)
    try:
        _, header, raw = samsung_table(read_text(path))
    except ValueError as err:
        raise InputError(path, str(err), fix="export the data from Samsung Health again") from err
    records = dict_records(header, raw)
    log.read(len(records), empty="empty Samsung sleep table: no rows")
    fragments = _fragments(records, tz, log)
    nights = _join(sorted(fragments, key=lambda f: f["start"]), gap_h)
    rows = [_night(night, tz, participant_id) for night in nights]
    loaded = {f["line"] for night in nights for f in night}
    return finish_sleep(log, rows, NAME, loaded=loaded)


def _fragments(records: list[tuple[int, dict[str, str]]], tz: str | None, log: RowLog) -> list[dict[str, Any]]:
    """The readable sleep rows as fragments; duplicates and bad rows are reported."""
    out = []
    seen: dict[tuple[str, ...], int] = {}
    for line, rec in records:
        uuid = rec.get("datauuid", "").strip()
        key = (uuid,) if uuid else (rec.get("start_time", "").strip(), rec.get("end_time", "").strip())
        if key in seen:
            log.reject(line, f"duplicate of row {seen[key]}", kind="duplicate", fix="delete the repeated row")
            continue
        seen[key] = line
        try:
            start, zone = samsung_instant(rec.get("start_time", ""), rec.get("time_offset", ""))
            end, _ = samsung_instant(rec.get("end_time", ""), rec.get("time_offset", ""))
        except ValueError as err:
            log.reject(line, str(err), field="start_time", fix="re-export from Samsung Health")
            continue
        if end <= start or period_hours(start, end) > MAX_PERIOD_H:
            why = "sleep ends before it starts" if end <= start else f"sleep longer than {MAX_PERIOD_H:g} hours"
            log.reject(line, why, field="end_time", value=rec.get("end_time"), fix="correct or delete the row")
            continue
        zone = tz or zone
        if zone is None:
            log.reject(line, "no time_offset in this row", field="time_offset", fix=ZONE_FIX)
            continue
        efficiency = optional_float(rec.get("efficiency"))
        score = optional_float(rec.get("sleep_score"))
        out.append(
            {
                "line": line,
                "start": start,
                "end": end,
                "zone": zone,
                "efficiency": efficiency / 100 if efficiency is not None and 0 < efficiency <= 100 else None,
                "score": score if score is not None and 0 <= score <= 100 else None,
            }
        )
    return out


def _join(fragments: list[dict[str, Any]], gap_h: float) -> list[list[dict[str, Any]]]:
    """Fragments (in start order) grouped into nights: less than ``gap_h`` hours apart."""
    nights: list[list[dict[str, Any]]] = []
    gap = pd.Timedelta(hours=gap_h)
    for frag in fragments:
        if nights and frag["start"] - max(f["end"] for f in nights[-1]) < gap:
            nights[-1].append(frag)
        else:
            nights.append([frag])
    return nights


def _night(night: list[dict[str, Any]], tz: str | None, participant_id: str | None) -> dict[str, Any]:
    """One sleep period of a night's fragments."""
    start = min(f["start"] for f in night)
    end = max(f["end"] for f in night)
    zone = night[-1]["zone"]
    asleep = sum((f["end"] - f["start"]).total_seconds() * (f["efficiency"] or 1.0) for f in night) / 3600
    in_bed = (end - start).total_seconds() / 3600
    scored = [f for f in night if f["score"] is not None]
    best = max(scored, key=lambda f: f["end"] - f["start"]) if scored else None
    return {
        "participant_id": participant_id,
        "wake_date": to_local(end, zone).normalize(),
        "in_bed_start": start,
        "in_bed_end": end,
        "sleep_start": start,
        "sleep_end": end,
        "tz": tz or zone,
        "asleep_h": asleep,
        "in_bed_h": in_bed,
        "awake_h": in_bed - asleep,
        "quality_01": None if best is None else best["score"] / 100,
    }

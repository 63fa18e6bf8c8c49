"""Oura's current data export: ``sleepmodel.csv`` with ``dailysleep.csv`` beside it.

Certainty (per FORMATS.md section 5): file names, ``;`` with unquoted JSON cells and
``day`` = the wake day **[seen]**; the column set **[doc]** (the API v2 ``sleep``
document); the column order and the quoting of the ``,`` variant **[inf]** (columns are
found by name, the separator from the header line). Tested on constructed files only.

Where the user finds it: Oura membership hub (membership.ouraring.com) -> data export ->
request; a zip of CSVs named after API v2 collections arrives after minutes to hours.
Pass the zip, its folder or ``sleepmodel.csv``. (Oura's older "trends" CSV is the
``oura`` format.)

``sleepmodel.csv``
    One row per sleep period: ``bedtime_start``/``bedtime_end`` (ISO 8601 with the local
    offset, honoured), durations in seconds (``total_sleep_duration``, ``time_in_bed``,
    ``deep_sleep_duration``, ``light_sleep_duration``, ``rem_sleep_duration``,
    ``awake_time``, ``latency``), ``efficiency`` (1..100), ``day`` (the day the user woke
    up: the ``wake_date``) and ``type``: ``long_sleep`` is the main sleep, every other
    type (``sleep``, ``nap``, ``rest``) is flagged as a nap. The sleep starts ``latency``
    after ``bedtime_start``; it is taken to end at ``bedtime_end``.
``dailysleep.csv``
    One row per day with ``score`` (0..100): it becomes the ``quality_01`` of that day's
    ``long_sleep``. It holds no times, so it is read only beside a ``sleepmodel.csv``
    (``dailysleep*.csv`` in the same folder).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from runwell._exportfiles import parse_stamp
from runwell.logs.files import csv_records, dict_records, read_csv_log, read_text
from runwell.logs.instants import given_tz, parse_instants
from runwell.logs.results import SleepResult, finish_sleep
from runwell.logs.rows import RowLog
from runwell.logs.values import MAX_PERIOD_H, optional_float, period_hours, to_hours

__all__ = ["read_oura_export", "sniff_oura_export", "daily_scores", "delimiter_of"]

NAME = "oura_export"
_NEEDED = {"bedtime_start", "bedtime_end", "day"}


def sniff_oura_export(header: list[str]) -> bool:
    """True for the header of Oura's ``sleepmodel.csv`` (API v2 names)."""
    return _NEEDED <= {h.strip().lower() for h in header}


def delimiter_of(first_line: str) -> str:
    """``;`` when the header line has more semicolons than commas, else ``,``.

    Examples
    --------
    >>> delimiter_of("id;contributors;day;score"), delimiter_of("id,day,score")
    (';', ',')
    """
    return ";" if first_line.count(";") > first_line.count(",") else ","


def daily_scores(folder: Path) -> dict[pd.Timestamp, float]:
    """Sleep scores (0..100) by day from the ``dailysleep*.csv`` files in ``folder``.

    Rows without a readable ``day`` or with a score outside 0..100 are left out.
    """
    scores: dict[pd.Timestamp, float] = {}
    for path in sorted(folder.glob("dailysleep*.csv")):
        text = read_text(path)
        header, raw = csv_records(text, delimiter=delimiter_of(text.split("\n", 1)[0]), path=path)
        for _, rec in dict_records([h.lower() for h in header], raw):
            score = optional_float(rec.get("score"))
            try:
                day = parse_stamp(rec.get("day", ""))
            except ValueError:
                continue
            if score is not None and 0 <= score <= 100:
                scores[day.tz_localize(None).normalize()] = score
    return scores


def read_oura_export(
    path: str | Path,
    *,
    participant_id: str | None = None,
    tz: str | None = None,
    strict: bool = False,
) -> SleepResult:
    """Read Oura's ``sleepmodel.csv`` (and ``dailysleep.csv`` beside it) into the sleep table.

    [seen] names and wake-day rule, [doc] columns; see the module docstring.

    Parameters
    ----------
    path
        ``sleepmodel.csv`` (``;``- or ``,``-separated).
    participant_id
        Written into every row.
    tz
        Optional IANA zone for local times (else each row's own offset).
    strict
        Raise on the first bad row instead of reporting it.

    Returns
    -------
    SleepResult
        One period per row; naps flagged by ``type``; scores from ``dailysleep.csv``.
    """
    path = Path(path)
    tz = given_tz(tz)
    log = RowLog(path, strict=strict, participant_id=participant_id)
    delimiter = delimiter_of(read_text(path).split("\n", 1)[0])
    _, records = read_csv_log(path, log, key=str.lower, delimiter=delimiter, empty="empty Oura sleepmodel.csv")
    kept: list[tuple[int, dict[str, str]]] = []
    seen: dict[str, int] = {}
    for line, rec in records:
        ident = rec.get("id", "").strip()
        if ident and ident in seen:
            log.reject(
                line, f"duplicate of row {seen[ident]} (same id)", kind="duplicate", fix="delete the repeated row"
            )
        elif not rec.get("bedtime_start", "").strip() or not rec.get("bedtime_end", "").strip():
            log.reject(line, "no bedtime recorded", kind="skipped")
        elif not _readable(line, rec, log):
            continue
        else:
            seen[ident] = line
            kept.append((line, rec))
    lines = [line for line, _ in kept]
    starts, zones = parse_instants(
        pd.Series([r["bedtime_start"] for _, r in kept], dtype=object), tz, log, lines, "bedtime_start", fmt="Oura"
    )
    ends, _ = parse_instants(
        pd.Series([r["bedtime_end"] for _, r in kept], dtype=object), tz, log, lines, "bedtime_end", fmt="Oura"
    )
    scores = daily_scores(path.parent)
    rows = []
    for pos, (line, rec) in enumerate(kept):
        if pd.isna(starts.iloc[pos]) or pd.isna(ends.iloc[pos]):
            continue
        row = _period(line, rec, starts.iloc[pos], ends.iloc[pos], scores, log)
        if row is not None:
            row.update(_row=line, tz=zones.iloc[pos], participant_id=participant_id)
            rows.append(row)
    return finish_sleep(log, rows, NAME)


def _readable(line: int, rec: dict[str, str], log: RowLog) -> bool:
    """Whether both bedtimes are times the tables can hold (else the row is reported)."""
    for field in ("bedtime_start", "bedtime_end"):
        try:
            parse_stamp(rec[field])
        except ValueError as err:
            log.reject(line, f"not a readable date/time ({err})", field=field, value=rec[field])
            return False
    return True


def _period(
    line: int,
    rec: dict[str, str],
    start: pd.Timestamp,
    end: pd.Timestamp,
    scores: dict[pd.Timestamp, float],
    log: RowLog,
) -> dict[str, Any] | None:
    """One period row, or ``None`` when reported."""
    if end <= start or period_hours(start, end) > MAX_PERIOD_H:
        why = "bedtime ends before it starts" if end <= start else f"bedtime longer than {MAX_PERIOD_H:g} hours"
        log.reject(line, why, field="bedtime_end", value=rec.get("bedtime_end"))
        return None
    try:
        day = parse_stamp(rec.get("day", "")).tz_localize(None).normalize()
    except (ValueError, TypeError):
        day = pd.NaT
    kind = rec.get("type", "").strip().lower()
    main = kind == "long_sleep"
    secs = {k: optional_float(rec.get(k)) for k in ("total_sleep_duration", "time_in_bed", "awake_time", "latency")}
    stages = {k: optional_float(rec.get(f"{k}_sleep_duration")) for k in ("deep", "light", "rem")}
    efficiency = optional_float(rec.get("efficiency"))
    span = period_hours(start, end) * 3600
    latency = secs["latency"] if secs["latency"] is not None and 0 <= secs["latency"] <= span else 0.0
    score = scores.get(day) if main and not pd.isna(day) else None
    return {
        "wake_date": day,
        "in_bed_start": start,
        "in_bed_end": end,
        "sleep_start": start + pd.Timedelta(seconds=latency),
        "sleep_end": end,
        "asleep_h": to_hours(secs["total_sleep_duration"], "s"),
        "in_bed_h": to_hours(secs["time_in_bed"], "s"),
        "awake_h": to_hours(secs["awake_time"], "s"),
        "deep_h": to_hours(stages["deep"], "s"),
        "light_h": to_hours(stages["light"], "s"),
        "rem_h": to_hours(stages["rem"], "s"),
        "efficiency": efficiency / 100 if efficiency is not None and 0 < efficiency <= 100 else None,
        "quality_01": None if score is None else score / 100,
        "is_nap": None if not kind else not main,
    }

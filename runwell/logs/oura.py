"""Oura CSV exports (the "trends" / sleep CSV from the Oura web dashboard).

Columns used (matched case-insensitively, spaces or underscores): ``Bedtime Start`` and
``Bedtime End`` (ISO times *with* offset, e.g. ``2021-03-01T23:28:08+01:00``; honoured),
``Total Sleep Time`` and ``Total Bedtime`` (seconds, or ``H:MM:SS``), ``Deep/Light/REM
Sleep Time`` and ``Awake Time``, ``Sleep Efficiency`` (percent) and ``Sleep Score``
(0..100, becomes ``quality_01``). Oura's own ``date`` column (the day the night *began*
in older exports) is ignored: the wake date is the local date of ``Bedtime End``.
Local times use ``tz`` when given, else each row's offset. Rows without bedtimes (days
the ring was not worn) are reported as ``skipped``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from runwell.guard import guarded
from runwell.logs.files import read_csv_log
from runwell.logs.instants import given_tz, parse_instants
from runwell.logs.results import SleepResult, finish_sleep
from runwell.logs.rows import RowLog
from runwell.logs.values import to_hours

__all__ = ["read_oura", "sniff_oura"]

NAME = "oura"


def _key(name: str) -> str:
    """A column name as a record key: lower case, runs of other characters as ``_``."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def sniff_oura(header: list[str]) -> bool:
    """True when a CSV header has Oura's bedtime columns."""
    keys = {_key(c) for c in header}
    return {"bedtime_start", "bedtime_end"} <= keys


def _seconds(text: str | None) -> float | None:
    """A duration in seconds from seconds or ``H:MM[:SS]`` text, or ``None``."""
    if text is None or not str(text).strip():
        return None
    text = str(text).strip()
    match = re.fullmatch(r"(\d+):(\d{2})(?::(\d{2}))?", text)
    if match:
        h, m, s = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
        return h * 3600 + m * 60 + s
    try:
        return float(text)
    except ValueError:
        return None


@guarded("read_oura")
def read_oura(
    path: str | Path,
    *,
    participant_id: str | None = None,
    tz: str | None = None,
    strict: bool = False,
) -> SleepResult:
    """Read an Oura CSV export into the canonical sleep table.

    Parameters
    ----------
    path
        The Oura CSV.
    participant_id
        Written into every row.
    tz
        Optional IANA zone for local times (else each row's own offset).
    strict
        Raise on the first bad row instead of reporting it.

    Returns
    -------
    SleepResult
    """
    path = Path(path)
    tz = given_tz(tz)
    log = RowLog(path, strict=strict, participant_id=participant_id)
    _, records = read_csv_log(path, log, key=_key, empty="empty Oura export: no rows")
    kept = []
    for line, rec in records:
        if not rec.get("bedtime_start", "").strip() or not rec.get("bedtime_end", "").strip():
            log.reject(line, "no bedtime recorded (ring not worn?)", kind="skipped")
        else:
            kept.append((line, rec))
    lines = [line for line, _ in kept]
    starts, zones = parse_instants(
        pd.Series([r["bedtime_start"] for _, r in kept], dtype=object), tz, log, lines, "Bedtime Start", fmt="Oura"
    )
    ends, _ = parse_instants(
        pd.Series([r["bedtime_end"] for _, r in kept], dtype=object), tz, log, lines, "Bedtime End", fmt="Oura"
    )
    rows = []
    for pos, (line, rec) in enumerate(kept):
        if pd.isna(starts.iloc[pos]) or pd.isna(ends.iloc[pos]):
            continue
        row = _row(line, rec, starts.iloc[pos], ends.iloc[pos], log)
        if row is not None:
            row.update(_row=line, tz=zones.iloc[pos], participant_id=participant_id)
            rows.append(row)
    return finish_sleep(log, rows, NAME)


def _row(line: int, rec: dict[str, str], start: pd.Timestamp, end: pd.Timestamp, log: RowLog) -> dict[str, Any] | None:
    """One night's period row from its bedtimes and durations, or ``None`` when reported."""
    if end <= start:
        log.reject(
            line,
            "bedtime ends before it starts",
            field="Bedtime End",
            value=rec.get("bedtime_end"),
            fix="correct or delete the row",
        )
        return None
    asleep = _seconds(rec.get("total_sleep_time", rec.get("total_sleep_duration")))
    in_bed = _seconds(rec.get("total_bedtime", rec.get("time_in_bed")))
    score = _seconds(rec.get("sleep_score"))
    if score is not None and not 0 <= score <= 100:
        log.reject(
            line,
            "sleep score outside 0..100",
            field="Sleep Score",
            value=rec.get("sleep_score"),
            fix="correct the score",
        )
        score = None
    stage = {k: _seconds(rec.get(f"{k}_sleep_time")) for k in ("deep", "light", "rem")}
    awake = _seconds(rec.get("awake_time"))
    return {
        "in_bed_start": start,
        "in_bed_end": end,
        "asleep_h": to_hours(asleep, "s"),
        "in_bed_h": to_hours(in_bed, "s"),
        "deep_h": to_hours(stage["deep"], "s"),
        "light_h": to_hours(stage["light"], "s"),
        "rem_h": to_hours(stage["rem"], "s"),
        "awake_h": to_hours(awake, "s"),
        "quality_01": None if score is None else score / 100,
    }

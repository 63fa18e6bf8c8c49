"""Garmin Connect data export: ``*_sleepData.json`` (in ``DI_CONNECT/DI-Connect-Wellness``).

Each file is a JSON list of nights with ``calendarDate`` (the wake date),
``sleepStartTimestampGMT``/``sleepEndTimestampGMT`` as GMT strings *without* ``Z``
(``2021-01-01T23:10:00.0``), stage seconds ``deepSleepSeconds``, ``lightSleepSeconds``,
``remSleepSeconds``, ``awakeSleepSeconds`` (and ``unmeasurableSeconds``), and in newer
exports ``sleepScores`` with ``overallScore`` (0..100, a number or ``{"value": n}``).

The Garmin window start..end is taken as both the time in bed and the sleep period;
time asleep is deep + light + REM. ``quality_01`` is the overall score / 100. Entries
with no sleep window (days the watch was not worn) are reported as ``skipped``.
``calendarDate`` gives the wake date, so ``tz`` is optional; when given it fills the
``tz`` column (otherwise missing). Rows are the 1-based positions in the JSON list.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from runwell.guard import guarded
from runwell.logs.files import load_json_list
from runwell.logs.instants import given_tz
from runwell.logs.results import SleepResult, finish_sleep
from runwell.logs.rows import RowLog
from runwell.logs.values import optional_float, to_hours

__all__ = ["read_garmin", "sniff_garmin"]

NAME = "garmin"


def sniff_garmin(head: str) -> bool:
    """True when the start of a JSON file looks like Garmin sleep data."""
    return head.lstrip().startswith("[") and "sleepStartTimestampGMT" in head


@guarded("read_garmin")
def read_garmin(
    path: str | Path,
    *,
    participant_id: str | None = None,
    tz: str | None = None,
    strict: bool = False,
) -> SleepResult:
    """Read a Garmin Connect ``*_sleepData.json`` into the canonical sleep table.

    Parameters
    ----------
    path
        The JSON file.
    participant_id
        Written into every row.
    tz
        Optional IANA zone for the ``tz`` column.
    strict
        Raise on the first bad night instead of reporting it.

    Returns
    -------
    SleepResult
    """
    path = Path(path)
    tz = given_tz(tz)
    log = RowLog(path, strict=strict, participant_id=participant_id)
    data = load_json_list(path)
    log.read(len(data), empty="empty Garmin sleep file: no nights")
    rows: list[dict[str, Any]] = []
    seen: dict[Any, int] = {}
    for pos, rec in enumerate(data, start=1):
        row = None
        with log.guard(pos):
            row = _night(pos, rec, log, seen)
        if row is not None:
            row.update(tz=tz, participant_id=participant_id)
            rows.append(row)
    return finish_sleep(log, rows, NAME)


def _night(pos: int, rec: Any, log: RowLog, seen: dict[Any, int]) -> dict[str, Any] | None:
    """One Garmin night as a period row, or ``None`` when reported."""
    if not isinstance(rec, dict):
        log.reject(pos, "night is not a JSON object", value=str(rec)[:40])
        return None
    start_text, end_text = rec.get("sleepStartTimestampGMT"), rec.get("sleepEndTimestampGMT")
    if not start_text or not end_text:
        log.reject(pos, "no sleep window recorded (watch not worn?)", kind="skipped")
        return None
    key = repr((start_text, end_text))
    if key in seen:
        log.reject(
            pos, f"duplicate of night {seen[key]} (same window)", kind="duplicate", fix="delete the repeated night"
        )
        return None
    seen[key] = pos
    try:
        start = _gmt(start_text)
        end = _gmt(end_text)
        wake = pd.Timestamp(rec["calendarDate"]).normalize() if rec.get("calendarDate") else pd.NaT
    except (ValueError, TypeError):
        log.reject(
            pos,
            "unreadable sleep window or calendarDate",
            field="sleepStartTimestampGMT",
            value=f"{start_text}..{end_text}",
            fix="re-export from Garmin Connect",
        )
        return None
    if end <= start:
        log.reject(pos, "sleep ends before it starts", field="sleepEndTimestampGMT", value=end_text)
        return None
    secs = {k: optional_float(rec.get(f"{k}SleepSeconds")) for k in ("deep", "light", "rem", "awake")}
    staged = [v for k, v in secs.items() if k != "awake" and v is not None]
    score = _score(rec.get("sleepScores"))
    return {
        "_row": pos,
        "wake_date": wake,
        "in_bed_start": start,
        "in_bed_end": end,
        "sleep_start": start,
        "sleep_end": end,
        "asleep_h": sum(staged) / 3600 if staged else None,
        "deep_h": to_hours(secs["deep"], "s"),
        "light_h": to_hours(secs["light"], "s"),
        "rem_h": to_hours(secs["rem"], "s"),
        "awake_h": to_hours(secs["awake"], "s"),
        "quality_01": None if score is None else score / 100,
    }


#: Epoch numbers above this are milliseconds, below it seconds (1e11 s is the year 5138,
#: 1e11 ms is March 1973): the unit follows from the magnitude.
EPOCH_MS_ABOVE = 1e11


def _gmt(text: Any) -> pd.Timestamp:
    """A Garmin GMT time (text without ``Z``, or an epoch number) as a UTC instant.

    Garmin writes epoch milliseconds; epoch seconds (some tools convert them) are told
    apart by magnitude (:data:`EPOCH_MS_ABOVE`) instead of being read as a night in 1970.

    Examples
    --------
    >>> _gmt(1609542600000), _gmt(1609542600), _gmt("2021-01-01T23:10:00.0")
    (Timestamp('2021-01-01 23:10:00+0000', tz='UTC'), Timestamp('2021-01-01 23:10:00+0000', tz='UTC'), Timestamp('2021-01-01 23:10:00+0000', tz='UTC'))
    """
    if isinstance(text, str) and text.strip().lstrip("-").isdigit():
        text = int(text)
    if isinstance(text, bool):
        raise TypeError("a boolean is not a time")
    if isinstance(text, (int, float)):
        return pd.Timestamp(text, unit="ms" if abs(text) > EPOCH_MS_ABOVE else "s", tz="UTC")
    stamp = pd.Timestamp(str(text))
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _score(scores: Any) -> float | None:
    """The overall sleep score (0..100) of ``sleepScores``, or ``None``."""
    if not isinstance(scores, dict):
        return None
    overall = scores.get("overallScore", scores.get("overall"))
    if isinstance(overall, dict):
        overall = overall.get("value")
    value = optional_float(overall)
    return value if value is not None and 0 <= value <= 100 else None

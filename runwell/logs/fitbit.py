"""Fitbit sleep logs from Google Takeout / Fitbit data export: ``sleep-YYYY-MM-DD.json``.

Each file is a JSON list of sleep logs with ``logId``, ``dateOfSleep`` (the wake date),
``startTime``/``endTime`` as *local times without offset* (``tz`` is required),
``minutesAsleep``, ``minutesAwake``, ``timeInBed``, ``minutesToFallAsleep``,
``minutesAfterWakeup``, ``efficiency`` and ``levels.summary`` (stage minutes: ``deep``,
``light``, ``rem``, ``wake`` for "stages" logs; ``asleep``, ``restless``, ``awake`` for
"classic" ones).

``startTime``..``endTime`` is the time in bed; sleep starts ``minutesToFallAsleep`` after
it and ends ``minutesAfterWakeup`` before its end. ``efficiency`` is recomputed as
``minutesAsleep / timeInBed`` (Fitbit's own efficiency uses a different formula).
The file has no sleep rating: ``quality_01`` is missing. ``dateOfSleep`` is used as the
wake date. Rows are the 1-based positions of the logs in the JSON list.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from runwell.guard import guarded
from runwell.logs.files import load_json_list
from runwell.logs.instants import localize_noted, require_tz
from runwell.logs.results import SleepResult, finish_sleep
from runwell.logs.rows import RowLog
from runwell.logs.values import optional_float, to_hours

__all__ = ["read_fitbit", "sniff_fitbit"]

NAME = "fitbit"


def sniff_fitbit(head: str) -> bool:
    """True when the start of a JSON file looks like Fitbit sleep logs."""
    return head.lstrip().startswith("[") and '"dateOfSleep"' in head and '"logId"' in head


@guarded("read_fitbit")
def read_fitbit(
    path: str | Path,
    *,
    participant_id: str | None = None,
    tz: str | None = None,
    strict: bool = False,
) -> SleepResult:
    """Read a Fitbit ``sleep-YYYY-MM-DD.json`` into the canonical sleep table.

    Parameters
    ----------
    path
        The JSON file.
    participant_id
        Written into every row.
    tz
        IANA zone (required: Fitbit writes local times without offset).
    strict
        Raise on the first bad log instead of reporting it.

    Returns
    -------
    SleepResult
    """
    path = Path(path)
    tz = require_tz(tz, path, "Fitbit sleep")
    log = RowLog(path, strict=strict, participant_id=participant_id)
    data = load_json_list(path)
    log.read(len(data), empty="empty Fitbit sleep file: no sleep logs")
    rows: list[dict[str, Any]] = []
    seen: dict[Any, int] = {}
    for pos, rec in enumerate(data, start=1):
        row = None
        with log.guard(pos):
            row = _log(pos, rec, log, seen)
        if row is not None:
            rows.append(row)
    for key in ("in_bed_start", "in_bed_end", "sleep_start", "sleep_end"):
        if rows:
            utc = localize_noted(pd.Series([r[key] for r in rows]), tz, log, [r["_row"] for r in rows])
            for row, instant in zip(rows, utc, strict=True):
                row[key] = instant
    for row in rows:
        row["tz"], row["participant_id"] = tz, participant_id
    return finish_sleep(log, rows, NAME)


def _log(pos: int, rec: Any, log: RowLog, seen: dict[Any, int]) -> dict[str, Any] | None:
    """One Fitbit sleep log as a period row (naive local times), or ``None`` when reported."""
    if not isinstance(rec, dict):
        log.reject(pos, "sleep log is not a JSON object", value=str(rec)[:40])
        return None
    log_id = rec.get("logId")
    log_id = log_id if log_id is None or isinstance(log_id, str | int | float) else repr(log_id)
    if log_id is not None and log_id in seen:
        log.reject(
            pos,
            f"duplicate of log {seen[log_id]} (same logId)",
            kind="duplicate",
            value=log_id,
            fix="delete the repeated log",
        )
        return None
    seen[log_id] = pos
    try:
        start = pd.Timestamp(rec["startTime"]).tz_localize(None)
        end = pd.Timestamp(rec["endTime"]).tz_localize(None)
        wake = pd.Timestamp(rec["dateOfSleep"])
    except KeyError as err:
        log.reject(pos, f"sleep log has no {err.args[0]}", field=err.args[0], fix="re-export the file")
        return None
    except (ValueError, TypeError):
        log.reject(
            pos,
            "unreadable startTime/endTime/dateOfSleep",
            field="startTime",
            value=rec.get("startTime"),
            fix="re-export the file",
        )
        return None
    if end <= start:
        log.reject(pos, "sleep ends before it starts", field="endTime", value=rec.get("endTime"))
        return None
    minutes = {
        k: optional_float(rec.get(k))
        for k in ("minutesAsleep", "timeInBed", "minutesToFallAsleep", "minutesAfterWakeup", "minutesAwake")
    }
    stages = (rec.get("levels") or {}).get("summary") or {}
    stage_min = {k: optional_float((stages.get(k) or {}).get("minutes")) for k in ("deep", "light", "rem", "wake")}
    awake = stage_min["wake"] if stage_min["wake"] is not None else minutes["minutesAwake"]
    return {
        "_row": pos,
        "wake_date": wake.normalize(),
        "in_bed_start": start,
        "in_bed_end": end,
        "sleep_start": start + pd.Timedelta(minutes=minutes["minutesToFallAsleep"] or 0),
        "sleep_end": end - pd.Timedelta(minutes=minutes["minutesAfterWakeup"] or 0),
        "asleep_h": to_hours(minutes["minutesAsleep"], "min"),
        "in_bed_h": to_hours(minutes["timeInBed"], "min"),
        "deep_h": to_hours(stage_min["deep"], "min"),
        "light_h": to_hours(stage_min["light"], "min"),
        "rem_h": to_hours(stage_min["rem"], "min"),
        "awake_h": to_hours(awake, "min"),
    }

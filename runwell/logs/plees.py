"""Plees Tracker CSV exports: ``sid,start,stop,rating``.

``start`` and ``stop`` are epoch milliseconds (UTC instants); ``rating`` is 0..5 stars,
where 0 means "not rated" (``quality_01`` missing), else ``quality_01 = rating / 5``.
The file has no zone, so ``tz`` is required to put each night on its local wake date.
Plees records when the user pressed start and stop, so these are in-bed and sleep times
alike (``in_bed_*`` and ``sleep_*`` are both filled).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from runwell.guard import guarded
from runwell.logs.files import read_csv_log
from runwell.logs.instants import require_tz
from runwell.logs.results import SleepResult, finish_sleep
from runwell.logs.rows import RowLog

__all__ = ["read_plees", "sniff_plees"]

NAME = "plees"


def sniff_plees(header: list[str]) -> bool:
    """True for the Plees Tracker header."""
    return [c.strip().lower() for c in header[:4]] == ["sid", "start", "stop", "rating"]


@guarded("read_plees")
def read_plees(
    path: str | Path,
    *,
    participant_id: str | None = None,
    tz: str | None = None,
    strict: bool = False,
) -> SleepResult:
    """Read a Plees Tracker CSV export into the canonical sleep table.

    Parameters
    ----------
    path
        The ``plees-tracker.csv`` file.
    participant_id
        Written into every row.
    tz
        IANA zone (required: the file has UTC instants but no zone for the wake date).
    strict
        Raise on the first bad row instead of reporting it.

    Returns
    -------
    SleepResult
    """
    path = Path(path)
    tz = require_tz(
        tz,
        path,
        "Plees Tracker",
        why="Plees Tracker files hold UTC instants but no time zone, so runwell "
        "cannot tell on which local date each night ended",
    )
    log = RowLog(path, strict=strict, participant_id=participant_id)
    _, records = read_csv_log(path, log, key=str.lower, empty="empty Plees Tracker export: no sleeps")
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for line, rec in records:
        sid = rec.get("sid", "").strip()
        if sid in seen:
            log.reject(
                line, f"duplicate of row {seen[sid]} (same sid)", kind="duplicate", fix="delete the repeated row"
            )
            continue
        seen[sid] = line
        try:
            start = pd.Timestamp(int(rec["start"]), unit="ms", tz="UTC")
            stop = pd.Timestamp(int(rec["stop"]), unit="ms", tz="UTC")
        except (ValueError, KeyError):
            log.reject(
                line,
                "start/stop are not epoch milliseconds",
                field="start",
                value=f"{rec.get('start')}..{rec.get('stop')}",
                fix="re-export from Plees",
            )
            continue
        if stop < start:
            log.reject(
                line, "sleep stops before it starts", field="stop", value=rec["stop"], fix="correct or delete the row"
            )
            continue
        quality = _quality(rec.get("rating", ""), line, log)
        rows.append(
            {
                "_row": line,
                "participant_id": participant_id,
                "in_bed_start": start,
                "in_bed_end": stop,
                "sleep_start": start,
                "sleep_end": stop,
                "tz": tz,
                "quality_01": quality,
            }
        )
    return finish_sleep(log, rows, NAME)


def _quality(text: str, line: int, log: RowLog) -> float | None:
    """``quality_01`` from a 0..5 rating (0 = not rated), or ``None``; bad ratings are reported."""
    text = text.strip()
    if not text:
        return None
    try:
        rating = float(text)
    except ValueError:
        log.reject(line, "rating is not a number", field="rating", value=text, fix="use 0..5")
        return None
    if not 0 <= rating <= 5:
        log.reject(line, "rating outside 0..5", field="rating", value=text, fix="use 0..5")
        return None
    return None if rating == 0 else rating / 5

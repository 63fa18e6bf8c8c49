"""One row per real activity: the same activity from several files is kept once.

Watches, phones and Strava copy one activity into several files (a FIT file, Strava's
GPX of it, an Apple workout). Two rows of one participant from different files are the
same activity when all of these hold:

* they start at most :data:`DUPLICATE_START_S` apart;
* their elapsed times differ by at most :data:`DUPLICATE_ELAPSED_FRACTION` (or that many
  seconds);
* they overlap in time, by at least :data:`MIN_OVERLAP_FRACTION` of the shorter one (a
  57-second run that starts after a short walk has ended is not that walk);
* their sports are compatible: the same family (:data:`SPORT_FAMILIES`), or one of them
  names no sport (``other``: many GPX files say nothing).

The copy from the richest source is kept (:data:`SOURCE_RANK`); each other copy gets a
``duplicate`` report entry naming the one kept, and its file's count drops.
"""

from __future__ import annotations

import math

import pandas as pd

from runwell.activities.batch import Batch
from runwell.activities.rows import ActivityRow

__all__ = [
    "DUPLICATE_START_S",
    "DUPLICATE_ELAPSED_FRACTION",
    "MIN_OVERLAP_FRACTION",
    "SPORT_FAMILIES",
    "SOURCE_RANK",
    "compatible_sports",
    "dedupe",
    "same_activity",
]

#: Two activities of one participant starting at most this many seconds apart ...
DUPLICATE_START_S = 120.0
#: ... whose elapsed times differ by at most this fraction (or 120 s) are one activity.
DUPLICATE_ELAPSED_FRACTION = 0.10
#: Two copies overlap in time by at least this share of the shorter one.
MIN_OVERLAP_FRACTION = 0.5
#: Sports that may be the same activity recorded twice; a sport not listed (``other``) fits any.
SPORT_FAMILIES = {
    "running": "run",
    "trail_running": "run",
    "treadmill_running": "run",
    "walking": "walk",
    "hiking": "walk",
    "cycling": "ride",
    "swimming": "swim",
}
#: Which copy of a duplicated activity is kept: the richest source first.
SOURCE_RANK = {"fit": 0, "tcx": 1, "gpx": 2, "apple_health": 3, "strava_csv": 4}
#: Rank of a source not in :data:`SOURCE_RANK`.
_UNRANKED = 9
#: How many of the last rows kept a new row is compared with (rows are in start order).
_LOOKBACK = 5


def _rank(row: ActivityRow) -> int:
    return SOURCE_RANK.get(row.source, _UNRANKED)


def same_activity(a: ActivityRow, b: ActivityRow) -> bool:
    """Whether two placed rows are one activity read from two files (rule above)."""
    if a.participant_id != b.participant_id or a.source_file == b.source_file:
        return False
    if a.start_utc is None or b.start_utc is None:
        return False
    if abs((a.start_utc - b.start_utc).total_seconds()) > DUPLICATE_START_S:
        return False
    if not compatible_sports(a.session.sport, b.session.sport):
        return False
    ea, eb = a.session.elapsed_s, b.session.elapsed_s
    if math.isnan(ea) or math.isnan(eb):
        return True
    if abs(ea - eb) > max(DUPLICATE_START_S, DUPLICATE_ELAPSED_FRACTION * max(ea, eb)):
        return False
    start = max(a.start_utc, b.start_utc)
    end = min(a.start_utc + pd.Timedelta(seconds=ea), b.start_utc + pd.Timedelta(seconds=eb))
    overlap = (end - start).total_seconds()
    return overlap > 0 and overlap >= MIN_OVERLAP_FRACTION * min(ea, eb)


def compatible_sports(a: str | None, b: str | None) -> bool:
    """Whether two sports may be one activity: the same family, or either not a listed sport.

    Examples
    --------
    >>> compatible_sports("running", "trail_running"), compatible_sports("running", "other")
    (True, True)
    >>> compatible_sports("running", "walking")
    False
    """
    family_a, family_b = SPORT_FAMILIES.get(a or ""), SPORT_FAMILIES.get(b or "")
    return family_a is None or family_b is None or family_a == family_b


def _count_off(batch: Batch, drop: ActivityRow) -> None:
    """The dropped copy no longer counts towards its file (a file left with none is a duplicate)."""
    info = batch.files.get(drop.source_file)
    if info is not None:
        info["n_activities"] -= 1
        if info["n_activities"] == 0:
            info["status"] = "duplicate"
    elif "#row" in drop.source_file:
        csv_path = drop.source_file.rsplit("#row", 1)[0]
        if csv_path in batch.files:
            batch.files[csv_path]["n_activities"] -= 1


def dedupe(rows: list[ActivityRow], batch: Batch) -> list[ActivityRow]:
    """Keep one row per real activity; report the others as duplicates.

    Parameters
    ----------
    rows
        Placed rows (zones settled), in load order.
    batch
        The load's bookkeeping: gets a ``duplicate`` entry per copy dropped, and the
        copies' files are counted down.

    Returns
    -------
    list of ActivityRow
        The rows kept, in their original order.
    """
    order = sorted(
        (r for r in rows if r.start_utc is not None),
        key=lambda r: (r.participant_id, r.start_utc, _rank(r)),
    )
    kept: list[ActivityRow] = []
    dropped: set[int] = set()
    for row in order:
        twin = next((k for k in reversed(kept[-_LOOKBACK:]) if same_activity(k, row)), None)
        if twin is None:
            kept.append(row)
            continue
        keep, drop = (twin, row) if _rank(twin) <= _rank(row) else (row, twin)
        if keep is row:
            kept[kept.index(twin)] = row
        dropped.add(id(drop))
        assert keep.start_utc is not None and drop.start_utc is not None
        delta = abs((drop.start_utc - keep.start_utc).total_seconds())
        batch.note(
            drop.source_file,
            "duplicate",
            f"same activity as {keep.source_file} (starts {delta:.0f} s apart, "
            f"elapsed {drop.session.elapsed_s:.0f} s vs {keep.session.elapsed_s:.0f} s); kept the {keep.source} copy",
        )
        _count_off(batch, drop)
    return [r for r in rows if id(r) not in dropped]

"""One row per real activity: the same activity from several files is kept once.

Watches, phones and Strava copy one activity into several files (a FIT file, Strava's
GPX of it, an Apple workout). Two rows of one participant from different files are the
same activity when they start at most :data:`DUPLICATE_START_S` apart and their elapsed
times differ by at most :data:`DUPLICATE_ELAPSED_FRACTION` (or that many seconds). The
copy from the richest source is kept (:data:`SOURCE_RANK`); each other copy gets a
``duplicate`` report entry naming the one kept, and its file's count drops.
"""

from __future__ import annotations

import math

from runwell.activities.batch import Batch
from runwell.activities.rows import ActivityRow

__all__ = ["DUPLICATE_START_S", "DUPLICATE_ELAPSED_FRACTION", "SOURCE_RANK", "dedupe", "same_activity"]

#: Two activities of one participant starting at most this many seconds apart ...
DUPLICATE_START_S = 120.0
#: ... whose elapsed times differ by at most this fraction (or 120 s) are one activity.
DUPLICATE_ELAPSED_FRACTION = 0.10
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
    ea, eb = a.session.elapsed_s, b.session.elapsed_s
    if math.isnan(ea) or math.isnan(eb):
        return True
    return abs(ea - eb) <= max(DUPLICATE_START_S, DUPLICATE_ELAPSED_FRACTION * max(ea, eb))


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

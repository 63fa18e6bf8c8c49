"""Apple State of Mind in Health Auto Export's JSON (the iOS app "Health Auto Export").

Certainty (per FORMATS.md section 11): the envelope and the entry fields **[doc]** (the
app's export-format page); ``valenceClassification`` as a snake_case string **[seen]**
(121 real records); which ``kind`` a real file holds **[inf]**. No real file has been
seen: this reader is built from the documentation and tested on constructed files.

Where the user finds it: Health Auto Export app -> a manual export or an automation,
format JSON, "Export Version 2" -> State of Mind selected. Pass the ``.json`` file (or a
folder of them).

Layout
    ``{"data": {"metrics": [...], "workouts": [...], "stateOfMind": [...], ...}}``; each
    State of Mind entry has ``id``, ``start``, ``end`` (``2024-02-06 14:00:00 -0800``),
    ``kind``, ``labels``, ``associations``, ``valence`` (-1..1) and
    ``valenceClassification``. One rating per entry (see :mod:`runwell.logs.stateofmind`),
    timed at ``start`` with its offset; rows are positions in ``stateOfMind``. An entry
    repeated within a file (same ``id``) is reported as ``duplicate``; the app re-sends
    a day on every automatic sync, so read one export per period, not a folder of
    overlapping ones.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from runwell.errors import InputError
from runwell.logs.files import read_text
from runwell.logs.frames import mood_frame
from runwell.logs.instants import given_tz, parse_instants
from runwell.logs.results import MoodResult, finish_mood
from runwell.logs.rows import RowLog
from runwell.logs.stateofmind import valence_rating

__all__ = ["read_health_auto_export", "sniff_health_auto_export"]

NAME = "health_auto_export"
_SECTIONS = ('"stateOfMind"', '"metrics"', '"workouts"')


def sniff_health_auto_export(head: str) -> bool:
    """True when the start of a JSON file looks like a Health Auto Export envelope."""
    text = head.lstrip()
    return text.startswith("{") and '"data"' in text[:200] and any(s in text for s in _SECTIONS)


def _entries(path: Path) -> list[Any]:
    """The ``data.stateOfMind`` list (empty when the export has none)."""
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as err:
        raise InputError(
            path, f"not valid JSON ({err.msg} at line {err.lineno})", fix="export again; the file may be truncated"
        ) from err
    found = data.get("data", {}).get("stateOfMind", []) if isinstance(data, dict) else None
    if not isinstance(found, list):
        raise InputError(path, "data.stateOfMind is not a list", fix="export again with Export Version 2")
    return found


def read_health_auto_export(
    path: str | Path,
    *,
    participant_id: str | None = None,
    tz: str | None = None,
    strict: bool = False,
) -> MoodResult:
    """Read the State of Mind entries of a Health Auto Export JSON into the mood table ([doc]).

    Parameters
    ----------
    path
        The exported ``.json`` file.
    participant_id
        Written into every row.
    tz
        Optional IANA zone for local times (else each entry's own offset).
    strict
        Raise on the first bad entry instead of reporting it.

    Returns
    -------
    MoodResult
        Item ``mood`` on -1..1 (valence), labels and associations as tags.
    """
    path = Path(path)
    tz = given_tz(tz)
    log = RowLog(path, strict=strict, participant_id=participant_id)
    entries = _entries(path)
    log.read(len(entries), empty="no State of Mind entries in this export")
    kept: list[tuple[int, Any, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for pos, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            log.reject(pos, "entry is not a JSON object", value=str(entry)[:40])
            continue
        ident = str(entry.get("id") or "")
        if ident and ident in seen:
            log.reject(pos, f"duplicate of entry {seen[ident]} (same id)", kind="duplicate")
            continue
        seen[ident] = pos
        rating = valence_rating(
            pos,
            entry.get("valence"),
            kind=entry.get("kind"),
            labels=_listed(entry.get("labels")),
            associations=_listed(entry.get("associations")),
            log=log,
        )
        if rating is not None and not str(entry.get("start") or "").strip():
            log.reject(pos, "entry without a start time", field="start", fix="export again")
        elif rating is not None:
            rating["participant_id"] = participant_id
            kept.append((pos, entry.get("start"), rating))
    lines = [pos for pos, _, _ in kept]
    utc, zones = parse_instants(
        pd.Series([s for _, s, _ in kept], dtype=object), tz, log, lines, "start", fmt="Health Auto Export"
    )
    rows = []
    for i, (_, _, rating) in enumerate(kept):
        if not pd.isna(utc.iloc[i]):
            rating.update(time_utc=utc.iloc[i], tz=zones.iloc[i])
            rows.append(rating)
    return finish_mood(log, mood_frame(rows, NAME, path, tz), NAME)


def _listed(value: Any) -> list[Any]:
    """A JSON list as a list; one value as a list of one; nothing as an empty list."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]

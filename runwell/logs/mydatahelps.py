"""Apple State of Mind in the MyDataHelps export (research platform): ``HealthKitV2StateOfMind_*``.

Certainty (per FORMATS.md section 10): file names and the columns
``HealthKitStateOfMindKey``, ``ParticipantIdentifier``, ``ParticipantID``, ``StartDate``,
``EndDate``, ``Kind`` **[doc]** (MyDataHelps' export-format page); the valence column
``Valence`` and the label/association columns of the side files **[inf]** (the page
describes them without naming them). No real file has been seen: this reader is built
from the documentation only and tested on constructed files.

Where the researcher finds it: MyDataHelps Designer -> the project's data export; State
of Mind comes as four CSVs per export, ``HealthKitV2StateOfMind_<yyyymmdd>-<yyyymmdd>``
with ``_Labels_``, ``_Associations_`` and ``_Deleted_`` files beside it. Pass the
folder, its zip or the main CSV (the side files are found beside it).

Reading
    One rating per entry (see :mod:`runwell.logs.stateofmind`: item ``mood`` on -1..1,
    labels and associations as ``tags``); the time is ``StartDate`` (ISO 8601 with offset,
    honoured); the participant is ``ParticipantIdentifier``. The same entry can be
    exported twice (e.g. after reinstalling the app): rows whose key and participant
    repeat are reported as ``duplicate``. Entries listed in the ``_Deleted_`` file are
    reported as ``skipped`` (deleted by the participant).
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pandas as pd

from runwell.logs.files import csv_records, dict_records, read_csv_log, read_text
from runwell.logs.frames import mood_frame
from runwell.logs.instants import given_tz, parse_instants
from runwell.logs.results import MoodResult, finish_mood
from runwell.logs.rows import RowLog
from runwell.logs.stateofmind import valence_rating

__all__ = ["read_mydatahelps", "sniff_mydatahelps", "side_file_values", "SIDE_FILES"]

NAME = "mydatahelps"
_KEY = "healthkitstateofmindkey"
_PARTICIPANT = "participantidentifier"
_STEM = "HealthKitV2StateOfMind_"
#: The side files read beside the main CSV (glob patterns).
SIDE_FILES = tuple(f"{_STEM}{part}_*" for part in ("Labels", "Associations", "Deleted"))


def _lower(name: str) -> str:
    return name.strip().lower()


def sniff_mydatahelps(header: list[str]) -> bool:
    """True for the main State of Mind CSV of a MyDataHelps export (not its side files)."""
    cols = {_lower(h) for h in header}
    return _KEY in cols and "startdate" in cols


def side_file_values(folder: Path, part: str) -> dict[tuple[str, str], list[str]] | set[tuple[str, str]]:
    """What the ``_<part>_`` side files in ``folder`` say, by (key, participant).

    Parameters
    ----------
    folder
        Where the main CSV is.
    part
        ``"Labels"`` or ``"Associations"`` (values per entry), or ``"Deleted"`` (the set
        of deleted entries).

    Returns
    -------
    dict or set
        Values by ``(HealthKitStateOfMindKey, ParticipantIdentifier)``; for ``Deleted``
        the set of such pairs (participant ``""`` when the file has no such column).
    """
    values: dict[tuple[str, str], list[str]] = defaultdict(list)
    deleted: set[tuple[str, str]] = set()
    for path in sorted(folder.glob(f"{_STEM}{part}_*")):
        if not path.is_file():
            continue
        header, raw = csv_records(read_text(path), path=path)
        lower = [_lower(h) for h in header]
        column = next((h for h in lower if part.lower().rstrip("s") in h and h != _KEY), None)
        if column is None:
            column = next((h for h in reversed(lower) if h not in (_KEY, _PARTICIPANT, "participantid")), None)
        for _, rec in dict_records(lower, raw):
            key = (rec.get(_KEY, "").strip(), rec.get(_PARTICIPANT, "").strip())
            deleted.add(key)
            for value in re.split(r"[;|]", rec.get(column, "") if column else ""):
                if value.strip():
                    values[key].append(value.strip())
    return deleted if part == "Deleted" else dict(values)


def read_mydatahelps(
    path: str | Path,
    *,
    participant_id: str | None = None,
    tz: str | None = None,
    strict: bool = False,
) -> MoodResult:
    """Read MyDataHelps' State of Mind CSV (with its side files) into the mood table ([doc]/[inf]).

    Parameters
    ----------
    path
        ``HealthKitV2StateOfMind_<range>.csv``.
    participant_id
        Overrides ``ParticipantIdentifier`` for every row.
    tz
        Optional IANA zone for local times (else each entry's own offset).
    strict
        Raise on the first bad row instead of reporting it.

    Returns
    -------
    MoodResult
        Item ``mood`` on -1..1 (valence), labels and associations as tags.
    """
    path = Path(path)
    tz = given_tz(tz)
    log = RowLog(path, strict=strict, participant_id=participant_id)
    _, records = read_csv_log(path, log, key=_lower, empty="empty MyDataHelps State of Mind file: no entries")
    labels = side_file_values(path.parent, "Labels")
    associations = side_file_values(path.parent, "Associations")
    deleted = side_file_values(path.parent, "Deleted")
    assert isinstance(labels, dict) and isinstance(associations, dict) and isinstance(deleted, set)
    kept: list[tuple[int, dict[str, str], dict[str, Any]]] = []
    seen: dict[tuple[str, str], int] = {}
    for line, rec in records:
        key = (rec.get(_KEY, "").strip(), rec.get(_PARTICIPANT, "").strip())
        if key in seen:
            log.reject(line, f"duplicate of row {seen[key]} (same entry exported twice)", kind="duplicate")
            continue
        seen[key] = line
        if key in deleted or (key[0], "") in deleted:
            log.reject(line, "deleted by the participant (listed in the _Deleted_ file)", kind="skipped")
            continue
        rating = valence_rating(
            line,
            rec.get("valence"),
            kind=rec.get("kind"),
            labels=labels.get(key, []),
            associations=associations.get(key, []),
            log=log,
            field="Valence",
        )
        if rating is not None and not rec.get("startdate", "").strip():
            log.reject(line, "entry without a StartDate", field="StartDate", fix="export again")
        elif rating is not None:
            rating["participant_id"] = participant_id or key[1] or None
            kept.append((line, rec, rating))
    return finish_mood(log, mood_frame(_timed(kept, tz, log), NAME, path, tz), NAME)


def _timed(kept: list[tuple[int, dict[str, str], dict[str, Any]]], tz: str | None, log: RowLog) -> list[dict[str, Any]]:
    """The ratings with their ``StartDate`` instants (rows with unreadable times are reported)."""
    lines = [line for line, _, _ in kept]
    stamps = pd.Series([rec.get("startdate", "") for _, rec, _ in kept], dtype=object)
    utc, zones = parse_instants(stamps, tz, log, lines, "StartDate", fmt="MyDataHelps")
    rows = []
    for pos, (_, _, rating) in enumerate(kept):
        if pd.isna(utc.iloc[pos]):
            continue
        rating.update(time_utc=utc.iloc[pos], tz=zones.iloc[pos])
        rows.append(rating)
    return rows

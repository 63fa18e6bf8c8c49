"""SEMA3 survey exports (research EMA platform): one CSV, every participant of a study.

Certainty (per FORMATS.md section 8): field names and meanings **[seen]** (one complete
survey event as loaded from a SEMA3 export); the CSV's own column spelling and order
**[U]**, so columns are matched case-, space- and underscore-insensitively
(``CompletedUtcTs`` = ``COMPLETED_UTC_TS``). Built from that description and tested on
constructed files only.

Where the researcher finds it: the SEMA3 dashboard (sema3.com) -> the study -> download
survey data; one file holds all participants.

Columns
    ``ParticipantId``; per survey the times ``CreatedTs``, ``ScheduledTs``,
    ``StartedTs``, ``CompletedTs``, ``ExpiredTs`` (local wall time) each beside its
    ``...UtcTs`` (UTC), written ``2019-06-24 09:08:00``; then one column per item
    (``Happy``, ``Sad``, ...) each followed by ``<Item>Rt``, the reaction time in ms.
    Items are the columns that have an ``...Rt`` partner; reaction times are not ratings.
Ratings
    A rating's instant is ``StartedUtcTs`` (else ``CompletedUtcTs``); its local time is
    the matching ``...Ts`` column, so the offset and the local day come from the file and
    no ``tz`` is needed (``tz``, when given, is used for display and for rows without a
    UTC column). Slider items are 0..100 (the default scale); declare others with
    ``scales={"item": (min, max)}``. An item whose answers are not numbers (multiple
    choice labels, text) is left out with a warning. A survey without ``CompletedTs``
    was not answered: it counts toward compliance (:attr:`MoodResult.compliance`) and
    is reported as ``skipped``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from runwell._exportfiles import parse_stamp
from runwell.errors import InputError
from runwell.logs.files import read_csv_log
from runwell.logs.frames import mood_frame
from runwell.logs.instants import given_tz, localize_zoned
from runwell.logs.results import MoodResult, compliance_frame, finish_mood
from runwell.logs.rows import ZONE_FIX, RowLog
from runwell.logs.values import check_value, merge_scales, normalise_item, optional_float
from runwell.timezones import offset_name

__all__ = ["read_sema3", "sniff_sema3", "sema3_key", "sema3_items"]

NAME = "sema3"
_UTC_TIMES = ("startedutcts", "completedutcts", "scheduledutcts", "createdutcts", "expiredutcts")
_META_PREFIXES = ("participant", "study", "survey", "program", "protocol", "export", "trigger", "version", "uuid")


def sema3_key(name: str) -> str:
    """A column name compared case-, space- and underscore-insensitively.

    Examples
    --------
    >>> sema3_key("CompletedUtcTs"), sema3_key("COMPLETED_UTC_TS"), sema3_key("Happy Rt")
    ('completedutcts', 'completedutcts', 'happyrt')
    """
    return re.sub(r"[^0-9a-z]+", "", name.lower())


def sniff_sema3(header: list[str]) -> bool:
    """True for a SEMA3 export header: a participant id and a ``...UtcTs`` time column."""
    keys = {sema3_key(h) for h in header}
    return "participantid" in keys and any(k in keys for k in _UTC_TIMES)


def sema3_items(header: list[str]) -> list[str]:
    """The item columns: those followed by a reaction-time partner ``<Item>Rt``.

    Examples
    --------
    >>> sema3_items(["ParticipantId", "CompletedUtcTs", "Happy", "HappyRt", "Sad", "SadRt", "Note"])
    ['Happy', 'Sad']
    """
    keys = {sema3_key(h) for h in header}
    return [
        h
        for h in header
        if sema3_key(h) and sema3_key(h) + "rt" in keys and not sema3_key(h).startswith(_META_PREFIXES)
    ]


def read_sema3(
    path: str | Path,
    *,
    participant_id: str | None = None,
    tz: str | None = None,
    strict: bool = False,
    scales: dict[str, tuple[float, float]] | None = None,
) -> MoodResult:
    """Read a SEMA3 survey export into the canonical mood table ([seen] names; see module).

    Parameters
    ----------
    path
        The exported CSV (all participants).
    participant_id
        Overrides the ``ParticipantId`` column for every row.
    tz
        Optional: the zone to show local times in (default: each row's offset, from
        its local and UTC columns), and the zone of rows without a UTC column.
    strict
        Raise on the first bad row instead of reporting it.
    scales
        Scales of items that are not 0..100 sliders, ``{"item": (min, max)}``.

    Returns
    -------
    MoodResult
        With ``context="ema"`` and :attr:`MoodResult.compliance` per participant.
    """
    path = Path(path)
    tz = given_tz(tz)
    log = RowLog(path, strict=strict, participant_id=participant_id)
    header, records = read_csv_log(path, log, key=sema3_key, empty="empty SEMA3 export: no surveys")
    if "participantid" not in {sema3_key(h) for h in header}:
        raise InputError(path, "no ParticipantId column: not a SEMA3 export", fix="export survey data from SEMA3")
    items = _numeric_items(sema3_items(header), records, scales, log)
    prompts: list[tuple[str | None, bool]] = []
    answered: list[tuple[int, dict[str, str], str | None]] = []
    for line, rec in records:
        pid = participant_id or rec.get("participantid", "").strip() or None
        done = bool(rec.get("completedts", "").strip() or rec.get("completedutcts", "").strip())
        prompts.append((pid, done))
        if done:
            answered.append((line, rec, pid))
        else:
            log.reject(line, "survey not completed (counts toward compliance, not mood)", kind="skipped")
    rows = _ratings(answered, items, tz, log)
    mood = mood_frame(rows, NAME, path, tz)
    return finish_mood(log, mood, NAME, compliance=compliance_frame(prompts))


def _numeric_items(
    columns: list[str],
    records: list[tuple[int, dict[str, str]]],
    scales: dict[str, tuple[float, float]] | None,
    log: RowLog,
) -> dict[str, tuple[str, tuple[float, float]]]:
    """Item columns whose answers are numbers, with item name and scale (others noted)."""
    declared = merge_scales({}, scales)
    out = {}
    for col in columns:
        key = sema3_key(col)
        cells = [rec.get(key, "").strip() for _, rec in records]
        if any(c and optional_float(c) is None for c in cells):
            log.file_note(f"item {col!r} holds answers that are not numbers; not read as a rating", kind="warning")
            continue
        name = normalise_item(col)
        out[key] = (name, declared.get(name, (0.0, 100.0)))
    return out


def _times(rec: dict[str, str]) -> tuple[str, str, str]:
    """The rating's UTC and local time text (started, else completed) and the column named."""
    for stem in ("started", "completed"):
        utc, local = rec.get(f"{stem}utcts", "").strip(), rec.get(f"{stem}ts", "").strip()
        if utc or local:
            return utc, local, f"{stem.capitalize()}UtcTs"
    return "", "", "StartedUtcTs"


def _ratings(
    answered: list[tuple[int, dict[str, str], str | None]],
    items: dict[str, tuple[str, tuple[float, float]]],
    tz: str | None,
    log: RowLog,
) -> list[dict[str, Any]]:
    """The ratings of the completed surveys; bad times and values are reported."""
    timed = []
    for line, rec, pid in answered:
        utc_text, local_text, field = _times(rec)
        try:
            utc = parse_stamp(utc_text) if utc_text else None
            local = parse_stamp(local_text) if local_text else None
        except ValueError:
            log.reject(line, "not a date/time", field=field, value=utc_text or local_text, fix="re-export from SEMA3")
            continue
        if utc is None and (local is None or tz is None):
            log.reject(line, "no UTC time, and no tz to place the local time", field=field, fix=ZONE_FIX)
            continue
        timed.append((line, rec, pid, utc, local))
    placed = localize_zoned(
        [t[4] if t[3] is None else None for t in timed], [tz] * len(timed), log, [t[0] for t in timed]
    )
    rows: list[dict[str, Any]] = []
    for pos, (line, rec, pid, utc, local) in enumerate(timed):
        instant = placed.iloc[pos] if utc is None else (utc.tz_localize("UTC") if utc.tzinfo is None else utc)
        zone = tz
        if zone is None and local is not None:
            wall = local.tz_localize(None) if local.tzinfo is not None else local
            zone = offset_name(round((wall - instant.tz_localize(None)).total_seconds() / 900) * 900)
        elif zone is None:
            log.note(line, "no local time column: local time shown in UTC")
        before = len(rows)
        for key, (item, scale) in items.items():
            value = check_value(log, line, rec.get(key, ""), scale, key)
            if value is not None:
                rows.append(_rating(pid, instant, zone or "UTC", item, value, scale, line))
        if len(rows) == before:
            log.reject(line, "completed survey without any rating", kind="skipped")
    return rows


def _rating(
    pid: str | None, instant: pd.Timestamp, zone: str, item: str, value: float, scale: tuple[float, float], line: int
) -> dict[str, Any]:
    """One rating row of the mood table."""
    return {
        "participant_id": pid,
        "time_utc": instant,
        "tz": zone,
        "item": item,
        "value": value,
        "scale_min": scale[0],
        "scale_max": scale[1],
        "context": "ema",
        "source_row": line,
    }

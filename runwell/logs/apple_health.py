"""Apple Health ``export.xml`` (or the ``export.zip`` holding it): sleep and State of Mind.

The file is streamed with :func:`xml.etree.ElementTree.iterparse` and every top-level
element is cleared once read, so memory stays bounded however large the export
(they reach several GB). Dates look like ``2024-01-15 23:10:00 +0100`` and their offsets
are honoured. Rows in the report are the 1-based ordinal of the record among the
records of the kind being read (sleep records, or State of Mind records).

Sleep (``HKCategoryTypeIdentifierSleepAnalysis``)
    Values ``InBed``, ``Asleep`` (before iOS 16), ``AsleepUnspecified``, ``AsleepCore``,
    ``AsleepDeep``, ``AsleepREM`` and ``Awake``. Records are grouped into sleep periods
    (a gap of more than ``gap_h`` hours, default 2, starts a new one). iPhone and Watch
    (and third-party apps) write overlapping records of the same night, so within a
    period the *asleep* time comes from one source only: the one that scored stages
    (Core/Deep/REM), else the one with most asleep time; records of other sources are
    reported as ``duplicate``. ``InBed`` records of every source are merged (their
    union is the time in bed). Stage hours: Core counts as light.

State of Mind (``HKDataTypeStateOfMind``, iOS 18+)
    Records whose ``type`` contains ``StateOfMind``; valence (-1..1) is read from a
    ``valence`` or numeric ``value`` attribute or a ``MetadataEntry`` whose key contains
    ``Valence``. It becomes item ``mood`` on the scale -1..1; the kind (daily mood vs
    momentary emotion), when present, goes to ``context`` (``daily``/``momentary``).
    How State of Mind appears in exports is not documented by Apple; this reading is
    runwell's best understanding and is tested on hand-made files only.

Local times use ``tz`` when given, else the offset written on each record (Apple writes
the offset of the phone's zone at export time, so passing ``tz`` is recommended).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pandas as pd

from runwell._xml import iter_health_elements
from runwell.errors import InputError
from runwell.guard import guarded
from runwell.logs.files import member_named
from runwell.logs.frames import mood_frame
from runwell.logs.instants import given_tz, stamp_zone
from runwell.logs.results import MoodResult, SleepResult, finish_mood, finish_sleep
from runwell.logs.rows import RowLog
from runwell.plausible import time_problem
from runwell.safeio import Budget, open_archive, open_member, translated

__all__ = ["read_apple_health_sleep", "read_apple_health_mood", "sniff_apple_health", "iter_records", "SLEEP_VALUES"]

NAME = "apple_health"
SLEEP_TYPE = "HKCategoryTypeIdentifierSleepAnalysis"

#: SleepAnalysis values (after the ``HKCategoryValueSleepAnalysis`` prefix) and their stage.
SLEEP_VALUES: dict[str, str] = {
    "InBed": "in_bed",
    "Asleep": "asleep",
    "AsleepUnspecified": "asleep",
    "AsleepCore": "light",
    "AsleepDeep": "deep",
    "AsleepREM": "rem",
    "Awake": "awake",
}
_ASLEEP = {"asleep", "light", "deep", "rem"}


def sniff_apple_health(head: str, names: list[str] | None = None) -> bool:
    """True for an Apple Health export.xml head, or a zip holding ``export.xml``."""
    if names is not None:
        return member_named(names, "export.xml") is not None
    return "<HealthData" in head


@contextmanager
def _open(path: Path) -> Iterator[IO[bytes]]:
    """Open ``export.xml``, or the ``export.xml`` inside an ``export.zip``, for streaming."""
    if zipfile.is_zipfile(path):
        with open_archive(path, str(path)) as zf:
            member = member_named(zf.namelist(), "export.xml")
            if member is None:
                raise InputError(
                    path, "zip holds no export.xml", fix="pass the export.zip from the Health app or its export.xml"
                )
            where = f"{path}!{member}"
            with translated(where), open_member(zf, zf.getinfo(member), where, Budget(str(path))) as fh:
                yield fh
    else:
        with open(path, "rb") as fh:
            yield fh


def iter_records(path: str | Path, match: re.Pattern[str]) -> Iterator[dict[str, Any]]:
    """Stream the ``Record`` elements whose ``type`` matches, as attribute dicts.

    Child ``MetadataEntry`` elements are added under ``"metadata"``. Every top-level
    element is cleared after use, so memory does not grow with the file.
    """
    path = Path(path)
    with _open(path) as fh:
        for elem in iter_health_elements(fh, str(path), {"Record"}):
            if match.search(elem.get("type", "")):
                rec: dict[str, Any] = dict(elem.attrib)
                rec["metadata"] = {m.get("key", ""): m.get("value", "") for m in elem.iter("MetadataEntry")}
                yield rec


def _parse_records(
    path: Path,
    match: re.Pattern[str],
    log: RowLog,
    parse: Callable[[int, dict[str, Any]], dict[str, Any] | None],
    empty: str,
) -> list[dict[str, Any]]:
    """Stream the matching records, count each as read and keep what ``parse`` returns.

    Parameters
    ----------
    path
        ``export.xml`` or the ``export.zip`` holding it.
    match
        Selects records by ``type`` (see :func:`iter_records`).
    log
        Counts the records; notes ``empty`` when the export holds none.
    parse
        Called with each record's 1-based ordinal and attributes; returns the parsed
        record, or ``None`` for one it reported as not loadable.
    empty
        The file note for an export without matching records.

    Returns
    -------
    list of dict
        The parsed records, in file order.
    """
    parsed = []
    for n, rec in enumerate(iter_records(path, match), start=1):
        log.read()
        row = parse(n, rec)
        if row is not None:
            parsed.append(row)
    if log.rows_read == 0:
        log.file_note(empty)
    return parsed


def _stamp(text: str | None) -> pd.Timestamp:
    """An Apple Health date (``2024-01-15 23:10:00 +0100``); one without offset is UTC."""
    stamp = pd.Timestamp(str(text))
    return stamp if stamp.tzinfo is not None else stamp.tz_localize("UTC")


# --------------------------------------------------------------------------- sleep


@guarded("read_apple_health_sleep")
def read_apple_health_sleep(
    path: str | Path,
    *,
    participant_id: str | None = None,
    tz: str | None = None,
    strict: bool = False,
    gap_h: float = 2.0,
) -> SleepResult:
    """Read SleepAnalysis records from an Apple Health export into the sleep table.

    Parameters
    ----------
    path
        ``export.xml`` or the ``export.zip`` holding it.
    participant_id
        Written into every row.
    tz
        Optional IANA zone for local times and wake dates (recommended).
    strict
        Raise on the first bad record instead of reporting it.
    gap_h
        Records more than this many hours apart belong to different sleep periods.

    Returns
    -------
    SleepResult
    """
    path = Path(path)
    tz = given_tz(tz)
    log = RowLog(path, strict=strict, participant_id=participant_id)
    records = _parse_records(
        path,
        re.compile(re.escape(SLEEP_TYPE)),
        log,
        lambda n, rec: _sleep_record(n, rec, log),
        "no SleepAnalysis records in this export",
    )
    rows, loaded = [], set()
    for period in _periods(records, gap_h):
        row, used = _night(period, tz, log)
        if row is not None:
            row["participant_id"] = participant_id
            rows.append(row)
            loaded |= used
    return finish_sleep(log, rows, NAME, loaded=loaded)


def _sleep_record(n: int, rec: dict[str, Any], log: RowLog) -> dict[str, Any] | None:
    """One SleepAnalysis record as ``n``, stage, start, end and source, or ``None`` when reported."""
    value = rec.get("value", "").replace("HKCategoryValueSleepAnalysis", "")
    if value not in SLEEP_VALUES:
        log.reject(
            n,
            "unknown SleepAnalysis value",
            field="value",
            value=rec.get("value"),
            fix="tell the runwell developers which iOS version wrote it",
        )
        return None
    try:
        start, end = _stamp(rec.get("startDate")), _stamp(rec.get("endDate"))
    except ValueError:
        log.reject(n, "unreadable startDate/endDate", field="startDate", value=rec.get("startDate"))
        return None
    if end < start:
        log.reject(n, "record ends before it starts", field="endDate", value=rec.get("endDate"))
        return None
    problem = time_problem("startDate", start) or time_problem("endDate", end)
    if problem:
        log.reject(n, problem, field="startDate", value=f"{rec.get('startDate')}..{rec.get('endDate')}")
        return None
    return {"n": n, "stage": SLEEP_VALUES[value], "start": start, "end": end, "source": rec.get("sourceName", "")}


def _periods(records: list[dict[str, Any]], gap_h: float) -> Iterator[list[dict[str, Any]]]:
    """Group records into sleep periods: a gap of more than ``gap_h`` hours starts a new one."""
    gap = pd.Timedelta(hours=gap_h)
    period: list[dict[str, Any]] = []
    reach = None
    for rec in sorted(records, key=lambda r: (r["start"], r["n"])):
        if period and rec["start"] - reach > gap:
            yield period
            period = []
        period.append(rec)
        reach = rec["end"] if reach is None or not period[:-1] else max(reach, rec["end"])
    if period:
        yield period


def _union_hours(spans: list[tuple[pd.Timestamp, pd.Timestamp]]) -> float:
    """Hours covered by the union of the spans (overlaps counted once)."""
    total, cur_start, cur_end = 0.0, None, None
    for start, end in sorted(spans):
        if cur_end is None or start > cur_end:
            if cur_end is not None:
                total += (cur_end - cur_start).total_seconds()
            cur_start, cur_end = start, end
        else:
            cur_end = max(cur_end, end)
    if cur_end is not None:
        total += (cur_end - cur_start).total_seconds()
    return total / 3600


def _pick_source(period: list[dict[str, Any]]) -> str | None:
    """The source whose asleep records a period keeps: staged first, then most asleep time."""
    by_source: dict[str, list[dict[str, Any]]] = {}
    for rec in period:
        if rec["stage"] in _ASLEEP:
            by_source.setdefault(rec["source"], []).append(rec)
    if not by_source:
        return None

    def rank(source: str) -> tuple[bool, float]:
        """Staged sources first, then the one with most asleep time."""
        recs = by_source[source]
        staged = any(r["stage"] in ("light", "deep", "rem") for r in recs)
        return staged, _union_hours([(r["start"], r["end"]) for r in recs])

    return max(sorted(by_source), key=rank)


def _night(period: list[dict[str, Any]], tz: str | None, log: RowLog) -> tuple[dict[str, Any] | None, set[int]]:
    """One period's sleep row and the records it used; other sources' records are reported as duplicates."""
    source = _pick_source(period)
    in_bed = [r for r in period if r["stage"] == "in_bed"]
    mine = [r for r in period if r["stage"] != "in_bed" and (source is None or r["source"] == source)]
    for rec in period:
        if rec["stage"] != "in_bed" and source is not None and rec["source"] != source:
            log.reject(
                rec["n"],
                f"overlaps sleep recorded by {source!r}; de-duplicated by "
                f"source (kept {source!r}, not {rec['source']!r})",
                kind="duplicate",
            )
    asleep = [r for r in mine if r["stage"] in _ASLEEP]
    if not asleep and not in_bed:
        for rec in mine:
            log.reject(rec["n"], "awake time with no sleep around it", kind="skipped")
        return None, set()
    stage_h = {
        s: _union_hours([(r["start"], r["end"]) for r in mine if r["stage"] == s])
        for s in ("deep", "light", "rem", "awake")
    }
    staged = any(r["stage"] in ("deep", "light", "rem") for r in asleep)
    end_ref = max(r["end"] for r in (asleep or in_bed))
    row = {
        "in_bed_start": min(r["start"] for r in in_bed) if in_bed else None,
        "in_bed_end": max(r["end"] for r in in_bed) if in_bed else None,
        "sleep_start": min(r["start"] for r in asleep) if asleep else None,
        "sleep_end": max(r["end"] for r in asleep) if asleep else None,
        "asleep_h": _union_hours([(r["start"], r["end"]) for r in asleep]) if asleep else None,
        "in_bed_h": _union_hours([(r["start"], r["end"]) for r in in_bed]) if in_bed else None,
        "deep_h": stage_h["deep"] if staged else None,
        "light_h": stage_h["light"] if staged else None,
        "rem_h": stage_h["rem"] if staged else None,
        "awake_h": stage_h["awake"] if any(r["stage"] == "awake" for r in mine) else None,
        "tz": stamp_zone(end_ref, tz),
    }
    return row, {r["n"] for r in in_bed + mine}


# --------------------------------------------------------------------------- mood


@guarded("read_apple_health_mood")
def read_apple_health_mood(
    path: str | Path,
    *,
    participant_id: str | None = None,
    tz: str | None = None,
    strict: bool = False,
) -> MoodResult:
    """Read State of Mind records from an Apple Health export into the mood table.

    Parameters
    ----------
    path
        ``export.xml`` or the ``export.zip`` holding it.
    participant_id
        Written into every row.
    tz
        Optional IANA zone for local times (recommended).
    strict
        Raise on the first bad record instead of reporting it.

    Returns
    -------
    MoodResult
        Item ``mood``, scale -1..1 (valence).
    """
    path = Path(path)
    tz = given_tz(tz)
    log = RowLog(path, strict=strict, participant_id=participant_id)
    rows = _parse_records(
        path,
        re.compile("StateOfMind", re.IGNORECASE),
        log,
        lambda n, rec: _mood_record(n, rec, tz, log),
        "no State of Mind records in this export",
    )
    for row in rows:
        row["participant_id"] = participant_id
    return finish_mood(log, mood_frame(rows, NAME, path, tz, log=log), NAME)


def _valence(rec: dict[str, Any]) -> str | None:
    """The valence written on a State of Mind record (attribute or metadata), or ``None``."""
    for key in ("valence", "value"):
        if rec.get(key) not in (None, ""):
            return rec[key]
    for key, value in rec.get("metadata", {}).items():
        if "valence" in key.lower():
            return value
    return None


def _mood_record(n: int, rec: dict[str, Any], tz: str | None, log: RowLog) -> dict[str, Any] | None:
    """One State of Mind record as a mood row, or ``None`` when reported."""
    raw = _valence(rec)
    if raw is None:
        log.reject(n, "State of Mind record without a valence", field="valence")
        return None
    try:
        value = float(raw)
        stamp = _stamp(rec.get("startDate") or rec.get("creationDate"))
    except ValueError:
        log.reject(n, "unreadable valence or startDate", field="valence", value=raw)
        return None
    if not -1 <= value <= 1:
        log.reject(
            n,
            "valence outside -1..1",
            field="valence",
            value=raw,
            fix="check the export; valence is always between -1 and 1",
        )
        return None
    kind = " ".join(
        [rec.get("kind", "")] + [v for k, v in rec.get("metadata", {}).items() if "kind" in k.lower()]
    ).lower()
    context = "daily" if "daily" in kind else ("momentary" if "moment" in kind else None)
    return {
        "time_utc": stamp.tz_convert("UTC"),
        "tz": stamp_zone(stamp, tz),
        "item": "mood",
        "value": value,
        "scale_min": -1.0,
        "scale_max": 1.0,
        "context": context,
        "source_row": n,
    }

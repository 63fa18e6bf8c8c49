"""``read_mood`` and ``read_sleep``: recognise a log's format and call its reader."""

from __future__ import annotations

import csv
import inspect
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from runwell.errors import InputError, UnsupportedFormatError
from runwell.logs import (
    apple_health,
    bearable,
    daylio,
    fitbit,
    garmin,
    generic,
    mpath,
    oura,
    plees,
    sleep_as_android,
)
from runwell.logs.common import (
    MoodResult,
    RowLog,
    SleepResult,
    assign_naps,
    finish_mood,
    finish_sleep,
    resolve_tz,
)
from runwell.loadreport import report_row
from runwell.tables import conform, empty_table

__all__ = ["read_mood", "read_sleep", "detect_format", "MOOD_FORMATS", "SLEEP_FORMATS"]

_HEAD_BYTES = 65536


@dataclass
class Peek:
    """What format detection looks at: the file's first bytes, header and zip members."""

    path: Path
    head: str = ""
    first_line: str = ""
    header: list[str] = field(default_factory=list)
    delimiter: str = ","
    zip_names: list[str] | None = None
    size: int = 0


def peek(path: Path) -> Peek:
    """Read just enough of ``path`` to recognise its format."""
    info = Peek(path=path, size=path.stat().st_size)
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            info.zip_names = zf.namelist()
        return info
    if path.suffix.lower() in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        info.header = list(pq.read_schema(path).names)
        return info
    with open(path, "rb") as fh:
        raw = fh.read(_HEAD_BYTES)
    info.head = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
    info.first_line = info.head.split("\n", 1)[0].rstrip("\r")
    counts = {d: info.first_line.count(d) for d in (",", ";", "\t")}
    info.delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    try:
        info.header = [h.strip() for h in next(csv.reader([info.first_line], delimiter=info.delimiter))]
    except (csv.Error, StopIteration):
        info.header = []
    return info


@dataclass(frozen=True)
class Format:
    """A log format: its name, a description, a detector and a reader."""

    name: str
    description: str
    detect: Callable[[Peek], bool]
    reader: Callable[..., Any]


def _csv(p: Peek) -> bool:
    return p.zip_names is None and bool(p.header)


MOOD_FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("daylio", "Daylio CSV export", lambda p: _csv(p) and daylio.sniff_daylio(p.header),
               daylio.read_daylio),
        Format("bearable", "Bearable CSV export",
               lambda p: _csv(p) and bearable.sniff_bearable(p.header), bearable.read_bearable),
        Format("mpath", "m-Path EMA basic.csv",
               lambda p: _csv(p) and mpath.sniff_mpath(p.header, p.delimiter), mpath.read_mpath),
        Format("apple_health", "Apple Health export.xml/export.zip (State of Mind)",
               lambda p: apple_health.sniff_apple_health(p.head, p.zip_names),
               apple_health.read_apple_health_mood),
        Format("generic", "any CSV/parquet table, columns mapped with time=, items=, ...",
               lambda p: _csv(p) and generic.sniff_generic_mood(p.header),
               generic.read_generic_mood),
    )
}

SLEEP_FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("sleep_as_android", "Sleep as Android sleep-export.csv or backup zip",
               lambda p: sleep_as_android.sniff_sleep_as_android(p.first_line)
               or any(n.rsplit("/", 1)[-1] == sleep_as_android.MEMBER for n in p.zip_names or []),
               sleep_as_android.read_sleep_as_android),
        Format("plees", "Plees Tracker CSV (sid,start,stop,rating)",
               lambda p: _csv(p) and plees.sniff_plees(p.header), plees.read_plees),
        Format("oura", "Oura CSV export (Bedtime Start/End)",
               lambda p: _csv(p) and oura.sniff_oura(p.header), oura.read_oura),
        Format("fitbit", "Fitbit sleep-YYYY-MM-DD.json", lambda p: fitbit.sniff_fitbit(p.head),
               fitbit.read_fitbit),
        Format("garmin", "Garmin Connect *_sleepData.json", lambda p: garmin.sniff_garmin(p.head),
               garmin.read_garmin),
        Format("apple_health", "Apple Health export.xml/export.zip (SleepAnalysis)",
               lambda p: apple_health.sniff_apple_health(p.head, p.zip_names),
               apple_health.read_apple_health_sleep),
        Format("generic", "any CSV/parquet table with sleep start/end columns (start=, end=)",
               lambda p: _csv(p) and generic.sniff_generic_sleep(p.header),
               generic.read_generic_sleep),
    )
}


def _known(formats: dict[str, Format]) -> str:
    return "; ".join(f"{f.name} ({f.description})" for f in formats.values())


def detect_format(path: str | Path, kind: str, *, options: dict[str, Any] | None = None) -> str:
    """Name the format of a mood (``kind="mood"``) or sleep (``kind="sleep"``) log.

    App formats are tried first, then the generic table; a table that matches nothing
    is still read as generic when the caller passed generic column options.

    Raises
    ------
    UnsupportedFormatError
        Listing the formats runwell knows and the columns it saw.
    """
    formats = MOOD_FORMATS if kind == "mood" else SLEEP_FORMATS
    path = Path(path)
    info = peek(path)
    for fmt in formats.values():
        if fmt.detect(info):
            return fmt.name
    generic_opts = generic.MOOD_OPTIONS if kind == "mood" else generic.SLEEP_OPTIONS
    if _csv(info) and set(options or {}) & (set(generic_opts) - {"strict"}):
        return "generic"
    seen = f"zip members {info.zip_names[:20]}" if info.zip_names is not None else (
        f"columns {info.header[:30]}" if info.header else f"first line {info.first_line[:80]!r}")
    raise UnsupportedFormatError(
        f"{path}: not a {kind} log runwell recognises ({seen}). Known {kind} formats: "
        f"{_known(formats)}. For your own table pass format='generic' with its column "
        "mapping, or name the format explicitly with format='<name>'."
    )


def _check_options(fmt: Format, options: dict[str, Any]) -> None:
    params = inspect.signature(fmt.reader).parameters
    unknown = sorted(set(options) - set(params))
    if unknown:
        accepted = sorted(p for p in params if p not in ("path", "participant_id", "tz"))
        raise TypeError(f"format {fmt.name!r} does not take option(s) {unknown}; "
                        f"it accepts {accepted}")


def _empty_file(path: Path, kind: str, strict: bool, participant_id: str | None
                ) -> MoodResult | SleepResult:
    if strict:
        raise InputError(path, "empty file (0 bytes)", fix="re-export the log from the app")
    log = RowLog(path, participant_id=participant_id)
    log.file_note("empty file (0 bytes): nothing to read; re-export the log from the app")
    if kind == "mood":
        return finish_mood(log, empty_table("mood"), "empty")
    return finish_sleep(log, [], "empty")


def _read(kind: str, path: str | Path, fmt_name: str, participant_id: str | None,
          tz: str | None, options: dict[str, Any]) -> MoodResult | SleepResult:
    formats = MOOD_FORMATS if kind == "mood" else SLEEP_FORMATS
    path = Path(path)
    tz = resolve_tz(tz)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if path.is_dir():
        return _read_folder(kind, path, fmt_name, participant_id, tz, options)
    if path.is_file() and path.stat().st_size == 0:
        return _empty_file(path, kind, bool(options.get("strict")), participant_id)
    if fmt_name == "auto":
        fmt_name = detect_format(path, kind, options=options)
    if fmt_name not in formats:
        raise UnsupportedFormatError(f"unknown {kind} format {fmt_name!r}. Known {kind} "
                                     f"formats: {_known(formats)}; or format='auto'.")
    fmt = formats[fmt_name]
    _check_options(fmt, options)
    return fmt.reader(path, participant_id=participant_id, tz=tz, **options)


def _read_folder(kind: str, folder: Path, fmt_name: str, participant_id: str | None,
                 tz: str | None, options: dict[str, Any]) -> MoodResult | SleepResult:
    """Read every log of one kind in a folder (e.g. a Fitbit or Garmin export) as one.

    Files no format recognises (or of another format than ``fmt_name``) are listed in the
    report as ``skipped``; tables, reports and counts are combined, and naps are
    re-assigned across files.
    """
    results, skipped = [], []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
        try:
            found = "empty" if path.stat().st_size == 0 else detect_format(path, kind, options=options)
        except UnsupportedFormatError:
            found = None
        if found is None or found == "empty" or (fmt_name != "auto" and found != fmt_name):
            reason = f"not a {kind} log runwell recognises" if found is None else (
                "empty file" if found == "empty" else f"a {found} file, not {fmt_name}")
            skipped.append(report_row(path, "skipped", reason, participant_id=participant_id))
            continue
        results.append(_read(kind, path, found, participant_id, tz, dict(options)))
    if not results:
        formats = MOOD_FORMATS if kind == "mood" else SLEEP_FORMATS
        raise UnsupportedFormatError(f"{folder}: holds no {kind} log runwell recognises "
                                     f"({len(skipped)} file(s) looked at). Known {kind} formats: "
                                     f"{_known(formats)}.")
    table = kind
    frames = [getattr(r, table) for r in results]
    combined = conform(pd.concat(frames, ignore_index=True), table) if len(frames) > 1 else frames[0]
    if kind == "sleep":
        combined = assign_naps(combined)
    report = conform(pd.concat([r.report for r in results] + [pd.DataFrame(skipped)],
                               ignore_index=True), "load_report")
    names = sorted({r.format for r in results})
    extra: dict[str, Any] = {}
    if kind == "mood":
        combined = combined.sort_values(["participant_id", "time_utc", "date"], kind="stable",
                                        na_position="last").reset_index(drop=True)
        compliance = [r.compliance for r in results if r.compliance is not None]
        extra["compliance"] = pd.concat(compliance, ignore_index=True) if compliance else None
    return replace(results[0], **{table: combined}, **extra, report=report, format="+".join(names),
                   path=str(folder), rows_read=sum(r.rows_read for r in results),
                   rows_loaded=sum(r.rows_loaded for r in results),
                   rows_reported=sum(r.rows_reported for r in results))


def read_mood(
    path: str | Path,
    *,
    format: str = "auto",  # noqa: A002 - the public API's name
    participant_id: str | None = None,
    tz: str | None = None,
    **options: Any,
) -> MoodResult:
    """Read a mood log into the canonical ``mood`` table.

    Parameters
    ----------
    path
        The log file: Daylio CSV, Bearable CSV, m-Path ``basic.csv``, Apple Health
        ``export.xml``/``export.zip`` (State of Mind), or any CSV/parquet table
        (``format="generic"`` with a column mapping). A folder reads every mood log in it
        (recursively) as one; other files are listed in the report as ``skipped``.
    format
        ``"auto"`` (recognise from content), or one of :data:`MOOD_FORMATS`:
        ``daylio``, ``bearable``, ``mpath``, ``apple_health``, ``generic``.
    participant_id
        Whose log it is (overrides a participant column where the format has one).
    tz
        IANA zone of the participant. Required for formats with naive local times
        (Daylio, Bearable, generic tables without offsets); optional otherwise.
    **options
        ``strict=True`` raises :class:`~runwell.errors.InputError` on the first bad row
        (default: bad rows go to the report). Format options: Daylio ``moods``,
        ``mood_scale``; Bearable and m-Path ``scales``; generic ``time``, ``date``,
        ``participant``, ``items``, ``item``, ``value``, ``scales``, ``scale``,
        ``scale_min``, ``scale_max``, ``context`` (see :mod:`runwell.logs.generic`).

    Returns
    -------
    MoodResult
        ``.mood``, ``.report``, ``.format`` and reconciled row counts.

    Raises
    ------
    UnsupportedFormatError
        For a file no mood format recognises (lists the known formats and the columns).
    InputError
        For missing ``tz``, unknown Daylio labels, or (strict) the first bad row.

    Examples
    --------
    >>> from runwell.sample import sample_path
    >>> res = read_mood(sample_path("individual", "daylio_export.csv"), tz="Europe/Berlin")
    >>> res.format, res.reconciles
    ('daylio', True)
    """
    return _read("mood", path, format, participant_id, tz, options)  # type: ignore[return-value]


def read_sleep(
    path: str | Path,
    *,
    format: str = "auto",  # noqa: A002 - the public API's name
    participant_id: str | None = None,
    tz: str | None = None,
    **options: Any,
) -> SleepResult:
    """Read a sleep log into the canonical ``sleep`` table (one row per sleep period).

    Each period belongs to the local date its sleep ends on (``wake_date``); per
    participant and wake date the longest period is the main sleep, others are naps.

    Parameters
    ----------
    path
        Sleep as Android ``sleep-export.csv`` or backup zip, Plees Tracker CSV, Oura
        CSV, Fitbit ``sleep-*.json``, Garmin ``*_sleepData.json``, Apple Health
        ``export.xml``/``export.zip``, or a CSV/parquet table with start/end columns.
        A folder (e.g. a Fitbit Takeout or Garmin export) reads every sleep log in it
        (recursively) as one; other files are listed in the report as ``skipped``.
    format
        ``"auto"`` or one of :data:`SLEEP_FORMATS`: ``sleep_as_android``, ``plees``,
        ``oura``, ``fitbit``, ``garmin``, ``apple_health``, ``generic``.
    participant_id
        Whose log it is.
    tz
        IANA zone of the participant. Required where the file cannot place a night on
        the local calendar by itself (Fitbit, Plees Tracker, generic naive times).
    **options
        ``strict=True`` raises on the first bad row. Apple Health ``gap_h``; generic
        ``start``, ``end``, ``in_bed_start``, ``in_bed_end``, ``quality``,
        ``quality_scale``, ``participant``.

    Returns
    -------
    SleepResult
        ``.sleep``, ``.report``, ``.format`` and reconciled row counts.

    Raises
    ------
    UnsupportedFormatError
        For a file no sleep format recognises (lists the known formats and the columns).
    InputError
        For missing ``tz`` or (strict) the first bad row.
    """
    return _read("sleep", path, format, participant_id, tz, options)  # type: ignore[return-value]

"""``read_mood`` and ``read_sleep``: recognise a log's format and call its reader.

The formats are looked up in :data:`runwell.registry.REGISTRY` (declared in
:mod:`runwell.logs.formats`); a folder is read file by file and the results joined
(:func:`runwell.logs.results.combine`); a zip that is not itself a log format (a Whoop,
Oura, Polar or MyDataHelps export) is read as the folder it holds
(:mod:`runwell.logs.archives`), and so is a zip inside a folder.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

from runwell.errors import InputError, MissingInputError, OptionError, UnsupportedFormatError
from runwell.guard import guarded, reading
from runwell.loadreport import ReportBook
from runwell.logs.archives import LeftOut, is_archive, relabel, unpacked
from runwell.logs.formats import LOG_KINDS, MOOD_FORMATS, SLEEP_FORMATS
from runwell.logs.generic import MOOD_OPTIONS, SLEEP_OPTIONS
from runwell.logs.instants import given_tz
from runwell.logs.peek import peek
from runwell.logs.results import MoodResult, SleepResult, combine, finish_mood, finish_sleep
from runwell.logs.rows import RowLog
from runwell.registry import REGISTRY, Format
from runwell.safeio import walk_folder
from runwell.tables import empty_table

__all__ = ["read_mood", "read_sleep", "detect_format", "MOOD_FORMATS", "SLEEP_FORMATS"]

#: The options of the generic readers, which make an unrecognised table generic.
_GENERIC_OPTIONS = {"mood": set(MOOD_OPTIONS) - {"strict"}, "sleep": set(SLEEP_OPTIONS) - {"strict"}}


def _check_log_kind(kind: str) -> str:
    """``kind`` if it is ``"mood"`` or ``"sleep"``; else raise naming the kinds."""
    REGISTRY.check_kind(kind)
    if kind not in LOG_KINDS:
        raise UnsupportedFormatError(
            f"runwell.logs reads {' and '.join(LOG_KINDS)} logs, not {kind!r}; "
            "read activities with runwell.read_activity or runwell.load_activities"
        )
    return kind


def detect_format(path: str | Path, kind: str, *, options: dict[str, Any] | None = None) -> str:
    """Name the format of a mood (``kind="mood"``) or sleep (``kind="sleep"``) log.

    App formats are tried first, then the generic table; a table that matches nothing
    is still read as generic when the caller passed generic column options.

    Parameters
    ----------
    path
        The log file.
    kind
        ``"mood"`` or ``"sleep"``.
    options
        The options the caller will pass to the reader.

    Returns
    -------
    str
        The format's name in :data:`runwell.registry.REGISTRY`.

    Raises
    ------
    UnsupportedFormatError
        For an unknown ``kind`` (naming the kinds), or a file no format of that kind
        recognises (listing the formats runwell knows and the columns it saw).
    """
    _check_log_kind(kind)
    path = Path(path)
    info = peek(path)
    for fmt in REGISTRY.formats(kind).values():
        if fmt.detect is not None and fmt.detect(info):
            return fmt.name
    if info.is_table and set(options or {}) & _GENERIC_OPTIONS[kind]:
        return "generic"
    raise UnsupportedFormatError(
        f"{path}: not a {kind} log runwell recognises ({info.seen()}). {REGISTRY.known(kind)} "
        "For your own table pass format='generic' with its column mapping, or name the "
        "format explicitly with format='<name>'."
    )


def _format(kind: str, name: str) -> Format:
    """The registered format, or an error listing the known ones (and ``format='auto'``)."""
    try:
        return REGISTRY.get(kind, name)
    except UnsupportedFormatError as err:
        raise UnsupportedFormatError(f"{err} Or pass format='auto' to recognise it from the content.") from None


def _check_options(fmt: Format, options: dict[str, Any]) -> None:
    """Raise :class:`~runwell.errors.OptionError` (a ``TypeError`` too) naming the options
    ``fmt``'s reader does not take."""
    params = inspect.signature(fmt.reader).parameters
    unknown = sorted(set(options) - set(params))
    if unknown:
        accepted = sorted(p for p in params if p not in ("path", "participant_id", "tz"))
        raise OptionError(
            f"format {fmt.name!r} does not take option(s) {unknown}; it accepts {accepted}", option=unknown[0]
        )


def _empty_file(path: Path, kind: str, strict: bool, participant_id: str | None) -> MoodResult | SleepResult:
    """The result of a 0-byte file: nothing read, one ``skipped`` note (raises under strict)."""
    log = RowLog(path, strict=strict, participant_id=participant_id)
    log.file_note("empty file (0 bytes): nothing to read; re-export the log from the app")
    if kind == "mood":
        return finish_mood(log, empty_table("mood"), "empty")
    return finish_sleep(log, [], "empty")


def _nothing_read(kind: str, path: Path, participant_id: str | None) -> MoodResult | SleepResult:
    """An empty result (no rows read), to carry the report of a folder whose files all failed."""
    log = RowLog(path, participant_id=participant_id)
    if kind == "mood":
        return finish_mood(log, empty_table("mood"), "none")
    return finish_sleep(log, [], "none")


def _read(
    kind: str, path: str | Path, fmt_name: str, participant_id: str | None, tz: str | None, options: dict[str, Any]
) -> MoodResult | SleepResult:
    """Read one file or folder of ``kind`` (see :func:`read_mood`)."""
    _check_log_kind(kind)
    path = Path(path)
    tz = given_tz(tz)
    if not path.exists():
        raise MissingInputError(path, "no such file or folder", fix="check the path")
    if path.is_dir():
        return _read_folder(kind, path, fmt_name, participant_id, tz, options)
    if not path.is_file():
        raise InputError(path, "not a regular file (a device, pipe or socket); not read", fix="give a log file")
    if path.stat().st_size == 0:
        return _empty_file(path, kind, bool(options.get("strict")), participant_id)
    if is_archive(path) and not _reads_archive(path, kind, fmt_name):
        with unpacked(path) as (folder, left_out):
            found = _read_folder(kind, folder, fmt_name, participant_id, tz, options, left_out=left_out, shown=path)
            return relabel(found, folder, path)
    if fmt_name == "auto":
        with reading(str(path), f"{kind} log"):
            fmt_name = detect_format(path, kind, options=options)
    fmt = _format(kind, fmt_name)
    _check_options(fmt, options)
    with reading(str(path), f"{fmt.name} {kind} log"):
        return fmt.reader(path, participant_id=participant_id, tz=tz, **options)


def _reads_archive(path: Path, kind: str, fmt_name: str) -> bool:
    """Whether a format of ``kind`` (the one named, or any under ``"auto"``) reads this zip whole."""
    info = peek(path)
    formats = REGISTRY.formats(kind).values() if fmt_name == "auto" else [_format(kind, fmt_name)]
    return any(fmt.detect is not None and fmt.detect(info) for fmt in formats)


def _other_kind(path: Path, kind: str) -> str:
    """`` (it is a <kind> log: <format>)`` when an app format of another kind recognises the file."""
    info = peek(path)
    for other in LOG_KINDS:
        for fmt in REGISTRY.formats(other).values():
            if other != kind and fmt.name != "generic" and fmt.detect is not None and fmt.detect(info):
                return f" (it is a {other} log: {fmt.name})"
    return ""


def _folder_file_format(path: Path, kind: str, fmt_name: str, options: dict[str, Any]) -> tuple[str | None, str]:
    """The format to read one file of a folder with (``"zip"`` for an archive), or ``None`` and why not."""
    if path.stat().st_size == 0:
        return None, "empty file"
    try:
        found = detect_format(path, kind, options=options)
    except UnsupportedFormatError:
        if is_archive(path):
            return "zip", ""
        return None, f"not a {kind} log runwell recognises{_other_kind(path, kind)}"
    if fmt_name != "auto" and found != fmt_name:
        return None, f"a {found} file, not {fmt_name}"
    return found, ""


def _companions(kind: str, plan: list[tuple[Path, str | None, str]]) -> set[Path]:
    """Files that the readers of the folder's logs read beside them (see ``Format.companions``)."""
    out: set[Path] = set()
    for path, found, _ in plan:
        if found is not None and found != "zip":
            for pattern in REGISTRY.get(kind, found).companions:
                out.update(path.parent.glob(pattern))
    return out


def _read_folder(
    kind: str,
    folder: Path,
    fmt_name: str,
    participant_id: str | None,
    tz: str | None,
    options: dict[str, Any],
    *,
    left_out: list[LeftOut] | None = None,
    shown: Path | None = None,
) -> MoodResult | SleepResult:
    """Read every log of one kind in a folder (e.g. a Fitbit or Garmin export) as one.

    Files no format recognises (or of another format than ``fmt_name``) are listed in the
    report as ``skipped``, files that cannot be read (damaged, a link out of the folder)
    as ``error`` (under ``strict``, the first of either raises), as are the ``left_out``
    members of an unpacked archive (``shown`` names the archive in messages); a zip in the
    folder is read as a folder too. Tables, reports and counts
    are combined, and naps are re-assigned across files.
    """
    results = []
    skipped = ReportBook(strict=bool(options.get("strict")), participant_id=participant_id)
    for out in left_out or []:
        skipped.add(f"{folder}/{out.name}", out.kind, out.reason, fix=f"read the {kind} logs one by one")
    paths = []
    for entry in walk_folder(folder):
        if entry.problem:
            skipped.add(entry.path, "error", entry.problem)
        elif not entry.path.name.startswith("."):
            paths.append(entry.path)
    plan = []
    for path in sorted(paths):
        try:
            plan.append((path, *_folder_file_format(path, kind, fmt_name, options)))
        except InputError as err:
            if skipped.strict or err.field == "tz" or err.option:
                raise
            skipped.add(path, "error", err.reason, error=err)
    companions = _companions(kind, plan)
    for path, found, why in plan:
        if found is None and path in companions:
            continue  # read by the reader of the file it sits beside
        if found is None:
            skipped.add(path, "skipped", why, fix=f"move it out of the folder, or read the {kind} logs one by one")
            continue
        try:
            results.append(_read(kind, path, fmt_name if found == "zip" else found, participant_id, tz, dict(options)))
        except UnsupportedFormatError:
            if found != "zip":
                raise
            skipped.add(path, "skipped", f"a zip holding no {kind} log runwell recognises", fix="leave it out")
        except InputError as err:
            if skipped.strict or err.field == "tz" or err.option:
                raise  # strict, or a missing option that every file of the folder needs
            skipped.add(path, "error", err.reason, error=err)
    if not results and any(r["kind"] == "error" for r in skipped.rows):
        empty = _nothing_read(kind, folder, participant_id)
        return combine([empty], str(folder), skipped.frame())
    if not results:
        raise UnsupportedFormatError(
            f"{shown or folder}: holds no {kind} log runwell recognises ({len(skipped.rows)} file(s) looked at). "
            f"{REGISTRY.known(kind)}"
        )
    return combine(results, str(folder), skipped.frame() if skipped.rows else None)


@guarded("read_mood")
def read_mood(
    path: str | Path,
    *,
    format: str = "auto",
    participant_id: str | None = None,
    tz: str | None = None,
    **options: Any,
) -> MoodResult:
    """Read a mood log into the canonical ``mood`` table.

    Parameters
    ----------
    path
        The log file: Daylio CSV, Bearable CSV, m-Path ``basic.csv``, a SEMA3 or mEMA
        export, MyDataHelps' or Health Auto Export's State of Mind, Whoop's
        ``journal_entries.csv``, Apple Health ``export.xml``/``export.zip`` (State of
        Mind), or any CSV/parquet table (``format="generic"`` with a column mapping). A
        folder or a zip (e.g. a Whoop export) reads every mood log in it (recursively) as
        one; other files are listed in the report as ``skipped``.
    format
        ``"auto"`` (recognise from content), or one of :data:`MOOD_FORMATS`:
        ``daylio``, ``bearable``, ``mpath``, ``sema3``, ``mema``, ``mydatahelps``,
        ``whoop_journal``, ``health_auto_export``, ``apple_health``, ``generic``.
    participant_id
        Whose log it is (overrides a participant column where the format has one).
    tz
        IANA zone of the participant. Required for formats with naive local times
        (Daylio, Bearable, generic tables without offsets); optional otherwise.
    **options
        ``strict=True`` raises :class:`~runwell.errors.InputError` on the first bad row
        (default: bad rows go to the report). Format options: Daylio ``moods``,
        ``mood_scale``; Bearable, m-Path and SEMA3 ``scales``; mEMA ``scales``,
        ``scale``, ``participant``, ``time_utc``, ``time_local``; generic ``time``, ``date``,
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


@guarded("read_sleep")
def read_sleep(
    path: str | Path,
    *,
    format: str = "auto",
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
        Sleep as Android ``sleep-export.csv`` or backup zip, Plees Tracker CSV, Whoop
        ``sleeps.csv``, Samsung Health's sleep CSV, Oura's ``sleepmodel.csv`` or trends
        CSV, Polar ``sleep_result_*.json``, Fitbit ``sleep-*.json``, Garmin
        ``*_sleepData.json``, Apple Health ``export.xml``/``export.zip``, or a
        CSV/parquet table with start/end columns. A folder or a zip (e.g. a Fitbit
        Takeout, Garmin, Whoop, Oura or Polar export) reads every sleep log in it
        (recursively) as one; other files are listed in the report as ``skipped``.
    format
        ``"auto"`` or one of :data:`SLEEP_FORMATS`: ``sleep_as_android``, ``plees``,
        ``whoop``, ``samsung``, ``oura_export``, ``oura``, ``polar``, ``fitbit``,
        ``garmin``, ``apple_health``, ``generic``.
    participant_id
        Whose log it is.
    tz
        IANA zone of the participant. Required where the file cannot place a night on
        the local calendar by itself (Fitbit, Plees Tracker, generic naive times).
    **options
        ``strict=True`` raises on the first bad row. Apple Health and Samsung ``gap_h``; generic
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

"""From files, folders and bulk exports to the canonical ``activities`` table.

:func:`read_activity` and :func:`read_streams` read one file; :func:`load_activities`
reads anything (a file, a folder searched recursively, a list of paths, a zip, a
Strava, Garmin Connect or Apple Health export) and accounts for every input file: it
either reaches ``.activities`` or appears in ``.report`` with a reason.
"""

from __future__ import annotations

import ctypes
import io
import math
import multiprocessing
import os
import warnings
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from collections.abc import Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd
from tqdm import tqdm  # plain text bar: works in a terminal and needs no ipywidgets

from runwell.activities._session import Parsed, Session
from runwell.activities._sources import (
    KNOWN_FORMATS,
    Member,
    activity_format,
    iter_members,
    require_activity_format,
)
from runwell.activities.apple import AppleWorkout, iter_workouts
from runwell.activities.cache import Failure, ParseCache, cache_key, default_cache_dir
from runwell.activities.fit import parse_fit
from runwell.activities.gpx import parse_gpx
from runwell.activities.sports import is_running, normalise_sport
from runwell.activities.strava import StravaRow, is_strava_csv, read_strava_csv, session_from_row
from runwell.activities.tcx import parse_tcx
from runwell.timezones import check_zone, localize, offset_name, to_local, zone_at, zone_of_fix
from runwell.errors import InputError, NotAnActivityError, RunwellError, UnsupportedFormatError
from runwell.loadreport import report_row
from runwell.tables import DEFAULT_PARTICIPANT, conform

__all__ = [
    "read_activity",
    "read_streams",
    "load_activities",
    "ActivityLoad",
    "DUPLICATE_START_S",
    "DUPLICATE_ELAPSED_FRACTION",
    "FALLBACK_ZONE",
]

_PARSERS = {"fit": parse_fit, "gpx": parse_gpx, "tcx": parse_tcx}

#: Two activities of one participant starting at most this many seconds apart ...
DUPLICATE_START_S = 120.0
#: ... whose elapsed times differ by at most this fraction (or 120 s) are one activity.
DUPLICATE_ELAPSED_FRACTION = 0.10
#: Which copy of a duplicated activity is kept: the richest source first.
_SOURCE_RANK = {"fit": 0, "tcx": 1, "gpx": 2, "apple_health": 3, "strava_csv": 4}
#: Zone used when nothing places an activity and no other activity of the participant does.
FALLBACK_ZONE = "UTC"
#: Fewest files to parse before worker processes are started (below, starting costs more).
MIN_FILES_FOR_WORKERS = 24
#: Report kinds that ``strict=True`` turns into an exception.
_STRICT_KINDS = ("error", "partial", "skipped")


# --------------------------------------------------------------------------- one file


def _parse_member(member: Member, *, streams: bool = False) -> Parsed:
    fmt, _ = require_activity_format(member.name, member.display)
    return _PARSERS[fmt](member.read(), path=member.display, streams=streams)


def _parse_raw(item: tuple[str, str, bytes]) -> Parsed | Failure:
    """Parse one file's raw bytes (a worker's job): the result, or why it failed."""
    display, name, raw = item
    member = Member(display, name, lambda: io.BytesIO(raw))
    try:
        return _parse_member(member)
    except NotAnActivityError as err:
        return Failure("skipped", err.reason)
    except InputError as err:
        return Failure("error", err.reason)
    except (RunwellError, ValueError, KeyError, IndexError, TypeError, OSError, EOFError) as err:
        return Failure("error", f"{type(err).__name__}: {err}")


@dataclass(frozen=True)
class _Task:
    """One file for :func:`_run_task`: on disk (``path``) or already read (``raw``, ``key``)."""

    display: str
    name: str
    path: str | None = None
    raw: bytes | None = None
    key: str | None = None


#: Cache keys already stored, in the process running :func:`_run_task` (None: no cache).
_CACHED_KEYS: frozenset[str] | None = None


def _set_cached_keys(keys: frozenset[str] | None) -> None:
    global _CACHED_KEYS
    _CACHED_KEYS = keys


#: glibc ``mallopt`` parameters and the values set in worker processes.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_WORKER_MMAP_THRESHOLD = 32 * 2**20
_WORKER_TRIM_THRESHOLD = 128 * 2**20


def _init_worker(keys: frozenset[str] | None) -> None:
    """Set up a worker process: the stored cache keys, and memory kept for reuse.

    Each file's buffers and arrays (around a megabyte each) would otherwise be mapped
    afresh from the operating system and handed back after every file, page by page; a
    quarter of the workers' time went to that. With glibc's ``mallopt`` the workers keep
    up to 128 MB of freed memory for the next file. Elsewhere (not glibc) nothing changes.
    """
    _set_cached_keys(keys)
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):  # no C library handle or no mallopt
        return
    mallopt(_M_MMAP_THRESHOLD, _WORKER_MMAP_THRESHOLD)
    mallopt(_M_TRIM_THRESHOLD, _WORKER_TRIM_THRESHOLD)


def _run_task(task: _Task) -> tuple[str | None, Parsed | Failure | None]:
    """Read, key and parse one file (a worker's job).

    Returns the cache key (None without a cache) and the result, or None as the result
    when the cache already holds it. Files on disk are read here, in the worker, so the
    main process never holds a whole export in memory.
    """
    raw = task.raw
    if raw is None:
        try:
            raw = Path(task.path).read_bytes()  # type: ignore[arg-type]
        except OSError as err:
            return None, Failure("error", f"cannot read the file ({err})")
    key = task.key
    if key is None and _CACHED_KEYS is not None:
        fmt = activity_format(task.name)
        key = cache_key(raw, fmt[0] if fmt else "")
    if key is not None and _CACHED_KEYS is not None and key in _CACHED_KEYS:
        return key, None
    return key, _parse_raw((task.display, task.name, raw))


def _parse_all(members: list[Member], *, workers: int | None, cache: ParseCache | None,
               progress: bool) -> dict[str, Parsed | Failure]:
    """Parse many files in worker processes, cached results first.

    Files on disk are read, keyed and checked against the cache by the workers; members
    of archives are read here (an open archive cannot be shared between processes) and
    handed over as bytes.
    """
    results: dict[str, Parsed | Failure] = {}
    todo: list[_Task] = []
    for member in members:
        if member.path is not None:
            todo.append(_Task(member.display, member.name, path=str(member.path)))
            continue
        with member.open() as handle:
            raw = handle.read()
        key = None
        if cache is not None:
            fmt = member.format
            key = cache_key(raw, fmt[0] if fmt else "")
            hit = cache.get(key)
            if hit is not None:
                results[member.display] = hit
                continue
        todo.append(_Task(member.display, member.name, raw=raw, key=key))
    cached = cache.keys() if cache is not None else None
    n_workers = _worker_count(workers, len(todo))
    bar = tqdm(total=len(todo), disable=not progress or not todo, desc="activity files", unit="file")
    if n_workers > 1:
        with _pool(n_workers, cached) as pool:
            chunks = max(1, min(16, len(todo) // (4 * n_workers)))
            outcomes = list(_with_progress(pool.map(_run_task, todo, chunksize=chunks), bar))
    else:
        previous = _CACHED_KEYS
        _set_cached_keys(cached)
        try:
            outcomes = list(_with_progress(map(_run_task, todo), bar))
        finally:
            _set_cached_keys(previous)
    bar.close()
    for task, (key, outcome) in zip(todo, outcomes):
        if cache is not None and key is not None:
            if outcome is None:  # the worker found the key stored
                outcome = cache.get(key)
            else:
                cache.put(key, outcome)
        results[task.display] = outcome  # type: ignore[assignment]
    if cache is not None:
        cache.save()
    return results


def _with_progress(outcomes, bar):
    for outcome in outcomes:
        bar.update()
        yield outcome


def _pool(n_workers: int, cached: frozenset[str] | None = None) -> ProcessPoolExecutor:
    """Worker processes, told which cache keys are stored. Forked where the platform can
    (Linux): no re-import of the caller's script, so scripts without a ``__main__``
    guard work too."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with warnings.catch_warnings():
        # Python 3.12+ warns that forking a multi-threaded process may deadlock; the
        # workers only read and parse files and take no locks of the parent.
        warnings.filterwarnings("ignore", message=".*fork.*", category=DeprecationWarning)
        return ProcessPoolExecutor(n_workers, mp_context=context, initializer=_init_worker, initargs=(cached,))


def _worker_count(workers: int | None, n_files: int) -> int:
    """Explicit ``workers``, else one per core once there are enough files to repay the start."""
    if workers is not None:
        return max(1, int(workers))
    if n_files < MIN_FILES_FOR_WORKERS:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def _base_id(name: str) -> str:
    base = PurePosixPath(name).name
    fmt = activity_format(base)
    if fmt is not None:
        suffix_len = len(".fit") + (3 if fmt[1] else 0)
        return base[: len(base) - suffix_len]
    return base


def _place(session: Session, tz: str | None) -> tuple[pd.Timestamp | None, str | None, str | None]:
    """Settle ``(start_utc, tz, tz_source)``; tz None means the fallback is still needed."""
    if session.start_utc is None:  # only local time known (device-relative FIT stamps)
        if tz is None:
            return None, None, None
        return localize(session.start_local, tz), tz, "argument"
    if tz is not None:
        return session.start_utc, tz, "argument"
    # Virtual rides and runs carry the positions of a game world, not of the rider.
    fix = None if session.sub_sport == "virtual_activity" else session.first_fix
    zone = zone_at(session.start_utc, session.utc_offset_s, fix)
    if zone is not None:
        return session.start_utc, zone, "fit_local_timestamp"
    if session.tz_hint:
        try:
            return session.start_utc, check_zone(session.tz_hint, what="file metadata"), "metadata"
        except InputError:
            pass
    if fix is not None:
        zone = zone_of_fix(*fix)
        if zone is not None:
            return session.start_utc, zone, "gps"
    return session.start_utc, None, None


@dataclass
class _Row:
    """One session on its way to the activities table."""

    session: Session
    source: str
    source_file: str
    activity_id: str
    participant_id: str
    partial: bool
    start_utc: pd.Timestamp | None = None
    tz: str | None = None
    tz_source: str | None = None

    def record(self) -> dict[str, Any]:
        s = self.session
        start_local = to_local(self.start_utc, self.tz) if self.start_utc is not None else None
        return {
            "participant_id": self.participant_id,
            "activity_id": self.activity_id,
            "source": self.source,
            "source_file": self.source_file,
            "sport": s.sport,
            "sub_sport": s.sub_sport,
            "sport_original": s.sport_original,
            "indoor": s.indoor,
            "start_utc": self.start_utc,
            "start_local": start_local,
            "tz": self.tz,
            "tz_source": self.tz_source,
            "elapsed_s": s.elapsed_s,
            "moving_s": s.moving_s,
            "distance_m": s.distance_m,
            "avg_hr": s.avg_hr,
            "max_hr": s.max_hr,
            "elevation_gain_m": s.elevation_gain_m,
            "device": s.device,
            "has_gps": s.has_gps,
            "partial": self.partial,
        }


def _rows_for(parsed: Parsed, *, source_file: str, base_id: str, participant_id: str, tz: str | None) -> list[_Row]:
    many = len(parsed.sessions) > 1
    rows = []
    for index, session in enumerate(parsed.sessions, start=1):
        ident = session.native_id or base_id
        row = _Row(
            session=session,
            source=parsed.source,
            source_file=source_file,
            activity_id=f"{ident}#{index}" if many else ident,
            participant_id=participant_id,
            partial=parsed.partial is not None,
        )
        row.start_utc, row.tz, row.tz_source = _place(session, tz)
        rows.append(row)
    return rows


def _finish_placement(rows: list[_Row]) -> list[_Row]:
    """Settle the zones no single file could: use the participant's most common zone.

    A row with only a fixed device offset (``UTC+01:00``, an indoor run) takes the
    participant's most common IANA zone when that zone has the same offset at that
    instant. A row with no zone at all takes that zone (else UTC) as its fallback.
    """
    modal: dict[str, str] = {}
    counts = Counter((r.participant_id, r.tz) for r in rows if r.tz is not None and r.tz_source != "fallback")
    for (pid, zone), _n in counts.most_common():
        if not zone.startswith("UTC"):
            modal.setdefault(pid, zone)
    for (pid, zone), _n in counts.most_common():
        modal.setdefault(pid, zone)
    for r in rows:
        zone = modal.get(r.participant_id)
        if r.tz is not None and r.tz.startswith("UTC") and zone and not zone.startswith("UTC") and r.start_utc is not None:
            offset = r.start_utc.tz_convert(zone).utcoffset()
            if offset is not None and offset_name(offset.total_seconds()) == r.tz:
                r.tz = zone
    for r in rows:
        if r.tz is None:
            r.tz = modal.get(r.participant_id, FALLBACK_ZONE)
            r.tz_source = "fallback"
            if r.start_utc is None:
                r.start_utc = localize(r.session.start_local, r.tz)
    return rows


def _frame(rows: list[_Row]) -> pd.DataFrame:
    return conform([r.record() for r in rows], "activities")


def read_activity(
    path: str | os.PathLike[str],
    *,
    participant_id: str | None = None,
    tz: str | None = None,
) -> pd.DataFrame:
    """Read one activity file into the canonical ``activities`` table.

    Parameters
    ----------
    path
        A ``.fit``, ``.fit.gz``, ``.gpx``, ``.gpx.gz``, ``.tcx``, ``.tcx.gz`` file (any
        case), or a ``.zip`` holding such files.
    participant_id
        Whose activity it is (default ``"me"``).
    tz
        IANA zone of the local time, overriding what the file says.

    Returns
    -------
    pandas.DataFrame
        One row per session: multisport files give several rows. Rows read from a
        damaged file have ``partial`` true.

    Raises
    ------
    UnsupportedFormatError
        The suffix is not one runwell reads (the message lists those it does).
    NotAnActivityError
        A readable file without an activity (monitoring FIT, GPX without times).
    InputError
        The file cannot be read; the message names it and what is wrong.

    Examples
    --------
    >>> from runwell.sample import sample_path
    >>> row = read_activity(sample_path("individual", "strava_export", "activities", "100000.fit.gz")).iloc[0]
    >>> row["sport"], row["tz"], str(row["start_local"])
    ('running', 'Europe/Berlin', '2026-01-08 11:47:24')
    """
    path = Path(path)
    if tz is not None:
        check_zone(tz)
    if not path.is_file():
        raise InputError(path, "no such file", fix="check the path")
    pid = participant_id or DEFAULT_PARTICIPANT
    rows: list[_Row] = []
    with ExitStack() as stack:
        members = list(iter_members(path, stack))
        if path.suffix.lower() == ".zip":
            members = [m for m in members if m.format is not None]
            if not members:
                raise UnsupportedFormatError(f"{path}: the zip holds no activity file. runwell reads {KNOWN_FORMATS}.")
        for member in members:
            parsed = _parse_member(member)
            rows += _rows_for(parsed, source_file=member.display, base_id=_base_id(member.name), participant_id=pid, tz=tz)
    return _frame(_finish_placement(rows))


def _assign_stream_ids(frame: pd.DataFrame, rows: list[_Row]) -> pd.Series:
    """Each sample belongs to the last session that started at or before it."""
    ids = pd.Series(rows[0].activity_id, index=frame.index, dtype="string")
    for r in rows[1:]:
        if r.start_utc is not None:
            ids[frame["time_utc"] >= r.start_utc] = r.activity_id
    return ids


def read_streams(path: str | os.PathLike[str], *, participant_id: str | None = None) -> pd.DataFrame:
    """Read the samples of one activity file into the canonical ``streams`` table.

    Parameters
    ----------
    path
        An activity file, as for :func:`read_activity`.
    participant_id
        Whose activity it is (default ``"me"``).

    Returns
    -------
    pandas.DataFrame
        One row per sample: time (UTC), position in degrees, altitude, distance, speed,
        heart rate and cadence (as the device reports it: per leg for running).
        Contains GPS positions: keep it on your machine.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such file", fix="check the path")
    pid = participant_id or DEFAULT_PARTICIPANT
    frames = []
    with ExitStack() as stack:
        members = [m for m in iter_members(path, stack) if path.suffix.lower() != ".zip" or m.format is not None]
        for member in members:
            parsed = _parse_member(member, streams=True)
            rows = _rows_for(parsed, source_file=member.display, base_id=_base_id(member.name), participant_id=pid, tz=None)
            frame = parsed.streams.copy()
            frame["participant_id"] = pid
            frame["activity_id"] = _assign_stream_ids(frame, rows)
            frames.append(frame)
    if not frames:
        raise UnsupportedFormatError(f"{path}: holds no activity file. runwell reads {KNOWN_FORMATS}.")
    return conform(pd.concat(frames, ignore_index=True), "streams")


# --------------------------------------------------------------------------- many files


@dataclass
class ActivityLoad:
    """What :func:`load_activities` returns.

    Attributes
    ----------
    activities
        The canonical ``activities`` table.
    report
        The load report: every file or row not loaded whole, with kind and reason
        (see :data:`runwell.tables.REPORT_KINDS`).
    files
        One row per input file: ``path``, ``status`` (loaded, partial, skipped, error,
        duplicate, filtered) and ``n_activities`` loaded from it.
    ignored
        Files in a folder or archive that are not activity formats (photos, JSON, other
        CSVs of an export), with their count by suffix in :meth:`summary`.
    """

    activities: pd.DataFrame
    report: pd.DataFrame
    files: pd.DataFrame
    ignored: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """Files by status, plus activities loaded."""
        out = {k: int(v) for k, v in self.files["status"].value_counts().items()}
        out["activities"] = len(self.activities)
        return out

    @property
    def reconciled(self) -> bool:
        """Every input reached the table or the report, and the counts agree."""
        loaded = int(self.files["n_activities"].sum())
        unaccounted = self.files[self.files["status"].isin(["skipped", "error", "partial", "duplicate"])]
        reported = set(self.report["path"].astype(str))
        return loaded == len(self.activities) and all(p in reported for p in unaccounted["path"])

    @property
    def reconciles(self) -> bool:
        """Every input reached the table or the report, and the counts agree (the load-result protocol)."""
        return self.reconciled

    def summary(self) -> str:
        """A few lines a person can read: what was loaded and what was not, and why."""
        c = self.counts
        parts = [f"{c['activities']} activities from {len(self.files)} input file(s)"]
        for status in ("partial", "skipped", "error", "duplicate", "filtered"):
            if c.get(status):
                parts.append(f"{c[status]} {status}")
        text = "; ".join(parts) + "."
        warnings = int((self.report["kind"] == "warning").sum()) if len(self.report) else 0
        if warnings:
            text += f" {warnings} warning(s) in the report."
        if self.ignored:
            by_suffix = Counter(PurePosixPath(p).suffix.lower() or "(none)" for p in self.ignored)
            text += " Ignored (not activity files): " + ", ".join(f"{n} {s}" for s, n in by_suffix.most_common()) + "."
        return text

    def __repr__(self) -> str:
        return f"ActivityLoad({self.summary()})"


class _Loader:
    """Collects rows, report entries and per-file status for one load."""

    def __init__(self, participant_id: str, tz: str | None, strict: bool) -> None:
        self.pid = participant_id
        self.tz = tz
        self.strict = strict
        self.rows: list[_Row] = []
        self.report: list[dict[str, Any]] = []
        self.files: dict[str, dict[str, Any]] = {}
        self.ignored: list[str] = []
        self.parsed: dict[str, Parsed | Failure] = {}

    def result_for(self, member: Member) -> Parsed | Failure:
        """The member's parse result: precomputed by :func:`_parse_all`, else parsed now."""
        found = self.parsed.pop(member.display, None)
        if found is None:
            with member.open() as handle:
                found = _parse_raw((member.display, member.name, handle.read()))
        return found

    # -- bookkeeping
    def note(self, path: str, kind: str, reason: str, *, row: int | None = None, error: Exception | None = None) -> None:
        self.report.append(report_row(path, kind, reason, row=row, participant_id=self.pid))
        if self.strict and kind in _STRICT_KINDS:
            if isinstance(error, RunwellError):
                raise error
            raise InputError(path, f"{kind}: {reason}", row=row) from error

    def status(self, path: str, status: str, n: int = 0) -> None:
        self.files[path] = {"path": path, "status": status, "n_activities": n}

    def add_parsed(self, member: Member, parsed: Parsed, *, base_id: str | None = None) -> list[_Row]:
        rows = _rows_for(
            parsed,
            source_file=member.display,
            base_id=base_id or _base_id(member.name),
            participant_id=self.pid,
            tz=self.tz,
        )
        for warning in parsed.warnings:
            self.note(member.display, "warning", warning)
        if parsed.partial:
            self.note(member.display, "partial", parsed.partial)
        self.rows += rows
        self.status(member.display, "partial" if parsed.partial else "loaded", len(rows))
        return rows

    def fail(self, member: Member, failure: Failure) -> None:
        self.status(member.display, failure.kind)
        self.note(member.display, failure.kind, failure.reason)

    # -- units of work
    def load_file(self, member: Member) -> list[_Row]:
        result = self.result_for(member)
        if isinstance(result, Failure):
            self.fail(member, result)
            return []
        return self.add_parsed(member, result)

    def unreadable_strava_csv(self, csv_member: Member) -> None:
        """An export's activities.csv whose headers runwell does not read (another language):
        reported as an error naming the headers; its activity files are still read."""
        try:
            read_strava_csv(csv_member.read(), csv_member.display)
        except InputError as err:
            self.status(csv_member.display, "error")
            self.note(csv_member.display, "error", err.reason, error=err)

    def load_strava(self, csv_member: Member, by_name: dict[str, Member]) -> set[str]:
        """Load an activities.csv and the files it links; return the linked names."""
        root = PurePosixPath(csv_member.name).parent
        rows, problems = read_strava_csv(csv_member.read(), csv_member.display)
        self.status(csv_member.display, "loaded")
        for number, reason in problems:
            self.note(csv_member.display, "error", reason, row=number)
        linked: set[str] = set()
        for row in rows:
            member = by_name.get((root / row.filename).as_posix()) if row.filename else None
            if member is not None:
                linked.add(member.name)
                self._load_strava_file(row, member, csv_member)
            else:
                if row.filename:
                    self.note(
                        csv_member.display,
                        "warning",
                        f"activity {row.activity_id} names {row.filename}, which is not in the export; "
                        "loaded from the CSV summary",
                        row=row.row,
                    )
                self._add_csv_row(row, csv_member)
        return linked

    def _add_csv_row(self, row: StravaRow, csv_member: Member) -> None:
        parsed = Parsed(source="strava_csv", sessions=[session_from_row(row)])
        new = _rows_for(parsed, source_file=f"{csv_member.display}#row{row.row}", base_id=row.activity_id,
                        participant_id=self.pid, tz=self.tz)
        self.rows += new
        info = self.files.setdefault(csv_member.display, {"path": csv_member.display, "status": "loaded", "n_activities": 0})
        info["n_activities"] += len(new)

    def _load_strava_file(self, row: StravaRow, member: Member, csv_member: Member) -> None:
        parsed = self.result_for(member)
        if isinstance(parsed, Failure):
            self.fail(member, parsed)
            self.note(csv_member.display, "warning", f"activity {row.activity_id}: its file could not be read; "
                      "loaded from the CSV summary", row=row.row)
            self._add_csv_row(row, csv_member)
            return
        if len(parsed.sessions) == 1:
            _merge_csv_into(parsed.sessions[0], row)
        for session in parsed.sessions:
            session.native_id = row.activity_id
        self.add_parsed(member, parsed)

    def load_apple(self, export: Member, by_name: dict[str, Member]) -> set[str]:
        """Load the workouts of an Apple Health export.xml; return the route files used."""
        root = PurePosixPath(export.name).parent
        used: set[str] = set()
        n = 0
        with export.open() as handle:
            try:
                for item in iter_workouts(handle, export.display):
                    if isinstance(item, InputError):
                        self.note(export.display, "error", item.reason)
                        continue
                    route = _route_member(item, root, by_name)
                    if route is not None:
                        used.add(route.name)
                        _fill_fix_from_route(item, route)
                    rows = _rows_for(Parsed("apple_health", [item.session]), source_file=export.display,
                                     base_id=item.session.native_id or "apple", participant_id=self.pid, tz=self.tz)
                    self.rows += rows
                    n += len(rows)
            except InputError as err:
                self.status(export.display, "partial", n)
                self.note(export.display, "partial", err.reason, error=err)
                return used
        self.status(export.display, "loaded", n)
        return used


def _merge_csv_into(session: Session, row: StravaRow) -> None:
    """Fill what the file lacks from the CSV summary; the CSV's sport wins unless both run."""
    csv_sport, csv_sub, csv_indoor = normalise_sport(row.sport_original)
    if row.sport_original and not (is_running(csv_sport) and is_running(session.sport)) and csv_sport != session.sport:
        session.sport, session.sub_sport = csv_sport, csv_sub
        session.sport_original = f"{session.sport_original} (Strava: {row.sport_original})"
        session.indoor = session.indoor or csv_indoor
    for attr in ("distance_m", "avg_hr", "max_hr", "elevation_gain_m", "moving_s"):
        if math.isnan(getattr(session, attr)) and not math.isnan(getattr(row, attr)):
            setattr(session, attr, getattr(row, attr))


def _route_member(workout: AppleWorkout, root: PurePosixPath, by_name: dict[str, Member]) -> Member | None:
    if not workout.route_path:
        return None
    return by_name.get((root / workout.route_path.lstrip("/")).as_posix())


def _fill_fix_from_route(workout: AppleWorkout, route: Member) -> None:
    if workout.session.tz_hint:
        return
    try:
        parsed = parse_gpx(route.read(), path=route.display)
    except RunwellError:
        return
    workout.session.first_fix = parsed.sessions[0].first_fix


def _dedupe(rows: list[_Row], loader: _Loader) -> list[_Row]:
    """Keep one row per real activity; report the others as duplicates."""
    order = sorted(
        (r for r in rows if r.start_utc is not None),
        key=lambda r: (r.participant_id, r.start_utc, _SOURCE_RANK.get(r.source, 9)),
    )
    kept: list[_Row] = []
    dropped: set[int] = set()
    for row in order:
        twin = next((k for k in reversed(kept[-5:]) if _same_activity(k, row)), None)
        if twin is None:
            kept.append(row)
            continue
        keep, drop = (twin, row) if _SOURCE_RANK.get(twin.source, 9) <= _SOURCE_RANK.get(row.source, 9) else (row, twin)
        if keep is row:
            kept[kept.index(twin)] = row
        dropped.add(id(drop))
        delta = abs((drop.start_utc - keep.start_utc).total_seconds())
        loader.note(drop.source_file, "duplicate",
                    f"same activity as {keep.source_file} (starts {delta:.0f} s apart, "
                    f"elapsed {drop.session.elapsed_s:.0f} s vs {keep.session.elapsed_s:.0f} s); kept the {keep.source} copy")
        info = loader.files.get(drop.source_file)
        if info is not None:
            info["n_activities"] -= 1
            if info["n_activities"] == 0:
                info["status"] = "duplicate"
        elif "#row" in drop.source_file:
            csv_path = drop.source_file.rsplit("#row", 1)[0]
            if csv_path in loader.files:
                loader.files[csv_path]["n_activities"] -= 1
    return [r for r in rows if id(r) not in dropped]


def _same_activity(a: _Row, b: _Row) -> bool:
    if a.participant_id != b.participant_id or a.source_file == b.source_file:
        return False
    if abs((a.start_utc - b.start_utc).total_seconds()) > DUPLICATE_START_S:
        return False
    ea, eb = a.session.elapsed_s, b.session.elapsed_s
    if math.isnan(ea) or math.isnan(eb):
        return True
    return abs(ea - eb) <= max(DUPLICATE_START_S, DUPLICATE_ELAPSED_FRACTION * max(ea, eb))


def _sources(source: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[Path]:
    if isinstance(source, (str, os.PathLike)):
        paths = [Path(source)]
    else:
        paths = [Path(p) for p in source]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise InputError(missing[0], "no such file or folder", fix="check the path")
    return paths


def _beside_activity_folder(csv_member: Member, members: list[Member]) -> bool:
    """Whether an activities.csv sits beside an ``activities/`` folder of activity files."""
    folder = (PurePosixPath(csv_member.name).parent / "activities").as_posix() + "/"
    return any(m.name.startswith(folder) and m.format is not None for m in members)


def _header_of(member: Member) -> list[str]:
    with member.open() as handle:
        first = handle.readline(65536).decode("utf-8-sig", errors="replace")
    return [h.strip().strip('"') for h in first.rstrip("\r\n").split(",")]


def load_activities(
    source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    participant_id: str | None = None,
    tz: str | None = None,
    sports: Iterable[str] | None = None,
    strict: bool = False,
    progress: bool = False,
    workers: int | None = None,
    cache: bool | str | os.PathLike[str] = False,
) -> ActivityLoad:
    """Load every activity from a file, a folder, a list of paths or a bulk export.

    Parameters
    ----------
    source
        A file, a folder (searched recursively; zips inside are opened), a list of those,
        or a bulk export as a zip or unzipped folder: Strava (``activities.csv`` linking
        ``activities/*``), Garmin Connect (FIT files in ``DI_CONNECT/.../*.zip``), Apple
        Health (``export.xml`` with ``workout-routes/``).
    participant_id
        Whose activities these are (default ``"me"``).
    tz
        IANA zone for local times, overriding what files say (see
        :mod:`runwell.timezones` for the order used otherwise).
    sports
        Keep only these normalised sports (e.g. ``("running", "trail_running",
        "treadmill_running")``); others are counted as *filtered*.
    strict
        Raise on the first file that cannot be read whole (error, partial, skipped)
        instead of recording it in the report.
    progress
        Show a progress bar.
    workers
        Worker processes for parsing files (default: one per core, up to 8, when there
        are at least :data:`MIN_FILES_FOR_WORKERS` files to parse; 1 parses in this
        process).
    cache
        Keep parsed files in a cache keyed by content and runwell version, so that an
        unchanged export loads in about a second: ``True`` for the default folder
        (``$RUNWELL_CACHE_DIR`` or ``~/.cache/runwell``), or a folder. Off by default;
        see :mod:`runwell.activities.cache` for what it stores.

    Returns
    -------
    ActivityLoad
        ``.activities``, ``.report``, ``.files`` and :meth:`ActivityLoad.summary`.

    Examples
    --------
    >>> from runwell.sample import sample_path
    >>> result = load_activities(sample_path("individual", "strava_export"))
    >>> print(result.summary())
    64 activities from 64 input file(s). 1 warning(s) in the report.
    """
    if tz is not None:
        check_zone(tz)
    wanted = None if sports is None else set(sports)
    loader = _Loader(participant_id or DEFAULT_PARTICIPANT, tz, strict)
    with ExitStack() as stack:
        members: list[Member] = []
        for path in _sources(source):
            members += iter_members(path, stack)
        by_name = {m.name: m for m in members}
        candidates = [m for m in members if PurePosixPath(m.name).name.lower() == "activities.csv"]
        strava = [m for m in candidates if is_strava_csv(_header_of(m))]
        apple = [m for m in members if PurePosixPath(m.name).name.lower() == "export.xml"]
        consumed: set[str] = set()
        for member in candidates:
            if member not in strava and _beside_activity_folder(member, members):
                loader.unreadable_strava_csv(member)
                consumed.add(member.name)
        routes = {m.name for m in members if "workout-routes/" in m.name} if apple else set()
        loader.parsed = _parse_all(
            [m for m in members if m.format is not None and m.name not in routes],
            workers=workers, cache=_open_cache(cache), progress=progress,
        )
        for member in strava:
            consumed |= loader.load_strava(member, by_name)
        for member in apple:
            consumed |= loader.load_apple(member, by_name)
        consumed |= {m.name for m in strava + apple}
        plain = [m for m in members if m.name not in consumed and m.format is not None]
        loader.ignored = [m.display for m in members if m.name not in consumed and m.format is None]
        for member in plain:
            loader.load_file(member)
    rows = _finish_placement(loader.rows)
    for row in rows:
        if row.tz_source == "fallback":
            loader.note(row.source_file, "warning",
                        f"activity {row.activity_id}: nothing in the file places it in a time zone; assumed {row.tz}")
    rows = _dedupe(rows, loader)
    if wanted is not None:
        rows = _filter_sports(rows, wanted, loader)
    return ActivityLoad(
        activities=_frame(rows).sort_values(["participant_id", "start_utc"], ignore_index=True),
        report=conform(loader.report, "load_report"),
        files=pd.DataFrame(list(loader.files.values()), columns=["path", "status", "n_activities"]),
        ignored=loader.ignored,
    )


def _open_cache(cache: bool | str | os.PathLike[str]) -> ParseCache | None:
    if cache is False or cache is None:
        return None
    return ParseCache(default_cache_dir() if cache is True else Path(cache))


def _filter_sports(rows: list[_Row], wanted: set[str], loader: _Loader) -> list[_Row]:
    kept = [r for r in rows if r.session.sport in wanted]
    for r in rows:
        if r.session.sport in wanted:
            continue
        path = r.source_file.rsplit("#row", 1)[0]
        info = loader.files.get(path)
        if info is not None:
            info["n_activities"] -= 1
            if info["n_activities"] == 0 and info["status"] == "loaded":
                info["status"] = "filtered"
    return kept

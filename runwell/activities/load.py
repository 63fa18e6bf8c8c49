"""Loading many activity files at once: :func:`load_activities` and its result, :class:`ActivityLoad`.

:func:`load_activities` reads anything (a file, a folder searched recursively, a list of
paths, a zip, a Strava, Garmin Connect or Apple Health export) and accounts for every
input file: it either reaches ``.activities`` or appears in ``.report`` with a reason.
The steps, each in its own module: find the files (:mod:`._sources`), parse them, in
worker processes and through the cache (:mod:`.parallel`), assemble exports
(:mod:`.exports`), place activities in time (:mod:`.placement`), drop duplicates
(:mod:`.dedupe`); the bookkeeping is a :class:`~runwell.activities.batch.Batch`.
"""

from __future__ import annotations

import os
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pandas as pd

from runwell.activities._sources import Member, iter_members
from runwell.activities.batch import Batch
from runwell.activities.cache import ParseCache, default_cache_dir
from runwell.activities.dedupe import dedupe
from runwell.activities.exports import find_exports, load_exports, report_unreadable
from runwell.activities.parallel import parse_all
from runwell.activities.placement import settle_zones
from runwell.activities.rows import ActivityRow, activities_frame
from runwell.errors import InputError
from runwell.guard import guarded
from runwell.loadreport import SummaryRepr, kind_counts
from runwell.tables import DEFAULT_PARTICIPANT
from runwell.timezones import check_zone

__all__ = ["load_activities", "ActivityLoad"]

#: File statuses that mean an input did not give (all) its activities: each needs a report entry.
_REPORTED_STATUSES = ("skipped", "error", "partial", "duplicate")


@dataclass(repr=False)
class ActivityLoad(SummaryRepr):
    """What :func:`load_activities` returns (a :class:`runwell.loadreport.LoadResult`).

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
        out = {str(k): int(v) for k, v in self.files["status"].value_counts().items()}
        out["activities"] = len(self.activities)
        return out

    @property
    def reconciles(self) -> bool:
        """Every input reached the table or the report, and the counts agree."""
        loaded = int(self.files["n_activities"].sum())
        unaccounted = self.files[self.files["status"].isin(_REPORTED_STATUSES)]
        reported = set(self.report["path"].astype(str))
        return loaded == len(self.activities) and all(p in reported for p in unaccounted["path"])

    @property
    def reconciled(self) -> bool:
        """Deprecated alias of :attr:`reconciles` (the name every loader's result uses)."""
        warnings.warn(
            "ActivityLoad.reconciled is deprecated; use ActivityLoad.reconciles", DeprecationWarning, stacklevel=2
        )
        return self.reconciles

    def summary(self) -> str:
        """A few lines a person can read: what was loaded and what was not, and why.

        Examples
        --------
        >>> files = pd.DataFrame({"path": ["a.fit", "b.fit"], "status": ["loaded", "error"],
        ...                       "n_activities": [1, 0]})
        >>> ActivityLoad(pd.DataFrame(index=[0]), pd.DataFrame({"kind": ["error"]}), files,
        ...              ignored=["x.jpg"]).summary()
        '1 activities from 2 input file(s); 1 error. Ignored (not activity files): 1 .jpg.'
        """
        c = self.counts
        parts = [f"{c['activities']} activities from {len(self.files)} input file(s)"]
        for status in ("partial", "skipped", "error", "duplicate", "filtered"):
            if c.get(status):
                parts.append(f"{c[status]} {status}")
        text = "; ".join(parts) + "."
        n_warnings = kind_counts(self.report).get("warning", 0)
        if n_warnings:
            text += f" {n_warnings} warning(s) in the report."
        if self.ignored:
            by_suffix = Counter(PurePosixPath(p).suffix.lower() or "(none)" for p in self.ignored)
            text += " Ignored (not activity files): " + ", ".join(f"{n} {s}" for s, n in by_suffix.most_common()) + "."
        return text


def _sources(source: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The paths given, checked to exist."""
    if isinstance(source, (str, os.PathLike)):
        paths = [Path(source)]
    else:
        paths = [Path(p) for p in source]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise InputError(missing[0], "no such file or folder", fix="check the path")
    return paths


def _open_cache(cache: bool | str | os.PathLike[str] | None) -> ParseCache | None:
    if cache is False or cache is None:
        return None
    return ParseCache(default_cache_dir() if cache is True else Path(cache))


def _read_members(
    batch: Batch, members: list[Member], *, workers: int | None, cache: ParseCache | None, progress: bool
) -> None:
    """Parse every activity file, assemble the exports, load the plain files.

    Files that cannot be read at all (:attr:`Member.problem`) are reported first.
    """
    for member in members:
        if member.problem:
            batch.refuse(member)
    members = [m for m in members if not m.problem]
    by_name = {m.name: m for m in members}
    exports = find_exports(members)
    consumed = report_unreadable(batch, exports)
    batch.parsed = parse_all(
        [m for m in members if m.format is not None and m.name not in exports.routes],
        workers=workers,
        cache=cache,
        progress=progress,
    )
    consumed |= load_exports(batch, exports, by_name)
    plain = [m for m in members if m.name not in consumed and m.format is not None]
    batch.ignored = [m.display for m in members if m.name not in consumed and m.format is None]
    for member in plain:
        batch.load_file(member)


def _settle(batch: Batch) -> list[ActivityRow]:
    """Settle the zones of the batch's rows; warn for each placed by the fallback alone."""
    rows = settle_zones(batch.rows)
    for row in rows:
        if row.tz_source == "fallback":
            batch.note(
                row.source_file,
                "warning",
                f"activity {row.activity_id}: nothing in the file places it in a time zone; assumed {row.tz}",
            )
    return rows


def _filter_sports(rows: list[ActivityRow], wanted: set[str], batch: Batch) -> list[ActivityRow]:
    """Keep the wanted sports; a file left with no activity is ``filtered``."""
    for r in rows:
        if r.session.sport in wanted:
            continue
        info = batch.files.get(r.source_file.rsplit("#row", 1)[0])
        if info is not None:
            info["n_activities"] -= 1
            if info["n_activities"] == 0 and info["status"] == "loaded":
                info["status"] = "filtered"
    return [r for r in rows if r.session.sport in wanted]


@guarded("load_activities")
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
        Keep only these normalised sports (e.g. :data:`runwell.tables.RUNNING_SPORTS`);
        others are counted as *filtered*.
    strict
        Raise at the first file or row that loses data (error, partial, a skipped file)
        instead of recording it in the report (see :mod:`runwell.loadreport`).
    progress
        Show a progress bar.
    workers
        Worker processes for parsing files (default: one per core, up to 8, when there
        are at least :data:`~runwell.activities.parallel.MIN_FILES_FOR_WORKERS` files to
        parse; for fewer files, one per
        :data:`~runwell.activities.parallel.MIN_BYTES_PER_WORKER` bytes of them, forked
        where the platform can; 1 parses in this process).
    cache
        Keep parsed files in a cache keyed by content and runwell version, so that an
        unchanged export loads in about a second: ``True`` for the default folder
        (``$RUNWELL_CACHE_DIR`` or ``~/.cache/runwell``), or a folder. Off by default;
        see :mod:`runwell.activities.cache` for what it stores.

    Returns
    -------
    ActivityLoad
        ``.activities``, ``.report``, ``.files``, ``.reconciles`` and
        :meth:`ActivityLoad.summary`.

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
    batch = Batch(participant_id or DEFAULT_PARTICIPANT, tz, strict)
    with ExitStack() as stack:
        members: list[Member] = []
        for path in _sources(source):
            members += iter_members(path, stack)
        _read_members(batch, members, workers=workers, cache=_open_cache(cache), progress=progress)
    rows = dedupe(_settle(batch), batch)
    if wanted is not None:
        rows = _filter_sports(rows, wanted, batch)
    return ActivityLoad(
        activities=activities_frame(rows).sort_values(["participant_id", "start_utc"], ignore_index=True),
        report=batch.report(),
        files=batch.files_frame(),
        ignored=batch.ignored,
    )

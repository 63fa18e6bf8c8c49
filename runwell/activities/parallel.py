"""Parsing many activity files: cached results first, the rest in worker processes.

:func:`parse_all` takes the files of a load and returns each one's outcome, a
:class:`~runwell.activities._session.Parsed` or a :class:`~runwell.activities.cache.Failure`
(why it was skipped or could not be read), by display path. Files on disk are read,
keyed and checked against the cache by the workers; members of archives are read in this
process (an open archive cannot be shared between processes) and handed over as bytes.
Workers are forked where the platform can, and keep freed memory for the next file
(:func:`init_worker`). A few files that are large are parsed by forked processes taking
them from one queue, without a pool (:mod:`._forked`), whose start would cost more than it saves.
"""

from __future__ import annotations

import ctypes
import io
import multiprocessing
import os
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from tqdm import tqdm  # plain text bar: works in a terminal and needs no ipywidgets

from runwell.activities._forked import CAN_FORK, MAX_QUEUED, forked_queue
from runwell.activities._session import Parsed
from runwell.activities._sources import Member, member_for_path
from runwell.activities.cache import Failure, ParseCache, cache_key
from runwell.activities.formats import activity_format
from runwell.activities.read import parse_member
from runwell.errors import InputError, NotAnActivityError
from runwell.safeio import read_file

__all__ = [
    "MIN_BYTES_PER_WORKER",
    "MIN_FILES_FOR_WORKERS",
    "MIN_BYTES_TO_HASH_ASIDE",
    "Outcome",
    "Task",
    "parse_outcome",
    "outcome_of",
    "run_task",
    "init_worker",
    "parse_all",
    "worker_count",
]

#: Fewest files to parse before a pool of worker processes is started (below, starting costs more).
MIN_FILES_FOR_WORKERS = 24
#: Fewer files are parsed in forked processes (:func:`._forked.forked_queue`) when there is at
#: least this much of them per process: a fork costs about 4 ms, a megabyte of GPX ~10 ms.
MIN_BYTES_PER_WORKER = 2**20
#: Why a file's outcome is missing when the process reading it died.
WORKER_DIED = "the worker process reading it died (out of memory?); not loaded"

#: Bytes of files hashed for cache keys before a thread is started to hash the rest
#: while they are parsed: hashing that much (about a millisecond a megabyte) costs less
#: than starting the thread (about 0.4 ms).
MIN_BYTES_TO_HASH_ASIDE = 256 * 1024

#: What parsing one file gives: its sessions, or why it gave none.
Outcome = Parsed | Failure

#: glibc ``mallopt`` parameters and the values set in worker processes.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_WORKER_MMAP_THRESHOLD = 32 * 2**20
_WORKER_TRIM_THRESHOLD = 128 * 2**20

#: Cache keys already stored, in the process running :func:`run_task` (None: no cache).
_CACHED_KEYS: frozenset[str] | None = None


def parse_outcome(display: str, name: str, raw: bytes) -> Outcome:
    """Parse one file's raw bytes: the result, or why it failed (never raises for the file).

    Parameters
    ----------
    display
        Where the file is, for messages.
    name
        Its own name (the format follows from it).
    raw
        Its bytes as stored (gzipped when the name says so).

    Returns
    -------
    Parsed or Failure
        ``Failure("skipped", ...)`` for a readable file without an activity,
        ``Failure("error", ...)`` for one that cannot be read.
    """
    return outcome_of(Member(display, name, lambda: io.BytesIO(raw), stored=len(raw)))


def outcome_of(member: Member) -> Outcome:
    """Parse one file: the result, or why it failed (never raises for the file).

    See :func:`parse_outcome`; this takes the file as a
    :class:`~runwell.activities._sources.Member` (on disk, it is read or streamed from there).
    """
    try:
        return parse_member(member)
    except NotAnActivityError as err:
        return Failure("skipped", err.reason)
    except InputError as err:
        return Failure("error", err.reason)
    except MemoryError:
        raise
    except Exception as err:  # one file never stops a batch
        return Failure("error", f"could not be read ({type(err).__name__}: {' '.join(str(err).split())[:300]})")


@dataclass(frozen=True)
class Task:
    """One file for :func:`run_task`: on disk (``path``) or already read (``raw``, ``key``)."""

    display: str
    name: str
    path: str | None = None
    raw: bytes | None = None
    key: str | None = None


def _set_cached_keys(keys: frozenset[str] | None) -> None:
    global _CACHED_KEYS
    _CACHED_KEYS = keys


def init_worker(keys: frozenset[str] | None) -> None:
    """Set up a worker process: the stored cache keys, and memory kept for reuse.

    Each file's buffers and arrays (around a megabyte each) would otherwise be mapped
    afresh from the operating system and handed back after every file, page by page; a
    quarter of the workers' time went to that. With glibc's ``mallopt`` the workers keep
    up to 128 MB of freed memory for the next file. Elsewhere (not glibc) nothing changes.

    Parameters
    ----------
    keys
        The cache keys already stored (None without a cache).
    """
    _set_cached_keys(keys)
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):  # no C library handle or no mallopt
        return
    mallopt(_M_MMAP_THRESHOLD, _WORKER_MMAP_THRESHOLD)
    mallopt(_M_TRIM_THRESHOLD, _WORKER_TRIM_THRESHOLD)


def run_task(task: Task) -> tuple[str | None, Outcome | None]:
    """Read, key and parse one file (a worker's job).

    Files on disk are read here, in the worker, so the main process never holds a whole
    export in memory.

    Returns
    -------
    key, outcome
        The cache key (None without a cache) and the outcome, or None as the outcome
        when the cache already holds it.
    """
    if task.raw is None and _CACHED_KEYS is None:  # no cache key to compute: read (or stream) it in the parser
        return None, outcome_of(member_for_path(Path(task.path or ""), display=task.display, name=task.name))
    raw = _read_task(task)
    if isinstance(raw, Failure):
        return None, raw
    key = task.key
    if key is None and _CACHED_KEYS is not None:
        key = _key_of(task, raw)
    if key is not None and _CACHED_KEYS is not None and key in _CACHED_KEYS:
        return key, None
    return key, parse_outcome(task.display, task.name, raw)


def _read_task(task: Task) -> bytes | Failure:
    """The task's bytes (read from disk when not given), or the failure to read them."""
    if task.raw is not None:
        return task.raw
    try:
        return read_file(Path(task.path or ""), task.display)
    except InputError as err:
        return Failure("error", err.reason)


def _key_of(task: Task, raw: bytes) -> str:
    """The cache key of a task's bytes."""
    fmt = activity_format(task.name)
    return cache_key(raw, fmt[0] if fmt else "")


class _Hasher:
    """Cache keys of files about to be parsed, computed in a thread while each file is
    parsed (hashing lets go of the interpreter lock); the first files' are computed at
    once, until they add up to :data:`MIN_BYTES_TO_HASH_ASIDE`, so that a few small
    files start no thread. The thread is stopped on leaving."""

    def __init__(self) -> None:
        self._thread: ThreadPoolExecutor | None = None
        self._hashed_here = 0

    def __enter__(self) -> _Hasher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._thread is not None:
            self._thread.shutdown()

    def key(self, task: Task, raw: bytes) -> Callable[[], str]:
        """What gives the key of ``raw``: call it once the file is parsed."""
        if self._thread is None and self._hashed_here + len(raw) < MIN_BYTES_TO_HASH_ASIDE:
            self._hashed_here += len(raw)
            key = _key_of(task, raw)
            return lambda: key
        if self._thread is None:
            self._thread = ThreadPoolExecutor(1)
        return self._thread.submit(_key_of, task, raw).result


def _run_uncached(task: Task, hasher: _Hasher) -> tuple[str | None, Outcome | None]:
    """:func:`run_task` for a cache that holds nothing yet: the file's key cannot be
    found, so it is computed by ``hasher`` (in its thread for a large file) while the
    file is parsed here."""
    raw = _read_task(task)
    if isinstance(raw, Failure):
        return None, raw
    key = task.key
    pending = hasher.key(task, raw) if key is None else None
    outcome = parse_outcome(task.display, task.name, raw)
    return (pending() if pending is not None else key), outcome


def _tasks(members: list[Member], cache: ParseCache | None, results: dict[str, Outcome]) -> list[Task]:
    """The files still to parse; archive members already in the cache go to ``results``."""
    todo: list[Task] = []
    for member in members:
        if member.path is not None:
            todo.append(Task(member.display, member.name, path=str(member.path)))
            continue
        try:
            raw = member.read_raw()
        except InputError as err:
            results[member.display] = Failure("error", err.reason)
            continue
        key = None
        if cache is not None:
            fmt = member.format
            key = cache_key(raw, fmt[0] if fmt else "")
            hit = cache.get(key)
            if hit is not None:
                results[member.display] = hit
                continue
        todo.append(Task(member.display, member.name, raw=raw, key=key))
    return todo


def _run_tasks(
    todo: list[Task], *, workers: int | None, cached: frozenset[str] | None, progress: bool
) -> list[tuple[str | None, Outcome | None]]:
    """Run the tasks in worker processes (or here, for few files), in order."""
    few = len(todo) < MIN_FILES_FOR_WORKERS
    sizes = _task_sizes(todo) if few else []
    n_workers = worker_count(workers, len(todo), sum(sizes))
    bar = tqdm(total=len(todo), disable=not progress or not todo, desc="activity files", unit="file")
    lost: tuple[str | None, Outcome | None] = (None, Failure("error", WORKER_DIED))
    outcomes: list[tuple[str | None, Outcome | None]] = []
    if n_workers > 1 and few and 1 < len(todo) <= MAX_QUEUED and CAN_FORK:
        outcomes = forked_queue(
            lambda tasks: _run_here(tasks, cached),
            todo,
            sizes,
            min(n_workers, len(todo)),
            lost=lost,
            setup=lambda: init_worker(cached),
        )
        bar.update(len(todo))
    elif n_workers > 1:
        with _pool(n_workers, cached) as pool:
            chunks = max(1, min(16, len(todo) // (4 * n_workers)))
            try:
                outcomes.extend(_with_progress(pool.map(run_task, todo, chunksize=chunks), bar))
            except BrokenProcessPool:  # a worker was killed (out of memory?): the batch still finishes
                outcomes += [lost] * (len(todo) - len(outcomes))
    else:
        outcomes = _run_here(todo, cached, bar)
    bar.close()
    return outcomes


def _run_here(
    tasks: Iterable[Task], cached: frozenset[str] | None, bar: tqdm | None = None
) -> list[tuple[str | None, Outcome | None]]:
    """:func:`run_task` for each task, in this process (taking each when its turn comes)."""
    if cached is not None and not cached:  # an empty cache: every file is parsed
        with _Hasher() as hasher:
            return list(_with_progress((_run_uncached(task, hasher) for task in tasks), bar))
    previous = _CACHED_KEYS
    _set_cached_keys(cached)
    try:
        return list(_with_progress(map(run_task, tasks), bar))
    finally:
        _set_cached_keys(previous)


def _task_sizes(tasks: list[Task]) -> list[int]:
    """Each task's bytes, as stored (0 for a file that cannot be looked at)."""
    sizes = []
    for task in tasks:
        if task.raw is not None:
            sizes.append(len(task.raw))
            continue
        try:
            sizes.append(os.stat(task.path or "").st_size)
        except OSError:
            sizes.append(0)
    return sizes


def parse_all(
    members: list[Member], *, workers: int | None, cache: ParseCache | None, progress: bool
) -> dict[str, Outcome]:
    """Parse many files in worker processes, cached results first.

    Parameters
    ----------
    members
        The activity files to parse.
    workers
        Worker processes (None: see :func:`worker_count`).
    cache
        Where parsed files are kept, or None.
    progress
        Show a progress bar.

    Returns
    -------
    dict
        Each file's outcome by its display path. New outcomes are saved in the cache.
    """
    results: dict[str, Outcome] = {}
    todo = _tasks(members, cache, results)
    cached = cache.keys() if cache is not None else None
    outcomes = _run_tasks(todo, workers=workers, cached=cached, progress=progress)
    for task, (key, outcome) in zip(todo, outcomes, strict=True):
        if cache is not None and key is not None:
            if outcome is None:  # the worker found the key stored
                outcome = cache.get(key)
            else:
                cache.put(key, outcome)
        results[task.display] = outcome  # type: ignore[assignment]
    if cache is not None:
        cache.save()
    return results


T = TypeVar("T")


def _with_progress(outcomes: Iterable[T], bar: tqdm | None) -> Iterator[T]:
    for outcome in outcomes:
        if bar is not None:
            bar.update()
        yield outcome


def _pool(n_workers: int, cached: frozenset[str] | None = None) -> ProcessPoolExecutor:
    """Worker processes, told which cache keys are stored.

    Forked where the platform can (Linux): no re-import of the caller's script, so
    scripts without a ``__main__`` guard work too.
    """
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with warnings.catch_warnings():
        # Python 3.12+ warns that forking a multi-threaded process may deadlock; the
        # workers only read and parse files and take no locks of the parent.
        warnings.filterwarnings("ignore", message=".*fork.*", category=DeprecationWarning)
        return ProcessPoolExecutor(n_workers, mp_context=context, initializer=init_worker, initargs=(cached,))


def worker_count(workers: int | None, n_files: int, n_bytes: int = 0) -> int:
    """Explicit ``workers``, else one per core (up to 8) once there are enough files to
    repay the start, or, for fewer files, one per :data:`MIN_BYTES_PER_WORKER` bytes of
    them (up to one per file and per core).

    Examples
    --------
    >>> worker_count(None, 3), worker_count(2, 3), worker_count(None, 3, 2**30) > 1 or os.cpu_count() == 1
    (1, 2, True)
    """
    if workers is not None:
        return max(1, int(workers))
    cores = max(1, min(os.cpu_count() or 1, 8))
    if n_files >= MIN_FILES_FOR_WORKERS:
        return cores
    return max(1, min(cores, n_files, n_bytes // MIN_BYTES_PER_WORKER))

"""Loading a study's participants one by one, each a job that can run anywhere.

:func:`runwell.study.load_study` turns a study folder into one :class:`ParticipantJob` per
participant; :func:`run_job` loads one (from the parquet store of :mod:`runwell.studystore`
when its inputs are unchanged) and never raises for that participant's data: what went
wrong becomes a load-report row. :func:`run_local` runs the jobs on this machine, in worker
processes (one participant per task) when there are several participants and cores; the
Dask path (:mod:`runwell.distributed`) runs the same :func:`run_job` on a cluster.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import warnings
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from runwell.activities import load_activities
from runwell.inputs import Inputs, apply_default_sport, choose_mood_item
from runwell.loadreport import report_frame, report_row
from runwell.logs import read_mood, read_sleep
from runwell.studystore import StudyStore, content_key
from runwell.tables import conform, empty_table

__all__ = ["ParticipantJob", "Outcome", "run_job", "run_local", "participant_workers", "failure_report", "concat"]

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class ParticipantJob:
    """Everything needed to load one participant, in any process.

    Attributes
    ----------
    participant_id
        The participant's id (the sub-folder's name).
    activities
        Their activity export (folder or zip).
    mood, sleep
        Their own ``mood.csv`` and ``sleep.csv`` (``None`` when absent, or when the
        ratings come from a study-wide file).
    tz
        Their zone for logs written in local time.
    mood_columns
        Column mapping of their own ``mood.csv``.
    mood_item, default_sport
        As in :func:`runwell.study.load_person`.
    ratings
        Their rows of the study-wide mood file, already read (``None`` otherwise).
    ratings_format, ratings_path
        That file's format and name.
    """

    participant_id: str
    activities: Path
    mood: Path | None
    sleep: Path | None
    tz: str | None = None
    mood_columns: Mapping[str, Any] = field(default_factory=dict)
    mood_item: str | None = None
    default_sport: str | None = None
    ratings: pd.DataFrame | None = None
    ratings_format: str | None = None
    ratings_path: str | None = None

    @property
    def folder(self) -> Path:
        """The participant's folder (named in the report when they fail)."""
        return self.activities.parent

    def key(self) -> str:
        """The store key of this participant's inputs (:func:`runwell.studystore.content_key`)."""
        options = {
            "participant_id": self.participant_id,
            "tz": self.tz,
            "mood_columns": dict(self.mood_columns),
            "mood_item": self.mood_item,
            "default_sport": self.default_sport,
            "ratings_format": self.ratings_format,
        }
        extra = b""
        if self.ratings is not None:
            hashed = pd.util.hash_pandas_object(self.ratings.astype(str), index=False)
            extra = hashed.to_numpy().tobytes() + ",".join(map(str, self.ratings.columns)).encode()
        return content_key([self.activities, self.mood, self.sleep], options, extra)

    def input_files(self) -> int:
        """How many files this participant's inputs are (an archive counts once)."""
        paths = [p for p in (self.activities, self.mood, self.sleep) if p is not None]
        return sum(sum(1 for q in p.rglob("*") if q.is_file()) if p.is_dir() else 1 for p in paths)


@dataclass
class Outcome:
    """What loading one participant gave.

    Attributes
    ----------
    participant_id
        Whose it is.
    inputs
        Their tables (``None`` when they failed, or when left in the store).
    error
        Why they could not be loaded (``None`` when they were).
    key
        Their store key (``None`` without a store, or when keying failed).
    from_store
        Whether the tables were read back from the store.
    seconds
        Time taken, in this participant's process.
    files
        Input files (an archive counts once).
    """

    participant_id: str
    inputs: Inputs | None
    error: str | None = None
    key: str | None = None
    from_store: bool = False
    seconds: float = 0.0
    files: int = 0


def _load(job: ParticipantJob, *, progress: bool, workers: int | None, cache: bool | PathLike) -> Inputs:
    """Load one participant's files (the work :func:`runwell.study.load_person` does)."""
    pid = job.participant_id
    loaded = load_activities(
        job.activities, participant_id=pid, tz=job.tz, progress=progress, workers=workers, cache=cache
    )
    nights = read_sleep(job.sleep, format="generic", tz=job.tz, participant_id=pid) if job.sleep is not None else None
    if job.ratings is None:
        assert job.mood is not None
        moods = read_mood(job.mood, format="generic", tz=job.tz, participant_id=pid, **dict(job.mood_columns))
        mood = choose_mood_item(moods.mood.assign(participant_id=pid), job.mood_item, path=job.mood)
        reports, reconciled, formats = [loaded.report, moods.report], moods.reconciles, {"mood": moods.format}
        sources = {"activities": [job.activities.name], "mood": [job.mood.name]}
    else:
        mood = choose_mood_item(job.ratings, job.mood_item, path=job.ratings_path)
        reports, reconciled, formats = [loaded.report], True, {"mood": job.ratings_format or "generic"}
        sources = {"activities": [job.activities.name]}
    if nights is not None and job.sleep is not None:
        reports.append(nights.report)
        sources["sleep"], formats["sleep"] = [job.sleep.name], nights.format
    return Inputs(
        activities=apply_default_sport(loaded.activities, job.default_sport),
        mood=mood,
        sleep=_sleep_table(job, nights),
        report=concat(reports, "load_report"),
        participants=[pid],
        sources=sources,
        formats=formats,
        reconciled=reconciled and loaded.reconciles and (nights is None or nights.reconciles),
        has_sleep=nights is not None,
    )


def _sleep_table(job: ParticipantJob, nights: Any) -> pd.DataFrame:
    """The sleep table as :func:`runwell.study.load_person` gives it (own ids only with an own mood file)."""
    if nights is None:
        return empty_table("sleep")
    return nights.sleep.assign(participant_id=job.participant_id) if job.ratings is None else nights.sleep


def run_job(
    job: ParticipantJob,
    *,
    store: StudyStore | None = None,
    keep: bool = True,
    progress: bool = False,
    workers: int | None = None,
    cache: bool | PathLike = False,
) -> Outcome:
    """Load one participant, from the store when their inputs are unchanged; never raises for their data.

    Parameters
    ----------
    job
        The participant.
    store
        Where loaded participants are kept (``None``: nowhere).
    keep
        Return the tables in the outcome (``False`` leaves them in the store only).
    progress, workers, cache
        As in :func:`runwell.activities.load_activities`.

    Returns
    -------
    Outcome
        The tables (or why there are none), the key, the time taken.
    """
    start = time.perf_counter()
    pid = job.participant_id
    key = None
    try:
        files = job.input_files()
        key = job.key() if store is not None else None
        if store is not None and key is not None and store.has(pid, key):
            inputs = store.get(pid, key) if keep else None
            return Outcome(pid, inputs, key=key, from_store=True, seconds=time.perf_counter() - start, files=files)
        inputs = _load(job, progress=progress, workers=workers, cache=cache)
        if store is not None and key is not None:
            store.put(pid, key, inputs, input_files=files, seconds=time.perf_counter() - start)
    except Exception as err:  # one participant's failure is reported, never stops the study
        return Outcome(pid, None, error=f"{type(err).__name__}: {err}", key=key, seconds=time.perf_counter() - start)
    return Outcome(pid, inputs if keep else None, key=key, seconds=time.perf_counter() - start, files=files)


def failure_report(job: ParticipantJob, error: str) -> pd.DataFrame:
    """The load-report row of a participant who could not be loaded."""
    row = report_row(
        job.folder,
        "error",
        f"participant {job.participant_id} could not be loaded ({error}); the study goes on without them",
        participant_id=job.participant_id,
    )
    return report_frame([row])


def participant_workers(workers: int | None, n_participants: int) -> int:
    """Processes for loading participants: ``workers``, else one per core (up to 8) for two or more."""
    if workers is not None:
        return max(1, min(int(workers), n_participants))
    if n_participants < 2:
        return 1
    return max(1, min(os.cpu_count() or 1, 8, n_participants))


def _pool(n_workers: int) -> ProcessPoolExecutor:
    """Worker processes, forked where the platform can (no re-import of the caller's script)."""
    methods = multiprocessing.get_all_start_methods()
    return ProcessPoolExecutor(n_workers, mp_context=multiprocessing.get_context("fork" if "fork" in methods else None))


def run_local(
    jobs: Sequence[ParticipantJob],
    *,
    store: StudyStore | None = None,
    workers: int | None = None,
    progress: bool = False,
    cache: bool | PathLike = False,
) -> list[Outcome]:
    """Run the jobs on this machine, in order of ``jobs``.

    With more than one worker (see :func:`participant_workers`) each participant is one
    task of a process pool and parses its files in that process; with one, they load in
    turn here and each export's files are parsed by the activity loader's own pool. So
    they do with the parse ``cache``, one file that one process at a time may write (the
    ``store`` is the study's equivalent, safe for many).
    """
    n_workers = 1 if cache else participant_workers(workers, len(jobs))
    if n_workers <= 1:
        return [run_job(job, store=store, progress=progress, cache=cache) for job in jobs]
    bar = tqdm(total=len(jobs), disable=not progress, desc="participants", unit="participant")
    outcomes: list[Outcome] = []
    with warnings.catch_warnings(), _pool(n_workers) as pool:
        # Python 3.12+ warns that forking a multi-threaded process may deadlock; the
        # workers only read and parse files.
        warnings.filterwarnings("ignore", message=".*fork.*", category=DeprecationWarning)
        futures = [pool.submit(run_job, job, store=store, workers=1, cache=cache) for job in jobs]
        for job, future in zip(jobs, futures, strict=True):
            try:
                outcomes.append(future.result())
            except Exception as err:  # the worker process itself died
                outcomes.append(Outcome(job.participant_id, None, error=f"worker process failed: {err}"))
            bar.update()
    bar.close()
    return outcomes


def concat(tables: list[pd.DataFrame], schema: str) -> pd.DataFrame:
    """Tables of one schema as one (the empty ones left out), conformed."""
    kept = [t for t in tables if len(t)]
    return conform(pd.concat(kept, ignore_index=True), schema, extra=True) if kept else empty_table(schema)

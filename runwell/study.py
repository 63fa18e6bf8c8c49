"""A person's or a study's inputs, loaded once: activities, mood and sleep, with one report.

:func:`load_person` reads one person's activity export and logs; :func:`load_study` reads
a study: a folder with one sub-folder per participant (the layout of
``data/sample/cohort``), optionally with one long-format mood file holding every
participant (as m-Path and other EMA platforms export). Both return an
:class:`~runwell.inputs.Inputs` with the three canonical tables, one report and a summary.

Study folder convention (defined here only)
-------------------------------------------
``<study>/<participant_id>/activities`` (a folder) or ``activities.zip``, ``mood.csv``
(a long-format table: one rating per row) and optionally ``sleep.csv``. With one mood
file for everyone, a sub-folder needs only its activities; participants are matched by
the sub-folder's name. Sub-folders and participants that cannot be used are reported,
never silently passed over.

Each participant is one job (:mod:`runwell.studyrun`): loaded in worker processes on this
machine, or one task each on a Dask cluster (:mod:`runwell.distributed`, with a
``client``), optionally kept in a parquet store so that a rerun skips unchanged
participants (:mod:`runwell.studystore`). A participant who cannot be loaded is a row of the
report; the study goes on without them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeAlias

import pandas as pd

from runwell.activities import load_activities
from runwell.errors import InputError
from runwell.guard import guarded
from runwell.inputs import Inputs, apply_default_sport, choose_mood_item
from runwell.loadreport import LoadResult, report_frame, report_row
from runwell.logs import read_mood, read_sleep
from runwell.studyrun import ParticipantJob, concat, failure_report, run_local
from runwell.studystore import StudyStore, default_store
from runwell.tables import DEFAULT_PARTICIPANT, empty_table

__all__ = ["load_person", "load_study", "participant_folders", "COHORT_MOOD_COLUMNS", "Zones"]

PathLike: TypeAlias = str | os.PathLike[str]
#: One zone for everyone, or one per participant id.
Zones: TypeAlias = str | Mapping[str, str] | None

#: Columns of a study folder's long-format ``mood.csv`` (the generic reader's mapping).
COHORT_MOOD_COLUMNS: dict[str, str] = {
    "item": "item",
    "value": "value",
    "scale_min": "scale_min",
    "scale_max": "scale_max",
    "context": "context",
}


@guarded("load_person")
def load_person(
    activities: PathLike,
    mood: PathLike,
    sleep: PathLike | None = None,
    *,
    participant_id: str | None = None,
    tz: str | None = None,
    mood_format: str = "auto",
    sleep_format: str = "auto",
    mood_options: Mapping[str, Any] | None = None,
    mood_item: str | None = None,
    default_sport: str | None = None,
    progress: bool = False,
    cache: bool | PathLike = False,
) -> Inputs:
    """Load one person's activity export, mood log and (optionally) sleep log.

    Parameters
    ----------
    activities
        An activity file, folder or bulk export (see :func:`runwell.load_activities`).
    mood, sleep
        The mood log and the optional sleep log (see :func:`runwell.read_mood`).
    participant_id
        The person's id in every table (default ``"me"``).
    tz
        IANA zone for files written in local time.
    mood_format, sleep_format
        Log formats (default: recognised from content).
    mood_options
        Extra options of the mood reader (``moods={...}`` for custom Daylio labels,
        generic column mappings).
    mood_item
        The log's item that is mood, when none is called ``mood`` (see
        :func:`runwell.inputs.choose_mood_item`).
    default_sport
        Sport of activities whose files name none (see
        :func:`runwell.inputs.apply_default_sport`).
    progress
        Show a progress bar while activity files load.
    cache
        The parsed-file cache of :func:`runwell.load_activities`.

    Returns
    -------
    Inputs
        The tables, one report and a summary.

    Examples
    --------
    >>> from runwell.sample import sample_path
    >>> base = sample_path("individual")
    >>> person = load_person(base / "strava_export", base / "daylio_export.csv",
    ...                      base / "plees-tracker.csv", tz="Europe/Berlin")
    >>> print(person.summary())
    1 participant(s): 64 activities (49 runs), 216 mood ratings, 176 nights of sleep.
    """
    pid = participant_id or DEFAULT_PARTICIPANT
    loaded = load_activities(activities, participant_id=pid, tz=tz, progress=progress, cache=cache)
    moods = read_mood(Path(mood), format=mood_format, tz=tz, participant_id=pid, **dict(mood_options or {}))
    nights = read_sleep(Path(sleep), format=sleep_format, tz=tz, participant_id=pid) if sleep is not None else None
    results: list[LoadResult] = [loaded, moods]
    if nights is not None:
        results.append(nights)
    sources = {"activities": [Path(activities).name], "mood": [Path(mood).name]}
    formats = {"mood": moods.format}
    if nights is not None and sleep is not None:
        sources["sleep"] = [Path(sleep).name]
        formats["sleep"] = nights.format
    return Inputs(
        activities=apply_default_sport(loaded.activities, default_sport),
        mood=choose_mood_item(moods.mood.assign(participant_id=pid), mood_item, path=mood),
        sleep=nights.sleep.assign(participant_id=pid) if nights is not None else empty_table("sleep"),
        report=concat([r.report for r in results], "load_report"),
        participants=[pid],
        sources=sources,
        formats=formats,
        reconciled=all(r.reconciles for r in results),
        has_sleep=nights is not None,
    )


def participant_folders(
    study: PathLike, *, need_mood: bool = True
) -> tuple[list[tuple[str, Path, Path | None, Path | None]], list[dict[str, Any]]]:
    """The study folder convention: usable participant folders, and report rows for the rest.

    Parameters
    ----------
    study
        A folder with one sub-folder per participant.
    need_mood
        Whether each sub-folder must hold its own ``mood.csv`` (not when one long-format
        mood file serves the whole study).

    Returns
    -------
    tuple
        ``(participants, problems)``: each participant as ``(id, activities, mood.csv or
        None, sleep.csv or None)``, and a load-report row for each sub-folder that lacks
        what it needs.

    Raises
    ------
    InputError
        When ``study`` is not a folder.
    """
    study = Path(study)
    if not study.is_dir():
        raise InputError(study, "no such folder", fix="give the study folder (one sub-folder per participant)")
    people, problems = [], []
    for person in sorted(p for p in study.iterdir() if p.is_dir() and not p.name.startswith(".")):
        source = next(iter(sorted(person.glob("activities*"))), None)
        mood = person / "mood.csv"
        if source is None or (need_mood and not mood.is_file()):
            missing = "activities (folder or zip)" if source is None else "mood.csv"
            problems.append(
                report_row(person, "skipped", f"participant folder without {missing}", participant_id=person.name)
            )
            continue
        sleep = person / "sleep.csv"
        people.append((person.name, source, mood if mood.is_file() else None, sleep if sleep.is_file() else None))
    return people, problems


@guarded("load_study")
def load_study(
    study: PathLike,
    *,
    mood: PathLike | None = None,
    tz: Zones = None,
    mood_format: str = "auto",
    mood_columns: Mapping[str, Any] | None = None,
    mood_item: str | None = None,
    default_sport: str | None = None,
    progress: bool = False,
    cache: bool | PathLike = False,
    client: Any = None,
    workers: int | None = None,
    store: bool | PathLike | None = None,
) -> Inputs:
    """Load every participant of a study (see the module docstring for its layout).

    Each participant is one job (:class:`runwell.studyrun.ParticipantJob`): on this
    machine's cores without ``client``, on a Dask cluster with one. A participant whose
    files cannot be loaded is one ``error`` row of the report, and the study goes on.

    Parameters
    ----------
    study
        The study folder.
    mood
        One long-format mood file for the whole study (e.g. an m-Path export); default:
        each sub-folder's ``mood.csv``.
    tz
        IANA zone for logs written in local time: one for everyone, or a mapping from
        participant id to zone.
    mood_format
        Format of the study-wide ``mood`` file (default: recognised from content).
    mood_columns
        Column mapping of the per-participant ``mood.csv`` (default :data:`COHORT_MOOD_COLUMNS`).
    mood_item, default_sport, progress
        As in :func:`load_person`.
    cache
        The parsed-file cache of :func:`runwell.load_activities`; with it participants
        load in turn (the cache is one file) and each export's files in the loader's own
        worker processes. Not used on a cluster, where ``store`` does its job.
    client
        A ``dask.distributed.Client``: load on its cluster, one task per participant
        (needs the ``dask`` extra; see :mod:`runwell.distributed`). The study folder and
        the store must be reachable by every worker.
    workers
        Without ``client``: processes loading participants (default: one per core, up to
        8, when there are two or more participants; 1 loads them in turn in this process).
    store
        A folder for the parquet store of loaded participants (:mod:`runwell.studystore`),
        so that a rerun reads unchanged participants back instead of parsing them;
        ``True`` for :func:`runwell.studystore.default_store`. Default: none locally,
        the default store with ``client``.

    Returns
    -------
    Inputs
        Everyone's tables, one report (with a row for each unusable sub-folder or
        participant, and for each participant who could not be loaded).

    Raises
    ------
    InputError
        When no participant has both activities and mood ratings, or none could be loaded.
    """
    jobs, problems, shared = study_jobs(
        study, mood=mood, tz=tz, mood_format=mood_format, mood_columns=mood_columns,
        mood_item=mood_item, default_sport=default_sport,
    )  # fmt: skip
    if client is None:
        outcomes = run_local(
            jobs, store=_store_for(study, store, False), workers=workers, progress=progress, cache=cache
        )
    else:
        from runwell.distributed import run_on_cluster

        where = _store_for(study, store, True)
        if where is None:
            raise InputError(None, "loading on a cluster needs a store", fix="give store=FOLDER (or leave it out)")
        outcomes = run_on_cluster(jobs, client, where)
    parts = []
    for job, outcome in zip(jobs, outcomes, strict=True):
        if outcome.inputs is None:
            problems.append(failure_report(job, outcome.error or "unknown error"))
        else:
            parts.append(outcome.inputs)
    if not parts:
        raise InputError(
            study,
            f"none of the {len(jobs)} participant(s) could be loaded (see the report rows)",
            fix="check the files named in the load report",
        )
    return _joined(parts, problems, study, mood, shared)


def _store_for(study: PathLike, store: bool | PathLike | None, cluster: bool) -> StudyStore | None:
    """The store ``load_study`` uses: the one given, the default one (``True``; on a cluster by default), or none."""
    if store is False or (store is None and not cluster):
        return None
    return StudyStore(default_store(study) if store is None or store is True else store)


def study_jobs(
    study: PathLike,
    *,
    mood: PathLike | None = None,
    tz: Zones = None,
    mood_format: str = "auto",
    mood_columns: Mapping[str, Any] | None = None,
    mood_item: str | None = None,
    default_sport: str | None = None,
) -> tuple[list[ParticipantJob], list[pd.DataFrame], list[Any]]:
    """One job per usable participant of a study, the report rows of the rest, the shared mood file.

    Parameters
    ----------
    study, mood, tz, mood_format, mood_columns, mood_item, default_sport
        As in :func:`load_study`.

    Returns
    -------
    tuple
        ``(jobs, problems, shared)``: the jobs in participant order, report tables for
        the sub-folders and participants that cannot be used, and the study-wide mood
        file's result (a list of none or one).

    Raises
    ------
    InputError
        When no participant has both activities and mood ratings.
    """
    people, problems = participant_folders(study, need_mood=mood is None)
    ratings, shared = None, []
    if mood is not None:
        ratings, people, problems = _study_mood(mood, people, problems, tz=tz, mood_format=mood_format)
        shared = [ratings]
    if not people:
        raise InputError(
            study,
            f"no participant with both activities and mood ratings; {len(problems)} "
            "sub-folder(s) or participant(s) could not be used",
            fix="lay the study out as <study>/<participant>/activities + mood.csv, "
            "or give one mood file for everyone (--mood)",
        )
    columns = dict(COHORT_MOOD_COLUMNS if mood_columns is None else mood_columns)
    jobs = []
    for pid, acts, own_mood, sleep in people:
        zone = tz.get(pid) if isinstance(tz, Mapping) else tz
        if ratings is None:
            job = ParticipantJob(pid, acts, own_mood, sleep, mood_columns=columns)
        else:
            own = ratings.mood[ratings.mood["participant_id"].astype(str) == pid]
            job = ParticipantJob(
                pid, acts, None, sleep, ratings=own, ratings_format=ratings.format, ratings_path=str(ratings.path)
            )
        jobs.append(replace(job, tz=zone, mood_item=mood_item, default_sport=default_sport))
    return jobs, [report_frame(problems)], shared


def _study_mood(mood: PathLike, people: list, problems: list, *, tz: Zones, mood_format: str) -> tuple[Any, list, list]:
    """Read the study-wide mood file once; keep the participants found in it and in the folder."""
    result = read_mood(Path(mood), format=mood_format, tz=tz if isinstance(tz, str) else None)
    in_file = set(result.mood["participant_id"].dropna().astype(str))
    kept = [p for p in people if p[0] in in_file]
    for pid, *_ in people:
        if pid not in in_file:
            problems.append(
                report_row(
                    mood, "skipped", f"participant {pid} has activities but no ratings in this file", participant_id=pid
                )
            )
    folders = {p[0] for p in people}
    for pid in sorted(in_file - folders):
        problems.append(
            report_row(mood, "skipped", f"participant {pid} has ratings but no activities folder", participant_id=pid)
        )
    return result, kept, problems


def _joined(
    parts: list[Inputs], problems: list[pd.DataFrame], study: PathLike, mood: PathLike | None, shared: list[Any]
) -> Inputs:
    """Everyone's inputs as one, with the study-wide mood file's report (``shared``) once."""
    has_sleep = any(p.has_sleep for p in parts)
    formats = {"mood": parts[0].formats.get("mood", "generic"), **({"sleep": "generic"} if has_sleep else {})}
    sources = {"study": [Path(study).name], **({"mood": [Path(mood).name]} if mood is not None else {})}
    return Inputs(
        activities=concat([p.activities for p in parts], "activities"),
        mood=concat([p.mood for p in parts], "mood"),
        sleep=concat([p.sleep for p in parts], "sleep"),
        report=concat(
            problems[:1] + [r.report for r in shared] + problems[1:] + [p.report for p in parts], "load_report"
        ),
        participants=[p.participants[0] for p in parts],
        sources=sources,
        formats=formats,
        reconciled=all(p.reconciled for p in parts) and all(r.reconciles for r in shared),
        has_sleep=has_sleep,
    )

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
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeAlias

import pandas as pd

from runwell.activities import load_activities
from runwell.errors import InputError
from runwell.guard import guarded
from runwell.inputs import Inputs, apply_default_sport, choose_mood_item
from runwell.loadreport import LoadResult, report_frame, report_row
from runwell.logs import read_mood, read_sleep
from runwell.tables import DEFAULT_PARTICIPANT, conform, empty_table

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
        report=_concat([r.report for r in results], "load_report"),
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
) -> Inputs:
    """Load every participant of a study (see the module docstring for its layout).

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
    mood_item, default_sport, progress, cache
        As in :func:`load_person`.

    Returns
    -------
    Inputs
        Everyone's tables, one report (with a row for each unusable sub-folder or
        participant; a participant whose files cannot be read is one ``error`` row).

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
    parts = []
    for pid, acts, own_mood, sleep in people:
        zone = tz.get(pid) if isinstance(tz, Mapping) else tz
        shared_options: dict[str, Any] = {
            "mood_item": mood_item,
            "default_sport": default_sport,
            "progress": progress,
            "cache": cache,
        }
        try:
            if own_mood is not None:
                parts.append(
                    load_person(
                        acts,
                        own_mood,
                        sleep,
                        participant_id=pid,
                        tz=zone,
                        mood_format="generic",
                        sleep_format="generic",
                        mood_options=columns,
                        **shared_options,
                    )
                )
            else:
                parts.append(_with_shared_mood(pid, acts, sleep, ratings, zone=zone, **shared_options))
        except InputError as err:  # one participant's unreadable log never stops the study
            if err.field == "tz" or err.option:
                raise
            problems.append(
                report_row(err.path or acts, "error", f"participant {pid} not loaded: {err.reason}", participant_id=pid)
            )
    if not parts:
        raise InputError(study, f"no participant could be loaded; {len(problems)} problem(s) in the report")
    return _joined(parts, problems, study, mood, shared)


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


def _with_shared_mood(
    pid: str,
    activities: Path,
    sleep: Path | None,
    ratings: Any,
    *,
    zone: str | None,
    mood_item: str | None,
    default_sport: str | None,
    progress: bool,
    cache: bool | PathLike,
) -> Inputs:
    """One participant whose ratings come from the study-wide mood file."""
    loaded = load_activities(activities, participant_id=pid, tz=zone, progress=progress, cache=cache)
    nights = read_sleep(sleep, format="generic", tz=zone, participant_id=pid) if sleep is not None else None
    own = ratings.mood[ratings.mood["participant_id"].astype(str) == pid]
    reports = [loaded.report] + ([nights.report] if nights is not None else [])
    return Inputs(
        activities=apply_default_sport(loaded.activities, default_sport),
        mood=choose_mood_item(own, mood_item, path=ratings.path),
        sleep=nights.sleep if nights is not None else empty_table("sleep"),
        report=_concat(reports, "load_report"),
        participants=[pid],
        formats={"mood": ratings.format},
        reconciled=loaded.reconciles and (nights is None or nights.reconciles),
        has_sleep=nights is not None,
    )


def _joined(
    parts: list[Inputs], problems: list[dict[str, Any]], study: PathLike, mood: PathLike | None, shared: list[Any]
) -> Inputs:
    """Everyone's inputs as one, with the study-wide mood file's report (``shared``) once."""
    has_sleep = any(p.has_sleep for p in parts)
    formats = {"mood": parts[0].formats.get("mood", "generic"), **({"sleep": "generic"} if has_sleep else {})}
    sources = {"study": [Path(study).name], **({"mood": [Path(mood).name]} if mood is not None else {})}
    return Inputs(
        activities=_concat([p.activities for p in parts], "activities"),
        mood=_concat([p.mood for p in parts], "mood"),
        sleep=_concat([p.sleep for p in parts], "sleep"),
        report=_concat(
            [report_frame(problems)] + [r.report for r in shared] + [p.report for p in parts], "load_report"
        ),
        participants=[p.participants[0] for p in parts],
        sources=sources,
        formats=formats,
        reconciled=all(p.reconciled for p in parts) and all(r.reconciles for r in shared),
        has_sleep=has_sleep,
    )


def _concat(tables: list[pd.DataFrame], schema: str) -> pd.DataFrame:
    kept = [t for t in tables if len(t)]
    return conform(pd.concat(kept, ignore_index=True), schema, extra=True) if kept else empty_table(schema)

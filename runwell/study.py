"""A person's or a study's inputs, assembled once: activities, mood and sleep, with one report.

:func:`load_person` reads one person's activity export and logs; :func:`load_study` reads
a study folder (one sub-folder per participant, the layout of ``data/sample/cohort``).
Both return an :class:`Inputs`: the three canonical tables, one load report, whether the
counts reconcile and a summary, following :class:`runwell.loadreport.LoadResult`.

The command line checks inputs with these functions before the long work starts, saves
what it loaded with :meth:`Inputs.save`, and the report notebooks read it back with
:func:`load_saved`, so every input file is read once. Analysis code never calls these: it
takes the tables.

Study folder convention (defined here only)
-------------------------------------------
``<study>/<participant_id>/activities`` (a folder) or ``activities.zip``, ``mood.csv`` (a
long-format table: one rating per row) and optionally ``sleep.csv``. Sub-folders that lack
activities or ``mood.csv`` are reported, not silently passed over.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from runwell.activities import load_activities
from runwell.errors import InputError
from runwell.loadreport import SummaryRepr, kind_counts, report_frame, report_row
from runwell.logs import read_mood, read_sleep
from runwell.tables import DEFAULT_PARTICIPANT, RUNNING_SPORTS, conform, empty_table

__all__ = [
    "Inputs",
    "load_person",
    "load_study",
    "load_saved",
    "participant_folders",
    "check_person",
    "COHORT_MOOD_COLUMNS",
]

PathLike = str | os.PathLike[str]

#: Columns of a study folder's long-format ``mood.csv`` (the generic reader's mapping).
COHORT_MOOD_COLUMNS: dict[str, str] = {
    "item": "item",
    "value": "value",
    "scale_min": "scale_min",
    "scale_max": "scale_max",
    "context": "context",
}

_TABLES = ("activities", "mood", "sleep", "report")


@dataclass
class Inputs(SummaryRepr):
    """The loaded inputs of one person or one study.

    Attributes
    ----------
    activities, mood, sleep
        The canonical tables (:mod:`runwell.tables`); ``sleep`` is empty when no sleep log
        was given.
    report
        One load report for every file read (activities and logs).
    participants
        The participants, in order.
    sources
        What was read, for the report's footer: kind -> file names (names only).
    formats
        The log formats that were recognised, e.g. ``{"mood": "daylio"}``.
    reconciled
        Whether every loader's counts reconciled.
    has_sleep
        Whether a sleep log was given.
    """

    activities: pd.DataFrame
    mood: pd.DataFrame
    sleep: pd.DataFrame
    report: pd.DataFrame
    participants: list[str] = field(default_factory=list)
    sources: dict[str, list[str]] = field(default_factory=dict)
    formats: dict[str, str] = field(default_factory=dict)
    reconciled: bool = True
    has_sleep: bool = False

    @property
    def reconciles(self) -> bool:
        """Every input file or row reached a table or the report."""
        return self.reconciled

    @property
    def runs(self) -> pd.DataFrame:
        """The activities whose sport is a run (:data:`runwell.tables.RUNNING_SPORTS`)."""
        return self.activities[self.activities["sport"].isin(RUNNING_SPORTS)]

    def summary(self) -> str:
        """What was loaded, in a few words."""
        runs = self.runs
        text = (
            f"{len(self.participants)} participant(s): {len(self.activities)} activities "
            f"({len(runs)} runs), {len(self.mood)} mood ratings"
        )
        if self.has_sleep:
            text += f", {len(self.sleep)} nights of sleep"
        counts = kind_counts(self.report)
        if counts:
            text += "; not loaded whole: " + ", ".join(f"{n} {k}" for k, n in counts.items())
        return text + "."

    def save(self, folder: PathLike) -> Path:
        """Write the tables (parquet) and the metadata (JSON) to ``folder``; returns it."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for name in _TABLES:
            getattr(self, name).to_parquet(folder / f"{name}.parquet", index=False)
        meta = {
            "participants": self.participants,
            "sources": self.sources,
            "formats": self.formats,
            "reconciled": self.reconciled,
            "has_sleep": self.has_sleep,
        }
        (folder / "inputs.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
        return folder


def load_saved(folder: PathLike) -> Inputs:
    """Read back what :meth:`Inputs.save` wrote.

    Raises
    ------
    InputError
        When the folder does not hold saved inputs.
    """
    folder = Path(folder)
    meta_path = folder / "inputs.json"
    if not meta_path.is_file():
        raise InputError(
            folder,
            "no saved runwell inputs here (inputs.json is missing)",
            fix="save them with Inputs.save(folder) first",
        )
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    tables = {name: pd.read_parquet(folder / f"{name}.parquet") for name in _TABLES}
    schemas = {"activities": "activities", "mood": "mood", "sleep": "sleep", "report": "load_report"}
    tables = {name: conform(table, schemas[name], extra=True) for name, table in tables.items()}
    return Inputs(**tables, **meta)


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
    1 participant(s): 64 activities (54 runs), 216 mood ratings, 176 nights of sleep; not loaded whole: 1 warning.
    """
    pid = participant_id or DEFAULT_PARTICIPANT
    loaded = load_activities(activities, participant_id=pid, tz=tz, progress=progress, cache=cache)
    moods = read_mood(mood, format=mood_format, tz=tz, participant_id=pid, **dict(mood_options or {}))
    nights = read_sleep(sleep, format=sleep_format, tz=tz, participant_id=pid) if sleep is not None else None
    results = [loaded, moods] + ([nights] if nights is not None else [])
    sources = {"activities": [Path(activities).name], "mood": [Path(mood).name]}
    formats = {"mood": moods.format}
    if nights is not None and sleep is not None:
        sources["sleep"] = [Path(sleep).name]
        formats["sleep"] = nights.format
    return Inputs(
        activities=loaded.activities,
        mood=moods.mood.assign(participant_id=pid),
        sleep=nights.sleep.assign(participant_id=pid) if nights is not None else empty_table("sleep"),
        report=_joined_reports([r.report for r in results]),
        participants=[pid],
        sources=sources,
        formats=formats,
        reconciled=all(r.reconciles for r in results),
        has_sleep=nights is not None,
    )


def check_person(inputs: Inputs, *, activities: PathLike | None = None, mood: PathLike | None = None) -> None:
    """Check that one person's inputs can make a report, before the long work starts.

    Parameters
    ----------
    inputs
        What :func:`load_person` returned.
    activities, mood
        The paths given, named in the messages.

    Raises
    ------
    InputError
        No running activities, no mood ratings, or no rating between the first and last run.
    """
    runs = inputs.runs
    if runs.empty:
        sports = ", ".join(sorted(set(inputs.activities["sport"].dropna()))) or "none"
        raise InputError(activities, f"no running activities found (sports found: {sports})")
    if inputs.mood.empty:
        raise InputError(mood, f"no mood entries could be read ({len(inputs.report)} problem row(s))")
    start, end = runs["start_local"].min().normalize(), runs["start_local"].max().normalize()
    dates = inputs.mood["date"]
    if not ((dates >= start) & (dates <= end)).any():
        raise InputError(mood, f"no mood entries between the first and last run ({start:%Y-%m-%d} to {end:%Y-%m-%d})")


def participant_folders(study: PathLike) -> tuple[list[tuple[str, Path, Path, Path | None]], list[dict[str, Any]]]:
    """The study folder convention: usable participant folders, and report rows for the rest.

    Parameters
    ----------
    study
        A folder with one sub-folder per participant.

    Returns
    -------
    tuple
        ``(participants, problems)``: each participant as ``(id, activities, mood.csv,
        sleep.csv or None)``, and a load-report row for each sub-folder that lacks
        activities or ``mood.csv``.

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
        if source is None or not mood.is_file():
            missing = "activities (folder or zip)" if source is None else "mood.csv"
            problems.append(
                report_row(person, "skipped", f"participant folder without {missing}", participant_id=person.name)
            )
            continue
        sleep = person / "sleep.csv"
        people.append((person.name, source, mood, sleep if sleep.is_file() else None))
    return people, problems


def load_study(
    study: PathLike,
    *,
    tz: str | None = None,
    mood_columns: Mapping[str, Any] | None = None,
    progress: bool = False,
    cache: bool | PathLike = False,
) -> Inputs:
    """Load every participant of a study folder (see the module docstring for its layout).

    Parameters
    ----------
    study
        The study folder.
    tz
        IANA zone for logs written in local time.
    mood_columns
        Column mapping of the long-format ``mood.csv`` (default :data:`COHORT_MOOD_COLUMNS`).
    progress, cache
        As in :func:`runwell.load_activities`.

    Returns
    -------
    Inputs
        Everyone's tables, one report (with a row for each unusable sub-folder).

    Raises
    ------
    InputError
        When no sub-folder holds activities and a mood log.
    """
    people, problems = participant_folders(study)
    if not people:
        raise InputError(
            study,
            f"no participant folders with activities (folder or zip) and mood.csv; "
            f"found {len(problems)} other sub-folder(s)",
            fix="lay the study out as <study>/<participant>/activities + mood.csv",
        )
    columns = dict(COHORT_MOOD_COLUMNS if mood_columns is None else mood_columns)
    parts = [
        _load_participant(pid, acts, mood, sleep, tz=tz, columns=columns, progress=progress, cache=cache)
        for pid, acts, mood, sleep in people
    ]
    has_sleep = any(p.has_sleep for p in parts)
    return Inputs(
        activities=_concat([p.activities for p in parts], "activities"),
        mood=_concat([p.mood for p in parts], "mood"),
        sleep=_concat([p.sleep for p in parts], "sleep"),
        report=_joined_reports([report_frame(problems)] + [p.report for p in parts]),
        participants=[pid for pid, *_ in people],
        sources={"study": [Path(study).name]},
        formats={"mood": "generic", **({"sleep": "generic"} if has_sleep else {})},
        reconciled=all(p.reconciled for p in parts),
        has_sleep=has_sleep,
    )


def _load_participant(
    pid: str,
    activities: Path,
    mood: Path,
    sleep: Path | None,
    *,
    tz: str | None,
    columns: dict[str, Any],
    progress: bool,
    cache: bool | PathLike,
) -> Inputs:
    """One participant of a study folder, read with the study's generic log formats."""
    return load_person(
        activities,
        mood,
        sleep,
        participant_id=pid,
        tz=tz,
        mood_format="generic",
        sleep_format="generic",
        mood_options=columns,
        progress=progress,
        cache=cache,
    )


def _concat(tables: list[pd.DataFrame], schema: str) -> pd.DataFrame:
    kept = [t for t in tables if len(t)]
    return conform(pd.concat(kept, ignore_index=True), schema, extra=True) if kept else empty_table(schema)


def _joined_reports(reports: list[pd.DataFrame]) -> pd.DataFrame:
    return _concat(reports, "load_report")

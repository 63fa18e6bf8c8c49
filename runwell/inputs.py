"""One person's or one study's loaded inputs, and the checks and choices made on them.

:class:`Inputs` holds the canonical tables that :mod:`runwell.study` loaded (activities,
mood, sleep), one load report and the analysis window; it can be saved to a folder and read
back (:meth:`Inputs.save`, :func:`load_saved`), which is how ``runwell report`` hands what it
loaded to the report notebooks without reading any input twice. The functions below make the
choices a user states about their inputs (which mood item is mood, which sport files without
one are) and check, before the long work, that a report can be made.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from runwell.errors import InputError
from runwell.loadreport import SummaryRepr, kind_counts
from runwell.tables import RUNNING_SPORTS, conform
from runwell.window import WINDOW_COLUMNS, analysis_window, describe_window, outside_window

__all__ = ["Inputs", "load_saved", "check_person", "choose_mood_item", "apply_default_sport"]

PathLike = str | os.PathLike[str]

_TABLES = ("activities", "mood", "sleep", "report", "window")


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
    window
        Each participant's analysis window (:func:`runwell.window.analysis_window`), set by
        :meth:`with_window`; empty until then.
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
    window: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=WINDOW_COLUMNS))

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

    def with_window(self, *, start: Any = None, end: Any = None) -> Inputs:
        """These inputs with their analysis window set (see :mod:`runwell.window`).

        Raises
        ------
        InputError
            When the mood log and the activities do not overlap (and no window is given).
        """
        self.window = analysis_window(self.activities, self.mood, start=start, end=end)
        return self

    def window_bounds(self) -> tuple[dict[str, pd.Timestamp], dict[str, pd.Timestamp]]:
        """Each participant's first and last day, as the panel's ``start`` and ``end``."""
        if self.window.empty:
            raise InputError(None, "the analysis window is not set", fix="call Inputs.with_window() first")
        window = self.window.set_index("participant_id")
        return window["start"].to_dict(), window["end"].to_dict()

    def window_text(self) -> str:
        """The window and what fell outside it, in one or two sentences for the report."""
        tables = {"activities": self.activities, "mood": self.mood, "sleep": self.sleep}
        return describe_window(self.window, outside_window(tables, self.window))

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
    tables = {
        name: conform(table, schemas[name], extra=True) if name in schemas else table for name, table in tables.items()
    }
    return Inputs(**tables, **meta)


def _no_mood(report: pd.DataFrame, mood: PathLike | None) -> InputError:
    """The error for a mood log that gave no ratings, with the load report's reasons for that file."""
    rows = report if mood is None else report[report["path"].astype(str) == str(mood)]
    reasons = list(dict.fromkeys(rows["reason"].dropna().astype(str)))
    why = "; ".join(reasons[:3]) + (f"; and {len(reasons) - 3} more" if len(reasons) > 3 else "")
    return InputError(
        mood,
        f"no mood entries could be read ({why or 'no rows'}; {len(rows)} row(s) in the load report)",
        fix="give a mood log that holds ratings, in one of the formats the README lists under 'Mood and sleep logs'",
    )


def check_person(
    inputs: Inputs,
    *,
    activities: PathLike | None = None,
    mood: PathLike | None = None,
    start: Any = None,
    end: Any = None,
) -> None:
    """Check that one person's inputs can make a report, before the long work starts.

    Sets the analysis window (with ``start`` and ``end`` when given) once there are runs
    and ratings to place it by.

    Parameters
    ----------
    inputs
        What :func:`runwell.study.load_person` returned.
    activities, mood
        The paths given, named in the messages.
    start, end
        The user's window, if any (see :func:`runwell.window.analysis_window`).

    Raises
    ------
    InputError
        No running activities, no mood ratings, logs and activities that do not overlap,
        or no run or no rating inside the analysis window; each names the fix.
    """
    runs = inputs.runs
    if runs.empty:
        sports = ", ".join(sorted(set(inputs.activities["sport"].dropna()))) or "none"
        raise InputError(
            activities,
            f"no running activities found (sports found: {sports})",
            fix="if these are runs whose files name no sport, pass default_sport='running'",
            option="default_sport",
            suggestion="running",
        )
    if inputs.mood.empty:
        raise _no_mood(inputs.report, mood)
    inputs.with_window(start=start, end=end)
    first, last = inputs.window["start"].min(), inputs.window["end"].max()
    days = runs["start_local"].dt.normalize()
    if not days.between(first, last).any():
        raise InputError(
            activities,
            f"no run in the analysis window {first:%Y-%m-%d} to {last:%Y-%m-%d} "
            f"(runs span {days.min():%Y-%m-%d} to {days.max():%Y-%m-%d})",
            fix="give a mood log that covers days you ran, or set the window with start= and end=",
            option="start",
        )
    if not inputs.mood["date"].between(first, last).any():
        raise InputError(
            mood,
            f"no mood rating in the analysis window {first:%Y-%m-%d} to {last:%Y-%m-%d}",
            fix="give a mood log that covers days you ran, or set the window with start= and end=",
            option="start",
        )


def choose_mood_item(mood: pd.DataFrame, item: str | None, *, path: PathLike | None = None) -> pd.DataFrame:
    """The mood table with the item the user calls mood named ``mood``.

    Parameters
    ----------
    mood
        The canonical mood table.
    item
        The item that is mood (``--mood-item``); ``None`` keeps the item called ``mood``.
        An item already called ``mood`` is renamed ``mood_original``.
    path
        The mood log, named in the error.

    Raises
    ------
    InputError
        When the log has no such item (or none called ``mood``), listing the items it has.
    """
    items = sorted(set(mood["item"].dropna().astype(str)))
    wanted = item or "mood"
    if mood.empty or (item is None and "mood" in items) or item == "mood":
        if item == "mood" and "mood" not in items and items:
            raise InputError(
                path,
                f"no item called 'mood' in the log (items: {', '.join(items)})",
                fix="name the item that is mood with mood_item=NAME",
                option="mood_item",
            )
        return mood
    if wanted not in items:
        raise InputError(
            path,
            f"no item called {wanted!r} in the mood log (items: {', '.join(items) or 'none'})",
            fix="name the item that is mood with mood_item=NAME",
            option="mood_item",
        )
    renamed = mood["item"].replace({"mood": "mood_original"}).mask(mood["item"] == wanted, "mood")
    return mood.assign(item=renamed)


def apply_default_sport(activities: pd.DataFrame, sport: str | None) -> pd.DataFrame:
    """Give activities whose files name no sport the user's ``sport`` (``--default-sport``).

    Only activities whose file wrote no sport at all (``sport_original`` missing or empty)
    change; their ``sport_original`` stays empty, so the choice remains visible.
    """
    if sport is None or activities.empty:
        return activities
    unnamed = activities["sport_original"].fillna("").astype(str).str.strip().eq("")
    return activities.assign(sport=activities["sport"].mask(unnamed, sport))

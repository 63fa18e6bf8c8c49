"""The public-API calls a fuzz input is fed to. They run inside the child process.

Each target takes paths (strings) and returns a list of problems its checks found (empty
when all is well), each ``"code: details"`` (codes: ``not-a-table``, ``no-reconcile``,
``unaccounted``, ``good-file-lost``), or raises whatever runwell raises. Importing this module imports the
runwell of *this* repository (its root is put first on ``sys.path``), which the
forkserver does once.

Targets
-------
``read_activity``, ``read_streams``, ``load_activities``
    One activity file.
``batch``
    ``load_activities`` on a folder of known-good files plus the input: it must return,
    load every good file, and account for every file (table, report or ignored).
``strava_export``
    ``load_activities`` on a copy of the Strava export sample with one file replaced.
``read_mood``, ``read_sleep``
    One log file, ``tz="UTC"``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import pandas as pd  # noqa: E402

import runwell  # noqa: E402
import runwell.activities  # noqa: E402
import runwell.logs  # noqa: E402

__all__ = ["TARGETS", "runwell_location"]


def runwell_location() -> str:
    """Where the runwell under test was imported from."""
    return str(Path(runwell.__file__).parent)


def _frame_problems(obj: Any, what: str) -> list[str]:
    """A problem when a reader returned something other than a DataFrame."""
    return (
        [] if isinstance(obj, pd.DataFrame) else [f"not-a-table: {what} returned {type(obj).__name__}, not a DataFrame"]
    )


def read_activity(path: str) -> list[str]:
    """``runwell.read_activity(path)`` returns a DataFrame."""
    return _frame_problems(runwell.read_activity(path), "read_activity")


def read_streams(path: str) -> list[str]:
    """``runwell.read_streams(path)`` returns a DataFrame."""
    return _frame_problems(runwell.read_streams(path), "read_streams")


def _accounted(load: Any, name: str) -> bool:
    """Whether a file of this name is in the load's files table, its report or ignored list."""
    paths = [*load.files["path"].astype(str), *load.report["path"].astype(str), *map(str, load.ignored)]
    return any(name in p for p in paths)


def load_activities(path: str) -> list[str]:
    """``runwell.load_activities(path, workers=1)`` returns, reconciles and lists the file."""
    load = runwell.load_activities(path, workers=1)
    problems = [] if load.reconciled else ["no-reconcile: load_activities result does not reconcile"]
    if not _accounted(load, Path(path).name):
        problems.append(
            f"unaccounted: {Path(path).name} is in neither the files table, the report nor the ignored list"
        )
    return problems


def _batch_checks(load: Any, good: list[str], bad: str) -> list[str]:
    """Problems of a batch load: good files lost, the bad file unaccounted, no reconciliation."""
    problems = [] if load.reconciled else ["no-reconcile: batch result does not reconcile"]
    files = load.files.assign(path=load.files["path"].astype(str))
    for name in good:
        rows = files[files["path"].str.endswith(name)]
        if rows.empty or not rows["status"].isin(["loaded"]).all():
            status = ",".join(rows["status"]) or "missing"
            problems.append(f"good-file-lost: {name} not loaded ({status})")
    if bad and not _accounted(load, bad):
        problems.append(f"unaccounted: {bad} is in neither the files table, the report nor the ignored list")
    return problems


def batch(folder: str, good: list[str], bad: str) -> list[str]:
    """``load_activities(folder, workers=1)`` with good files and one fuzzed file in it."""
    return _batch_checks(runwell.load_activities(folder, workers=1), good, bad)


def strava_export(folder: str, good: list[str], bad: str) -> list[str]:
    """``load_activities`` on a Strava export copy in which one file was fuzzed."""
    return _batch_checks(runwell.load_activities(folder, workers=1), good, bad)


def _log_problems(result: Any, what: str) -> list[str]:
    """A problem when a log result does not reconcile (rows read = loaded + reported)."""
    reconciles = getattr(result, "reconciles", getattr(result, "reconciled", True))
    return [] if reconciles else [f"no-reconcile: {what} result does not reconcile"]


def read_mood(path: str) -> list[str]:
    """``runwell.read_mood(path, tz="UTC")`` returns a result that reconciles."""
    return _log_problems(runwell.read_mood(path, tz="UTC"), "read_mood")


def read_sleep(path: str) -> list[str]:
    """``runwell.read_sleep(path, tz="UTC")`` returns a result that reconciles."""
    return _log_problems(runwell.read_sleep(path, tz="UTC"), "read_sleep")


#: Target name -> function.
TARGETS: dict[str, Callable[..., list[str]]] = {
    f.__name__: f for f in (read_activity, read_streams, load_activities, batch, strava_export, read_mood, read_sleep)
}

"""Plausibility checks on what an activity reader returns: impossible values are reported, not loaded.

A damaged file can hold values that parse but cannot be true. They are caught here, once
for every reader, and said so in the load report instead of being accepted silently:

* a session that starts before 1980 or more than a day in the future
  (a device clock never set, a corrupted date) cannot be placed in time: it is dropped,
  and a file left without sessions is an error;
* a duration (elapsed or moving time) that is negative or longer than
  7 days, and a number that is infinite, is made missing and
  the file is marked ``partial`` with the reason;
* samples timed outside the same window lose their time (``NaT``), also reported.

The window and the duration rule are :mod:`runwell.plausible`'s, shared with the log
readers.
"""

from __future__ import annotations

import math

import pandas as pd

from runwell.activities._session import Parsed, Session
from runwell.errors import InputError
from runwell.plausible import EARLIEST, duration_problem, latest, plausible_time, window

__all__ = ["vet", "vet_session"]

_NUMBERS = ("distance_m", "avg_hr", "max_hr", "elevation_gain_m")


def vet_session(session: Session) -> tuple[str | None, list[str]]:
    """Check one session; blank its impossible values in place.

    Returns
    -------
    fatal : str or None
        Why the session cannot be loaded at all (its start is outside the plausible
        window), else None.
    notes : list of str
        What was made missing and why.
    """
    start = session.start_utc if session.start_utc is not None else session.start_local
    if not plausible_time(start):
        return f"starts at {start}, outside {window()}: a wrong or damaged date", []
    notes = []
    for attr, what in (("elapsed_s", "elapsed time"), ("moving_s", "moving time")):
        problem = duration_problem(what, float(getattr(session, attr)))
        if problem:
            notes.append(problem)
            setattr(session, attr, math.nan)
    for attr in _NUMBERS:
        value = float(getattr(session, attr))
        if math.isinf(value):
            notes.append(f"{attr} is infinite; left out")
            setattr(session, attr, math.nan)
    return None, notes


def _vet_streams(streams: pd.DataFrame) -> str | None:
    """Make sample times outside the plausible window missing; say how many."""
    if "time_utc" not in streams or not len(streams):
        return None
    times = streams["time_utc"]
    low, high = EARLIEST, latest()
    bad = times.notna() & ((times < low) | (times > high))
    if not bad.any():
        return None
    streams.loc[bad, "time_utc"] = pd.NaT
    return f"{int(bad.sum())} sample(s) timed outside {window()}; their times left out"


def vet(parsed: Parsed, path: str) -> Parsed:
    """Check a reader's result (see the module docs); changes it in place and returns it.

    Raises
    ------
    InputError
        When no session of the file is plausible (names the first reason).
    """
    kept, notes = [], []
    for number, session in enumerate(parsed.sessions, start=1):
        fatal, blanked = vet_session(session)
        label = f"session {number}: " if len(parsed.sessions) > 1 else ""
        if fatal:
            notes.append(f"{label}{fatal}; not loaded")
            continue
        notes += [label + note for note in blanked]
        kept.append(session)
    if not kept:
        raise InputError(
            path, notes[0].removesuffix("; not loaded") if notes else "no session", fix="check the device clock"
        )
    if parsed.streams is not None:
        note = _vet_streams(parsed.streams)
        if note:
            notes.append(note)
    if notes:
        parsed.sessions = kept
        parsed.partial = "; ".join([*([parsed.partial] if parsed.partial else []), *notes])
    return parsed

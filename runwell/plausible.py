"""What values can be true: the one plausibility window of every reader.

Damaged files hold values that parse but cannot be true: a run in 1066, a night in 1970
lasting 30 seconds, an activity of -3 hours. Readers check instants and durations here
and report what fails (``error`` when nothing of the row or session is left, ``partial``
when one value is made missing) instead of loading it silently.

* Instants must lie in :data:`EARLIEST` (1980-01-01 UTC) .. :func:`latest` (now plus one
  day, for clocks and zones that run ahead).
* Durations must be neither negative nor longer than :data:`MAX_DURATION_S` (7 days).

Examples
--------
>>> plausible_time(pd.Timestamp("1066-10-14", tz="UTC")), plausible_time(pd.Timestamp("2024-05-01"))
(False, True)
>>> duration_problem("elapsed time", -5.0)
'elapsed time of -5 s is negative; left out'
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

__all__ = ["EARLIEST", "MAX_DURATION_S", "latest", "window", "plausible_time", "time_problem", "duration_problem"]

#: Earliest plausible instant (no consumer GPS, FIT device or sleep app before it).
EARLIEST = pd.Timestamp("1980-01-01", tz="UTC")
#: Longest plausible duration of one activity or sleep period, in seconds (7 days).
MAX_DURATION_S = 7 * 86400.0


def latest() -> pd.Timestamp:
    """Latest plausible instant: now plus one day."""
    return pd.Timestamp.now(tz="UTC") + pd.Timedelta(days=1)


def window() -> str:
    """The window in words, for messages (``1980..2026-05-10``)."""
    return f"{EARLIEST.year}..{latest().date()}"


def _as_utc(stamp: Any) -> pd.Timestamp | None:
    """A timestamp as UTC (naive ones taken as UTC), or None for a missing value."""
    if stamp is None or (not isinstance(stamp, pd.Timestamp | str) and pd.isna(stamp)):
        return None
    stamp = pd.Timestamp(stamp)
    if pd.isna(stamp):
        return None
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def plausible_time(stamp: Any) -> bool:
    """Whether an instant lies in ``EARLIEST .. latest()`` (missing values pass)."""
    utc = _as_utc(stamp)
    return utc is None or bool(EARLIEST <= utc <= latest())


def time_problem(what: str, stamp: Any) -> str | None:
    """Why an instant cannot be true (outside the window), or None.

    Examples
    --------
    >>> time_problem("start", pd.Timestamp("1600-01-15 06:30"))
    'start 1600-01-15 06:30:00 is outside 1980..., a wrong or damaged date'
    """
    if plausible_time(stamp):
        return None
    return f"{what} {stamp} is outside {window()}, a wrong or damaged date"


def duration_problem(what: str, seconds: float) -> str | None:
    """Why a duration cannot be true (negative, over 7 days, infinite), or None."""
    if math.isnan(seconds):
        return None
    if math.isinf(seconds):
        return f"{what} is infinite; left out"
    if seconds < 0:
        return f"{what} of {seconds:.0f} s is negative; left out"
    if seconds > MAX_DURATION_S:
        return f"{what} of {seconds / 86400:.1f} days is longer than 7 days; left out"
    return None

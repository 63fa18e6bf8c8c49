"""Plausibility checks of log rows: times and durations that cannot be true are reported.

A damaged or mistyped log can hold a night in 1600 or a rating dated 2500; pandas cannot
even hold those in its tables. :func:`plausible_periods` (sleep, called by
:func:`runwell.logs.results.finish_sleep`) and :func:`plausible_ratings` (mood, called by
:func:`runwell.logs.frames.mood_frame`) reject such rows through the file's
:class:`~runwell.logs.rows.RowLog`, with the field and value, before any table is built.
The window and the duration rule are :mod:`runwell.plausible`'s: instants in
1980..now+1 day, durations neither negative nor over 7 days.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from runwell.errors import InputError
from runwell.logs.rows import PathLike, RowLog
from runwell.plausible import duration_problem, time_problem

__all__ = ["plausible_periods", "plausible_ratings", "PERIOD_TIMES"]

#: The instants of a sleep period row.
PERIOD_TIMES = ("in_bed_start", "in_bed_end", "sleep_start", "sleep_end")
_SPANS = (("in_bed_start", "in_bed_end", "time in bed"), ("sleep_start", "sleep_end", "sleep"))
_FIX = "correct the date in the file, or re-export it from the app"


def _present(value: Any) -> bool:
    return value is not None and not (not isinstance(value, str) and bool(pd.isna(value)))


def _period_problem(row: dict[str, Any]) -> tuple[str, str, Any] | None:
    """``(field, reason, value)`` of the first impossible value of a period row, or None."""
    for key in PERIOD_TIMES:
        problem = time_problem(key, row.get(key)) if _present(row.get(key)) else None
        if problem:
            return key, problem, row.get(key)
    for start, end, what in _SPANS:
        if _present(row.get(start)) and _present(row.get(end)):
            seconds = (pd.Timestamp(row[end]) - pd.Timestamp(row[start])).total_seconds()
            problem = duration_problem(what, seconds)
            if problem:
                return end, problem.replace("; left out", ""), row.get(end)
    return None


def plausible_periods(rows: list[dict[str, Any]], log: RowLog) -> list[dict[str, Any]]:
    """The sleep period rows whose times can be true; the others are rejected in ``log``.

    Parameters
    ----------
    rows
        Period rows (see :func:`runwell.logs.frames.sleep_frame`), each with ``_row``.
    log
        The file's row log (raises under ``strict``).

    Returns
    -------
    list of dict
        The rows kept, in order.
    """
    kept = []
    for row in rows:
        found = _period_problem(row)
        if found is None:
            kept.append(row)
            continue
        field, reason, value = found
        log.reject(row.get("_row"), reason, field=field, value=str(value), fix=_FIX)
    return kept


def plausible_ratings(rows: list[dict[str, Any]], log: RowLog | None, path: PathLike) -> list[dict[str, Any]]:
    """The rating rows whose times and dates can be true; the others are rejected.

    Parameters
    ----------
    rows
        Rating rows (see :func:`runwell.logs.frames.mood_frame`), each with ``source_row``.
    log
        The file's row log; without one, the first impossible value raises.
    path
        The file, for that error.

    Raises
    ------
    InputError
        Without ``log``, for the first rating with an impossible time.
    """
    kept, rejected = [], set()
    for row in rows:
        found = next(
            (
                (key, problem)
                for key in ("time_utc", "time_local", "date")
                if _present(row.get(key)) and (problem := time_problem(key, row.get(key)))
            ),
            None,
        )
        if found is None:
            kept.append(row)
            continue
        key, problem = found
        number = row.get("source_row")
        if log is None:
            raise InputError(path, problem, row=number, field=key, fix=_FIX)
        if number not in rejected:
            rejected.add(number)
            log.reject(number, problem, field=key, value=str(row.get(key)), fix=_FIX)
    return kept

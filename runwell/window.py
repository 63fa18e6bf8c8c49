"""The analysis window: the days where a person's mood log and activities overlap.

A report compares days with and without runs, so only days on which both kinds of data
were being collected say anything. By default each participant's window runs from the
later of their first mood rating and first activity to the earlier of their last rating
and last activity. Runs in the 7 days before the window still count in the rolling loads
of its first days (the panel keeps them for that). The user may set the window instead
(``start`` / ``end``, ``--start`` / ``--end`` on the command line).

:func:`analysis_window` returns one row per participant; :func:`outside_window` counts
what fell outside it, so the report can say so at the top.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TypeAlias

import pandas as pd

from runwell.errors import InputError

__all__ = ["WINDOW_COLUMNS", "LOAD_PADDING_DAYS", "analysis_window", "outside_window", "describe_window"]

#: Columns of the window table.
WINDOW_COLUMNS = ["participant_id", "start", "end", "set_by"]
#: Days before the window whose runs still feed the rolling loads.
LOAD_PADDING_DAYS = 7

DateLike: TypeAlias = str | date | datetime | pd.Timestamp


def _day(value: DateLike | None, what: str) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        day = pd.Timestamp(value)
    except (ValueError, TypeError) as err:
        raise InputError(None, f"{what} is not a date", field=what, value=value, fix="write it as YYYY-MM-DD") from err
    return day.tz_localize(None).normalize() if day.tzinfo else day.normalize()


def _spans(table: pd.DataFrame, column: str) -> pd.DataFrame:
    days = pd.to_datetime(table[column]).dt.normalize()
    if getattr(days.dt, "tz", None) is not None:
        days = days.dt.tz_localize(None)
    return days.groupby(table["participant_id"]).agg(["min", "max"])


def analysis_window(
    activities: pd.DataFrame,
    mood: pd.DataFrame,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
) -> pd.DataFrame:
    """Each participant's analysis window.

    Parameters
    ----------
    activities
        The canonical activities table (local start times are used).
    mood
        The canonical mood table (local dates are used).
    start, end
        First and last day for everyone; each replaces the default on its side.

    Returns
    -------
    pandas.DataFrame
        ``participant_id``, ``start``, ``end`` (local days, inclusive) and ``set_by``
        (``"overlap"``, ``"user"`` or ``"overlap+user"``), for participants with both
        kinds of data.

    Raises
    ------
    InputError
        When the user's ``start`` is after ``end``, or when no participant's mood log and
        activities overlap (naming both spans).

    Examples
    --------
    >>> acts = pd.DataFrame({"participant_id": ["a"], "start_local": [pd.Timestamp("2026-01-10 07:00")]})
    >>> mood = pd.DataFrame({"participant_id": ["a", "a"], "date": pd.to_datetime(["2026-01-01", "2026-02-01"])})
    >>> analysis_window(acts, mood)[["start", "end"]].astype(str).to_dict("records")
    [{'start': '2026-01-10', 'end': '2026-01-10'}]
    """
    user_start, user_end = _day(start, "start"), _day(end, "end")
    if user_start is not None and user_end is not None and user_start > user_end:
        raise InputError(
            None,
            f"the window starts after it ends ({user_start:%Y-%m-%d} > {user_end:%Y-%m-%d})",
            field="start",
            fix="give a start on or before the end",
        )
    acts = _spans(activities, "start_local")
    rated = _spans(mood.dropna(subset=["date"]), "date")
    both = acts.add_suffix("_act").join(rated.add_suffix("_mood"), how="inner")
    window = pd.DataFrame(
        {
            "participant_id": both.index.astype(str),
            "start": both[["min_act", "min_mood"]].max(axis=1).to_numpy(),
            "end": both[["max_act", "max_mood"]].min(axis=1).to_numpy(),
        }
    )
    window["set_by"] = "overlap"
    if user_start is not None:
        window["start"], window["set_by"] = user_start, window["set_by"] + "+user"
    if user_end is not None:
        window["end"] = user_end
        window.loc[~window["set_by"].str.endswith("+user"), "set_by"] += "+user"
    if user_start is not None and user_end is not None:
        window["set_by"] = "user"
    usable = window[window["start"] <= window["end"]].reset_index(drop=True)
    if usable.empty:
        raise InputError(
            None,
            _no_overlap(acts, rated),
            fix="give files that cover the same days, or set the window with start= and end=",
            option="start",
        )
    return usable[WINDOW_COLUMNS]


def _no_overlap(acts: pd.DataFrame, rated: pd.DataFrame) -> str:
    def span(frame: pd.DataFrame) -> str:
        if frame.empty:
            return "no dates"
        return f"{frame['min'].min():%Y-%m-%d} to {frame['max'].max():%Y-%m-%d}"

    return (
        f"the mood log ({span(rated)}) and the activities ({span(acts)}) do not overlap "
        "for any participant, so there are no days to compare"
    )


def outside_window(inputs_tables: dict[str, pd.DataFrame], window: pd.DataFrame) -> dict[str, int]:
    """How many runs/activities, ratings and nights fell outside the window.

    Parameters
    ----------
    inputs_tables
        ``{"activities": ..., "mood": ..., "sleep": ...}`` canonical tables.
    window
        What :func:`analysis_window` returned.

    Returns
    -------
    dict
        Counts by table name (activities before the load padding count as outside).
    """
    bounds = window.set_index("participant_id")[["start", "end"]]
    columns = {"activities": "start_local", "mood": "date", "sleep": "wake_date"}
    out = {}
    for name, column in columns.items():
        table = inputs_tables.get(name)
        if table is None or not len(table):
            out[name] = 0
            continue
        days = pd.to_datetime(table[column]).dt.normalize()
        first = table["participant_id"].map(bounds["start"])
        last = table["participant_id"].map(bounds["end"])
        if name == "activities":
            first = first - pd.Timedelta(days=LOAD_PADDING_DAYS)
        inside = (days >= first) & (days <= last)
        out[name] = int((~inside.fillna(False)).sum())
    return out


def describe_window(window: pd.DataFrame, outside: dict[str, int]) -> str:
    """One or two plain sentences: the window and what fell outside it.

    Examples
    --------
    >>> w = pd.DataFrame({"participant_id": ["me"], "start": [pd.Timestamp("2026-01-05")],
    ...                   "end": [pd.Timestamp("2026-01-11")], "set_by": ["overlap"]})
    >>> describe_window(w, {"activities": 1, "mood": 0, "sleep": 2})
    'Analysis window: 05 Jan 2026 to 11 Jan 2026 (7 days, where your mood log and activities overlap). Outside it, and not analysed: 1 activity, 2 nights of sleep.'
    """
    first, last = window["start"].min(), window["end"].max()
    days = int(((window["end"] - window["start"]).dt.days + 1).sum())
    if len(window) > 1:
        text = (
            f"Analysis windows: {first:%d %b %Y} to {last:%d %b %Y} ({len(window)} participants, {days} "
            "participant-days, each where that participant's mood log and activities overlap)."
        )
    else:
        how = "set by you" if (window["set_by"] == "user").all() else "where your mood log and activities overlap"
        text = f"Analysis window: {first:%d %b %Y} to {last:%d %b %Y} ({days} days, {how})."
    words = {
        "activities": ("activity", "activities"),
        "mood": ("mood rating", "mood ratings"),
        "sleep": ("night of sleep", "nights of sleep"),
    }
    left = [f"{n} {words[k][n != 1]}" for k, n in outside.items() if n]
    if left:
        text += " Outside it, and not analysed: " + ", ".join(left) + "."
    return text

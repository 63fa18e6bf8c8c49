"""From parsed sessions to rows of the ``activities`` table: ids, placement, the table.

Every path to the table (one file, a folder, an export) goes through here:
:func:`rows_for` gives each session of a :class:`~runwell.activities._session.Parsed` an
:class:`ActivityRow` with its id and its own placement in time (:func:`.placement.place`);
:func:`activities_frame` turns the rows, once their zones are settled, into the
canonical table.

Ids: a file's sessions take the file's own id for the activity (Strava's activity id,
Apple's start stamp) or else the file name without its suffix (:func:`base_id`);
multisport files add ``#1``, ``#2``, ... per session.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import pandas as pd

from runwell.activities._session import Parsed, Session
from runwell.activities.formats import activity_suffix
from runwell.activities.placement import place
from runwell.tables import conform
from runwell.timezones import to_local

__all__ = ["ActivityRow", "base_id", "rows_for", "activities_frame"]


@dataclass
class ActivityRow:
    """One session on its way to the activities table.

    Attributes
    ----------
    session
        The session as read.
    source
        The reader (``fit``, ``gpx``, ``tcx``, ``apple_health``, ``strava_csv``).
    source_file
        Where it came from, as the load report names it.
    activity_id, participant_id
        Its id and whose it is.
    partial
        Read from a damaged file (what was readable).
    start_utc, tz, tz_source
        Its placement in time (see :mod:`.placement`).
    """

    session: Session
    source: str
    source_file: str
    activity_id: str
    participant_id: str
    partial: bool
    start_utc: pd.Timestamp | None = None
    tz: str | None = None
    tz_source: str | None = None

    def record(self) -> dict[str, Any]:
        """The row's values under the ``activities`` column names."""
        s = self.session
        start_local = to_local(self.start_utc, self.tz) if self.start_utc is not None and self.tz is not None else None
        return {
            "participant_id": self.participant_id,
            "activity_id": self.activity_id,
            "source": self.source,
            "source_file": self.source_file,
            "sport": s.sport,
            "sub_sport": s.sub_sport,
            "sport_original": s.sport_original,
            "indoor": s.indoor,
            "start_utc": self.start_utc,
            "start_local": start_local,
            "tz": self.tz,
            "tz_source": self.tz_source,
            "elapsed_s": s.elapsed_s,
            "moving_s": s.moving_s,
            "distance_m": s.distance_m,
            "avg_hr": s.avg_hr,
            "max_hr": s.max_hr,
            "elevation_gain_m": s.elevation_gain_m,
            "device": s.device,
            "has_gps": s.has_gps,
            "partial": self.partial,
        }


def base_id(name: str) -> str:
    """The id a file gives its activities: its name without folder and format suffix.

    Examples
    --------
    >>> base_id("activities/1234.fit.gz"), base_id("Morning.GPX")
    ('1234', 'Morning')
    """
    base = PurePosixPath(name).name
    suffix = activity_suffix(base)
    return base[: len(base) - len(suffix)] if suffix else base


def rows_for(
    parsed: Parsed, *, source_file: str, default_id: str, participant_id: str, tz: str | None
) -> list[ActivityRow]:
    """One placed row per session of a parsed file.

    Parameters
    ----------
    parsed
        A reader's result.
    source_file
        Where it came from, as the load report names it.
    default_id
        The id when a session has no id of its own (usually :func:`base_id`).
    participant_id
        Whose activities they are.
    tz
        The zone given by the caller, or None (see :func:`.placement.place`).

    Returns
    -------
    list of ActivityRow
    """
    many = len(parsed.sessions) > 1
    rows = []
    for index, session in enumerate(parsed.sessions, start=1):
        ident = session.native_id or default_id
        row = ActivityRow(
            session=session,
            source=parsed.source,
            source_file=source_file,
            activity_id=f"{ident}#{index}" if many else ident,
            participant_id=participant_id,
            partial=parsed.partial is not None,
        )
        row.start_utc, row.tz, row.tz_source = place(session, tz)
        rows.append(row)
    return rows


def activities_frame(rows: list[ActivityRow]) -> pd.DataFrame:
    """The canonical ``activities`` table of placed rows, in their order."""
    return conform([r.record() for r in rows], "activities")

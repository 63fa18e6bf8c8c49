"""Reading one activity file: :func:`read_activity` (its sessions) and :func:`read_streams` (its samples).

One file means a ``.fit``, ``.gpx`` or ``.tcx`` file, gzipped or not, or a ``.zip``
holding such files. Problems raise (a batch that records them instead is
:func:`runwell.activities.load.load_activities`). :func:`parse_member` is the one call
that reads any activity file, wherever it lives, with its format's reader.
"""

from __future__ import annotations

import os
from contextlib import ExitStack
from pathlib import Path

import pandas as pd

from runwell.activities._session import Parsed
from runwell.activities._sources import Member, iter_members
from runwell.activities.checked import parse_checked, raise_problems
from runwell.activities.formats import known_formats, require_activity_format
from runwell.activities.placement import settle_zones
from runwell.activities.rows import ActivityRow, activities_frame, base_id, rows_for
from runwell.errors import InputError, UnsupportedFormatError
from runwell.guard import guarded
from runwell.tables import DEFAULT_PARTICIPANT, conform
from runwell.timezones import check_zone

__all__ = ["read_activity", "read_streams", "parse_member"]


def parse_member(member: Member, *, streams: bool = False) -> Parsed:
    """Read one activity file with the reader of its format.

    Parameters
    ----------
    member
        The file (on disk or in an archive; gunzipped here when its name says so).
    streams
        Also return the samples.

    Returns
    -------
    Parsed

    Raises
    ------
    UnsupportedFormatError
        The name is not an activity format (checked before the file is read).
    NotAnActivityError, InputError
        As the format's reader raises them.
    """
    fmt, _ = require_activity_format(member.name, member.display)
    return parse_checked(member, fmt, streams=streams)


def _existing_file(path: str | os.PathLike[str]) -> Path:
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such file", fix="check the path")
    return path


@guarded("read_activity")
def read_activity(
    path: str | os.PathLike[str],
    *,
    participant_id: str | None = None,
    tz: str | None = None,
) -> pd.DataFrame:
    """Read one activity file into the canonical ``activities`` table.

    Parameters
    ----------
    path
        A ``.fit``, ``.fit.gz``, ``.gpx``, ``.gpx.gz``, ``.tcx``, ``.tcx.gz`` file (any
        case), or a ``.zip`` holding such files.
    participant_id
        Whose activity it is (default ``"me"``).
    tz
        IANA zone of the local time, overriding what the file says.

    Returns
    -------
    pandas.DataFrame
        One row per session: multisport files give several rows. Rows read from a
        damaged file have ``partial`` true.

    Raises
    ------
    UnsupportedFormatError
        The suffix is not one runwell reads (the message lists those it does).
    NotAnActivityError
        A readable file without an activity (monitoring FIT, GPX without times).
    InputError
        The file cannot be read; the message names it and what is wrong.

    Examples
    --------
    >>> from runwell.sample import sample_path
    >>> row = read_activity(sample_path("individual", "strava_export", "activities", "100000.fit.gz")).iloc[0]
    >>> row["sport"], row["tz"], str(row["start_local"])
    ('running', 'Europe/Berlin', '2026-01-08 11:47:24')
    """
    if tz is not None:
        check_zone(tz)
    path = _existing_file(path)
    pid = participant_id or DEFAULT_PARTICIPANT
    rows: list[ActivityRow] = []
    with ExitStack() as stack:
        members = list(iter_members(path, stack))
        raise_problems(members)
        if path.suffix.lower() == ".zip":
            members = [m for m in members if m.format is not None]
            if not members:
                raise UnsupportedFormatError(f"{path}: the zip holds no activity file. {known_formats()}")
        for member in members:
            parsed = parse_member(member)
            rows += rows_for(
                parsed, source_file=member.display, default_id=base_id(member.name), participant_id=pid, tz=tz
            )
    return activities_frame(settle_zones(rows))


def _assign_stream_ids(frame: pd.DataFrame, rows: list[ActivityRow]) -> pd.Series:
    """Each sample belongs to the last session that started at or before it."""
    ids = pd.Series(rows[0].activity_id, index=frame.index, dtype="string")
    for r in rows[1:]:
        if r.start_utc is not None:
            ids[frame["time_utc"] >= r.start_utc] = r.activity_id
    return ids


@guarded("read_streams")
def read_streams(path: str | os.PathLike[str], *, participant_id: str | None = None) -> pd.DataFrame:
    """Read the samples of one activity file into the canonical ``streams`` table.

    Parameters
    ----------
    path
        An activity file, as for :func:`read_activity`.
    participant_id
        Whose activity it is (default ``"me"``).

    Returns
    -------
    pandas.DataFrame
        One row per sample: time (UTC), position in degrees, altitude, distance, speed,
        heart rate and cadence (as the device reports it: per leg for running).
        Contains GPS positions: keep it on your machine.

    Raises
    ------
    UnsupportedFormatError, NotAnActivityError, InputError
        As for :func:`read_activity`.
    """
    path = _existing_file(path)
    pid = participant_id or DEFAULT_PARTICIPANT
    frames = []
    with ExitStack() as stack:
        members = list(iter_members(path, stack))
        raise_problems(members)
        members = [m for m in members if path.suffix.lower() != ".zip" or m.format is not None]
        for member in members:
            parsed = parse_member(member, streams=True)
            rows = rows_for(
                parsed, source_file=member.display, default_id=base_id(member.name), participant_id=pid, tz=None
            )
            assert parsed.streams is not None, "readers return samples when asked"
            frame = parsed.streams.copy()
            frame["participant_id"] = pid
            frame["activity_id"] = _assign_stream_ids(frame, rows)
            frames.append(frame)
    if not frames:
        raise UnsupportedFormatError(f"{path}: holds no activity file. {known_formats()}")
    return conform(pd.concat(frames, ignore_index=True), "streams")

"""File layouts that the activity and the log readers share: Samsung Health CSV tables, Polar JSON.

Samsung Health (FORMATS.md section 3)
    Every table is a CSV whose first line is metadata (``<table>,<number>,<number>``),
    the second the header, rows ending with a trailing comma **[seen]**. Core columns
    carry the table's prefix (``com.samsung.health.exercise.start_time``); others are
    bare. :func:`samsung_table` returns the table name, the header without prefixes and
    the records numbered by file line. :func:`samsung_instant` reads a start or end:
    text in **UTC** with a ``time_offset`` of ``UTC+0200`` **[doc]**; the oldest layout
    wrote local times with the offset in milliseconds (``7200000``) **[doc]**.
Polar (FORMATS.md section 2)
    Polar writes sensor drop-outs as the bare token ``NaN`` inside JSON arrays, which is
    not JSON **[seen]**; :func:`polar_json` reads such text with ``NaN`` as ``null``.
Times
    :func:`parse_stamp` reads one written time for all these readers and refuses what the
    tables cannot hold (before 1677 or after 2262), so a damaged cell is a reported row,
    never a crash.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pandas as pd

from runwell.timezones import offset_name, zone_label

__all__ = ["SAMSUNG_PREFIX", "samsung_table", "samsung_instant", "polar_json", "parse_stamp"]

#: Prefix of Samsung Health's table and column names.
SAMSUNG_PREFIX = "com.samsung."

_NAN = re.compile(r"\bNaN\b")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def parse_stamp(text: object, *, unit: str | None = None) -> pd.Timestamp:
    """One written time (ISO text, or a number in ``unit``) as a Timestamp the tables can hold.

    Raises
    ------
    ValueError
        When it is blank, unreadable, or outside pandas' nanosecond range (1677..2262).

    Examples
    --------
    >>> parse_stamp("2026-01-02 23:00:00"), parse_stamp(1711944000000.0, unit="ms")
    (Timestamp('2026-01-02 23:00:00'), Timestamp('2024-04-01 04:00:00'))
    >>> parse_stamp("0001-02-04")
    Traceback (most recent call last):
    ...
    ValueError: time outside 1677..2262: '0001-02-04'
    """
    try:
        stamp = pd.Timestamp(float(text), unit=unit) if unit is not None else pd.Timestamp(str(text).strip())  # type: ignore[arg-type]
        if pd.isna(stamp):
            raise ValueError(f"no time in {text!r}")
        return stamp.as_unit("ns")
    except (OverflowError, pd.errors.OutOfBoundsDatetime) as err:
        raise ValueError(f"time outside 1677..2262: {text!r}") from err
    except TypeError as err:
        raise ValueError(f"not a time: {text!r}") from err


def samsung_table(text: str) -> tuple[str, list[str], list[tuple[int, list[str]]]]:
    """Split a Samsung Health CSV into its table name, header and numbered records.

    Parameters
    ----------
    text
        The whole file (byte-order mark already dropped).

    Raises
    ------
    ValueError
        When the CSV cannot be split (a damaged file).

    Returns
    -------
    table : str
        The first field of the metadata line (``com.samsung.shealth.sleep``).
    header : list of str
        Column names with any ``com.samsung....`` prefix removed (``start_time``).
    records : list of (int, list of str)
        Each record's line in the file (the metadata is line 1, the header line 2) and
        its fields; blank lines are skipped.

    Examples
    --------
    >>> samsung_table("com.samsung.shealth.sleep,1,2\\ncom.samsung.health.sleep.start_time,sleep_score,\\nx,80,\\n")
    ('com.samsung.shealth.sleep', ['start_time', 'sleep_score', ''], [(3, ['x', '80', ''])])
    """
    first, _, rest = text.partition("\n")
    table = first.split(",", 1)[0].strip()
    reader = csv.reader(io.StringIO(rest, newline=""))
    header: list[str] | None = None
    records: list[tuple[int, list[str]]] = []
    line = 2
    try:
        for fields in reader:
            start = line
            line = reader.line_num + 2
            if not fields or all(not f.strip() for f in fields):
                continue
            if header is None:
                header = [_bare(f) for f in fields]
                continue
            records.append((start, fields))
    except csv.Error as err:
        raise ValueError(f"not a readable CSV ({err})") from err
    return table, header or [], records


def _bare(name: str) -> str:
    """A column name without its ``com.samsung....`` prefix."""
    name = name.strip()
    return name.rsplit(".", 1)[-1] if name.startswith(SAMSUNG_PREFIX) else name


def samsung_instant(stamp: str, offset: str) -> tuple[pd.Timestamp, str | None]:
    """A Samsung start or end time as a UTC instant, with the row's zone.

    Parameters
    ----------
    stamp
        ``2021-10-08 10:48:24.000`` (UTC, or local in the oldest layout) or epoch ms.
    offset
        ``time_offset``: ``UTC+0200`` (the times are UTC), milliseconds ``7200000``
        (the oldest layout: the times are local), or empty (UTC, zone unknown).

    Returns
    -------
    utc : pandas.Timestamp
        The instant.
    zone : str or None
        ``"UTC+02:00"``, or ``None`` when the row has no offset.

    Raises
    ------
    ValueError
        When the time or the offset cannot be read.

    Examples
    --------
    >>> samsung_instant("2021-10-08 10:48:24.000", "UTC+0200")
    (Timestamp('2021-10-08 10:48:24+0000', tz='UTC'), 'UTC+02:00')
    >>> samsung_instant("2016-03-01 07:00:00.000", "7200000")
    (Timestamp('2016-03-01 05:00:00+0000', tz='UTC'), 'UTC+02:00')
    """
    stamp, offset = stamp.strip(), offset.strip()
    local_times = bool(_NUMBER.fullmatch(offset))
    if local_times:
        offset_s = float(offset) / 1000
        zone: str | None = offset_name(offset_s)
    else:
        zone = zone_label(offset) if offset else None
        if offset and zone is None:
            raise ValueError(f"unreadable time_offset {offset!r}")
    if _NUMBER.fullmatch(stamp):
        return parse_stamp(stamp, unit="ms").tz_localize("UTC"), zone
    moment = parse_stamp(stamp)
    if moment.tzinfo is not None:
        return moment.tz_convert("UTC"), zone
    if local_times:
        return (moment - pd.Timedelta(seconds=offset_s)).tz_localize("UTC"), zone
    return moment.tz_localize("UTC"), zone


def polar_json(text: str) -> Any:
    """Parse Polar's JSON, reading the bare ``NaN`` tokens of its sample arrays as ``null``.

    Raises
    ------
    json.JSONDecodeError
        When the text is not JSON even so.

    Examples
    --------
    >>> polar_json('{"values": [120, NaN, 122]}')
    {'values': [120, None, 122]}
    """
    return json.loads(_NAN.sub("null", text))

"""Placing activities in local time.

Mood logs are written in local wall-clock time, so every activity needs its local start
and the zone it happened in. The zone comes from, in order:

1. ``tz`` given by the caller (``tz_source="argument"``);
2. the FIT ``activity`` message's ``local_timestamp``, whose difference from its UTC
   ``timestamp`` is the device's UTC offset (``"fit_local_timestamp"``). When the first GPS
   fix lies in an IANA zone with that same offset at that instant, the IANA name is kept;
   otherwise the fixed offset, written ``"UTC+02:00"``;
3. a zone written in the file's metadata, e.g. Apple Health's ``HKTimeZone``
   (``"metadata"``);
4. the zone of the first GPS fix, found offline with timezonefinder (``"gps"``); the
   positions of virtual rides and runs (a game world) are never used;
5. a fixed offset (an indoor run on a watch) becomes the participant's usual IANA zone
   when that zone has the same offset at that instant;
6. otherwise the fallback (``"fallback"``): the zone most of the same participant's
   other activities in the load were placed in, else UTC. A fallback is recorded in the
   load report as a warning so that nobody mistakes it for a measurement.
"""

from __future__ import annotations

import atexit
import datetime as dt
import re
import warnings
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from runwell.errors import InputError

__all__ = [
    "zone_at",
    "offset_name",
    "zone_of_fix",
    "to_local",
    "localize",
    "check_zone",
    "MAX_OFFSET_S",
]

#: Offsets beyond this are not real UTC offsets (devices write 1989 dates when unset).
MAX_OFFSET_S = 14 * 3600

_OFFSET_RE = re.compile(r"^UTC([+-])(\d\d):(\d\d)$")


@lru_cache(maxsize=1)
def _finder():  # pragma: no cover - trivial
    from timezonefinder import TimezoneFinder

    finder = TimezoneFinder()
    atexit.register(_release, finder)
    return finder


def _release(finder) -> None:
    """Unmap timezonefinder's data files at exit, quietly.

    timezonefinder 9 leaves its data files to the garbage collector at shutdown, which
    prints ResourceWarnings when warnings are errors (as in the test suite).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        finder.cleanup()


def zone_of_fix(lat: float, lon: float) -> str | None:
    """Return the IANA zone at a GPS position, offline, or None at sea or if invalid."""
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return _finder().timezone_at(lng=float(lon), lat=float(lat))


def offset_name(offset_s: float) -> str:
    """Name a fixed UTC offset, e.g. ``7200 -> "UTC+02:00"``."""
    sign = "+" if offset_s >= 0 else "-"
    minutes = int(round(abs(offset_s) / 60))
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def check_zone(tz: str, *, what: str = "tz") -> str:
    """Return ``tz`` if it is an IANA zone or a ``UTC+hh:mm`` offset, else raise.

    Raises
    ------
    InputError
        Naming the bad value and the fix.
    """
    if _OFFSET_RE.match(tz):
        return tz
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise InputError(
            None,
            f"unknown time zone {tz!r} given as {what}",
            fix='give an IANA zone name such as "Europe/Berlin" or "America/New_York"',
        ) from err
    return tz


def _tzinfo(tz: str) -> dt.tzinfo:
    match = _OFFSET_RE.match(tz)
    if match:
        sign = 1 if match.group(1) == "+" else -1
        delta = dt.timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))
        return dt.timezone(sign * delta)
    return ZoneInfo(tz)


def zone_at(start_utc: pd.Timestamp, offset_s: float | None, fix: tuple[float, float] | None) -> str | None:
    """Choose the zone for a device-reported UTC offset, preferring the GPS zone's name.

    Parameters
    ----------
    start_utc
        The instant (tz-aware UTC).
    offset_s
        The device's UTC offset in seconds, or None.
    fix
        The first GPS fix ``(lat, lon)``, or None.

    Returns
    -------
    str or None
        The IANA zone of the fix if its offset at ``start_utc`` equals ``offset_s``; else
        the fixed offset name; None when there is no usable offset.
    """
    if offset_s is None or abs(offset_s) > MAX_OFFSET_S:
        return None
    offset_s = round(offset_s / 900) * 900  # devices write whole quarter hours
    if fix is not None:
        zone = zone_of_fix(*fix)
        if zone is not None:
            actual = start_utc.tz_convert(zone).utcoffset()
            if actual is not None and actual.total_seconds() == offset_s:
                return zone
    return offset_name(offset_s)


def to_local(start_utc: pd.Timestamp, tz: str) -> pd.Timestamp:
    """Local wall-clock time (naive) of a UTC instant in zone ``tz``."""
    return start_utc.tz_convert(_tzinfo(tz)).tz_localize(None)


def localize(local: pd.Timestamp, tz: str) -> pd.Timestamp:
    """UTC instant of a naive local wall-clock time in zone ``tz``.

    In the hour a DST change repeats, the first (daylight-time) reading is taken; in the
    hour it skips, the time is moved forward by the gap (what a clock would have shown).
    """
    stamp = pd.Timestamp(local).tz_localize(
        _tzinfo(tz), ambiguous=True, nonexistent="shift_forward"
    )
    return stamp.tz_convert("UTC")

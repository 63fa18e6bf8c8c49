"""Time zones: the one place runwell turns instants into local days and back.

Zones are IANA names (``"Europe/Berlin"``) or fixed offsets written ``"UTC+02:00"``
(``"UTC"`` for zero) when only an offset is known. :func:`zone` reads both;
:func:`to_local_series` and :func:`localize_series` convert whole columns, DST
included; the readers, the panel and the sample writer all use these.

Activities
----------
Mood logs are written in local wall-clock time, so every activity needs its local start
and the zone it happened in (:mod:`runwell.activities.placement`). The zone comes from, in
order:

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

import numpy as np
import pandas as pd

from runwell.errors import InputError

__all__ = [
    "zone",
    "zone_at",
    "offset_name",
    "zone_of_fix",
    "to_local",
    "to_local_series",
    "localize",
    "localize_series",
    "check_zone",
    "zone_label",
    "MAX_OFFSET_S",
]

#: Offsets beyond this are not real UTC offsets (devices write 1989 dates when unset).
MAX_OFFSET_S = 14 * 3600

_OFFSET_RE = re.compile(r"(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE)
_UTC_NAMES = {"UTC", "Z", "GMT", "ETC/UTC"}


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
    """Name a fixed UTC offset: ``7200 -> "UTC+02:00"``, ``0 -> "UTC"``.

    Examples
    --------
    >>> offset_name(-16200), offset_name(0)
    ('UTC-04:30', 'UTC')
    """
    if round(offset_s) == 0:
        return "UTC"
    sign = "+" if offset_s >= 0 else "-"
    minutes = int(round(abs(offset_s) / 60))
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


@lru_cache(maxsize=512)
def zone(name: str) -> dt.tzinfo | None:
    """The tzinfo of an IANA zone or a fixed offset (``"UTC+02:00"``), None if unknown.

    Examples
    --------
    >>> zone("UTC+05:30").utcoffset(None)
    datetime.timedelta(seconds=19800)
    >>> zone("Europe/Berlin").key, zone("Mars/Olympus")
    ('Europe/Berlin', None)
    """
    name = str(name).strip()
    if name.upper() in _UTC_NAMES:
        return dt.UTC
    match = _OFFSET_RE.fullmatch(name)
    if match:
        sign = -1 if match.group(1) == "-" else 1
        delta = dt.timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0))
        return dt.timezone(sign * delta)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def check_zone(tz: str, *, what: str = "tz") -> str:
    """Return ``tz`` if it is an IANA zone or a ``UTC+hh:mm`` offset, else raise.

    Raises
    ------
    InputError
        Naming the bad value and the fix.
    """
    if zone(tz) is None:
        raise InputError(
            None,
            f"unknown time zone given as {what}",
            field="tz",
            value=tz,
            fix='give an IANA zone name such as "Europe/Berlin" or "America/New_York"',
        )
    return str(tz)


def zone_label(text: object) -> str | None:
    """A zone as a file writes it, in runwell's spelling; None when it is not a zone.

    Fixed offsets in any of the spellings exports use (``UTC+0200``, ``UTC+01:00``,
    ``GMT-5``, ``+02:00``) become ``"UTC+hh:mm"`` (``"UTC"`` for zero); IANA names stay.

    Examples
    --------
    >>> zone_label("UTC+0200"), zone_label("GMT-5"), zone_label("+00:00"), zone_label("Europe/Oslo")
    ('UTC+02:00', 'UTC-05:00', 'UTC', 'Europe/Oslo')
    >>> zone_label(""), zone_label("UTC+25:00")
    (None, None)
    """
    name = "" if text is None else str(text).strip()
    try:
        tzinfo = zone(name) if name else None
    except ValueError:  # an offset of a day or more
        return None
    if tzinfo is None:
        return None
    if isinstance(tzinfo, ZoneInfo):
        return tzinfo.key
    offset = tzinfo.utcoffset(None)
    if offset is None or abs(offset.total_seconds()) > MAX_OFFSET_S:
        return None
    return offset_name(offset.total_seconds())


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
    """Local wall-clock time (naive) of one UTC instant in zone ``tz``."""
    return start_utc.tz_convert(zone(tz)).tz_localize(None)


def localize(local: pd.Timestamp, tz: str) -> pd.Timestamp:
    """UTC instant of one naive local wall-clock time in zone ``tz``.

    The DST rules are those of :func:`localize_series`.

    Examples
    --------
    >>> localize(pd.Timestamp("2026-03-29 02:30"), "Europe/Berlin")  # in the spring gap
    Timestamp('2026-03-29 01:30:00+0000', tz='UTC')
    """
    utc, _gap, _ambiguous = localize_series(pd.Series([pd.Timestamp(local)]), tz)
    return utc.iloc[0]


def to_local_series(utc: pd.Series, tz: str | pd.Series) -> pd.Series:
    """Wall-clock times of UTC instants in ``tz`` (one zone, or one per row).

    Rows with a missing instant, a missing zone or an unknown zone give ``NaT``.
    """
    utc = pd.to_datetime(pd.Series(utc), utc=True)
    zones = tz.reindex(utc.index) if isinstance(tz, pd.Series) else pd.Series(tz, index=utc.index)
    out = pd.Series(pd.NaT, index=utc.index, dtype="datetime64[ns]")
    ok = utc.notna() & zones.notna()
    if not ok.any():
        return out
    for name, index in utc[ok].groupby(zones[ok].astype(str)).groups.items():
        tzinfo = zone(str(name))
        if tzinfo is not None:
            local = utc.loc[index].dt.tz_convert(tzinfo).dt.tz_localize(None)
            out.loc[index] = local.astype("datetime64[ns]")
    return out


def localize_series(local: pd.Series, tz: str) -> tuple[pd.Series, pd.Series, pd.Series]:
    """UTC instants of naive local times in one zone, DST included.

    A wall time in the hour a DST change skips is moved forward by the gap (what a clock
    would have shown: 02:30 -> 03:30); one in the hour it repeats takes the earlier
    (daylight-time) instant.

    Returns
    -------
    utc, in_gap, ambiguous
        ``datetime64[ns, UTC]`` instants, and boolean masks of the rows moved out of a
        gap and of the ambiguous rows, for callers that report them.

    Raises
    ------
    InputError
        For an unknown zone.
    """
    local = pd.to_datetime(pd.Series(local)).astype("datetime64[ns]")
    tzinfo = zone(check_zone(tz))
    none = pd.Series(False, index=local.index)
    if not isinstance(tzinfo, ZoneInfo):  # UTC or a fixed offset: no DST
        return local.dt.tz_localize(tzinfo).dt.tz_convert("UTC"), none, none.copy()
    n = len(local)
    dst = local.dt.tz_localize(tzinfo, ambiguous=np.ones(n, bool), nonexistent="shift_forward")
    std = local.dt.tz_localize(tzinfo, ambiguous=np.zeros(n, bool), nonexistent="shift_forward")
    utc = pd.concat([dst.dt.tz_convert("UTC"), std.dt.tz_convert("UTC")], axis=1).min(axis=1)
    utc = utc.astype("datetime64[ns, UTC]")
    exact = local.dt.tz_localize(tzinfo, ambiguous="NaT", nonexistent="NaT")
    odd = exact.isna() & local.notna()
    gap = odd & (dst == std)
    if gap.any():
        # read a wall time inside the gap with the offset in force just before it
        before = local[gap].dt.tz_localize(tzinfo, ambiguous="NaT", nonexistent="shift_backward")
        offset = before.dt.tz_localize(None) - before.dt.tz_convert("UTC").dt.tz_localize(None)
        utc[gap] = (local[gap] - offset).dt.tz_localize("UTC")
    return utc, gap, odd & ~gap

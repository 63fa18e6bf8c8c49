"""Placing sessions in time: each activity's UTC start, its IANA zone and where the zone came from.

A session is placed on its own first (:func:`place`), in the order of
:mod:`runwell.timezones`: the ``tz`` argument; the device's UTC offset matched to the zone
at the first GPS fix (``fit_local_timestamp``); the file's zone metadata (``metadata``);
the zone at the first GPS fix (``gps``). What no file places is settled from the
participant's other activities (:func:`settle_zones`): their most common zone, else
:data:`FALLBACK_ZONE` (``fallback``, with a load-report warning).
"""

from __future__ import annotations

from collections import Counter
from typing import Protocol, TypeVar

import pandas as pd

from runwell.activities._session import Session
from runwell.errors import InputError
from runwell.timezones import check_zone, localize, offset_name, zone_at, zone_of_fix

__all__ = ["FALLBACK_ZONE", "Placement", "place", "Placed", "settle_zones"]

#: Zone used when nothing places an activity and no other activity of the participant does.
FALLBACK_ZONE = "UTC"

#: ``(start_utc, tz, tz_source)``; ``tz`` None means the fallback is still needed.
Placement = tuple[pd.Timestamp | None, str | None, str | None]


def place(session: Session, tz: str | None) -> Placement:
    """Place one session by what its own file says (or the ``tz`` argument).

    Parameters
    ----------
    session
        The session as read.
    tz
        The zone given by the caller (wins over the file), or None.

    Returns
    -------
    start_utc, tz, tz_source
        ``tz`` and ``tz_source`` are None when nothing places the session; ``start_utc``
        is None too when the file knows only local time (device-relative FIT stamps).
    """
    if session.start_utc is None:  # only local time known (device-relative FIT stamps)
        if tz is None:
            return None, None, None
        return localize(session.start_local, tz), tz, "argument"
    if tz is not None:
        return session.start_utc, tz, "argument"
    # Virtual rides and runs carry the positions of a game world, not of the rider.
    fix = None if session.sub_sport == "virtual_activity" else session.first_fix
    zone = zone_at(session.start_utc, session.utc_offset_s, fix)
    if zone is not None:
        return session.start_utc, zone, "fit_local_timestamp"
    if session.tz_hint:
        try:
            return session.start_utc, check_zone(session.tz_hint, what="file metadata"), "metadata"
        except InputError:
            pass
    if fix is not None:
        zone = zone_of_fix(*fix)
        if zone is not None:
            return session.start_utc, zone, "gps"
    return session.start_utc, None, None


class Placed(Protocol):
    """A row being placed: whose it is, its session and the placement so far."""

    participant_id: str
    session: Session
    start_utc: pd.Timestamp | None
    tz: str | None
    tz_source: str | None


P = TypeVar("P", bound=Placed)


def _modal_zones(rows: list[P]) -> dict[str, str]:
    """Each participant's most common zone among placed rows, named zones before offsets."""
    modal: dict[str, str] = {}
    counts = Counter((r.participant_id, r.tz) for r in rows if r.tz is not None and r.tz_source != "fallback")
    for (pid, zone), _n in counts.most_common():
        if zone is not None and not zone.startswith("UTC"):
            modal.setdefault(pid, zone)
    for (pid, zone), _n in counts.most_common():
        if zone is not None:
            modal.setdefault(pid, zone)
    return modal


def settle_zones(rows: list[P]) -> list[P]:
    """Settle the zones no single file could: use the participant's most common zone.

    A row with only a fixed device offset (``UTC+01:00``, an indoor run) takes the
    participant's most common IANA zone when that zone has the same offset at that
    instant. A row with no zone at all takes that zone (else :data:`FALLBACK_ZONE`) with
    ``tz_source`` ``"fallback"``.

    Parameters
    ----------
    rows
        Rows placed by :func:`place`; changed in place.

    Returns
    -------
    list
        The same rows.
    """
    modal = _modal_zones(rows)
    for r in rows:
        zone = modal.get(r.participant_id)
        if (
            r.tz is not None
            and r.tz.startswith("UTC")
            and zone
            and not zone.startswith("UTC")
            and r.start_utc is not None
        ):
            offset = r.start_utc.tz_convert(zone).utcoffset()
            if offset is not None and offset_name(offset.total_seconds()) == r.tz:
                r.tz = zone
    for r in rows:
        if r.tz is None:
            r.tz = modal.get(r.participant_id, FALLBACK_ZONE)
            r.tz_source = "fallback"
            if r.start_utc is None:
                r.start_utc = localize(r.session.start_local, r.tz)
    return rows

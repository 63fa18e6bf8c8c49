"""The rules that turn decoded FIT messages into a :class:`~runwell.activities._session.Session`.

Both decoders, the reference one (:mod:`.reference`, fitparse) and the bulk decoder
(:mod:`.records`), hand their messages over as a :class:`Decoded` and build sessions with
:func:`build_session` (:func:`assemble` for the whole file), so a FIT session means the
same whichever decoder read it:

* the sport is the session's ``sport``/``sub_sport``, normalised (the original kept as
  ``"sport:sub_sport"``);
* the start is ``start_time``; a device-relative one (seconds since power-on) is anchored
  by the activity message's ``local_timestamp`` and gives a local start only;
* the UTC offset is ``activity.local_timestamp - activity.timestamp``;
* the first GPS fix is the session's start position, else the first record with a
  position inside the session;
* elevation gain is ``total_ascent``, else computed from the session's records;
* the session is indoors when its (sub-)sport says so or it has no GPS fix.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, TypeGuard

import numpy as np
import pandas as pd

from runwell.activities._session import Parsed, Session, elevation_gain, positive_or_nan
from runwell.activities.fit.protocol import DEGREES_PER_SEMICIRCLE
from runwell.activities.sports import normalise_sport
from runwell.errors import InputError, NotAnActivityError
from runwell.tables import INDOOR_SUB_SPORTS

__all__ = ["Decoded", "build_session", "assemble", "needs_records", "device_name", "is_time", "as_utc"]


@dataclass
class Decoded:
    """The messages of one FIT file that runwell uses, as field-name/value mappings.

    Attributes
    ----------
    file_id
        The first ``file_id`` message (file type, manufacturer, product).
    sessions
        Every ``session`` message, in file order.
    activity
        The last ``activity`` message (time stamp and local time stamp).
    sport
        The first ``sport`` message (stands in for a missing session's sport).
    records
        The ``record`` messages (the samples) as dicts; the bulk decoder leaves this
        empty and hands over a streams frame instead.
    truncated
        Why the file ended early, or None when it was read to its end.
    """

    file_id: dict[str, Any] = field(default_factory=dict)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    activity: dict[str, Any] = field(default_factory=dict)
    sport: dict[str, Any] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)
    truncated: str | None = None


def is_time(value: object) -> TypeGuard[dt.datetime]:
    """Whether a decoded ``date_time`` value is an instant (device-relative ones are ints)."""
    return isinstance(value, dt.datetime)


def as_utc(value: object) -> pd.Timestamp | None:
    """A decoded (naive UTC) instant as an aware UTC timestamp; None for anything else."""
    if is_time(value):
        return pd.Timestamp(value, tz="UTC")
    return None


def device_name(file_id: dict[str, Any]) -> str | None:
    """``"<manufacturer> <product>"`` from the ``file_id`` message, or None.

    Examples
    --------
    >>> device_name({"manufacturer": "garmin", "garmin_product": "fr945"})
    'garmin fr945'
    """
    maker = file_id.get("manufacturer")
    product = file_id.get("garmin_product") or file_id.get("product_name") or file_id.get("product")
    parts = [str(p) for p in (maker, product) if p not in (None, "")]
    return " ".join(parts) or None


def _utc_offset(activity: dict[str, Any]) -> float | None:
    ts, local = activity.get("timestamp"), activity.get("local_timestamp")
    if is_time(ts) and is_time(local):
        return float((local - ts).total_seconds())
    return None


def _relative_local_start(session: dict[str, Any], activity: dict[str, Any]) -> pd.Timestamp | None:
    """Local start of a session stamped in device-relative seconds (ANT-FS devices)."""
    start, ts, local = session.get("start_time"), activity.get("timestamp"), activity.get("local_timestamp")
    if isinstance(start, int) and isinstance(ts, int) and is_time(local):
        return pd.Timestamp(local) - pd.Timedelta(seconds=ts - start)
    return None


def _window(frame: pd.DataFrame, start: pd.Timestamp | None, elapsed: float) -> np.ndarray:
    """Which records lie inside a session (all of them when its span is unknown)."""
    if start is None or frame.empty or not math.isfinite(elapsed):
        return np.ones(len(frame), dtype=bool)
    end = start + pd.Timedelta(seconds=elapsed)
    times = frame["time_utc"].to_numpy(dtype="datetime64[ns]")
    first, last = (np.datetime64(t.tz_convert(None).as_unit("ns").to_datetime64(), "ns") for t in (start, end))
    return (times >= first) & (times <= last)


def _first_fix(
    msg: dict[str, Any], frame: pd.DataFrame, start: pd.Timestamp | None, elapsed: float
) -> tuple[float, float] | None:
    """The session's start position, else the first position among its records."""
    start_lat, start_lon = msg.get("start_position_lat"), msg.get("start_position_long")
    if isinstance(start_lat, int) and isinstance(start_lon, int):
        return (start_lat * DEGREES_PER_SEMICIRCLE, start_lon * DEGREES_PER_SEMICIRCLE)
    lat, lon = frame["lat"].to_numpy(dtype=float), frame["lon"].to_numpy(dtype=float)
    fixes = np.flatnonzero(_window(frame, start, elapsed) & ~np.isnan(lat) & ~np.isnan(lon))
    if not fixes.size:
        return None
    return (float(lat[fixes[0]]), float(lon[fixes[0]]))


def _start(msg: dict[str, Any], decoded: Decoded, path: str) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """``(start_utc, start_local)``: one of them is set, or the session cannot be placed."""
    start = as_utc(msg.get("start_time"))
    if start is not None:
        return start, None
    start_local = _relative_local_start(msg, decoded.activity)
    if start_local is None:
        raise InputError(
            path,
            "session start time is device-relative and the file has no local time to anchor it",
            field="session.start_time",
            value=msg.get("start_time"),
        )
    return None, start_local


def build_session(
    msg: dict[str, Any], decoded: Decoded, frame: pd.DataFrame, *, path: str, device: str | None
) -> Session:
    """Build one session from its ``session`` message by the rules above.

    Parameters
    ----------
    msg
        The session message's values.
    decoded
        The file's other messages (the activity message places the session in time).
    frame
        The records as a streams frame (UTC times, degrees), or as much of them as the
        session needs: they are used only without a start position or total ascent.
    path
        Shown in messages.
    device
        The device name (:func:`device_name` of the file's ``file_id``).

    Returns
    -------
    Session

    Raises
    ------
    InputError
        A device-relative start with no local time to anchor it.
    """
    sport_raw, sub_raw = msg.get("sport"), msg.get("sub_sport")
    sport, sub, indoor_sub = normalise_sport(sport_raw, sub_raw)
    original = f"{sport_raw}:{sub_raw}" if sub_raw not in (None, "") else str(sport_raw)
    start, start_local = _start(msg, decoded, path)
    elapsed = float(msg.get("total_elapsed_time") or math.nan)
    timer = msg.get("total_timer_time")
    first_fix = _first_fix(msg, frame, start, elapsed)
    has_gps = first_fix is not None
    ascent = msg.get("total_ascent")
    gain = (
        float(ascent)
        if ascent is not None
        else elevation_gain(frame["altitude_m"].to_numpy(dtype=float)[_window(frame, start, elapsed)])
    )
    return Session(
        sport=sport,
        sub_sport=sub,
        sport_original=original,
        indoor=bool(indoor_sub or sub in INDOOR_SUB_SPORTS or not has_gps),
        start_utc=start,
        start_local=start_local,
        elapsed_s=elapsed,
        moving_s=float(timer) if timer is not None else math.nan,
        distance_m=positive_or_nan(msg.get("total_distance")),
        avg_hr=positive_or_nan(msg.get("avg_heart_rate")),
        max_hr=positive_or_nan(msg.get("max_heart_rate")),
        elevation_gain_m=gain,
        device=device,
        has_gps=has_gps,
        first_fix=first_fix,
        utc_offset_s=_utc_offset(decoded.activity),
    )


def needs_records(session: dict[str, Any]) -> bool:
    """Whether :func:`build_session` looks at the records for this session message (it
    has no start position or no total ascent of its own)."""
    return (
        not (isinstance(session.get("start_position_lat"), int) and isinstance(session.get("start_position_long"), int))
        or session.get("total_ascent") is None
    )


def _session_from_records(decoded: Decoded, frame: pd.DataFrame) -> dict[str, Any] | None:
    """A stand-in session message built from records, for files cut before it."""
    times = frame["time_utc"].dropna()
    if times.empty:
        return None
    sport = decoded.sport or (decoded.sessions[0] if decoded.sessions else {})
    return {
        "start_time": times.iloc[0].tz_localize(None).to_pydatetime(),
        "total_elapsed_time": (times.iloc[-1] - times.iloc[0]).total_seconds(),
        "total_timer_time": None,
        "total_distance": frame["distance_m"].max(),
        "avg_heart_rate": frame["heart_rate"].mean(),
        "max_heart_rate": frame["heart_rate"].max(),
        "total_ascent": None,
        "sport": sport.get("sport"),
        "sub_sport": sport.get("sub_sport"),
    }


def assemble(decoded: Decoded, frame: pd.DataFrame, *, path: str, streams: bool, warnings: list[str]) -> Parsed:
    """A FIT file's :class:`~runwell.activities._session.Parsed` from its decoded messages.

    Parameters
    ----------
    decoded
        The messages (either decoder's).
    frame
        The records as a streams frame (all of them when ``streams`` is asked for or a
        session needs them, see :func:`needs_records`).
    path
        Shown in messages.
    streams
        Return ``frame`` as the samples.
    warnings
        What the decoder did that a user should know.

    Returns
    -------
    Parsed
        Partial (with the reason) when the file ends early or has no session message.

    Raises
    ------
    NotAnActivityError
        For monitoring, settings and other non-activity FIT files.
    InputError
        A truncated file with no timed records, or a session that cannot be placed.
    """
    file_type = decoded.file_id.get("type")
    if file_type not in (None, "activity"):
        raise NotAnActivityError(path, f"FIT file of type {file_type!r}, not an activity")
    messages = decoded.sessions
    partial = decoded.truncated
    if not messages:
        stand_in = _session_from_records(decoded, frame)
        if stand_in is None:
            if partial:
                raise InputError(path, f"{partial}; no timed records survive")
            raise NotAnActivityError(path, "FIT file with no session and no timed records")
        messages = [stand_in]
        partial = partial or "no session message; summary built from the records"
    device = device_name(decoded.file_id)
    sessions = [build_session(m, decoded, frame, path=path, device=device) for m in messages]
    return Parsed(
        source="fit",
        sessions=sessions,
        streams=frame if streams else None,
        partial=partial,
        warnings=warnings,
    )

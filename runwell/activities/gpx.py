"""GPX tracks, read with gpxpy.

Handles a UTF-8 byte-order mark and whitespace before ``<?xml``, empty segments, heart
rate and cadence from Garmin's TrackPointExtension, and Strava's numeric ``<type>``.
A GPX whose points lack timestamps (fewer than half of them timed) cannot be placed in
time: it is not guessed, it is skipped with that reason. All tracks and segments of one file make one activity.
"""

from __future__ import annotations

import math

import gpxpy
import gpxpy.gpx
import numpy as np
import pandas as pd

from runwell.activities._session import Parsed, Session, elevation_gain
from runwell.activities.sports import normalise_sport
from runwell.errors import InputError, NotAnActivityError

__all__ = ["parse_gpx", "decode_xml_text", "MIN_TIMED_SHARE"]

#: A track is placed in time only when at least this share of its points has a timestamp.
MIN_TIMED_SHARE = 0.5


def decode_xml_text(data: bytes, path: str) -> str:
    """Decode XML bytes, dropping a byte-order mark and whitespace before ``<?xml``."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    text = text.lstrip("\ufeff \t\r\n")
    if not text:
        raise InputError(path, "the file is empty", fix="re-export the activity")
    return text


def _extension_value(point: gpxpy.gpx.GPXTrackPoint, names: tuple[str, ...]) -> float:
    """Find a numeric extension (e.g. ``gpxtpx:hr``) at any depth of a point's extensions."""
    for ext in point.extensions:
        for element in ext.iter():
            tag = element.tag.rsplit("}", 1)[-1].lower()
            if tag in names and element.text:
                try:
                    return float(element.text)
                except ValueError:
                    return math.nan
    return math.nan


def _points_frame(gpx: gpxpy.gpx.GPX) -> pd.DataFrame:
    rows = []
    for track in gpx.tracks:
        for segment in track.segments:
            for p in segment.points:
                rows.append(
                    (
                        p.time,
                        p.latitude,
                        p.longitude,
                        p.elevation,
                        _extension_value(p, ("hr", "heartrate")),
                        _extension_value(p, ("cad", "cadence", "runcadence")),
                        _extension_value(p, ("speed",)) if p.extensions else math.nan,
                    )
                )
    frame = pd.DataFrame(
        rows, columns=["time", "lat", "lon", "altitude_m", "heart_rate", "cadence", "speed_mps"]
    )
    times = pd.to_datetime(frame["time"], utc=True) if len(frame) else pd.Series([], dtype="datetime64[ns, UTC]")
    frame = frame.drop(columns="time")
    frame.insert(0, "time_utc", times)
    for col in ("lat", "lon", "altitude_m"):
        frame[col] = frame[col].astype(float)
    frame.loc[frame["heart_rate"] <= 0, "heart_rate"] = np.nan
    return frame


def _cumulative_distance(gpx: gpxpy.gpx.GPX, n: int) -> np.ndarray:
    """2-D distance along the track at each point, restarting nowhere (segments joined)."""
    out = np.zeros(n)
    i, total, prev = 0, 0.0, None
    for track in gpx.tracks:
        for segment in track.segments:
            for p in segment.points:
                if prev is not None:
                    total += p.distance_2d(prev) or 0.0
                out[i] = total
                prev = p
                i += 1
    return out


def _track_type(gpx: gpxpy.gpx.GPX) -> str | None:
    for track in gpx.tracks:
        if track.type:
            return track.type.strip()
    return None


def parse_gpx(data: bytes, *, path: str, streams: bool = False) -> Parsed:
    """Read one GPX file (already decompressed).

    Parameters
    ----------
    data
        The GPX bytes.
    path
        Shown in messages.
    streams
        Also return the track points.

    Returns
    -------
    Parsed

    Raises
    ------
    NotAnActivityError
        No track points, or track points without timestamps.
    InputError
        Not valid GPX.
    """
    text = decode_xml_text(data, path)
    try:
        gpx = gpxpy.parse(text)
    except gpxpy.gpx.GPXException as err:
        raise InputError(path, f"not valid GPX: {err}", fix="check the file is a complete .gpx export") from err
    frame = _points_frame(gpx)
    if frame.empty:
        raise NotAnActivityError(path, "GPX has no track points (a route or metadata only)")
    n_timed = int(frame["time_utc"].notna().sum())
    if n_timed < MIN_TIMED_SHARE * len(frame):
        raise NotAnActivityError(
            path,
            f"only {n_timed} of {len(frame)} GPX track points have timestamps, so the activity "
            "cannot be placed in time",
            fix="export the activity with times (from the device or Strava), not a planned route",
        )
    frame["distance_m"] = _cumulative_distance(gpx, len(frame))
    timed = frame.dropna(subset=["time_utc"])
    start = timed["time_utc"].min()
    elapsed = (timed["time_utc"].max() - start).total_seconds()
    moving = gpx.get_moving_data()
    type_raw = _track_type(gpx)
    sport, sub, indoor_sub = normalise_sport(type_raw)
    fixes = frame.dropna(subset=["lat", "lon"])
    has_gps = not fixes.empty
    session = Session(
        sport=sport,
        sub_sport=sub,
        sport_original=type_raw or "",
        indoor=bool(indoor_sub or not has_gps),
        start_utc=start,
        elapsed_s=float(elapsed),
        moving_s=float(moving.moving_time) if moving and moving.moving_time else math.nan,
        distance_m=float(frame["distance_m"].iloc[-1]) if len(frame) > 1 else math.nan,
        avg_hr=float(frame["heart_rate"].mean()),
        max_hr=float(frame["heart_rate"].max()),
        elevation_gain_m=elevation_gain(frame["altitude_m"].to_numpy()),
        device=gpx.creator,
        has_gps=has_gps,
        first_fix=(float(fixes["lat"].iloc[0]), float(fixes["lon"].iloc[0])) if has_gps else None,
    )
    return Parsed(source="gpx", sessions=[session], streams=frame if streams else None)

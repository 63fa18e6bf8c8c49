"""GPX tracks.

Handles a UTF-8 byte-order mark and whitespace before ``<?xml``, empty segments, heart
rate and cadence from Garmin's TrackPointExtension (and Apple's ``<speed>``), GPX 1.0
and 1.1, and Strava's numeric ``<type>``. A GPX whose points lack timestamps (fewer than
half of them timed) cannot be placed in time: it is not guessed, it is skipped with that
reason. All tracks and segments of one file make one activity.

The points are read in one pass of the standard library's C XML parser into numpy
arrays, and the summary follows gpxpy's own rules, vectorised: gpxpy's distance (a flat
approximation for nearby points, haversine beyond 0.2 degrees), its 2-D track length
summed per segment, and its moving time (intervals faster than 1 km/h, with the 3-D
distance where both points have an elevation). gpxpy itself is the fallback for files
the fast reader rejects, and the tests check both give the same numbers on real files.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import gpxpy
import gpxpy.gpx
import numpy as np
import pandas as pd

from runwell._xml import decode_xml_text, local_name
from runwell.activities._session import Parsed, Session, elevation_gain, gc_paused
from runwell.activities.sports import normalise_sport
from runwell.errors import InputError, NotAnActivityError

__all__ = ["parse_gpx", "MIN_TIMED_SHARE", "gpxpy_distance"]

#: A track is placed in time only when at least this share of its points has a timestamp.
MIN_TIMED_SHARE = 0.5
#: gpxpy's constants: earth radius, metres per degree, stopped-speed threshold (km/h).
EARTH_RADIUS = 6378.137 * 1000
ONE_DEGREE = (2 * math.pi * EARTH_RADIUS) / 360
STOPPED_KMH = 1.0

_COLUMNS = ["time_utc", "lat", "lon", "altitude_m", "heart_rate", "cadence", "speed_mps", "segment"]


def _number(text: str | None) -> float:
    if text is None:
        return math.nan
    try:
        return float(text)
    except ValueError:
        return math.nan


_EXTENSION_FIELDS = {"hr": 4, "heartrate": 4, "cad": 5, "cadence": 5, "runcadence": 5, "speed": 6}


def _points_fast(text: str) -> tuple[pd.DataFrame, str | None, str | None]:
    """Track points, the first track ``<type>`` and the creator, with ElementTree."""
    root = ET.fromstring(text)
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    ele_tag, time_tag, ext_tag = f"{ns}ele", f"{ns}time", f"{ns}extensions"
    field_of: dict[str, int | None] = {}  # extension tag (with namespace) -> column
    rows = []
    for seg_no, seg in enumerate(root.iter(f"{ns}trkseg")):
        for pt in seg.iter(f"{ns}trkpt"):
            time = pt.findtext(time_tag)
            row = [time.strip() if time else None, _number(pt.get("lat")), _number(pt.get("lon")),
                   _number(pt.findtext(ele_tag)), math.nan, math.nan, math.nan, seg_no]
            ext = pt.find(ext_tag)
            if ext is not None:
                for child in ext.iter():
                    tag = child.tag
                    if tag not in field_of:
                        field_of[tag] = _EXTENSION_FIELDS.get(local_name(tag).lower())
                    column = field_of[tag]
                    if column is not None:
                        row[column] = _number(child.text)
            rows.append(row)
    sport = None
    for trk in root.iter(f"{ns}trk"):
        kind = trk.findtext(f"{ns}type")
        if kind and kind.strip():
            sport = kind.strip()
            break
    return _frame(rows), sport, root.get("creator")


def _points_gpxpy(text: str) -> tuple[pd.DataFrame, str | None, str | None]:
    """The same, through gpxpy (the reference reader; slower, more forgiving)."""
    gpx = gpxpy.parse(text)
    rows = []
    seg_no = 0
    for track in gpx.tracks:
        for segment in track.segments:
            for p in segment.points:
                values = {"hr": math.nan, "cad": math.nan, "speed": math.nan}
                for ext in p.extensions:
                    for element in ext.iter():
                        tag = local_name(element.tag).lower()
                        key = {"hr": "hr", "heartrate": "hr", "cad": "cad", "cadence": "cad",
                               "runcadence": "cad", "speed": "speed"}.get(tag)
                        if key:
                            values[key] = _number(element.text)
                time = p.time.isoformat() if p.time else None
                rows.append((time, p.latitude, p.longitude, _number(p.elevation) if p.elevation is not None else math.nan,
                             values["hr"], values["cad"], values["speed"], seg_no))
            seg_no += 1
    sport = next((t.type.strip() for t in gpx.tracks if t.type and t.type.strip()), None)
    return _frame(rows), sport, gpx.creator


def _frame(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=_COLUMNS)
    times = frame.pop("time_utc")
    frame.insert(0, "time_utc", pd.to_datetime(times, utc=True, format="ISO8601")
                 if len(frame) else pd.Series([], dtype="datetime64[ns, UTC]"))
    frame.loc[frame["heart_rate"] <= 0, "heart_rate"] = np.nan
    return frame


def gpxpy_distance(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray,
                   ele1: np.ndarray | None = None, ele2: np.ndarray | None = None) -> np.ndarray:
    """gpxpy's ``geo.distance`` over arrays (metres).

    Flat approximation for points within 0.2 degrees, haversine (2-D) beyond; with
    elevations, the 3-D distance where both are known and differ.
    """
    far = (np.abs(lat1 - lat2) > 0.2) | (np.abs(lon1 - lon2) > 0.2)
    coef = np.cos(np.radians(lat1))
    flat = np.sqrt((lat1 - lat2) ** 2 + ((lon1 - lon2) * coef) ** 2) * ONE_DEGREE
    if ele1 is not None and ele2 is not None:
        both = np.isfinite(ele1) & np.isfinite(ele2) & (ele1 != ele2)
        flat = np.where(both, np.sqrt(flat**2 + np.where(both, ele1 - ele2, 0.0) ** 2), flat)
    d_lat = np.radians(lat1 - lat2)
    d_lon = np.radians(lon1 - lon2)
    a = np.sin(d_lat / 2) ** 2 + np.sin(d_lon / 2) ** 2 * np.cos(np.radians(lat1)) * np.cos(np.radians(lat2))
    hav = 2 * EARTH_RADIUS * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
    return np.where(far, hav, flat)


def _pairs(frame: pd.DataFrame) -> pd.DataFrame:
    """Consecutive points within a segment, measured as gpxpy does (``point.distance(previous)``)."""
    prev = frame.shift(1)
    same = frame["segment"].to_numpy() == prev["segment"].to_numpy()
    here = (frame["lat"].to_numpy(), frame["lon"].to_numpy())
    there = (prev["lat"].to_numpy(), prev["lon"].to_numpy())
    ele_here, ele_there = frame["altitude_m"].to_numpy(), prev["altitude_m"].to_numpy()
    return pd.DataFrame({
        "d2": np.where(same, gpxpy_distance(*here, *there), 0.0),
        "d3": np.where(same, gpxpy_distance(*here, *there, ele_here, ele_there), 0.0),
        "seconds": (frame["time_utc"] - prev["time_utc"]).dt.total_seconds().where(same),
        "both_ele": same & (np.nan_to_num(ele_here) != 0) & (np.nan_to_num(ele_there) != 0),
    })


def _moving_time(pairs: pd.DataFrame) -> float:
    """gpxpy's moving time: intervals with speed above 1 km/h (3-D distance where both
    points have a non-zero elevation)."""
    distance = np.where(pairs["both_ele"], pairs["d3"], pairs["d2"])
    seconds = pairs["seconds"].to_numpy()
    valid = np.isfinite(seconds) & (seconds > 0) & np.isfinite(distance) & (distance != 0)
    kmh = np.where(valid, (distance / 1000) / (np.where(valid, seconds, 1) / 3600), 0.0)
    return float(seconds[valid & (kmh > STOPPED_KMH)].sum())


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
        with gc_paused():
            frame, type_raw, creator = _points_fast(text)
    except (ET.ParseError, ValueError):
        try:
            frame, type_raw, creator = _points_gpxpy(text)
        except gpxpy.gpx.GPXException as err:
            raise InputError(path, f"not valid GPX: {err}", fix="check the file is a complete .gpx export") from err
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
    pairs = _pairs(frame)
    frame["distance_m"] = np.nan_to_num(pairs["d2"].to_numpy()).cumsum()
    timed = frame["time_utc"].dropna()
    moving = _moving_time(pairs)
    sport, sub, indoor_sub = normalise_sport(type_raw)
    fixes = frame.dropna(subset=["lat", "lon"])
    has_gps = not fixes.empty
    session = Session(
        sport=sport,
        sub_sport=sub,
        sport_original=type_raw or "",
        indoor=bool(indoor_sub or not has_gps),
        start_utc=timed.min(),
        elapsed_s=float((timed.max() - timed.min()).total_seconds()),
        moving_s=moving if moving > 0 else math.nan,
        distance_m=float(frame["distance_m"].iloc[-1]) if len(frame) > 1 else math.nan,
        avg_hr=float(frame["heart_rate"].mean()),
        max_hr=float(frame["heart_rate"].max()),
        elevation_gain_m=elevation_gain(frame["altitude_m"].to_numpy()),
        device=creator,
        has_gps=has_gps,
        first_fix=(float(fixes["lat"].iloc[0]), float(fixes["lon"].iloc[0])) if has_gps else None,
    )
    stream = frame.drop(columns="segment") if streams else None
    return Parsed(source="gpx", sessions=[session], streams=stream)

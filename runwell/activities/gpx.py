"""GPX tracks.

Handles a UTF-8 byte-order mark and whitespace before ``<?xml``, empty segments, heart
rate and cadence from Garmin's TrackPointExtension (and Apple's ``<speed>``), GPX 1.0
and 1.1, and Strava's numeric ``<type>``. A GPX whose points lack timestamps (fewer than
half of them timed) cannot be placed in time: it is not guessed, it is skipped with that
reason. All tracks and segments of one file make one activity.

The track points are read by :mod:`._pointscan` (the points cut out of the document
with array arithmetic or one regular expression, the rest parsed by ElementTree); files
it cannot vouch for are read with ElementTree alone, and gpxpy is the last resort for
files ElementTree rejects. The tests check all three agree on real files. The summary
follows gpxpy's own rules, vectorised: gpxpy's distance (a flat approximation for nearby
points, haversine beyond 0.2 degrees), its 2-D track length summed per segment, and its
moving time (intervals faster than 1 km/h, with the 3-D distance where both points have
an elevation).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence

import gpxpy
import gpxpy.gpx
import numpy as np
import pandas as pd

from runwell._xml import decode_xml_text, local_name, namespace
from runwell.activities._pointcolumns import PointColumns, UnreadableValue
from runwell.activities._pointgroups import read_points
from runwell.activities._pointscan import ABORT, parse_skeleton
from runwell.activities._session import (
    Parsed,
    Session,
    elevation_gain,
    finite_max,
    finite_mean,
    first_fix,
    gc_paused,
    without_dropouts,
)
from runwell.activities.sports import normalise_sport
from runwell.errors import InputError, NotAnActivityError
from runwell.limits import check_point_tags

__all__ = [
    "parse_gpx",
    "gpx_from_points",
    "MIN_TIMED_SHARE",
    "gpxpy_distance",
    "POINT_COLUMNS",
    "TIME_COLUMNS",
    "point_rule",
    "track_meta",
]

#: A track is placed in time only when at least this share of its points has a timestamp.
MIN_TIMED_SHARE = 0.5
#: gpxpy's constants: earth radius, metres per degree, stopped-speed threshold (km/h).
EARTH_RADIUS = 6378.137 * 1000
ONE_DEGREE = (2 * math.pi * EARTH_RADIUS) / 360
STOPPED_KMH = 1.0

_COLUMNS = ["time_utc", "lat", "lon", "altitude_m", "heart_rate", "cadence", "speed_mps", "segment"]


def _number(text: str | float | None) -> float:
    """A number from element text, NaN when missing or unreadable."""
    if text is None:
        return math.nan
    try:
        return float(text)
    except ValueError:
        return math.nan


_EXTENSION_FIELDS = {"hr": 4, "heartrate": 4, "cad": 5, "cadence": 5, "runcadence": 5, "speed": 6}


def _track_meta(root: ET.Element, ns: str) -> tuple[str | None, str | None]:
    """The first non-empty track ``<type>`` and the creator."""
    sport = None
    for trk in root.iter(f"{ns}trk"):
        kind = trk.findtext(f"{ns}type")
        if kind and kind.strip():
            sport = kind.strip()
            break
    return sport, root.get("creator")


def _points_fast(text: str) -> tuple[pd.DataFrame, str | None, str | None]:
    """Track points, the first track ``<type>`` and the creator, with ElementTree."""
    root = ET.fromstring(text)
    ns = namespace(root.tag)
    ele_tag, time_tag, ext_tag = f"{ns}ele", f"{ns}time", f"{ns}extensions"
    field_of: dict[str, int | None] = {}  # extension tag (with namespace) -> column
    rows = []
    for seg_no, seg in enumerate(root.iter(f"{ns}trkseg")):
        for pt in seg.iter(f"{ns}trkpt"):
            time = pt.findtext(time_tag)
            row = [
                time.strip() if time else None,
                _number(pt.get("lat")),
                _number(pt.get("lon")),
                _number(pt.findtext(ele_tag)),
                math.nan,
                math.nan,
                math.nan,
                seg_no,
            ]
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
    return _frame(rows), *_track_meta(root, ns)


_TIMES = frozenset({"time_utc"})
_CORE_COLUMNS = {"@lat": "lat", "@lon": "lon", "ele": "altitude_m", "time": "time_utc"}
_EXTENSION_COLUMNS = {name: _COLUMNS[index] for name, index in _EXTENSION_FIELDS.items()}


def _scan_column(path: tuple[str, ...]) -> str | None:
    """Column rule for :func:`._pointgroups.read_points`: the same elements :func:`_points_fast` reads."""
    head = path[0]
    if ":" in head:
        return ABORT  # a prefixed child of <trkpt>: leave namespaces to the XML parser
    if len(path) == 1:
        return _CORE_COLUMNS.get(head)
    if head != "extensions":
        return None
    return _EXTENSION_COLUMNS.get(path[-1].rsplit(":", 1)[-1].lower())


#: What :mod:`.gpxstream` reads a GPX file's points with: their columns (segment number
#: aside), the time columns, the column rule of the point scanner and the track metadata.
POINT_COLUMNS: tuple[str, ...] = tuple(_COLUMNS[:-1])
TIME_COLUMNS = _TIMES
point_rule = _scan_column
track_meta = _track_meta


def _points_scan(data: bytes) -> tuple[PointColumns, np.ndarray, str | None, str | None] | None:
    """The same as :func:`_points_fast` (as :func:`_arrays` of its frame: the points and
    their segment numbers), with the points read by :mod:`._pointscan`; ``None`` when
    that fast path cannot vouch for the result."""
    parsed = parse_skeleton(data, b"trkseg", b"trkpt")
    if parsed is None:
        return None
    root, segments = parsed
    scanned = read_points([body for _segment, body in segments], b"trkpt", _scan_column, times=_TIMES)
    if scanned is None:
        return None
    points, counts = scanned
    return points, np.repeat(np.arange(len(counts)), counts), *_track_meta(root, namespace(root.tag))


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
                        key = {
                            "hr": "hr",
                            "heartrate": "hr",
                            "cad": "cad",
                            "cadence": "cad",
                            "runcadence": "cad",
                            "speed": "speed",
                        }.get(tag)
                        if key:
                            values[key] = _number(element.text)
                time = p.time.isoformat() if p.time else None
                rows.append(
                    (
                        time,
                        p.latitude,
                        p.longitude,
                        _number(p.elevation) if p.elevation is not None else math.nan,
                        values["hr"],
                        values["cad"],
                        values["speed"],
                        seg_no,
                    )
                )
            seg_no += 1
    types = [str(t.type).strip() for t in gpx.tracks if t.type]
    sport = next((kind for kind in types if kind), None)
    return _frame(rows), sport, gpx.creator


def _frame(rows: Sequence[Sequence[object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=_COLUMNS)
    times = frame.pop("time_utc")
    frame.insert(
        0,
        "time_utc",
        pd.to_datetime(times, utc=True, format="ISO8601") if len(frame) else pd.Series([], dtype="datetime64[ns, UTC]"),
    )
    return frame


def gpxpy_distance(
    lat1: np.ndarray,
    lon1: np.ndarray,
    lat2: np.ndarray,
    lon2: np.ndarray,
    ele1: np.ndarray | None = None,
    ele2: np.ndarray | None = None,
) -> np.ndarray:
    """gpxpy's ``geo.distance`` over arrays (metres).

    Flat approximation for points within 0.2 degrees, haversine (2-D) beyond; with
    elevations, the 3-D distance where both are known and differ.
    """
    flat, far = _flat_distance(lat1, lon1, lat2, lon2)
    if ele1 is not None and ele2 is not None:
        flat = _with_climb(flat, ele1, ele2)
    return _far_apart(flat, far, lat1, lon1, lat2, lon2)


def _flat_distance(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """gpxpy's flat approximation (metres), and where the points are over 0.2 degrees apart."""
    d_lat = lat1 - lat2
    d_lon = lon1 - lon2
    flat = np.sqrt(d_lat**2 + (d_lon * np.cos(np.radians(lat1))) ** 2) * ONE_DEGREE
    return flat, np.flatnonzero((np.abs(d_lat) > 0.2) | (np.abs(d_lon) > 0.2))


def _with_climb(flat: np.ndarray, ele1: np.ndarray, ele2: np.ndarray) -> np.ndarray:
    """The 3-D distance where both elevations are known and differ."""
    both = np.isfinite(ele1) & np.isfinite(ele2) & (ele1 != ele2)
    return np.where(both, np.sqrt(flat**2 + np.where(both, ele1 - ele2, 0.0) ** 2), flat)


def _far_apart(
    flat: np.ndarray, far: np.ndarray, lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    """``flat`` with the haversine distance (2-D) at the rows ``far``."""
    if not len(far):
        return flat
    lat1, lon1, lat2, lon2 = lat1[far], lon1[far], lat2[far], lon2[far]
    d_lat = np.radians(lat1 - lat2)
    d_lon = np.radians(lon1 - lon2)
    a = np.sin(d_lat / 2) ** 2 + np.sin(d_lon / 2) ** 2 * np.cos(np.radians(lat1)) * np.cos(np.radians(lat2))
    out = flat.copy()
    out[far] = 2 * EARTH_RADIUS * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
    return out


def _arrays(frame: pd.DataFrame) -> tuple[PointColumns, np.ndarray]:
    """Points read by ElementTree or gpxpy, as the scanner hands them over, and their
    segment numbers."""
    return PointColumns.from_frame(frame, _COLUMNS[:-1], _TIMES), frame["segment"].to_numpy()


def _previous(values: np.ndarray) -> np.ndarray:
    """Each point's predecessor (NaN or NaT for the first)."""
    out = np.empty_like(values)
    out[0] = np.datetime64("NaT") if values.dtype.kind == "M" else np.nan
    out[1:] = values[:-1]
    return out


#: Points per step of :func:`_track_distances` on long tracks (bounds its temporary arrays).
DISTANCE_CHUNK = 1 << 20


def _track_distances(
    lat: np.ndarray, lon: np.ndarray, ele: np.ndarray, times: np.ndarray, segment: np.ndarray
) -> tuple[np.ndarray, float]:
    """Cumulative 2-D distance (metres) and gpxpy's moving time (seconds).

    Consecutive points are measured as gpxpy does (``point.distance(previous)``), only
    within a segment. Moving time counts intervals faster than 1 km/h, with the 3-D
    distance where both points have a non-zero elevation.

    Long tracks go in steps of :data:`DISTANCE_CHUNK` points, so that the temporary
    arrays stay small: each step starts one point early (its first interval belongs to
    the previous step), the running distance is summed on from the previous step's last
    value and the moving intervals are kept and summed once, in order, so the result is
    the same as in one step.
    """
    n = len(lat)
    distance = np.empty(n)
    moving_parts: list[np.ndarray] = []
    total = 0.0
    for start in range(0, n, DISTANCE_CHUNK):
        lo, hi = max(start - 1, 0), min(start + DISTANCE_CHUNK, n)
        part = slice(lo, hi)
        d2, kept = _step_distances(lat[part], lon[part], ele[part], times[part], segment[part])
        skip = start - lo
        distance[start:hi] = np.cumsum(np.concatenate([[total], d2[skip:]]))[1:]
        total = float(distance[hi - 1])
        moving_parts.append(kept[kept[:, 0] >= skip, 1])
    return distance, float(np.concatenate(moving_parts).sum()) if moving_parts else 0.0


def _step_distances(
    lat: np.ndarray, lon: np.ndarray, ele: np.ndarray, times: np.ndarray, segment: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per-interval 2-D distances (NaN as 0) and the moving intervals as ``(index, seconds)`` rows."""
    same = np.zeros(len(lat), dtype=bool)
    same[1:] = segment[1:] == segment[:-1]
    here, there = (lat, lon), (_previous(lat), _previous(lon))
    ele_there = _previous(ele)
    with np.errstate(invalid="ignore", over="ignore"):  # infinite coordinates (a damaged file) give NaN
        flat, far = _flat_distance(*here, *there)
        d2 = np.where(same, _far_apart(flat, far, *here, *there), 0.0)
        d3 = np.where(same, _far_apart(_with_climb(flat, ele, ele_there), far, *here, *there), 0.0)
    seconds = np.where(same, (times - _previous(times)) / np.timedelta64(1, "s"), np.nan)
    both_ele = same & (np.nan_to_num(ele) != 0) & (np.nan_to_num(ele_there) != 0)
    distance = np.where(both_ele, d3, d2)
    valid = np.isfinite(seconds) & (seconds > 0) & np.isfinite(distance) & (distance != 0)
    kmh = np.where(valid, (distance / 1000) / (np.where(valid, seconds, 1) / 3600), 0.0)
    moving = np.flatnonzero(valid & (kmh > STOPPED_KMH))
    return np.nan_to_num(d2), np.column_stack([moving.astype(float), seconds[moving]])


def _read_points(data: bytes, path: str) -> tuple[PointColumns, np.ndarray, str | None, str | None]:
    """Points (:func:`_arrays`), track type and creator: the point scanner, else
    ElementTree, else gpxpy."""
    check_point_tags(data, b"<trkpt", path)
    scanned = _points_scan(data)
    if scanned is not None:
        return scanned
    return _read_points_xml(data, path)


def _read_points_xml(data: bytes, path: str) -> tuple[PointColumns, np.ndarray, str | None, str | None]:
    """:func:`_read_points` without the point scanner: ElementTree, else gpxpy."""
    text = decode_xml_text(data, path)
    try:
        with gc_paused():
            frame, type_raw, creator = _points_fast(text)
    except (ET.ParseError, ValueError):
        try:
            frame, type_raw, creator = _points_gpxpy(text)
        except gpxpy.gpx.GPXException as err:
            raise InputError(path, f"not valid GPX: {err}", fix="check the file is a complete .gpx export") from err
    return *_arrays(frame), type_raw, creator


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
    points, segment, type_raw, creator = _read_points(data, path)
    try:
        return gpx_from_points(points, segment, type_raw, creator, path=path, streams=streams)
    except UnreadableValue:  # a scanned number does not convert: read it as ElementTree does
        points, segment, type_raw, creator = _read_points_xml(data, path)
        return gpx_from_points(points, segment, type_raw, creator, path=path, streams=streams)


def gpx_from_points(
    points: PointColumns,
    segment: np.ndarray,
    type_raw: str | None,
    creator: str | None,
    *,
    path: str,
    streams: bool = False,
) -> Parsed:
    """The session (and samples) of a GPX file's points, however they were read.

    Parameters
    ----------
    points, segment
        The track points and each one's segment number (see :func:`_read_points`).
    type_raw, creator
        The first track ``<type>`` and the ``creator`` attribute.
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
    """
    n_points = points.n
    if not n_points:
        raise NotAnActivityError(path, "GPX has no track points (a route or metadata only)")
    times = points.column("time_utc")
    timed = times[~np.isnat(times)]
    if len(timed) < MIN_TIMED_SHARE * n_points:
        raise NotAnActivityError(
            path,
            f"only {len(timed)} of {n_points} GPX track points have timestamps, so the activity "
            "cannot be placed in time",
            fix="export the activity with times (from the device or Strava), not a planned route",
        )
    points.load(["lat", "lon", "altitude_m", "heart_rate"])
    lat, lon, ele = points.column("lat"), points.column("lon"), points.column("altitude_m")
    heart_rate = without_dropouts(points.column("heart_rate"))
    distance, moving = _track_distances(lat, lon, ele, times, segment)
    sport, sub, indoor_sub = normalise_sport(type_raw)
    fix = first_fix(lat, lon)
    start, end = timed.min(), timed.max()
    session = Session(
        sport=sport,
        sub_sport=sub,
        sport_original=type_raw or "",
        indoor=bool(indoor_sub or fix is None),
        start_utc=pd.Timestamp(start, tz="UTC"),
        elapsed_s=float((end - start) / np.timedelta64(1, "s")),
        moving_s=moving if moving > 0 else math.nan,
        distance_m=float(distance[-1]) if n_points > 1 else math.nan,
        avg_hr=finite_mean(heart_rate),
        max_hr=finite_max(heart_rate),
        elevation_gain_m=elevation_gain(ele),
        device=creator,
        has_gps=fix is not None,
        first_fix=fix,
    )
    stream = points.frame(_COLUMNS[:-1]).assign(distance_m=distance) if streams else None
    return Parsed(source="gpx", sessions=[session], streams=stream)

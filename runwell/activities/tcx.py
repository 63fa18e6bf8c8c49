"""TCX (Garmin Training Center) files.

The trackpoints are read by :mod:`._pointscan`, the laps, sport and device by the
standard library's XML parser; files the scanner cannot vouch for (a broken file among
them) are read by the XML parser alone, with the same result (the tests compare both).

Handles whitespace before ``<?xml`` (Strava exports have about ten spaces there), several
laps, several ``<Activity>`` elements (one row each, including those inside a
``<MultiSportSession>``) and the ``Sport`` attribute. A file cut short keeps every
activity that was complete before the break, marked partial.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import numpy as np
import pandas as pd

from runwell._xml import decode_xml_text, local_name, namespace
from runwell.activities._isotimes import to_times
from runwell.activities._pointcolumns import PointColumns, UnreadableValue
from runwell.activities._pointgroups import read_points
from runwell.activities._pointscan import parse_skeleton
from runwell.activities._session import (
    Parsed,
    Session,
    elevation_gain,
    finite_max,
    finite_mean,
    first_fix,
    gc_paused,
    positive_or_nan,
    without_dropouts,
)
from runwell.activities.sports import normalise_sport
from runwell.errors import InputError, NotAnActivityError
from runwell.limits import check_point_tags

__all__ = ["parse_tcx"]


def _child(element: ET.Element, *names: str) -> ET.Element | None:
    """First descendant along a path of local names (namespace-agnostic)."""
    current: ET.Element | None = element
    for name in names:
        if current is None:
            return None
        current = next((c for c in current if local_name(c.tag) == name), None)
    return current


def _text(element: ET.Element, *names: str) -> str | None:
    found = _child(element, *names)
    return found.text.strip() if found is not None and found.text else None


def _float(element: ET.Element, *names: str) -> float:
    value = _text(element, *names)
    try:
        return float(value) if value is not None else math.nan
    except ValueError:
        return math.nan


def _iter_local(element: ET.Element, name: str) -> Iterator[ET.Element]:
    """Descendants named ``name`` in the element's own namespace (C-level filtering)."""
    return element.iter(namespace(element.tag) + name)


def _complete_activities(text: str) -> tuple[list[ET.Element], str | None]:
    """The complete ``<Activity>`` elements and, for a broken file, the parse error.

    A well-formed file is parsed in one call. A broken one keeps the activities that
    were complete before the break (:func:`_activities_before_break`); when nothing
    before the break's line could end an activity, there are none, and the text is not
    parsed again.
    """
    parser = ET.XMLParser()
    try:
        parser.feed(text)
        root = parser.close()
    except ET.ParseError as err:  # ElementTree's message, naming the line of the break
        could_end = _ACTIVITY_ENDS.search(text, 0, _line_end(text, err.position[0]))
        return (_activities_before_break(text) if could_end else []), str(err)
    return list(_iter_local(root, "Activity")), None


#: What could end an ``<Activity>``: an end tag or an empty element (a start tag without
#: attributes matches too; the test need only miss none).
_ACTIVITY_ENDS = re.compile(r"Activity\s*>|<(?:[^\s<>/]*:)?Activity(?:\s[^<>]*)?/>")


def _line_end(text: str, line: int) -> int:
    """Where the text's ``line``-th line ends (just past its ``\\n``; the text's end if it
    has fewer lines), lines ended by ``\\n`` alone: never before the XML parser's line of
    that number, which a lone ``\\r`` ends too. Newlines are counted a megabyte at a time.

    Examples
    --------
    >>> _line_end("a\\nb\\nc", 2), _line_end("a\\rb\\nc", 1), _line_end("a", 3)
    (4, 4, 1)
    """
    end = seen = 0
    while end < len(text):
        count = text.count("\n", end, end + _CHUNK)
        if seen + count >= line:
            for _ in range(line - seen):
                end = text.index("\n", end) + 1
            return end
        seen += count
        end += _CHUNK
    return len(text)


#: Characters looked at in one step by :func:`_line_end`.
_CHUNK = 1 << 20


def _activities_before_break(text: str) -> list[ET.Element]:
    """The activities complete before a broken file's break: one incremental parse, its
    events read up to the break."""
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("end",))
    done: list[ET.Element] = []
    try:
        parser.feed(text)  # the break is queued among the events, where it happened
        parser.close()
    except ET.ParseError:
        pass
    try:
        for event in parser.read_events():
            element = event[-1]  # (event, element) pairs
            if isinstance(element, ET.Element) and element.tag.endswith("Activity"):
                if local_name(element.tag) == "Activity":
                    done.append(element)
    except ET.ParseError:  # the break: the events before it have been read
        pass
    return done


_TP_FIELDS = {
    "Time": 0,
    "LatitudeDegrees": 1,
    "LongitudeDegrees": 2,
    "AltitudeMeters": 3,
    "DistanceMeters": 4,
    "Speed": 5,
    "Value": 6,
    "Cadence": 7,
    "RunCadence": 7,
}
_POINT_COLUMNS = ["time_utc", "lat", "lon", "altitude_m", "distance_m", "speed_mps", "heart_rate", "cadence"]
_TIMES = frozenset({"time_utc"})
#: Points looked at for the first position before all of them are read.
_FIX_SEARCH = 64


def _trackpoints(activity: ET.Element) -> pd.DataFrame:
    """All trackpoints of an activity, one pass over each point's elements."""
    rows = []
    index_of: dict[str, int | None] = {}  # full tag (with namespace) -> field index
    for tp in _iter_local(activity, "Trackpoint"):
        row: list = [None, math.nan, math.nan, math.nan, math.nan, math.nan, math.nan, math.nan]
        for child in tp.iter():
            tag = child.tag
            if tag not in index_of:
                index_of[tag] = _TP_FIELDS.get(local_name(tag))
            index = index_of[tag]
            if index is None or not child.text:
                continue
            if index == 0:
                row[0] = child.text.strip()
            else:
                try:
                    row[index] = float(child.text)
                except ValueError:
                    pass
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["time", *_POINT_COLUMNS[1:]])
    frame.insert(0, "time_utc", pd.to_datetime(frame.pop("time"), utc=True, format="ISO8601"))
    return frame


def _arrays(frame: pd.DataFrame) -> PointColumns:
    """Trackpoints read by ElementTree, as the scanner hands them over."""
    return PointColumns.from_frame(frame, _POINT_COLUMNS, _TIMES)


def _scan_column(path: tuple[str, ...]) -> str | None:
    """Column rule for :func:`._pointgroups.read_points`: the elements :func:`_trackpoints` reads."""
    index = _TP_FIELDS.get(path[-1].rsplit(":", 1)[-1])
    return None if index is None or path[-1].startswith("@") else _POINT_COLUMNS[index]


def _scan_activities(data: bytes) -> list[tuple[ET.Element, PointColumns]] | None:
    """Each ``<Activity>`` (its trackpoints emptied) with its trackpoints read by
    :mod:`._pointscan`; ``None`` when that fast path cannot vouch for the result."""
    parsed = parse_skeleton(data, b"Track", b"Trackpoint")
    if parsed is None:
        return None
    root, tracks = parsed
    body_of = {id(track): body for track, body in tracks}
    activities = list(_iter_local(root, "Activity"))
    bodies = [[body_of[id(track)] for track in _iter_local(activity, "Track")] for activity in activities]
    # all activities' points in one read (a shape learned once), then cut per activity
    scanned = read_points([body for own in bodies for body in own], b"Trackpoint", _scan_column, times=_TIMES)
    if scanned is None:
        return None
    columns, counts = scanned
    found = []
    start, track = 0, 0
    for activity, own in zip(activities, bodies, strict=True):
        stop = start + sum(counts[track : track + len(own)])
        found.append((activity, columns.part(start, stop)))
        start, track = stop, track + len(own)
    return found


def _first_fix(points: PointColumns) -> tuple[float, float] | None:
    """The first position, looked for among the first points before all of them."""
    for count in (_FIX_SEARCH, points.n):
        fix = first_fix(points.head("lat", count), points.head("lon", count))
        if fix is not None or count >= points.n:
            return fix
    return None


def _session(activity: ET.Element, points: PointColumns, device: str | None, path: str) -> Session:
    sport_raw = activity.get("Sport", "")
    laps = list(_iter_local(activity, "Lap"))
    lap_starts = to_times([start.encode() for lap in laps if (start := lap.get("StartTime"))])
    times = points.column("time_utc")
    timed = times[~np.isnat(times)]
    first = pd.Timestamp(timed.min(), tz="UTC") if len(timed) else None
    first_lap = pd.Timestamp(lap_starts.min(), tz="UTC") if len(lap_starts) else None
    candidates = [t for t in (first, first_lap) if t is not None]
    ident = _text(activity, "Id")
    if not candidates and ident:
        candidates.append(pd.to_datetime(ident, utc=True))
    if not candidates:
        raise NotAnActivityError(path, "TCX activity has no start time", field="Activity/Id")
    start = min(candidates)
    timer = sum(_float(lap, "TotalTimeSeconds") for lap in laps) if laps else math.nan
    end = pd.Timestamp(timed.max(), tz="UTC") if len(timed) else None
    elapsed = (end - start).total_seconds() if end is not None else timer
    distance = sum(positive_or_nan(_float(lap, "DistanceMeters")) for lap in laps) if laps else math.nan
    if not distance > 0:
        distance = positive_or_nan(finite_max(points.column("distance_m")))
    max_hr = max((_float(lap, "MaximumHeartRateBpm", "Value") for lap in laps), default=math.nan)
    points.load(["altitude_m", "heart_rate"])
    heart_rate = without_dropouts(points.column("heart_rate"))
    fix = _first_fix(points)
    sport, sub, indoor_sub = normalise_sport(sport_raw)
    return Session(
        sport=sport,
        sub_sport=sub,
        sport_original=sport_raw,
        indoor=bool(indoor_sub or fix is None),
        start_utc=start,
        elapsed_s=float(elapsed),
        moving_s=float(timer),
        distance_m=float(distance),
        avg_hr=finite_mean(heart_rate),
        max_hr=positive_or_nan(max_hr) if not math.isnan(max_hr) else finite_max(heart_rate),
        elevation_gain_m=elevation_gain(points.column("altitude_m")),
        device=device,
        has_gps=fix is not None,
        first_fix=fix,
    )


def _read_activities(data: bytes, path: str) -> tuple[list[tuple[ET.Element, PointColumns]], str | None]:
    """Each complete activity with its trackpoints, and for a broken file the parse
    error: the point scanner, else ElementTree."""
    check_point_tags(data, b"<Trackpoint", path)
    scanned = _scan_activities(data)
    if scanned is not None:
        return scanned, None
    return _read_activities_xml(data, path)


def _read_activities_xml(data: bytes, path: str) -> tuple[list[tuple[ET.Element, PointColumns]], str | None]:
    """:func:`_read_activities` without the point scanner: ElementTree alone."""
    text = decode_xml_text(data, path)
    with gc_paused():
        activities, error = _complete_activities(text)
        return [(activity, _arrays(_trackpoints(activity))) for activity in activities], error


def parse_tcx(data: bytes, *, path: str, streams: bool = False) -> Parsed:
    """Read one TCX file (already decompressed).

    Parameters
    ----------
    data
        The TCX bytes.
    path
        Shown in messages.
    streams
        Also return the track points.

    Returns
    -------
    Parsed
        One session per complete ``<Activity>``.

    Raises
    ------
    InputError
        Not well-formed XML with no complete activity before the error.
    NotAnActivityError
        Well-formed but without activities.
    """
    try:
        return _parsed(*_read_activities(data, path), path=path, streams=streams)
    except UnreadableValue:  # a scanned number does not convert: read it as ElementTree does
        return _parsed(*_read_activities_xml(data, path), path=path, streams=streams)


def _parsed(
    activities: list[tuple[ET.Element, PointColumns]], error: str | None, *, path: str, streams: bool
) -> Parsed:
    """The sessions (and samples) of a TCX file's activities (see :func:`parse_tcx`)."""
    if not activities:
        if error:
            raise InputError(path, f"not well-formed TCX XML ({error})", fix="re-export the activity")
        raise NotAnActivityError(path, "TCX file has no <Activity>")
    sessions = [_session(activity, points, _text(activity, "Creator", "Name"), path) for activity, points in activities]
    partial = f"XML breaks off ({error}); kept the {len(activities)} complete activity element(s)" if error else None
    stream = (
        pd.concat([points.frame(_POINT_COLUMNS) for _, points in activities], ignore_index=True) if streams else None
    )
    return Parsed(source="tcx", sessions=sessions, streams=stream, partial=partial)

"""Apple Health exports: ``<Workout>`` elements of export.xml with their route GPX files.

export.xml files reach several GB, so the file is streamed with ``iterparse`` and every
element is cleared once read: memory stays bounded by one workout, not the export.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import pandas as pd

from runwell._xml import iter_health_elements
from runwell.activities._session import Session, positive_or_nan
from runwell.activities.sports import normalise_sport
from runwell.errors import InputError

__all__ = ["AppleWorkout", "iter_workouts", "parse_apple_time"]

_LENGTH_M = {"m": 1.0, "km": 1000.0, "mi": 1609.344, "ft": 0.3048, "yd": 0.9144, "cm": 0.01}
_DURATION_S = {"s": 1.0, "sec": 1.0, "min": 60.0, "h": 3600.0, "hr": 3600.0}
_DISTANCE_TYPES = (
    "HKQuantityTypeIdentifierDistanceWalkingRunning",
    "HKQuantityTypeIdentifierDistanceCycling",
    "HKQuantityTypeIdentifierDistanceSwimming",
)


@dataclass
class AppleWorkout:
    """One workout: its session and the route file it points to (if any)."""

    session: Session
    route_path: str | None
    line: int | None = None


def parse_apple_time(text: str) -> pd.Timestamp:
    """Parse Apple's ``2024-01-15 10:00:00 +0000`` into UTC.

    Examples
    --------
    >>> parse_apple_time("2024-01-15 11:00:00 +0100")
    Timestamp('2024-01-15 10:00:00+0000', tz='UTC')
    """
    return pd.to_datetime(text, format="%Y-%m-%d %H:%M:%S %z").tz_convert("UTC")


def _quantity(text: str | None, units: dict[str, float], default_unit: str | None = None) -> float:
    """``"850 cm"`` -> 8.5 (in the unit table's base unit)."""
    if not text:
        return math.nan
    parts = text.split()
    try:
        value = float(parts[0])
    except ValueError:
        return math.nan
    unit = parts[1] if len(parts) > 1 else default_unit
    return value * units[unit] if unit in units else math.nan


def _workout_session(element: ET.Element, path: str) -> AppleWorkout:
    attrs = element.attrib
    try:
        start = parse_apple_time(attrs["startDate"])
        end = parse_apple_time(attrs["endDate"])
    except (KeyError, ValueError) as err:
        raise InputError(path, f"Workout without a readable startDate/endDate ({err})", field="Workout") from err
    meta = {m.get("key"): m.get("value") for m in element.iter("MetadataEntry")}
    stats = {s.get("type"): s.attrib for s in element.iter("WorkoutStatistics")}
    distance = math.nan
    for kind in _DISTANCE_TYPES:
        if kind in stats and stats[kind].get("sum"):
            distance = _quantity(f"{stats[kind]['sum']} {stats[kind].get('unit', 'km')}", _LENGTH_M)
            break
    if math.isnan(distance) and attrs.get("totalDistance"):
        distance = _quantity(f"{attrs['totalDistance']} {attrs.get('totalDistanceUnit', 'km')}", _LENGTH_M)
    hr = stats.get("HKQuantityTypeIdentifierHeartRate", {})
    duration = _quantity(f"{attrs.get('duration', '')} {attrs.get('durationUnit', 'min')}", _DURATION_S)
    route = element.find("WorkoutRoute/FileReference")
    route_path = route.get("path") if route is not None else None
    type_raw = attrs.get("workoutActivityType", "")
    sport, sub, indoor_sub = normalise_sport(type_raw)
    indoor_flag = meta.get("HKIndoorWorkout")
    indoor = indoor_sub or indoor_flag == "1" or (indoor_flag is None and route_path is None)
    if indoor and sport == "running":
        sport, sub = "treadmill_running", "indoor_running"
    session = Session(
        sport=sport,
        sub_sport=sub,
        sport_original=type_raw,
        indoor=bool(indoor),
        start_utc=start,
        elapsed_s=(end - start).total_seconds(),
        moving_s=duration,
        distance_m=positive_or_nan(distance),
        avg_hr=positive_or_nan(hr.get("average")),
        max_hr=positive_or_nan(hr.get("maximum")),
        elevation_gain_m=_quantity(meta.get("HKElevationAscended"), _LENGTH_M, "m"),
        device=attrs.get("sourceName"),
        has_gps=route_path is not None,
        tz_hint=meta.get("HKTimeZone"),
        native_id=f"apple-{start:%Y%m%dT%H%M%SZ}",
    )
    return AppleWorkout(session=session, route_path=route_path)


def iter_workouts(handle: IO[bytes], path: str) -> Iterator[AppleWorkout | InputError]:
    """Stream the workouts of an export.xml.

    Parameters
    ----------
    handle
        The export.xml opened in binary mode (a file or a zip member; not read whole).
    path
        Shown in messages.

    Yields
    ------
    AppleWorkout or InputError
        A workout, or the error for a workout that could not be read (the stream goes on).

    Raises
    ------
    InputError
        When the XML itself is broken (the workouts before the break have been yielded).
    """
    for element in iter_health_elements(handle, path, {"Workout"}):
        try:
            yield _workout_session(element, path)
        except InputError as err:
            yield err

"""What a format reader hands back, before time zones and ids are settled.

Each reader (FIT, GPX, TCX, Apple Health) turns bytes into a :class:`Parsed`: its
sessions (one per activity row) and, when asked, its samples. The shared code
(:mod:`runwell.activities.rows`, :mod:`runwell.activities.placement`) then places
sessions in local time, assigns ids and builds the canonical tables, so those rules live
in one place.

Documented rules shared by all readers
--------------------------------------
moving time
    The device's timer time where the file has it (FIT ``total_timer_time``, the sum of
    TCX ``Lap/TotalTimeSeconds``, Strava's ``Moving Time``, Apple's ``duration``);
    otherwise, from the track, the time spent above 1 km/h (gpxpy's moving-data rule).
elevation gain
    The device's total ascent where the file has it (FIT ``total_ascent``, Strava's
    ``Elevation Gain``, Apple's ``HKElevationAscended``); otherwise from the altitude
    samples with a hysteresis of :data:`GAIN_HYSTERESIS_M` metres: a climb counts only
    once the altitude has risen that far above the last low point, which ignores GPS and
    barometer noise without smoothing away real hills.
distance
    The file's own total where it has one; otherwise the 2-D length of the track. A
    recorded total of zero (no GPS, no foot pod) is treated as missing, not as 0 km.
heart rate
    Zero readings are sensor drop-outs and are treated as missing.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = [
    "Session",
    "Parsed",
    "elevation_gain",
    "GAIN_HYSTERESIS_M",
    "positive_or_nan",
    "gc_paused",
    "finite_mean",
    "finite_max",
    "first_fix",
    "without_dropouts",
]

#: Hysteresis for elevation gain computed from altitude samples, in metres.
GAIN_HYSTERESIS_M = 5.0
#: Samples converted to Python floats at a time by :func:`elevation_gain`.
_GAIN_STEP = 1 << 16


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building a large XML tree.

    An activity's tree holds tens of thousands of elements, none of them in reference
    cycles; without the pause the collector walks the growing tree again and again and
    a 0.4 MB GPX file takes ten times as long to parse.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def positive_or_nan(value: object) -> float:
    """Return ``value`` as float, or NaN when missing, non-numeric, zero or negative."""
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
    return out if out > 0 and math.isfinite(out) else math.nan


@dataclass
class Session:
    """One activity as read from a file, before zone and id are settled.

    Exactly one of ``start_utc`` (tz-aware) and ``start_local`` (naive, when the file
    knows only local time, e.g. FIT files with device-relative timestamps) is set.
    """

    sport: str
    sub_sport: str
    sport_original: str
    indoor: bool
    start_utc: pd.Timestamp | None
    elapsed_s: float
    moving_s: float = math.nan
    distance_m: float = math.nan
    avg_hr: float = math.nan
    max_hr: float = math.nan
    elevation_gain_m: float = math.nan
    device: str | None = None
    has_gps: bool = False
    first_fix: tuple[float, float] | None = None
    utc_offset_s: float | None = None
    tz_hint: str | None = None
    start_local: pd.Timestamp | None = None
    native_id: str | None = None

    @property
    def end_utc(self) -> pd.Timestamp | None:
        """``start_utc + elapsed_s``, or None when either is unknown."""
        if self.start_utc is None or not math.isfinite(self.elapsed_s):
            return None
        return self.start_utc + pd.to_timedelta(self.elapsed_s, unit="s")


@dataclass
class Parsed:
    """A reader's result for one file.

    Attributes
    ----------
    source
        ``"fit"``, ``"gpx"``, ``"tcx"``, ``"apple_health"``, ``"strava_csv"``.
    sessions
        One per activity row (several for multisport files).
    streams
        The samples (canonical stream columns except ``participant_id`` and
        ``activity_id``), or None when streams were not asked for.
    partial
        Why only part of the file could be read (truncated, malformed), or None.
    warnings
        Things the reader did to read the file that a user should know (CRC mismatch
        ignored, field sizes repaired). Each becomes a load-report warning.
    """

    source: str
    sessions: list[Session]
    streams: pd.DataFrame | None = None
    partial: str | None = None
    warnings: list[str] = field(default_factory=list)


def elevation_gain(altitudes: Sequence[float] | np.ndarray, hysteresis: float = GAIN_HYSTERESIS_M) -> float:
    """Total climb of an altitude series with hysteresis.

    Parameters
    ----------
    altitudes
        Altitude samples in metres, in time order; NaN samples are ignored.
    hysteresis
        A rise counts once the altitude is this many metres above the last reference
        point; a fall of as much resets the reference.

    Returns
    -------
    float
        Metres climbed, or NaN with fewer than two valid samples.

    Examples
    --------
    >>> elevation_gain([100, 102, 99, 101, 110, 108, 120])
    20.0
    """
    alt = np.asarray(altitudes, dtype=float)
    alt = alt[np.isfinite(alt)]
    if alt.size < 2:
        return math.nan
    gain = 0.0
    ref = float(alt[0])
    for step in range(1, alt.size, _GAIN_STEP):
        # a loop over Python floats is several times faster than over numpy scalars;
        # converted a step at a time so that a long track needs no list of all of them
        for value in alt[step : step + _GAIN_STEP].tolist():
            if value - ref >= hysteresis:
                gain += value - ref
                ref = value
            elif ref - value >= hysteresis:
                ref = value
    return float(gain)


def finite_mean(values: np.ndarray) -> float:
    """Mean of the finite values, NaN when there are none (no warning).

    >>> finite_mean(np.array([1.0, np.nan, 3.0]))
    2.0
    """
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if finite.size else math.nan


def finite_max(values: np.ndarray) -> float:
    """Largest finite value, NaN when there are none.

    >>> finite_max(np.array([np.nan, np.nan]))
    nan
    """
    finite = values[np.isfinite(values)]
    return float(finite.max()) if finite.size else math.nan


def first_fix(lat: np.ndarray, lon: np.ndarray) -> tuple[float, float] | None:
    """The first position where both latitude and longitude are known.

    >>> first_fix(np.array([np.nan, 52.5]), np.array([13.4, 13.4]))
    (52.5, 13.4)
    """
    known = np.flatnonzero(np.isfinite(lat) & np.isfinite(lon))
    return (float(lat[known[0]]), float(lon[known[0]])) if known.size else None


def without_dropouts(heart_rate: np.ndarray) -> np.ndarray:
    """Heart-rate samples with zero (or negative) readings, sensor drop-outs, made
    missing; changes the array in place and returns it.

    >>> without_dropouts(np.array([120.0, 0.0, np.nan]))
    array([120.,  nan,  nan])
    """
    heart_rate[heart_rate <= 0] = np.nan
    return heart_rate

"""Writers for synthetic activity files: FIT, GPX and TCX.

runwell reads activity files; it writes them only to make sample data and benchmark
exports (:mod:`runwell.sample`). The FIT writer encodes the handful of messages a
watch writes for a run (file_id, record, session, activity) with numpy, so a
one-hour, one-second file takes milliseconds; fit-tool, the general FIT writer, takes
seconds per file, which is too slow for a 1,000-activity benchmark export. The tests
check that fitparse, the reference decoder, reads back exactly what was written.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np
import pandas as pd

from runwell.activities.fit.protocol import FIT_EPOCH, SEMICIRCLES_PER_DEGREE, fit_crc

__all__ = ["Track", "fit_bytes", "gpx_text", "tcx_text"]

_FIT_EPOCH = pd.Timestamp(FIT_EPOCH, tz="UTC")

#: FIT enum values for the sports the writers use.
FIT_SPORT = {"running": 1, "cycling": 2, "swimming": 5, "training": 10, "walking": 11, "hiking": 17}
FIT_SUB_SPORT = {
    "generic": 0,
    "treadmill": 1,
    "street": 2,
    "trail": 3,
    "road": 7,
    "indoor_cycling": 6,
    "virtual_activity": 58,
    "indoor_running": 45,
}
_TCX_SPORT = {"running": "Running", "cycling": "Biking"}
_STRAVA_TYPE = {"running": "9", "cycling": "1", "walking": "10", "hiking": "4", "swimming": "16"}


@dataclass
class Track:
    """One activity to write: samples plus what the file says about them.

    Attributes
    ----------
    start_utc
        Start instant (tz-aware).
    seconds
        Offset of each sample from the start, in seconds (int array).
    lat, lon
        Degrees per sample, or None for an activity without GPS.
    altitude_m, distance_m, heart_rate, cadence
        Per-sample arrays (cadence may be None).
    sport, sub_sport
        Normalised names, e.g. ``"running"``/``"treadmill"``.
    utc_offset_s
        The device's UTC offset (FIT ``activity.local_timestamp``), or None.
    timer_s
        The device's timer time; defaults to the duration.
    """

    start_utc: pd.Timestamp
    seconds: np.ndarray
    lat: np.ndarray | None
    lon: np.ndarray | None
    altitude_m: np.ndarray
    distance_m: np.ndarray
    heart_rate: np.ndarray
    cadence: np.ndarray | None = None
    sport: str = "running"
    sub_sport: str = "generic"
    utc_offset_s: int | None = None
    timer_s: float | None = None

    @property
    def duration_s(self) -> float:
        """Seconds from the first sample to the last."""
        return float(self.seconds[-1]) if len(self.seconds) else 0.0

    def times(self) -> pd.DatetimeIndex:
        """The instant of each sample."""
        return self.start_utc + pd.to_timedelta(self.seconds, unit="s")


# ------------------------------------------------------------------------------ FIT


def _fit_time(ts: pd.Timestamp) -> int:
    return int((ts - _FIT_EPOCH).total_seconds())


def _definition(local: int, global_num: int, fields: list[tuple[int, int, int]]) -> bytes:
    out = struct.pack("<BBBHB", 0x40 | local, 0, 0, global_num, len(fields))
    return out + b"".join(struct.pack("<BBB", *f) for f in fields)


def _records(track: Track) -> bytes:
    """All record messages (local type 1) as one numpy block."""
    n = len(track.seconds)
    dtype = np.dtype(
        [
            ("h", "u1"),
            ("ts", "<u4"),
            ("lat", "<i4"),
            ("lon", "<i4"),
            ("alt", "<u2"),
            ("hr", "u1"),
            ("cad", "u1"),
            ("dist", "<u4"),
        ]
    )
    block = np.zeros(n, dtype=dtype)
    block["h"] = 1
    block["ts"] = _fit_time(track.start_utc) + np.asarray(track.seconds, dtype=np.int64)
    if track.lat is not None and track.lon is not None:
        block["lat"] = np.round(np.asarray(track.lat) * SEMICIRCLES_PER_DEGREE).astype(np.int32)
        block["lon"] = np.round(np.asarray(track.lon) * SEMICIRCLES_PER_DEGREE).astype(np.int32)
    else:
        block["lat"] = block["lon"] = 0x7FFFFFFF  # invalid: no GPS
    block["alt"] = np.clip(np.round((np.asarray(track.altitude_m) + 500) * 5), 0, 0xFFFE).astype(np.uint16)
    block["hr"] = np.clip(np.round(track.heart_rate), 0, 254).astype(np.uint8)
    block["cad"] = 0xFF if track.cadence is None else np.clip(np.round(track.cadence), 0, 254).astype(np.uint8)
    block["dist"] = np.round(np.asarray(track.distance_m) * 100).astype(np.uint32)
    return block.tobytes()


def _ascent(altitude: np.ndarray) -> int:
    rises = np.diff(np.asarray(altitude, dtype=float))
    return int(round(rises[rises > 0].sum())) if rises.size else 0


def fit_bytes(track: Track) -> bytes:
    """Encode a :class:`Track` as a FIT activity file.

    Parameters
    ----------
    track
        The activity.

    Returns
    -------
    bytes
        A complete FIT file (header, file_id, records, session, activity, CRCs).
    """
    start = _fit_time(track.start_utc)
    end = start + int(track.duration_s)
    timer = track.timer_s if track.timer_s is not None else track.duration_s
    body = bytearray()
    body += _definition(0, 0, [(0, 1, 0x00), (1, 2, 0x84), (2, 2, 0x84), (3, 4, 0x8C), (4, 4, 0x86)])
    body += struct.pack("<BBHHII", 0, 4, 255, 1, 12345, start)
    body += _definition(
        1, 20, [(253, 4, 0x86), (0, 4, 0x85), (1, 4, 0x85), (2, 2, 0x84), (3, 1, 0x02), (4, 1, 0x02), (5, 4, 0x86)]
    )
    body += _records(track)
    lat0 = lon0 = 0x7FFFFFFF  # invalid: no GPS
    if track.lat is not None and track.lon is not None:
        lat0 = int(round(track.lat[0] * SEMICIRCLES_PER_DEGREE))
        lon0 = int(round(track.lon[0] * SEMICIRCLES_PER_DEGREE))
    hr = np.asarray(track.heart_rate, dtype=float)
    body += _definition(
        2,
        18,
        [
            (253, 4, 0x86),
            (2, 4, 0x86),
            (3, 4, 0x85),
            (4, 4, 0x85),
            (7, 4, 0x86),
            (8, 4, 0x86),
            (9, 4, 0x86),
            (5, 1, 0x00),
            (6, 1, 0x00),
            (16, 1, 0x02),
            (17, 1, 0x02),
            (22, 2, 0x84),
            (254, 2, 0x84),
        ],
    )
    body += struct.pack(
        "<BIIiiIIIBBBBHH",
        2,
        end,
        start,
        lat0,
        lon0,
        int(track.duration_s * 1000),
        int(timer * 1000),
        int(round(float(track.distance_m[-1]) * 100)),
        FIT_SPORT.get(track.sport, 0),
        FIT_SUB_SPORT.get(track.sub_sport, 0),
        int(round(hr.mean())),
        int(round(hr.max())),
        _ascent(track.altitude_m),
        0,
    )
    local = 0xFFFFFFFF if track.utc_offset_s is None else end + int(track.utc_offset_s)
    body += _definition(
        3, 34, [(253, 4, 0x86), (0, 4, 0x86), (1, 2, 0x84), (2, 1, 0x00), (3, 1, 0x00), (4, 1, 0x00), (5, 4, 0x86)]
    )
    body += struct.pack("<BIIHBBBI", 3, end, int(timer * 1000), 1, 0, 26, 1, local)
    header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(body), b".FIT")
    header += struct.pack("<H", fit_crc(header))
    data = header + bytes(body)
    return data + struct.pack("<H", fit_crc(data))


# ------------------------------------------------------------------------- GPX, TCX


def _iso(times: pd.DatetimeIndex) -> np.ndarray:
    return np.asarray(times.strftime("%Y-%m-%dT%H:%M:%SZ"))


def gpx_text(track: Track, *, name: str = "Run", creator: str = "StravaGPX") -> str:
    """A GPX 1.1 track with Garmin TrackPointExtension heart rate and cadence.

    The ``<type>`` is Strava's number for the sport (9 for a run), as in Strava exports.
    """
    if track.lat is None or track.lon is None:
        raise ValueError("a GPX track needs positions")
    times = _iso(track.times())
    cad = track.cadence if track.cadence is not None else np.full(len(times), np.nan)
    points = "".join(
        f'<trkpt lat="{la:.6f}" lon="{lo:.6f}"><ele>{el:.1f}</ele><time>{t}</time><extensions>'
        f"<gpxtpx:TrackPointExtension><gpxtpx:hr>{int(h)}</gpxtpx:hr>"
        + (f"<gpxtpx:cad>{int(c)}</gpxtpx:cad>" if np.isfinite(c) else "")
        + "</gpxtpx:TrackPointExtension></extensions></trkpt>\n"
        for la, lo, el, t, h, c in zip(
            track.lat, track.lon, track.altitude_m, times, track.heart_rate, cad, strict=True
        )
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<gpx creator="{creator}" version="1.1" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n'
        f"<metadata><time>{times[0]}</time></metadata>\n"
        f"<trk><name>{name}</name><type>{_STRAVA_TYPE.get(track.sport, '')}</type><trkseg>\n"
        f"{points}</trkseg></trk>\n</gpx>\n"
    )


def tcx_text(track: Track) -> str:
    """A TCX activity with one lap, written as Strava exports it (spaces before ``<?xml``)."""
    times = _iso(track.times())
    lat, lon = track.lat, track.lon
    rows = []
    for i, t in enumerate(times):
        pos = (
            f"<Position><LatitudeDegrees>{lat[i]:.6f}</LatitudeDegrees>"
            f"<LongitudeDegrees>{lon[i]:.6f}</LongitudeDegrees></Position>"
            if lat is not None and lon is not None
            else ""
        )
        rows.append(
            f"<Trackpoint><Time>{t}</Time>{pos}<AltitudeMeters>{track.altitude_m[i]:.1f}</AltitudeMeters>"
            f"<DistanceMeters>{track.distance_m[i]:.1f}</DistanceMeters>"
            f"<HeartRateBpm><Value>{int(track.heart_rate[i])}</Value></HeartRateBpm></Trackpoint>\n"
        )
    timer = track.timer_s if track.timer_s is not None else track.duration_s
    hr = np.asarray(track.heart_rate, dtype=float)
    return (
        '          <?xml version="1.0" encoding="UTF-8"?>\n'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">\n'
        f'<Activities><Activity Sport="{_TCX_SPORT.get(track.sport, "Other")}"><Id>{times[0]}</Id>\n'
        f'<Lap StartTime="{times[0]}"><TotalTimeSeconds>{timer:.1f}</TotalTimeSeconds>'
        f"<DistanceMeters>{float(track.distance_m[-1]):.1f}</DistanceMeters>"
        f"<AverageHeartRateBpm><Value>{int(round(hr.mean()))}</Value></AverageHeartRateBpm>"
        f"<MaximumHeartRateBpm><Value>{int(hr.max())}</Value></MaximumHeartRateBpm>"
        f"<Intensity>Active</Intensity><TriggerMethod>Manual</TriggerMethod><Track>\n"
        + "".join(rows)
        + "</Track></Lap></Activity></Activities>\n</TrainingCenterDatabase>\n"
    )

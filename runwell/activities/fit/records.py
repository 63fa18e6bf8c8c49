"""FIT files read with the bulk decoder: sessions and samples, as the reference reads them.

:func:`read_fit_bulk` finds the messages (:func:`.scan.scan`), decodes the few summary
messages (``file_id``, ``session``, ``activity``, ``sport``) and, when the samples are
asked for or a session needs them (no start position, no total ascent, no session at
all), the ``record`` messages, all with :func:`.bulk.decode`. The session rules are the
reference decoder's (:func:`.session.assemble`), and so are the messages about damaged
files: a file that ends early is read up to its last complete message, a CRC mismatch and
misaligned field sizes (COROS) become warnings with the reference decoder's words.

The streams frame (:func:`streams_frame`) has the reference's columns and values:
``enhanced_altitude`` else ``altitude``, ``enhanced_speed`` else ``speed``, positions in
degrees, zero heart rates missing, times in UTC (missing for device-relative ones).
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from runwell.activities._session import Parsed
from runwell.activities.fit.bulk import MessageTable, compressed_timestamps, decode
from runwell.activities.fit.profile import fit_times
from runwell.activities.fit.protocol import DEGREES_PER_SEMICIRCLE
from runwell.activities.fit.scan import Layout, scan
from runwell.activities.fit.session import Decoded, assemble, needs_records

__all__ = [
    "read_fit_bulk",
    "streams_frame",
    "STREAM_NAMES",
    "FILE_ID_NAMES",
    "SESSION_NAMES",
    "ACTIVITY_NAMES",
    "SPORT_NAMES",
]

_FILE_ID, _SPORT, _SESSION, _RECORD, _ACTIVITY = 0, 12, 18, 20, 34

#: The record values the streams frame is made of.
STREAM_NAMES = frozenset(
    {
        "timestamp",
        "position_lat",
        "position_long",
        "enhanced_altitude",
        "altitude",
        "distance",
        "enhanced_speed",
        "speed",
        "heart_rate",
        "cadence",
    }
)
#: The values the session rules read (:mod:`.session`), by message.
FILE_ID_NAMES = frozenset({"type", "manufacturer", "garmin_product", "product_name", "product"})
SESSION_NAMES = frozenset(
    {
        "sport",
        "sub_sport",
        "start_time",
        "total_elapsed_time",
        "total_timer_time",
        "start_position_lat",
        "start_position_long",
        "total_distance",
        "avg_heart_rate",
        "max_heart_rate",
        "total_ascent",
    }
)
ACTIVITY_NAMES = frozenset({"timestamp", "local_timestamp"})
SPORT_NAMES = frozenset({"sport", "sub_sport"})
_COLUMNS = ["time_utc", "lat", "lon", "altitude_m", "distance_m", "speed_mps", "heart_rate", "cadence"]


def _coalesce(table: MessageTable, *names: str) -> np.ndarray:
    """The first of ``names`` a record has (not None), as float: NaN for arrays or when
    none is there (the reference's rule)."""
    out = np.full(table.n, np.nan)
    taken = np.zeros(table.n, dtype=bool)
    for name in names:
        values, notnone, _ = table.column(name)
        use = notnone & ~taken
        out[use] = values[use]
        taken |= notnone
    return out


def streams_frame(table: MessageTable) -> pd.DataFrame:
    """The streams columns of the ``record`` messages (UTC times, degrees).

    Parameters
    ----------
    table
        The decoded records (at least :data:`STREAM_NAMES`).

    Returns
    -------
    pandas.DataFrame
        One row per record, in file order.
    """
    seconds, _, is_time = table.column("timestamp")
    stamps = np.full(table.n, np.datetime64("NaT"), dtype="datetime64[us]")
    stamps[is_time] = fit_times(seconds[is_time].astype(np.int64))
    unit = "us" if is_time.any() else "s"
    heart_rate = _coalesce(table, "heart_rate")
    heart_rate[heart_rate <= 0] = np.nan
    return pd.DataFrame(
        {
            "time_utc": pd.DatetimeIndex(stamps.astype(f"datetime64[{unit}]")).tz_localize("UTC"),
            "lat": _coalesce(table, "position_lat") * DEGREES_PER_SEMICIRCLE,
            "lon": _coalesce(table, "position_long") * DEGREES_PER_SEMICIRCLE,
            "altitude_m": _coalesce(table, "enhanced_altitude", "altitude"),
            "distance_m": _coalesce(table, "distance"),
            "speed_mps": _coalesce(table, "enhanced_speed", "speed"),
            "heart_rate": heart_rate,
            "cadence": _coalesce(table, "cadence"),
        }
    )


@functools.cache
def _no_records() -> pd.DataFrame:
    """An empty records frame (shared: sessions only ever filter it)."""
    return streams_frame(MessageTable(0))


def _warnings(layout: Layout) -> list[str]:
    """The reference decoder's warnings for what it would have had to work around."""
    if layout.crc_mismatch:
        return ["CRC mismatch: the file was read without the CRC check"]
    if layout.misaligned:
        return [
            f"{layout.misaligned} field definition(s) with a size that is not a multiple of their type "
            "(a COROS quirk) were read as raw bytes, as the FIT SDK does"
        ]
    return []


def read_fit_bulk(data: bytes, *, path: str, streams: bool = False) -> Parsed:
    """Read one FIT file with the bulk decoder into sessions and, optionally, samples.

    Parameters
    ----------
    data
        The FIT bytes (decompressed; one file or several chained).
    path
        Shown in messages.
    streams
        Also return the record samples.

    Returns
    -------
    Parsed
        As :func:`.reference.read_fit_reference` gives it.

    Raises
    ------
    NeedsReference
        The file needs the reference decoder (the reason in the message).
    NotAnActivityError
        For monitoring, settings and other non-activity FIT files.
    InputError
        When nothing usable could be read.
    """
    layout = scan(data)
    times = compressed_timestamps(layout)
    decoded = Decoded(file_id=decode(layout, _FILE_ID, FILE_ID_NAMES, times=times).first_filled())
    if decoded.file_id.get("type") not in (None, "activity"):
        return assemble(decoded, _no_records(), path=path, streams=streams, warnings=[])  # raises
    decoded.sessions = decode(layout, _SESSION, SESSION_NAMES, times=times).rows()
    activities = decode(layout, _ACTIVITY, ACTIVITY_NAMES, times=times).rows()
    decoded.activity = activities[-1] if activities else {}
    decoded.sport = decode(layout, _SPORT, SPORT_NAMES, times=times).first_filled()
    if layout.truncated:
        decoded.truncated = f"file ends early ({layout.truncated}); read {layout.count(_RECORD)} records before the end"
    frame = _no_records()
    if streams or not decoded.sessions or any(needs_records(s) for s in decoded.sessions):
        frame = streams_frame(decode(layout, _RECORD, STREAM_NAMES, times=times))
    return assemble(decoded, frame, path=path, streams=streams, warnings=_warnings(layout))

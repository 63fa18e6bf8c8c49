"""FIT activity files, read with fitparse.

Handles what real devices write: chained FIT files, developer fields, multisport files
(one session per sport), device-relative timestamps (old ANT-FS devices), files that are
not activities (monitoring, settings: skipped), truncated or unterminated files (what
was readable, marked partial), COROS field-size quirks (repaired, see
:mod:`runwell.activities.fit_repair`) and CRC mismatches (read without the check, with
a warning).
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass, field
from typing import Any

import fitparse
import numpy as np
import pandas as pd
from fitparse.utils import FitCRCError, FitEOFError, FitHeaderError, FitParseError

from runwell.activities._session import Parsed, Session, elevation_gain, positive_or_nan
from runwell.activities.fit_repair import repair_field_sizes
from runwell.activities.sports import normalise_sport
from runwell.tables import INDOOR_SUB_SPORTS
from runwell.errors import InputError, NotAnActivityError

__all__ = ["parse_fit"]

_SEMICIRCLE = 180.0 / 2**31
_WANTED = ("file_id", "session", "activity", "record", "sport", "device_info")


@dataclass
class _Decoded:
    """The messages of one FIT file that runwell uses."""

    file_id: dict[str, Any] = field(default_factory=dict)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    activity: dict[str, Any] = field(default_factory=dict)
    sport: dict[str, Any] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)
    truncated: str | None = None


def _decode(data: bytes, *, check_crc: bool) -> _Decoded:
    """Decode the wanted messages; a file that ends early keeps what was read."""
    out = _Decoded()
    fit = fitparse.FitFile(io.BytesIO(data), check_crc=check_crc)
    try:
        for msg in fit.get_messages(_WANTED):
            name = msg.name
            if name == "record":
                out.records.append(msg.get_values())
            elif name == "session":
                out.sessions.append(msg.get_values())
            elif name == "file_id" and not out.file_id:
                out.file_id = msg.get_values()
            elif name == "activity":
                out.activity = msg.get_values()
            elif name == "sport" and not out.sport:
                out.sport = msg.get_values()
    except FitEOFError as err:
        out.truncated = f"file ends early ({err}); read {len(out.records)} records before the end"
    finally:
        fit.close()
    return out


def _decode_robustly(data: bytes, path: str) -> tuple[_Decoded, list[str]]:
    """Decode, recovering from CRC mismatches and misaligned field sizes."""
    warnings: list[str] = []
    try:
        return _decode(data, check_crc=True), warnings
    except FitHeaderError as err:
        raise InputError(path, f"not a FIT file ({err})", fix="check the file is a .fit activity file") from err
    except FitCRCError:
        warnings.append("CRC mismatch: the file was read without the CRC check")
        return _decode(data, check_crc=False), warnings
    except FitParseError as err:
        if "Invalid field size" not in str(err):
            raise InputError(path, f"fitparse could not read the file: {err}") from err
        repaired, n_fixed = repair_field_sizes(data)
        if not n_fixed:
            raise InputError(path, f"fitparse could not read the file: {err}") from err
        warnings.append(
            f"{n_fixed} field definition(s) with a size that is not a multiple of their type "
            "(a COROS quirk) were read as raw bytes, as the FIT SDK does"
        )
        try:
            return _decode(repaired, check_crc=False), warnings
        except FitParseError as err2:
            raise InputError(path, f"fitparse could not read the file even after repair: {err2}") from err2


def _is_time(value: object) -> bool:
    return isinstance(value, dt.datetime)


def _utc(value: object) -> pd.Timestamp | None:
    if _is_time(value):
        return pd.Timestamp(value).tz_localize("UTC")
    return None


def _device(file_id: dict[str, Any]) -> str | None:
    maker = file_id.get("manufacturer")
    product = file_id.get("garmin_product") or file_id.get("product_name") or file_id.get("product")
    parts = [str(p) for p in (maker, product) if p not in (None, "")]
    return " ".join(parts) or None


def _utc_offset(activity: dict[str, Any]) -> float | None:
    ts, local = activity.get("timestamp"), activity.get("local_timestamp")
    if _is_time(ts) and _is_time(local):
        return (local - ts).total_seconds()
    return None


def _relative_local_start(session: dict[str, Any], activity: dict[str, Any]) -> pd.Timestamp | None:
    """Local start of a session stamped in device-relative seconds (ANT-FS devices)."""
    start, ts, local = session.get("start_time"), activity.get("timestamp"), activity.get("local_timestamp")
    if isinstance(start, int) and isinstance(ts, int) and _is_time(local):
        return pd.Timestamp(local) - pd.Timedelta(seconds=ts - start)
    return None


def _records_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """The stream columns of FIT record messages (UTC times; degrees)."""

    def col(*names: str) -> np.ndarray:
        vals = []
        for r in records:
            v = None
            for n in names:
                v = r.get(n)
                if v is not None:
                    break
            vals.append(np.nan if v is None or isinstance(v, tuple) else v)
        return np.asarray(vals, dtype=float)

    times = [r.get("timestamp") for r in records]
    frame = pd.DataFrame(
        {
            "time_utc": pd.to_datetime([t if _is_time(t) else None for t in times], utc=True),
            "lat": col("position_lat") * _SEMICIRCLE,
            "lon": col("position_long") * _SEMICIRCLE,
            "altitude_m": col("enhanced_altitude", "altitude"),
            "distance_m": col("distance"),
            "speed_mps": col("enhanced_speed", "speed"),
            "heart_rate": col("heart_rate"),
            "cadence": col("cadence"),
        }
    )
    frame.loc[frame["heart_rate"] <= 0, "heart_rate"] = np.nan
    return frame


def _session_from_records(decoded: _Decoded, frame: pd.DataFrame) -> dict[str, Any] | None:
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


def _window(frame: pd.DataFrame, start: pd.Timestamp | None, elapsed: float) -> pd.DataFrame:
    if start is None or frame.empty or not math.isfinite(elapsed):
        return frame
    end = start + pd.Timedelta(seconds=elapsed)
    return frame[(frame["time_utc"] >= start) & (frame["time_utc"] <= end)]


def _build_session(
    msg: dict[str, Any], decoded: _Decoded, frame: pd.DataFrame, *, path: str, device: str | None
) -> Session:
    sport_raw, sub_raw = msg.get("sport"), msg.get("sub_sport")
    sport, sub, indoor_sub = normalise_sport(sport_raw, sub_raw)
    original = f"{sport_raw}:{sub_raw}" if sub_raw not in (None, "") else str(sport_raw)
    start = _utc(msg.get("start_time"))
    start_local = None
    if start is None:
        start_local = _relative_local_start(msg, decoded.activity)
        if start_local is None:
            raise InputError(
                path,
                "session start time is device-relative and the file has no local time to anchor it",
                field="session.start_time",
                value=msg.get("start_time"),
            )
    elapsed = float(msg.get("total_elapsed_time") or math.nan)
    timer = msg.get("total_timer_time")
    start_lat, start_lon = msg.get("start_position_lat"), msg.get("start_position_long")
    first_fix: tuple[float, float] | None = None
    if isinstance(start_lat, int) and isinstance(start_lon, int):
        first_fix = (start_lat * _SEMICIRCLE, start_lon * _SEMICIRCLE)
    else:  # the records are needed only without the session's own values
        fixes = _window(frame, start, elapsed).dropna(subset=["lat", "lon"])
        if not fixes.empty:
            first_fix = (float(fixes["lat"].iloc[0]), float(fixes["lon"].iloc[0]))
    has_gps = first_fix is not None
    ascent = msg.get("total_ascent")
    gain = float(ascent) if ascent is not None else elevation_gain(_window(frame, start, elapsed)["altitude_m"].to_numpy())
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


def parse_fit(data: bytes, *, path: str, streams: bool = False, fast: bool = True) -> Parsed:
    """Read one FIT file (already decompressed) into sessions and, optionally, samples.

    Parameters
    ----------
    data
        The FIT bytes (one file or several chained).
    path
        Shown in messages.
    streams
        Also return the record samples.
    fast
        Summaries only: try :func:`runwell.activities.fit_fast.summarize_fit` first,
        which skips the records; it hands anything unusual back to fitparse.

    Returns
    -------
    Parsed

    Raises
    ------
    NotAnActivityError
        For monitoring, settings and other non-activity FIT files.
    InputError
        When nothing usable could be read.
    """
    if not streams and fast:
        from runwell.activities.fit_fast import summarize_fit

        quick = summarize_fit(data, path=path)
        if quick is not None:
            return quick
    decoded, warnings = _decode_robustly(data, path)
    file_type = decoded.file_id.get("type")
    if file_type not in (None, "activity"):
        raise NotAnActivityError(path, f"FIT file of type {file_type!r}, not an activity")
    frame = _records_frame(decoded.records)
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
    device = _device(decoded.file_id)
    sessions = [_build_session(m, decoded, frame, path=path, device=device) for m in messages]
    return Parsed(
        source="fit",
        sessions=sessions,
        streams=frame if streams else None,
        partial=partial,
        warnings=warnings,
    )

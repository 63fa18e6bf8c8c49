"""A fast path for FIT activity summaries that skips the per-second records.

The mood model needs one row per activity, not every sample, yet fitparse decodes every
field of every record (0.3-2 s of CPU for a one-hour run). The FIT format makes skipping
cheap: each definition message gives the size of the data messages that follow it, so
the walk below jumps over records and decodes only the few messages a summary uses
(file_id, session, activity, sport) plus records until the first GPS fix. Field names,
enum names, scales and sub-fields come from fitparse's own profile, so the values are
those fitparse would give.

:func:`summarize_fit` returns None whenever it meets something it does not handle the
way fitparse does (no session message, a truncated file, a session without total
ascent whose gain fitparse would compute from records, several sessions without start
positions, a CRC mismatch, misaligned field sizes); the caller then uses the reference
decoder. The differential tests check both paths give identical rows on every real file.
"""

from __future__ import annotations

import datetime as dt
import functools
import struct
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from fitparse.profile import FIELD_TYPES, MESSAGE_TYPES

from runwell.activities._session import Parsed
from runwell.activities.fit.protocol import (
    BASE_TYPE_SIZES,
    BASE_TYPE_STRUCT,
    DEGREES_PER_SEMICIRCLE,
    FIRST_ABSOLUTE_TIME,
    FIT_EPOCH,
    HEADER_MAGIC,
    crc16,
)
from runwell.activities.fit.session import Decoded, build_session, device_name

__all__ = ["summarize_fit"]

_WANTED = {0: "file_id", 18: "session", 34: "activity", 12: "sport", 20: "record"}
_GARMIN_MAKERS = {"garmin", "dynastream", "dynastream_oem", "tacx"}


class _Unsupported(Exception):
    """Something the fast path leaves to fitparse."""


def _convert(field: Any, raw: int | float) -> Any:
    """A raw field value as fitparse gives it: times, enum names, scale and offset applied."""
    type_name = field.type.name
    if type_name == "date_time":
        return FIT_EPOCH + dt.timedelta(seconds=raw) if raw >= FIRST_ABSOLUTE_TIME else raw
    if type_name == "local_date_time":
        return FIT_EPOCH + dt.timedelta(seconds=raw)
    values = getattr(field.type, "values", None)
    if values:
        return values.get(raw, raw)
    if field.scale or field.offset:
        return raw / (field.scale or 1) - (field.offset or 0)
    return raw


#: Decodes one data message: the buffer and the message's offset in, field values out.
_MessageDecoder = Callable[[bytes, int], dict[str, Any]]


def _decoder(global_num: int, endian: str, fields: list[tuple[int, int, int]]) -> _MessageDecoder:
    """Build a function decoding one data message of this definition into a dict."""
    mesg = MESSAGE_TYPES.get(global_num)
    parts = []
    offset = 0
    for num, size, base in fields:
        code, invalid = BASE_TYPE_STRUCT.get(base, (None, None))
        field = mesg.fields.get(num) if mesg else None
        if field is not None and code is not None and size == struct.calcsize(code):
            parts.append((field, struct.Struct(endian + code), offset, invalid))
        offset += size

    def decode(buf: bytes, pos: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for field, st, off, invalid in parts:
            (raw,) = st.unpack_from(buf, pos + off)
            if raw == invalid or (invalid is None and raw != raw):
                continue
            out[field.name] = _convert(field, raw)
        return out

    return decode


def _product_name(file_id: dict[str, Any]) -> None:
    """Resolve fitparse's ``garmin_product`` sub-field of ``product``."""
    if file_id.get("manufacturer") in _GARMIN_MAKERS and "product" in file_id:
        raw = file_id.pop("product")
        file_id["garmin_product"] = FIELD_TYPES["garmin_product"].values.get(raw, raw)


def _walk(data: bytes) -> dict[str, Any]:
    """Decode the summary messages of all chained files in ``data``."""
    found: dict[str, Any] = {"file_id": {}, "sessions": [], "activity": {}, "sport": {}, "first_fix": None}
    start = 0
    while start + 12 <= len(data):
        header_size = data[start]
        if data[start + 8 : start + 12] != HEADER_MAGIC:
            raise _Unsupported("not a FIT header")
        data_size = struct.unpack_from("<I", data, start + 4)[0]
        end = start + header_size + data_size
        if end + 2 > len(data):
            raise _Unsupported("truncated")
        if crc16(data[start : end + 2]) != 0:
            raise _Unsupported("CRC mismatch")
        _walk_records(data, start + header_size, end, found)
        start = end + 2
    if not found["sessions"]:
        raise _Unsupported("no session message")
    return found


def _run_length(arr: np.ndarray, pos: int, size: int, end: int, header: int) -> int:
    """How many messages right after the one at ``pos`` (``size`` bytes of content) start
    with the same header byte, i.e. repeat its kind: they are skipped in one step."""
    following = arr[pos + size : end : size + 1]
    differ = np.flatnonzero(following != header)
    return int(differ[0]) if differ.size else len(following)


def _walk_records(data: bytes, pos: int, end: int, found: dict[str, Any]) -> None:
    sizes: dict[int, int] = {}
    decoders: dict[int, tuple[str, _MessageDecoder]] = {}
    arr = np.frombuffer(data, dtype=np.uint8)
    previous = -1  # header of the last message looked at
    while pos < end:
        rec = data[pos]
        pos += 1
        if rec & 0x80:
            local = (rec >> 5) & 0x03
        elif rec & 0x40:
            local = rec & 0x0F
            endian = ">" if data[pos + 1] else "<"
            (global_num,) = struct.unpack_from(endian + "H", data, pos + 2)
            n_fields = data[pos + 4]
            pos += 5
            fields = []
            total = 0
            for _ in range(n_fields):
                num, size, base = data[pos], data[pos + 1], data[pos + 2]
                if size % BASE_TYPE_SIZES.get(base, 1):
                    raise _Unsupported("misaligned field size")
                fields.append((num, size, base))
                total += size
                pos += 3
            if rec & 0x20:
                n_dev = data[pos]
                pos += 1
                total += sum(data[pos + 3 * i + 1] for i in range(n_dev))
                pos += 3 * n_dev
            sizes[local] = total
            if global_num in _WANTED:
                decoders[local] = (_WANTED[global_num], _decoder(global_num, endian, fields))
            else:
                decoders.pop(local, None)
            continue
        else:
            local = rec & 0x0F
        if local not in sizes:
            raise _Unsupported("data message before its definition")
        entry = decoders.get(local)
        if rec == previous and (entry is None or (entry[0] == "record" and found["first_fix"] is not None)):
            pos += _run_length(arr, pos, sizes[local], end, rec) * (sizes[local] + 1) + sizes[local]
            continue
        previous = rec
        if entry is not None:
            name, decode = entry
            if name == "record":
                if found["first_fix"] is None:
                    values = decode(data, pos)
                    if "position_lat" in values and "position_long" in values:
                        found["first_fix"] = values
            elif name == "session":
                found["sessions"].append(decode(data, pos))
            elif name == "file_id":
                if not found["file_id"]:
                    found["file_id"] = decode(data, pos)
            elif name == "activity":
                found["activity"] = decode(data, pos)
            elif name == "sport" and not found["sport"]:
                found["sport"] = decode(data, pos)
        pos += sizes[local]


def summarize_fit(data: bytes, *, path: str) -> Parsed | None:
    """Summarise a FIT activity without decoding its records, or None to use fitparse.

    Parameters
    ----------
    data
        The FIT bytes (decompressed).
    path
        Shown in messages.

    Returns
    -------
    Parsed or None
        Sessions exactly as the reference decoder (:mod:`.reference`) would build them,
        or None when the file needs the reference decoder.
    """
    try:
        found = _walk(data)
    except (_Unsupported, struct.error, IndexError):
        return None
    file_id = found["file_id"]
    _product_name(file_id)
    if file_id.get("type") not in (None, "activity"):
        return None  # let the reference path raise NotAnActivityError with its wording
    sessions = found["sessions"]
    if any(s.get("total_ascent") is None for s in sessions):
        return None
    if len(sessions) > 1 and any("start_position_lat" not in s for s in sessions):
        return None
    decoded = Decoded(file_id=file_id, sessions=sessions, activity=found["activity"], sport=found["sport"])
    frame = _first_fix_frame(found["first_fix"] if any(_needs_records(s) for s in sessions) else None)
    built = [build_session(s, decoded, frame, path=path, device=device_name(file_id)) for s in sessions]
    return Parsed(source="fit", sessions=built)


def _needs_records(session: dict[str, Any]) -> bool:
    """Whether building this session looks at the records (no start position of its own)."""
    return not (
        isinstance(session.get("start_position_lat"), int) and isinstance(session.get("start_position_long"), int)
    )


_RECORD_COLUMNS = ["time_utc", "lat", "lon", "altitude_m", "distance_m", "speed_mps", "heart_rate", "cadence"]


@functools.cache
def _no_records() -> pd.DataFrame:
    """An empty records frame (shared: it is only ever filtered, never changed)."""
    return pd.DataFrame(
        {c: pd.Series(dtype="datetime64[ns, UTC]" if c == "time_utc" else float) for c in _RECORD_COLUMNS}
    )


def _first_fix_frame(record: dict[str, Any] | None) -> pd.DataFrame:
    """A one-row stand-in for the records: the first fix, which is all a summary needs."""
    if record is None or not isinstance(record.get("timestamp"), dt.datetime):
        return _no_records()
    row = {c: float("nan") for c in _RECORD_COLUMNS}
    row.update(
        time_utc=pd.Timestamp(record["timestamp"]).tz_localize("UTC"),
        lat=record["position_lat"] * DEGREES_PER_SEMICIRCLE,
        lon=record["position_long"] * DEGREES_PER_SEMICIRCLE,
    )
    return pd.DataFrame([row])

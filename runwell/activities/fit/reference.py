"""The reference FIT decoder: every message of a file, decoded with fitparse.

Reads what the bulk decoder (:mod:`.records`) hands back, and is the reference the
differential tests compare the bulk decoder with. Handles what real devices write: chained FIT files, developer fields, multisport
files (one session per sport), device-relative timestamps (old ANT-FS devices), files
that are not activities (monitoring, settings: skipped), truncated or unterminated files
(what was readable, marked partial), COROS field-size quirks (repaired, see
:mod:`.repair`) and CRC mismatches (read without the check, with a warning).
"""

from __future__ import annotations

import io
import struct
from typing import Any

import fitparse
import numpy as np
import pandas as pd
from fitparse.utils import FitCRCError, FitEOFError, FitHeaderError, FitParseError

from runwell.activities._session import Parsed
from runwell.activities.fit.protocol import DEGREES_PER_SEMICIRCLE, HEADER_MAGIC, crc16
from runwell.activities.fit.repair import repair_field_sizes
from runwell.activities.fit.session import Decoded, assemble, is_time
from runwell.errors import InputError, RunwellError
from runwell.limits import check_points, current

__all__ = ["read_fit_reference"]

_WANTED = ("file_id", "session", "activity", "record", "sport", "device_info")
#: What fitparse raises, besides its own errors, on damaged definitions and field values.
_DAMAGE = (
    TypeError,
    ValueError,
    KeyError,
    IndexError,
    OverflowError,
    AttributeError,
    ZeroDivisionError,
    UnicodeDecodeError,
    struct.error,
)


def _decode(data: bytes, *, check_crc: bool, path: str = "") -> Decoded:
    """Decode the wanted messages; a file that ends early keeps what was read."""
    out = Decoded()
    max_points = current().max_points
    fit = fitparse.FitFile(io.BytesIO(data), check_crc=check_crc)
    try:
        for msg in fit.get_messages(_WANTED):
            name = msg.name
            if name == "record":
                out.records.append(msg.get_values())
                if len(out.records) > max_points:
                    check_points(len(out.records), path)
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
    except (FitParseError, RunwellError):
        raise
    except _DAMAGE as err:  # fitparse's field processors choke on damaged definitions or values
        at = _position(fit)
        out.truncated = (
            f"damaged data near byte {at} ({type(err).__name__}: {' '.join(str(err).split())[:160]}); "
            f"read {len(out.records)} records before it"
        )
    finally:
        fit.close()
    return out


def _position(fit: fitparse.FitFile) -> str:
    """How far fitparse had read, for messages ("?" when it cannot say)."""
    try:
        return str(fit._file.tell())
    except (AttributeError, OSError, ValueError):
        return "?"


def crc_mismatch(data: bytes) -> bool:
    """Whether fitparse's CRC check would fail: a header or file CRC of a complete
    (chained) file in ``data`` that does not check.

    Checked here, with the C CRC of :mod:`.protocol`, so that a file with a bad CRC is
    decoded once without the check instead of twice (fitparse finds a bad file CRC only
    after decoding the whole file).
    """
    start = 0
    while start + 12 <= len(data) and data[start + 8 : start + 12] == HEADER_MAGIC:
        header_size = data[start]
        if header_size >= 14:
            (stored,) = struct.unpack_from("<H", data, start + 12)
            if stored and crc16(data[start : start + 12]) != stored:
                return True
        end = start + header_size + struct.unpack_from("<I", data, start + 4)[0]
        if end + 2 > len(data):
            return False
        if crc16(data[start : end + 2]) != 0:
            return True
        start = end + 2
    return False


def _decode_robustly(data: bytes, path: str) -> tuple[Decoded, list[str]]:
    """Decode, recovering from CRC mismatches and misaligned field sizes."""
    warnings: list[str] = []
    check = not crc_mismatch(data)
    try:
        decoded = _decode(data, check_crc=check, path=path)
        if not check and not decoded.truncated:  # a cut file never reaches its CRC: it is partial instead
            warnings.append("CRC mismatch: the file was read without the CRC check")
        return decoded, warnings
    except FitHeaderError as err:
        raise InputError(path, f"not a FIT file ({err})", fix="check the file is a .fit activity file") from err
    except FitCRCError:
        warnings = ["CRC mismatch: the file was read without the CRC check"]
        return _decode(data, check_crc=False, path=path), warnings
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
            return _decode(repaired, check_crc=False, path=path), warnings
        except FitParseError as err2:
            raise InputError(path, f"fitparse could not read the file even after repair: {err2}") from err2


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
            "time_utc": pd.to_datetime([t if is_time(t) else None for t in times], utc=True),
            "lat": col("position_lat") * DEGREES_PER_SEMICIRCLE,
            "lon": col("position_long") * DEGREES_PER_SEMICIRCLE,
            "altitude_m": col("enhanced_altitude", "altitude"),
            "distance_m": col("distance"),
            "speed_mps": col("enhanced_speed", "speed"),
            "heart_rate": col("heart_rate"),
            "cadence": col("cadence"),
        }
    )
    frame.loc[frame["heart_rate"] <= 0, "heart_rate"] = np.nan
    return frame


def read_fit_reference(data: bytes, *, path: str, streams: bool = False) -> Parsed:
    """Read one FIT file with fitparse into sessions and, optionally, samples.

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
        Partial (with the reason) when the file ends early or has no session message.

    Raises
    ------
    NotAnActivityError
        For monitoring, settings and other non-activity FIT files.
    InputError
        When nothing usable could be read.
    """
    decoded, warnings = _decode_robustly(data, path)
    return assemble(decoded, _records_frame(decoded.records), path=path, streams=streams, warnings=warnings)

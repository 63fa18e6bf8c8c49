"""What the FIT protocol fixes: epoch, base types, position units, the CRC.

One home for the numbers of the FIT SDK's protocol description that more than one module
needs: the decoders (:mod:`.fast`, :mod:`.repair`) and the writer of sample files
(:mod:`runwell.activities.write`).

Layout of a FIT file, as the walkers in :mod:`.fast` and :mod:`.repair` follow it: a 12-
or 14-byte header (its size in byte 0, the data size in bytes 4-7, ``.FIT`` in bytes
8-11), then records whose 1-byte header says definition or data message and which local
message type, then a 2-byte CRC. Several such files may be chained back to back.
:func:`definition_length` and :func:`header_run` measure that layout for the walker of
the bulk decoder (:mod:`.scan`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np

__all__ = [
    "FIT_EPOCH",
    "FIRST_ABSOLUTE_TIME",
    "DEGREES_PER_SEMICIRCLE",
    "SEMICIRCLES_PER_DEGREE",
    "HEADER_MAGIC",
    "BASE_TYPE_SIZES",
    "BASE_TYPE_STRUCT",
    "BYTE_BASE_TYPE",
    "fit_crc",
    "crc16",
    "definition_length",
    "header_run",
]

#: The FIT epoch, 1989-12-31 00:00 UTC, naive (as fitparse gives times).
FIT_EPOCH = dt.datetime(1989, 12, 31)
#: ``date_time`` values below this are seconds since the device was switched on, not
#: since the epoch (device-relative time stamps).
FIRST_ABSOLUTE_TIME = 0x10000000
#: Positions are stored in semicircles: 2**31 of them make 180 degrees.
DEGREES_PER_SEMICIRCLE = 180.0 / 2**31
#: The inverse, as writers use it (kept as its own constant so rounding stays the same).
SEMICIRCLES_PER_DEGREE = 2**31 / 180.0
#: Bytes 8-11 of every FIT file header.
HEADER_MAGIC = b".FIT"

#: Size in bytes of each base type, by base-type number (with the endian bit).
BASE_TYPE_SIZES: dict[int, int] = {
    0x00: 1, 0x01: 1, 0x02: 1, 0x83: 2, 0x84: 2, 0x85: 4, 0x86: 4, 0x07: 1,
    0x88: 4, 0x89: 8, 0x0A: 1, 0x8B: 2, 0x8C: 4, 0x0D: 1, 0x8E: 8, 0x8F: 8, 0x90: 8,
}  # fmt: skip
#: ``struct`` code and invalid value of the numeric base types (None: NaN is invalid).
BASE_TYPE_STRUCT: dict[int, tuple[str, int | None]] = {
    0x00: ("B", 0xFF), 0x01: ("b", 0x7F), 0x02: ("B", 0xFF), 0x83: ("h", 0x7FFF),
    0x84: ("H", 0xFFFF), 0x85: ("i", 0x7FFFFFFF), 0x86: ("I", 0xFFFFFFFF), 0x0A: ("B", 0x00),
    0x8B: ("H", 0x0000), 0x8C: ("I", 0x00000000), 0x88: ("f", None), 0x89: ("d", None),
    0x8E: ("q", 0x7FFFFFFFFFFFFFFF), 0x8F: ("Q", 0xFFFFFFFFFFFFFFFF), 0x90: ("Q", 0),
}  # fmt: skip
#: The ``byte`` base type: what the SDK reads a field of a misaligned size as.
BYTE_BASE_TYPE = 0x0D


def _crc_table() -> list[int]:
    table = []
    for n in range(256):
        crc = n
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_CRC_TABLE = _crc_table()


def fit_crc(data: bytes, crc: int = 0) -> int:
    """The FIT CRC-16 of ``data`` (the SDK's algorithm, byte-table form).

    Parameters
    ----------
    data
        The bytes to check.
    crc
        The CRC so far, to continue a running check.

    Returns
    -------
    int
        The CRC; over a whole file including its stored CRC it is 0.

    Examples
    --------
    >>> fit_crc(b"123456789") == 0xBB3D  # the CRC-16/ARC check value
    True
    """
    table = _CRC_TABLE
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


def _fast_crc() -> Callable[[bytes], int]:
    """anycrc's C implementation of CRC-16/ARC (the FIT CRC), else :func:`fit_crc`."""
    try:
        import anycrc
    except ImportError:  # pragma: no cover - anycrc is a dependency; keep working without it
        return fit_crc
    return anycrc.Model("CRC16-ARC").calc


#: The FIT CRC of a whole buffer, about 300 times faster than :func:`fit_crc` when the
#: C implementation (anycrc) is installed; the same values either way.
crc16: Callable[[bytes], int] = _fast_crc()


def definition_length(data: bytes, pos: int) -> int:
    """The length of the definition message at ``pos``, or 0 when it runs past the end.

    Examples
    --------
    >>> definition_length(bytes([0x40, 0, 0, 20, 0, 2, 253, 4, 0x86, 3, 1, 2]), 0)
    12
    """
    n = len(data)
    if pos + 6 > n:
        return 0
    length = 6 + 3 * data[pos + 5]
    if data[pos] & 0x20:
        if pos + length >= n:
            return 0
        length += 1 + 3 * data[pos + length]
    return length if pos + length <= n else 0


def header_run(arr: np.ndarray, pos: int, step: int, limit: int, want: int) -> int:
    """How many messages from ``pos`` on, ``step`` bytes apart and starting before
    ``limit``, have the header byte ``want``: one numpy step per window, the window
    growing so that a long run costs a few steps and a short one little."""
    total, window = 0, 64
    while pos < limit:
        stop = min(limit, pos + window * step)
        cand = arr[pos:stop:step]
        miss = np.flatnonzero(cand != want)
        if miss.size:
            return total + int(miss[0])
        total += len(cand)
        pos += len(cand) * step
        window *= 8
    return total

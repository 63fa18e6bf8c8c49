"""Byte-level repair of FIT files that the reference decoder rejects.

Some devices write definition messages whose field size is not a multiple of the base
type's size (COROS PACE 2 writes 1-byte ``uint32`` fields). The FIT SDK reads such a
field as raw bytes; fitparse 1.2 raises ``FitParseError("Invalid field size ...")``.
:func:`repair_field_sizes` walks the record headers and rewrites the base type of each
such field to ``byte`` (0x0D), which is exactly what the SDK does, so that fitparse can
read the rest of the file. The file's CRC no longer matches afterwards, so the caller
reads the repaired bytes with CRC checks off.

The walk follows the FIT protocol (:mod:`.protocol`): a data message's size is the sum
of its definition's field sizes; chained FIT files are walked one after the other.
"""

from __future__ import annotations

import struct

from runwell.activities.fit.protocol import BASE_TYPE_SIZES, BYTE_BASE_TYPE, HEADER_MAGIC

__all__ = ["repair_field_sizes"]


def _walk_one(buf: bytearray, start: int) -> tuple[int, int]:
    """Repair one FIT file inside ``buf`` starting at ``start``.

    Returns the offset just past this file (after its CRC) and the number of fields
    rewritten. Stops early, without error, at a truncated record.
    """
    header_size = buf[start]
    if start + 12 > len(buf) or buf[start + 8 : start + 12] != HEADER_MAGIC:
        return len(buf), 0
    data_size = struct.unpack_from("<I", buf, start + 4)[0]
    pos = start + header_size
    end = min(pos + data_size, len(buf))
    sizes: dict[int, int] = {}
    fixed = 0
    while pos < end:
        rec = buf[pos]
        pos += 1
        if rec & 0x80:  # compressed-timestamp data message
            local = (rec >> 5) & 0x03
            pos += sizes.get(local, 0)
            continue
        local = rec & 0x0F
        if rec & 0x40:  # definition message
            if pos + 5 > end:
                break
            n_fields = buf[pos + 4]
            pos += 5
            total = 0
            for _ in range(n_fields):
                if pos + 3 > end:
                    return len(buf), fixed
                size, base = buf[pos + 1], buf[pos + 2]
                unit = BASE_TYPE_SIZES.get(base, 1)
                if size % unit:
                    buf[pos + 2] = BYTE_BASE_TYPE
                    fixed += 1
                total += size
                pos += 3
            if rec & 0x20:  # developer fields
                if pos >= end:
                    break
                n_dev = buf[pos]
                pos += 1
                for _ in range(n_dev):
                    total += buf[pos + 1] if pos + 1 < end else 0
                    pos += 3
            sizes[local] = total
        else:
            pos += sizes.get(local, 0)
    return end + 2, fixed


def repair_field_sizes(data: bytes) -> tuple[bytes, int]:
    """Rewrite misaligned FIT field definitions as byte fields.

    Parameters
    ----------
    data
        The FIT file's bytes (one file or several chained).

    Returns
    -------
    bytes, int
        The repaired bytes and how many field definitions were rewritten (0 means the
        file had no such quirk and the bytes are unchanged).
    """
    buf = bytearray(data)
    pos, fixed = 0, 0
    while pos + 12 <= len(buf):
        pos, n = _walk_one(buf, pos)
        fixed += n
    return bytes(buf), fixed

"""FIT-aware mutators: header, definition messages, record headers, CRCs and dates.

:func:`walk` finds the structure of a FIT file (chained files too) so that a mutator can
hit one field of it: the header's size, protocol and data size; a definition's field
count, field size, base type, architecture byte or local message number; a data
message's header (made undefined, or a compressed-timestamp header); a timestamp field
set to 0xFFFFFFFF or another far value; the CRCs. Mutations of message content are
followed, most of the time, by fresh CRCs so that readers that check them look further.
"""

from __future__ import annotations

import random
import struct
from dataclasses import dataclass, field

from fuzzing.mutators import register

__all__ = ["Definition", "FitLayout", "crc16", "fix_crcs", "walk"]

_CRC_TABLE = (
    0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
    0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
)  # fmt: skip

#: Valid FIT base types, and a few that are not.
BASE_TYPES = (0x00, 0x01, 0x02, 0x83, 0x84, 0x85, 0x86, 0x07, 0x88, 0x89, 0x0A, 0x8B, 0x8C, 0x8D, 0x8E, 0x8F, 0x90)
BAD_BASE_TYPES = (0x1F, 0xFF, 0x13, 0x91)
#: Far-off values for a uint32 date field (FIT seconds since 1989-12-31).
FAR_DATES = (0xFFFFFFFF, 0xFFFFFFFE, 0xF0000000, 0x7FFFFFFF, 0x00000000, 0x10000000)


def crc16(data: bytes, crc: int = 0) -> int:
    """The FIT CRC-16 of ``data``.

    Examples
    --------
    >>> hex(crc16(b"123456789"))
    '0xbb3d'
    """
    for byte in data:
        for nibble in (byte & 0xF, byte >> 4):
            tmp = _CRC_TABLE[crc & 0xF]
            crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ _CRC_TABLE[nibble]
    return crc


@dataclass
class Definition:
    """A definition message: where it is and the fields it defines."""

    offset: int
    local: int
    arch: int
    global_num: int
    fields: list[tuple[int, int, int, int]]  # (offset of the 3-byte triple, number, size, base type)
    size: int  # bytes of one data message of this definition, header excluded


@dataclass
class FitLayout:
    """The structure :func:`walk` found."""

    segments: list[tuple[int, int, int]] = field(default_factory=list)  # (start, header size, data size)
    defs: list[Definition] = field(default_factory=list)
    data: list[tuple[int, Definition]] = field(default_factory=list)  # (offset of record header, its definition)


def _walk_segment(buf: bytes, start: int, out: FitLayout) -> int:
    """Walk one FIT file from ``start``; return where the next one would begin (0: stop)."""
    hsize = buf[start]
    if hsize < 12 or start + hsize > len(buf) or buf[start + 8 : start + 12] != b".FIT":
        return 0
    dsize = struct.unpack_from("<I", buf, start + 4)[0]
    end = min(start + hsize + dsize, len(buf))
    out.segments.append((start, hsize, dsize))
    local: dict[int, Definition] = {}
    pos = start + hsize
    while pos < end:
        h = buf[pos]
        if h & 0x80 or not h & 0x40:
            d = local.get((h >> 5) & 3 if h & 0x80 else h & 0x0F)
            if d is None:
                return 0
            out.data.append((pos, d))
            pos += 1 + d.size
            continue
        if pos + 6 > end:
            return 0
        arch, n = buf[pos + 2], buf[pos + 5]
        if pos + 6 + 3 * n > end:
            return 0
        gnum = struct.unpack_from(">H" if arch else "<H", buf, pos + 3)[0]
        fields = [(pos + 6 + 3 * i, *buf[pos + 6 + 3 * i : pos + 9 + 3 * i]) for i in range(n)]
        size, nxt = sum(f[2] for f in fields), pos + 6 + 3 * n
        if h & 0x20 and nxt < end:
            ndev = buf[nxt]
            size += sum(buf[nxt + 2 + 3 * i] for i in range(ndev) if nxt + 2 + 3 * i < end)
            nxt += 1 + 3 * ndev
        local[h & 0x0F] = d = Definition(pos, h & 0x0F, arch, gnum, fields, size)
        out.defs.append(d)
        pos = nxt
    return start + hsize + dsize + 2 if start + hsize + dsize + 2 < len(buf) else 0


def walk(buf: bytes) -> FitLayout:
    """Find the header(s), definitions and data messages of a FIT file.

    Parameters
    ----------
    buf
        The file's bytes. Walking stops quietly where the structure stops making sense.

    Returns
    -------
    FitLayout
        Chained files give several segments.
    """
    out = FitLayout()
    start = 0
    while True:
        try:
            start = _walk_segment(buf, start, out)
        except (IndexError, struct.error):
            return out
        if not start:
            return out


def fix_crcs(buf: bytearray) -> None:
    """Rewrite the header CRC and file CRC of every segment :func:`walk` finds, in place."""
    for start, hsize, dsize in walk(bytes(buf)).segments:
        if hsize >= 14:
            struct.pack_into("<H", buf, start + 12, crc16(bytes(buf[start : start + 12])))
        end = start + hsize + dsize
        if end + 2 <= len(buf):
            struct.pack_into("<H", buf, end, crc16(bytes(buf[start:end])))


def _finish(buf: bytearray, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Refresh the CRCs most of the time, so the damage reaches the decoder."""
    if rng.random() < 0.7:
        fix_crcs(buf)
    return bytes(buf), name


@register("fit", "fit")
def m_fit_header_size(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Set the header-size byte to an impossible or swapped value."""
    buf = bytearray(data or b"\0")
    buf[0] = rng.choice([0, 1, 11, 13, 15, 255, 12 if buf[0] == 14 else 14])
    return bytes(buf), name


@register("fit", "fit")
def m_fit_data_size(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Set the header's data_size too small, too large or to 0xFFFFFFFF."""
    buf = bytearray(data.ljust(12, b"\0"))
    true = struct.unpack_from("<I", buf, 4)[0]
    value = rng.choice([0, 1, true - 1, true + 1, true + 1000, 0xFFFFFFFF, 0x7FFFFFFF, 2 * len(buf)])
    struct.pack_into("<I", buf, 4, value % 2**32)
    return _finish(buf, rng, name)


@register("fit", "fit")
def m_fit_protocol(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Change the protocol or profile version, or the ``.FIT`` signature."""
    buf = bytearray(data.ljust(12, b"\0"))
    what = rng.randrange(3)
    if what == 0:
        buf[1] = rng.choice([0x00, 0x30, 0xFF, 0x21, 0x10 if buf[1] != 0x10 else 0x20])
    elif what == 1:
        struct.pack_into("<H", buf, 2, rng.choice([0, 0xFFFF, 9999, 1]))
    else:
        buf[8:12] = rng.choice([b".fit", b"FIT.", b"\0\0\0\0"])
    return _finish(buf, rng, name)


def _pick_def(data: bytes, rng: random.Random) -> tuple[bytearray, Definition | None]:
    """A mutable copy of the file and one of its definition messages (None if it has none)."""
    layout = walk(data)
    return bytearray(data), (rng.choice(layout.defs) if layout.defs else None)


@register("fit", "fit")
def m_fit_def_field_count(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Change the field count of one definition message."""
    buf, d = _pick_def(data, rng)
    if d is not None:
        n = len(d.fields)
        buf[d.offset + 5] = rng.choice([0, 255, n + 1, max(n - 1, 0), 100])
    return _finish(buf, rng, name)


@register("fit", "fit")
def m_fit_def_field_size(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Change the size of one field of a definition (0, odd, 255, doubled)."""
    buf, d = _pick_def(data, rng)
    if d is not None and d.fields:
        off, _, size, _ = rng.choice(d.fields)
        buf[off + 1] = rng.choice([0, 1, 3, 7, 255, min(2 * size, 255)])
    return _finish(buf, rng, name)


@register("fit", "fit")
def m_fit_def_base_type(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Change the base type of one field (to another valid one, or an invalid one)."""
    buf, d = _pick_def(data, rng)
    if d is not None and d.fields:
        off = rng.choice(d.fields)[0]
        buf[off + 2] = rng.choice(BASE_TYPES + BAD_BASE_TYPES)
    return _finish(buf, rng, name)


@register("fit", "fit")
def m_fit_def_arch(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Flip the architecture byte of one or every definition (little/big endian, junk)."""
    layout = walk(data)
    buf = bytearray(data)
    if not layout.defs:
        return _finish(buf, rng, name)
    for d in layout.defs if rng.random() < 0.3 else [rng.choice(layout.defs)]:
        buf[d.offset + 2] = rng.choice([1 - (d.arch & 1), 2, 0xFF])
    return _finish(buf, rng, name)


@register("fit", "fit")
def m_fit_local_msg(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Point a data message at an undefined or other local type, or renumber a definition."""
    layout = walk(data)
    buf = bytearray(data)
    if layout.data and rng.random() < 0.6:
        pos, _ = rng.choice(layout.data)
        buf[pos] = (buf[pos] & 0xF0 if not buf[pos] & 0x80 else 0) | rng.randrange(16)
    elif layout.defs:
        d = rng.choice(layout.defs)
        buf[d.offset] = (buf[d.offset] & 0xF0) | rng.randrange(16)
    return _finish(buf, rng, name)


@register("fit", "fit")
def m_fit_compressed_ts(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Turn data-message headers into compressed-timestamp headers (first, one or many)."""
    layout = walk(data)
    buf = bytearray(data)
    candidates = [(pos, d) for pos, d in layout.data if d.local < 4]
    if not candidates:
        return _finish(buf, rng, name)
    how = rng.randrange(3)
    chosen = candidates[:1] if how == 0 else [rng.choice(candidates)] if how == 1 else candidates[:: rng.choice([2, 7])]
    for pos, d in chosen:
        buf[pos] = 0x80 | (d.local << 5) | rng.randrange(32)
    return _finish(buf, rng, name)


@register("fit", "fit")
def m_fit_crc(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Damage the file CRC or the header CRC (or drop the trailing CRC)."""
    buf = bytearray(data)
    segs = walk(data).segments
    start, hsize, dsize = rng.choice(segs) if segs else (0, 12, max(len(buf) - 14, 0))
    end = start + hsize + dsize
    what = rng.randrange(3)
    if what == 0 and end + 2 <= len(buf):
        buf[end : end + 2] = rng.choice([b"\0\0", b"\xff\xff", bytes([buf[end] ^ 1, buf[end + 1]])])
    elif what == 1 and hsize >= 14 and start + 14 <= len(buf):
        buf[start + 12 : start + 14] = rng.choice([b"\x01\x00", b"\xff\xff"])
    else:
        del buf[max(end, 0) : end + 2]
    return bytes(buf), name


def _date_fields(d: Definition) -> list[int]:
    """Byte offsets (within a data message) of uint32 date fields of a definition."""
    out, at = [], 1
    for _, num, size, _ in d.fields:
        if size == 4 and (num == 253 or (d.global_num == 0 and num == 4) or (d.global_num in (18, 19) and num == 2)):
            out.append(at)
        at += size
    return out


@register("fit", "fit")
def m_fit_date(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Set a timestamp (or time_created, start_time) to 0xFFFFFFFF or another far value."""
    layout = walk(data)
    buf = bytearray(data)
    hits = [(pos, d, at) for pos, d in layout.data if not buf[pos] & 0x80 for at in _date_fields(d)]
    if not hits:
        return _finish(buf, rng, name)
    value = rng.choice(FAR_DATES)
    chosen = hits if rng.random() < 0.3 else [rng.choice(hits)]
    for pos, d, at in chosen:
        if pos + at + 4 <= len(buf):
            struct.pack_into(">I" if d.arch else "<I", buf, pos + at, value)
    return _finish(buf, rng, name)

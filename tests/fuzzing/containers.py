"""Container mutators: damaged zips and gzips around a seed's payload.

Zips are written with :mod:`zipfile` and then patched (CRC, encryption flag,
compression method) in both the local header and the central directory, or built by
hand (the bombs). Bombs are small on disk: 3 GiB of zeros deflate to about 3 MB, built
from one compressed block repeated (:func:`zeros_deflate`), so building one is quick.
"""

from __future__ import annotations

import functools
import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable

from fuzzing.mutators import register

__all__ = ["bomb_gzip", "bomb_zip", "zeros_deflate", "zip_of"]

_CHUNK = 1 << 24  # 16 MiB of zeros per repeated deflate block
_DOS_DATE = (2020, 1, 1, 0, 0, 0)


def _stem(name: str) -> str:
    """``run.fit`` -> ``run``; ``a.fit.gz`` -> ``a.fit``."""
    return name.rsplit(".", 1)[0] if "." in name else name


def zip_of(members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip holding ``members`` (name, bytes), with fixed dates so bytes are reproducible."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name, _DOS_DATE), data, method)
    return buf.getvalue()


def _patch_headers(data: bytes, local_off: int, central_off: int, fmt: str, func: Callable[[int], int]) -> bytes:
    """Apply ``func(old) -> new`` to one field in every local and central header."""
    buf = bytearray(data)
    for sig, off in ((b"PK\x03\x04", local_off), (b"PK\x01\x02", central_off)):
        at = buf.find(sig)
        while at >= 0:
            (old,) = struct.unpack_from(fmt, buf, at + off)
            struct.pack_into(fmt, buf, at + off, func(old))
            at = buf.find(sig, at + 4)
    return bytes(buf)


@functools.lru_cache(maxsize=4)
def zeros_deflate(n_bytes: int) -> tuple[bytes, int]:
    """A raw deflate stream of ``n_bytes`` zeros (a multiple of 16 MiB) and its CRC-32.

    The stream is one full-flushed block, repeated: after a full flush the compressor
    keeps no history, so every 16 MiB of zeros compresses to the same bytes.
    """
    chunk = bytes(_CHUNK)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    comp.compress(chunk)
    comp.flush(zlib.Z_FULL_FLUSH)
    block = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    tail = comp.flush()
    n = n_bytes // _CHUNK
    crc = 0
    for _ in range(n):
        crc = zlib.crc32(chunk, crc)
    return block * n + tail, crc


def bomb_zip(member: str, n_bytes: int = 3 << 30, declared: int | None = None) -> bytes:
    """A zip with one deflated member of ``n_bytes`` zeros (header may lie: ``declared``)."""
    stream, crc = zeros_deflate(n_bytes)
    size = n_bytes if declared is None else declared
    name = member.encode()
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0x5021, crc, len(stream), size, len(name), 0)
    head = (20, 20, 0, 8, 0, 0x5021)  # versions, flags, method (deflate), time, date
    central = struct.pack("<4s6H3I5H2I", b"PK\x01\x02", *head, crc, len(stream), size, len(name), 0, 0, 0, 0, 0, 0)
    cd_off = len(local) + len(name) + len(stream)
    eocd = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(central) + len(name), cd_off, 0)
    return local + name + stream + central + name + eocd


def bomb_gzip(n_bytes: int = 3 << 30) -> bytes:
    """A gzip file of ``n_bytes`` zeros (about n_bytes / 1000 on disk)."""
    stream, crc = zeros_deflate(n_bytes)
    return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + stream + struct.pack("<II", crc, n_bytes % 2**32)


@register("container")
def m_zip_bad_crc(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Zip the payload, then damage the member's CRC-32 (in one header or both)."""
    out = zip_of([(name, data)], rng.choice([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
    flip = rng.choice([1, 0xFFFFFFFF, 0x80000000])
    out = _patch_headers(out, 14, 16, "<I", lambda old: old ^ flip)
    return out, _stem(name) + ".zip"


@register("container")
def m_zip_encrypted(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Zip the payload and set the "encrypted" flag bit (the data stays plain)."""
    out = zip_of([(name, data)])
    return _patch_headers(out, 6, 8, "<H", lambda old: old | 1), _stem(name) + ".zip"


@register("container")
def m_zip_method(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """A real LZMA/bzip2 member, or a compression method id nobody implements."""
    if rng.random() < 0.4:
        return zip_of([(name, data)], rng.choice([zipfile.ZIP_LZMA, zipfile.ZIP_BZIP2])), _stem(name) + ".zip"
    method = rng.choice([14, 12, 9, 99, 97, 6, 0xFFFF])
    return _patch_headers(zip_of([(name, data)]), 8, 10, "<H", lambda old: method), _stem(name) + ".zip"


@register("container")
def m_zip_traversal(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Members named ``../..``, absolute paths or drive letters (zip slip)."""
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    bad = rng.choice(
        [
            f"../../runwell_fuzz_escape{suffix}",
            f"/tmp/runwell_fuzz_escape_abs{suffix}",
            f"..\\..\\runwell_fuzz_escape{suffix}",
            f"a/../../../runwell_fuzz_escape{suffix}",
            f"C:/runwell_fuzz_escape{suffix}",
        ]
    )
    members = [(bad, data)] if rng.random() < 0.5 else [(name, data), (bad, data)]
    return zip_of(members), _stem(name) + ".zip"


@register("container")
def m_zip_nested(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """The payload inside zips nested 2 to 50 deep."""
    out, member = data, name
    for level in range(rng.choice([2, 5, 50])):
        out, member = zip_of([(member, out)]), f"level{level}.zip"
    return out, _stem(name) + ".zip"


@register("container")
def m_zip_bomb(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """A member of 3 GiB of zeros (ratio ~1000:1); sometimes its header claims less."""
    declared = rng.choice([None, None, len(data)])
    return bomb_zip(name, 3 << 30, declared), _stem(name) + ".zip"


@register("container")
def m_gzip_bomb(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """3 GiB of zeros as ``<name>.gz``."""
    return bomb_gzip(3 << 30), name + ".gz"


@register("container")
def m_gzip_trailer(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Gzip the payload, then damage the trailer: CRC, size, cut short, or junk after it."""
    out = bytearray(zlib_gzip(data))
    what = rng.randrange(4)
    if what == 0:
        out[-8] ^= 0xFF
    elif what == 1:
        struct.pack_into("<I", out, len(out) - 4, rng.choice([0, 0xFFFFFFFF, len(data) + 1]))
    elif what == 2:
        del out[-rng.randrange(1, 9) :]
    else:
        out += rng.choice([b"\x1f\x8b\x08\x00junk", b"\0" * 7, rng.randbytes(32)])
    return bytes(out), name + ".gz"


def zlib_gzip(data: bytes) -> bytes:
    """Gzip bytes with mtime 0 (reproducible)."""
    comp = zlib.compressobj(6, zlib.DEFLATED, 31)
    return comp.compress(data) + comp.flush()

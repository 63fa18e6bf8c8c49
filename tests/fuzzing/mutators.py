"""Mutator registry and the generic byte mutators.

A mutator turns the bytes of a seed file into a damaged input, deterministically from a
``random.Random``. It is called as ``func(data, rng, name)`` and returns the new bytes and
the file name to save them under (the name matters: readers choose a format by suffix).

Families
--------
``generic``
    Byte flips, inserts, deletes, truncation, zeroed ranges, duplicated chunks: any file.
``fit``, ``xml``, ``csv``, ``json``
    Format-aware damage (:mod:`fuzzing.fitmut`, :mod:`fuzzing.textmut`). Applied to the
    payload of a ``.gz`` or single-member ``.zip`` seed, which is then wrapped again.
``container``
    Zip and gzip damage around the seed's payload (:mod:`fuzzing.containers`).

:func:`mutate` is the one entry point; it guarantees that the output differs from the
input. :func:`applicable` lists the mutators that fit a seed.
"""

from __future__ import annotations

import gzip
import io
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "MUTATORS",
    "Mutator",
    "applicable",
    "file_format",
    "mutate",
    "register",
    "unwrap",
]

MutatorFunc = Callable[[bytes, random.Random, str], tuple[bytes, str]]


@dataclass(frozen=True)
class Mutator:
    """One registered mutator.

    Attributes
    ----------
    name
        Registry key, stored in recipes.
    family
        ``generic``, ``fit``, ``xml``, ``csv``, ``json`` or ``container``.
    formats
        Payload formats (see :func:`file_format`) it applies to; empty for any.
    func
        ``func(data, rng, name) -> (bytes, name)``.
    """

    name: str
    family: str
    formats: frozenset[str]
    func: MutatorFunc


#: Every mutator by name, filled by :func:`register` as the modules are imported.
MUTATORS: dict[str, Mutator] = {}


def register(family: str, *formats: str) -> Callable[[MutatorFunc], MutatorFunc]:
    """Register a mutator under its function name (without a leading ``m_``).

    Parameters
    ----------
    family
        The mutator family.
    *formats
        Payload formats it applies to (none: any).

    Returns
    -------
    callable
        A decorator returning the function unchanged.
    """

    def deco(func: MutatorFunc) -> MutatorFunc:
        name = func.__name__.removeprefix("m_")
        MUTATORS[name] = Mutator(name, family, frozenset(formats), func)
        return func

    return deco


def file_format(name: str) -> str:
    """The format runwell would see for a file name.

    Parameters
    ----------
    name
        A file name (only the suffix counts, in any case).

    Returns
    -------
    str
        ``fit``, ``gpx``, ``tcx``, ``xml``, ``csv``, ``json``, ``gz``, ``zip`` or ``other``.

    Examples
    --------
    >>> file_format("a.FIT"), file_format("b.fit.gz"), file_format("c.txt")
    ('fit', 'gz', 'other')
    """
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    known = {"fit", "gpx", "tcx", "xml", "csv", "json", "gz", "zip"}
    return suffix if suffix in known else "other"


def unwrap(data: bytes, name: str) -> tuple[bytes, str]:
    """The payload of a ``.gz`` file or a zip's first member; other files as they are.

    Parameters
    ----------
    data, name
        The file's bytes and name.

    Returns
    -------
    tuple of (bytes, str)
        Payload bytes and payload name (the member name for a zip, the name without
        ``.gz`` for gzip).
    """
    fmt = file_format(name)
    try:
        if fmt == "gz":
            return gzip.decompress(data), name[:-3]
        if fmt == "zip":
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                info = next(i for i in zf.infolist() if not i.is_dir())
                return zf.read(info), info.filename
    except (OSError, EOFError, zipfile.BadZipFile, StopIteration):
        pass
    return data, name


def _rewrap(payload: bytes, inner: str, data: bytes, name: str) -> bytes:
    """Put a mutated payload back into the container it came from."""
    fmt = file_format(name)
    if fmt == "gz" and inner != name:
        return gzip.compress(payload, mtime=0)
    if fmt == "zip" and inner != name:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(zipfile.ZipInfo(inner, (2020, 1, 1, 0, 0, 0)), payload, zipfile.ZIP_DEFLATED)
        return buf.getvalue()
    return payload


def applicable(data: bytes, name: str) -> list[str]:
    """Names of the mutators that fit a seed, in registry order.

    Parameters
    ----------
    data, name
        The seed's bytes and name.

    Returns
    -------
    list of str
        Generic and container mutators, plus those for the payload's format.
    """
    _load_families()
    inner = file_format(unwrap(data, name)[1])
    return [m.name for m in MUTATORS.values() if not m.formats or inner in m.formats]


def mutate(name: str, data: bytes, filename: str, rng_seed: int) -> tuple[bytes, str]:
    """Apply one mutator deterministically.

    Parameters
    ----------
    name
        Mutator name (a key of :data:`MUTATORS`).
    data, filename
        The seed's bytes and file name.
    rng_seed
        Seed of the ``random.Random`` the mutator draws from.

    Returns
    -------
    tuple of (bytes, str)
        The damaged bytes (never equal to ``data``) and the name to save them under.
    """
    _load_families()
    mut = MUTATORS[name]
    rng = random.Random(rng_seed)
    if mut.family == "generic":
        out, out_name = mut.func(data, rng, filename)
    elif mut.family == "container":
        payload, inner = unwrap(data, filename)
        out, out_name = mut.func(payload, rng, inner)
        if file_format(out_name) == "zip" and file_format(filename) == "zip":
            out_name = filename
    else:
        payload, inner = unwrap(data, filename)
        new, _ = mut.func(payload, rng, inner)
        out, out_name = _rewrap(new, inner, data, filename), filename
    if out == data:
        out, _ = m_bitflip(data, rng, filename)
    return out, out_name


def _load_families() -> None:
    """Import the modules that register the format and container mutators."""
    from fuzzing import containers, fitmut, textmut  # noqa: F401


# --------------------------------------------------------------------------- generic


def _span(rng: random.Random, n: int) -> tuple[int, int]:
    """A random [start, stop) range of a buffer of length ``n``, mostly short."""
    start = rng.randrange(max(n, 1))
    length = rng.choice([1, 2, 4, 16, 256, 4096, max(n // 4, 1)])
    return start, min(n, start + length)


@register("generic")
def m_bitflip(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Flip 1 to 64 random bits."""
    buf = bytearray(data or b"\0")
    for _ in range(rng.choice([1, 2, 8, 64])):
        buf[rng.randrange(len(buf))] ^= 1 << rng.randrange(8)
    return bytes(buf), name


@register("generic")
def m_byte_insert(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Insert random or boundary bytes (0x00, 0xFF, 0x7F, 0x80) at random offsets."""
    buf = bytearray(data)
    for _ in range(rng.choice([1, 3, 16])):
        chunk = rng.choice([bytes([rng.choice([0, 0xFF, 0x7F, 0x80])]) * rng.choice([1, 4]), rng.randbytes(8)])
        at = rng.randrange(len(buf) + 1)
        buf[at:at] = chunk
    return bytes(buf), name


@register("generic")
def m_byte_delete(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Delete one random range of bytes."""
    start, stop = _span(rng, len(data))
    return data[:start] + data[stop:], name


@register("generic")
def m_truncate(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Cut the file at a random offset (sometimes at 0 or 1 byte before the end)."""
    n = len(data)
    cut = rng.choice([0, max(n - 1, 0), rng.randrange(max(n, 1)), rng.randrange(max(n // 10, 1))])
    return data[:cut], name


@register("generic")
def m_zero_range(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Overwrite a random range with zero bytes."""
    start, stop = _span(rng, len(data))
    return data[:start] + bytes(stop - start) + data[stop:], name


@register("generic")
def m_dup_chunk(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Copy a random chunk to a random offset (sometimes many times over)."""
    start, stop = _span(rng, len(data))
    chunk = data[start:stop] * rng.choice([1, 1, 2, 50])
    at = rng.choice([stop, rng.randrange(len(data) + 1)])
    return data[:at] + chunk + data[at:], name

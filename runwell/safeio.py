"""Opening untrusted files safely: archives, gzip, folders, with the limits of :mod:`runwell.limits`.

Every reader opens its input through here, so that one damaged or hostile file gives one
:class:`~runwell.errors.InputError` naming it, never another exception, a hang or a
process that runs out of memory:

* zip and gzip failures (bad CRC, truncated or damaged streams, encrypted members, unknown
  compression methods, ``zlib.error``, ``EOFError``) become errors naming the archive and
  member (:func:`translated`);
* decompression is streamed and stopped at the limits (:class:`BoundedReader`): a member
  inflating more than ``max_ratio`` times its size past ``ratio_floor_mb``, an archive
  inflating past ``max_archive_gb`` in total (:class:`Budget`), a file read whole beyond
  ``max_read_mb``;
* member names that would escape a folder (``../x``, ``/etc/x``, ``C:\\x``) are named as
  such (:func:`hostile_name`), never silently dropped; runwell never extracts to disk;
* folders are walked without following symbolic links out of them and without opening
  devices or pipes (:func:`walk_folder`).

Nothing here opens a network connection.
"""

from __future__ import annotations

import gzip
import io
import lzma
import os
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from runwell.errors import InputError, LimitError, RunwellError
from runwell.limits import MB, Limits, current, limit_error

__all__ = [
    "Budget",
    "BoundedReader",
    "translated",
    "hostile_name",
    "member_issue",
    "open_archive",
    "open_member",
    "read_member",
    "read_file",
    "read_all",
    "gunzip",
    "walk_folder",
    "FolderEntry",
    "damage_reason",
    "position_of",
    "refusal",
]

#: Exceptions that decompressing or parsing a container raises on damaged bytes.
CONTAINER_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    struct.error,
    OverflowError,
    IndexError,
    KeyError,
    UnicodeDecodeError,
)
#: Compression methods :mod:`zipfile` can inflate.
SUPPORTED_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA})
#: Bytes asked for per read; bzip2 and LZMA members are read in small steps (their
#: decompressors take no output bound, so a small input step bounds each output).
CHUNK = 1 << 20
_SMALL_STEP = 256
_DRIVE = re.compile(r"^[A-Za-z]:")
_FIX_DOWNLOAD = "re-download or re-export the file; it is damaged"


def damage_reason(err: BaseException) -> str:
    """A one-line account of a container error for a message.

    Examples
    --------
    >>> damage_reason(zipfile.BadZipFile("Bad CRC-32 for file 'a.fit'"))
    "damaged archive (Bad CRC-32 for file 'a.fit')"
    >>> damage_reason(NotImplementedError("That compression method is not supported"))
    'compressed with a method runwell cannot unpack (That compression method is not supported)'
    """
    text = " ".join(str(err).split())[:200] or type(err).__name__
    if isinstance(err, NotImplementedError):
        return f"compressed with a method runwell cannot unpack ({text})"
    if isinstance(err, RuntimeError) and "encrypted" in text.lower():
        return f"encrypted (password-protected), which runwell cannot read ({text})"
    if isinstance(err, RecursionError):
        return "nested too deeply to read"
    if isinstance(err, zipfile.BadZipFile | zipfile.LargeZipFile):
        return f"damaged archive ({text})"
    if isinstance(err, zlib.error | lzma.LZMAError | EOFError | gzip.BadGzipFile):
        return f"damaged compressed data ({type(err).__name__}: {text})"
    return f"unreadable container ({type(err).__name__}: {text})"


@contextmanager
def translated(where: str, fix: str = _FIX_DOWNLOAD) -> Iterator[None]:
    """Turn container errors raised inside the block into an :class:`InputError` naming ``where``.

    :class:`~runwell.errors.RunwellError` passes unchanged.

    Parameters
    ----------
    where
        The file (``archive.zip!member`` inside an archive).
    fix
        What the user can do.
    """
    try:
        yield
    except RunwellError:
        raise
    except CONTAINER_ERRORS as err:
        raise InputError(where, damage_reason(err), fix=fix) from err


class Budget:
    """Bytes inflated from one archive so far; nested archives share their parent's budget.

    Parameters
    ----------
    where
        The archive, named in the error.
    limits
        The limits in force (default: :func:`runwell.limits.current`).
    """

    def __init__(self, where: str, limits: Limits | None = None) -> None:
        self.where = where
        self.limits = limits or current()
        self.used = 0

    def spend(self, n: int, member: str) -> None:
        """Count ``n`` more bytes inflated from ``member``; raise past ``max_archive_gb``."""
        self.used += n
        if self.used > self.limits.max_archive_bytes:
            raise limit_error(
                member,
                f"the archive {self.where} inflates to more than {self.limits.max_archive_gb:g} GB in total "
                "(a decompression bomb?); stopped",
                "max_archive_gb",
            )


class BoundedReader(io.RawIOBase):
    """A decompressing stream, read through the limits and with its errors translated.

    Parameters
    ----------
    raw
        The decompressing file object (a zip member, a :class:`gzip.GzipFile`).
    where
        The file it is, for messages.
    compressed
        Its compressed size in bytes, for the ratio limit (``None``: no ratio check).
    budget
        The archive's :class:`Budget`, if it is inside one.
    max_total
        Stop past this many bytes (reading a file whole into memory).
    step
        Most bytes asked of ``raw`` per read.
    consumed
        Returns how many compressed bytes have been read so far (the ratio is then that
        of the output to them, which stops a bomb at ``ratio_floor_mb``, not at
        ``max_ratio`` times its whole size).
    owned
        A file object closed with this one (the compressed file under ``raw``).
    """

    def __init__(
        self,
        raw: IO[bytes],
        where: str,
        *,
        compressed: int | None = None,
        budget: Budget | None = None,
        max_total: int | None = None,
        step: int = CHUNK,
        consumed: Callable[[], int] | None = None,
        owned: IO[bytes] | None = None,
    ) -> None:
        super().__init__()
        self.consumed = consumed
        self.owned = owned
        self._raw = raw
        self.where = where
        self.compressed = compressed
        self.budget = budget
        self.max_total = max_total
        self.step = step
        self.total = 0
        self.limits = budget.limits if budget is not None else current()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        with translated(self.where):
            data = self._raw.read(min(len(view), self.step))
        n = len(data)
        view[:n] = data
        self._account(n)
        return n

    def _account(self, n: int) -> None:
        self.total += n
        lim = self.limits
        if self.total > lim.ratio_floor_bytes and (self.compressed is not None or self.consumed is not None):
            base = self._compressed_so_far()
            if self.total > lim.max_ratio * max(base, 1):
                raise limit_error(
                    self.where,
                    f"inflates more than {lim.max_ratio:g} times its compressed size "
                    f"({self.total / MB:.0f} MB from {base / 1024:.0f} kB; a decompression bomb?); stopped",
                    "max_ratio",
                )
        if self.max_total is not None and self.total > self.max_total:
            raise limit_error(
                self.where,
                f"larger than the {self.max_total / MB:.0f} MB runwell reads into memory at once",
                "max_read_mb",
            )
        if self.budget is not None and n:
            self.budget.spend(n, self.where)

    def _compressed_so_far(self) -> int:
        """Compressed bytes behind the output so far: as consumed, else the whole size."""
        if self.consumed is not None:
            try:
                return int(self.consumed())
            except (OSError, ValueError):
                pass
        return self.compressed or 0

    def close(self) -> None:
        try:
            with translated(self.where):
                self._raw.close()
                if self.owned is not None:
                    self.owned.close()
        finally:
            super().close()


def read_all(stream: IO[bytes], where: str, *, limits: Limits | None = None) -> bytes:
    """Read a stream to its end, in chunks, stopping past ``max_read_mb``.

    Parameters
    ----------
    stream
        Usually a :class:`BoundedReader` (its own limits apply too).
    where
        The file, for messages.
    limits
        The limits in force (default: :func:`runwell.limits.current`).
    """
    limit = (limits or current()).max_read_bytes
    if isinstance(stream, io.BytesIO):
        here = stream.tell()
        size = stream.seek(0, io.SEEK_END) - here
        stream.seek(here)
        if size <= limit:
            return stream.read()  # bytes already in memory (shared, not copied, when untouched)
    parts: list[bytes] = []
    total = 0
    with translated(where):
        while chunk := stream.read(CHUNK):
            total += len(chunk)
            if total > limit:
                raise limit_error(
                    where, f"larger than the {limit / MB:.0f} MB runwell reads into memory at once", "max_read_mb"
                )
            parts.append(chunk)
    return b"".join(parts)


def hostile_name(name: str) -> str | None:
    """Why an archive member's name would escape a folder, or ``None`` when it is fine.

    Examples
    --------
    >>> hostile_name("activities/1.fit") is None
    True
    >>> hostile_name("../../etc/x.fit")
    "member name climbs out of the archive ('..'); not read"
    >>> hostile_name("C:/x.fit")
    'member name is an absolute path; not read'
    """
    posix = name.replace("\\", "/")
    if posix.startswith("/") or _DRIVE.match(posix):
        return "member name is an absolute path; not read"
    if ".." in PurePosixPath(posix).parts:
        return "member name climbs out of the archive ('..'); not read"
    return None


def member_issue(info: zipfile.ZipInfo) -> str | None:
    """Why a zip member cannot be read (hostile name, encrypted, unknown method), or ``None``."""
    bad = hostile_name(info.filename)
    if bad:
        return bad
    if info.flag_bits & 0x1:
        return "encrypted (password-protected), which runwell cannot read"
    limits = current()
    if info.file_size > limits.ratio_floor_bytes and info.file_size > limits.max_ratio * max(info.compress_size, 1):
        return limit_error(
            None,
            f"declares {info.file_size / MB:.0f} MB from {info.compress_size / 1024:.0f} kB, more than "
            f"{limits.max_ratio:g} times its compressed size (a decompression bomb?); not read",
            "max_ratio",
        ).reason
    if info.compress_type not in SUPPORTED_METHODS:
        names: dict[int, str] = getattr(zipfile, "compressor_names", {})
        method = names.get(info.compress_type, f"method {info.compress_type}")
        return f"compressed with {method!r}, which runwell cannot unpack"
    return None


def refusal(where: str, problem: str) -> InputError:
    """The error for a file that cannot be read because of ``problem`` (from
    :func:`member_issue`, :func:`hostile_name` or a limit): a
    :class:`~runwell.errors.LimitError` when a limit refused it."""
    if problem.endswith(")") and "(limit " in problem:
        return LimitError(where, problem)
    return InputError(where, problem)


def open_archive(source: str | os.PathLike[str] | IO[bytes], where: str) -> zipfile.ZipFile:
    """Open a zip archive; damage and too many members raise :class:`InputError` naming ``where``."""
    with translated(where, fix="re-download the archive; it is damaged or not a zip file"):
        archive = zipfile.ZipFile(source)
    limit = current().max_members
    if len(archive.infolist()) > limit:
        archive.close()
        raise limit_error(where, f"lists more than {limit} members", "max_members")
    return archive


def open_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, budget: Budget | None = None
) -> io.BufferedReader:
    """Open one member for streaming, through the ratio and archive limits.

    Raises
    ------
    InputError
        When the member cannot be read (see :func:`member_issue`) or its header is damaged.
    """
    issue = member_issue(info)
    if issue:
        raise refusal(where, issue)
    with translated(where):
        handle = archive.open(info)
    step = CHUNK
    if info.compress_type in (zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
        handle.MIN_READ_SIZE = _SMALL_STEP  # type: ignore[attr-defined]
        step = _SMALL_STEP
    reader = BoundedReader(handle, where, compressed=info.compress_size, budget=budget, step=step)
    return io.BufferedReader(reader, buffer_size=CHUNK if step == CHUNK else 64 * 1024)


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, budget: Budget | None = None) -> bytes:
    """A member's bytes, read whole through the limits (see :func:`open_member`)."""
    with open_member(archive, info, where, budget) as handle:
        return read_all(handle, where)


def gunzip(stream: IO[bytes], where: str, *, compressed: int | None = None) -> bytes:
    """Decompress gzip data read from ``stream``, through the ratio and read limits.

    Parameters
    ----------
    stream
        The gzip bytes.
    where
        The file, for messages.
    compressed
        The compressed size, for the ratio limit (``None``: no ratio check).
    """
    with translated(where, fix="re-download the file; its gzip data is damaged"):
        inner = gzip.GzipFile(fileobj=stream, mode="rb")
        reader = BoundedReader(inner, where, compressed=compressed, consumed=position_of(stream))  # type: ignore[arg-type]
        return read_all(reader, where)  # type: ignore[arg-type]


def position_of(stream: IO[bytes]) -> Callable[[], int] | None:
    """A function giving how far ``stream`` has been read, or None when it cannot tell."""
    try:
        stream.tell()
    except (OSError, ValueError, AttributeError):
        return None
    return stream.tell


def read_file(path: Path, where: str | None = None) -> bytes:
    """A file's bytes, refused up front when larger than ``max_read_mb``."""
    where = where or str(path)
    limit = current().max_read_bytes
    with translated(where, fix="check the file can be read"):
        size = path.stat().st_size
        if size > limit:
            raise limit_error(
                where, f"larger than the {limit / MB:.0f} MB runwell reads into memory at once", "max_read_mb"
            )
        return path.read_bytes()


@dataclass(frozen=True)
class FolderEntry:
    """One file found in a folder by :func:`walk_folder`.

    Attributes
    ----------
    path
        The file (as found: a symbolic link is not resolved).
    rel
        Its path below the folder, with ``/``.
    problem
        Why it is not read (a link out of the folder, not a regular file), else ``None``.
    """

    path: Path
    rel: str
    problem: str | None = None


def _entry_problem(child: Path, root: Path) -> str | None:
    """Why a folder entry is not read, or ``None``."""
    try:
        if child.is_symlink():
            target = child.resolve()
            if not target.is_relative_to(root):
                return f"a symbolic link to {target}, outside the input folder; not followed"
        mode = child.stat().st_mode
    except (OSError, RuntimeError) as err:  # a broken or looping link, no permission
        return f"cannot be read ({err})"
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        return "not a regular file (a device, pipe or socket); not read"
    return None


def walk_folder(folder: Path) -> Iterator[FolderEntry]:
    """Every file below ``folder`` in sorted order, without leaving it.

    Symbolic links pointing outside the folder and special files are yielded with their
    problem (to be reported) instead of being followed or opened; links to folders
    inside it are not entered (their files are found on their own path). Folders are
    not yielded.
    """
    root = folder.resolve()
    for child in sorted(folder.rglob("*")):
        rel = child.relative_to(folder).as_posix()
        problem = _entry_problem(child, root)
        if problem is None and child.is_dir():
            continue
        if problem is None and child.is_symlink() and child.resolve().is_dir():
            continue
        yield FolderEntry(child, rel, problem)

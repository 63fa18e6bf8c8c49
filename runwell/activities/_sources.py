"""Finding activity files: plain files, gzip, zip archives (nested), folders.

A :class:`Member` is one file to read, wherever it lives: on disk, inside a zip, or
inside a zip inside a zip (Garmin account exports). Its ``display`` path is what the
load report shows, e.g. ``export.zip!activities/123.fit.gz``.

Everything is opened through :mod:`runwell.safeio` and its limits
(:mod:`runwell.limits`): members are inflated as streams and stopped when they inflate
too far, nested archives deeper than ``max_depth`` are not opened, and a damaged
archive, a member that cannot be read (encrypted, an unknown compression method, a name
climbing out of the archive such as ``../x.fit``), a symbolic link out of an input
folder or a device file becomes a :class:`Member` with a ``problem``: it is listed like
any other file, so that a load reports it (and goes on), and reading it raises
:class:`~runwell.errors.InputError` with that problem.
"""

from __future__ import annotations

import functools
import gzip
import io
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from runwell.activities.formats import activity_format
from runwell.errors import InputError
from runwell.limits import current, limit_error
from runwell.safeio import (
    BoundedReader,
    Budget,
    gunzip,
    hostile_name,
    member_issue,
    open_archive,
    open_member,
    position_of,
    read_all,
    read_file,
    refusal,
    translated,
    walk_folder,
)

__all__ = [
    "Member",
    "iter_members",
    "member_for_path",
    "open_zip",
    "is_ignorable",
    "refused_member",
]

#: Nested archives up to this size are kept in memory; larger ones spill to a temporary file.
SPOOL_BYTES = 64 << 20


def is_ignorable(name: str) -> bool:
    """macOS resource forks, hidden files and folders: never user data.

    Examples
    --------
    >>> is_ignorable("__MACOSX/._run.fit"), is_ignorable("a/.DS_Store"), is_ignorable("a/run.fit")
    (True, True, False)
    """
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return any(p == "__MACOSX" or (p.startswith(".") and p != "..") for p in parts)


@dataclass(frozen=True)
class Member:
    """One file to read.

    Attributes
    ----------
    display
        Where it is, for messages (``archive.zip!inner/path``).
    name
        Its own path (inside the archive, or on disk), used for its suffix.
    opener
        Returns a binary file object on the raw (possibly gzipped) bytes.
    path
        The file on disk, for a plain file (not inside an archive): another process
        can read it by this path.
    problem
        Why the file cannot be read at all (a damaged archive, an encrypted member, a
        hostile name, a link out of the input folder), else ``None``. Opening raises
        :class:`~runwell.errors.InputError` with it.
    stored
        The size of its stored (possibly gzipped) bytes when known, for the ratio limit
        of gzip data and to choose streaming for large files.
    problem_kind
        The report kind of the problem: ``error``, or ``skipped`` for an empty archive.
    """

    display: str
    name: str
    opener: Callable[[], IO[bytes]]
    path: Path | None = None
    problem: str | None = None
    stored: int | None = None
    problem_kind: str = "error"

    @property
    def format(self) -> tuple[str, bool] | None:
        """``(format, gzipped)`` of an activity file (see :func:`.formats.activity_format`), else None."""
        return activity_format(self.name)

    @property
    def gzipped(self) -> bool:
        """Whether its stored bytes are gzip data (the name ends in ``.gz``)."""
        return self.name.lower().endswith(".gz")

    def open(self) -> IO[bytes]:
        """Open the raw bytes (not decompressed).

        Raises
        ------
        InputError
            When the file cannot be read (:attr:`problem`) or opened.
        """
        if self.problem:
            raise refusal(self.display, self.problem)
        with translated(self.display, fix="check the file can be read"):
            return self.opener()

    def read_raw(self) -> bytes:
        """The stored bytes (gzip not undone), read through the limits."""
        if self.path is not None and not self.problem:
            return read_file(self.path, self.display)
        with self.open() as handle:
            return read_all(handle, self.display)

    def read(self) -> bytes:
        """The file's bytes, gunzipped when its name ends in ``.gz``.

        Raises
        ------
        InputError
            When the file cannot be read, its gzip stream is damaged or it breaks a
            limit of :mod:`runwell.limits` (:class:`~runwell.errors.LimitError`).
        """
        raw = self.read_raw()
        if self.gzipped:
            return gunzip(io.BytesIO(raw), self.display, compressed=len(raw))
        return raw

    def stream(self) -> IO[bytes]:
        """The file's (gunzipped) bytes as a stream, through the limits, for large files."""
        handle = self.open()
        if not self.gzipped:
            return handle
        inner = gzip.GzipFile(fileobj=handle, mode="rb")
        reader = BoundedReader(
            inner,  # type: ignore[arg-type]
            self.display,
            compressed=self.stored,
            consumed=position_of(handle),
            owned=handle,
        )
        return io.BufferedReader(reader)


def _file_opener(path: Path) -> Callable[[], IO[bytes]]:
    """Opens a file on disk in binary mode, each time it is called."""
    return lambda: open(path, "rb")


def _refused() -> IO[bytes]:  # pragma: no cover - Member.open raises before calling it
    raise OSError("not opened")


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def member_for_path(path: Path, *, display: str | None = None, name: str | None = None) -> Member:
    """A :class:`Member` for a file on disk (``display`` and ``name`` default to its path and file name)."""
    return Member(
        display=display or str(path), name=name or path.name, opener=_file_opener(path), path=path, stored=_size(path)
    )


def refused_member(display: str, name: str, problem: str, path: Path | None = None, kind: str = "error") -> Member:
    """A :class:`Member` that cannot be read, to be reported with ``problem`` (as ``kind``)."""
    return Member(display, name, _refused, path=path, problem=problem, problem_kind=kind)


def _nested_archive(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, inner: str, budget: Budget, stack: ExitStack
) -> zipfile.ZipFile:
    """Open a zip inside a zip: copied (through the limits) to memory or a temporary file."""
    spool = stack.enter_context(tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES))
    with open_member(archive, info, inner, budget) as handle:
        shutil.copyfileobj(handle, spool, 1 << 20)
    spool.seek(0)
    return stack.enter_context(open_archive(spool, inner))


def _zip_members(
    archive: zipfile.ZipFile, display: str, stack: ExitStack, budget: Budget, depth: int
) -> Iterator[Member]:
    """The members of an open archive (``depth`` 1 for one on disk), nested zips expanded."""
    for info in archive.infolist():
        inner = f"{display}!{info.filename}"
        issue = hostile_name(info.filename)
        if issue is None and (info.is_dir() or is_ignorable(info.filename)):
            continue
        issue = issue or member_issue(info)
        if issue:
            yield refused_member(inner, info.filename, issue)
            continue
        if info.filename.lower().endswith(".zip"):
            limit = current().max_depth
            if depth >= limit:
                why = limit_error(inner, f"a zip nested more than {limit} deep; not opened", "max_depth").reason
                yield refused_member(inner, info.filename, why)
                continue
            try:
                nested = _nested_archive(archive, info, inner, budget, stack)
            except InputError as err:
                yield refused_member(inner, info.filename, err.reason)
                continue
            yield from _zip_members(nested, inner, stack, budget, depth + 1)
            continue
        opener = functools.partial(open_member, archive, info, inner, budget)
        yield Member(inner, info.filename, opener, stored=info.file_size)


def open_zip(path: Path, stack: ExitStack) -> zipfile.ZipFile:
    """Open a zip archive for the duration of ``stack``, with a clear error if damaged."""
    return stack.enter_context(open_archive(path, str(path)))


def _archive(path: Path, stack: ExitStack) -> Iterator[Member]:
    """The members of a zip on disk; a damaged one is one member with the problem."""
    try:
        archive = open_zip(path, stack)
    except InputError as err:
        yield refused_member(str(path), path.name, err.reason, path=path)
        return
    found = False
    for member in _zip_members(archive, str(path), stack, Budget(str(path)), 1):
        found = True
        yield member
    if not found:
        yield refused_member(str(path), path.name, "an empty archive: no files in it", path=path, kind="skipped")


def iter_members(path: Path, stack: ExitStack) -> Iterator[Member]:
    """Every file under ``path`` (a file, a zip or a folder), zips expanded recursively.

    Hidden files and ``__MACOSX`` entries are left out. Archives stay open until
    ``stack`` closes. Files that cannot be read are members with a ``problem`` (see
    :class:`Member`), never left out.
    """
    if path.is_dir():
        for entry in walk_folder(path):
            if entry.problem:
                yield refused_member(str(entry.path), entry.rel, entry.problem)
            elif is_ignorable(entry.rel):
                continue
            elif entry.path.suffix.lower() == ".zip":
                yield from _archive(entry.path, stack)
            else:
                yield Member(
                    str(entry.path), entry.rel, _file_opener(entry.path), path=entry.path, stored=_size(entry.path)
                )
        return
    if not path.is_file():
        yield refused_member(str(path), path.name, "not a regular file (a device, pipe or socket); not read", path=path)
        return
    if path.suffix.lower() == ".zip":
        yield from _archive(path, stack)
        return
    yield member_for_path(path)

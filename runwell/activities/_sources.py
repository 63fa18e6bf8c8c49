"""Finding activity files: plain files, gzip, zip archives (nested), folders.

A :class:`Member` is one file to read, wherever it lives: on disk, inside a zip, or
inside a zip inside a zip (Garmin account exports). Its ``display`` path is what the
load report shows, e.g. ``export.zip!activities/123.fit.gz``.
"""

from __future__ import annotations

import functools
import gzip
import io
import zipfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from runwell.activities.formats import activity_format
from runwell.errors import InputError

__all__ = [
    "Member",
    "iter_members",
    "member_for_path",
    "open_zip",
    "is_ignorable",
]


def is_ignorable(name: str) -> bool:
    """macOS resource forks, hidden files and folders: never user data."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return any(p == "__MACOSX" or p.startswith(".") for p in parts)


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
    """

    display: str
    name: str
    opener: Callable[[], IO[bytes]]
    path: Path | None = None

    @property
    def format(self) -> tuple[str, bool] | None:
        """``(format, gzipped)`` of an activity file (see :func:`.formats.activity_format`), else None."""
        return activity_format(self.name)

    def open(self) -> IO[bytes]:
        """Open the raw bytes (not decompressed)."""
        return self.opener()

    def read(self) -> bytes:
        """The file's bytes, gunzipped when its name ends in ``.gz``.

        Raises
        ------
        InputError
            When the gzip stream is damaged.
        """
        with self.open() as handle:
            raw = handle.read()
        if self.name.lower().endswith(".gz"):
            try:
                return gzip.decompress(raw)
            except (OSError, EOFError) as err:
                raise InputError(self.display, f"damaged gzip data ({err})", fix="re-download the export") from err
        return raw


def _file_opener(path: Path) -> Callable[[], IO[bytes]]:
    """Opens a file on disk in binary mode, each time it is called."""
    return lambda: open(path, "rb")


def member_for_path(path: Path) -> Member:
    """A :class:`Member` for a file on disk."""
    return Member(display=str(path), name=path.name, opener=_file_opener(path), path=path)


def _zip_members(archive: zipfile.ZipFile, display: str, stack: ExitStack) -> Iterator[Member]:
    for info in archive.infolist():
        if info.is_dir() or is_ignorable(info.filename):
            continue
        inner = f"{display}!{info.filename}"
        if info.filename.lower().endswith(".zip"):
            data = archive.read(info)
            try:
                nested = stack.enter_context(zipfile.ZipFile(io.BytesIO(data)))
            except zipfile.BadZipFile:
                yield Member(inner, info.filename, functools.partial(io.BytesIO, data))
                continue
            yield from _zip_members(nested, inner, stack)
            continue
        yield Member(inner, info.filename, functools.partial(archive.open, info))


def open_zip(path: Path, stack: ExitStack) -> zipfile.ZipFile:
    """Open a zip archive for the duration of ``stack``, with a clear error if damaged."""
    try:
        return stack.enter_context(zipfile.ZipFile(path))
    except zipfile.BadZipFile as err:
        raise InputError(path, f"not a readable zip archive ({err})", fix="re-download the export") from err


def iter_members(path: Path, stack: ExitStack) -> Iterator[Member]:
    """Every file under ``path`` (a file, a zip or a folder), zips expanded recursively.

    Hidden files and ``__MACOSX`` entries are left out. Archives stay open until
    ``stack`` closes.
    """
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            rel = child.relative_to(path).as_posix()
            if child.is_dir() or is_ignorable(rel):
                continue
            if child.suffix.lower() == ".zip":
                yield from iter_members(child, stack)
            else:
                yield Member(str(child), rel, _file_opener(child), path=child)
        return
    if path.suffix.lower() == ".zip":
        yield from _zip_members(open_zip(path, stack), str(path), stack)
        return
    yield member_for_path(path)

"""Finding activity files: plain files, gzip, zip archives (nested), folders.

A :class:`Member` is one file to read, wherever it lives: on disk, inside a zip, or
inside a zip inside a zip (Garmin account exports). Its ``display`` path is what the
load report shows, e.g. ``export.zip!activities/123.fit.gz``.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from runwell.errors import InputError, UnsupportedFormatError

__all__ = [
    "Member",
    "activity_format",
    "KNOWN_FORMATS",
    "iter_members",
    "member_for_path",
    "is_ignorable",
]

#: The activity file formats runwell reads, by full suffix.
ACTIVITY_SUFFIXES: dict[str, str] = {
    ".fit": "fit",
    ".fit.gz": "fit",
    ".gpx": "gpx",
    ".gpx.gz": "gpx",
    ".tcx": "tcx",
    ".tcx.gz": "tcx",
}

KNOWN_FORMATS = (
    "FIT (.fit, .fit.gz), GPX (.gpx, .gpx.gz), TCX (.tcx, .tcx.gz), "
    ".zip archives holding those, and bulk exports (Strava: activities.csv with its "
    "activities/ folder; Garmin Connect: DI_CONNECT/...; Apple Health: export.xml), "
    "as a zip or unzipped folder"
)


def activity_format(name: str) -> tuple[str, bool] | None:
    """Return ``(format, gzipped)`` for an activity file name, or None.

    Examples
    --------
    >>> activity_format("activities/123.FIT.gz")
    ('fit', True)
    >>> activity_format("notes.txt") is None
    True
    """
    lower = name.lower()
    for suffix, fmt in ACTIVITY_SUFFIXES.items():
        if lower.endswith(suffix):
            return fmt, suffix.endswith(".gz")
    return None


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


def member_for_path(path: Path) -> Member:
    """A :class:`Member` for a file on disk."""
    return Member(display=str(path), name=path.name, opener=lambda: open(path, "rb"), path=path)


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
                yield Member(inner, info.filename, lambda d=data: io.BytesIO(d))
                continue
            yield from _zip_members(nested, inner, stack)
            continue
        yield Member(inner, info.filename, lambda a=archive, i=info: a.open(i))


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
                yield Member(str(child), rel, lambda c=child: open(c, "rb"), path=child)
        return
    if path.suffix.lower() == ".zip":
        yield from _zip_members(open_zip(path, stack), str(path), stack)
        return
    yield member_for_path(path)


def require_activity_format(name: str, display: str) -> tuple[str, bool]:
    """The format of an activity file, or :class:`UnsupportedFormatError` naming the known ones."""
    fmt = activity_format(name)
    if fmt is None:
        raise UnsupportedFormatError(f"{display}: runwell does not read this kind of file. It reads {KNOWN_FORMATS}.")
    return fmt

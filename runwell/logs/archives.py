"""Reading a zip of logs (a Whoop, Oura, Polar or MyDataHelps export) as the folder it holds.

A zip that is not itself a log format (Apple Health's ``export.zip`` and Sleep as
Android's backup are read by their own readers) is read like a folder: its log files are
unpacked into a temporary folder, read there by :mod:`runwell.logs.dispatch`, and every
path in the result is written back as ``archive.zip!member``. Only members that can be
logs by their name are unpacked (text tables, JSON, XML, parquet, names without a
suffix), within :data:`MAX_UNPACKED_BYTES` in all; the others, and zips inside the zip,
are listed in the report as ``skipped``. Members are streamed through the limits of
:mod:`runwell.safeio` (a bomb stops at the ratio limit); member names that would leave
the folder (absolute, or with ``..``), encrypted and damaged members are never written
and are listed in the report as ``error``.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import TypeVar

import pandas as pd

from runwell.errors import InputError, LimitError
from runwell.logs.results import LogResult
from runwell.safeio import CHUNK, Budget, hostile_name, member_issue, open_archive, open_member

__all__ = ["LOG_SUFFIXES", "MAX_UNPACKED_BYTES", "LeftOut", "is_archive", "unpacked", "relabel"]

#: Member suffixes unpacked from an archive: the files a log can be.
LOG_SUFFIXES = frozenset({".csv", ".tsv", ".txt", ".json", ".xml", ".parquet", ".pq", ""})
#: The most an archive's log members may hold, unpacked (a guard against zip bombs).
MAX_UNPACKED_BYTES = 4 * 1024**3

R = TypeVar("R", bound=LogResult)


def is_archive(path: Path) -> bool:
    """True for a zip archive on disk."""
    return path.is_file() and zipfile.is_zipfile(path)


def _safe_name(name: str) -> PurePosixPath | None:
    """The member's relative path, or ``None`` for hidden, ``__MACOSX`` or escaping names."""
    rel = PurePosixPath(name.replace("\\", "/"))
    if rel.is_absolute() or any(p in ("..", "__MACOSX") or p.startswith(".") for p in rel.parts):
        return None
    return rel


@dataclass(frozen=True)
class LeftOut:
    """An archive member not unpacked, and why.

    Attributes
    ----------
    name
        The member's name in the archive.
    kind
        ``"skipped"`` (not a log by its name, a zip inside the zip) or ``"error"`` (a
        hostile name, an encrypted or damaged member, one past a limit).
    reason
        Why, for the report.
    """

    name: str
    kind: str
    reason: str


def _left_out_by_name(info: zipfile.ZipInfo) -> LeftOut | None:
    """Why a member is not unpacked, judged from its header alone, or ``None`` to unpack it."""
    bad = hostile_name(info.filename)
    if bad:
        return LeftOut(info.filename, "error", bad)
    rel = _safe_name(info.filename)
    if rel is None or info.is_dir():
        return None  # folders; hidden and __MACOSX files (never unpacked, see unpacked)
    if rel.suffix.lower() == ".zip":
        return LeftOut(info.filename, "skipped", "a zip inside the archive: unzip it to read its logs")
    if rel.suffix.lower() not in LOG_SUFFIXES:
        return LeftOut(info.filename, "skipped", "not a log file")
    issue = member_issue(info)
    return LeftOut(info.filename, "error", issue) if issue else None


def _copy_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, where: str, budget: Budget) -> None:
    """Stream one member to ``target`` through the ratio and archive limits of :mod:`runwell.safeio`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open_member(archive, info, where, budget) as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst, CHUNK)
    except InputError:
        target.unlink(missing_ok=True)
        raise


@contextmanager
def unpacked(path: Path) -> Iterator[tuple[Path, list[LeftOut]]]:
    """Unpack an archive's log members into a temporary folder (removed afterwards).

    Members are streamed through the limits of :mod:`runwell.limits` (compression ratio,
    total per archive); a member that is damaged, encrypted, hostile by its name or past
    the ratio limit is left out and named, and the others are still read.

    Parameters
    ----------
    path
        The zip archive.

    Yields
    ------
    folder : Path
        The temporary folder holding the members (with their folders).
    left_out : list of LeftOut
        Members not unpacked, with the report kind and reason.

    Raises
    ------
    InputError
        For an archive that cannot be opened, or one whose logs unpack to more than
        :data:`MAX_UNPACKED_BYTES` or the archive limit ``max_archive_gb``.
    """
    left_out: list[LeftOut] = []
    where = str(path)
    with tempfile.TemporaryDirectory(prefix="runwell-logs-") as tmp, open_archive(path, where) as archive:
        folder, budget, total = Path(tmp), Budget(where), 0
        for info in archive.infolist():
            skip = _left_out_by_name(info)
            if skip is not None:
                left_out.append(skip)
            if skip is not None or info.is_dir() or _safe_name(info.filename) is None:
                continue  # hidden and __MACOSX files are macOS litter: neither read nor reported
            total += info.file_size
            if total > MAX_UNPACKED_BYTES:
                raise InputError(
                    path,
                    f"its logs unpack to more than {MAX_UNPACKED_BYTES / 1024**3:.0f} GiB",
                    fix="unzip it yourself and pass the log files or their folder",
                )
            rel = PurePosixPath(info.filename.replace("\\", "/"))
            try:
                _copy_member(archive, info, folder.joinpath(*rel.parts), f"{where}!{info.filename}", budget)
            except InputError as err:
                if isinstance(err, LimitError) and budget.used > budget.limits.max_archive_bytes:
                    raise
                left_out.append(LeftOut(info.filename, "error", err.reason))
        yield folder, left_out


def relabel(result: R, folder: Path, archive: Path) -> R:
    """A result read from an unpacked folder, with its paths written as ``archive!member``."""
    prefix = str(folder) + "/"

    def fix(series: pd.Series) -> pd.Series:
        text = series.astype("string").str.replace("\\", "/", regex=False)
        return text.str.replace(prefix, f"{archive}!", regex=False).where(series.notna(), series)

    table = result.table.copy()
    if len(table):
        table["source_file"] = fix(table["source_file"])
    report = result.report.copy()
    if len(report):
        report["path"] = fix(report["path"])
    return replace(result, **{result.TABLE: table}, report=report, path=str(archive))

"""Reading a zip of logs (a Whoop, Oura, Polar or MyDataHelps export) as the folder it holds.

A zip that is not itself a log format (Apple Health's ``export.zip`` and Sleep as
Android's backup are read by their own readers) is read like a folder: its log files are
unpacked into a temporary folder, read there by :mod:`runwell.logs.dispatch`, and every
path in the result is written back as ``archive.zip!member``. Only members that can be
logs by their name are unpacked (text tables, JSON, XML, parquet, names without a
suffix), within :data:`MAX_UNPACKED_BYTES` in all; the others, and zips inside the zip,
are listed in the report as ``skipped``. Member names that would leave the folder
(absolute, or with ``..``) are never written.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import TypeVar

import pandas as pd

from runwell.errors import InputError
from runwell.logs.results import LogResult

__all__ = ["LOG_SUFFIXES", "MAX_UNPACKED_BYTES", "is_archive", "unpacked", "relabel"]

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


@contextmanager
def unpacked(path: Path) -> Iterator[tuple[Path, list[str]]]:
    """Unpack an archive's log members into a temporary folder (removed afterwards).

    Parameters
    ----------
    path
        The zip archive.

    Yields
    ------
    folder : Path
        The temporary folder holding the members (with their folders).
    left_out : list of str
        Members not unpacked (not logs by their name, or zips inside the zip).

    Raises
    ------
    InputError
        For a damaged archive, or one whose logs unpack to more than
        :data:`MAX_UNPACKED_BYTES`.
    """
    left_out: list[str] = []
    with tempfile.TemporaryDirectory(prefix="runwell-logs-") as tmp:
        folder = Path(tmp)
        try:
            with zipfile.ZipFile(path) as archive:
                total = 0
                for info in archive.infolist():
                    rel = None if info.is_dir() else _safe_name(info.filename)
                    if rel is None:
                        continue
                    if rel.suffix.lower() not in LOG_SUFFIXES:
                        left_out.append(info.filename)
                        continue
                    total += info.file_size
                    if total > MAX_UNPACKED_BYTES:
                        raise InputError(
                            path,
                            f"its logs unpack to more than {MAX_UNPACKED_BYTES / 1024**3:.0f} GiB",
                            fix="unzip it yourself and pass the log files or their folder",
                        )
                    target = folder.joinpath(*rel.parts)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with archive.open(info) as src, open(target, "wb") as dst:
                        shutil.copyfileobj(src, dst)
        except (zipfile.BadZipFile, EOFError) as err:
            raise InputError(path, f"not a readable zip archive ({err})", fix="download the export again") from err
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

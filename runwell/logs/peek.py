"""A first look at a log file: just enough of it to recognise its format.

:func:`peek` reads the first bytes of a text file (its first line, header and
delimiter), the member names of a zip archive or the column names of a parquet file;
the format sniffers registered in :mod:`runwell.logs.formats` decide from that.
"""

from __future__ import annotations

import csv
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from runwell.safeio import open_archive

__all__ = ["Peek", "peek", "HEAD_BYTES"]

#: How much of a text file format detection reads.
HEAD_BYTES = 65536


@dataclass
class Peek:
    """What format detection looks at.

    Attributes
    ----------
    path
        The file.
    head
        Its first :data:`HEAD_BYTES` as text (byte-order mark dropped).
    first_line
        The first line of ``head``.
    header
        The first line split into stripped column names (CSV), or the parquet columns.
    delimiter
        The commonest of ``,``, ``;`` and tab in the first line.
    zip_names
        The member names when the file is a zip archive, else ``None``.
    size
        The file size in bytes.
    """

    path: Path
    head: str = ""
    first_line: str = ""
    header: list[str] = field(default_factory=list)
    delimiter: str = ","
    zip_names: list[str] | None = None
    size: int = 0

    @property
    def is_table(self) -> bool:
        """A text or parquet table with a header (not an archive)."""
        return self.zip_names is None and bool(self.header)

    def seen(self) -> str:
        """What the file showed, for an "unrecognised format" message."""
        if self.zip_names is not None:
            return f"zip members {self.zip_names[:20]}"
        return f"columns {self.header[:30]}" if self.header else f"first line {self.first_line[:80]!r}"


def peek(path: Path) -> Peek:
    """Read just enough of ``path`` to recognise its format.

    Parameters
    ----------
    path
        A file (a CSV, JSON or XML text file, a zip archive or a parquet file).

    Returns
    -------
    Peek
        Its head, header, delimiter or zip member names.

    Raises
    ------
    InputError
        For a damaged zip archive.
    """
    info = Peek(path=path, size=path.stat().st_size)
    if zipfile.is_zipfile(path):
        with open_archive(path, str(path)) as zf:
            info.zip_names = zf.namelist()
        return info
    if path.suffix.lower() in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        info.header = list(pq.read_schema(path).names)
        return info
    with open(path, "rb") as fh:
        raw = fh.read(HEAD_BYTES)
    info.head = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
    info.first_line = info.head.split("\n", 1)[0].rstrip("\r")
    counts = {d: info.first_line.count(d) for d in (",", ";", "\t")}
    info.delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    try:
        info.header = [h.strip() for h in next(csv.reader([info.first_line], delimiter=info.delimiter))]
    except (csv.Error, StopIteration):
        info.header = []
    return info

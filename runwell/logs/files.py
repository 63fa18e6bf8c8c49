"""Reading log files into records: UTF-8 text, CSV records, JSON lists, tables, zip members.

The format readers never open files themselves: they ask here for the text (with a
clear error when it is not UTF-8), for numbered CSV records, for a JSON list or for a
whole table, so that every format numbers rows and reports encodings the same way.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from runwell.errors import InputError
from runwell.limits import current, limit_error
from runwell.logs.rows import PathLike, RowLog
from runwell.safeio import Budget, open_archive, read_file, read_member, translated

__all__ = [
    "read_text",
    "member_named",
    "csv_records",
    "dict_records",
    "read_csv_log",
    "load_json_list",
    "read_table",
    "first_present",
    "check_columns",
]


def read_text(path: PathLike, *, member: str | None = None) -> str:
    """Read a text file (or a zip member) as UTF-8, dropping a byte-order mark.

    Parameters
    ----------
    path
        The file, or the zip archive holding ``member``.
    member
        The archive member to read, if any.

    Returns
    -------
    str
        The text.

    Raises
    ------
    InputError
        When the bytes are not UTF-8 (names the file, the byte offset and the fix), the
        archive or member is damaged, or it breaks a limit of :mod:`runwell.limits`.
    """
    path = Path(path)
    if member is not None:
        where = f"{path}!{member}"
        with open_archive(path, str(path)) as zf, translated(where):
            data = read_member(zf, zf.getinfo(member), where, Budget(str(path)))
    else:
        where = str(path)
        data = read_file(path, where)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(
            where,
            f"not UTF-8 text (byte {data[err.start : err.start + 1]!r} at offset {err.start})",
            fix="re-export the file from the app, or re-save it as UTF-8",
        ) from err


def member_named(names: Iterable[str], filename: str) -> str | None:
    """The first archive member called ``filename`` in any folder, or ``None``.

    Examples
    --------
    >>> member_named(["apple_health_export/export.xml", "export_cda.xml"], "export.xml")
    'apple_health_export/export.xml'
    """
    return next((n for n in names if n.rsplit("/", 1)[-1] == filename), None)


def csv_records(
    text: str, *, delimiter: str = ",", path: PathLike | None = None
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Split CSV text into a header and ``(line number, fields)`` records.

    Line numbers are 1-based lines of the file where the record starts (the header is
    line 1), which is what a spreadsheet shows as the row number. Blank lines are skipped.
    A record the csv module cannot split (a field over its 131,072-character limit, a
    NUL byte) raises :class:`~runwell.errors.InputError` naming ``path`` and the line.

    Examples
    --------
    >>> csv_records('a,b\\n1,"x\\ny"\\n\\n2,z\\n')
    (['a', 'b'], [(2, ['1', 'x\\ny']), (5, ['2', 'z'])])
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    records: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for fields in reader:
            start = line
            line = reader.line_num + 1
            if not fields or all(not f.strip() for f in fields):
                continue
            if header is None:
                header = [f.strip() for f in fields]
                check_columns(len(header), path)
                continue
            records.append((start, fields))
    except csv.Error as err:
        raise InputError(
            path,
            f"CSV cannot be read from here on ({err})",
            row=line,
            fix="check the file in a spreadsheet; re-export it",
        ) from err
    return header or [], records


def check_columns(n: int, path: PathLike | None) -> None:
    """Raise :class:`~runwell.errors.LimitError` for a header wider than ``max_columns``."""
    limit = current().max_columns
    if n > limit:
        raise limit_error(path, f"the CSV header has {n} columns; runwell reads at most {limit}", "max_columns")


def dict_records(header: list[str], records: Iterable[tuple[int, list[str]]]) -> list[tuple[int, dict[str, str]]]:
    """Pair each record's fields with the header (short records padded with ``""``).

    Examples
    --------
    >>> dict_records(["a", "b"], [(2, ["1"])])
    [(2, {'a': '1', 'b': ''})]
    """
    out = []
    for line, fields in records:
        padded = list(fields) + [""] * (len(header) - len(fields))
        out.append((line, dict(zip(header, padded, strict=False))))
    return out


def read_csv_log(
    path: PathLike,
    log: RowLog,
    *,
    empty: str,
    key: Callable[[str], str] | None = None,
    delimiter: str = ",",
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Read a CSV log into ``(line number, record)`` pairs and count them as read.

    Parameters
    ----------
    path
        The CSV file (UTF-8, see :func:`read_text`).
    log
        Counts the records as read; notes ``empty`` when there are none.
    empty
        The file note for a file without records, e.g. ``"empty Oura export: no rows"``.
    key
        Applied to each header name to make the record keys (e.g. ``str.lower``);
        default: the names as written.
    delimiter
        The field separator.

    Returns
    -------
    header : list of str
        The header as written (stripped, before ``key``).
    records : list of (int, dict)
        Each record's line number and its fields by key (see :func:`dict_records`).
    """
    header, raw = csv_records(read_text(path), delimiter=delimiter, path=path)
    records = dict_records([key(h) for h in header] if key else header, raw)
    log.read(len(records), empty=empty)
    return header, records


def load_json_list(path: PathLike) -> list[Any]:
    """Load a JSON file that must hold a list (one object is read as a list of one).

    Raises
    ------
    InputError
        For invalid JSON (with line, column and character offset), JSON nested too
        deeply, or JSON that is not a list of records.
    """
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(
            path,
            f"not valid JSON ({err.msg} at line {err.lineno}, column {err.colno}, character {err.pos})",
            fix="re-export the file; it may be truncated",
        ) from err
    except RecursionError as err:
        raise InputError(path, "JSON nested too deeply to read", fix="check the file is a log export") from err
    except ValueError as err:  # e.g. an integer of more digits than Python converts
        raise InputError(path, f"JSON value cannot be read ({err})", fix="re-export the file") from err
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise InputError(path, "expected a JSON list of sleep records", fix="re-export the file")
    return data


#: Field separators :func:`read_table` chooses from (the most frequent in the header wins).
TABLE_DELIMITERS = (",", ";", "\t", "|")
#: What pandas and pyarrow raise on a damaged parquet file (pyarrow's errors subclass these).
_PARQUET_ERRORS = (OSError, ValueError, TypeError, KeyError, IndexError, NotImplementedError, RuntimeError)
_LINE = re.compile(r"\bline (\d+)")
_LINE_END = re.compile(r"[\r\n]")


def read_table(path: PathLike) -> tuple[pd.DataFrame, int]:
    """Read a CSV (``,``, ``;``, tab or ``|`` separated, BOM tolerated) or parquet file, CSV as text columns.

    The separator is the one of :data:`TABLE_DELIMITERS` found most often in the header
    line (``,`` when none is: a table of one column).

    Returns
    -------
    frame : pandas.DataFrame
        The table, column names stripped.
    offset : int
        What turns a 0-based position into the reported row number: 2 for CSV (the
        header is row 1), 1 for parquet.

    Raises
    ------
    InputError
        For a file that cannot be read as a table, naming the file and, for CSV, the
        line: not UTF-8 (with the byte offset), ragged (more fields than the header),
        an unclosed quote, a field over the csv module's limit, no header at all, a
        damaged parquet file; or a header wider than ``max_columns``
        (:class:`~runwell.errors.LimitError`).
    """
    path = Path(path)
    if path.suffix.lower() in (".parquet", ".pq"):
        return _read_parquet(path), 1
    text = read_text(path)
    end = _LINE_END.search(text, 0, 1 << 20)
    first = text[: end.start() if end else 1 << 20]
    counts = {d: first.count(d) for d in TABLE_DELIMITERS}
    check_columns(max(counts.values()) + 1, path)
    delimiter = max(TABLE_DELIMITERS, key=lambda d: counts[d])
    bad = _first_bad_record(text, delimiter)  # pandas drops or shifts extra fields without a word
    if bad is not None:
        raise _record_error(path, delimiter, bad)
    try:
        df = pd.read_csv(
            io.StringIO(text, newline=""),
            sep=delimiter,
            index_col=False,  # never the first column as an index (pandas' guess for ragged rows)
            engine="python",
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=True,
        )
    except pd.errors.EmptyDataError as err:
        raise InputError(
            path, "no header row: the file holds only blank lines", fix="give a table with a header row"
        ) from err
    except (pd.errors.ParserError, csv.Error, ValueError, IndexError) as err:
        raise _table_error(path, text, delimiter, err) from err
    df.columns = [str(c).strip() for c in df.columns]
    return df, 2


_TABLE_FIX = "check the file in a spreadsheet (quotes closed, no row with more fields than the header); re-export it"


def _record_error(path: Path, delimiter: str, bad: tuple[int, str, str | None]) -> InputError:
    """The error for the record :func:`_first_bad_record` found: the file, its line and value."""
    line, reason, value = bad
    return InputError(path, f"{reason} (separator {delimiter!r})", row=line, value=value, fix=_TABLE_FIX)


def _table_error(path: Path, text: str, delimiter: str, err: Exception) -> InputError:
    """The error for a CSV pandas could not split, naming the line where it happened.

    The line is looked for by splitting the text with the csv module in strict mode
    (:func:`_first_bad_record`); pandas' own message is the fallback.
    """
    bad = _first_bad_record(text, delimiter)
    if bad is not None:
        return _record_error(path, delimiter, bad)
    detail = " ".join(str(err).split())[:200]
    found = _LINE.search(detail)
    return InputError(
        path, f"not a table runwell can read ({detail})", row=int(found.group(1)) if found else None, fix=_TABLE_FIX
    )


def _first_bad_record(text: str, delimiter: str) -> tuple[int, str, str | None] | None:
    """``(line, reason, value)`` of the first record the strict csv module cannot split or that
    has more fields than the header, or ``None`` when there is none.

    Examples
    --------
    >>> _first_bad_record('a,b\\n1,2\\n3,"4\\n', ",")
    (3, 'CSV cannot be read from here on (unexpected end of data)', None)
    >>> _first_bad_record("a,b\\n\\n1,2,3\\n", ",")
    (3, 'row has 3 fields where the header has 2', '1,2,3')
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    width, line = None, 1
    try:
        for fields in reader:
            start, line = line, reader.line_num + 1
            if not fields or all(not f.strip() for f in fields):
                continue
            if width is None:
                width = len(fields)
            elif len(fields) > width:
                return start, f"row has {len(fields)} fields where the header has {width}", delimiter.join(fields)[:80]
    except csv.Error as err:
        return line, f"CSV cannot be read from here on ({err})", None
    return None


def _read_parquet(path: Path) -> pd.DataFrame:
    """A parquet file as a table; a damaged or non-parquet file is an :class:`InputError`."""
    try:
        return pd.read_parquet(path)
    except ImportError as err:
        raise InputError(path, "reading parquet needs pyarrow", fix="pip install pyarrow, or export CSV") from err
    except _PARQUET_ERRORS as err:
        detail = " ".join(str(err).split())[:200]
        raise InputError(
            path, f"not a parquet file runwell can read ({type(err).__name__}: {detail})", fix="re-export the file"
        ) from err


def first_present(columns: Iterable[str], candidates: Iterable[str]) -> str | None:
    """The first of ``candidates`` present in ``columns`` (case-insensitive), as spelt there.

    Examples
    --------
    >>> first_present(["Time", "Mood"], ["timestamp", "time"])
    'Time'
    """
    lower = {str(c).lower().strip(): c for c in columns}
    for cand in candidates:
        if cand.lower() in lower:
            return lower[cand.lower()]
    return None

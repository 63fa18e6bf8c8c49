"""A cache of parsed activity files, so that a second load of an unchanged export is fast.

Each entry is keyed by the file's content (a SHA-256 hash of its raw bytes and its
format), and the whole cache by runwell's version: a changed file, a different format or
a new runwell version is read again; nothing is keyed by path or modification time. The
entries live in one parquet file per runwell version, ``activities-<version>.parquet``,
under the cache folder:

* ``cache=True`` uses ``$RUNWELL_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/runwell``,
  else ``~/.cache/runwell``;
* ``cache="some/folder"`` uses that folder;
* :func:`clear_cache` deletes the cache files.

The cache holds what the activity table holds (start times, durations, distances, heart
rate) plus each activity's first GPS position, which is used to find its time zone. It
stays on this machine, but it is as private as your activity files: delete the folder
(or call :func:`clear_cache`) when you are done.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from runwell._version import __version__
from runwell.activities._session import Parsed, Session

__all__ = ["ParseCache", "Failure", "default_cache_dir", "clear_cache", "cache_key"]

_SESSION_FIELDS = [f.name for f in fields(Session)]
#: Columns stored as text (missing values as nulls).
_TEXT_COLUMNS = (
    "device",
    "tz_hint",
    "native_id",
    "partial",
    "fail_kind",
    "fail_reason",
    "source",
    "sport",
    "sub_sport",
    "sport_original",
    "warnings",
)
#: Arrow types of the other columns written by :func:`_arrow_table` (the rest are numbers).
_ARROW_TYPES: dict[str, pa.DataType] = {
    "key": pa.string(),
    "index": pa.int64(),
    "indoor": pa.bool_(),
    "has_gps": pa.bool_(),
    **{name: pa.string() for name in _TEXT_COLUMNS},
}


@dataclass(frozen=True)
class Failure:
    """A file that could not be read: ``kind`` is ``"skipped"`` or ``"error"``."""

    kind: str
    reason: str


def default_cache_dir() -> Path:
    """``$RUNWELL_CACHE_DIR``, else ``$XDG_CACHE_HOME/runwell``, else ``~/.cache/runwell``."""
    if os.environ.get("RUNWELL_CACHE_DIR"):
        return Path(os.environ["RUNWELL_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "runwell"


def _version() -> str:
    return __version__


def cache_key(raw: bytes, fmt: str) -> str:
    """Content key of one file: the hash of its raw bytes and its format.

    SHA-256, which current processors compute in hardware (about twice as fast as
    BLAKE2b here), truncated to 128 bits.
    """
    digest = hashlib.sha256(raw)
    digest.update(b"\0" + fmt.encode())
    return digest.hexdigest()[:32]


def clear_cache(folder: str | os.PathLike[str] | None = None) -> int:
    """Delete runwell's cache files in ``folder`` (default :func:`default_cache_dir`).

    Returns
    -------
    int
        How many files were deleted.
    """
    root = Path(folder) if folder is not None else default_cache_dir()
    removed = 0
    for path in root.glob("activities-*.parquet"):
        path.unlink()
        removed += 1
    return removed


def _rows(key: str, result: Parsed | Failure) -> list[dict[str, Any]]:
    if isinstance(result, Failure):
        return [{"key": key, "fail_kind": result.kind, "fail_reason": result.reason}]
    base = {"key": key, "source": result.source, "partial": result.partial, "warnings": json.dumps(result.warnings)}
    out = []
    for index, session in enumerate(result.sessions):
        values = {name: getattr(session, name) for name in _SESSION_FIELDS}  # asdict() without deep copies
        fix = values.pop("first_fix")
        values["fix_lat"], values["fix_lon"] = fix if fix is not None else (math.nan, math.nan)
        out.append(base | {"index": index} | values)
    return out


def _nan_to_none(value: Any) -> Any:
    """Missing values of any kind (None, NaN, NaT, pd.NA) as None."""
    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):  # array-like: not a scalar missing value
        return value


def _result(rows: list[dict[str, Any]]) -> Parsed | Failure:
    first = rows[0]
    if isinstance(_nan_to_none(first.get("fail_kind")), str):
        return Failure(first["fail_kind"], first["fail_reason"])
    sessions = []
    for row in sorted(rows, key=lambda r: r["index"]):
        values = {name: _nan_to_none(row.get(name)) for name in _SESSION_FIELDS if name != "first_fix"}
        for name in ("start_utc", "start_local"):
            if values[name] is not None:
                values[name] = pd.Timestamp(values[name])
        for name in ("elapsed_s", "moving_s", "distance_m", "avg_hr", "max_hr", "elevation_gain_m"):
            values[name] = math.nan if values[name] is None else float(values[name])
        values["indoor"] = None if values["indoor"] is None else bool(values["indoor"])
        values["has_gps"] = bool(values["has_gps"])
        lat, lon = _nan_to_none(row.get("fix_lat")), _nan_to_none(row.get("fix_lon"))
        values["first_fix"] = None if lat is None else (float(lat), float(lon))
        sessions.append(Session(**values))
    partial = _nan_to_none(first.get("partial"))
    return Parsed(
        source=first["source"],
        sessions=sessions,
        partial=partial if isinstance(partial, str) else None,
        warnings=json.loads(first["warnings"]),
    )


class ParseCache:
    """Parsed activity files by content key, stored as parquet.

    Parameters
    ----------
    folder
        Where the cache file lives (created when first saved).
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.path = Path(folder) / f"activities-{_version()}.parquet"
        self._table: pd.DataFrame | None = None
        self._groups: dict[str, list[dict[str, Any]]] = {}
        self._new: list[dict[str, Any]] = []
        self._written: list[dict[str, Any]] = []  # rows of a new cache written by this object
        if self.path.exists():
            try:
                self._table = pd.read_parquet(self.path)
            except (OSError, ValueError):  # damaged cache: start afresh
                self._table = None
            if self._table is not None:
                for record in self._table.to_dict("records"):
                    self._groups.setdefault(record["key"], []).append(record)

    def keys(self) -> frozenset[str]:
        """The keys stored (including those not yet saved)."""
        return frozenset(self._groups)

    def get(self, key: str) -> Parsed | Failure | None:
        """The cached result for ``key``, or None."""
        rows = self._groups.get(key)
        return None if rows is None else _result(rows)

    def put(self, key: str, result: Parsed | Failure) -> None:
        """Remember a result (written by :meth:`save`)."""
        if key not in self._groups:
            new = _rows(key, result)
            self._new += new
            self._groups[key] = new

    def save(self) -> None:
        """Write new entries, if any."""
        if not self._new:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        if self._table is None:  # a new cache: written without a pandas detour
            rows = self._written + self._new
            fresh = _arrow_table(rows)
            if fresh is not None:
                pq.write_table(fresh, tmp, **_write_options(fresh.num_rows))
                tmp.replace(self.path)
                self._written, self._new = rows, []
                return
        new = pd.DataFrame(self._written + self._new)
        table = new if self._table is None else pd.concat([self._table, new], ignore_index=True)
        for col in _TEXT_COLUMNS:
            if col in table:
                table[col] = table[col].astype("string")
        if "indoor" in table:
            table["indoor"] = table["indoor"].astype("boolean")
        table.to_parquet(tmp, index=False)
        tmp.replace(self.path)
        self._table, self._new, self._written = table, [], []


#: Fewest rows for which a new cache file is written dictionary-encoded, compressed and
#: with column statistics (parquet's defaults); a smaller one is written plain, which
#: takes about half the time and reads back the same.
MIN_ROWS_TO_COMPRESS = 1000


def _write_options(n_rows: int) -> dict[str, Any]:
    """Options of ``pyarrow.parquet.write_table`` for a new cache of ``n_rows`` rows."""
    if n_rows >= MIN_ROWS_TO_COMPRESS:
        return {}
    return {"compression": "none", "use_dictionary": False, "write_statistics": False}


def _arrow_table(rows: list[dict[str, Any]]) -> pa.Table | None:
    """New cache rows as an arrow table (what :meth:`ParseCache.save` would write through
    pandas, read back the same), or None for a value of an unexpected type."""
    names = list(dict.fromkeys(name for row in rows for name in row))
    columns = []
    try:
        for name in names:
            values = [row.get(name) for row in rows]
            if name in ("start_utc", "start_local"):
                columns.append(pa.Array.from_pandas(pd.Series(values, dtype=object).infer_objects()))
            else:
                columns.append(pa.array(values, type=_ARROW_TYPES.get(name, pa.float64()), from_pandas=True))
    except (pa.ArrowException, TypeError, ValueError):
        return None
    return pa.table(columns, names=names)

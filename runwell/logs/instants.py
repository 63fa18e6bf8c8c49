"""Placing log times on the UTC time line: the one time policy of every log reader.

Zones are checked and converted by :mod:`runwell.timezones`; this module applies them
to log rows and writes what it did into the row log.

Time policy (the same for every format)
---------------------------------------
* Times written with an offset or as epoch/UTC instants are honoured as instants.
* Naive local wall-clock times are interpreted in the caller's ``tz`` (an IANA name).
  A format whose times are naive and that carries no zone of its own cannot be read
  without ``tz``: the reader raises :class:`~runwell.errors.InputError` (``field='tz'``)
  asking for it (:func:`require_tz`), rather than guessing UTC and shifting every day
  boundary.
* A local time that falls in a DST gap (it never existed, e.g. 02:30 on the spring-
  forward night) is moved forward by the length of the gap (02:30 -> 03:30), and a local
  time that occurs twice (the fall-back hour) is taken as the *earlier* instant
  (:func:`runwell.timezones.localize_series`). Both rows load whole, and each adds a
  ``warning`` to the load report saying what was done (:func:`localize_noted`).
* The local time stored beside an instant is the instant seen in ``tz`` when the caller
  gave one, else in the file's own zone or offset. A known offset without a zone name is
  written as ``"UTC+02:00"``.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from runwell.errors import InputError
from runwell.logs.plausible import plausible_ratings
from runwell.logs.rows import PathLike, RowLog
from runwell.plausible import plausible_time, time_problem
from runwell.timezones import check_zone, localize_series, offset_name

__all__ = [
    "given_tz",
    "require_tz",
    "stamp_zone",
    "localize_noted",
    "localize_rows",
    "localize_zoned",
    "parse_instants",
]

_EPOCH = r"-?\d{9,13}(\.\d+)?"
#: ISO 8601 date-times that ``pd.Timestamp`` reads exactly as ``pd.to_datetime`` does.
_ISO = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d{1,9})?)?(Z|[+-]\d\d:?\d\d)?")


def given_tz(tz: str | None) -> str | None:
    """The caller's ``tz``, checked by :func:`runwell.timezones.check_zone`; ``None`` passes.

    Raises
    ------
    InputError
        For an unknown zone (``field='tz'``).
    """
    return None if tz is None else check_zone(tz)


def require_tz(tz: str | None, path: PathLike, fmt: str, *, why: str | None = None) -> str:
    """Return the checked ``tz`` for a format that needs it, or raise asking for it.

    Parameters
    ----------
    tz
        The caller's zone, or ``None``.
    path
        The file being read (named in the error).
    fmt
        The format, in words (``"Daylio"``).
    why
        Replaces the default explanation (naive local times).

    Raises
    ------
    InputError
        When ``tz`` is ``None`` (``field='tz'``, with the fix) or unknown.
    """
    if tz is None:
        raise InputError(
            path,
            why
            or f"{fmt} files hold local times without a time zone, so runwell cannot place them on the UTC time line",
            field="tz",
            fix="pass tz='<IANA zone>' (the zone the participant lived in, e.g. "
            "tz='Europe/Berlin'); DST changes inside that zone are handled",
            option="tz",
            suggestion="ZONE (e.g. Europe/Berlin)",
        )
    return check_zone(tz)


def stamp_zone(stamp: pd.Timestamp, tz: str | None) -> str:
    """The zone to show an instant's local time in: ``tz`` if given, else its own offset.

    Examples
    --------
    >>> stamp_zone(pd.Timestamp("2024-01-15 23:10:00 +0100"), None)
    'UTC+01:00'
    >>> stamp_zone(pd.Timestamp("2024-01-15 23:10:00 +0100"), "Europe/Paris")
    'Europe/Paris'
    """
    if tz is not None:
        return tz
    offset = stamp.utcoffset()
    return offset_name(offset.total_seconds()) if offset is not None else "UTC"


def localize_noted(
    local: pd.Series,
    tz: str,
    log: RowLog | None = None,
    rows: Iterable[int | None] | None = None,
) -> pd.Series:
    """Interpret naive local times in ``tz`` and return UTC instants, DST included.

    The rules are :func:`runwell.timezones.localize_series`'s (a time in the DST gap
    moves forward by the gap; a repeated time takes the earlier instant); each such row
    gets a ``warning`` in ``log``.

    Parameters
    ----------
    local
        Naive ``datetime64`` values (missing values stay missing).
    tz
        IANA zone name, or ``"UTC+hh:mm"``.
    log, rows
        Where to note DST adjustments, and the source row of each value.

    Returns
    -------
    pandas.Series
        ``datetime64[ns, UTC]``, same index as ``local``.
    """
    local = pd.to_datetime(pd.Series(local)).astype("datetime64[ns]")
    utc, gap, ambiguous = localize_series(local, tz)
    if log is not None:
        row_list = list(rows) if rows is not None else [None] * len(local)
        for pos in np.flatnonzero((gap | ambiguous).to_numpy()):
            if ambiguous.iloc[pos]:
                what = "occurs twice (DST fall-back); the earlier instant was used"
            else:
                what = "does not exist (DST gap); moved forward by the gap"
            log.note(row_list[pos], f"local time {local.iloc[pos]} in {tz} {what}")
    return utc


def localize_rows(rows: list[dict[str, Any]], tz: str, log: RowLog) -> list[dict[str, Any]]:
    """Give mood rows their ``time_utc`` and ``tz`` from ``time_local`` (see :func:`localize_noted`).

    Rows without a local time keep ``time_utc`` missing; DST adjustments are noted
    against each row's ``source_row``; rows with times that cannot be true
    (:mod:`runwell.logs.plausible`) are rejected and dropped. The rows are changed in
    place and returned.
    """
    rows[:] = plausible_ratings(rows, log, log.path)
    timed = [r for r in rows if r.get("time_local") is not None]
    if timed:
        utc = localize_noted(pd.Series([r["time_local"] for r in timed]), tz, log, [r["source_row"] for r in timed])
        for row, instant in zip(timed, utc, strict=True):
            row["time_utc"] = instant
    for row in rows:
        row["tz"] = tz
        row.setdefault("time_utc", pd.NaT)
        row.setdefault("time_local", pd.NaT)
    return rows


def localize_zoned(
    local: Sequence[Any], zones: Sequence[str | None], log: RowLog, rows: Sequence[int | None]
) -> pd.Series:
    """UTC instants of naive local times, each in its own row's zone (files that name one per row).

    Each zone's rows are placed by :func:`localize_noted` (DST moves noted against
    ``rows``); rows with a missing time or zone stay missing.

    Parameters
    ----------
    local
        Naive local times (``None`` or ``NaT`` where unknown).
    zones
        Per row, an IANA zone or a ``"UTC+hh:mm"`` offset, or ``None``.
    log, rows
        Where DST moves are noted, and each value's source row.

    Returns
    -------
    pandas.Series
        ``datetime64[ns, UTC]``, one value per input row (positional index).
    """
    stamps = pd.Series(pd.to_datetime(pd.Series(list(local), dtype=object)), dtype="datetime64[ns]")
    utc = pd.Series(pd.NaT, index=stamps.index, dtype="datetime64[ns, UTC]")
    keys = pd.Series(list(zones), index=stamps.index, dtype=object)
    usable = stamps.notna() & keys.notna()
    for name, index in stamps[usable].groupby(keys[usable].astype(str)).groups.items():
        pos = [int(i) for i in index]
        placed = localize_noted(stamps.iloc[pos], str(name), log, [rows[p] for p in pos])
        utc.iloc[pos] = placed.to_numpy()
    return utc


def parse_instants(
    values: pd.Series,
    tz: str | None,
    log: RowLog,
    rows: Sequence[int | None],
    field: str,
    *,
    fmt: str,
    dayfirst: bool = False,
) -> tuple[pd.Series, pd.Series]:
    """Parse timestamps that may carry offsets; naive ones are local times in ``tz``.

    Parameters
    ----------
    values
        Text (ISO 8601 with or without offset, epoch seconds or milliseconds) or datetimes.
    tz
        The caller's zone, or ``None``.
    log
        Where unreadable values are reported (``error``) and DST moves noted.
    rows
        The source row of each value.
    field
        The column, named in the report.
    fmt
        The format in words, named when ``tz`` is needed and missing.
    dayfirst
        Read ambiguous dates day first.

    Returns
    -------
    utc : pandas.Series
        UTC instants, missing where the cell was empty or the row was reported.
    zone : pandas.Series
        Per row, the zone to show local time in: ``tz`` when given, else the value's own
        offset as ``"UTC+hh:mm"`` (or its zone name).

    Raises
    ------
    InputError
        When some value is naive and ``tz`` is ``None`` (asks for ``tz``).
    """
    fast = _parse_uniform(values)
    if fast is not None:
        return _uniform_instants(fast, values.index, tz, log, rows, fmt)
    utc = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
    zone = pd.Series([tz] * len(values), index=values.index, dtype="object")
    naive = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    seen: dict[str, pd.Timestamp | None] = {}
    for i, (idx, raw) in enumerate(values.items()):
        if raw is None or (not isinstance(raw, str) and pd.isna(raw)) or str(raw).strip() == "":
            continue
        text = str(raw).strip()
        if text not in seen:  # logs repeat their times (a rating per item): parse each text once
            seen[text] = _parse_one(text, dayfirst)
        stamp = seen[text]
        problem = time_problem(field, stamp) if stamp is not None else None
        if problem:
            log.reject(rows[i], problem, field=field, value=raw, fix="correct the date in the file")
        elif stamp is None:
            log.reject(
                rows[i],
                "not a date/time runwell can read",
                field=field,
                value=raw,
                fix="write times as ISO 8601, e.g. 2024-03-01 07:30 or 2024-03-01T07:30+01:00",
            )
        elif stamp.tzinfo is None:
            naive[idx] = stamp
        else:
            utc[idx] = stamp.tz_convert("UTC")
            zone[idx] = stamp_zone(stamp, tz)
    has_naive = naive.notna()
    if has_naive.any():
        zone_name = require_tz(tz, log.path, fmt)
        pos = np.flatnonzero(has_naive.to_numpy())
        utc[has_naive] = localize_noted(naive[has_naive], zone_name, log, [rows[int(p)] for p in pos]).to_numpy()
    return utc, zone


def _parse_one(text: str, dayfirst: bool) -> pd.Timestamp | None:
    """One timestamp (epoch seconds/ms are UTC), or ``None`` when it cannot be read."""
    try:
        if re.fullmatch(_EPOCH, text):
            number = float(text)
            return pd.Timestamp(number, unit="ms" if abs(number) > 1e11 else "s", tz="UTC")
        if _ISO.fullmatch(text):  # unambiguous, and pandas' C parser reads it 100 times faster
            return pd.Timestamp(text)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            stamp = pd.Timestamp(pd.to_datetime(text, dayfirst=dayfirst))
        stamp = stamp if pd.isna(stamp) else stamp.as_unit("ns")  # the tables hold 1677..2262 only
    except (ValueError, OverflowError, TypeError):
        return None
    return None if pd.isna(stamp) else stamp


def _uniform_instants(
    fast: pd.Series,
    index: pd.Index,
    tz: str | None,
    log: RowLog,
    rows: Sequence[int | None],
    fmt: str,
) -> tuple[pd.Series, pd.Series]:
    """:func:`parse_instants` for values parsed in one go (one common offset, or none)."""
    n = len(index)
    if fast.dt.tz is None:
        pos = np.flatnonzero(fast.notna().to_numpy())
        utc = pd.Series(pd.NaT, index=index, dtype="datetime64[ns, UTC]")
        if len(pos):
            zone_name = require_tz(tz, log.path, fmt)
            utc.iloc[pos] = localize_noted(fast.iloc[pos], zone_name, log, [rows[int(p)] for p in pos]).to_numpy()
        return utc, pd.Series([tz] * n, index=index, dtype="object")
    utc = fast.dt.tz_convert("UTC").astype("datetime64[ns, UTC]")
    name = tz
    if tz is None:
        offset = fast.dropna().iloc[0].utcoffset() if fast.notna().any() else None
        name = offset_name(offset.total_seconds()) if offset is not None else None
        key = getattr(fast.dt.tz, "key", None) or (str(fast.dt.tz) if str(fast.dt.tz) == "UTC" else None)
        name = key or name
    return utc, pd.Series([name] * n, index=index, dtype="object")


def _parse_uniform(values: pd.Series) -> pd.Series | None:
    """Vectorised fast path of :func:`parse_instants`.

    Used when every non-empty value is ISO 8601 text with one common offset (or none),
    or the values are already datetimes. ``None`` sends the caller to the per-value
    parser, which handles mixed offsets and epochs and reports bad values one by one.
    """
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return pd.Series(values)
    text = values.astype("string").str.strip()
    empty = text.isna() | (text == "")
    if empty.all() or text[~empty].str.fullmatch(_EPOCH).any():
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            parsed = pd.to_datetime(text[~empty], format="ISO8601")
    except (ValueError, TypeError, Warning):
        return None
    if len(parsed) and not (plausible_time(parsed.min()) and plausible_time(parsed.max())):
        return None  # the per-value parser reports the rows that cannot be true
    out = pd.Series(pd.NaT, index=values.index, dtype=parsed.dtype)
    out[~empty] = parsed
    return out

"""ISO 8601 times of GPX and TCX files, read as pandas reads them, without pandas.

Devices and Strava write every time of a file alike, ``YYYY-MM-DDTHH:MM:SS[.ffffff]Z``
(or with ``+00:00`` for the ``Z``).
Such times are checked and converted in a few array operations (:func:`civil_times`):
the characters of all of them lined up in a table, compared with the pattern at once,
the fields read with one matrix product and the instants computed with integer
arithmetic. A handful of times (lap starts) are read one by one with the standard
library (:func:`few_times`), which costs less than setting up the arrays. Anything else
goes through ``pandas.to_datetime(..., utc=True, format="ISO8601")``, whose result all
of these give.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["UTC_ISO", "civil_times", "few_times", "span_times", "to_times"]

#: A UTC time as devices write it (the one form read without pandas), ``Z`` or ``+00:00``.
UTC_ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|\+00:00)")
_UTC_ISO_FIELDS = re.compile(rb"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(?:Z|\+00:00)")
#: Most times read one by one (:func:`few_times`) rather than as arrays.
FEW = 16
_WS = b" \t\r\n"
_MONTH_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
#: Character positions of the digits of year, month, day, hour, minute and second.
_FIELD_DIGITS = ((0, 1, 2, 3), (5, 6), (8, 9), (11, 12), (14, 15), (17, 18))
_SEPARATORS = {4: "-", 7: "-", 10: "T", 13: ":", 16: ":", 19: "."}
_SUFFIXES = (b"Z", b"+00:00")


def _pattern(core: int, suffix: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For times of ``core`` characters (``YYYY-MM-DDTHH:MM:SS[.f]``) then ``suffix``:
    which positions hold digits, the character expected at the others, and the weight
    of each digit in each of the seven fields."""
    width = core + len(suffix)
    digit = np.zeros(width, dtype=bool)
    expect = np.zeros(width, dtype=np.uint8)
    weights = np.zeros((width, 7))
    for field, positions in enumerate(_FIELD_DIGITS):
        for k, pos in enumerate(positions):
            digit[pos] = True
            weights[pos, field] = 10.0 ** (len(positions) - 1 - k)
    for pos in range(20, core):  # the fraction, in microseconds
        digit[pos] = True
        weights[pos, 6] = 10.0 ** (25 - pos)
    for pos, char in _SEPARATORS.items():
        if pos < core:
            expect[pos] = ord(char)
    expect[core:] = np.frombuffer(suffix, dtype=np.uint8)
    return digit, expect, weights


#: :func:`_pattern` by width and last character: no fraction (19) or 1 to 6 digits of one.
_PATTERNS = {
    (core + len(suffix), suffix[-1]): _pattern(core, suffix)
    for core in (19, 21, 22, 23, 24, 25, 26)
    for suffix in _SUFFIXES
}


def _terms(weights: np.ndarray) -> list[list[tuple[int, int]]]:
    """The (digit, weight) pairs of each field, from a pattern's weights of its digits."""
    return [[(pos, int(weight)) for pos, weight in enumerate(column) if weight] for column in weights.T.tolist()]


#: The (digit, weight) pairs of each field by the number of digits of a time (14, 15..20).
_TERMS = {int(digit.sum()): _terms(weights[digit]) for digit, _expect, weights in _PATTERNS.values()}


def _field(digits: np.ndarray, terms: list[tuple[int, int]]) -> np.ndarray:
    """One field's value: its digits (rows of ``digits``, ``int32``) times their weights, summed."""
    value = np.zeros(digits.shape[1], dtype=np.int32)  # no fraction: no microseconds
    for row, weight in terms:
        value += digits[row] * weight
    return value


def _days(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray | None:
    """Days since 1970-01-01 of valid civil dates (Hinnant's algorithm), else None."""
    year, month, day = year.astype(np.int64), month.astype(np.int64), day.astype(np.int64)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    ok = (month >= 1) & (month <= 12) & (day >= 1)
    if not (ok & (day <= _MONTH_DAYS[np.clip(month, 1, 12) - 1] + (leap & (month == 2)))).all():
        return None
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468


def civil_times(table: np.ndarray) -> np.ndarray | None:
    """UTC times from a table of their characters (one row of ``uint8`` per time, all
    written ``YYYY-MM-DDTHH:MM:SS[.f]Z`` or all ``...+00:00``), or None unless every one
    is a valid time.

    The characters are compared with the pattern (digits, separators, the ``Z``), the
    fields checked (month 1..12, the month's days, hour 0..23, minute and second 0..59)
    and the instants computed with integer arithmetic (days from the civil date,
    Hinnant's algorithm), never by numpy's string-to-datetime cast, which crashes the
    interpreter on an invalid value among a few hundred (numpy 2.4).

    Examples
    --------
    >>> table = np.frombuffer(b"2024-05-01T06:00:00.5Z", dtype=np.uint8).reshape(1, -1)
    >>> civil_times(table)
    array(['2024-05-01T06:00:00.500000'], dtype='datetime64[us]')
    """
    n, width = table.shape
    pattern = _PATTERNS.get((width, int(table[0, -1]))) if n else None
    if pattern is None:
        return None
    digit, expect, _weights = pattern
    columns = np.ascontiguousarray(table.T)  # one row per character position
    values = columns[digit] - np.uint8(48)  # wraps below '0': only 0..9 are digits
    if (values > 9).any() or (columns[~digit] != expect[~digit, None]).any():
        return None
    digits = values.astype(np.int32)
    terms = _TERMS[len(digits)]
    # a file's times mostly share one date: then it is read once
    dates = digits[:8, :1] if (values[:8] == values[:8, :1]).all() else digits[:8]
    days = _days(*(_field(dates, terms[k]) for k in range(3)))
    hour, minute, second, micro = (_field(digits, terms[k]) for k in range(3, 7))
    if days is None or not ((hour <= 23) & (minute <= 59) & (second <= 59)).all():
        return None
    seconds = days * 86400 + (hour * 3600 + minute * 60 + second)
    return (seconds * 1_000_000 + micro).view("datetime64[us]")


def few_times(values: Sequence[bytes]) -> np.ndarray | None:
    """A few UTC times written ``YYYY-MM-DDTHH:MM:SS[.f]Z`` (or ``+00:00``), read one by one with the
    standard library; None unless every one is such a valid time.

    Examples
    --------
    >>> few_times([b"2024-05-01T06:00:00Z"])
    array(['2024-05-01T06:00:00.000000'], dtype='datetime64[us]')
    """
    out = []
    for value in values:
        match = _UTC_ISO_FIELDS.fullmatch(value)
        if match is None:
            return None
        year, month, day, hour, minute, second, fraction = match.groups()
        micro = int(fraction.ljust(6, b"0")) if fraction else 0
        try:
            out.append(dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micro))
        except ValueError:  # no such date or time
            return None
    return np.array(out, dtype="datetime64[us]")


def span_times(body: bytes, arr: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Times written in ``body[start:end]`` (NaT where empty), as :func:`to_times` reads
    them: each width of text in one pass (:func:`civil_times`).

    Parameters
    ----------
    body
        The text.
    arr
        ``body`` as an array of ``uint8``.
    start, end
        Where each time is written.
    """
    width = end - start
    n = len(start)
    if n <= FEW:
        return to_times([body[a:b] for a, b in zip(start.tolist(), end.tolist(), strict=True)])
    out = np.full(n, np.datetime64("NaT", "us"))
    widths = [int(width[0])] if width.min() == width.max() else np.unique(width).tolist()
    for w in widths:
        if not w:
            continue  # empty: NaT
        rows = np.flatnonzero(width == w) if len(widths) > 1 else np.arange(n)
        begin = start[rows]
        parsed = None
        if UTC_ISO.fullmatch(body[int(begin[0]) : int(begin[0]) + w].decode("ascii", "replace")):
            parsed = civil_times(_rows_of(arr, begin, w))
        if parsed is None:
            return to_times([body[a:b] for a, b in zip(start.tolist(), end.tolist(), strict=True)])
        out[rows] = parsed
    return out


def _rows_of(arr: np.ndarray, begin: np.ndarray, width: int) -> np.ndarray:
    """The ``width`` bytes from each offset in ``begin``, one row each (a sliding window
    viewed as one record per offset, so every row is copied whole)."""
    if len(arr) < width or int(begin.max()) > len(arr) - width:
        return arr[begin[:, None] + np.arange(width)]
    windows = np.ndarray((len(arr) - width + 1,), dtype=f"V{width}", buffer=arr, strides=(1,))
    return windows[begin].view(np.uint8).reshape(len(begin), width)


def to_times(values: Sequence[bytes]) -> np.ndarray:
    """UTC times (``datetime64[us]``, NaT where a text is empty) from ISO 8601 texts, as
    ``pandas.to_datetime(..., utc=True, format="ISO8601")`` reads them.

    The common case, every time written ``YYYY-MM-DDTHH:MM:SS[.ffffff]Z`` (or ``+00:00``) with the same
    width (as devices and Strava write them), is converted with integer arithmetic
    without a Python loop (:func:`civil_times`), a few such times one by one
    (:func:`few_times`); anything else, an invalid date among them, goes through pandas.

    Raises
    ------
    ValueError
        A text is not an ISO 8601 time.

    Examples
    --------
    >>> to_times([b"2024-05-01T06:00:00Z", b"2024-05-01T06:00:01Z"])
    array(['2024-05-01T06:00:00.000000', '2024-05-01T06:00:01.000000'],
          dtype='datetime64[us]')
    >>> to_times([b" 2024-05-01T08:00:00+02:00 ", b""])
    array(['2024-05-01T06:00:00.000000',                        'NaT'],
          dtype='datetime64[us]')
    """
    n = len(values)
    width = len(values[0]) if n else 0
    if 0 < n <= FEW and (few := few_times(values)) is not None:
        return few
    if n and UTC_ISO.fullmatch(values[0].decode("ascii", "replace")):
        joined = b"".join(values)
        if len(joined) == n * width:
            parsed = civil_times(np.frombuffer(joined, dtype=np.uint8).reshape(n, width))
            if parsed is not None:
                return parsed
    texts = [value.strip(_WS).decode("ascii", "replace") or None for value in values]
    parsed = pd.DatetimeIndex(pd.to_datetime(texts, utc=True, format="ISO8601"))
    return parsed.tz_convert(None).to_numpy().astype("datetime64[us]")

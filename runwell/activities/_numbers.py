"""Decimal numbers of GPX and TCX files, read to exactly the value ``float`` gives.

A file's points hold tens of thousands of numbers (``50.3925680``, ``473.8``, ``111``).
:func:`span_floats` reads those written plainly (an optional ``-``, at most 15 digits and
one ``.``, at most 16 characters) with a few operations on whole arrays: each number's
16 characters, lined up at their right end, are two 64-bit words, and every test and
step works on the eight characters of a word at once (SWAR): the characters before the
number, the ``-`` and the ``.`` become ``0`` digits, a row whose characters are then all
digits is plain, and its digits become one integer (Lemire's method). Integer and power
of ten are exact in binary, so the one rounding of their quotient is the correctly
rounded value, the same as ``float`` (Clinger's fast path). Anything else (more digits,
exponents, spaces) goes through ``float``, and so do a few numbers, where setting up
the arrays costs more.
"""

from __future__ import annotations

import numpy as np

__all__ = ["FEW_NUMBERS", "span_floats"]

#: Most numbers read one by one with ``float`` rather than as arrays.
FEW_NUMBERS = 64
#: Most digits read as arrays (an integer below 2**53, exact in floating point).
MAX_DIGITS = 15
#: Exact powers of ten, as floats and as integers.
_POW10 = np.array([float(10**k) for k in range(23)])
_POW10_INT = np.array([10**k for k in range(17)], dtype=np.uint64)
_ALL = 0xFFFFFFFFFFFFFFFF


def _bytes_of(byte: int) -> np.uint64:
    """A 64-bit word holding ``byte`` in each of its eight bytes."""
    return np.uint64(byte * 0x0101010101010101)


_ZEROS = _bytes_of(0x30)  # eight '0' characters
_LOW7 = _bytes_of(0x7F)
_HIGH = _bytes_of(0x80)
_ABOVE9 = _bytes_of(0x76)  # a byte above 9 plus this sets its high bit
#: By the number of characters before the number (0..16): which bytes of the first and
#: of the second word hold the number (the others become '0').
_KEEP_FIRST = np.array([(_ALL << (8 * min(c, 8))) & _ALL for c in range(17)], dtype=np.uint64)
_KEEP_SECOND = np.array([(_ALL << (8 * max(c - 8, 0))) & _ALL for c in range(17)], dtype=np.uint64)
#: By the same count: the '0' characters that stand for those left out.
_FILL_FIRST = _ZEROS & ~_KEEP_FIRST
_FILL_SECOND = _ZEROS & ~_KEEP_SECOND


def _eight_digits(words: np.ndarray) -> np.ndarray:
    """The integers written by eight digit values (0..9) per little-endian 64-bit word,
    most significant digit first (Lemire's SWAR method; the products wrap by design)."""
    words = words * np.uint64(10) + (words >> np.uint64(8))
    mask = np.uint64(0x000000FF000000FF)
    high = (words & mask) * np.uint64(0x000F424000000064)  # 100 + (1000000 << 32)
    low = ((words >> np.uint64(16)) & mask) * np.uint64(0x0000271000000001)  # 1 + (10000 << 32)
    return (high + low) >> np.uint64(32)


def _zero_bytes(words: np.ndarray) -> np.ndarray:
    """0x80 in each byte of ``words`` that is zero, 0 in the others (exact: no borrow)."""
    return ~(((words & _LOW7) + _LOW7) | words | _LOW7)


def _windows(arr: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 16 bytes ending at each offset in ``end`` (at least 16) as two 64-bit words
    (a sliding window viewed as one 16-byte record per offset, copied whole)."""
    records = np.ndarray((len(arr) - 15,), dtype="V16", buffer=arr, strides=(1,))  # read-only, overlapping
    words = records[end - 16].view(np.uint64).reshape(len(end), 2)
    return words[:, 0], words[:, 1]


def _plain_digits(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Rows whose 16 bytes (as two words) are all digit values 0..9."""
    high = ((first + _ABOVE9) | first | (second + _ABOVE9) | second) & _HIGH
    return high == 0


def _dot_at(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Where a lone 0x80 byte is (0..15), 16 where neither word has one: a byte ``b``
    with only its high bit set is the power of two ``2**(8 * b + 7)``, exact in a float."""
    exponent_first = np.frexp(first.astype(np.float64))[1]  # 8 * b + 8, or 0 for no dot
    exponent_second = np.frexp(second.astype(np.float64))[1]
    return np.where(
        exponent_first > 0, (exponent_first - 8) // 8, np.where(exponent_second > 0, 8 + (exponent_second - 8) // 8, 16)
    )


def span_floats(body: bytes, arr: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Numbers written in ``body[start:end]`` (NaN where empty), exactly as ``float``.

    Parameters
    ----------
    body
        The text.
    arr
        ``body`` as an array of ``uint8``.
    start, end
        Where each number is written.

    Returns
    -------
    numpy.ndarray
        One float per number.

    Raises
    ------
    ValueError
        A text ``float`` does not read.

    Examples
    --------
    >>> body = b"12.5|-0.25||7"
    >>> span_floats(body, np.frombuffer(body, np.uint8), np.array([0, 5, 11, 12]), np.array([4, 10, 11, 13]))
    array([12.5 , -0.25,   nan,  7.  ])
    """
    n = len(start)
    if n <= FEW_NUMBERS or len(arr) < 16:  # a few: one by one costs less than the array set-up
        return np.array(
            [float(body[a:b]) if b > a else np.nan for a, b in zip(start.tolist(), end.tolist(), strict=True)]
        )
    width = end - start
    fits = (width > 0) & (width <= 16) & (end >= 16)
    negative = fits & (arr[np.minimum(start, len(arr) - 1)] == 45)
    before = np.where(fits, 16 - width + negative, 16)  # characters before the digits in the 16 (a '-' too)
    first, second = _windows(arr, np.maximum(end, 16))
    first = (first & _KEEP_FIRST[before]) | _FILL_FIRST[before]
    second = (second & _KEEP_SECOND[before]) | _FILL_SECOND[before]
    dots_first = _zero_bytes(first ^ _bytes_of(0x2E))  # 0x80 at each '.'
    dots_second = _zero_bytes(second ^ _bytes_of(0x2E))
    n_dots = np.bitwise_count(dots_first).astype(np.int64) + np.bitwise_count(dots_second)
    first ^= (dots_first >> np.uint64(7)) * np.uint64(0x1E)  # each '.' becomes a '0'
    second ^= (dots_second >> np.uint64(7)) * np.uint64(0x1E)
    first ^= _ZEROS  # digit values 0..9, other characters 10 and up
    second ^= _ZEROS
    n_digits = width - n_dots - negative
    plain = _plain_digits(first, second) & fits & (n_dots <= 1) & (n_digits >= 1) & (n_digits <= MAX_DIGITS)
    dot_at = _dot_at(dots_first, dots_second)
    whole = _eight_digits(first) * np.uint64(10**8) + _eight_digits(second)
    # drop the 0 that stands for the point: (N - R) / 10 + R, R the digits after the point
    decimals = np.where(dot_at < 16, 15 - dot_at, 0)
    after = whole % _POW10_INT[decimals]
    mantissa = np.where(dot_at < 16, (whole - after) // np.uint64(10) + after, whole)
    parsed = mantissa / _POW10[decimals]
    out = np.where(negative, -parsed, parsed)
    out[width == 0] = np.nan
    for row in np.flatnonzero(~plain & (width > 0)).tolist():
        out[row] = float(body[start[row] : end[row]])
    return out

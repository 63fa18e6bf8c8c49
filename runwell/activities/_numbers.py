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
#: By the number of characters before the number (0..16): which bytes of each word hold
#: the number (the others become '0').
_KEEP = np.array(
    [[(_ALL << (8 * min(c, 8))) & _ALL, (_ALL << (8 * max(c - 8, 0))) & _ALL] for c in range(17)],
    dtype=np.uint64,
)
#: By the position of a leading '-' (0..15): the bits that turn it into a '0' in each word.
_MINUS = np.array(
    [[(0x1D << (8 * p)) if p < 8 else 0, (0x1D << (8 * (p - 8))) if p >= 8 else 0] for p in range(16)],
    dtype=np.uint64,
)


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


def _windows(arr: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The 16 bytes ending at each offset in ``end`` (at least 16), as two 64-bit words
    per row: a sliding window viewed as one 16-byte record per offset, copied whole."""
    records = np.lib.stride_tricks.sliding_window_view(arr, 16).view("V16")[:, 0]
    return records[end - 16].view(np.uint64).reshape(len(end), 2)


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
    before = np.where(fits, 16 - width, 0)  # characters before the number in its 16
    words = _windows(arr, np.maximum(end, 16))
    keep = _KEEP[before]
    words = (words & keep) | (_ZEROS & ~keep)
    negative = fits & (arr[np.minimum(start, len(arr) - 1)] == 45)
    words ^= np.where(negative[:, None], _MINUS[np.minimum(before, 15)], np.uint64(0))
    dots = _zero_bytes(words ^ _bytes_of(0x2E))  # 0x80 at each '.'
    n_dots = np.bitwise_count(dots).sum(axis=1, dtype=np.int64)
    words ^= (dots >> np.uint64(7)) * np.uint64(0x1E)  # each '.' becomes a '0'
    digits = words ^ _ZEROS  # digit values 0..9, other characters 10 and up
    plain = ~((((digits + _ABOVE9) | digits) & _HIGH).any(axis=1))
    n_digits = width - n_dots - negative
    plain &= fits & (n_dots <= 1) & (n_digits >= 1) & (n_digits <= MAX_DIGITS)
    # where the point was: its byte's high bit, counted from the right end of the 16
    dot_bit = np.frexp(dots.astype(np.float64))[1]  # 8 * byte + 8 in a word holding one '.'
    dot_at = np.where(
        dot_bit[:, 0] > 0, (dot_bit[:, 0] - 8) // 8, np.where(dot_bit[:, 1] > 0, 8 + (dot_bit[:, 1] - 8) // 8, 16)
    )
    whole = _eight_digits(digits[:, 0]) * np.uint64(10**8) + _eight_digits(digits[:, 1])
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

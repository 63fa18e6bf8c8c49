"""The FIT profile as the bulk decoder needs it: base types as numpy dtypes, and fields.

The profile itself (message and field names, scales, offsets, enums, sub-fields and
components) is fitparse's (:mod:`fitparse.profile`), the same one the reference decoder
uses, so the names and values come out as fitparse gives them. This module turns it into
what array code needs:

* :data:`BASE_TYPES`: each base type as a numpy dtype, its size and its invalid value;
* :func:`message_fields`: a message's fields by number (fitparse ``Field`` objects);
* :func:`enum_names`: an enum's names looked up for a whole array at once;
* :func:`fit_times`: FIT ``date_time`` seconds as ``datetime64`` for a whole array.

Rules fitparse applies and the decoder copies: a value equal to its type's invalid value
is missing (``None``); a field whose size is not a multiple of its type's size, or whose
type number is unknown, is read as ``byte`` (raw bytes; missing when all are 0xFF);
``date_time`` values below :data:`~.protocol.FIRST_ABSOLUTE_TIME` are device-relative
seconds, not instants.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
from fitparse.profile import FIELD_TYPE_TIMESTAMP, MESSAGE_TYPES

from runwell.activities.fit.protocol import BYTE_BASE_TYPE, FIRST_ABSOLUTE_TIME, FIT_EPOCH

__all__ = [
    "BaseType",
    "BASE_TYPES",
    "STRING",
    "TIMESTAMP_FIELD",
    "TIMESTAMP_NUM",
    "FIT_EPOCH_UNIX_S",
    "base_type",
    "message_fields",
    "enum_names",
    "fit_times",
    "fit_datetime",
    "parse_string",
]

#: The FIT epoch in Unix seconds.
FIT_EPOCH_UNIX_S = 631065600
#: Field number of ``timestamp`` in every message (and what compressed headers advance).
TIMESTAMP_NUM = 253
#: fitparse's ``timestamp`` field (type ``date_time``): what a compressed header writes.
TIMESTAMP_FIELD = FIELD_TYPE_TIMESTAMP
#: Base-type number of ``string``.
STRING = 0x07


@dataclass(frozen=True)
class BaseType:
    """One FIT base type as the decoder reads it.

    Attributes
    ----------
    number
        The base-type number (with the endian bit), as in a field definition.
    name
        fitparse's name (``"uint16"``, ``"byte"``, ...): processors key on it.
    code
        numpy dtype code without byte order (``"u2"``), ``"S"`` for strings.
    size
        Bytes per value.
    invalid
        The value meaning "missing"; None for floats (NaN is missing), strings and bytes.
    """

    number: int
    name: str
    code: str
    size: int
    invalid: int | None

    def dtype(self, endian: str) -> np.dtype[Any]:
        """The numpy dtype of one value in this byte order (``"<"`` or ``">"``)."""
        return np.dtype(endian + self.code if self.size > 1 else self.code)

    @property
    def is_float(self) -> bool:
        """Floating point (missing is NaN)."""
        return self.code[0] == "f"


#: The base types by number, as fitparse 1.2 knows them.
BASE_TYPES: dict[int, BaseType] = {
    b.number: b
    for b in (
        BaseType(0x00, "enum", "u1", 1, 0xFF),
        BaseType(0x01, "sint8", "i1", 1, 0x7F),
        BaseType(0x02, "uint8", "u1", 1, 0xFF),
        BaseType(0x83, "sint16", "i2", 2, 0x7FFF),
        BaseType(0x84, "uint16", "u2", 2, 0xFFFF),
        BaseType(0x85, "sint32", "i4", 4, 0x7FFFFFFF),
        BaseType(0x86, "uint32", "u4", 4, 0xFFFFFFFF),
        BaseType(0x07, "string", "S", 1, None),
        BaseType(0x88, "float32", "f4", 4, None),
        BaseType(0x89, "float64", "f8", 8, None),
        BaseType(0x0A, "uint8z", "u1", 1, 0x00),
        BaseType(0x8B, "uint16z", "u2", 2, 0x0000),
        BaseType(0x8C, "uint32z", "u4", 4, 0x00000000),
        BaseType(BYTE_BASE_TYPE, "byte", "u1", 1, None),
        BaseType(0x8E, "sint64", "i8", 8, 0x7FFFFFFFFFFFFFFF),
        BaseType(0x8F, "uint64", "u8", 8, 0xFFFFFFFFFFFFFFFF),
        BaseType(0x90, "uint64z", "u8", 8, 0),
    )
}


def base_type(number: int, size: int) -> tuple[BaseType, bool]:
    """The base type a field of ``size`` bytes is read as, and whether it was misaligned.

    Unknown type numbers are read as ``byte`` (as fitparse does); a size that is not a
    multiple of the type's size is read as ``byte`` too (as the FIT SDK does, and as
    :mod:`.repair` makes fitparse do), which the second value reports.

    Examples
    --------
    >>> base_type(0x86, 1)[0].name, base_type(0x86, 1)[1]
    ('byte', True)
    """
    known = BASE_TYPES.get(number)
    if known is None:
        return BASE_TYPES[BYTE_BASE_TYPE], False
    if size % known.size:
        return BASE_TYPES[BYTE_BASE_TYPE], True
    return known, False


@functools.cache
def message_fields(global_num: int) -> dict[int, Any]:
    """The profile's fields of a message by field number (empty for unknown messages)."""
    mesg = MESSAGE_TYPES.get(global_num)
    return dict(mesg.fields) if mesg is not None else {}


#: Sorted keys and their names for each enum looked up so far (the profile's enums are
#: module constants, so their ids are stable).
_ENUM_TABLES: dict[int, tuple[dict[int, str], np.ndarray, np.ndarray]] = {}


def _enum_table(values: dict[int, str]) -> tuple[np.ndarray, np.ndarray]:
    table = _ENUM_TABLES.get(id(values))
    if table is None or table[0] is not values:  # the dict is kept, so its id stays its own
        keys = np.array(list(values), dtype=np.float64)
        names = np.array(list(values.values()), dtype=object)
        order = np.argsort(keys, kind="stable")
        table = _ENUM_TABLES[id(values)] = (values, keys[order], names[order])
    return table[1], table[2]


def enum_names(raw: np.ndarray, values: dict[int, str]) -> np.ndarray:
    """Look up enum names for a whole array; values without a name stay as they are.

    Parameters
    ----------
    raw
        Numbers (any numeric dtype).
    values
        The enum's ``{number: name}`` (a fitparse ``FieldType.values``).

    Returns
    -------
    numpy.ndarray
        An object array: the name where there is one, else the number itself.

    Examples
    --------
    >>> enum_names(np.array([1, 99]), {1: "running"}).tolist()
    ['running', 99]
    """
    if raw.size < 64:  # a few values: the dict itself, as fitparse looks them up
        return np.array([values.get(v, v) for v in raw.tolist()] or [], dtype=object).reshape(raw.shape)
    keys, names = _enum_table(values)
    out = raw.astype(object)
    if not len(keys) or not raw.size:
        return out
    where = np.clip(np.searchsorted(keys, raw), 0, len(keys) - 1)
    hit = keys[where] == raw
    out[hit] = names[where[hit]]
    return out


def fit_times(seconds: np.ndarray) -> np.ndarray:
    """FIT ``date_time`` seconds as ``datetime64[us]`` (integral seconds only).

    Examples
    --------
    >>> str(fit_times(np.array([1_000_000_000]))[0])
    '2021-09-08T01:46:40.000000'
    """
    whole = (np.asarray(seconds, dtype=np.int64) + FIT_EPOCH_UNIX_S).astype("datetime64[s]")
    return whole.astype("datetime64[us]")


def fit_datetime(value: int | float, *, local: bool = False) -> Any:
    """One ``date_time`` (or ``local_date_time``) value as fitparse gives it.

    Examples
    --------
    >>> fit_datetime(1_000_000_000)
    datetime.datetime(2021, 9, 8, 1, 46, 40)
    >>> fit_datetime(500)
    500
    """
    if not local and value < FIRST_ABSOLUTE_TIME:
        return value
    return FIT_EPOCH + dt.timedelta(seconds=value)


def parse_string(raw: bytes) -> str | None:
    """A FIT string as fitparse reads it: up to the first NUL, UTF-8, None when empty.

    Examples
    --------
    >>> parse_string(b"Stryd\\x00\\x00"), parse_string(b"\\x00abc")
    ('Stryd', None)
    """
    end = raw.find(b"\x00")
    text = raw if end < 0 else raw[:end]
    return text.decode("utf-8", errors="replace") or None

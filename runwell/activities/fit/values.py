"""One field's values for all the messages of one definition, as arrays.

The bulk decoder (:mod:`.bulk`) reads a field of every message of a definition at once and
keeps it as a :class:`FieldValues`: the raw numbers (or bytes, or strings), which of them
are missing, and the profile's rules for turning them into what fitparse gives (scale and
offset, enum names, times). Two ways out:

* :meth:`FieldValues.floats` and :meth:`FieldValues.times`, vectorised, for the streams;
* :meth:`FieldValues.objects`, one Python value per message exactly as fitparse's
  ``get_values()`` has it, for the few summary messages.

fitparse's order of rules, copied here: a field's raw value is first looked up among its
type's enum names, then scaled (``float(raw) / scale``) and offset; a *component* is
scaled first and then looked up; arrays are scaled element by element; then the type's
processor turns ``date_time`` (from :data:`~.protocol.FIRST_ABSOLUTE_TIME` on) and
``local_date_time`` into :class:`datetime.datetime`, ``bool`` into bool and
``localtime_into_day`` into :class:`datetime.time`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from runwell.activities.fit.profile import enum_names, fit_datetime, parse_string
from runwell.activities.fit.protocol import FIRST_ABSOLUTE_TIME

__all__ = ["FieldValues", "Rule"]

_TIME_TYPES = ("date_time", "local_date_time")


@dataclass(frozen=True)
class Rule:
    """How raw values become fitparse's values: the (sub-)field's or component's profile.

    Attributes
    ----------
    name
        The key in fitparse's ``get_values()`` (the resolved sub-field's name).
    type_name
        The type whose processor applies (``"date_time"``, ``"bool"``, ...).
    values
        The enum's names by number, or None.
    scale, offset
        As in the profile (falsy: not applied).
    scale_first
        Components are scaled before their enum lookup; fields after.
    """

    name: str
    type_name: str
    values: dict[int, str] | None = None
    scale: float | None = None
    offset: float | None = None
    scale_first: bool = False


@dataclass
class FieldValues:
    """A field (or component) of ``n`` messages.

    Attributes
    ----------
    rule
        The profile rule of these values.
    raw
        ``"num"``: shape ``(n,)`` numbers; ``"array"``: ``(n, k)`` numbers; ``"bytes"``:
        ``(n, k)`` uint8; ``"str"``: ``(n, k)`` uint8 (NUL-padded text).
    form
        ``"num"``, ``"array"``, ``"bytes"`` or ``"str"``.
    notnone
        Where fitparse's value is not None.
    present
        Where the key is in the message at all (None: in every message); sub-fields
        make a name depend on another field's value.
    element_ok
        For arrays: which elements are valid.
    """

    rule: Rule
    raw: np.ndarray
    form: str
    notnone: np.ndarray
    present: np.ndarray | None = None
    element_ok: np.ndarray | None = None

    def _scaled(self, x: np.ndarray) -> np.ndarray:
        if self.rule.scale:
            x = x / self.rule.scale
        if self.rule.offset:
            x = x - self.rule.offset
        return x

    def floats(self) -> np.ndarray:
        """The values as floats (NaN where missing, for arrays, bytes and text)."""
        if self.form != "num":
            return np.full(len(self.notnone), np.nan)
        x = self._scaled(self.raw.astype(np.float64))
        if self.rule.type_name == "bool":
            x = (x != 0).astype(np.float64)
        return np.where(self.notnone, x, np.nan)

    def times(self) -> np.ndarray:
        """Where the value is an instant (``datetime``) in fitparse, rather than a number."""
        if self.form != "num" or self.rule.type_name not in _TIME_TYPES:
            return np.zeros(len(self.notnone), dtype=bool)
        if self.rule.type_name == "local_date_time":
            return self.notnone.copy()
        return self.notnone & (self._scaled(self.raw.astype(np.float64)) >= FIRST_ABSOLUTE_TIME)

    def objects(self) -> list[Any]:
        """Each message's value exactly as fitparse's ``get_values()`` gives it."""
        if self.form == "num":
            raw = self.raw.tolist()
            looked = enum_names(self.raw, self.rule.values).tolist() if self.rule.values else raw
            out = [self._one(r, v) if ok else None for r, v, ok in zip(raw, looked, self.notnone.tolist(), strict=True)]
        elif self.form == "str":
            out = [parse_string(bytes(row)) for row in self.raw]
        elif self.form == "bytes":
            out = [tuple(row) if ok else None for row, ok in zip(self.raw.tolist(), self.notnone.tolist(), strict=True)]
            out = [self._elements(v) if v is not None else None for v in out]
        else:
            assert self.element_ok is not None
            rows = zip(self.raw.tolist(), self.element_ok.tolist(), strict=True)
            out = [self._elements(tuple(v if ok else None for v, ok in zip(r, oks, strict=True))) for r, oks in rows]
        return [self._process(v) for v in out]

    def _one(self, raw: int | float, looked: Any) -> Any:
        """One number: enum lookup and scale in fitparse's order."""
        rule = self.rule
        if rule.scale_first:
            value: Any = raw
            if rule.scale:
                value = float(value) / rule.scale
            if rule.offset:
                value = value - rule.offset
            return rule.values.get(value, value) if rule.values else value
        if isinstance(looked, str):
            return looked
        value = looked
        if rule.scale:
            value = float(value) / rule.scale
        if rule.offset:
            value = value - rule.offset
        return value

    def _elements(self, value: tuple[Any, ...]) -> tuple[Any, ...]:
        """An array value: scaled element by element (missing elements stay None)."""
        rule = self.rule
        if not (rule.scale or rule.offset):
            return value
        out = []
        for v in value:
            if v is not None:
                v = float(v) / rule.scale if rule.scale else v
                v = v - rule.offset if rule.offset else v
            out.append(v)
        return tuple(out)

    def _process(self, value: Any) -> Any:
        """fitparse's type processors."""
        if value is None:
            return None
        name = self.rule.type_name
        if name == "bool":
            return bool(value)
        if name in _TIME_TYPES and isinstance(value, int | float):
            return fit_datetime(value, local=name == "local_date_time")
        if name == "localtime_into_day" and isinstance(value, int):
            minutes, seconds = divmod(value, 60)
            hours, minutes = divmod(minutes, 60)
            return dt.time(hours, minutes, seconds)
        return value

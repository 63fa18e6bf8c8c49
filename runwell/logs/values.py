"""Reading values out of log cells: numbers, durations, rating scales and item names.

The mood readers agree on one item vocabulary (:func:`normalise_item`), one way of
declaring scales (:func:`parse_scale`, :func:`merge_scales`) and one check that a
rating lies on its scale (:func:`check_value`, which reports the row when it does not);
the sleep readers share :func:`optional_float` and :func:`to_hours`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from runwell.logs.rows import RowLog

__all__ = [
    "ITEM_ALIASES",
    "normalise_item",
    "rescale",
    "parse_scale",
    "merge_scales",
    "check_value",
    "optional_float",
    "to_hours",
    "MAX_PERIOD_H",
    "period_hours",
]

#: Spellings of common items mapped to runwell's item names (after :func:`normalise_item`
#: has lower-cased them and turned separators into ``_``).
ITEM_ALIASES: dict[str, str] = {
    "mood": "mood",
    "overall_mood": "mood",
    "feeling": "mood",
    "happiness": "happy",
    "energy": "energy",
    "energy_level": "energy",
    "energetic": "energy",
    "anxiety": "anxiety",
    "anxious": "anxiety",
    "stress": "stress",
    "stressed": "stress",
    "sleep_quality": "sleep_quality",
    "sleepquality": "sleep_quality",
    "quality_of_sleep": "sleep_quality",
    "sleep_rating": "sleep_quality",
    "fatigue": "fatigue",
    "tired": "fatigue",
    "tiredness": "fatigue",
    "sad": "sadness",
    "sadness": "sadness",
    "irritable": "irritability",
    "irritability": "irritability",
    "relaxed": "relaxed",
    "calm": "calm",
    "valence": "valence",
}


def normalise_item(name: object) -> str:
    """Turn an item label into runwell's item vocabulary.

    Lower-cases, turns runs of non-alphanumerics into ``_`` and applies
    :data:`ITEM_ALIASES`, so ``"Sleep quality"``, ``"sleep-quality"`` and
    ``"SleepQuality"`` all become ``"sleep_quality"``.

    Parameters
    ----------
    name
        The label as the file or the caller wrote it.

    Returns
    -------
    str
        The normalised item name.

    Examples
    --------
    >>> normalise_item("Sleep Quality "), normalise_item("Stressed"), normalise_item("focus")
    ('sleep_quality', 'stress', 'focus')
    """
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", str(name).strip())
    key = re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")
    return ITEM_ALIASES.get(key, ITEM_ALIASES.get(key.replace("_", ""), key))


def rescale(value: float, scale_min: float, scale_max: float) -> float:
    """Rescale a rating to 0..1: ``(value - scale_min) / (scale_max - scale_min)``.

    Examples
    --------
    >>> rescale(4, 1, 5)
    0.75
    """
    return (float(value) - float(scale_min)) / (float(scale_max) - float(scale_min))


def parse_scale(spec: object, what: str) -> tuple[float, float]:
    """Check a ``(min, max)`` scale given by the caller.

    Parameters
    ----------
    spec
        Two numbers (or numeric strings), minimum first.
    what
        The item or option the scale is for, named in the error.

    Returns
    -------
    tuple of float
        ``(min, max)``.

    Raises
    ------
    ValueError
        When ``spec`` is not two numbers with ``max > min``.

    Examples
    --------
    >>> parse_scale(("1", 7), "mood")
    (1.0, 7.0)
    """
    try:
        lo, hi = (float(v) for v in spec)  # type: ignore[attr-defined]
    except (TypeError, ValueError) as err:
        raise ValueError(f"scale for {what} must be (min, max), got {spec!r}") from err
    if not hi > lo:
        raise ValueError(f"scale for {what} must have max > min, got {spec!r}")
    return lo, hi


def merge_scales(
    defaults: Mapping[str, tuple[float, float]], given: Mapping[str, Any] | None
) -> dict[str, tuple[float, float]]:
    """Default scales per item updated with the caller's ``scales=`` (names normalised).

    Examples
    --------
    >>> merge_scales({"mood": (1, 5)}, {"Sleep quality": (0, 10)})
    {'mood': (1, 5), 'sleep_quality': (0.0, 10.0)}
    """
    out = dict(defaults)
    for name, spec in (given or {}).items():
        out[normalise_item(name)] = parse_scale(spec, name)
    return out


def check_value(
    log: RowLog,
    row: int | None,
    raw: object,
    scale: tuple[float, float],
    field: str,
    option: str = "scales=",
) -> float | None:
    """Parse a rating and check it lies on its scale; report (or raise) when not.

    Parameters
    ----------
    log
        Where a bad value is reported (an ``error`` of ``row``).
    row
        The row the value is on.
    raw
        The cell: a number or text (a decimal comma is accepted).
    scale
        ``(min, max)``, inclusive.
    field
        The column, named in the report.
    option
        The option that declares this scale, named in the fix.

    Returns
    -------
    float or None
        The value, or ``None`` when the cell is empty or the value was reported.
    """
    if raw is None or (isinstance(raw, float) and math.isnan(raw)) or str(raw).strip() == "":
        return None
    try:
        value = float(str(raw).strip().replace(",", "."))
    except ValueError:
        log.reject(row, "not a number", field=field, value=raw, fix="correct or delete the cell")
        return None
    lo, hi = scale
    if not lo <= value <= hi:
        log.reject(
            row,
            f"outside the declared scale {lo:g}..{hi:g}",
            field=field,
            value=raw,
            fix=f"correct the value, or declare the right scale (the {option} option)",
        )
        return None
    return value


def optional_float(value: Any) -> float | None:
    """A number read leniently: ``None`` for a missing or unreadable value.

    Parameters
    ----------
    value
        A number, numeric text (surrounding white space allowed) or anything else.

    Returns
    -------
    float or None
        ``float(value)``, or ``None`` when ``value`` is ``None`` or not a number.

    Examples
    --------
    >>> optional_float(" 7.5 "), optional_float(480), optional_float(""), optional_float(None)
    (7.5, 480.0, None, None)
    """
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


_PER_HOUR = {"s": 3600, "min": 60}

#: The longest sleep period a reader accepts; a longer one is a damaged row (reported).
MAX_PERIOD_H = 36.0


def period_hours(start: Any, end: Any) -> float:
    """Hours from ``start`` to ``end`` (Timestamps), computed without overflow on damaged dates.

    Examples
    --------
    >>> import pandas as pd
    >>> period_hours(pd.Timestamp("2026-01-01 23:00", tz="UTC"), pd.Timestamp("2026-01-02 07:30", tz="UTC"))
    8.5
    """
    return (int(end.value) - int(start.value)) / 3.6e12


def to_hours(amount: float | None, unit: str) -> float | None:
    """Convert a duration in seconds (``unit="s"``) or minutes (``"min"``) to hours.

    Parameters
    ----------
    amount
        The duration, or ``None`` when unknown.
    unit
        ``"s"`` or ``"min"``.

    Returns
    -------
    float or None
        Hours, or ``None`` when ``amount`` is ``None``.

    Examples
    --------
    >>> to_hours(90, "min"), to_hours(5400, "s"), to_hours(None, "s")
    (1.5, 1.5, None)
    """
    return None if amount is None else amount / _PER_HOUR[unit]

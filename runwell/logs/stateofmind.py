"""Apple's State of Mind as a mood rating: one rule for every file that carries it.

HealthKit's State of Mind has a valence from -1.0 (very unpleasant) to 1.0 (very
pleasant), a kind (a momentary emotion or a daily mood), and lists of labels (``Calm``,
``Happy``, ...) and associations (``Work``, ``Family``, ...) **[doc: HealthKit]**. runwell
makes each entry one rating of the item ``mood`` on the scale -1..1 (as the Apple Health
``export.xml`` reader does), its kind the ``context`` (``daily`` or ``momentary``), and its
labels then associations the ``tags`` (`` | ``-separated; the two vocabularies do not
overlap, so each tag says which it is).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from runwell.logs.rows import RowLog

__all__ = ["VALENCE_SCALE", "valence_rating", "kind_context"]

#: The scale of State of Mind valence.
VALENCE_SCALE = (-1.0, 1.0)


def kind_context(kind: object) -> str | None:
    """``daily`` for a daily mood, ``momentary`` for a momentary emotion, else ``None``.

    Examples
    --------
    >>> kind_context("DailyMood"), kind_context("momentaryEmotion"), kind_context("mood")
    ('daily', 'momentary', None)
    """
    text = "" if kind is None else str(kind).lower()
    return "daily" if "daily" in text else ("momentary" if "moment" in text else None)


def _tags(labels: Iterable[object], associations: Iterable[object]) -> str | None:
    """Labels then associations, `` | ``-separated, blanks and repeats left out."""
    seen: list[str] = []
    for tag in [*labels, *associations]:
        text = " ".join(str(tag).split())
        if text and text not in seen:
            seen.append(text)
    return " | ".join(seen) if seen else None


def valence_rating(
    row: int,
    raw: object,
    *,
    kind: object,
    labels: Iterable[object],
    associations: Iterable[object],
    log: RowLog,
    field: str = "valence",
) -> dict[str, Any] | None:
    """One State of Mind entry as a mood rating (without its time), or ``None`` when reported.

    Parameters
    ----------
    row
        The entry's row in the file.
    raw
        The valence as written.
    kind, labels, associations
        As written (see the module docstring).
    log
        Where a missing or out-of-range valence is reported.
    field
        The valence's column or key, named in the report.

    Returns
    -------
    dict or None
        ``item``, ``value``, ``scale_min``, ``scale_max``, ``context``, ``tags`` and
        ``source_row``; the caller adds the time.
    """
    if raw is None or (isinstance(raw, float) and pd.isna(raw)) or str(raw).strip() == "":
        log.reject(row, "State of Mind entry without a valence", field=field, kind="skipped")
        return None
    try:
        value = float(str(raw).strip())
    except ValueError:
        log.reject(row, "not a number", field=field, value=raw, fix="correct or delete the entry")
        return None
    if not VALENCE_SCALE[0] <= value <= VALENCE_SCALE[1]:
        log.reject(row, "valence outside -1..1", field=field, value=raw, fix="valence is always between -1 and 1")
        return None
    return {
        "item": "mood",
        "value": value,
        "scale_min": VALENCE_SCALE[0],
        "scale_max": VALENCE_SCALE[1],
        "context": kind_context(kind),
        "tags": _tags(labels, associations),
        "source_row": row,
    }

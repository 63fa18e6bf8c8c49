"""Natural reporting units of run variables and how outcomes are named in readings.

Variables are divided by their unit's divisor before fitting, so every coefficient comes
out per natural unit ("per 30 min", "per extra run a week").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["UNITS", "OUTCOME_WORDS", "OUTCOME_ITEMS", "unit_of", "scale_phrase", "outcome_scale"]

#: Natural reporting unit of each known variable: (divisor, unit label, within-person
#: clause, between-person phrase). Variables are divided by the divisor before fitting,
#: so coefficients come out per natural unit. Clauses complete "On days when people ..."
#: and phrases "Between people, ... went with".
UNITS: dict[str, tuple[float, str, str, str]] = {
    "run_min": (
        30.0,
        "per 30 min",
        "ran 30 minutes more than usual",
        "30 more minutes of running a day on average",
    ),
    "run_km": (
        5.0,
        "per 5 km",
        "ran 5 km more than usual",
        "5 more km of running a day on average",
    ),
    "runs_7d": (
        1.0,
        "per extra run a week",
        "had one more run than usual in the previous 7 days",
        "one more run a week on average",
    ),
    "run_min_7d": (
        60.0,
        "per extra hour a week",
        "had run one more hour than usual over the previous 7 days",
        "one more hour of running a week on average",
    ),
    "run_count": (
        1.0,
        "per extra run",
        "ran one more time than usual",
        "one more run a day on average",
    ),
    "ran": (
        1.0,
        "run day vs rest day",
        "ran (compared with their rest days)",
        "running on every day rather than on none",
    ),
    "study_day": (
        30.0,
        "per 30 days",
        "were 30 days further into the study",
        "being 30 days further into the study",
    ),
}

#: How each outcome is named in readings, and its unit (rating items: "points", named
#: with their scale by :func:`outcome_scale`).
OUTCOME_WORDS: dict[str, tuple[str, str]] = {
    "mood": ("mood", "points"),
    "mood_change": ("the change in mood from the day before", "points"),
    "mood_dev": ("mood relative to the person's usual", "points"),
    "sleep_next_h": ("sleep the following night", "hours"),
    "sleep_prev_h": ("sleep the night before", "hours"),
    "stress": ("stress", "points"),
    "energy": ("energy", "points"),
    "anxiety": ("anxiety", "points"),
}


def unit_of(var: str) -> tuple[float, str, str, str]:
    """Divisor, unit label and reading clauses for a variable.

    Parameters
    ----------
    var
        A panel column name.

    Returns
    -------
    tuple
        ``(divisor, unit, within_clause, between_phrase)``; unknown variables are
        reported per unit of themselves.

    Examples
    --------
    >>> unit_of("run_min")[:2]
    (30.0, 'per 30 min')
    """
    generic = (
        1.0,
        f"per unit of {var}",
        f"had one unit more {var} than usual",
        f"one unit more {var} on average",
    )
    return UNITS.get(var, generic)


#: The rating item each outcome is measured on (outcomes in hours are not listed).
OUTCOME_ITEMS: dict[str, str] = {
    "mood": "mood",
    "mood_change": "mood",
    "mood_dev": "mood",
    "stress": "stress",
    "energy": "energy",
    "anxiety": "anxiety",
}


def scale_phrase(item: str, attrs: Mapping[str, Any]) -> str:
    """The scale a rating item is measured on, as the panel's ``attrs`` record it.

    Parameters
    ----------
    item
        The rating item (``"mood"``, ``"stress"``, ...).
    attrs
        The daily panel's ``attrs``: ``"value"`` (``"value_01"`` means rescaled to 0..1)
        and ``"scales"`` (``{item: (low, high)}``).

    Returns
    -------
    str
        E.g. ``"points on the 1-5 scale"``, ``"points on the rescaled 0-1 scale"``, or
        ``"points on the ratings' own scale"`` when the range is not recorded.

    Examples
    --------
    >>> scale_phrase("mood", {"value": "value", "scales": {"mood": (1.0, 5.0)}})
    'points on the 1-5 scale'
    >>> scale_phrase("mood", {"value": "value_01"})
    'points on the rescaled 0-1 scale'
    """
    if attrs.get("value") == "value_01":
        return "points on the rescaled 0-1 scale"
    span = dict(attrs.get("scales") or {}).get(item)
    if span is None:
        return "points on the ratings' own scale"
    low, high = span
    return f"points on the {float(low):g}-{float(high):g} scale"


def outcome_scale(outcome: str, attrs: Mapping[str, Any], scale: str | None = None) -> str:
    """What an estimate on ``outcome`` is measured in: a rating scale or hours.

    Parameters
    ----------
    outcome
        The outcome column.
    attrs
        The daily panel's ``attrs`` (see :func:`scale_phrase`).
    scale
        The caller's own words for the mood scale (e.g. ``"points on your Daylio 1-5
        scale"``), used for mood outcomes instead of the recorded range.

    Returns
    -------
    str
        ``"hours"`` for sleep outcomes, the scale phrase for rating items, else the
        outcome's unit from :data:`OUTCOME_WORDS` (``"units"`` when unknown).

    Examples
    --------
    >>> outcome_scale("sleep_next_h", {}), outcome_scale("mood_change", {"value": "value_01"})
    ('hours', 'points on the rescaled 0-1 scale')
    """
    item = OUTCOME_ITEMS.get(outcome)
    if item is None:
        return OUTCOME_WORDS.get(outcome, (outcome, "units"))[1]
    if scale and item == "mood":
        return scale
    return scale_phrase(item, attrs)

"""Natural reporting units of run variables and how outcomes are named in readings.

Variables are divided by their unit's divisor before fitting, so every coefficient comes
out per natural unit ("per 30 min", "per extra run a week").
"""

from __future__ import annotations

__all__ = ["UNITS", "OUTCOME_WORDS", "unit_of"]

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

#: How each outcome is named in readings, and its unit.
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

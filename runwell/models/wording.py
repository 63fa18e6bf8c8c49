"""Plain-language readings of estimates: one sentence per effect, worded as an association.

Every reading says "on days when..." or "between people..." and never "running
causes...": the models estimate associations.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from runwell.models.units import unit_of

__all__ = [
    "decimals_for",
    "direction",
    "interval_text",
    "size_text",
    "uncertain",
    "reading",
    "acute_reading",
    "split_unit",
]


def decimals_for(se: float) -> int:
    """Decimals that show an estimate with standard error ``se`` sensibly (2 to 4).

    Parameters
    ----------
    se
        Standard error of the estimate.

    Returns
    -------
    int
        Decimals to print: 2 for undefined or non-positive ``se``, else about one more
        than the order of magnitude of ``se``, between 2 and 4.

    Examples
    --------
    >>> decimals_for(0.05), decimals_for(0.004)
    (2, 3)
    """
    if not np.isfinite(se) or se <= 0:
        return 2
    return int(min(4, max(2, -math.floor(math.log10(se)))))


def direction(estimate: float) -> str:
    """``higher`` or ``lower``, by the sign of the estimate."""
    return "higher" if estimate >= 0 else "lower"


def interval_text(row: pd.Series, unit: str) -> str:
    """The 95% interval of an effect row in words, with sensible decimals.

    Parameters
    ----------
    row
        A row with ``se``, ``ci_low`` and ``ci_high``.
    unit
        Unit appended after the interval.

    Returns
    -------
    str
        E.g. ``"95% CI +0.12 to +0.40 points"``.
    """
    d = decimals_for(row["se"])
    return f"95% CI {row['ci_low']:+.{d}f} to {row['ci_high']:+.{d}f} {unit}"


def size_text(row: pd.Series) -> str:
    """The absolute estimate of an effect row with sensible decimals."""
    return f"{abs(row['estimate']):.{decimals_for(row['se'])}f}"


def uncertain(row: pd.Series) -> bool:
    """Whether the interval of an effect row includes zero (or is undefined)."""
    return bool(row["ci_low"] <= 0 <= row["ci_high"]) or not np.isfinite(row["se"])


def split_unit(unit: str) -> tuple[str, str]:
    """``"points on the 1-5 scale"`` -> ``("points", " on the 1-5 scale")``; ``"hours"`` -> ``("hours", "")``."""
    amount, sep, where = unit.partition(" on ")
    return amount, f"{sep}{where}" if sep else ""


def _within_reading(within_clause: str, label: str, size: str, ci: str, unclear: bool, subject: str) -> str:
    """The sentence for a within-person effect."""
    tail = (
        "but the interval includes zero, so the data cannot tell this apart from no difference"
        if unclear
        else "an association rather than proof that running caused it"
    )
    return f"On days when {subject} {within_clause}, {label} was on average {size} ({ci}), {tail}."


def _between_reading(between_clause: str, label: str, size: str, ci: str, unclear: bool) -> str:
    """The sentence for a between-person effect."""
    tail = (
        "but the interval includes zero, so this difference between people is not clearly different from none"
        if unclear
        else "a difference between people that other differences between them may explain"
    )
    return f"Between people, {between_clause} went with {label} {size} ({ci}), {tail}."


def reading(var: str, part: str, row: pd.Series, label: str, unit: str, subject: str) -> str:
    """One sentence for one effect, worded as an association, naming the outcome's scale.

    Parameters
    ----------
    var
        Panel variable of the effect (e.g. ``run_min``).
    part
        ``within``, ``between``, ``lagged``, ``previous day`` or ``acute``.
    row
        The effect's ``estimate``, ``se``, ``ci_low`` and ``ci_high``.
    label
        How the outcome is named (e.g. ``"mood"``).
    unit
        What the outcome is measured in (e.g. ``"points on the 1-5 scale"``, ``"hours"``).
    subject
        Who the within-person sentence is about: ``"you"`` (a report addressed to its
        reader), ``"this person"`` or ``"people"``.

    Returns
    -------
    str
        The reading, e.g. "On days when you ran 30 minutes more than usual, mood was on
        average 0.12 points higher on the 1-5 scale (95% CI +0.02 to +0.22 points), ...".
    """
    _, _, within_clause, between_clause = unit_of(var)
    amount, where = split_unit(unit)
    size = f"{size_text(row)} {amount} {direction(row['estimate'])}{where}"
    ci = interval_text(row, amount)
    unclear = uncertain(row)
    if part == "within":
        return _within_reading(within_clause, label, size, ci, unclear, subject)
    if part == "between":
        return _between_reading(between_clause, label, size, ci, unclear)
    hedge = "; the interval includes zero" if unclear else ""
    if part in ("lagged", "previous day"):
        when = "today's" if part == "lagged" else "the previous day's"
        return f"Each point of {when} {var} went with {label} {size} ({ci}){hedge}."
    return (
        f"{unit_of(var)[1].capitalize()} of extra run length, {label} was {size} ({ci}){hedge}, "
        "an association rather than proof that the extra length caused it."
    )


def acute_reading(row: pd.Series, centre: float, duration: str, unit: str = "points") -> str:
    """Reading of the average mood change around a run.

    Parameters
    ----------
    row
        The ``after a run`` effect row.
    centre
        Run length (natural units of ``duration``) the change is reported for.
    duration
        Duration variable (``run_min`` reads as minutes).
    unit
        What mood is measured in (e.g. ``"points on the 1-5 scale"``).

    Returns
    -------
    str
        The reading.
    """
    length = f"{centre:g}-minute" if duration == "run_min" else f"{centre:g}-unit"
    hedge = "; the interval includes no change" if uncertain(row) else ""
    amount, where = split_unit(unit)
    return (
        f"Around a {length} run, mood afterwards was on average {size_text(row)} "
        f"{amount} {direction(row['estimate'])}{where} than before ({interval_text(row, amount)}){hedge}; "
        "ratings around a run can also reflect expectations and the time of day."
    )

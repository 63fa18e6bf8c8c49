"""What a claim's analysis found, and the within-person regressions that find it.

A :class:`Finding` holds the estimate, its robust interval, the counts and the words used
to describe it. :func:`within` fits a within-person OLS (robust standard errors, see
:func:`runwell.models.within_person_ols`); :func:`contrast` compares the days of one
condition with the same person's days of another.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from runwell.claims.rules import MIN_DAYS_PER_CONDITION, NotEnough, count_rule
from runwell.errors import InsufficientDataError
from runwell.models import within_person_ols

__all__ = ["Finding", "contrast", "from_table", "within"]


@dataclass
class Finding:
    """What one claim's analysis found (before the FDR correction and verdict).

    Attributes
    ----------
    estimate, se, ci_low, ci_high, p_value
        The estimate, its robust standard error, 95% interval and p-value.
    unit
        Unit of the estimate (the table's ``unit`` column).
    n, n_participants
        Observations and participants used.
    method
        How the estimate was obtained.
    enough
        False when the data-sufficiency rule failed; ``note`` then says why.
    note
        A data note carried to the table.
    subject, measure, comparison, units_word
        The wording of the reading: "{subject}, {measure} was 0.12 {units_word} higher
        {comparison}", e.g. "On days with a short run (under 15 min), mood was ...
        than on the same person's rest days".
    days_per_person
        Days per participant behind the answer (for the stability notes).
    """

    estimate: float = float("nan")
    se: float = float("nan")
    ci_low: float = float("nan")
    ci_high: float = float("nan")
    p_value: float = float("nan")
    unit: str = ""
    n: int = 0
    n_participants: int = 0
    method: str = ""
    enough: bool = True
    note: str = ""
    subject: str = ""
    measure: str = "mood"
    comparison: str = ""
    units_word: str = "points"
    days_per_person: float = float("nan")


def from_table(table: pd.DataFrame, term: str, method: str, data: pd.DataFrame, n: int) -> Finding:
    """A finding from one row of a :func:`runwell.models.within_person_ols` table.

    Parameters
    ----------
    table
        The coefficient table, indexed by term.
    term
        The row read.
    method
        The method's description.
    data
        The rows fitted (for the participant count).
    n
        Observations used.

    Returns
    -------
    Finding
        Estimate, interval, p-value and counts; the wording is left empty.
    """
    row = table.loc[term]
    n_participants = int(data["participant_id"].nunique())
    return Finding(
        estimate=float(row["estimate"]),
        se=float(row["se"]),
        ci_low=float(row["ci_low"]),
        ci_high=float(row["ci_high"]),
        p_value=float(row["p_value"]),
        n=n,
        n_participants=n_participants,
        method=method,
        days_per_person=n / max(n_participants, 1),
    )


def within(data: pd.DataFrame, outcome: str, term: str, controls: list[str] | None = None) -> Finding:
    """Within-person OLS of ``outcome`` on ``term`` (robust SEs), as a finding.

    Parameters
    ----------
    data
        Rows with ``participant_id``, ``outcome``, ``term`` and the controls.
    outcome, term
        The regression's outcome and the term whose coefficient is the estimate.
    controls
        Columns adjusted for (those missing from ``data`` are skipped).

    Returns
    -------
    Finding
        The coefficient of ``term``.

    Raises
    ------
    NotEnough
        When the regression cannot be fitted.
    """
    controls = [c for c in (controls or []) if c in data.columns]
    usable = data.dropna(subset=[outcome, term, *controls])
    try:
        table, method, n = within_person_ols(usable, outcome, [term], controls=controls)
    except InsufficientDataError as err:
        raise NotEnough(str(err)) from err
    return from_table(table, term, method, usable, n)


def contrast(
    data: pd.DataFrame,
    outcome: str,
    indicator: str,
    conditions: tuple[str, str],
    controls: list[str],
    *,
    unit: str,
    subject: str,
    comparison: str,
    measure: str = "mood",
    units_word: str = "points",
    min_count: int = MIN_DAYS_PER_CONDITION,
) -> Finding:
    """Compare days in one condition with the same person's days in another.

    Applies the data-sufficiency rule to both conditions, then fits the within-person
    regression of ``outcome`` on the 0/1 ``indicator`` (see :func:`within`) and words
    the finding.

    Parameters
    ----------
    data
        The days compared, each in one of the two conditions.
    outcome
        Column compared (e.g. ``"mood"``).
    indicator
        Column that is 1.0 on days of the claimed condition and 0.0 on comparison days.
    conditions
        Names of the two conditions (indicator 1, indicator 0) for the
        :func:`runwell.claims.rules.count_rule` message, e.g. ``("run days", "rest days")``.
    controls
        Columns adjusted for (those missing from ``data`` are skipped).
    unit, subject, comparison, measure, units_word
        The wording of the finding (see :class:`Finding`).
    min_count
        Fewest days allowed in each condition.

    Returns
    -------
    Finding
        The estimated difference (indicator 1 minus 0) with robust standard errors.

    Raises
    ------
    NotEnough
        When a condition has fewer than ``min_count`` days, or the regression cannot be
        fitted.
    """
    flag = data[indicator]
    count_rule({conditions[0]: int(flag.sum()), conditions[1]: int((flag == 0).sum())}, min_count)
    found = within(data, outcome, indicator, controls)
    found.unit = unit
    found.subject = subject
    found.comparison = comparison
    found.measure = measure
    found.units_word = units_word
    return found

"""What a claim's analysis found, and the within-person regressions that find it.

A :class:`Finding` holds the estimate, its interval, the counts and the words used to
describe it. :func:`within` fits a within-person regression (person fixed effects with
cluster-robust errors for several participants, a regression with AR(1) errors,
leverage-robust errors and t intervals for one, see
:func:`runwell.models.within_person_ols`) adjusted for the
weekday; :func:`contrast` compares the days of one condition with the same person's days
of another; :func:`mean_change` averages a change score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from runwell.claims.days import calendar
from runwell.claims.rules import MIN_DAYS_PER_CONDITION, NotEnough, count_rule
from runwell.errors import InsufficientDataError
from runwell.models import ar1_table, cluster_robust_table, within_person_ols

__all__ = ["Finding", "contrast", "from_table", "mean_change", "within"]


@dataclass
class Finding:
    """What one claim's analysis found (before the FDR correction and verdict).

    Attributes
    ----------
    estimate, se, ci_low, ci_high, p_value
        The estimate, its standard error, 95% interval and p-value.
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
    subject, measure, comparison
        The wording of the reading: "{subject}, {measure} was 0.12 points higher on the
        1-5 scale {comparison}", e.g. "On days with a short run (under 15 min), mood was
        ... than on the same person's rest days".
    outcome_unit
        The scale of the estimate (e.g. ``"points on the 1-5 scale"``, ``"hours"``); set
        by :func:`runwell.claims.check.check_claims` from the claim's outcome.
    outcome_sd
        Within-person SD of the outcome (for the pre-registered smallest effect).
    per_person
        Observations per participant behind the answer (for the data notes).
    detail
        A clause added to the reading (claim 2: the run-day lift beside the dose).
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
    outcome_unit: str = "points"
    outcome_sd: float = float("nan")
    per_person: float = float("nan")
    detail: str = ""


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
        per_person=n / max(n_participants, 1),
    )


def _within_sd(values: pd.Series, groups: pd.Series) -> float:
    """SD of the values around each person's own mean."""
    centred = values - values.groupby(groups).transform("mean")
    return float(np.sqrt(np.sum(centred**2) / max(len(values) - groups.nunique(), 1)))


def within(
    data: pd.DataFrame,
    outcome: str,
    term: str,
    controls: list[str] | None = None,
    *,
    shift_days: int = 0,
    one_person: str = "ar1_hc3",
) -> Finding:
    """Within-person regression of ``outcome`` on ``term``, weekday adjusted, as a finding.

    Parameters
    ----------
    data
        Rows with ``participant_id``, ``outcome``, ``term``, the controls, and ``date``
        (or ``study_day``/``weekday``, or a ``day`` column already numbering the rows).
    outcome, term
        The regression's outcome and the term whose coefficient is the estimate.
    controls
        Columns adjusted for besides the weekday (those missing from ``data`` are skipped).
    shift_days
        Adjust for the weekday this many days later (1 for the night after a day).
    one_person
        Standard errors for one participant (``"ar1"``, ``"ar1_hc3"`` or ``"hc3"``, see
        :func:`runwell.models.within_person_ols`).

    Returns
    -------
    Finding
        The coefficient of ``term``.

    Raises
    ------
    NotEnough
        When the regression cannot be fitted.
    """
    if "day" not in data.columns:
        data = pd.concat([data, calendar(data, shift_days)], axis=1)
    weekday = [c for c in data.columns if c.startswith("weekday_")]
    controls = [c for c in (controls or []) if c in data.columns] + weekday
    usable = data.dropna(subset=[outcome, term, *controls, "day"])
    try:
        table, method, n = within_person_ols(
            usable, outcome, [term], controls=controls, day="day", one_person=one_person
        )
    except InsufficientDataError as err:
        raise NotEnough(str(err)) from err
    found = from_table(table, term, method, usable, n)
    if not np.isfinite(found.se):
        raise NotEnough("the regression gave no finite standard error")
    found.outcome_sd = _within_sd(usable[outcome].astype(float), usable["participant_id"].astype(str))
    return found


def mean_change(data: pd.DataFrame, change: str) -> Finding:
    """The average of a change score (e.g. mood after minus before a run) with its interval.

    Several participants: cluster-robust by participant (jackknife, Bell-McCaffrey t);
    one participant:
    a regression on a constant with AR(1) errors over days (``day`` column).
    """
    y = data[change].astype(float).reset_index(drop=True)
    X = pd.DataFrame({"const": np.ones(len(y))})
    groups = data["participant_id"].astype(str).to_numpy()
    if len(np.unique(groups)) > 1:
        try:
            table, n_groups = cluster_robust_table(y.to_numpy(), X, groups)
        except InsufficientDataError as err:
            raise NotEnough(str(err)) from err
        method = f"mean change, cluster-robust (jackknife) SEs ({n_groups} clusters), Bell-McCaffrey t interval"
    else:
        order = np.argsort(data["day"].to_numpy(), kind="stable")
        table, rho, _ = ar1_table(y.iloc[order].reset_index(drop=True), X, data["day"].to_numpy()[order])
        method = f"mean change, AR(1) errors over days (autocorrelation {rho:.2f}), jackknife SEs, t interval"
    found = from_table(table, "const", method, data, len(y))
    found.outcome_sd = float(y.std(ddof=1)) if len(y) > 1 else float("nan")
    return found


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
    min_count: int = MIN_DAYS_PER_CONDITION,
    shift_days: int = 0,
    one_person: str = "ar1_hc3",
) -> Finding:
    """Compare days in one condition with the same person's days in another.

    Applies the data-sufficiency rule to both conditions, then fits the within-person
    regression of ``outcome`` on the 0/1 ``indicator``, weekday adjusted (see
    :func:`within`), and words the finding.

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
        Columns adjusted for besides the weekday (those missing from ``data`` are skipped).
    unit, subject, comparison, measure
        The wording of the finding (see :class:`Finding`).
    min_count
        Fewest days allowed in each condition.
    shift_days
        Adjust for the weekday this many days later (see :func:`within`).
    one_person
        Standard errors for one participant (see :func:`within`).

    Returns
    -------
    Finding
        The estimated difference (indicator 1 minus 0).

    Raises
    ------
    NotEnough
        When a condition has fewer than ``min_count`` days, or the regression cannot be
        fitted.
    """
    flag = data[indicator]
    count_rule({conditions[0]: int(flag.sum()), conditions[1]: int((flag == 0).sum())}, min_count)
    found = within(data, outcome, indicator, controls, shift_days=shift_days, one_person=one_person)
    found.unit = unit
    found.subject = subject
    found.comparison = comparison
    found.measure = measure
    return found

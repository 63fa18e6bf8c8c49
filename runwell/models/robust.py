"""Econometric estimators beside the mixed model: robust OLS, person fixed effects, AR(1).

* :func:`robust_ols`: OLS with standard errors clustered by participant, or Newey-West
  (HAC) for one participant; the rule used throughout runwell;
* :func:`within_person_ols`: person-fixed-effects OLS with cluster-robust standard errors
  for several participants (the robust check beside the mixed model, and the claims'
  contrasts), and for one participant a regression with AR(1) errors (:func:`fit_ar1`):
  Newey-West errors with a handful of lags rejected a true null 7.5-11.5% of the time in
  single-person claims (180-365 days, AR(1) 0.3), the AR(1) regression's t intervals held
  their level (benchmarks/calibration.py);
* :func:`fit_ar1`: one participant's time series as a regression with AR(1) errors
  (feasible GLS over consecutive days).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.regression.linear_model import RegressionResultsWrapper

from runwell.errors import InsufficientDataError
from runwell.models.design import drop_collinear
from runwell.models.effects import ols_fixed

__all__ = ["newey_west_lags", "robust_ols", "ar1_transform", "fit_ar1", "within_person_ols"]


def newey_west_lags(n: int) -> int:
    """Newey-West rule of thumb for HAC lags: ``floor(4 (n/100)^(2/9))``, at least 1.

    Parameters
    ----------
    n
        Number of observations.

    Returns
    -------
    int
        The number of lags.

    Examples
    --------
    >>> newey_west_lags(90), newey_west_lags(5)
    (3, 2)
    """
    return max(1, int(math.floor(4 * (n / 100) ** (2 / 9))))


def robust_ols(
    y: np.ndarray | pd.Series, X: pd.DataFrame, groups: np.ndarray | pd.Series
) -> tuple[RegressionResultsWrapper, int, int | None]:
    """OLS with standard errors robust to autocorrelation within each participant.

    The rule used throughout runwell: with two or more participants the standard errors
    are cluster-robust by participant, with one they are Newey-West (HAC) over the rows
    in their order (:func:`newey_west_lags` lags, small-sample correction); intervals and
    p-values use the t distribution.

    Parameters
    ----------
    y
        Response, one value per row.
    X
        Design matrix (its column names name the coefficients).
    groups
        Participant of each row.

    Returns
    -------
    tuple
        ``(result, n_clusters, lags)``: the statsmodels result, the number of
        participants, and the HAC lags (``None`` when the errors are clustered).
    """
    codes, uniques = pd.factorize(np.asarray(groups))
    n_clusters = len(uniques)
    model = sm.OLS(y, X)
    if n_clusters >= 2:
        result = model.fit(cov_type="cluster", cov_kwds={"groups": codes}, use_t=True)
        return result, n_clusters, None
    lags = newey_west_lags(len(X))
    result = model.fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}, use_t=True)
    return result, n_clusters, lags


def ar1_transform(y: np.ndarray, X: np.ndarray, follows: np.ndarray, rho: float) -> tuple[np.ndarray, np.ndarray]:
    """Prais-Winsten transform for AR(1) errors that respects gaps between days.

    A row that follows the previous row by exactly one day is quasi-differenced
    (``y[t] - rho * y[t-1]``); a row that starts a stretch of consecutive days is scaled
    by ``sqrt(1 - rho**2)``, as the first observation of a series.

    Parameters
    ----------
    y, X
        Response and design matrix, rows in day order.
    follows
        Whether each row is exactly one day after the previous row.
    rho
        The AR(1) coefficient.

    Returns
    -------
    tuple of numpy.ndarray
        The transformed response and design matrix.
    """
    scale = math.sqrt(1 - rho**2)
    y_star = y * scale
    X_star = X * scale
    idx = np.flatnonzero(follows)
    y_star[idx] = y[idx] - rho * y[idx - 1]
    X_star[idx] = X[idx] - rho * X[idx - 1]
    return y_star, X_star


def fit_ar1(
    y: pd.Series, X: pd.DataFrame, day: np.ndarray, max_iter: int = 50, tol: float = 1e-6
) -> tuple[RegressionResultsWrapper, float]:
    """Regression with AR(1) errors by iterated feasible GLS (Prais-Winsten).

    The lag-1 autocorrelation is estimated from the residuals of consecutive days only,
    so gaps in the diary never pair unrelated days. Standard errors and t intervals
    come from the final transformed regression.

    Parameters
    ----------
    y
        Response, rows in day order.
    X
        Design matrix.
    day
        Day number of each row.
    max_iter, tol
        Iterations at most, and the change in the autocorrelation that ends them.

    Returns
    -------
    tuple
        The statsmodels OLS result on the transformed data (its ``params`` are the
        coefficients of the original model) and the estimated autocorrelation.
    """
    y_arr = y.to_numpy(dtype=float)
    X_arr = X.to_numpy(dtype=float)
    follows = np.r_[False, np.diff(day) == 1]
    pairs = np.flatnonzero(follows)
    rho = 0.0
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        result = sm.OLS(y_arr, X).fit(use_t=True)
        for _ in range(max_iter):
            resid = y_arr - X_arr @ np.asarray(result.params)
            prev, cur = resid[pairs - 1], resid[pairs]
            denom = float(np.sum(prev**2))
            new_rho = float(np.clip(np.sum(prev * cur) / denom, -0.95, 0.95)) if denom > 0 else 0.0
            y_star, X_star = ar1_transform(y_arr, X_arr, follows, new_rho)
            result = sm.OLS(y_star, pd.DataFrame(X_star, columns=X.columns)).fit(use_t=True)
            converged = abs(new_rho - rho) < tol
            rho = new_rho
            if converged:
                break
    return result, rho


def _one_person_ar1(frame: pd.DataFrame, outcome: str, X: pd.DataFrame, day: str | None) -> tuple[pd.DataFrame, str]:
    """One participant: the regression with AR(1) errors over consecutive days."""
    days = frame[day].to_numpy(dtype=float) if day else np.arange(len(frame), dtype=float)
    order = np.argsort(days, kind="stable")
    design = sm.add_constant(X.iloc[order].reset_index(drop=True), has_constant="add")
    design, _ = drop_collinear(design, keep_first=["const", *X.columns])
    result, rho = fit_ar1(frame[outcome].iloc[order].reset_index(drop=True).astype(float), design, days[order])
    method = f"regression with AR(1) errors (feasible GLS, autocorrelation {rho:.2f}), t intervals"
    return ols_fixed(result), method


def _person_centred(frame: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Each column minus its person's mean, one column at a time (one copy of the data, not three)."""
    values = frame.to_numpy(dtype=float, copy=True)
    codes, _ = pd.factorize(groups)
    counts = np.bincount(codes)
    for j in range(values.shape[1]):
        values[:, j] -= (np.bincount(codes, weights=values[:, j], minlength=len(counts)) / counts)[codes]
    return pd.DataFrame(values, columns=frame.columns, index=frame.index)


def within_person_ols(
    data: pd.DataFrame,
    outcome: str,
    terms: Sequence[str],
    *,
    group: str = "participant_id",
    controls: Sequence[str] = (),
    day: str | None = None,
) -> tuple[pd.DataFrame, str, int]:
    """Person-fixed-effects OLS of ``outcome`` on ``terms`` with errors that allow for autocorrelation.

    With two or more participants every variable is centred on the person's mean (which
    absorbs person fixed effects) and the standard errors are cluster-robust by person
    (t intervals with G - 1 degrees of freedom). With one participant the rows are a time
    series: a regression with an intercept and AR(1) errors over consecutive values of
    ``day`` (feasible GLS, :func:`fit_ar1`), with t intervals.

    Parameters
    ----------
    data
        Rows to use; NaN rows in any variable are dropped.
    outcome
        Response column.
    terms
        Columns whose coefficients are reported (already in the units wanted).
    group
        Participant column.
    controls
        Extra numeric columns adjusted for but not reported.
    day
        Column numbering the rows in time (days, weeks), so that only consecutive values
        are treated as neighbours for one participant; ``None``: the rows in their order.

    Returns
    -------
    tuple
        ``(table, method, n)``: the tidy table indexed by term, a phrase naming the
        standard errors used, and the number of rows.

    Raises
    ------
    InsufficientDataError
        When rows are too few or a term does not vary within people.
    """
    cols = [outcome, *terms, *controls]
    frame = data[[group, *cols, *([day] if day and day not in cols else [])]].dropna()
    if len(frame) < len(terms) + len(controls) + 3:
        raise InsufficientDataError(f"only {len(frame)} usable rows for {outcome} on {', '.join(terms)}")
    g = frame[group].astype(str)
    demeaned = _person_centred(frame[cols], g)
    X, _ = drop_collinear(demeaned[[*terms, *controls]], keep_first=list(terms))
    missing = [t for t in terms if t not in X.columns]
    if missing:
        raise InsufficientDataError(f"no within-person variation in {', '.join(missing)}")
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        if g.nunique() == 1:
            table, method = _one_person_ar1(frame, outcome, frame[list(X.columns)].astype(float), day)
            return table.loc[list(terms)], method, len(frame)
        result, n_groups, _ = robust_ols(demeaned[outcome].to_numpy(), X, g)
    method = f"person fixed effects, cluster-robust SEs ({n_groups} clusters)"
    table = ols_fixed(result).loc[list(terms)]
    return table, method, len(frame)

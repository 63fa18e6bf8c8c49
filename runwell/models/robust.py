"""Estimators beside the mixed model: person fixed effects and regressions with AR(1) errors.

* :func:`within_person_ols`: person-fixed-effects OLS with cluster-robust (jackknife)
  standard errors for several participants (the robust check beside the mixed model,
  and the claims' contrasts, see :mod:`runwell.models.clustered`), and for one
  participant a regression with AR(1) errors (:func:`fit_ar1`): Newey-West errors with
  a handful of lags rejected a true null 7.5-11.5% of the time in single-person claims
  (180-365 days, AR(1) 0.3), so they are not used (benchmarks/calibration.py, README);
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
from runwell.models.clustered import cluster_robust_table, leverage_robust_table
from runwell.models.design import drop_collinear
from runwell.models.effects import ols_fixed

__all__ = ["MIN_AR1_PAIRS", "ar1_transform", "ar1_table", "fit_ar1", "within_person_ols"]


#: Fewest pairs of consecutive days from which an AR(1) coefficient is estimated. With
#: fewer its standard error exceeds about 0.18 and the estimate does more harm than good:
#: one person's claim 7 (run days only, few of them consecutive) rejected a true null
#: 7.8% of the time when it was estimated from 10 pairs, 6.1% from 30 (5.7% for OLS).
MIN_AR1_PAIRS = 30


def ar1_transform(y: np.ndarray, X: np.ndarray, gap: np.ndarray, rho: float) -> tuple[np.ndarray, np.ndarray]:
    """Prais-Winsten transform for AR(1) errors over days, exact across gaps.

    Daily AR(1) errors ``e[t] = rho * e[t-1] + u[t]`` are correlated ``rho**g`` between
    days ``g`` apart, so a row ``g >= 1`` days after the previous row is transformed to
    ``(y[t] - rho**g * y[t-1]) * sqrt((1 - rho**2) / (1 - rho**(2 g)))`` (for ``g = 1``
    the usual quasi-difference) and the first row of a series (no previous row, or one
    on the same day) is scaled by ``sqrt(1 - rho**2)``: every transformed error then has
    the innovations' variance. The transform whitens rows of a subset of days (only run
    days, say) as well as a full diary.

    Parameters
    ----------
    y, X
        Response and design matrix, rows in day order.
    gap
        Days since the previous row (``<= 0`` or NaN: the row starts a series).
    rho
        The AR(1) coefficient.

    Returns
    -------
    tuple of numpy.ndarray
        The transformed response and design matrix.

    Examples
    --------
    >>> y, X = np.array([1.0, 2.0, 4.0]), np.ones((3, 1))
    >>> ar1_transform(y, X, np.array([np.nan, 1.0, 2.0]), 0.5)[0].round(3)
    array([0.866, 1.5  , 3.13 ])
    """
    scale = math.sqrt(1 - rho**2)
    y_star = y * scale
    X_star = X * scale
    g = np.nan_to_num(np.asarray(gap, dtype=float), nan=0.0)
    idx = np.flatnonzero(g >= 1)
    if rho != 0 and len(idx):
        phi = rho ** g[idx]
        factor = scale / np.sqrt(1 - phi**2)
        y_star[idx] = (y[idx] - phi * y[idx - 1]) * factor
        X_star[idx] = (X[idx] - phi[:, None] * X[idx - 1]) * factor[:, None]
    return y_star, X_star


def fit_ar1(
    y: pd.Series, X: pd.DataFrame, day: np.ndarray, max_iter: int = 50, tol: float = 1e-6
) -> tuple[RegressionResultsWrapper, float]:
    """Regression with AR(1) errors by iterated feasible GLS (Prais-Winsten).

    The lag-1 autocorrelation is estimated from the residuals of consecutive days only,
    so gaps in the diary never pair unrelated days. With fewer than
    :data:`MIN_AR1_PAIRS` pairs of consecutive days it is not estimated (the rows are
    mostly days apart, and an autocorrelation from two or three pairs swung to the
    -0.95 bound and rejected a true null 11.5% of the time): the fit is then OLS.
    Rows further apart are whitened exactly (:func:`ar1_transform`). Standard errors and
    t intervals come from the final transformed regression.

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
    gap = np.r_[np.nan, np.diff(np.asarray(day, dtype=float))]
    pairs = np.flatnonzero(gap == 1)
    rho = 0.0
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        result = sm.OLS(y_arr, X).fit(use_t=True)
        if len(pairs) < MIN_AR1_PAIRS:  # too few neighbours to estimate (or need) it
            return result, rho
        for _ in range(max_iter):
            resid = y_arr - X_arr @ np.asarray(result.params)
            prev, cur = resid[pairs - 1], resid[pairs]
            denom = float(np.sum(prev**2))
            new_rho = float(np.clip(np.sum(prev * cur) / denom, -0.95, 0.95)) if denom > 0 else 0.0
            y_star, X_star = ar1_transform(y_arr, X_arr, gap, new_rho)
            result = sm.OLS(y_star, pd.DataFrame(X_star, columns=X.columns)).fit(use_t=True)
            converged = abs(new_rho - rho) < tol
            rho = new_rho
            if converged:
                break
    return result, rho


def ar1_table(y: pd.Series, X: pd.DataFrame, day: np.ndarray) -> tuple[pd.DataFrame, float, RegressionResultsWrapper]:
    """One participant's regression with AR(1) errors, with jackknife errors over the whitened rows.

    The coefficients are :func:`fit_ar1`'s; their standard errors are leverage-robust
    (the leave-one-row-out jackknife of the whitened rows, about HC3) with each
    coefficient's Bell-McCaffrey degrees of freedom
    (:func:`runwell.models.clustered.leverage_robust_table`). With the AR(1)
    regression's own errors and ``n - k`` degrees of freedom, 5% tests of one person's
    claims on a fixed weekday schedule (few rows of some weekdays or conditions carry
    the estimate) rejected true nulls 5.9-7.8% of the time (benchmarks/calibration.py).

    Parameters
    ----------
    y, X, day
        As for :func:`fit_ar1`.

    Returns
    -------
    tuple
        ``(table, rho, result)``: the coefficient table, the autocorrelation used and
        :func:`fit_ar1`'s result.
    """
    result, rho = fit_ar1(y, X, day)
    whitened = pd.DataFrame(np.asarray(result.model.exog), columns=X.columns)
    return leverage_robust_table(np.asarray(result.model.endog), whitened).drop(columns="df"), rho, result


def _one_person_ar1(
    frame: pd.DataFrame, outcome: str, X: pd.DataFrame, day: str | None, errors: str
) -> tuple[pd.DataFrame, str]:
    """One participant: the regression with AR(1) errors over consecutive days (see ``errors``)."""
    days = frame[day].to_numpy(dtype=float) if day else np.arange(len(frame), dtype=float)
    order = np.argsort(days, kind="stable")
    design = sm.add_constant(X.iloc[order].reset_index(drop=True), has_constant="add")
    design, _ = drop_collinear(design, keep_first=["const", *X.columns])
    y = frame[outcome].iloc[order].reset_index(drop=True).astype(float)
    if errors == "hc3":
        table = leverage_robust_table(y.to_numpy(), design).drop(columns="df")
        return table, "OLS with leverage-robust (jackknife) SEs, Bell-McCaffrey t intervals"
    if errors == "ar1":
        result, rho = fit_ar1(y, design, days[order])
        return ols_fixed(result), f"regression with AR(1) errors (feasible GLS, autocorrelation {rho:.2f}), t intervals"
    table, rho, _ = ar1_table(y, design, days[order])
    return table, (
        f"regression with AR(1) errors (feasible GLS, autocorrelation {rho:.2f}), "
        "leverage-robust (jackknife) SEs, Bell-McCaffrey t intervals"
    )


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
    one_person: str = "ar1_hc3",
) -> tuple[pd.DataFrame, str, int]:
    """Person-fixed-effects OLS of ``outcome`` on ``terms`` with errors that allow for autocorrelation.

    With two or more participants every variable is centred on the person's mean (which
    absorbs person fixed effects) and the standard errors are the cluster jackknife's
    (CV3) with each term's Bell-McCaffrey degrees of freedom
    (:func:`runwell.models.clustered.cluster_robust_table`): with the usual sandwich and
    ``G - 1`` degrees of freedom, simulated 30 x 120 cohorts with no effect declared a
    claim in 10.5% of reports. With one participant the rows are a time
    series: a regression with an intercept and AR(1) errors over consecutive values of
    ``day`` (feasible GLS, :func:`fit_ar1`), with leverage-robust errors and t intervals
    (:func:`ar1_table`).

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
    one_person
        Standard errors for one participant: ``"ar1_hc3"`` (the AR(1) regression with
        leverage-robust errors on the whitened rows, :func:`ar1_table`), ``"ar1"``
        (the AR(1) regression's own, for comparison) or ``"hc3"`` (OLS with leverage-robust errors
        and no autocorrelation, for short series of nearly independent rows such as
        weeks, where estimating an AR(1) coefficient from about 25 rows made a 5% test
        reject a true null 7-8% of the time; benchmarks/calibration.py, README).

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
    if one_person not in ("ar1", "ar1_hc3", "hc3"):
        raise ValueError(f"one_person must be 'ar1', 'ar1_hc3' or 'hc3', not {one_person!r}")
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
            table, method = _one_person_ar1(frame, outcome, frame[list(X.columns)].astype(float), day, one_person)
            return table.loc[list(terms)], method, len(frame)
    table, n_groups = cluster_robust_table(demeaned[outcome].to_numpy(), X, g)
    method = f"person fixed effects, cluster-robust (jackknife) SEs ({n_groups} clusters), Bell-McCaffrey t intervals"
    return table.loc[list(terms)].drop(columns="df"), method, len(frame)

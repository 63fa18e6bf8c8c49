"""Small-sample cluster-robust inference: the cluster jackknife (CV3) and Bell-McCaffrey df.

With a few dozen participants the usual cluster-robust sandwich (CV1) with ``G - 1``
degrees of freedom is too liberal, most of all in the tails that a correction for
several claims uses, and when a few participants carry most of a term's variation (a
rare condition that only some people meet). Simulated 30 x 120 cohorts with no effect
of running declared a claim in 10.5% of reports (benchmarks/calibration.py).

* :func:`jackknife_covariance`: the leave-one-participant-out covariance (CV3), exact
  for OLS and for GLS with fixed weights, without refitting (MacKinnon, Nielsen and
  Webb 2023, "Cluster-robust inference: a guide to empirical practice", J.
  Econometrics 232(2); for GEE, Mancl and DeRouen 2001, Biometrics 57(1));
* :func:`bell_mccaffrey_df`: per coefficient, the degrees of freedom of that variance
  under the working model (Bell and McCaffrey 2002, Survey Methodology 28(2); Imbens
  and Kolesar 2016, Rev. Econ. Stat. 98(4)): fewer than ``G - 1`` when few people
  carry the term;
* :func:`cluster_parts` and :func:`cluster_robust_table`: the pieces for OLS and the
  tidy table with t intervals.

Both take per-participant sums: ``total = sum_g parts_g`` with ``parts_g = X_g' W_g
X_g`` and ``scores_g = X_g' W_g r_g`` (``W_g`` the identity for OLS).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from runwell.errors import InsufficientDataError
from runwell.models.design import drop_collinear

__all__ = [
    "bell_mccaffrey_df",
    "cluster_parts",
    "cluster_robust_table",
    "jackknife_covariance",
    "leverage_robust_table",
    "t_table",
]

#: Smallest share of the information that must remain when one participant is left out.
MIN_LEFT_SHARE = 1e-8


def _left_out_inverse(total: np.ndarray, parts: np.ndarray) -> np.ndarray:
    """``(total - parts_g)^-1`` per participant; raises when one is not invertible.

    A participant is indispensable when the information left without them is, in some
    direction, less than :data:`MIN_LEFT_SHARE` of the total (the smallest eigenvalue of
    ``total^-1/2 (total - parts_g) total^-1/2``), whatever the columns' units.
    """
    left_out = total[None, :, :] - parts
    values, vectors = np.linalg.eigh(total)
    if not values.min() > MIN_LEFT_SHARE * values.max():
        raise InsufficientDataError("the regression's terms are (nearly) collinear")
    root_inverse = vectors / np.sqrt(values)  # total^-1/2 up to a rotation
    relative = root_inverse.T[None, :, :] @ left_out @ root_inverse[None, :, :]
    if not np.all(np.linalg.eigvalsh(relative).min(axis=1) > MIN_LEFT_SHARE):
        raise InsufficientDataError(
            "the estimate rests on one participant alone (leaving them out leaves it unidentified)"
        )
    return np.asarray(np.linalg.inv(left_out))


def jackknife_covariance(total: np.ndarray, parts: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Leave-one-participant-out (jackknife, CV3) covariance of estimates from per-person sums.

    Leaving participant *g* out moves the estimates by ``d_g = (total - parts_g)^-1
    scores_g``; the covariance is ``(G - 1) / G * sum_g d_g d_g'``.

    Parameters
    ----------
    total
        The k x k information ``X' W X`` over all participants.
    parts
        G x k x k: each participant's ``X_g' W_g X_g``.
    scores
        G x k: each participant's ``X_g' W_g r_g``.

    Returns
    -------
    numpy.ndarray
        The k x k covariance.

    Raises
    ------
    InsufficientDataError
        When leaving one participant out leaves an estimate unidentified (it rests on
        that participant alone).

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0], [1.0, 3.0], [1.0, 1.0], [1.0, 0.0]])
    >>> r = np.array([0.5, -0.5, 0.25, -0.25, 0.1, -0.1])
    >>> parts, scores = cluster_parts(X, r, np.array([0, 0, 1, 1, 2, 2]))
    >>> jackknife_covariance(X.T @ X, parts, scores).shape
    (2, 2)
    """
    deltas = (_left_out_inverse(total, parts) @ scores[:, :, None])[:, :, 0]
    n_groups = len(scores)
    return np.asarray((n_groups - 1) / n_groups * deltas.T @ deltas)


def bell_mccaffrey_df(total: np.ndarray, parts: np.ndarray) -> np.ndarray:
    """Degrees of freedom of each coefficient's jackknife variance (Bell-McCaffrey).

    The variance of coefficient *j* is a quadratic form in the residuals, ``sum_g
    (a_g' r)^2``; under the working model (``W`` the inverse covariance) its
    Satterthwaite degrees of freedom are ``tr(C)^2 / tr(C^2)`` with the G x G matrix
    ``C_gh = [g = h] a_g' V_g a_g - u_g' total^-1 u_h``, ``u_g = X_g' W_g a_g``; both
    need only k x k sums per participant.

    Parameters
    ----------
    total, parts
        As for :func:`jackknife_covariance`.

    Returns
    -------
    numpy.ndarray
        Degrees of freedom per coefficient, between 1 and ``G - 1``.
    """
    A = np.linalg.inv(total)
    Y = _left_out_inverse(total, parts)  # (total - B_g)^-1 = (I - A B_g)^-1 A
    BY = parts @ Y  # column j: u_g for coefficient j
    own = np.einsum("gij,gij->gj", Y, BY)  # a_g' V_g a_g = (Y_g' B_g Y_g)_jj
    cross = np.einsum("gij,ik,gkj->gj", BY, A, BY)  # u_g' A u_g
    trace = own.sum(axis=0) - cross.sum(axis=0)
    S = np.einsum("gij,gkj->jik", BY, BY)  # per coefficient: sum_g u_g u_g'
    SA = S @ A
    trace_sq = (own**2).sum(axis=0) - 2 * (own * cross).sum(axis=0) + np.einsum("jik,jki->j", SA, SA)
    with np.errstate(invalid="ignore", divide="ignore"):
        df = trace**2 / trace_sq
    return np.clip(np.nan_to_num(df, nan=1.0), 1.0, max(len(parts) - 1, 1))


def cluster_parts(X: np.ndarray, resid: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per participant, ``X_g' X_g`` (G x k x k) and ``X_g' r_g`` (G x k), by cluster code order.

    Parameters
    ----------
    X
        Design matrix, n x k.
    resid
        Residuals, length n.
    codes
        Cluster code 0..G-1 of each row.

    Returns
    -------
    tuple of numpy.ndarray
        ``(parts, scores)``.
    """
    k = X.shape[1]
    order = np.argsort(codes, kind="stable")
    Xs, rs, cs = X[order], resid[order], codes[order]
    starts = np.flatnonzero(np.r_[True, cs[1:] != cs[:-1]])
    scores = np.add.reduceat(Xs * rs[:, None], starts, axis=0)
    parts = np.empty((len(starts), k, k))
    for i in range(k):
        for j in range(i, k):
            parts[:, i, j] = parts[:, j, i] = np.add.reduceat(Xs[:, i] * Xs[:, j], starts)
    return parts, scores


def _jackknife_table(values: np.ndarray, response: np.ndarray, codes: np.ndarray, level: float) -> pd.DataFrame:
    """OLS estimates, jackknife standard errors and Bell-McCaffrey t intervals over the units in ``codes``."""
    total = values.T @ values
    try:
        beta = np.linalg.lstsq(values, response, rcond=None)[0]
        parts, scores = cluster_parts(values, response - values @ beta, codes)
        se = np.sqrt(np.clip(np.diag(jackknife_covariance(total, parts, scores)), 0.0, None))
        df = bell_mccaffrey_df(total, parts)
    except np.linalg.LinAlgError as err:  # only non-finite input gets here
        raise InsufficientDataError(f"the regression could not be solved ({err})") from err
    return t_table(beta, se, df, list(range(len(beta))), level)


def cluster_robust_table(
    y: np.ndarray, X: pd.DataFrame, groups: np.ndarray | pd.Series, level: float = 0.95
) -> tuple[pd.DataFrame, int]:
    """OLS with jackknife (CV3) standard errors and Bell-McCaffrey t intervals, by participant.

    Parameters
    ----------
    y
        Response.
    X
        Design matrix (its columns name the coefficients), full column rank.
    groups
        Participant of each row (two or more).
    level
        Coverage of the intervals.

    Returns
    -------
    tuple
        ``(table, n_groups)``: indexed by coefficient, ``estimate``, ``se``, ``ci_low``,
        ``ci_high``, ``p_value`` and ``df``; and the number of participants.

    Raises
    ------
    InsufficientDataError
        When an estimate rests on one participant alone.
    """
    codes, uniques = pd.factorize(np.asarray(groups))
    table = _jackknife_table(X.to_numpy(dtype=float), np.asarray(y, dtype=float), codes, level)
    return table.set_axis(X.columns), len(uniques)


def leverage_robust_table(y: np.ndarray, X: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """OLS with leave-one-row-out jackknife (HC3) standard errors and Bell-McCaffrey t intervals.

    The one-participant counterpart of :func:`cluster_robust_table`, each row its own
    unit: the jackknife variance is ``(n - 1) / n`` times HC3, and each coefficient's
    degrees of freedom are far fewer than ``n - k`` when a few rows carry it (the
    off-schedule runs of a fixed weekday schedule, the few high-load days). With
    ``n - k`` degrees of freedom one person's 5% tests rejected true nulls up to 1.5
    times too often at the 1% level, where a correction for several claims acts.

    A row fitted exactly (leverage 1, e.g. the only Sunday) says nothing about the
    residual variance: its residual and ``1 - leverage`` are both rounding noise. It is
    set aside: the other rows give the same estimates of every coefficient it does not
    touch (the direction that fits it exactly), and their standard errors; the
    coefficients it touches get none (NaN).

    Parameters
    ----------
    y
        Response.
    X
        Design matrix (its columns name the coefficients), full column rank.
    level
        Coverage of the intervals.

    Returns
    -------
    pandas.DataFrame
        Indexed by coefficient: ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``p_value``
        and ``df``.
    """
    values = X.to_numpy(dtype=float)
    response = np.asarray(y, dtype=float)
    bread = np.linalg.pinv(values.T @ values)
    beta = bread @ values.T @ response
    exact = np.einsum("ij,jk,ik->i", values, bread, values) > 1 - 1e-8
    alone = np.abs(bread @ values[exact].T)  # k x (exact rows): the direction fitting each row
    touched = (alone > 1e-8 * np.maximum(alone.max(axis=0), 1e-300)).any(axis=1)
    table = t_table(beta, np.full(len(beta), np.nan), np.full(len(beta), np.nan), X.columns, level)
    # what whitening leaves of a set-aside row's direction on later rows (rho**gap) is
    # rounding-sized: a looser tolerance than the usual one drops it
    rest, _ = drop_collinear(X.loc[~exact], keep_first=list(X.columns[~touched]), tolerance=1e-6)
    part = _jackknife_table(rest.to_numpy(dtype=float), response[~exact], np.arange(len(rest)), level)
    part = part.set_axis(rest.columns)
    # the other rows' fit gives the same estimates for every coefficient the exact rows do not touch
    kept = [c for c in rest.columns if not touched[X.columns.get_loc(c)]]
    table.loc[kept] = part.loc[kept].to_numpy()
    return table


def t_table(
    beta: np.ndarray, se: np.ndarray, df: np.ndarray, index: pd.Index | list[str], level: float = 0.95
) -> pd.DataFrame:
    """Estimates with t intervals and two-sided p-values, each with its own degrees of freedom."""
    crit = stats.t.ppf(0.5 + level / 2, df)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_value = 2 * stats.t.sf(np.abs(beta / se), df)
    return pd.DataFrame(
        {
            "estimate": beta,
            "se": se,
            "ci_low": beta - crit * se,
            "ci_high": beta + crit * se,
            "p_value": p_value,
            "df": df,
        },
        index=index,
    )

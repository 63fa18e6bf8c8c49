"""Cluster-robust (sandwich) intervals for the mixed model's fixed effects.

The mixed model's own standard errors assume independent residuals within a person,
which daily moods are not: with day-to-day autocorrelation they are too small for terms
that change slowly, such as the 7-day run frequency. The sandwich keeps the mixed model's
estimates and its working covariance ``V_i = Z_i G Z_i' + sigma^2 I`` as weights, and
estimates the covariance of the estimates from each person's actual residuals, so it
holds whatever the correlation of one person's days (Liang and Zeger 1986):

the leave-one-participant-out (jackknife, CV3) covariance ``(G - 1) / G * sum_i d_i
d_i'`` with ``d_i = (A - A_i)^-1 X_i' W_i r_i``, ``W_i = V_i^-1``, ``A_i = X_i' W_i X_i``
and ``A = sum_i A_i``; intervals and p-values use the t distribution with each term's
Bell-McCaffrey degrees of freedom (:mod:`runwell.models.clustered`). The plain
sandwich with ``G - 1`` degrees of freedom covered the within-person duration effect
in 92.5% of simulated 30 x 120 cohorts (benchmarks/calibration.py).

Only ``beta``, ``G`` and ``sigma^2`` of the fit are used, so any REML backend will do.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from runwell.models.clustered import bell_mccaffrey_df, jackknife_covariance, t_table
from runwell.models.design import Design

__all__ = ["group_blocks", "weight_root", "cluster_robust_fixed", "re_design"]


def re_design(design: Design) -> pd.DataFrame:
    """The random-effect design: ``const`` and the random slope's column, if any."""
    cols = ["const", design.random_slope] if design.random_slope else ["const"]
    return design.X[cols]


def group_blocks(design: Design) -> Iterator[tuple[str, np.ndarray, np.ndarray, np.ndarray]]:
    """Per participant: ``(label, X_i, Z_i, y_i)`` as float arrays, in sorted label order.

    Parameters
    ----------
    design
        The model's design.

    Yields
    ------
    tuple
        The participant's label, fixed and random design rows, and responses.
    """
    X = design.X.to_numpy(dtype=float)
    Z = re_design(design).to_numpy(dtype=float)
    y = design.y.to_numpy(dtype=float)
    codes, labels = pd.factorize(np.asarray(design.groups), sort=True)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(labels) + 1))
    for g, label in enumerate(labels):
        rows = order[bounds[g] : bounds[g + 1]]
        yield str(label), X[rows], Z[rows], y[rows]


def weight_root(cov_re: np.ndarray, scale: float) -> np.ndarray:
    """A factor ``L`` with ``L L' = G / sigma^2`` that tolerates a singular ``G``."""
    values, vectors = np.linalg.eigh(np.asarray(cov_re, dtype=float) / scale)
    return np.asarray(vectors * np.sqrt(np.clip(values, 0.0, None)))


def _weighted(Z: np.ndarray, L: np.ndarray, scale: float, M: np.ndarray) -> np.ndarray:
    """``W M`` for ``W = V^-1`` of one person, without forming ``V`` (Woodbury identity).

    ``V = sigma^2 (I + Z L L' Z')`` gives ``W M = (M - Z L (I + L' Z' Z L)^-1 L' Z' M) / sigma^2``.
    """
    ZL = Z @ L
    inner = np.eye(L.shape[1]) + ZL.T @ ZL
    return np.asarray((M - ZL @ np.linalg.solve(inner, ZL.T @ M)) / scale)


def cluster_robust_fixed(
    design: Design, beta: pd.Series, cov_re: np.ndarray, scale: float, level: float = 0.95
) -> pd.DataFrame:
    """Fixed effects with jackknife (CV3) standard errors and Bell-McCaffrey t intervals.

    Parameters
    ----------
    design
        The model's design (two or more participants).
    beta
        The fixed effects, indexed by design column.
    cov_re
        Random-effect covariance ``G`` (intercept first, then the random slope).
    scale
        Residual variance ``sigma^2``.
    level
        Coverage of the intervals.

    Returns
    -------
    pandas.DataFrame
        Indexed by design column: ``estimate``, ``se``, ``ci_low``, ``ci_high``,
        ``p_value``.

    Examples
    --------
    >>> from runwell.simulate import simulate_panel
    >>> from runwell.models.design import prepare_daily
    >>> from runwell.models.fast import fit_fast_mixed
    >>> d = prepare_daily(simulate_panel(12, 30, seed=1).panel, "mood", "run_min", "runs_7d",
    ...                   ("weekday",), True, False)
    >>> fit = fit_fast_mixed(d.y, d.X, re_design(d), d.groups)
    >>> table = cluster_robust_fixed(d, fit.fe_params, fit.cov_re.to_numpy(), fit.scale)
    >>> bool((table["se"] > 0).all())
    True
    """
    L = weight_root(cov_re, scale)
    b = beta.reindex(design.X.columns).to_numpy(dtype=float)
    parts, scores = [], []
    for _, X, Z, y in group_blocks(design):
        WX = _weighted(Z, L, scale, X)
        parts.append(X.T @ WX)
        scores.append(WX.T @ (y - X @ b))
    information = np.asarray(parts)
    total = information.sum(axis=0)
    cov = jackknife_covariance(total, information, np.asarray(scores))
    se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    return t_table(b, se, bell_mccaffrey_df(total, information), design.X.columns, level).drop(columns="df")

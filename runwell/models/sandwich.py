"""Cluster-robust (sandwich) intervals for the mixed model's fixed effects.

The mixed model's own standard errors assume independent residuals within a person,
which daily moods are not: with day-to-day autocorrelation they are too small for terms
that change slowly, such as the 7-day run frequency. The sandwich keeps the mixed model's
estimates and its working covariance ``V_i = Z_i G Z_i' + sigma^2 I`` as weights, and
estimates the covariance of the estimates from each person's actual residuals, so it
holds whatever the correlation of one person's days (Liang and Zeger 1986):

``cov = A^-1 (sum_i X_i' W_i r_i r_i' W_i X_i) A^-1 * G / (G - 1)``, with
``W_i = V_i^-1`` and ``A = sum_i X_i' W_i X_i``; intervals and p-values use the t
distribution with ``G - 1`` degrees of freedom (``G`` participants).

Only ``beta``, ``G`` and ``sigma^2`` of the fit are used, so any REML backend will do.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
from scipy import stats

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
    """Fixed effects with cluster-robust standard errors and t intervals (``G - 1`` df).

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
    p = len(b)
    bread = np.zeros((p, p))
    scores = []
    for _, X, Z, y in group_blocks(design):
        WX = _weighted(Z, L, scale, X)
        bread += X.T @ WX
        scores.append(WX.T @ (y - X @ b))
    n_groups = len(scores)
    U = np.asarray(scores)
    A_inv = np.linalg.pinv(bread)
    cov = A_inv @ (U.T @ U) @ A_inv * n_groups / max(n_groups - 1, 1)
    se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    df = max(n_groups - 1, 1)
    crit = stats.t.ppf(0.5 + level / 2, df)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_value = 2 * stats.t.sf(np.abs(b / se), df)
    return pd.DataFrame(
        {"estimate": b, "se": se, "ci_low": b - crit * se, "ci_high": b + crit * se, "p_value": p_value},
        index=design.X.columns,
    )

"""Robust OLS, Newey-West lags and AR(1) regression (runwell.models.robust)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from runwell.models import newey_west_lags, robust_ols
from runwell.models.robust import fit_ar1


def test_newey_west_lags() -> None:
    assert newey_west_lags(90) == 3 and newey_west_lags(5) == 2


def test_robust_ols_clusters_people_and_uses_hac_for_one() -> None:
    # y = 1 + 0.5 x with a shared shock per person: the slope's interval must cover 0.5
    rng = np.random.default_rng(7)
    groups = np.repeat([f"p{i}" for i in range(40)], 30)
    x = rng.standard_normal(len(groups))
    shock = np.repeat(rng.standard_normal(40), 30)
    y = 1.0 + 0.5 * x + shock + rng.standard_normal(len(groups))
    X = pd.DataFrame({"const": 1.0, "x": x})
    result, n_clusters, lags = robust_ols(y, X, groups)
    assert (n_clusters, lags) == (40, None)
    low, high = result.conf_int().loc["x"]
    assert low < 0.5 < high
    one = groups == "p0"
    result, n_clusters, lags = robust_ols(y[one], X[one], groups[one])
    assert (n_clusters, lags) == (1, newey_west_lags(30))
    low, high = result.conf_int().loc["x"]
    assert low < 0.5 < high


def test_ar1_regression_estimates_rho_and_respects_gaps() -> None:
    rng = np.random.default_rng(3)
    n = 3000
    x = rng.standard_normal(n)
    e = np.zeros(n)
    for t in range(1, n):
        e[t] = 0.6 * e[t - 1] + rng.standard_normal()
    y = 1.0 + 0.5 * x + e
    X = pd.DataFrame({"const": 1.0, "x": x})
    day = np.arange(n, dtype=float)
    result, rho = fit_ar1(pd.Series(y), X, day)
    assert rho == pytest.approx(0.6, abs=0.05)
    assert result.params["x"] == pytest.approx(0.5, abs=0.05)
    # the same rows with every other day missing: no consecutive pairs, so no AR(1)
    _, rho_gaps = fit_ar1(pd.Series(y[::2]), X.iloc[::2], day[::2] * 2)
    assert rho_gaps == 0.0

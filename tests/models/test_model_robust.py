"""Cluster-robust inference, AR(1) regression and person fixed effects (runwell.models.robust, .clustered)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from runwell.errors import InsufficientDataError
from runwell.models import cluster_robust_table, within_person_ols
from runwell.models.clustered import bell_mccaffrey_df, jackknife_covariance
from runwell.models.robust import ar1_transform, fit_ar1, leverage_robust_table


def test_cluster_robust_table_covers_with_a_shared_shock_per_person() -> None:
    # y = 1 + 0.5 x with a shared shock per person: the slope's interval must cover 0.5
    rng = np.random.default_rng(7)
    groups = np.repeat([f"p{i}" for i in range(40)], 30)
    x = rng.standard_normal(len(groups))
    shock = np.repeat(rng.standard_normal(40), 30)
    y = 1.0 + 0.5 * x + shock + rng.standard_normal(len(groups))
    table, n_groups = cluster_robust_table(y, pd.DataFrame({"const": 1.0, "x": x}), groups)
    assert n_groups == 40
    assert table.loc["x", "ci_low"] < 0.5 < table.loc["x", "ci_high"]
    assert 1 <= table.loc["x", "df"] <= 39


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


@pytest.mark.parametrize("rho", [0.3, -0.4, 0.8])
def test_ar1_transform_is_the_exact_gls_whitening_across_gaps(rho: float) -> None:
    # days with gaps of 1 to 5: the transform T must whiten the AR(1) covariance exactly,
    # T Sigma T' = I with Sigma[i, j] = rho**|d_i - d_j| / (1 - rho**2) (innovation variance 1)
    day = np.cumsum(np.r_[0.0, [1, 1, 3, 1, 2, 5, 1, 1, 4, 2]])
    n = len(day)
    gap = np.r_[np.nan, np.diff(day)]
    _, T = ar1_transform(np.zeros(n), np.eye(n), gap, rho)
    sigma = rho ** np.abs(day[:, None] - day[None, :]) / (1 - rho**2)
    np.testing.assert_allclose(T @ sigma @ T.T, np.eye(n), atol=1e-12)
    # and it is linear in the response: y is transformed like a column of X
    y = np.arange(n, dtype=float)
    np.testing.assert_allclose(ar1_transform(y, np.eye(n), gap, rho)[0], T @ y, atol=1e-12)


def test_ar1_t_intervals_hold_their_level_under_the_null_with_gaps() -> None:
    # 300 short diaries (120 days, 15% of days missing, AR(1) 0.5 errors, a regressor with
    # AR(1) 0.8): a true null must be rejected near 5% of the time (4-6% over seeds). The
    # bound, 9%, is about 3 Monte Carlo SEs above 5%; plain OLS rejects 15-16% here.
    rng = np.random.default_rng(20260214)
    rejected = []
    for _ in range(300):
        n = 120
        e, x = np.zeros(n), np.zeros(n)
        for t in range(1, n):
            e[t] = 0.5 * e[t - 1] + rng.standard_normal()
            x[t] = 0.8 * x[t - 1] + rng.standard_normal()
        keep = rng.random(n) >= 0.15
        day = np.arange(n, dtype=float)[keep]
        X = pd.DataFrame({"const": 1.0, "x": x[keep]})
        result, _ = fit_ar1(pd.Series(e[keep]), X, day)
        rejected.append(result.pvalues["x"] < 0.05)
    assert np.mean(rejected) <= 0.09


def test_one_person_hc3_matches_statsmodels() -> None:
    import statsmodels.api as sm

    rng = np.random.default_rng(3)
    x = rng.integers(0, 6, 25).astype(float)
    y = np.abs(rng.standard_normal(25)) + 0.5
    data = pd.DataFrame({"participant_id": "a", "y": y, "x": x, "week": np.arange(25.0)})
    table, method, n = within_person_ols(data, "y", ["x"], day="week", one_person="hc3")
    expected = sm.OLS(y, sm.add_constant(x)).fit(cov_type="HC3", use_t=True)
    assert n == 25 and "jackknife" in method
    # the leave-one-row-out jackknife is (n - 1) / n times HC3
    assert table.loc["x", "se"] == pytest.approx(expected.bse[1] * np.sqrt(24 / 25))
    assert table.loc["x", "p_value"] >= expected.pvalues[1] * 0.9  # Bell-McCaffrey df <= n - k
    plain = within_person_ols(data, "y", ["x"], day="week", one_person="ar1")[0]
    robust = within_person_ols(data, "y", ["x"], day="week")[0]  # the default
    assert robust.loc["x", "estimate"] == pytest.approx(plain.loc["x", "estimate"])
    assert robust.loc["x", "se"] != pytest.approx(plain.loc["x", "se"])
    with pytest.raises(ValueError):
        within_person_ols(data, "y", ["x"], day="week", one_person="hac")


def test_hc3_leaves_out_a_row_fitted_exactly() -> None:
    # the only Sunday has leverage 1: its residual over 1 - leverage is 0/0 in rounding
    import statsmodels.api as sm

    rng = np.random.default_rng(4)
    x = rng.standard_normal(40)
    sunday = np.r_[np.zeros(39), 1.0]
    X = pd.DataFrame({"const": 1.0, "x": x, "sunday": sunday})
    y = 0.2 * x + rng.standard_normal(40)
    table = leverage_robust_table(y, X)
    without = sm.OLS(y[:39], X.iloc[:39, :2]).fit(cov_type="HC3", use_t=True)
    assert table.loc["x", "estimate"] == pytest.approx(without.params["x"])
    assert table.loc["x", "se"] == pytest.approx(without.bse["x"] * np.sqrt(38 / 39), rel=1e-9)
    half = (table.loc["x", "ci_high"] - table.loc["x", "ci_low"]) / 2
    assert half / table.loc["x", "se"] == pytest.approx(stats.t.ppf(0.975, table.loc["x", "df"]))
    assert 1 <= table.loc["x", "df"] <= 37
    # the Sunday's own coefficient rests on that one row: no standard error
    assert np.isnan(table.loc["sunday", "se"])


def _lone_monday_design(rng: np.random.Generator) -> pd.DataFrame:
    """60 rows: intercept, a slope and weekday dummies, one row of the reference Monday."""
    weekday = np.r_[0, rng.integers(1, 7, 59)]
    X = pd.DataFrame({"const": 1.0, "x": rng.standard_normal(60)})
    for k in range(1, 7):
        X[f"weekday_{k}"] = (weekday == k) * 1.0
    return X


def test_a_lone_row_of_the_reference_weekday_touches_the_intercept_and_every_dummy() -> None:
    # the only Monday (reference level) is fitted exactly by moving the intercept and all
    # dummies together: the slope's estimate and error come from the other rows
    rng = np.random.default_rng(6)
    X = _lone_monday_design(rng)
    y = 0.1 * X["x"].to_numpy() + rng.standard_normal(60)
    table = leverage_robust_table(y, X)
    rest = X.iloc[1:].drop(columns="const")  # weekday dummies span the intercept without Monday
    expected = leverage_robust_table(y[1:], rest)
    assert table.loc["x", "estimate"] == pytest.approx(expected.loc["x", "estimate"])
    assert table.loc["x", "se"] == pytest.approx(expected.loc["x", "se"])
    assert table.loc[["const", "weekday_1"], "se"].isna().all()


def test_a_set_aside_row_leaving_a_rounding_sized_trace_is_not_a_crash() -> None:
    # AR(1) whitening leaves rho**gap of the lone Monday's direction on a later row: the
    # other rows' design is collinear but for ~1e-8, which broke a Cholesky factor
    rng = np.random.default_rng(8)
    X = _lone_monday_design(rng)
    X = X + 1e-8 * rng.standard_normal(X.shape)
    table = leverage_robust_table(rng.standard_normal(60), X)
    assert np.isfinite(table.loc["x", "se"]) and table.loc["x", "se"] > 0


def test_a_term_carried_by_one_row_has_no_standard_error() -> None:
    rng = np.random.default_rng(5)
    data = pd.DataFrame({"participant_id": "a", "mood": rng.standard_normal(60), "day": np.arange(60.0)})
    data["short"] = (data["day"] == 17) * 1.0
    table, _, _ = within_person_ols(data, "mood", ["short"], day="day", one_person="hc3")
    assert np.isnan(table.loc["short", "se"]) and np.isnan(table.loc["short", "p_value"])
    # AR(1)-whitened, the day after carries a little of it too: no claim either way
    table, _, _ = within_person_ols(data, "mood", ["short"], day="day")
    assert not table.loc["short", "p_value"] < 0.2


def _leave_one_out_cov(y: np.ndarray, X: np.ndarray, groups: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The jackknife by brute force: refit without each participant."""
    fit = np.linalg.lstsq(X * np.sqrt(weights)[:, None], y * np.sqrt(weights), rcond=None)[0]
    deltas = []
    for g in np.unique(groups):
        keep = groups != g
        w = np.sqrt(weights[keep])
        deltas.append(fit - np.linalg.lstsq(X[keep] * w[:, None], y[keep] * w, rcond=None)[0])
    d = np.asarray(deltas)
    return (len(d) - 1) / len(d) * d.T @ d


def test_cluster_robust_errors_are_the_exact_cluster_jackknife() -> None:
    rng = np.random.default_rng(11)
    groups = rng.integers(0, 9, 240)
    X = pd.DataFrame({"const": 1.0, "x": rng.standard_normal(240), "rare": (rng.random(240) < 0.05) * 1.0})
    y = rng.standard_normal(240) + rng.standard_normal(9)[groups]
    table, n_groups = cluster_robust_table(y, X, groups)
    expected = _leave_one_out_cov(y, X.to_numpy(), groups, np.ones(240))
    assert n_groups == 9
    np.testing.assert_allclose(table["se"].to_numpy(), np.sqrt(np.diag(expected)), rtol=1e-10)
    t_crit = (table["ci_high"] - table["estimate"]) / table["se"]
    np.testing.assert_allclose(t_crit, stats.t.ppf(0.975, table["df"]))


def test_bell_mccaffrey_df_is_small_when_few_people_carry_a_term() -> None:
    # 20 people; only two of them ever meet the rare condition
    rng = np.random.default_rng(14)
    groups = np.repeat(np.arange(20), 50)
    rare = np.where(groups < 2, rng.random(1000) < 0.3, False) * 1.0
    common = rng.standard_normal(1000)
    X = pd.DataFrame({"rare": rare - 0.0, "common": common})
    table, _ = cluster_robust_table(rng.standard_normal(1000), X, groups)
    assert table.loc["rare", "df"] < 3 and table.loc["common", "df"] > 12


def test_bell_mccaffrey_df_matches_a_direct_computation() -> None:
    # tr(C)^2 / tr(C^2) with C = a_g' M a_h built from n-vectors, for the middle coefficient
    rng = np.random.default_rng(15)
    groups = np.repeat(np.arange(5), 12)
    X = np.column_stack([np.ones(60), rng.standard_normal(60), rng.random(60) < 0.2])
    A = np.linalg.inv(X.T @ X)
    M = np.eye(60) - X @ A @ X.T
    vectors = []
    for g in range(5):
        rows = groups == g
        a = np.zeros(60)
        H = X[rows] @ A @ X[rows].T
        a[rows] = np.linalg.solve(np.eye(rows.sum()) - H, X[rows] @ A[:, 1])
        vectors.append(a)
    C = np.asarray(vectors) @ M @ np.asarray(vectors).T
    parts = np.stack([X[groups == g].T @ X[groups == g] for g in range(5)])
    expected = np.trace(C) ** 2 / np.trace(C @ C)
    assert bell_mccaffrey_df(X.T @ X, parts)[1] == pytest.approx(expected, rel=1e-9)


def test_jackknife_covariance_with_fixed_weights_matches_refits() -> None:
    rng = np.random.default_rng(12)
    groups = np.repeat(np.arange(6), 20)
    X = np.column_stack([np.ones(120), rng.standard_normal(120)])
    y = X @ [1.0, 0.3] + rng.standard_normal(120)
    w = rng.uniform(0.5, 2.0, 120)
    beta = np.linalg.lstsq(X * np.sqrt(w)[:, None], y * np.sqrt(w), rcond=None)[0]
    r = y - X @ beta
    parts = np.stack([(X[groups == g] * w[groups == g, None]).T @ X[groups == g] for g in range(6)])
    scores = np.stack([(X[groups == g] * w[groups == g, None]).T @ r[groups == g] for g in range(6)])
    cov = jackknife_covariance(parts.sum(axis=0), parts, scores)
    np.testing.assert_allclose(cov, _leave_one_out_cov(y, X, groups, w), rtol=1e-10)


def test_a_term_carried_by_one_participant_is_not_enough_data() -> None:
    rng = np.random.default_rng(13)
    data = pd.DataFrame(
        {
            "participant_id": np.repeat(["a", "b", "c"], 30),
            "mood": rng.standard_normal(90),
            "short": np.r_[(np.arange(30) % 3 == 0) * 1.0, np.zeros(60)],
        }
    )
    with pytest.raises(InsufficientDataError, match="one participant alone"):
        within_person_ols(data, "mood", ["short"])

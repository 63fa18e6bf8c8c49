"""The fast mixed model (runwell.models.fast) against statsmodels' MixedLM."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.regression.mixed_linear_model import MixedLM, MixedLMParams
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from runwell.models import fast as mixedfast
from runwell.models.fast import FastMixedModel, FastMixedResult, fit_fast_mixed, group_stats

#: Agreement asked of the fast path with a tightly converged statsmodels fit.
TOL = 1e-4


def simulate(
    persons: int = 30, days: int = 120, *, seed: int = 0, slope_sd: float = 0.3
) -> tuple[pd.Series, pd.DataFrame, pd.DataFrame, pd.Series]:
    """A daily panel: random intercept and within-person run slope, missing days, weekdays."""
    rng = np.random.default_rng(seed)
    pid = np.repeat(np.arange(persons), days)
    day = np.tile(np.arange(days), persons)
    keep = rng.uniform(size=pid.size) > rng.uniform(0.0, 0.4, persons)[pid]  # unbalanced n_i
    pid, day = pid[keep], day[keep]
    run = (rng.uniform(size=pid.size) < rng.uniform(0.1, 0.7, persons)[pid]) * rng.gamma(2.0, 0.5, pid.size)
    between = pd.Series(run).groupby(pid).transform("mean").to_numpy()
    X = pd.DataFrame({"const": 1.0, "run_within": run - between, "run_between": between})
    for k in range(1, 7):
        X[f"weekday_{k}"] = (day % 7 == k).astype(float)
    u0, u1 = rng.normal(0.0, 1.0, persons), rng.normal(0.0, slope_sd, persons)
    mood = 5.0 + u0[pid] + (0.4 + u1[pid]) * X["run_within"] + 0.3 * between + 0.2 * (day % 7 == 6)
    y = pd.Series(mood + rng.normal(0.0, 1.0, pid.size), name="mood")
    return y, X, X[["const", "run_within"]], pd.Series(pid, name="person")


def reference(y, X, Z, groups, reml: bool = True):
    """statsmodels, converged tightly (its default tolerance leaves errors near 1e-4)."""
    model = MixedLM(y, X, groups, exog_re=Z)
    return model, model.fit(reml=reml, method="bfgs", gtol=1e-8)


def assert_matches(fast: FastMixedResult, ref, tol: float = TOL) -> None:
    """Fixed effects, standard errors, covariances, scale, likelihood and BLUPs agree."""
    assert ref.converged and fast.converged
    np.testing.assert_allclose(fast.fe_params.to_numpy(), ref.fe_params.to_numpy(), rtol=0, atol=tol)
    np.testing.assert_allclose(fast.bse.to_numpy(), ref.bse_fe.to_numpy(), rtol=0, atol=tol)
    np.testing.assert_allclose(fast.cov_re.to_numpy(), np.asarray(ref.cov_re), rtol=0, atol=tol)
    np.testing.assert_allclose(fast.bse_re.to_numpy(), ref.bse_re.to_numpy(), rtol=0, atol=tol)
    assert fast.scale == pytest.approx(ref.scale, abs=tol)
    assert fast.llf == pytest.approx(ref.llf, abs=tol)
    blups = pd.DataFrame(ref.random_effects).T.sort_index()
    np.testing.assert_allclose(fast.random_effects.to_numpy(), blups.to_numpy(), rtol=0, atol=tol)
    assert list(fast.fe_params.index) == list(ref.fe_params.index)
    assert list(fast.random_effects.index) == list(blups.index)


@pytest.fixture(scope="module")
def panel() -> tuple[pd.Series, pd.DataFrame, pd.DataFrame, pd.Series]:
    return simulate()


@pytest.mark.parametrize("reml", [True, False])
def test_random_slope_matches_statsmodels(panel, reml: bool) -> None:
    y, X, Z, groups = panel
    _, ref = reference(y, X, Z, groups, reml=reml)
    fast = fit_fast_mixed(y, X, Z, groups, reml=reml)
    assert_matches(fast, ref)
    assert not fast.on_boundary and fast.messages == ()
    assert (fast.n_groups, fast.nobs, fast.reml) == (30, len(y), reml)
    assert fast.cov_params().shape == (X.shape[1], X.shape[1])


def test_random_intercept_only_matches_statsmodels() -> None:
    y, X, _, groups = simulate(25, 60, seed=3)
    _, ref = reference(y, X, None, groups)
    fast = fit_fast_mixed(y, X, None, groups)
    assert_matches(fast, ref)
    assert list(fast.cov_re.columns) == ["Group"]


def test_three_random_effects_match_statsmodels() -> None:
    y, X, _, groups = simulate(40, 60, seed=5)
    y = y + np.random.default_rng(6).normal(0.0, 0.6, 40)[groups] * X["weekday_6"]  # a random weekend effect
    Z = X[["const", "run_within", "weekday_6"]]
    _, ref = reference(y, X, Z, groups)
    assert_matches(fit_fast_mixed(y, X, Z, groups), ref)


@pytest.mark.parametrize("reml", [True, False])
def test_likelihood_and_hessian_equal_statsmodels_at_the_same_parameters(panel, reml: bool) -> None:
    """Formulas, not optimisers: statsmodels' own functions at the fast optimum."""
    y, X, Z, groups = panel
    model, _ = reference(y, X, Z, groups, reml=reml)  # sets model.reml
    fast = fit_fast_mixed(y, X, Z, groups, reml=reml)
    params = MixedLMParams.from_packed(fast.theta, X.shape[1], 2, use_sqrt=True, has_fe=False)
    params.fe_params = model.get_fe_params(params.cov_re, params.vcomp)[0]
    assert model.loglike(params, profile_fe=False) == pytest.approx(fast.llf, abs=1e-8)
    np.testing.assert_allclose(params.fe_params, fast.fe_params.to_numpy(), rtol=0, atol=1e-10)
    bse = np.sqrt(np.diag(np.linalg.inv(-model.hessian(params)[0])))[: X.shape[1]]
    np.testing.assert_allclose(bse, fast.bse.to_numpy(), rtol=1e-9)
    theta = np.array([0.7, 0.2, 0.4])
    assert model.loglike(theta) == pytest.approx(FastMixedModel(y, X, Z, groups).loglike(theta, reml), abs=1e-8)


def test_score_is_the_gradient_of_loglike(panel) -> None:
    model = FastMixedModel(*panel)
    theta, eps = np.array([0.8, -0.1, 0.3]), 1e-5
    numeric = [(model.loglike(theta + eps * e) - model.loglike(theta - eps * e)) / (2 * eps) for e in np.eye(3)]
    np.testing.assert_allclose(model.score(theta), numeric, rtol=1e-6, atol=1e-5)


def test_at_least_as_good_as_statsmodels_default_fit(panel) -> None:
    y, X, Z, groups = panel
    ref = MixedLM(y, X, groups, exog_re=Z).fit(reml=True, method="lbfgs")
    assert fit_fast_mixed(y, X, Z, groups).llf >= ref.llf - 1e-9


def test_group_stats_equal_direct_sums_in_any_row_order() -> None:
    rng = np.random.default_rng(1)
    codes = rng.integers(0, 7, 200)
    A, Z = rng.normal(size=(200, 4)), np.column_stack([np.ones(200), rng.normal(size=200)])
    A[:, 0] = 1.0  # Z's intercept is found among A's columns
    st = group_stats(A, Z, codes, 7, chunk_rows=16)
    for g in range(7):
        a, z = A[codes == g], Z[codes == g]
        np.testing.assert_allclose(st.AtA[g], a.T @ a, atol=1e-12)
        np.testing.assert_allclose(st.ZtA[g], z.T @ a, atol=1e-12)
        np.testing.assert_allclose(st.ZtZ[g], z.T @ z, atol=1e-12)
    assert st.n.tolist() == np.bincount(codes).tolist()


def test_row_order_and_labels_do_not_matter(panel) -> None:
    y, X, Z, groups = panel
    labels = "p" + groups.astype(str).str.zfill(2)
    order = np.random.default_rng(2).permutation(len(y))
    a = fit_fast_mixed(y, X, Z, labels)
    b = fit_fast_mixed(y.iloc[order], X.iloc[order], Z.iloc[order], labels.iloc[order])
    # summation order moves the optimiser's stopping point by ~1e-6 at most
    np.testing.assert_allclose(a.fe_params, b.fe_params, atol=1e-5)
    assert a.llf == pytest.approx(b.llf, abs=1e-8)
    pd.testing.assert_frame_equal(a.random_effects, b.random_effects, atol=1e-5)
    assert a.random_effects.index[0] == "p00"


@pytest.fixture(scope="module")
def boundary_panel() -> tuple[pd.Series, pd.DataFrame, pd.DataFrame, pd.Series]:
    return simulate(seed=1, slope_sd=0.0)  # this draw's REML estimate is singular


def test_zero_slope_variance_gives_a_flagged_boundary_fit(boundary_panel) -> None:
    y, X, Z, groups = boundary_panel
    fast = fit_fast_mixed(y, X, Z, groups)
    assert fast.on_boundary and fast.converged
    assert any("boundary" in m for m in fast.messages)
    assert fast.theta[2] == 0.0  # the slope's own Cholesky element sits on its bound
    assert np.linalg.matrix_rank(fast.cov_re.to_numpy(), tol=1e-10) == 1
    assert np.all(np.isfinite(fast.bse)) and np.isfinite(fast.llf)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = MixedLM(y, X, groups, exog_re=Z).fit(reml=True)
    assert fast.llf >= ref.llf - 1e-6  # statsmodels warns here and does no better


def test_zero_intercept_variance_is_snapped_to_the_boundary() -> None:
    y, X, Z, groups = simulate(seed=5)
    rng = np.random.default_rng(105)
    y = 5 + (0.4 + rng.normal(0.0, 0.5, 30)[groups]) * X["run_within"] + rng.normal(0.0, 1.0, len(y))
    fast = fit_fast_mixed(y, X, Z, groups)
    assert fast.on_boundary and fast.converged and fast.theta[0] == 0.0
    assert fast.cov_re.loc["const", "const"] == 0.0 and fast.cov_re.loc["run_within", "run_within"] > 0.1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = MixedLM(y, X, groups, exog_re=Z).fit(reml=True)
    assert fast.llf >= ref.llf - 1e-6


def test_profile_is_finite_and_continuous_up_to_the_boundary(boundary_panel) -> None:
    model = FastMixedModel(*boundary_panel)
    theta = model.fit().theta
    values = [model.loglike(theta + np.array([0.0, 0.0, d])) for d in (1e-3, 1e-5, 1e-7, 0.0)]
    assert np.all(np.isfinite(values))
    assert values[-2] == pytest.approx(values[-1], abs=1e-8)
    assert np.isfinite(model.loglike(np.zeros(3)))  # G = 0: ordinary least squares


def test_non_finite_standard_errors_are_never_reported_as_converged(panel, monkeypatch) -> None:
    y, X, Z, groups = panel
    monkeypatch.setattr(mixedfast, "_observed_hessian", lambda pr, reml: np.eye(X.shape[1] + 3))
    fast = fit_fast_mixed(y, X, Z, groups)
    assert not fast.converged
    assert fast.bse.isna().all()
    assert any("not all finite" in m for m in fast.messages)
    monkeypatch.undo()
    gls = fit_fast_mixed(y, X, Z, groups, cov_type="gls")
    assert gls.converged and np.all(np.isfinite(gls.bse))
    np.testing.assert_allclose(gls.bse**2, np.diag(gls.cov_params()))
    np.testing.assert_allclose(gls.bse, np.sqrt(np.diag(gls.cov_params("hessian"))), rtol=0.05)


def test_bad_input_is_refused(panel) -> None:
    y, X, Z, groups = panel
    with pytest.raises(ValueError, match="non-finite"):
        fit_fast_mixed(y.where(y > 3), X, Z, groups)
    with pytest.raises(ValueError, match="rank deficient"):
        fit_fast_mixed(y, X.assign(copy=X["run_between"]), Z, groups)
    with pytest.raises(ValueError, match="same number of rows"):
        fit_fast_mixed(y.iloc[1:], X, Z, groups)
    with pytest.raises(ValueError, match="cov_type"):
        fit_fast_mixed(y, X, Z, groups, cov_type="robust")

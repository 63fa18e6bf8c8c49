"""The mixed model's engines (runwell.models.mixed, fastlm): fast by default, statsmodels as reference and fallback."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.regression.mixed_linear_model import MixedLM

from runwell.models import MoodModelResult, fit_acute_model, fit_mood_model
from runwell.models import mixed as mixed_module
from runwell.models.fastlm import FastMixedLMResults
from runwell.models.mixed import FAST_ENGINE
from runwell.simulate import SimulatedPanel, simulate_panel

#: Agreement asked of the fast engine with statsmodels (issue 18).
TOL = 1e-4


@pytest.fixture
def tight(monkeypatch: pytest.MonkeyPatch) -> None:
    """statsmodels converged tightly: each optimizer's fit polished by bfgs with gtol 1e-8
    (statsmodels' default tolerance leaves errors near 1e-4)."""
    original = MixedLM.fit

    def fit(self, *args, **kwargs):
        res = original(self, *args, **kwargs)
        polished = original(self, reml=True, method="bfgs", start_params=res.params_object, gtol=1e-8)
        return polished if polished.llf >= res.llf else res

    monkeypatch.setattr(MixedLM, "fit", fit)


def assert_same_fit(fast: MoodModelResult, ref: MoodModelResult) -> None:
    """Estimates, standard errors, likelihood, random-effect SDs and person slopes agree to TOL."""
    assert fast.optimizer == FAST_ENGINE and ref.optimizer != FAST_ENGINE
    a, b = fast.coefficients, ref.coefficients
    assert list(a.index) == list(b.index)
    np.testing.assert_allclose(a["estimate"], b["estimate"], atol=TOL, rtol=0)
    np.testing.assert_allclose(a["se"], b["se"], atol=TOL, rtol=0)
    assert fast.sm_result.llf == pytest.approx(ref.sm_result.llf, abs=TOL)  # type: ignore[attr-defined]
    for key, value in ref.random_effects_sd.items():
        assert fast.random_effects_sd[key] == pytest.approx(value, abs=TOL)
    if ref.person_slopes is not None:
        assert fast.person_slopes is not None
        np.testing.assert_allclose(fast.person_slopes["slope"], ref.person_slopes["slope"], atol=TOL)
        assert fast.share_positive_slope == pytest.approx(ref.share_positive_slope, abs=TOL)
    assert fast.residual_autocorrelation == pytest.approx(ref.residual_autocorrelation, abs=TOL)
    assert fast.n_days == ref.n_days and fast.n_participants == ref.n_participants


@pytest.mark.parametrize(("persons", "days", "seed"), [(30, 42, 21), (60, 90, 5), (15, 200, 4)])
def test_fast_engine_gives_statsmodels_fit_on_simulated_cohorts(
    tight: None, persons: int, days: int, seed: int
) -> None:
    panel = simulate_panel(persons, days, seed=seed).panel
    fast = fit_mood_model(panel, outcome="mood")
    assert isinstance(fast.sm_result, FastMixedLMResults)
    assert_same_fit(fast, fit_mood_model(panel, outcome="mood", engine="statsmodels"))


def test_on_a_flat_ridge_the_fast_fit_is_at_least_as_likely(tight: None) -> None:
    # 12 people whose intercepts and slopes are almost perfectly correlated: the likelihood
    # is flat along the ridge, and both engines stop at slightly different places on it
    panel = simulate_panel(12, 200, seed=8).panel
    fast = fit_mood_model(panel, outcome="mood")
    ref = fit_mood_model(panel, outcome="mood", engine="statsmodels")
    assert fast.sm_result.llf >= ref.sm_result.llf - 1e-6  # type: ignore[attr-defined]
    np.testing.assert_allclose(fast.coefficients["estimate"], ref.coefficients["estimate"], atol=1e-3)
    np.testing.assert_allclose(fast.coefficients["se"], ref.coefficients["se"], rtol=1e-3)


def test_fast_engine_gives_statsmodels_fit_for_change_and_lagged_models(tight: None, sim: SimulatedPanel) -> None:
    assert_same_fit(fit_mood_model(sim.panel), fit_mood_model(sim.panel, engine="statsmodels"))
    assert_same_fit(
        fit_mood_model(sim.panel, outcome="mood", lagged=True),
        fit_mood_model(sim.panel, outcome="mood", lagged=True, engine="statsmodels"),
    )


def test_fast_engine_gives_statsmodels_fit_for_a_random_intercept(tight: None, sim: SimulatedPanel) -> None:
    assert_same_fit(
        fit_mood_model(sim.panel, outcome="mood", random_slopes=False),
        fit_mood_model(sim.panel, outcome="mood", random_slopes=False, engine="statsmodels"),
    )
    # from statsmodels' start the first step overshoots to a zero intercept variance, where
    # the gradient vanishes: the fast engine starts again and finds statsmodels' optimum
    fast = fit_acute_model(sim.run_panel)
    assert fast.optimizer == FAST_ENGINE and fast.converged
    assert_same_fit(fast, fit_acute_model(sim.run_panel, engine="statsmodels"))


def test_fast_engine_gives_statsmodels_fit_on_the_sample_cohort(tight: None) -> None:
    from runwell.panel.daily import build_daily_panel
    from runwell.sample import sample_path
    from runwell.study import load_study

    inputs = load_study(sample_path("cohort")).with_window()
    start, end = inputs.window_bounds()
    panel = build_daily_panel(inputs.activities, inputs.mood, inputs.sleep, value="value", start=start, end=end)
    fast = fit_mood_model(panel, outcome="mood")
    assert "fast engine" in fast.method and fast.converged
    assert_same_fit(fast, fit_mood_model(panel, outcome="mood", engine="statsmodels"))


def test_method_says_which_engine_fitted(result: MoodModelResult, sim: SimulatedPanel) -> None:
    assert "fast engine" in result.method and result.attempts["optimizer"].tolist() == [FAST_ENGINE]
    ref = fit_mood_model(sim.panel, outcome="mood", engine="statsmodels")
    assert "statsmodels MixedLM" in ref.method and FAST_ENGINE not in ref.attempts["optimizer"].tolist()


def test_statsmodels_fits_when_the_fast_engine_does_not_converge(
    monkeypatch: pytest.MonkeyPatch, sim: SimulatedPanel
) -> None:
    real = mixed_module.fit_fast_design

    def unconverged(design):  # the fast fit, reported as not converged
        result = real(design)
        result.converged = False
        return result

    monkeypatch.setattr(mixed_module, "fit_fast_design", unconverged)
    fit = fit_mood_model(sim.panel, outcome="mood")
    assert fit.optimizer != FAST_ENGINE and "statsmodels MixedLM" in fit.method and fit.converged
    assert fit.attempts["optimizer"].iloc[0] == FAST_ENGINE and len(fit.attempts) > 1
    assert any("fast engine did not converge" in d for d in fit.diagnostics)


def test_statsmodels_fits_when_the_fast_engine_fails(monkeypatch: pytest.MonkeyPatch, sim: SimulatedPanel) -> None:
    def broken(design):
        raise ValueError("X'V^-1 X is singular")

    monkeypatch.setattr(mixed_module, "fit_fast_design", broken)
    fit = fit_mood_model(sim.panel, outcome="mood")
    assert fit.optimizer != FAST_ENGINE and fit.converged
    assert not fit.attempts.set_index("optimizer").loc[FAST_ENGINE, "valid"]
    with pytest.raises(Exception, match="fast engine failed"):
        fit_mood_model(sim.panel, outcome="mood", engine="fast")


def test_fast_results_have_statsmodels_shape(result: MoodModelResult) -> None:
    res = result.sm_result
    assert isinstance(res, FastMixedLMResults)
    assert isinstance(res.fe_params, pd.Series) and list(res.bse_fe.index) == list(res.fe_params.index)
    assert res.cov_re.shape == (2, 2) and res.scale > 0 and res.converged
    first = next(iter(res.random_effects.values()))
    assert list(first.index) == ["const", "run_min_within"]
    assert np.asarray(res.resid).shape == (result.n_days,)


def test_unknown_engine_is_refused(sim: SimulatedPanel) -> None:
    with pytest.raises(ValueError, match="engine must be one of"):
        fit_mood_model(sim.panel, outcome="mood", engine="lme4")

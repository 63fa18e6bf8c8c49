"""Residual autocorrelation and the robust check (runwell.models.diagnostics)."""

from __future__ import annotations

import numpy as np
import pytest

from runwell.models import ROBUST_SE_RATIO_WARN, MoodModelResult, fit_mood_model
from runwell.models.diagnostics import lag1_autocorrelation
from runwell.simulate import simulate_panel


def test_robust_check_and_autocorrelation(result: MoodModelResult) -> None:
    robust = result.robust
    assert robust is not None and set(robust["part"]) == {"within"}
    assert robust["method"].iloc[0].startswith("person fixed effects, cluster-robust")
    # the simulator's residuals have AR(1) coefficient 0.3
    assert 0.15 < result.residual_autocorrelation < 0.45
    assert any("lag-1 r" in d and "cluster-robust" in d for d in result.diagnostics)


def test_autocorrelation_small_without_ar1() -> None:
    sim = simulate_panel(20, 40, ar1=0.0, seed=5)
    fit = fit_mood_model(sim.panel, outcome="mood", random_slopes=False)
    assert abs(fit.residual_autocorrelation) < 0.1
    assert any("nearly independent" in d for d in fit.diagnostics)
    assert "run_min slope" not in " ".join(fit.random_effects_sd)
    assert fit.share_positive_slope is None


def test_autocorrelated_frequency_gets_the_wider_robust_interval() -> None:
    # strongly autocorrelated residuals shrink the mixed model's own interval for the
    # slowly changing 7-day frequency; the reported interval is the cluster-robust one
    sim = simulate_panel(30, 42, ar1=0.7, seed=12)
    fit = fit_mood_model(sim.panel, outcome="mood", random_slopes=False)
    assert "cluster-robust by participant" in fit.method
    assert fit.model_based is not None
    own = fit.model_based.set_index(["term", "part"]).loc[("runs_7d", "within")]
    reported = fit.effect("runs_7d")
    assert reported["se"] > ROBUST_SE_RATIO_WARN * own["se"]
    assert reported["ci_high"] - reported["ci_low"] > own["ci_high"] - own["ci_low"]


def test_lag1_autocorrelation_over_consecutive_days() -> None:
    rng = np.random.default_rng(0)
    e = np.zeros(2000)
    for t in range(1, 2000):
        e[t] = 0.5 * e[t - 1] + rng.standard_normal()
    groups = np.repeat(["a", "b"], 1000)
    day = np.tile(np.arange(1000.0), 2)
    assert lag1_autocorrelation(e, groups, day) == pytest.approx(0.5, abs=0.06)
    # a gap breaks the pairs: only consecutive days count
    assert np.isnan(lag1_autocorrelation(e[:6], groups[:6], np.arange(0.0, 12, 2)))

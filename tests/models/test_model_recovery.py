"""The mixed model recovers simulated effects; the naive pooled regression does not."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from runwell.models import fit_mood_model, fit_naive_pooled
from runwell.simulate import simulate_panel

# Monte Carlo design: R replicates of 30 participants x 42 days with strong person-level
# confounding. Across replicates the within-person estimates scatter with SD about 0.047
# (duration, per 30 min) and 0.027 (frequency, per run a week) (benchmarks/model_recovery.py,
# 200 replicates: bias -0.002 and +0.0006, i.e. under 1 Monte Carlo error),
# so the Monte Carlo error of their mean is SD / sqrt(R). An unbiased estimator lies
# within 4 Monte Carlo errors of the truth (4 rather than 3 because SD is itself
# estimated from only R values; the seeds are fixed, so the test is deterministic).
# The naive pooled regression, whose bias is several times larger, must lie outside.
REPLICATES = 8
TOLERANCE_MC_ERRORS = 4.0


@pytest.fixture(scope="module")
def replicates() -> pd.DataFrame:
    rows = []
    for seed in range(REPLICATES):
        sim = simulate_panel(30, 42, between_confounding=2.0, seed=100 + seed)
        fit = fit_mood_model(sim.panel, outcome="mood")
        naive = fit_naive_pooled(sim.panel, outcome="mood")
        rows.append(
            {
                "duration": fit.effect("run_min", "within")["estimate"],
                "duration_se": fit.effect("run_min", "within")["se"],
                "frequency": fit.effect("runs_7d", "within")["estimate"],
                "duration_between": fit.effect("run_min", "between")["estimate"],
                "slope_sd": fit.random_effects_sd["run_min slope (per 30 min)"],
                "naive_duration": naive.loc["run_min", "estimate"],
                "naive_frequency": naive.loc["runs_7d", "estimate"],
                "truth_duration": sim.truth.beta_duration_within,
                "truth_frequency": sim.truth.beta_frequency_within,
                "truth_between": sim.truth.beta_duration_between,
                "truth_slope_sd": sim.truth.slope_sd,
            }
        )
    return pd.DataFrame(rows)


def _bias_in_mc_errors(estimates: pd.Series, truth: float) -> float:
    mc_error = estimates.std(ddof=1) / math.sqrt(len(estimates))
    return float((estimates.mean() - truth) / mc_error)


@pytest.mark.parametrize(
    ("column", "truth"),
    [
        ("duration", "truth_duration"),
        ("frequency", "truth_frequency"),
        ("duration_between", "truth_between"),
        ("slope_sd", "truth_slope_sd"),
    ],
)
def test_mixed_model_recovers_known_effects(replicates: pd.DataFrame, column: str, truth: str) -> None:
    z = _bias_in_mc_errors(replicates[column], replicates[truth].iloc[0])
    assert abs(z) < TOLERANCE_MC_ERRORS, f"{column}: bias of {z:.1f} Monte Carlo errors"


@pytest.mark.parametrize(
    ("column", "truth"),
    [("naive_duration", "truth_duration"), ("naive_frequency", "truth_frequency")],
)
def test_naive_pooled_regression_is_confounded(replicates: pd.DataFrame, column: str, truth: str) -> None:
    z = _bias_in_mc_errors(replicates[column], replicates[truth].iloc[0])
    assert z > TOLERANCE_MC_ERRORS, f"{column}: bias of only {z:.1f} Monte Carlo errors"
    # and the naive bias is much larger than the mixed model's
    mixed = replicates[column.removeprefix("naive_")].mean() - replicates[truth].iloc[0]
    naive = replicates[column].mean() - replicates[truth].iloc[0]
    assert abs(naive) > 3 * abs(mixed)


def test_reported_se_matches_the_spread(replicates: pd.DataFrame) -> None:
    # with 8 replicates the SD is known to within about +-30%; a factor 2 either way
    # would mean the intervals are badly calibrated (the benchmark checks coverage)
    ratio = replicates["duration_se"].mean() / replicates["duration"].std(ddof=1)
    assert 0.5 < ratio < 2.0

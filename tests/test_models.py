"""Mixed models of mood on run duration and frequency (runwell.models)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from statsmodels.regression.mixed_linear_model import MixedLM

import runwell
from runwell import models
from runwell.errors import InputError, InsufficientDataError
from runwell.models import MoodModelResult, fit_acute_model, fit_mood_model, fit_naive_pooled
from runwell.models.diagnostics import lag1_autocorrelation
from runwell.models.mixed import Attempt, two_agree, zeroed_person_terms
from runwell.models.robust import fit_ar1
from runwell.simulate import SimulatedPanel, simulate_panel

EFFECT_COLUMNS = [
    "term",
    "part",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "p_value",
    "unit",
    "reading",
]


@pytest.fixture(scope="module")
def sim() -> SimulatedPanel:
    return simulate_panel(30, 42, seed=21)


@pytest.fixture(scope="module")
def result(sim: SimulatedPanel) -> MoodModelResult:
    return fit_mood_model(sim.panel, outcome="mood")


# --------------------------------------------------------------------------- recovery

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
def test_mixed_model_recovers_known_effects(
    replicates: pd.DataFrame, column: str, truth: str
) -> None:
    z = _bias_in_mc_errors(replicates[column], replicates[truth].iloc[0])
    assert abs(z) < TOLERANCE_MC_ERRORS, f"{column}: bias of {z:.1f} Monte Carlo errors"


@pytest.mark.parametrize(
    ("column", "truth"),
    [("naive_duration", "truth_duration"), ("naive_frequency", "truth_frequency")],
)
def test_naive_pooled_regression_is_confounded(
    replicates: pd.DataFrame, column: str, truth: str
) -> None:
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


# --------------------------------------------------------------------------- result shape


def test_effects_table_in_natural_units(result: MoodModelResult) -> None:
    effects = result.effects
    assert list(effects.columns) == EFFECT_COLUMNS
    assert set(zip(effects["term"], effects["part"], strict=True)) == {
        ("run_min", "within"),
        ("run_min", "between"),
        ("runs_7d", "within"),
        ("runs_7d", "between"),
    }
    assert result.effect("run_min")["unit"] == "per 30 min"
    assert result.effect("runs_7d")["unit"] == "per extra run a week"
    assert (effects["ci_low"] < effects["estimate"]).all() and (
        effects["estimate"] < effects["ci_high"]
    ).all()
    assert ((effects["p_value"] >= 0) & (effects["p_value"] <= 1)).all()


def test_result_reports_sample_formula_and_random_effects(
    result: MoodModelResult, sim: SimulatedPanel
) -> None:
    assert result.n_participants == 30
    assert result.n_days == int(sim.panel["mood"].notna().sum())
    assert result.formula.startswith("mood ~ run_min_within + run_min_between")
    assert "(1 + run_min_within | participant_id)" in result.formula
    assert "C(weekday)" in result.formula and "study_day" in result.formula
    assert set(result.random_effects_sd) == {"intercept", "run_min slope (per 30 min)", "residual"}
    assert 0 <= result.share_positive_slope <= 1
    assert 0 <= result.share_positive_slope_model <= 1
    assert len(result.person_slopes) == 30
    assert (
        "MixedLM" in result.method
        and result.optimizer in models.OPTIMIZERS + models.FALLBACK_OPTIMIZERS
    )
    assert result.converged
    assert result.sm_result is not None and hasattr(result.sm_result, "cov_re")
    assert result.attempts["valid"].any()
    assert "Linear mixed model" in result.summary()


def test_readings_are_associations_not_causes(result: MoodModelResult) -> None:
    within = result.effect("run_min", "within")["reading"]
    assert within.startswith(
        "On days when people ran 30 minutes more than usual, mood was on average"
    )
    assert "95% CI" in within and "association" in within
    between = result.effect("run_min", "between")["reading"]
    assert between.startswith(
        "Between people, 30 more minutes of running a day on average went with mood"
    )
    assert "other differences between them" in between or "not clearly different" in between
    for reading in result.readings:
        assert "running causes" not in reading.lower() and "causes" not in reading.lower()


def test_robust_check_and_autocorrelation(result: MoodModelResult) -> None:
    robust = result.robust
    assert robust is not None and set(robust["part"]) == {"within"}
    assert robust["method"].iloc[0].startswith("person fixed effects, cluster-robust")
    # the simulator's residuals have AR(1) coefficient 0.3
    assert 0.15 < result.residual_autocorrelation < 0.45
    assert any("lag-1 r" in d and "robust check" in d for d in result.diagnostics)


def test_autocorrelation_small_without_ar1() -> None:
    sim = simulate_panel(20, 40, ar1=0.0, seed=5)
    fit = fit_mood_model(sim.panel, outcome="mood", random_slopes=False)
    assert abs(fit.residual_autocorrelation) < 0.1
    assert any("nearly independent" in d for d in fit.diagnostics)
    assert "run_min slope" not in " ".join(fit.random_effects_sd)
    assert fit.share_positive_slope is None


def test_units_are_natural_whatever_the_scale(sim: SimulatedPanel, result: MoodModelResult) -> None:
    # the same runs recorded in half-minutes: per-30-min estimates must halve exactly
    doubled = sim.panel.copy()
    for col in ("run_min", "run_min_within", "run_min_between"):
        doubled[col] = doubled[col] * 2
    fit = fit_mood_model(doubled, outcome="mood")
    assert fit.effect("run_min")["estimate"] == pytest.approx(
        result.effect("run_min")["estimate"] / 2, rel=1e-3
    )


def test_computes_within_between_when_missing(sim: SimulatedPanel, result: MoodModelResult) -> None:
    bare = sim.panel.drop(
        columns=[c for c in sim.panel.columns if c.endswith(("_within", "_between"))]
    )
    fit = fit_mood_model(bare, outcome="mood")
    pd.testing.assert_frame_equal(fit.effects, result.effects, rtol=1e-4)


def test_default_outcome_is_mood_change(sim: SimulatedPanel) -> None:
    fit = fit_mood_model(sim.panel)
    assert fit.outcome == "the change in mood from the day before"
    assert fit.n_days == int(sim.panel["mood_change"].notna().sum())
    # mood_change is computed from mood (consecutive days only) when the column is absent
    again = fit_mood_model(sim.panel.drop(columns="mood_change"))
    pd.testing.assert_frame_equal(again.effects, fit.effects, rtol=1e-4)
    # today's run enters today's change with the within-person duration effect (the
    # simulated runs are independent from day to day, so yesterday's run does not bias it)
    est = fit.effect("run_min")
    assert est["ci_low"] < sim.truth.beta_duration_within < est["ci_high"]


def test_lagged_model_uses_raw_todays_mood(sim: SimulatedPanel) -> None:
    fit = fit_mood_model(sim.panel, outcome="mood", lagged=True)
    assert fit.outcome == "mood the next day"
    assert "mood_today" in fit.formula and fit.formula.startswith("mood_next_day ~")
    lagged = fit.effect("mood", "lagged")
    assert 0 < lagged["estimate"] < 1
    # only pairs of consecutive days with both moods
    panel = sim.panel
    nxt = panel.groupby("participant_id")["mood"].shift(-1)
    assert fit.n_days == int((panel["mood"].notna() & nxt.notna()).sum())


def test_single_participant_is_a_time_series(sim: SimulatedPanel) -> None:
    one = sim.panel[sim.panel["participant_id"] == "sim001"]
    fit = fit_mood_model(one, outcome="mood")
    assert fit.n_participants == 1
    assert "AR(1) errors" in fit.method and "not a mixed model" in fit.method
    assert set(fit.effects["part"]) == {"within"}
    assert fit.random_effects_sd == {} and fit.robust is None and fit.share_positive_slope is None
    assert fit.effect("run_min")["reading"].startswith("On days when this person ran")
    with pytest.raises(KeyError, match="between"):
        fit.effect("run_min", "between")


def test_few_participants_drop_between_terms(sim: SimulatedPanel) -> None:
    three = sim.panel[sim.panel["participant_id"].isin(["sim001", "sim002", "sim003"])]
    fit = fit_mood_model(three, outcome="mood")
    assert set(fit.effects["part"]) == {"within"}
    assert any("between-person terms were left out" in d for d in fit.diagnostics)


def test_small_hard_fit_turns_warnings_into_diagnostics() -> None:
    # tiny and with no real person-to-person variation: MixedLM warns (boundary,
    # Hessian); the suite treats warnings as errors, so none may escape
    sim = simulate_panel(6, 20, slope_sd=0.0, intercept_sd=0.0, between_confounding=0.0, seed=8)
    fit = fit_mood_model(sim.panel, outcome="mood")
    assert all(isinstance(d, str) and d for d in fit.diagnostics)
    assert any("Boundary" in d or "boundary" in d for d in fit.diagnostics)


def test_missing_column_and_too_little_data(sim: SimulatedPanel) -> None:
    with pytest.raises(InputError, match="sleep_quality"):
        fit_mood_model(sim.panel, outcome="sleep_quality")
    tiny = sim.panel[sim.panel["participant_id"] == "sim001"].head(12)
    with pytest.raises(InsufficientDataError, match="more days"):
        fit_mood_model(tiny, outcome="mood")


def test_works_without_frequency_and_with_other_outcomes(sim: SimulatedPanel) -> None:
    fit = fit_mood_model(
        sim.panel, outcome="sleep_next_h", duration="ran", frequency=None, random_slopes=False
    )
    est = fit.effect("ran")
    assert est["unit"] == "run day vs rest day"
    assert est["ci_low"] < sim.truth.sleep_effect < est["ci_high"]
    assert "sleep the following night" in est["reading"] and "hours" in est["reading"]


# --------------------------------------------------------------------------- issue 10239


def test_zeroed_person_terms_are_detected() -> None:
    X = pd.DataFrame(
        {
            "const": 1.0,
            "run_min_between": [1.0, 1.0, 2.0, 2.0],
            "run_min_within": [0.5, -0.5, 1, -1],
        }
    )
    broken = SimpleNamespace(
        fe_params=pd.Series({"const": 0.0, "run_min_between": 0.0, "run_min_within": 0.3})
    )
    assert zeroed_person_terms(broken, X, ["run_min_between"]) == [
        "const",
        "run_min_between",
    ]
    fine = SimpleNamespace(
        fe_params=pd.Series({"const": 5.0, "run_min_between": 0.7, "run_min_within": 0.3})
    )
    assert zeroed_person_terms(fine, X, ["run_min_between"]) == []


def test_fits_showing_issue_10239_are_rejected(
    monkeypatch: pytest.MonkeyPatch, sim: SimulatedPanel
) -> None:
    original = MixedLM.fit

    def buggy_fit(self, *args, **kwargs):  # mimic statsmodels issue 10239 for two optimizers
        res = original(self, *args, **kwargs)
        if kwargs.get("method") in ("bfgs", "lbfgs"):
            fe = res.fe_params.copy()
            fe[["const", "run_min_between", "runs_7d_between"]] = 0.0
            res.fe_params = fe
        return res

    monkeypatch.setattr(MixedLM, "fit", buggy_fit)
    fit = fit_mood_model(sim.panel, outcome="mood")
    assert fit.optimizer in ("cg", "powell", "nm")
    assert fit.effect("run_min", "between")["estimate"] != 0.0
    assert any("10239" in d for d in fit.diagnostics)
    rejected = fit.attempts.set_index("optimizer").loc[["bfgs", "lbfgs"], "valid"]
    assert not rejected.any()


# --------------------------------------------------------------------------- acute model


def test_acute_model_on_the_run_panel(sim: SimulatedPanel) -> None:
    fit = fit_acute_model(sim.run_panel)
    assert fit.unit_of_observation == "runs"
    assert fit.n_days == int(sim.run_panel["mood_change"].notna().sum())
    after = fit.effect("after a run", "acute")
    # ratings come 5 min to 6 h after the run: the mean boost is acute_boost times the
    # mean of 0.5 ** (hours / half-life) over that range
    hours = np.linspace(5 / 60, 6, 2001)
    expected = sim.truth.acute_boost * np.mean(0.5 ** (hours / sim.truth.boost_half_life_h))
    assert after["ci_low"] < expected < after["ci_high"]
    assert after["unit"] == "for a 30 min run"
    assert after["reading"].startswith("Around a 30-minute run, mood afterwards was on average")
    per30 = fit.effect("run_min", "acute")
    assert per30["unit"] == "per 30 min"
    assert per30["ci_low"] < 0 < per30["ci_high"]  # no duration effect was simulated
    assert "(1 | participant_id)" in fit.formula


def test_public_names() -> None:
    for name in (
        "fit_mood_model",
        "fit_acute_model",
        "MoodModelResult",
        "check_claims",
        "simulate_panel",
    ):
        assert name in runwell.__all__ and hasattr(runwell, name)


# --------------------------------------------------------------------------- helpers


def test_autocorrelated_frequency_points_to_the_robust_interval() -> None:
    # strongly autocorrelated residuals shrink the mixed model's interval for the slowly
    # changing 7-day frequency; the diagnostics must say so and give the robust interval
    sim = simulate_panel(30, 42, ar1=0.7, seed=12)
    fit = fit_mood_model(sim.panel, outcome="mood", random_slopes=False)
    note = [d for d in fit.diagnostics if "within-person runs_7d effect" in d]
    assert note and "prefer its wider interval" in note[0]
    robust = fit.robust.set_index("term").loc["runs_7d"]
    assert robust["se"] > models.ROBUST_SE_RATIO_WARN * fit.effect("runs_7d")["se"]


def test_two_optimizers_agreeing_stop_the_search() -> None:
    def attempt(llf: float, notes: list[str] | None = None) -> Attempt:
        return Attempt("x", None, llf, True, True, notes or [])

    assert two_agree([attempt(-10.0), attempt(-10.0001)])
    assert not two_agree([attempt(-10.0), attempt(-10.5)])
    assert not two_agree([attempt(-10.0, ["boundary"]), attempt(-10.0)])


def test_small_helpers() -> None:
    assert models.newey_west_lags(90) == 3 and models.newey_west_lags(5) == 2
    assert models.decimals_for(0.05) == 2 and models.decimals_for(0.004) == 3
    assert models.decimals_for(float("nan")) == 2
    rng = np.random.default_rng(0)
    e = np.zeros(2000)
    for t in range(1, 2000):
        e[t] = 0.5 * e[t - 1] + rng.standard_normal()
    groups = np.repeat(["a", "b"], 1000)
    day = np.tile(np.arange(1000.0), 2)
    assert lag1_autocorrelation(e, groups, day) == pytest.approx(0.5, abs=0.06)
    # a gap breaks the pairs: only consecutive days count
    assert np.isnan(lag1_autocorrelation(e[:6], groups[:6], np.arange(0.0, 12, 2)))


def test_robust_ols_clusters_people_and_uses_hac_for_one() -> None:
    # y = 1 + 0.5 x with a shared shock per person: the slope's interval must cover 0.5
    rng = np.random.default_rng(7)
    groups = np.repeat([f"p{i}" for i in range(40)], 30)
    x = rng.standard_normal(len(groups))
    shock = np.repeat(rng.standard_normal(40), 30)
    y = 1.0 + 0.5 * x + shock + rng.standard_normal(len(groups))
    X = pd.DataFrame({"const": 1.0, "x": x})
    result, n_clusters, lags = models.robust_ols(y, X, groups)
    assert (n_clusters, lags) == (40, None)
    low, high = result.conf_int().loc["x"]
    assert low < 0.5 < high
    one = groups == "p0"
    result, n_clusters, lags = models.robust_ols(y[one], X[one], groups[one])
    assert (n_clusters, lags) == (1, models.newey_west_lags(30))
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

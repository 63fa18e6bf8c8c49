"""The public fits (runwell.models.fit): result shape, outcomes, one person, acute model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import runwell
from runwell.errors import InputError, InsufficientDataError
from runwell.models import FALLBACK_OPTIMIZERS, OPTIMIZERS, MoodModelResult, fit_acute_model, fit_mood_model
from runwell.models.mixed import FAST_ENGINE
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
    "outcome_unit",
    "reading",
]


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
    assert (effects["ci_low"] < effects["estimate"]).all() and (effects["estimate"] < effects["ci_high"]).all()
    assert ((effects["p_value"] >= 0) & (effects["p_value"] <= 1)).all()


def test_result_reports_sample_formula_and_random_effects(result: MoodModelResult, sim: SimulatedPanel) -> None:
    assert result.n_participants == 30
    assert result.n_days == int(sim.panel["mood"].notna().sum())
    assert result.formula.startswith("mood ~ run_min_within + run_min_between")
    assert "(1 + run_min_within | participant_id)" in result.formula
    assert "C(weekday)" in result.formula and "study_day" in result.formula
    assert set(result.random_effects_sd) == {"intercept", "run_min slope (per 30 min)", "residual"}
    assert result.share_positive_slope is not None and 0 <= result.share_positive_slope <= 1
    low, high = result.share_positive_slope_ci
    assert low <= result.share_positive_slope <= high
    sd_low, sd_high = result.slope_sd_ci
    assert sd_low <= result.random_effects_sd["run_min slope (per 30 min)"] <= sd_high
    slopes = result.person_slopes
    assert slopes is not None and len(slopes) == 30
    assert list(slopes.columns) == ["participant_id", "slope", "se", "lower", "upper"]
    assert ((slopes["lower"] < slopes["slope"]) & (slopes["slope"] < slopes["upper"])).all()
    assert "mixed model" in result.method.lower()
    assert result.optimizer in (*OPTIMIZERS, *FALLBACK_OPTIMIZERS, FAST_ENGINE)
    assert result.converged
    assert result.sm_result is not None and hasattr(result.sm_result, "cov_re")
    assert result.attempts["valid"].any()
    assert "Linear mixed model" in result.summary()


def test_units_are_natural_whatever_the_scale(sim: SimulatedPanel, result: MoodModelResult) -> None:
    # the same runs recorded in half-minutes: per-30-min estimates must halve exactly
    doubled = sim.panel.copy()
    for col in ("run_min", "run_min_within", "run_min_between"):
        doubled[col] = doubled[col] * 2
    fit = fit_mood_model(doubled, outcome="mood")
    assert fit.effect("run_min")["estimate"] == pytest.approx(result.effect("run_min")["estimate"] / 2, rel=1e-3)


def test_default_outcome_is_the_days_mood(sim: SimulatedPanel, result: MoodModelResult) -> None:
    fit = fit_mood_model(sim.panel, slope_interval=False)
    assert fit.outcome == "mood"
    assert fit.formula.startswith("mood ~ run_min_within")
    pd.testing.assert_frame_equal(fit.effects, result.effects)
    assert fit.n_days == int(sim.panel["mood"].notna().sum())


def test_change_model_adjusts_for_the_previous_days_mood(sim: SimulatedPanel) -> None:
    fit = fit_mood_model(sim.panel, outcome="mood_change", slope_interval=False)
    assert fit.outcome == "the change in mood from the day before"
    assert "mood_yesterday" in fit.formula
    previous = fit.effect("mood", "previous day")
    assert -1 < previous["estimate"] < 0  # change regresses towards the person's level
    assert previous["unit"] == "per point of the previous day's mood"
    # only consecutive days with both moods; mood_change is computed from mood
    assert fit.n_days == int(sim.panel["mood_change"].notna().sum())
    again = fit_mood_model(sim.panel.drop(columns="mood_change"), outcome="mood_change", slope_interval=False)
    pd.testing.assert_frame_equal(again.effects, fit.effects, rtol=1e-4)
    # a different, conditional question, but the frequency effect keeps its sign (a change
    # regressed on levels alone got it wrong: yesterday's run is inside runs_7d)
    assert fit.effect("runs_7d")["ci_low"] > 0


def test_every_estimate_names_its_scale(sim: SimulatedPanel, result: MoodModelResult) -> None:
    assert set(result.effects["outcome_unit"]) == {"points on the 0-10 scale"}
    assert result.outcome_unit == "points on the 0-10 scale"
    assert all("points higher on the 0-10 scale" in r or "points lower on the 0-10 scale" in r for r in result.readings)
    assert "in points on the 0-10 scale" in result.summary()
    rescaled = sim.panel.copy()
    rescaled.attrs = {"value": "value_01"}
    fit = fit_mood_model(rescaled, slope_interval=False, check_missing=False)
    assert set(fit.effects["outcome_unit"]) == {"points on the rescaled 0-1 scale"}
    own = fit_mood_model(sim.panel, scale="points on your Daylio 1-5 scale", slope_interval=False, check_missing=False)
    assert "on your Daylio 1-5 scale" in own.effect("run_min")["reading"]
    bare = sim.panel.copy()
    bare.attrs = {}
    assert "ratings' own scale" in fit_mood_model(bare, slope_interval=False, check_missing=False).outcome_unit


def test_run_day_term_sits_beside_duration(sim: SimulatedPanel) -> None:
    fit = fit_mood_model(sim.panel, run_day=True, slope_interval=False, check_missing=False)
    assert {("ran", "within"), ("run_min", "within")} <= set(zip(fit.effects["term"], fit.effects["part"], strict=True))
    assert fit.effect("ran")["unit"] == "run day vs rest day"


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
    yours = fit_mood_model(one, outcome="mood", subject="you")
    assert yours.effect("run_min")["reading"].startswith("On days when you ran")
    with pytest.raises(KeyError, match="between"):
        fit.effect("run_min", "between")


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
    fit = fit_mood_model(sim.panel, outcome="sleep_next_h", duration="ran", frequency=None, random_slopes=False)
    est = fit.effect("ran")
    assert est["unit"] == "run day vs rest day"
    assert est["ci_low"] < sim.truth.sleep_effect < est["ci_high"]
    assert "sleep the following night" in est["reading"] and "hours" in est["reading"]


def test_acute_model_on_the_run_panel(sim: SimulatedPanel) -> None:
    fit = fit_acute_model(sim.run_panel, panel=sim.panel)
    assert fit.unit_of_observation == "runs"
    assert "runs_7d_within" in fit.formula and "cluster-robust" in fit.method
    assert set(fit.effects["outcome_unit"]) == {"points on the 0-10 scale"}
    assert fit.n_days == int(sim.run_panel["mood_change"].notna().sum())  # every run's week is known
    after = fit.effect("after a run", "acute")
    # ratings come 5 min to 6 h after the run: the mean boost is acute_boost times the
    # mean of 0.5 ** (hours / half-life) over that range
    hours = np.linspace(5 / 60, 6, 2001)
    expected = sim.truth.acute_boost * np.mean(0.5 ** (hours / sim.truth.boost_half_life_h))
    assert after["ci_low"] < expected < after["ci_high"]
    assert after["unit"] == "for a 30 min run"
    assert after["reading"].startswith("Around a 30-minute run, mood afterwards was on average")
    assert "on the 0-10 scale than before" in after["reading"]
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

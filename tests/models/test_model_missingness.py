"""Does rating compliance depend on running or mood? (runwell.models.missingness)."""

from __future__ import annotations

import numpy as np

from runwell.models import MoodModelResult, fit_mood_model, rating_compliance
from runwell.simulate import SimulatedPanel, simulate_panel


def _missing_when_low(sim: SimulatedPanel, seed: int) -> SimulatedPanel:
    """Drop ratings more often on low days (missing not at random)."""
    panel = sim.panel.copy()
    dev = panel["mood"] - panel.groupby("participant_id")["mood"].transform("mean")
    rng = np.random.default_rng(seed)
    drop = rng.random(len(panel)) < 1 / (1 + np.exp(1.0 + 2.5 * dev))
    panel.loc[drop, "mood"] = np.nan
    panel.attrs = sim.panel.attrs
    return SimulatedPanel(panel, sim.run_panel, sim.truth)


def test_ratings_missing_at_random_raise_no_alarm(result: MoodModelResult) -> None:
    check = result.missingness
    assert check is not None and 0.85 < check.share_rated < 0.95
    assert list(check.compliance.index) == ["run day", "previous day's mood"]
    assert check.sensitivity is None or check.depends
    assert any("of the days with data have a mood rating" in d for d in result.diagnostics)


def test_ratings_missing_when_low_are_reported_with_a_bound() -> None:
    sim = _missing_when_low(simulate_panel(30, 90, seed=44), seed=1)
    check = rating_compliance(sim.panel)
    assert check.depends
    assert check.compliance.loc["previous day's mood", "estimate"] > 0  # low days go unrated
    fit = fit_mood_model(sim.panel, slope_interval=False)
    assert fit.missingness is not None
    sens = fit.missingness.sensitivity
    assert sens is not None and set(sens["term"]) == {"run_min", "runs_7d"}
    assert np.allclose(sens["bound"], sens["estimate"] + sens["shift"])
    assert any(d.startswith("Sensitivity: if the unrated days") for d in fit.diagnostics)

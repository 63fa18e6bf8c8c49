"""The simulator of panels with a known truth (runwell.simulate)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from runwell.simulate import SimulatedPanel, SimulationTruth, simulate_panel
from runwell.tables import DAILY_PANEL, RUN_PANEL


@pytest.fixture(scope="module")
def sim() -> SimulatedPanel:
    return simulate_panel(6, 35, seed=11)


def test_shape_and_schema(sim: SimulatedPanel) -> None:
    panel = sim.panel
    assert len(panel) == 6 * 35
    assert list(panel.columns[: len(DAILY_PANEL)]) == list(DAILY_PANEL)
    for column, dtype in DAILY_PANEL.items():
        assert str(panel[column].dtype) == str(pd.Series([], dtype=dtype).dtype), column
    assert {"energy", "stress", "anxiety"} <= set(panel.columns)
    assert list(sim.run_panel.columns[: len(RUN_PANEL)]) == list(RUN_PANEL)


def test_one_row_per_participant_day(sim: SimulatedPanel) -> None:
    panel = sim.panel
    assert not panel.duplicated(["participant_id", "date"]).any()
    per_person = panel.groupby("participant_id")["study_day"].agg(["min", "max", "size"])
    assert (per_person["min"] == 0).all() and (per_person["max"] == 34).all()
    assert (panel["weekday"] == panel["date"].dt.day_of_week).all()


def test_reproducible_with_seed() -> None:
    a = simulate_panel(3, 20, seed=5)
    b = simulate_panel(3, 20, seed=5)
    c = simulate_panel(3, 20, seed=6)
    pd.testing.assert_frame_equal(a.panel, b.panel)
    assert not a.panel["mood"].equals(c.panel["mood"])


def test_within_and_between_add_back(sim: SimulatedPanel) -> None:
    panel = sim.panel
    for var in ("run_min", "runs_7d", "run_km", "ran"):
        total = panel[f"{var}_within"] + panel[f"{var}_between"]
        np.testing.assert_allclose(total, panel[var].astype(float))
        means = panel.groupby("participant_id")[f"{var}_within"].mean()
        np.testing.assert_allclose(means, 0, atol=1e-9)


def test_run_columns_are_consistent(sim: SimulatedPanel) -> None:
    panel = sim.panel
    ran = panel["ran"].astype(bool)
    assert (panel.loc[~ran, "run_min"] == 0).all() and (panel.loc[ran, "run_min"] > 0).all()
    np.testing.assert_allclose(panel["run_min_outdoor"] + panel["run_min_indoor"], panel["run_min"])
    assert (panel.loc[ran, "days_since_run"] == 0).all()
    # runs_7d counts the 7 previous days (the burn-in supplies the first week)
    for _, person in panel.groupby("participant_id"):
        prev = person["ran"].astype(float).shift(1).rolling(7).sum()
        ok = person["study_day"] >= 7
        np.testing.assert_allclose(person.loc[ok, "runs_7d"].astype(float), prev[ok])


def test_mood_change_and_missingness() -> None:
    sim = simulate_panel(20, 50, missing_rate=0.3, seed=2)
    panel = sim.panel
    assert 0.25 < panel["mood"].isna().mean() < 0.35
    expected = panel["mood"] - panel.groupby("participant_id")["mood"].shift(1)
    np.testing.assert_allclose(panel["mood_change"], expected)
    runs = sim.run_panel
    np.testing.assert_allclose(runs["mood_change"], runs["mood_post"] - runs["mood_pre"])
    assert len(runs) == int(panel["ran"].sum())


def test_truth_describes_the_draw() -> None:
    sim = simulate_panel(50, 10, beta_duration_within=0.2, slope_sd=0.1, between_confounding=0.5, seed=3)
    truth = sim.truth
    assert isinstance(truth, SimulationTruth)
    assert truth.beta_duration_between == pytest.approx(0.7)
    assert truth.beta_frequency_between == truth.beta_frequency_within
    assert len(truth.person) == 50
    assert truth.share_positive_slope == pytest.approx((truth.person["duration_slope"] > 0).mean())
    assert truth.person["duration_slope"].std() == pytest.approx(0.1, rel=0.3)


def test_ar1_residuals_are_autocorrelated() -> None:
    sim = simulate_panel(
        30,
        60,
        ar1=0.6,
        beta_duration_within=0.0,
        beta_frequency_within=0.0,
        missing_rate=0.0,
        seed=4,
    )
    dev = sim.panel["mood_dev"]
    lag = dev.groupby(sim.panel["participant_id"]).shift(1)
    assert dev.corr(lag) == pytest.approx(0.6, abs=0.1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_participants": 0}, "n_participants"),
        ({"n_days": 1}, "n_days"),
        ({"ar1": 1.0}, "ar1"),
        ({"missing_rate": 1.0}, "missing_rate"),
    ],
)
def test_rejects_bad_arguments(kwargs: dict, message: str) -> None:
    args = {"n_participants": 2, "n_days": 10} | kwargs
    with pytest.raises(ValueError, match=message):
        simulate_panel(**args)

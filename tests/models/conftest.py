"""Shared fixtures of the model tests: one simulated cohort and its mixed-model fit."""

from __future__ import annotations

import pytest

from runwell.models import MoodModelResult, fit_mood_model
from runwell.simulate import SimulatedPanel, simulate_panel


@pytest.fixture(scope="session")
def sim() -> SimulatedPanel:
    return simulate_panel(30, 42, seed=21)


@pytest.fixture(scope="session")
def result(sim: SimulatedPanel) -> MoodModelResult:
    return fit_mood_model(sim.panel, outcome="mood")

"""Design of the daily model (runwell.models.design): within/between parts and between terms."""

from __future__ import annotations

import pandas as pd

from runwell.models import MoodModelResult, fit_mood_model
from runwell.simulate import SimulatedPanel


def test_computes_within_between_when_missing(sim: SimulatedPanel, result: MoodModelResult) -> None:
    bare = sim.panel.drop(columns=[c for c in sim.panel.columns if c.endswith(("_within", "_between"))])
    fit = fit_mood_model(bare, outcome="mood")
    pd.testing.assert_frame_equal(fit.effects, result.effects, rtol=1e-4)


def test_few_participants_drop_between_terms(sim: SimulatedPanel) -> None:
    three = sim.panel[sim.panel["participant_id"].isin(["sim001", "sim002", "sim003"])]
    fit = fit_mood_model(three, outcome="mood")
    assert set(fit.effects["part"]) == {"within"}
    assert any("between-person terms were left out" in d for d in fit.diagnostics)

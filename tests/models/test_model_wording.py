"""Readings and decimals (runwell.models.wording)."""

from __future__ import annotations

from runwell.models import MoodModelResult, decimals_for


def test_decimals_for() -> None:
    assert decimals_for(0.05) == 2 and decimals_for(0.004) == 3
    assert decimals_for(float("nan")) == 2


def test_readings_are_associations_not_causes(result: MoodModelResult) -> None:
    within = result.effect("run_min", "within")["reading"]
    assert within.startswith("On days when people ran 30 minutes more than usual, mood was on average")
    assert "95% CI" in within and "association" in within
    between = result.effect("run_min", "between")["reading"]
    assert between.startswith("Between people, 30 more minutes of running a day on average went with mood")
    assert "other differences between them" in between or "not clearly different" in between
    for reading in result.readings:
        assert "running causes" not in reading.lower() and "causes" not in reading.lower()

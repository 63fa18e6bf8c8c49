"""The sport vocabulary across sources."""

from __future__ import annotations

import pytest

from runwell.activities.sports import normalise_sport
from runwell.tables import SPORTS


@pytest.mark.parametrize(
    ("sport", "sub", "expected"),
    [
        ("running", "generic", ("running", False)),
        ("running", "trail", ("trail_running", False)),
        ("running", "treadmill", ("treadmill_running", True)),
        ("running", "indoor_running", ("treadmill_running", True)),
        ("running", "virtual_activity", ("treadmill_running", True)),
        ("cycling", "virtual_activity", ("cycling", True)),
        ("cycling", "indoor_cycling", ("cycling", True)),
        ("swimming", "lap_swimming", ("swimming", True)),
        ("fitness_equipment", "indoor_rowing", ("other", True)),
        ("transition", None, ("other", False)),
        ("Running", None, ("running", False)),  # TCX
        ("Biking", None, ("cycling", False)),
        ("9", None, ("running", False)),  # Strava GPX
        ("1", None, ("cycling", False)),
        ("10", None, ("walking", False)),
        ("Trail Run", None, ("trail_running", False)),  # Strava CSV
        ("Virtual Run", None, ("treadmill_running", True)),
        ("Lauf", None, ("running", False)),
        ("Wanderung", None, ("hiking", False)),
        ("TrailRun", None, ("trail_running", False)),
        ("HKWorkoutActivityTypeRunning", None, ("running", False)),
        ("HKWorkoutActivityTypeWalking", None, ("walking", False)),
        ("HKWorkoutActivityTypeYoga", None, ("other", False)),
        ("Weight Training", None, ("other", False)),
        ("", None, ("other", False)),
        (None, None, ("other", False)),
    ],
)
def test_normalise_sport(sport, sub, expected):
    norm, _sub, indoor = normalise_sport(sport, sub)
    assert (norm, indoor) == expected
    assert norm in SPORTS

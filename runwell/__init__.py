"""runwell: does running help this person's mood and sleep, and by how much?

Readers turn activity files and mood/sleep logs into canonical tables
(:mod:`runwell.tables`); the panel joins them per person and day; the models estimate
within- and between-person effects of run duration and frequency.

The public API is the names in ``__all__``.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from runwell.activities import ActivityLoad, load_activities, read_activity, read_streams
from runwell.claims import check_claims
from runwell.errors import (
    InputError,
    InsufficientDataError,
    NotAnActivityError,
    RunwellError,
    UnsupportedFormatError,
)
from runwell.logs import MoodResult, SleepResult, read_mood, read_sleep
from runwell.models import MoodModelResult, fit_acute_model, fit_mood_model
from runwell.panel import build_daily_panel, build_run_panel, compliance
from runwell.simulate import SimulatedPanel, SimulationTruth, simulate_panel
from runwell.tables import SCHEMAS, conform, empty_table

try:
    __version__ = version("runwell")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = [
    "__version__",
    # errors
    "RunwellError",
    "UnsupportedFormatError",
    "InputError",
    "NotAnActivityError",
    "InsufficientDataError",
    # activities
    "read_activity",
    "read_streams",
    "load_activities",
    "ActivityLoad",
    # mood and sleep logs
    "read_mood",
    "read_sleep",
    "MoodResult",
    "SleepResult",
    # canonical tables
    "SCHEMAS",
    "conform",
    "empty_table",
    # panel
    "build_daily_panel",
    "build_run_panel",
    "compliance",
    # models and claims
    "fit_mood_model",
    "fit_acute_model",
    "MoodModelResult",
    "check_claims",
    "simulate_panel",
    "SimulatedPanel",
    "SimulationTruth",
]

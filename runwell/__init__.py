"""runwell: does running help this person's mood and sleep, and by how much?

Readers turn activity files and mood/sleep logs into canonical tables
(:mod:`runwell.tables`); the panel joins them per person and day; the models estimate
within- and between-person effects of run duration and frequency. ARCHITECTURE.md beside
the package says which module does what.

The public API is the names in ``__all__``. They are imported on first use (PEP 562), so
``import runwell`` to read files does not import statsmodels or the plotting stack.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from runwell._version import __version__
from runwell.errors import (
    InputError,
    InsufficientDataError,
    NotAnActivityError,
    RunwellError,
    UnsupportedFormatError,
)

#: Public name -> the module that defines it.
_LAZY: dict[str, str] = {
    # activities
    "read_activity": "runwell.activities",
    "read_streams": "runwell.activities",
    "load_activities": "runwell.activities",
    "ActivityLoad": "runwell.activities",
    # mood and sleep logs
    "read_mood": "runwell.logs",
    "read_sleep": "runwell.logs",
    "MoodResult": "runwell.logs",
    "SleepResult": "runwell.logs",
    # canonical tables and the load report
    "SCHEMAS": "runwell.tables",
    "RUNNING_SPORTS": "runwell.tables",
    "conform": "runwell.tables",
    "empty_table": "runwell.tables",
    "LoadResult": "runwell.loadreport",
    # a person's or a study's inputs
    "load_person": "runwell.study",
    "load_study": "runwell.study",
    "Inputs": "runwell.inputs",
    # panel
    "build_daily_panel": "runwell.panel",
    "build_run_panel": "runwell.panel",
    "compliance": "runwell.panel",
    # models, claims, simulation
    "fit_mood_model": "runwell.models",
    "fit_acute_model": "runwell.models",
    "MoodModelResult": "runwell.models",
    "check_claims": "runwell.claims",
    "simulate_panel": "runwell.simulate",
    "SimulatedPanel": "runwell.simulate",
    "SimulationTruth": "runwell.simulate",
}

__all__ = [
    "__version__",
    "RunwellError",
    "UnsupportedFormatError",
    "InputError",
    "NotAnActivityError",
    "InsufficientDataError",
    "read_activity",
    "read_streams",
    "load_activities",
    "ActivityLoad",
    "read_mood",
    "read_sleep",
    "MoodResult",
    "SleepResult",
    "SCHEMAS",
    "RUNNING_SPORTS",
    "conform",
    "empty_table",
    "LoadResult",
    "load_person",
    "load_study",
    "Inputs",
    "build_daily_panel",
    "build_run_panel",
    "compliance",
    "fit_mood_model",
    "fit_acute_model",
    "MoodModelResult",
    "check_claims",
    "simulate_panel",
    "SimulatedPanel",
    "SimulationTruth",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'runwell' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from runwell.activities import ActivityLoad, load_activities, read_activity, read_streams
    from runwell.claims import check_claims
    from runwell.inputs import Inputs
    from runwell.loadreport import LoadResult
    from runwell.logs import MoodResult, SleepResult, read_mood, read_sleep
    from runwell.models import MoodModelResult, fit_acute_model, fit_mood_model
    from runwell.panel import build_daily_panel, build_run_panel, compliance
    from runwell.simulate import SimulatedPanel, SimulationTruth, simulate_panel
    from runwell.study import load_person, load_study
    from runwell.tables import RUNNING_SPORTS, SCHEMAS, conform, empty_table

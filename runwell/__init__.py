"""runwell: does running help this person's mood and sleep, and by how much?

Readers turn activity files and mood/sleep logs into canonical tables
(:mod:`runwell.tables`); the panel joins them per person and day; the models estimate
within- and between-person effects of run duration and frequency.

The public API is the names in ``__all__``.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from runwell.errors import (
    InputError,
    InsufficientDataError,
    NotAnActivityError,
    RunwellError,
    UnsupportedFormatError,
)
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
    # canonical tables
    "SCHEMAS",
    "conform",
    "empty_table",
]

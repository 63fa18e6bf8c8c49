"""Mood and sleep log readers: the formats people really have, into canonical tables.

:func:`read_mood` and :func:`read_sleep` recognise a log's format from its content
(``format="auto"``) and return a result holding the canonical table
(:data:`runwell.tables.MOOD` / :data:`runwell.tables.SLEEP`), the load report, the
format picked and reconciled row counts. One module per app format; the shared time,
scale and bookkeeping rules are in :mod:`runwell.logs.common`.
"""

from __future__ import annotations

from runwell.logs.common import MoodResult, SleepResult, normalise_item
from runwell.logs.dispatch import MOOD_FORMATS, SLEEP_FORMATS, detect_format, read_mood, read_sleep

__all__ = [
    "read_mood",
    "read_sleep",
    "detect_format",
    "MoodResult",
    "SleepResult",
    "MOOD_FORMATS",
    "SLEEP_FORMATS",
    "normalise_item",
]

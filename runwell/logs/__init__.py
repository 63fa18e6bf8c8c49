"""Mood and sleep log readers: the formats people really have, into canonical tables.

:func:`read_mood` and :func:`read_sleep` recognise a log's format from its content
(``format="auto"``) and return a :class:`MoodResult` or :class:`SleepResult`: the
canonical table (:data:`runwell.tables.MOOD` / :data:`runwell.tables.SLEEP`), the load
report, the format picked and reconciled row counts (``.reconciles``, ``.summary()``).

Each app's reader can also be called directly (same keywords: ``participant_id``,
``tz``, ``strict`` and the format's own options):

==============================  ============================================================
mood
==============================  ============================================================
:func:`read_daylio`             Daylio CSV export
:func:`read_bearable`           Bearable CSV export
:func:`read_mpath`              m-Path EMA ``basic.csv``
:func:`read_apple_health_mood`  Apple Health ``export.xml``/``export.zip`` (State of Mind)
:func:`read_generic_mood`       any CSV/parquet table with a column mapping
==============================  ============================================================

==============================  ============================================================
sleep
==============================  ============================================================
:func:`read_sleep_as_android`   Sleep as Android ``sleep-export.csv`` or backup zip
:func:`read_plees`              Plees Tracker CSV
:func:`read_oura`               Oura CSV export
:func:`read_fitbit`             Fitbit ``sleep-YYYY-MM-DD.json``
:func:`read_garmin`             Garmin Connect ``*_sleepData.json``
:func:`read_apple_health_sleep` Apple Health ``export.xml``/``export.zip`` (SleepAnalysis)
:func:`read_generic_sleep`      any CSV/parquet table with sleep start/end columns
==============================  ============================================================

The formats are declared on :data:`runwell.registry.REGISTRY` (kinds ``"mood"`` and
``"sleep"``); :data:`MOOD_FORMATS` and :data:`SLEEP_FORMATS` are views of it.

Layout: one module per app format, and one per shared job --
:mod:`~runwell.logs.rows` (row bookkeeping and the strict policy),
:mod:`~runwell.logs.files` (text, CSV, JSON, tables, zip members),
:mod:`~runwell.logs.values` (numbers, scales, item names),
:mod:`~runwell.logs.instants` (the time policy), :mod:`~runwell.logs.frames` (the
canonical tables), :mod:`~runwell.logs.results` (the result types),
:mod:`~runwell.logs.peek` and :mod:`~runwell.logs.formats` (format detection) and
:mod:`~runwell.logs.dispatch` (``read_mood``/``read_sleep``).
"""

from __future__ import annotations

from runwell.logs.apple_health import read_apple_health_mood, read_apple_health_sleep
from runwell.logs.bearable import read_bearable
from runwell.logs.daylio import read_daylio
from runwell.logs.dispatch import MOOD_FORMATS, SLEEP_FORMATS, detect_format, read_mood, read_sleep
from runwell.logs.fitbit import read_fitbit
from runwell.logs.garmin import read_garmin
from runwell.logs.generic import read_generic_mood, read_generic_sleep
from runwell.logs.mpath import read_mpath
from runwell.logs.oura import read_oura
from runwell.logs.plees import read_plees
from runwell.logs.results import MoodResult, SleepResult
from runwell.logs.sleep_as_android import read_sleep_as_android
from runwell.logs.values import normalise_item

__all__ = [
    "read_mood",
    "read_sleep",
    "detect_format",
    "MoodResult",
    "SleepResult",
    "MOOD_FORMATS",
    "SLEEP_FORMATS",
    "normalise_item",
    # mood readers
    "read_daylio",
    "read_bearable",
    "read_mpath",
    "read_apple_health_mood",
    "read_generic_mood",
    # sleep readers
    "read_sleep_as_android",
    "read_plees",
    "read_oura",
    "read_fitbit",
    "read_garmin",
    "read_apple_health_sleep",
    "read_generic_sleep",
]

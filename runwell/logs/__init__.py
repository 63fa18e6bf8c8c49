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
:func:`read_daylio`             Daylio CSV export (current and pre-2019 layouts)
:func:`read_bearable`           Bearable CSV export
:func:`read_mpath`              m-Path EMA ``basic.csv``
:func:`read_sema3`              SEMA3 survey export (all participants)
:func:`read_mema`               mEMA (ilumivu) flat data file (all participants)
:func:`read_mydatahelps`        MyDataHelps ``HealthKitV2StateOfMind_*`` (State of Mind)
:func:`read_whoop_journal`      Whoop ``journal_entries.csv`` (yes/no answers)
:func:`read_health_auto_export` Health Auto Export JSON (State of Mind)
:func:`read_apple_health_mood`  Apple Health ``export.xml``/``export.zip`` (State of Mind)
:func:`read_generic_mood`       any CSV/parquet table with a column mapping
==============================  ============================================================

==============================  ============================================================
sleep
==============================  ============================================================
:func:`read_sleep_as_android`   Sleep as Android ``sleep-export.csv`` or backup zip
:func:`read_plees`              Plees Tracker CSV
:func:`read_whoop_sleep`        Whoop ``sleeps.csv``
:func:`read_samsung_sleep`      Samsung Health ``com.samsung.shealth.sleep.*.csv``
:func:`read_oura_export`        Oura membership export ``sleepmodel.csv`` (+ ``dailysleep.csv``)
:func:`read_oura`               Oura trends CSV (older export)
:func:`read_polar_sleep`        Polar Flow ``sleep_result_*.json``
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
:mod:`~runwell.logs.dispatch` (``read_mood``/``read_sleep``), :mod:`~runwell.logs.archives`
(a zip of logs read as a folder), :mod:`~runwell.logs.stateofmind` (State of Mind as a
rating). A zip, a folder or a zip inside a folder is read whole: each file by its format.
"""

from __future__ import annotations

from runwell.logs.apple_health import read_apple_health_mood, read_apple_health_sleep
from runwell.logs.bearable import read_bearable
from runwell.logs.daylio import read_daylio
from runwell.logs.dispatch import MOOD_FORMATS, SLEEP_FORMATS, detect_format, read_mood, read_sleep
from runwell.logs.fitbit import read_fitbit
from runwell.logs.garmin import read_garmin
from runwell.logs.generic import read_generic_mood, read_generic_sleep
from runwell.logs.health_auto_export import read_health_auto_export
from runwell.logs.mema import read_mema
from runwell.logs.mpath import read_mpath
from runwell.logs.mydatahelps import read_mydatahelps
from runwell.logs.oura import read_oura
from runwell.logs.oura_export import read_oura_export
from runwell.logs.plees import read_plees
from runwell.logs.polar import read_polar_sleep
from runwell.logs.results import MoodResult, SleepResult
from runwell.logs.samsung import read_samsung_sleep
from runwell.logs.sema3 import read_sema3
from runwell.logs.sleep_as_android import read_sleep_as_android
from runwell.logs.values import normalise_item
from runwell.logs.whoop import read_whoop_journal, read_whoop_sleep

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
    "read_sema3",
    "read_mema",
    "read_mydatahelps",
    "read_whoop_journal",
    "read_health_auto_export",
    "read_apple_health_mood",
    "read_generic_mood",
    # sleep readers
    "read_sleep_as_android",
    "read_plees",
    "read_whoop_sleep",
    "read_samsung_sleep",
    "read_oura_export",
    "read_oura",
    "read_polar_sleep",
    "read_fitbit",
    "read_garmin",
    "read_apple_health_sleep",
    "read_generic_sleep",
]

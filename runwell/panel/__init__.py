"""The analysis panel: runs, mood and sleep joined per person and day, and per run.

Two builders turn the canonical tables of :mod:`runwell.tables` into the tables the
models use:

* :func:`build_daily_panel` -> one row per participant and *local* calendar day, for every
  day of the participant's window, days without a run and days without any data included
  (columns in :mod:`runwell.panel.daily`).
* :func:`build_run_panel` -> one row per run with the nearest rating of each mood item
  before and after it (columns in :mod:`runwell.panel.runs`).

How days and times are cut
--------------------------
* Instants are compared in UTC. Days are cut in the local zone the row was recorded in:
  an activity's day is the calendar day of ``start_local`` (or of ``start_utc`` in ``tz``
  when ``start_local`` is missing), so travel between zones is handled per activity and a
  DST change day is simply a shorter or longer calendar day. A run crossing midnight
  belongs entirely to its start day.
* A mood rating's day is its ``date`` (else the day of ``time_local``, else of ``time_utc``
  in ``tz``). Sleep belongs to the day you woke up (``wake_date``, else the local day of
  ``sleep_end``): ``sleep_prev_h`` is the night you woke from that morning and
  ``sleep_next_h`` the night after the day.
* A participant's window runs from the first to the last observation of any kind (an
  activity of any sport, a rating, a sleep period), or from ``start`` / to ``end`` when given.

Run duration is ``moving_s`` when known, else ``elapsed_s``. A run with an unknown
``indoor`` flag is indoor when its sport is ``treadmill_running`` or its ``sub_sport`` is
one of :data:`INDOOR_SUB_SPORTS`, else outdoor, so ``run_min_outdoor + run_min_indoor ==
run_min``. Mood values are ``value_01`` (0..1, comparable between apps) by default;
``value="value"`` keeps each source's raw scale.

Modules
-------
:mod:`~runwell.panel.inputs`
    Checking and normalising the input tables (local days, run flags, rating values).
:mod:`~runwell.panel.day_tables`
    Each source placed on local days and summed per participant and day.
:mod:`~runwell.panel.windows`
    Each participant's window and the grid of days.
:mod:`~runwell.panel.loads`, :mod:`~runwell.panel.lags`, :mod:`~runwell.panel.split`
    The day's run variables and loads; previous/next-day values; the within/between split.
:mod:`~runwell.panel.compliance`
    Tracking coverage per participant.
:mod:`~runwell.panel.daily`, :mod:`~runwell.panel.runs`
    The two builders.
"""

from runwell.panel.compliance import compliance
from runwell.panel.daily import build_daily_panel
from runwell.panel.inputs import DEFAULT_SPORTS, INDOOR_SUB_SPORTS
from runwell.panel.runs import build_run_panel
from runwell.panel.split import WITHIN_BETWEEN_VARS, person_mean_split

__all__ = [
    "DEFAULT_SPORTS",
    "INDOOR_SUB_SPORTS",
    "build_daily_panel",
    "build_run_panel",
    "compliance",
    "person_mean_split",
    "WITHIN_BETWEEN_VARS",
]

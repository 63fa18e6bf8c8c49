"""Activity files (FIT, GPX, TCX) and the bulk exports that hold them.

Public entry points: :func:`read_activity`, :func:`read_streams`, :func:`load_activities`
(returning an :class:`ActivityLoad`) and :func:`normalise_sport`.

Modules, one job each:

:mod:`.read`
    One file: :func:`read_activity`, :func:`read_streams`, and ``parse_member`` (any
    activity file with its format's reader).
:mod:`.load`
    Many files: :func:`load_activities` and its result :class:`ActivityLoad`.
:mod:`.formats`
    FIT, GPX and TCX registered in :data:`runwell.registry.REGISTRY`: suffixes, readers,
    the "unknown format" message.
:mod:`._sources`
    Finding files: plain, gzipped, in (nested) zips, in folders.
:mod:`.parallel`
    Parsing many files: the cache first, then worker processes.
:mod:`.batch`
    The bookkeeping of one load: rows, the load report (strict policy of
    :mod:`runwell.loadreport`), a status per file.
:mod:`.exports`
    Assembling Strava and Apple Health exports (Garmin Connect needs none).
:mod:`.rows`
    Sessions to rows of the ``activities`` table: ids, placement, the table.
:mod:`.placement`
    Placing sessions in time: UTC start, IANA zone and its source.
:mod:`.dedupe`
    One row per real activity when several files hold it.
:mod:`.cache`
    The parse cache (parquet, keyed by content and runwell version).
:mod:`._session`
    What every reader hands back (:class:`~._session.Session`, :class:`~._session.Parsed`)
    and the rules shared by all readers.
:mod:`.fit`
    FIT files (subpackage: protocol, session rules, bulk decoder, reference decoder, repair).
:mod:`.gpx`, :mod:`.tcx`
    GPX and TCX files; :mod:`._pointscan` is their fast scanner of track points (its first
    tier, points grouped by shape, in :mod:`._pointgroups`).
:mod:`.strava`, :mod:`.apple`
    Strava's ``activities.csv`` and Apple Health's ``export.xml`` workouts.
:mod:`.sports`
    One sport vocabulary for every source.
:mod:`.write`
    Writers of synthetic FIT, GPX and TCX files (sample data and benchmarks).
"""

from runwell.activities.load import ActivityLoad, load_activities
from runwell.activities.read import read_activity, read_streams
from runwell.activities.sports import normalise_sport

__all__ = ["read_activity", "read_streams", "load_activities", "ActivityLoad", "normalise_sport"]

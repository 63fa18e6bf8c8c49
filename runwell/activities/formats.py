"""The activity file formats, registered in :data:`runwell.registry.REGISTRY`.

FIT, GPX and TCX are declared here once, as formats of kind ``"activities"``: their
suffixes (plain or gzipped, any case), a description and their reader. Every other module
asks this one which format a file name has, and the "does not read this kind of file"
message is built from the registry, so it lists exactly the formats registered.

Bulk exports (Strava, Garmin Connect, Apple Health) and zip archives are not formats of
their own: they are containers of these files, found by :mod:`._sources` and assembled by
:mod:`.exports`.

The summary exports (:data:`EXPORT_FORMATS`: Garmin's ``*_summarizedActivities.json``,
Polar's ``training-session-*.json``, Samsung Health's exercise CSV, Whoop's
``workouts.csv``, Fitbit's ``UserExercises_*.csv``) are registered here too, with no
suffix and a content sniffer over an :class:`~runwell.activities.summary.ExportPeek`;
:func:`export_format` recognises them and :mod:`.summary_load` reads them.

Examples
--------
>>> activity_format("activities/123.FIT.gz")
('fit', True)
>>> activity_format("notes.txt") is None
True
"""

from __future__ import annotations

from runwell.activities._session import Parsed
from runwell.activities.fit import parse_fit
from runwell.activities.fitbit import read_fitbit_exercises, sniff_fitbit_exercises
from runwell.activities.garmin_summaries import read_garmin_summaries, sniff_garmin_summaries
from runwell.activities.gpx import parse_gpx
from runwell.activities.polar import read_polar_session, sniff_polar_session
from runwell.activities.samsung import read_samsung_exercise, sniff_samsung_exercise
from runwell.activities.summary import ExportPeek
from runwell.activities.tcx import parse_tcx
from runwell.activities.whoop import read_whoop_workouts, sniff_whoop_workouts
from runwell.errors import UnsupportedFormatError
from runwell.registry import REGISTRY, Format

__all__ = [
    "KIND",
    "FORMATS",
    "EXPORT_FORMATS",
    "CONTAINERS",
    "export_format",
    "activity_format",
    "activity_suffix",
    "require_activity_format",
    "known_formats",
    "parse_activity",
]

#: The registry kind of activity files.
KIND = "activities"

#: What holds activity files besides folders, for messages.
CONTAINERS = (
    ".zip archives holding those, and bulk exports (Strava: activities.csv with its "
    "activities/ folder; Garmin Connect: DI_CONNECT/...; Apple Health: export.xml), "
    "as a zip or unzipped folder, and the summary exports listed"
)

#: The activity formats, as registered (in the order messages list them).
FORMATS: tuple[Format, ...] = tuple(
    REGISTRY.register(fmt)
    for fmt in (
        Format("fit", KIND, "FIT activity file", parse_fit, suffixes=(".fit", ".fit.gz")),
        Format("gpx", KIND, "GPX track", parse_gpx, suffixes=(".gpx", ".gpx.gz")),
        Format("tcx", KIND, "TCX activity", parse_tcx, suffixes=(".tcx", ".tcx.gz")),
    )
)


#: The summary exports (no suffix; recognised by content), in the order they are tried.
EXPORT_FORMATS: tuple[Format, ...] = tuple(
    REGISTRY.register(fmt)
    for fmt in (
        Format(
            "garmin_summaries",
            KIND,
            "Garmin Connect export DI-Connect-Fitness/*_summarizedActivities.json",
            read_garmin_summaries,
            sniff_garmin_summaries,
        ),
        Format(
            "polar",
            KIND,
            "Polar Flow export training-session-*.json",
            read_polar_session,
            sniff_polar_session,
        ),
        Format(
            "samsung",
            KIND,
            "Samsung Health export com.samsung.shealth.exercise.<timestamp>.csv",
            read_samsung_exercise,
            sniff_samsung_exercise,
        ),
        Format(
            "whoop", KIND, "Whoop export workouts.csv (English or Spanish)", read_whoop_workouts, sniff_whoop_workouts
        ),
        Format(
            "fitbit_exercises",
            KIND,
            "Fitbit Google Takeout UserExercises_*.csv",
            read_fitbit_exercises,
            sniff_fitbit_exercises,
        ),
    )
)

#: What a file's name must end with to be looked at by :func:`export_format`.
_EXPORT_SUFFIXES = (".json", ".csv")


def export_format(peek: ExportPeek) -> Format | None:
    """The summary export a file is (see :data:`EXPORT_FORMATS`), or None.

    Only ``.json`` and ``.csv`` files are looked at; each sniffer checks the name first
    and reads the head only when the name allows.
    """
    if not peek.filename.endswith(_EXPORT_SUFFIXES):
        return None
    return next((fmt for fmt in EXPORT_FORMATS if fmt.detect is not None and fmt.detect(peek)), None)


def activity_suffix(name: str) -> str | None:
    """The registered suffix that ends ``name`` (lower case), or None.

    Examples
    --------
    >>> activity_suffix("Morning_Run.GPX.gz")
    '.gpx.gz'
    """
    fmt = REGISTRY.by_suffix(KIND, name)
    if fmt is None:
        return None
    lower = name.lower()
    return max((s for s in fmt.suffixes if lower.endswith(s)), key=len)


def activity_format(name: str) -> tuple[str, bool] | None:
    """Return ``(format, gzipped)`` for an activity file name, or None.

    Parameters
    ----------
    name
        A file name or path (only its ending matters; any case).

    Returns
    -------
    tuple of (str, bool) or None
        The registered format's name and whether the file is gzipped; None when the
        name is not an activity file.
    """
    fmt = REGISTRY.by_suffix(KIND, name)
    if fmt is None:
        return None
    return fmt.name, name.lower().endswith(".gz")


def known_formats() -> str:
    """A sentence naming the activity formats runwell reads and what may hold them."""
    return f"{REGISTRY.known(KIND)} Also {CONTAINERS}."


def require_activity_format(name: str, display: str) -> tuple[str, bool]:
    """The format of an activity file, or :class:`UnsupportedFormatError` naming the known ones.

    Examples
    --------
    >>> require_activity_format("run.kml", "run.kml")
    Traceback (most recent call last):
    ...
    runwell.errors.UnsupportedFormatError: run.kml: runwell does not read this kind of file. Known activities formats: ...
    """
    fmt = activity_format(name)
    if fmt is None:
        raise UnsupportedFormatError(f"{display}: runwell does not read this kind of file. {known_formats()}")
    return fmt


def parse_activity(data: bytes, *, fmt: str, path: str, streams: bool = False) -> Parsed:
    """Read one activity file's (decompressed) bytes with its format's registered reader.

    Parameters
    ----------
    data
        The file's bytes, gunzipped.
    fmt
        The format's name (from :func:`activity_format`).
    path
        Shown in messages.
    streams
        Also return the samples.

    Returns
    -------
    Parsed
    """
    return REGISTRY.get(KIND, fmt).reader(data, path=path, streams=streams)

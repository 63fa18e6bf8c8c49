"""The activity file formats, registered in :data:`runwell.registry.REGISTRY`.

FIT, GPX and TCX are declared here once, as formats of kind ``"activities"``: their
suffixes (plain or gzipped, any case), a description and their reader. Every other module
asks this one which format a file name has, and the "does not read this kind of file"
message is built from the registry, so it lists exactly the formats registered.

Bulk exports (Strava, Garmin Connect, Apple Health) and zip archives are not formats of
their own: they are containers of these files, found by :mod:`._sources` and assembled by
:mod:`.exports`.

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
from runwell.activities.gpx import parse_gpx
from runwell.activities.tcx import parse_tcx
from runwell.errors import UnsupportedFormatError
from runwell.registry import REGISTRY, Format

__all__ = [
    "KIND",
    "FORMATS",
    "CONTAINERS",
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
    "as a zip or unzipped folder"
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
